"""`warroom demo`: a live incident anyone can watch in one command, with nothing configured.

It starts real things on this machine (an HTTP service, a log file, a git repo of deploys, all in
a temp dir on 127.0.0.1), writes a `warroom.toml` pointing the real sources at them, declares a
SEV-2 with its first minutes on the timeline, and plays a scripted incident (detect, triage,
mitigate with a real `git revert`, communicate, resolve) over about 10 minutes, or faster with
`--speed`. With a screen it opens the war room on it; with `--headless` the recorder does the
polling and the timeline is printed at the end. Everything is stopped and removed on exit,
Ctrl+C and SIGTERM included (`--keep DIR` keeps the database and config).

The demo never reads the user's own `--db`/`--config`: it has its own, in its own directory.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from warroom.commands.argspec import Arg, ArgSpec
from warroom.errors import UserError

#: `warroom demo`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg(
        "--speed",
        type=float,
        default=1.0,
        metavar="N",
        help="play the script N times faster (default 1: about 10 minutes; 20: about 30 s)",
    ),
    Arg("--seed", type=int, default=0, metavar="N", help="seed for the demo's randomness (default 0)"),
    Arg("--keep", metavar="DIR", help="keep the database, config, log and repo in DIR (a new or empty directory)"),
    Arg("--headless", action="store_true", help="no screen: record with the sources and print the timeline at the end"),
    Arg(
        "--duration", type=float, metavar="S", help="stop after S seconds (headless default: the whole script plus 3 s)"
    ),
    Arg("--theme", metavar="NAME", help="theme for the war room screen"),
)


class _Terminated(Exception):
    """SIGTERM arrived: unwind through `finally` so the world is cleaned up."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise _Terminated()


def run(args: argparse.Namespace) -> int:
    if not 0 < args.speed <= 1000:  # written this way round, nan is refused too
        raise UserError("--speed must be a number above 0 (and at most 1000)")
    if args.duration is not None and not 0 < args.duration <= 86400:
        raise UserError("--duration must be a positive number of seconds (at most 86400, a day)")
    from warroom.demo.world import DemoWorld

    keep = Path(args.keep) if args.keep else None
    world = DemoWorld(speed=args.speed, seed=args.seed, keep=keep)
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        world.build()
        if args.headless:
            return asyncio.run(_headless(world, args))
        return _interactive(world, args)
    except _Terminated:
        return 143
    finally:
        try:
            world.stop()
        finally:
            signal.signal(signal.SIGTERM, previous)
        if keep is not None and world.db_path is not None:
            print(f"kept in {world.dir}: warroom show --db {world.db_path}", file=sys.stderr)


def default_duration(world: Any) -> float:
    return world.script_seconds / world.speed + 3.0


# -- headless ----------------------------------------------------------------------------------


class ErrorRate:
    """Matching log lines per bucket of wall time, from the log source's running total."""

    def __init__(self, bucket: float) -> None:
        self.bucket = bucket
        self.start = time.monotonic()
        self.base: int | None = None
        self.points: list[tuple[float, int]] = []

    def add(self, total: int) -> None:
        if self.base is None:  # the first total includes the backfill window: not part of the run
            self.base = total
        self.points.append((time.monotonic() - self.start, total - self.base))

    def series(self) -> list[int]:
        if not self.points:
            return []
        n = int(self.points[-1][0] // self.bucket) + 1
        out, last = [], 0
        for i in range(n):
            upto = [c for t, c in self.points if t < (i + 1) * self.bucket]
            now = upto[-1] if upto else last
            out.append(max(0, now - last))
            last = now
        return out


async def _headless(world: Any, args: argparse.Namespace) -> int:
    from warroom.recorder import SourceHub, run_headless
    from warroom.sanitize import clean
    from warroom.sources.snapshots import LogCounts
    from warroom.store.aio import AsyncEventStore

    duration = args.duration if args.duration is not None else default_duration(world)
    store = await AsyncEventStore.open(world.db_path)
    hub = SourceHub(world.config, store, world.incident_id)
    stop = asyncio.Event()
    interrupted: list[int] = []
    loop = asyncio.get_running_loop()

    def on_signal(code: int) -> None:
        interrupted.append(code)
        stop.set()

    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)):
        loop.add_signal_handler(sig, on_signal, code)
    rate = ErrorRate(bucket=max(1.0, round(10.0 / world.speed)))
    reported: set[tuple[str, str]] = set()  # each distinct recording problem is printed once

    def show(source: Any, outcome: Any) -> None:
        if isinstance(outcome.snapshot, LogCounts):
            rate.add(int(outcome.snapshot.total))
        for ev in outcome.events:
            print(f"{ev.at:%H:%M:%S} {clean(str(ev.payload.get('text', ev.kind)))}", flush=True)
        if outcome.record_error and (source.key, outcome.record_error) not in reported:
            reported.add((source.key, outcome.record_error))
            print(f"warroom: {source.key}: not recorded: {clean(outcome.record_error)}", file=sys.stderr, flush=True)

    print(
        f"warroom demo: INC-{world.incident_id} at speed {world.speed:g}, service {world.base_url}, "
        f"in {world.dir}, for {duration:g} s",
        flush=True,
    )
    if world.git_error:
        print(f"warroom demo: deploy history unavailable: {clean(world.git_error)}", file=sys.stderr, flush=True)
    print(f"warroom demo: {_prometheus_line(world)}", flush=True)
    world.start()
    try:
        await run_headless(hub, duration=duration, stop=stop, on_outcome=show)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        signal.signal(signal.SIGTERM, _raise_terminated)  # asyncio put back SIG_DFL: keep cleaning up
        await hub.aclose()
        await store.close()
    world.halt()  # the world stops first, so the summary below is final; files go later
    _print_summary(world, rate)
    return interrupted[0] if interrupted else 0


