"""A 12-hour SEV-1 at demo speed, every source live: memory, database growth and event-loop lag.

    python benchmarks/long_run.py [--hours 12] [--speed 480] [--poll 60] [--trace]

What runs (all on this machine, in this one process, as `warroom demo` runs): the demo world (its
HTTP service with /health, /api/checkout and a Statuspage v2 page, its log file written line by
line, its git repository of deploys, its Prometheus and Alertmanager when installed) and the real
war room screen (`WarRoomApp` under `App.run_test`, the headless driver: every pane composed, laid
out and rendered) polling all of it: two probes, the status page, the log, git deploys, resources,
the command pane and the `[[metric]]` queries, and its `[intake]` receiving Alertmanager's posts,
recording into a real SQLite file. (The demo has no Kubernetes: kubectl is not among them.)

Time is simulated: the app, the recorder and the world read one clock, so events, samples and log
lines are stamped with and bucketed by simulated time. It runs at 1x while the screen opens and for
`--lag-seconds` (the demo as it is, its own poll intervals), then `--speed` times faster than the
wall (480: an hour in 7.5 s, 12 hours in 90 s), then at 1x again for the last lag measurement.
Poll intervals are real seconds and cannot run 480x as often on two cores, so while fast each
source polls once per `--poll` simulated seconds (60: 8 polls a second each; the command pane, a
process per poll, once per ten minutes). The samples stored per simulated hour are what the
recorder keeps at any poll rate of once a minute or more (full resolution for the newest 15
minutes, one a minute per series older: `recorder.SAMPLE_FULL_RESOLUTION`, `store.downsample`).
The story repeats every simulated hour: a deploy that breaks /health and checkout (errors and
panics in the log), the provider's status page turning red, a revert ten minutes later, and a note
every five minutes from the team.

Measured at the end of each simulated hour: the process's resident memory (psutil), the database's
pages in use (its WAL included; the files are reported too, the WAL stays near SQLite's 4 MB
checkpoint size), sample rows, events, and the screen's widget count (the DOM). A 10 ms ticker on
the app's own event loop measures how late it wakes (the event-loop lag) throughout.

Targets: RSS at the last hour <= 1.10x RSS at hour 1; the database's growth in the last hour <=
1.5x its growth in hour 2 (bounded: it does not grow with the incident's age); no series holding
more than one sample a minute older than 30 minutes; event-loop lag p99 at 1x after the 12 hours
< 50 ms (the lag while running fast is printed too). Prints PASS or FAIL per target and exits 1 on
a miss (verdict.py). `--trace` prints where the memory still held since hour 2 was allocated.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from verdict import Verdict, sized  # noqa: E402

#: run.py --quick leaves this out unless named: twelve simulated hours take two minutes; quick's three still take half of one.
NOT_IN_QUICK = True

HOUR = 3600.0
LAG_TARGET_MS = 50.0
RSS_TARGET = 1.10
DB_GROWTH_TARGET = 1.5
START = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
TRACE_FROM = int(os.environ.get("LONG_RUN_TRACE_FROM", "2"))  # `--trace`: the hour tracing starts


class SimClock:
    """Simulated time from `START`: `speed` simulated seconds per real second (changeable)."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._m0 = time.monotonic()
        self._s0 = 0.0

    def set_speed(self, speed: float) -> None:
        self._s0, self._m0, self.speed = self.seconds(), time.monotonic(), speed

    def seconds(self) -> float:
        return self._s0 + (time.monotonic() - self._m0) * self.speed

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds())


