"""`warroom intake`: receive Alertmanager's webhook in the foreground and record the alerts.

The same receiver runs inside `warroom record` and the war room when `[intake]` is configured;
this command runs only it: point Alertmanager's `webhook_configs` `url` at the address printed.
Each alert's firing and resolution is recorded once on the open incident (the newest), and an
`[intake] declare` rule declares an incident from a firing alert when none is open. Refused
requests are told on stderr, one line each; Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import signal
import sys
from typing import Any

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import db_path, load_config_for
from warroom.errors import UserError
from warroom.sanitize import clean

#: `warroom intake`'s arguments.
ARGS = ArgSpec(
    Arg("--listen", metavar="HOST:PORT", help="where to listen (default: [intake] listen, or 127.0.0.1:9095)"),
    Arg("--duration", type=float, metavar="S", help="stop after S seconds (default: until Ctrl+C)"),
    Arg("--quiet", action="store_true", help="do not print recorded events"),
)


def _config(args: argparse.Namespace):
    from warroom.config.intake_section import listen_problem, loopback
    from warroom.config.model import IntakeConfig

    config = load_config_for(args)
    intake = config.intake or IntakeConfig()
    if args.listen:
        problem = listen_problem(args.listen)
        if problem:
            raise UserError(f"--listen: {problem}")
        host = args.listen.rpartition(":")[0].strip("[]")
        if not loopback(host) and intake.token is None and not intake.user:
            raise UserError(
                f"--listen {args.listen} listens beyond this machine: set [intake] token or user/password first"
            )
        intake = dataclasses.replace(intake, listen=args.listen)
    return config, intake


async def _serve(args: argparse.Namespace) -> int:
    from warroom.domain.describe import describe
    from warroom.domain.events import short_id
    from warroom.recorder import SourceHub
    from warroom.scheduler import Scheduler
    from warroom.sources.intake import IntakeSource
    from warroom.store.aio import AsyncEventStore

    config, intake = _config(args)
    source = IntakeSource(intake)
    source.say = lambda line: print(clean(line), file=sys.stderr, flush=True)
    store = await AsyncEventStore.open(db_path(args))
    sources: list[Any] = [source]
    hub = SourceHub(config, store, None, sources=sources)
    try:
        await source.start()
    except KeyError as exc:
        await store.close()
        raise UserError(f"[intake]: {exc.args[0] if exc.args else exc}") from None
    except OSError as exc:
        await store.close()
        raise UserError(f"cannot listen on {intake.listen}: {exc.strerror or exc}") from None
    rule = f"; declares SEV-{source.rule.sev} from alerts with {source.rule.describe()}" if source.rule else ""
    print(
        f"intake listening on http://{source.listen}/ (Alertmanager webhook url){rule}; Ctrl+C stops",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)

    def show(_source, outcome) -> None:
        if not args.quiet:
            for ev in outcome.events:
                print(f"{short_id(ev.incident_id)} {ev.at:%H:%M:%S} {clean(describe(ev))}", flush=True)

    try:
        await Scheduler(hub, on_outcome=show).run(duration=args.duration, stop=stop)
    finally:
        await hub.aclose()
        await store.close()
    print("intake stopped", flush=True)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.duration is not None and not 0 < args.duration <= 30 * 86400:
        raise UserError(f"--duration must be seconds above 0 and at most 30 days, got {args.duration:g}")
    return asyncio.run(_serve(args))
