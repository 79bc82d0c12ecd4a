"""Deploys from Kubernetes: each deployment's rollout history, dated by its ReplicaSets.

Per deployment (see formats.md):
1. `kubectl get deploy NAME -o json`: the selector (to list its ReplicaSets) and, for a
   rollback, when the current revision finished rolling out.
2. `kubectl rollout history deploy/NAME`: the revisions and their change-cause.
3. `kubectl get rs -l <selector> -o json`: each ReplicaSet's revision annotation,
   `creationTimestamp` (the revision's time) and image; only those owned by NAME.

A revision reached by `kubectl rollout undo` reuses an old ReplicaSet (its creation time is
the original one, and it carries a `revision-history` annotation); when the Deployment's
Progressing condition names that ReplicaSet, its `lastUpdateTime` dates the revision instead.
The rollback for revision N is `kubectl rollout undo deploy/NAME --to-revision=<the revision
before N>` with `-n NS` (and `--context`) when configured; the oldest listed has none.
All revisions kubectl still keeps are listed (no time window: they are the rollback targets).
"""

from __future__ import annotations

import asyncio
import json
import shlex
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from warroom.domain.deploy_rules import Deploy
from warroom.domain.events import utc
from warroom.runner import CommandResult, run_argv
from warroom.sanitize import clean

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"


def kubectl_argv(args: Sequence[str], namespace: str | None, context: str | None) -> list[str]:
    """`kubectl ARGS... [-n NS] [--context CTX]`: flags last, as people type them."""
    argv = ["kubectl", *args]
    if namespace:
        argv += ["-n", namespace]
    if context:
        argv += ["--context", context]
    return argv


def rollback_argv(deployment: str, to_revision: int, namespace: str | None, context: str | None) -> list[str]:
    return kubectl_argv(["rollout", "undo", f"deploy/{deployment}", f"--to-revision={to_revision}"], namespace, context)


def parse_rollout_history(text: str) -> dict[int, str]:
    """`REVISION  CHANGE-CAUSE` table -> {revision: change-cause ('' for `<none>`)}."""
    revisions: dict[int, str] = {}
    in_table = False
    for line in text.splitlines():
        parts = line.split(None, 1)
        if not parts:
            continue
        if parts[0] == "REVISION":
            in_table = True
            continue
        if in_table and parts[0].isdigit():
            cause = parts[1].strip() if len(parts) > 1 else ""
            revisions[int(parts[0])] = "" if cause == "<none>" else cause
    return revisions


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return utc(datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text))
    except ValueError:
        return None


