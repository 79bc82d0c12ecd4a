"""`warroom record`: run every configured source headless and record what changes.

For a jump host without a screen (or a cron/systemd unit): the same sources, rules and recorder
lease as the war room screen, so running both never records a change twice.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import timedelta

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import INCIDENT_ARG, db_path, load_config_for, open_store, resolve_incident
from warroom.domain.describe import describe
from warroom.domain.events import short_id
from warroom.errors import UserError
from warroom.sanitize import clean

#: `warroom record`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    INCIDENT_ARG,
    Arg("--duration", type=float, metavar="S", help="stop after S seconds (default: until Ctrl+C)"),
    Arg("--quiet", action="store_true", help="do not print recorded events"),
    Arg(
        "--recovery-hold",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds every probe must be up and the error rate at its baseline before "
        "`metrics recovered` is recorded (default 300: the playbook's 5 minutes)",
    ),
)


async def _record(args: argparse.Namespace, incident_id: int) -> int:
    from warroom.recorder import SourceHub, run_headless
    from warroom.store.aio import AsyncEventStore

    config = load_config_for(args)
    store = await AsyncEventStore.open(db_path(args))
    hub = SourceHub(config, store, incident_id, recovery_hold=timedelta(seconds=args.recovery_hold))
    if not hub.sources:
        await store.close()
        print("warroom: nothing to record: no sources configured (see `warroom config check`)", file=sys.stderr)
        return 1
    for source in hub.sources:
        if hasattr(source, "say"):  # the [intake] receiver: where it listens, what it refused
            source.say = lambda line: print(clean(line), file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # SIGHUP too (an SSH session dropped): stop the sources, so the commands they follow, in
    # process groups of their own, do not run on orphaned.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)

    said: dict[str, str] = {}  # per source, the last problem printed: said once, not each poll

    def show(source, outcome) -> None:
        if args.quiet:
            return
        for ev in outcome.events:
            print(f"{ev.at:%H:%M:%S} {clean(describe(ev))}", flush=True)
        problem = outcome.record_error or ""
        if hub.pending and problem:
            problem = f"not recorded yet, kept in memory: {hub.pending.last_error}"
        if problem and said.get(source.key) != problem:
            print(
                f"warroom: {clean(source.key)}: {'' if hub.pending else 'not recorded: '}{clean(problem)}",
                file=sys.stderr,
                flush=True,
            )
        said[source.key] = problem

    count = len(hub.sources)
    print(f"recording {count} source{'s' if count != 1 else ''} for {short_id(incident_id)} (Ctrl+C stops)", flush=True)
    try:
        await run_headless(hub, duration=args.duration, stop=stop, on_outcome=show)
    finally:
        await hub.aclose()
        await store.close()
    return _report_pending(hub, store.path)


def _report_pending(hub, db) -> int:
    """Events the database never took: say where they are (one line), exit 1."""
    kept = len(hub.pending)
    if not kept:
        return 0
    what = f"{kept} event{'s' if kept != 1 else ''}"
    if hub.pending_file:
        print(
            f"warroom: {what} could not be written to {db} ({clean(hub.pending.last_error or '')}); "
            f"kept in {hub.pending_file}",
            file=sys.stderr,
            flush=True,
        )
    else:
        print(f"warroom: {what} could not be written to {db} nor to any file; here they are:", file=sys.stderr)
        for line in hub.pending.lines(hub.incident_id):
            print(line, file=sys.stderr)
    return 1


#: The longest --duration: 30 days (the same bound as `since` in warroom.toml).
MAX_DURATION = 30 * 86400.0


def run(args: argparse.Namespace) -> int:
    if args.duration is not None and not 0 < args.duration <= MAX_DURATION:  # refuses nan and inf too
        raise UserError(
            f"--duration must be seconds above 0 and at most {MAX_DURATION:.0f} (30 days), got {args.duration:g}"
        )
    if not 0 < args.recovery_hold <= MAX_DURATION:
        raise UserError(
            f"--recovery-hold must be seconds above 0 and at most {MAX_DURATION:.0f}, got {args.recovery_hold:g}"
        )
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
    return asyncio.run(_record(args, incident_id))
