"""`warroom snapshot [--json]`: run every configured source once and print what it sees.

For scripts, for checking a config against the real world, and for tests. Records nothing.
Log sources report their configured backfill window, so a one-shot run has counts to show.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import load_config_for
from warroom.redact import redact_text
from warroom.sanitize import clean, terminal_json
from warroom.sources.registry import build_sources, kind_names, kind_of

#: `warroom snapshot`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("--json", action="store_true", help="machine-readable output"),
    Arg(
        "--only",
        metavar="KIND",
        action="append",
        help=f"{', '.join(kind_names()[:-1])} or {kind_names()[-1]} (repeatable)",
    ),
)


def _to_json(kind: str, snapshot: Any) -> Any:
    """The snapshot as its kind prints it for `--json` (`SourceKind.json`)."""
    found = kind_of(kind)
    return (
        found.json(snapshot) if found is not None and isinstance(snapshot, found.snapshot_type) else snapshot.to_json()
    )


def _to_text(kind: str, snapshot: Any) -> str:
    found = kind_of(kind)
    return (
        found.text(snapshot) if found is not None and isinstance(snapshot, found.snapshot_type) else snapshot.as_text()
    )


def _redacted(value: Any) -> Any:
    """Every string in a JSON value with secrets hidden (`redact_text`)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


async def _snapshot(args: argparse.Namespace) -> int:
    config = load_config_for(args)
    sources = build_sources(config, set(args.only) if args.only else None)
    if args.only:
        sources = [s for s in sources if s.kind in set(args.only)]
    if not sources:
        print(
            "no sources configured: add [[probe]], [[log]], [[deploys]]... to warroom.toml (see `warroom config check`)"
        )
        return 0
    now = datetime.now(UTC)
    try:
        for s in sources:
            warm = getattr(s, "prime", None)  # sources that need two looks (CPU %) get a head start
            if warm is not None:
                await warm()
        # A followed command (kubectl logs -f) needs a moment to replay its --since window:
        # sources that know how to take one complete look offer `collect_once`.
        snapshots = await asyncio.gather(
            *((s.collect_once(now) if hasattr(s, "collect_once") else s.collect(now)) for s in sources)
        )
    finally:
        for s in sources:
            await s.aclose()
    failed = sum(1 for snap in snapshots if getattr(snap, "error", None))
    if args.json:
        out = [
            {"key": s.key, "kind": s.kind, "snapshot": _to_json(s.kind, snap)} for s, snap in zip(sources, snapshots)
        ]
        out = _redacted(json.loads(json.dumps(out, default=str)))  # every source: no secret value
        print(terminal_json(out, indent=2))
    else:
        for s, snap in zip(sources, snapshots):
            text = _to_text(s.kind, snap)
            # Names come from the config and text from the world: both cleaned, then redacted.
            print(f"== {redact_text(clean(s.key, cap=None))}")
            print(redact_text(clean(text, cap=None, keep_newlines=True)))
            print()
    return 1 if failed else 0


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_snapshot(args))