def _print_summary(world: Any, rate: ErrorRate) -> None:
    from warroom.commands.context import now_utc
    from warroom.commands.show import render_text
    from warroom.store.sync import EventStore

    print()
    print(f"log api: matching lines per {rate.bucket:g} s: {' '.join(str(n) for n in rate.series())}")
    runner = world.runner
    if runner is not None:
        print(f"script: {len(runner.done)}/{len(runner.steps)} steps played")
        for name, why in runner.failures:
            print(f"script: step {name!r} failed: {why}")
    print()
    if world.db_path is None or not world.db_path.exists():
        return
    with EventStore.open(world.db_path) as store:
        state = store.incident(world.incident_id)
    print(render_text(state, tuple(world.config.team.extra_roles), now_utc()))


# -- with a screen -----------------------------------------------------------------------------


def _exit_app(app: Any) -> None:
    """Ask a running app to exit from another thread (retrying while it is still starting)."""
    for _ in range(100):
        try:
            app.call_from_thread(app.exit)
            return
        except RuntimeError:  # not running yet (or already gone): try again shortly
            time.sleep(0.1)


def _prometheus_line(world: Any) -> str:
    """Where the demo's Prometheus and Alertmanager ran, or how to install them, in one line (the
    demo works either way)."""
    from warroom.demo.alertmanager import INSTALL_BOTH

    prom = getattr(world, "prometheus", None)
    am = getattr(world, "alertmanager", None)
    if prom is None:
        return f"Prometheus and Alertmanager are not installed: {INSTALL_BOTH} (for the metrics and alerts panes)"
    line = f"Prometheus {prom.url} scraping the service (the metrics pane)"
    if am is None:
        return line + f"; Alertmanager is not installed: {INSTALL_BOTH} (for the alerts pane)"
    return line + f"; Alertmanager {am.url} alerting into warroom's intake on {world.intake} (the alerts pane)"


def _interactive(world: Any, args: argparse.Namespace) -> int:
    from warroom.ui.app import WarRoomApp

    app = WarRoomApp(world.db_path, world.config, incident_id=world.incident_id, theme=args.theme, actor="you")
    world.start()

    terminated: list[int] = []

    def on_term(signum: int, frame: Any) -> None:
        terminated.append(143)
        # Exit through the app's own loop so the terminal is restored; from a helper thread,
        # because call_from_thread refuses the app's thread (where signal handlers run).
        threading.Thread(target=_exit_app, args=(app,), daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)
    timer: threading.Timer | None = None
    if args.duration is not None:
        timer = threading.Timer(args.duration, _exit_app, args=(app,))
        timer.daemon = True
        timer.start()
    try:
        app.run()
    finally:
        if timer is not None:
            timer.cancel()
        print(f"warroom demo: {_prometheus_line(world)}", file=sys.stderr)
    return terminated[0] if terminated else int(app.return_code or 0)