def hourly_steps(hours: int) -> list:
    """The story, once per simulated hour: break, notice, revert, recover; notes all along."""
    from warroom.demo.scenario import Step
    from warroom.demo.state import Phase
    from warroom.domain import catalogue
    from warroom.domain.events import Kind

    def sev1(ctx) -> None:
        ctx.append(Kind.SEVERITY, catalogue.severity_changed(2, 1, "every card payment failing"), "alice")

    def deploy(n: int):
        def run(ctx) -> None:
            now = ctx.state.clock.now()
            files = {"checkout/retry.yaml": f"attempts: {n % 7 + 2}\nround: {n}\n"}
            sha = ctx.repo.commit(f"checkout: retry tuning round {n}", "dave", now, files) if ctx.repo else None
            ctx.facts["sha"] = sha
            ctx.state.set_phase(Phase.OUTAGE, at=ctx.step_at)
            ctx.state.set_provider("major")

        return run

    def revert(ctx) -> None:
        sha = ctx.facts.get("sha")
        if ctx.repo is not None and sha:
            ctx.repo.revert(sha, "bob", ctx.state.clock.now())
        ctx.state.set_phase(Phase.RECOVERED, at=ctx.step_at)
        ctx.state.set_provider("none")
        ctx.append(Kind.MITIGATED, catalogue.mitigation_applied(f"reverted {str(sha)[:7]}"), "bob")

    def note(text: str, actor: str):
        return lambda ctx: ctx.note(actor, text)

    people = ("alice", "bob", "carol", "erin")
    steps = [Step(5, "detect", "SEV-1", sev1)]
    for h in range(hours):
        base = h * HOUR
        steps.append(Step(base + 60, "detect", f"deploy {h}", deploy(h)))
        steps.append(Step(base + 660, "mitigate", f"revert {h}", revert))
        for k in range(12):
            who = people[(h + k) % len(people)]
            text = f"hour {h + 1}, minute {k * 5 + 2}: checkout error rate and provider status checked, still watching"
            steps.append(Step(base + k * 300 + 120, "triage", f"note {h}.{k}", note(text, who)))
    return steps


class Intervals:
    """The app's sources at the demo's own intervals, or at one poll per `poll` simulated seconds."""

    def __init__(self, app, poll: float, speed: float) -> None:
        from warroom.ui.poller import Poller

        self.poller = Poller.for_app(app)
        self.sources = list(self.poller.scheduler.sources)
        self.normal = [s.interval for s in self.sources]
        every = max(0.05, poll / speed)
        # The command pane starts a Python process per poll: once per ten simulated minutes.
        self.fast = [max(0.5, 600 / speed) if s.kind == "command" else every for s in self.sources]

    def use(self, fast: bool) -> None:
        for source, interval in zip(self.sources, self.fast if fast else self.normal, strict=True):
            source.interval = interval
        self.poller.scheduler.poll_now()


@dataclass
class Hour:
    """What one simulated hour ended with."""

    n: int
    rss: int
    db_bytes: int
    events: int
    sample_rows: int
    series: int
    widgets: int
    live_bytes: int
    lag_p99_ms: float
    lag_max_ms: float
    lags: int


@dataclass
class Ticker:
    """A 10 ms ticker on the app's loop: how late it wakes (ms), collected per phase."""

    phase: str = "start"
    lags: dict[str, list[float]] = field(default_factory=dict)

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(0.01)
            self.lags.setdefault(self.phase, []).append(max(0.0, loop.time() - before - 0.01) * 1000)


def p99(values: list[float]) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100)[98] if len(values) > 2 else max(values)