def _images(obj: dict) -> str:
    containers = (((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers") or []
    return ",".join(str(c.get("image", "")) for c in containers if isinstance(c, dict) and c.get("image"))


def selector_of(deploy: dict, name: str) -> str:
    """The label selector for a deployment's ReplicaSets (`app=NAME` if none is readable)."""
    labels = ((deploy.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    if isinstance(labels, dict) and labels:
        return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return f"app={name}"


def replica_sets_by_revision(rs_list: dict, deployment: str) -> dict[int, dict]:
    """{revision: {"name", "at", "image", "reused"}} for ReplicaSets owned by `deployment`."""
    found: dict[int, dict] = {}
    for item in rs_list.get("items") or []:
        meta = item.get("metadata") or {}
        owners = meta.get("ownerReferences") or []
        if not any(o.get("kind") == "Deployment" and o.get("name") == deployment for o in owners):
            continue
        annotations = meta.get("annotations") or {}
        try:
            revision = int(annotations.get(REVISION, ""))
        except ValueError:
            continue
        found[revision] = {
            "name": meta.get("name", ""),
            "at": _time(meta.get("creationTimestamp")),
            "image": _images(item),
            "reused": bool(annotations.get(REVISION_HISTORY)),
            "cause": annotations.get("kubernetes.io/change-cause", ""),
        }
    return found


def _rolled_out_at(deploy: dict, rs_name: str) -> datetime | None:
    for cond in (deploy.get("status") or {}).get("conditions") or []:
        if cond.get("type") == "Progressing" and rs_name and f'"{rs_name}"' in str(cond.get("message", "")):
            return _time(cond.get("lastUpdateTime"))
    return None


def build_deploys(
    source: str,
    deployment: str,
    deploy: dict,
    history: dict[int, str],
    replica_sets: dict[int, dict],
    namespace: str | None,
    context: str | None,
) -> list[Deploy]:
    """Join history and ReplicaSets into one `Deploy` per revision, newest first."""
    revisions = sorted(set(history) | set(replica_sets))
    fallback = _time((deploy.get("metadata") or {}).get("creationTimestamp"))
    out: list[Deploy] = []
    for i, revision in enumerate(revisions):
        rs = replica_sets.get(revision, {})
        at = rs.get("at")
        if rs.get("reused"):
            rolled = _rolled_out_at(deploy, rs.get("name", ""))
            if rolled and (at is None or rolled > at):
                at = rolled
        if at is None:
            at = fallback
        if at is None:
            continue  # no time anywhere: cannot place it on a timeline
        argv: tuple[str, ...] = ()
        if i > 0:
            argv = tuple(rollback_argv(deployment, revisions[i - 1], namespace, context))
        cause = history.get(revision) or rs.get("cause") or ""
        out.append(
            Deploy(
                source=source,
                ident=f"{deployment}:{revision}",
                short=f"rev {revision}",
                at=at,
                subject=clean(cause, cap=300),
                ref=deployment,
                image=clean(rs.get("image", ""), cap=300),
                revision=revision,
                rollback_argv=argv,
                rollback_command=shlex.join(argv) if argv else "",
            )
        )
    return sorted(out, key=lambda d: (d.at, d.revision or 0), reverse=True)


def _json(result: CommandResult) -> tuple[dict | None, str | None]:
    if not result.ok:
        return None, clean(result.describe_failure(), cap=500)
    try:
        data = json.loads(result.stdout.decode("utf-8", errors="replace"))
    except ValueError:
        return None, f"{result.command_line}: output is not JSON"
    if not isinstance(data, dict):
        return None, f"{result.command_line}: unexpected JSON"
    return data, None


async def collect_deployment(
    source: str, deployment: str, namespace: str | None, context: str | None, timeout: float
) -> tuple[list[Deploy], str | None, list[str]]:
    """(deploys, one-line error naming the failed command or None, commands run)."""
    get = await run_argv(kubectl_argv(["get", "deploy", deployment, "-o", "json"], namespace, context), timeout=timeout)
    commands = [get.command_line]
    deploy, error = _json(get)
    if deploy is None:
        return [], error, commands
    hist, rs = await asyncio.gather(
        run_argv(kubectl_argv(["rollout", "history", f"deploy/{deployment}"], namespace, context), timeout=timeout),
        run_argv(
            kubectl_argv(["get", "rs", "-l", selector_of(deploy, deployment), "-o", "json"], namespace, context),
            timeout=timeout,
        ),
    )
    commands += [hist.command_line, rs.command_line]
    if not hist.ok:
        return [], clean(hist.describe_failure(), cap=500), commands
    rs_list, error = _json(rs)
    if rs_list is None:
        return [], error, commands
    history = parse_rollout_history(hist.stdout.decode("utf-8", errors="replace"))
    replica_sets = replica_sets_by_revision(rs_list, deployment)
    return build_deploys(source, deployment, deploy, history, replica_sets, namespace, context), None, commands


async def collect_kubectl(
    source: str, deployments: Sequence[str], namespace: str | None, context: str | None, timeout: float
) -> tuple[list[Deploy], str | None, list[str]]:
    """All deployments concurrently; what worked is kept, failures are joined into one line."""
    if not deployments:
        return [], 'no deployments configured (deployments = ["api", ...])', []
    results = await asyncio.gather(*(collect_deployment(source, d, namespace, context, timeout) for d in deployments))
    deploys: list[Deploy] = []
    errors: list[str] = []
    commands: list[str] = []
    for found, error, cmds in results:
        deploys += found
        commands += cmds
        if error:
            errors.append(error)
    return deploys, ("; ".join(errors) or None), commands
