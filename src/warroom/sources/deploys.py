"""Recent deploys: `[[deploys]]` of kind git, kubectl or command, as one `DeployList` snapshot.

- git: commits on any ref within `since` seconds (see `deploys_git`), and never less than back
  to the incident's suspects (`reach_back`): a long incident keeps its usual suspects listed.
- kubectl: every revision of the listed deployments (see `deploys_kubectl`).
- command: `argv` whose stdout lines are deploys, in either form:
    * `TIME ID SUBJECT...` (whitespace separated), or
    * `TIME<TAB>ID<TAB>AUTHOR<TAB>SUBJECT[<TAB>ROLLBACK]` where ROLLBACK is a command line,
      split like a shell would (but never run by one) into the deploy's rollback argv.
  TIME is ISO 8601 (`2026-11-26T03:12:00Z`, an offset, or none = UTC) or Unix seconds.
  Lines that do not parse are kept as-is in `DeployList.unparsed` (shown, never tracked);
  command deploys have no rollback unless the line gives one.

Every failure lands in `DeployList.error` as one line naming the exact command that failed.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from warroom.config.model import DeploysConfig
from warroom.domain.deploy_rules import Deploy, newest_first
from warroom.domain.events import utc
from warroom.redact import redact_text
from warroom.runner import run_argv
from warroom.sanitize import clean
from warroom.sources.deploys_git import collect_git
from warroom.sources.deploys_kubectl import collect_kubectl
from warroom.sources.registry import DEPLOYS
from warroom.sources.snapshots import DeployList

__all__ = ["Deploy", "DeployList", "DeploysSource", "parse_deploy_lines"]

UNPARSED_CAP = 50


def _line_time(text: str) -> datetime | None:
    t = text.strip()
    try:
        if t.replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(t), tz=UTC)
        if t.endswith(("Z", "z")):
            t = t[:-1] + "+00:00"
        return utc(datetime.fromisoformat(t))
    except (ValueError, OverflowError, OSError):
        return None


def parse_deploy_lines(source: str, text: str) -> tuple[list[Deploy], list[str]]:
    """Parse a command's stdout (format in the module docstring) -> (deploys, unparsed lines)."""
    deploys: dict[str, Deploy] = {}
    unparsed: list[str] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        deploy = _parse_line(source, raw)
        if deploy is None:
            if len(unparsed) < UNPARSED_CAP:
                unparsed.append(clean(raw, cap=300))
        elif deploy.ident not in deploys:
            deploys[deploy.ident] = deploy
    return list(newest_first(deploys.values())), unparsed


def _parse_line(source: str, raw: str) -> Deploy | None:
    if "\t" in raw:
        fields = raw.split("\t")
        if len(fields) < 4:
            return None
        when, ident, author, subject = fields[:4]
        rollback = fields[4].strip() if len(fields) > 4 else ""
    else:
        parts = raw.split(None, 2)
        if len(parts) < 2:
            return None
        when, ident = parts[0], parts[1]
        author, subject, rollback = "", parts[2] if len(parts) > 2 else "", ""
    at = _line_time(when)
    ident = clean(ident.strip(), cap=100)
    if at is None or not ident:
        return None
    argv: tuple[str, ...] = ()
    if rollback:
        try:
            argv = tuple(shlex.split(rollback))
        except ValueError:
            argv = ()
    return Deploy(
        source=source,
        ident=ident,
        short=ident[:12],
        at=at,
        subject=clean(subject.strip(), cap=300),
        author=clean(author.strip(), cap=100),
        rollback_argv=argv,
        rollback_command=clean(shlex.join(argv), cap=500) if argv else "",
    )


def _redacted(found: DeployList) -> DeployList:
    """Whatever the commands printed (commit subjects, change causes, images, errors), with
    secrets and credential-shaped text hidden before it is shown or recorded."""
    deploys = tuple(
        dataclasses.replace(d, subject=redact_text(d.subject), author=redact_text(d.author), image=redact_text(d.image))
        for d in found.deploys
    )
    return dataclasses.replace(
        found,
        deploys=deploys,
        error=redact_text(found.error) if found.error else found.error,
        unparsed=tuple(redact_text(u) for u in found.unparsed),
    )


@dataclass
class DeploysSource:
    """A `[[deploys]]` section as a source: key `deploys:<name>`, kind `deploys`."""

    config: DeploysConfig
    key: str = field(init=False)
    kind: str = field(init=False, default=DEPLOYS)
    interval: float = field(init=False)

    #: The window reaches back at least this far (git): the incident's detection less the
    #: suspects' window, so the deploys just before detection stay listed however long the
    #: incident runs, not only for `since` (2 h) after them.
    reach_back_to: datetime | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.key = f"{DEPLOYS}:{self.config.name}"
        self.interval = self.config.interval

    def reach_back(self, to: datetime | None) -> bool:
        """Keep every deploy since `to` listed (None: just `since`). True when that widened
        the window at the next collect, so the caller may poll again now."""
        to = utc(to) if to is not None else None
        if to == self.reach_back_to:
            return False
        widened = to is not None and (self.reach_back_to is None or to < self.reach_back_to)
        self.reach_back_to = to
        return widened and self.config.kind == "git"

    def window(self, now: datetime) -> float:
        """Seconds the git window looks back from `now`."""
        if self.reach_back_to is None:
            return self.config.since
        return max(self.config.since, (utc(now) - self.reach_back_to).total_seconds())

    async def collect(self, now: datetime) -> DeployList:
        """Run the configured git/kubectl/command once, its text redacted. Never raises."""
        return _redacted(await self._collect(now))

    async def _collect(self, now: datetime) -> DeployList:
        cfg = self.config
        now = utc(now)
        window = None
        found: Sequence[Deploy]
        error: str | None
        commands: Sequence[str]
        try:
            if cfg.kind == "git":
                window = self.window(now)
                if not cfg.repo:
                    found, error, commands = [], 'kind git needs repo = "/path/to/repo"', []
                else:
                    found, error, commands = await collect_git(cfg.name, cfg.repo, window, now, cfg.timeout)
                return DeployList(cfg.name, cfg.kind, now, tuple(found), error, (), tuple(commands), window)
            if cfg.kind == "kubectl":
                found, error, commands = await collect_kubectl(
                    cfg.name, cfg.deployments, cfg.namespace, cfg.context, cfg.timeout
                )
                return DeployList(cfg.name, cfg.kind, now, newest_first(found), error, (), tuple(commands))
            if cfg.kind == "command":
                if not cfg.argv:
                    return DeployList(cfg.name, cfg.kind, now, error="kind command needs argv = [...]")
                result = await run_argv(cfg.argv, timeout=cfg.timeout)
                text = result.stdout.decode("utf-8", errors="replace")
                found, unparsed = parse_deploy_lines(cfg.name, text)
                error = None if result.ok else clean(result.describe_failure(), cap=500)
                return DeployList(cfg.name, cfg.kind, now, tuple(found), error, tuple(unparsed), (result.command_line,))
            return DeployList(
                cfg.name, cfg.kind, now, error=f"unknown deploys kind {cfg.kind!r} (git, kubectl or command)"
            )
        except Exception as exc:  # a source never takes the app down; say what broke
            return DeployList(
                cfg.name, cfg.kind, now, error=f"{type(exc).__name__}: {clean(str(exc), cap=300)}", window=window
            )

    async def aclose(self) -> None:
        return None