def db_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def live_bytes(path: Path) -> int:
    """Bytes of the database's pages in use (its WAL included): what the data takes, free pages not."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0] - conn.execute("PRAGMA freelist_count").fetchone()[0]
        return int(pages * conn.execute("PRAGMA page_size").fetchone()[0])


def count_samples(path: Path, incident_id: int) -> tuple[int, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows, series = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT series) FROM samples WHERE incident_id = ?", (incident_id,)
        ).fetchone()
    return int(rows), int(series)


def dense_minutes(path: Path, incident_id: int, before: datetime) -> int:
    """(series, minute) pairs older than `before` holding more than one sample: 0 when down-sampled."""
    from warroom.domain.events import format_ts

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        (n,) = conn.execute(
            "SELECT COUNT(*) FROM (SELECT series, substr(at, 1, 16) AS minute, COUNT(*) AS n FROM samples "
            "WHERE incident_id = ? AND at < ? GROUP BY series, minute HAVING n > 1)",
            (incident_id, format_ts(before)),
        ).fetchone()
    return int(n)


def events_count(path: Path, incident_id: int) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM events WHERE incident_id = ?", (incident_id,)).fetchone()[0])


async def measure(
    hours: int, speed: float, poll: float, lag_seconds: float, trace: bool = False
) -> tuple[list[Hour], dict]:
    import psutil

    from warroom.demo.state import ScriptClock
    from warroom.demo.world import DemoWorld
    from warroom.ui.app import WarRoomApp

    sim = SimClock(1.0)
    script_clock = ScriptClock(1.0, monotonic=sim.seconds, wall=sim.now)
    world = DemoWorld(clock=script_clock, steps=hourly_steps(hours))
    world.build()
    facts: dict = {
        "prometheus": world.prometheus is not None,
        "intake": bool(world.intake),  # Alertmanager routing to the war room's [intake] receiver
        "git": world.git_error is None,
    }
    db, iid = world.db_path, world.incident_id
    proc = psutil.Process()
    out: list[Hour] = []
    try:
        app = WarRoomApp(db, world.config, incident_id=iid, clock=sim.now, actor="you")
        async with app.run_test(size=(160, 48)) as pilot:
            world.start()
            ticker = Ticker(phase="opening")
            stop = asyncio.Event()
            tick_task = asyncio.create_task(ticker.run(stop))
            # The demo as it is (speed 1, its own intervals), then 12 hours fast, then speed 1 again.
            await asyncio.sleep(3.0)  # the panes mount and read their history after the first frame
            ticker.phase = "start"
            await asyncio.sleep(lag_seconds)
            facts["rss_start"] = proc.memory_info().rss
            intervals = Intervals(app, poll, speed)
            intervals.use(fast=True)
            sim.set_speed(speed)
            began = sim.seconds()
            for h in range(1, hours + 1):
                ticker.phase = f"hour {h}"
                while sim.seconds() - began < h * HOUR:
                    await asyncio.sleep(0.05)
                await pilot.pause()
                lags = ticker.lags.get(ticker.phase, [])
                rows, series = await asyncio.to_thread(count_samples, db, iid)
                x = Hour(
                    h,
                    proc.memory_info().rss,
                    db_bytes(db),
                    await asyncio.to_thread(events_count, db, iid),
                    rows,
                    series,
                    len(list(app.screen.query("*"))),
                    await asyncio.to_thread(live_bytes, db),
                    p99(lags),
                    max(lags, default=float("nan")),
                    len(lags),
                )
                out.append(x)
                if trace and h == TRACE_FROM:
                    tracemalloc.start(6)
                    traced = tracemalloc.take_snapshot()
                print(
                    f"  hour {h:2d}: RSS {x.rss / 2**20:6.1f} MiB, DB {x.live_bytes / 1024:6.0f} KiB in use "
                    f"({x.db_bytes / 1024:.0f} KiB files), {x.events:4d} events, {x.sample_rows:5d} samples in "
                    f"{x.series} series, {x.widgets} widgets; lag p99 at {speed:g}x {x.lag_p99_ms:5.1f} ms",
                    flush=True,
                )
            if trace:
                _print_growth(traced, tracemalloc.take_snapshot())
                tracemalloc.stop()
            sim.set_speed(1.0)
            intervals.use(fast=False)
            ticker.phase = "settle"
            await asyncio.sleep(1.0)
            ticker.phase = "end"
            await asyncio.sleep(lag_seconds)
            stop.set()
            await tick_task
            facts["lag_start"] = ticker.lags.get("start", [])
            facts["lag_end"] = ticker.lags.get("end", [])
            facts["rss_end"] = proc.memory_info().rss
            facts["dense"] = await asyncio.to_thread(dense_minutes, db, iid, sim.now() - timedelta(minutes=30))
            facts["timeline_rows"] = _timeline_rows(app)
            facts["script_failures"] = list(world.runner.failures) if world.runner else []
        return out, facts
    finally:
        world.stop()


def _print_growth(before, after) -> None:
    """`--trace`: where memory allocated since hour TRACE_FROM and still held was allocated."""
    print(f"  allocations still held since hour {TRACE_FROM}, by where they were made:")
    for stat in after.compare_to(before, "traceback")[:16]:
        print(f"    {stat.size_diff / 1024:+8.0f} KiB {stat.count_diff:+7d} blocks")
        for line in stat.traceback.format()[-6:]:
            print(f"        {line}")


def _timeline_rows(app) -> str:
    """What the timeline widget holds now (for the report; its class is looked up by name)."""
    for widget in app.screen.query("*"):
        if type(widget).__name__ == "Timeline":
            for attr in ("row_count", "_rows", "rows", "lines"):
                value = getattr(widget, attr, None)
                if isinstance(value, int):
                    return str(value)
                if value is not None and hasattr(value, "__len__"):
                    return str(len(value))
    return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=sized(12, 3), help="simulated hours (default 12; quick 3)")
    parser.add_argument("--speed", type=float, default=480.0, help="simulated seconds per real second (480)")
    parser.add_argument("--poll", type=float, default=60.0, help="simulated seconds between polls of a source (60)")
    parser.add_argument(
        "--lag-seconds",
        type=float,
        default=sized(6.0, 4.0),
        help="real seconds of lag measured at speed 1 (6; quick 4)",
    )
    parser.add_argument(
        "--trace", action="store_true", help="print where memory held since hour 2 ($LONG_RUN_TRACE_FROM) came from"
    )
    args = parser.parse_args()
    if args.hours < 3:
        parser.error("--hours must be at least 3 (hour 2 is the growth reference)")
    load = os.getloadavg()
    print(
        f"long_run: {args.hours} simulated hours at {args.speed:g}x ({args.hours * HOUR / args.speed:.0f} s), "
        f"each source polled every {args.poll:g} simulated s; load average {load[0]:.2f}",
        flush=True,
    )
    started = time.monotonic()
    hours, facts = asyncio.run(measure(args.hours, args.speed, args.poll, args.lag_seconds, args.trace))
    print(
        f"  took {time.monotonic() - started:.0f} s real; Prometheus {'on' if facts['prometheus'] else 'not installed'}, "
        f"Alertmanager into [intake] {'on' if facts['intake'] else 'off'}, "
        f"git {'on' if facts['git'] else 'unavailable'}; load average now {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    first, second, last = hours[0], hours[1], hours[-1]
    before_last = hours[-2]
    if facts["script_failures"]:
        print(f"  script steps that failed: {facts['script_failures']}")
    verdict = Verdict()

    growth = last.rss / first.rss
    met = verdict.check(
        f"RSS at hour {last.n} <= {RSS_TARGET:.2f}x hour 1",
        growth <= RSS_TARGET,
        figure=f"{last.rss / 2**20:.1f} MiB",
        reference=f"hour 1 {first.rss / 2**20:.1f} MiB",
        ratio=growth,
    )
    print(
        f"RSS: {facts['rss_start'] / 2**20:.1f} MiB before, hour 1 {first.rss / 2**20:.1f} MiB, hour {last.n} "
        f"{last.rss / 2**20:.1f} MiB ({growth - 1:+.1%}), {facts['rss_end'] / 2**20:.1f} MiB at the end {met}"
    )

    early = second.live_bytes - first.live_bytes
    late = last.live_bytes - before_last.live_bytes
    db_ratio = late / early if early > 0 else float("inf") if late > 0 else 1.0
    met = verdict.check(
        f"DB growth in hour {last.n} <= {DB_GROWTH_TARGET}x hour 2",
        db_ratio <= DB_GROWTH_TARGET,
        figure=f"{late / 1024:.0f} KiB/h",
        reference=f"hour 2 {early / 1024:.0f} KiB/h",
        ratio=db_ratio,
    )
    per_series = (last.sample_rows - before_last.sample_rows) / max(1, last.series)
    print(
        f"DB: {early / 1024:.0f} KiB more in use in hour 2, {late / 1024:.0f} KiB in hour {last.n}; "
        f"{last.live_bytes / 2**20:.2f} MiB in use after {last.n} h ({last.db_bytes / 2**20:.2f} MiB of files "
        f"with the WAL), {last.sample_rows} samples in {last.series} series ({per_series:.0f} per series "
        f"in the last hour), {last.events} events {met}"
    )
    met = verdict.check(
        "samples older than 30 min: at most one per series per minute",
        facts["dense"] == 0,
        figure=f"{facts['dense']} series-minutes with more",
        reference="0",
    )
    print(f"samples down-sampled: {facts['dense']} (series, minute) pairs older than 30 min hold more than one {met}")

    start_p99, end_p99 = p99(facts["lag_start"]), p99(facts["lag_end"])
    met = verdict.check(
        f"event-loop lag p99 at the end < {LAG_TARGET_MS:g} ms",
        end_p99 < LAG_TARGET_MS,
        figure=f"{end_p99:.1f} ms",
        reference=f"at the start {start_p99:.1f} ms",
        ratio=end_p99 / start_p99 if start_p99 > 0 else None,
    )
    print(
        f"event-loop lag p99 at demo speed: {start_p99:.1f} ms at the start, {end_p99:.1f} ms after "
        f"{last.n} h (max {max(facts['lag_end'], default=float('nan')):.0f} ms, {len(facts['lag_end'])} ticks); "
        f"while {args.speed:g}x fast: hour 1 {first.lag_p99_ms:.1f} ms, hour {last.n} {last.lag_p99_ms:.1f} ms {met}"
    )
    print(
        f"screen: {first.widgets} widgets at hour 1, {last.widgets} at hour {last.n}; "
        f"timeline holds {facts['timeline_rows']} rows for {last.events} events"
    )
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
