"""`warroom review` on an incident of 100,000 events: its first frame, and scrubbing.

    python benchmarks/review_open.py [--events 100000] [--runs 5] [--size 80x24] [--moments 300]

First frame: the installed `warroom review` in a pseudo-terminal of the given size, until the
terminal has received the header, the timeline's title and the newest event; against, in the
same run, a minimal Textual app's first frame PLUS reading the same incident's rows with the
sqlite3 module (`SELECT ... WHERE incident_id = 1`, fetchall). Target: ratio <= 1.5x (median).
The review draws the newest rows first and reads, indexes and charts the rest in a worker.

Scrubbing: the review app headless on the same file, once the record is loaded: `scrub_to` a
random moment (the state index's bisection, the update countdown, the coach's warnings then,
the state panel, the chart's and the timeline's cursor) plus drawing the chart at that width.
Target: p99 < 50 ms over `--moments` random moments. Also printed: the state index alone.

Prints PASS or FAIL per target and exits 1 when one is missed (see verdict.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import MINIMAL_APP, MINIMAL_MARKERS, run_in_pty  # noqa: E402
from verdict import Verdict, sized  # noqa: E402

TARGET_FRAME = 1.5
TARGET_SCRUB_MS = 50.0
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
LAST_TEXT = "incident resolved: all clear"


def build(db: Path, count: int) -> None:
    """One incident of `count` events a second apart (about 28 hours at 100,000, so it crosses
    midnight): mostly probe flaps and log spikes, a note every 50, severity changes, updates,
    deploys, a mitigation and the resolution; and a day of errors-a-minute samples."""
    from warroom.domain import catalogue as c
    from warroom.domain.events import Kind, format_ts
    from warroom.domain.signals import Sample
    from warroom.store.sync import EventStore

    rng = random.Random(13)
    rows = []

    def add(i: int, kind: str, payload: dict, actor: str = "warroom") -> None:
        at = format_ts(T0 + timedelta(seconds=i))
        rows.append((1, at, at, kind, actor, json.dumps(payload), "{}"))

    add(0, Kind.DECLARED, c.declared("Checkout returning 500s", 2), "alice")
    add(1, Kind.ROLE_ASSIGNED, c.role_assigned("ic", "alice"), "alice")
    down: set[str] = set()
    for i in range(2, count - 1):
        if i % 50 == 0:
            add(i, Kind.NOTE, c.note(f"note {i}: checked the pool, still saturated"), rng.choice(["bob", "carol"]))
        elif i % 997 == 0:
            add(i, Kind.COMMS_POSTED, c.comms_posted("internal", f"update {i}"), "carol")
        elif i % 4999 == 0:
            add(i, Kind.SEVERITY, c.severity_changed(2, rng.choice([1, 2]), "bench"), "alice")
        elif i % 3331 == 0:
            add(i, Kind.DEPLOY, {"source": "api", "ident": f"{i:07x}", "text": f"deploy api {i:07x}"})
        elif i == count // 2:
            add(i, Kind.MITIGATED, c.mitigation_applied("rolled back"), "alice")
        elif i % 3 == 0:
            add(i, Kind.LOG_SPIKE, {"log": "app", "count": 50, "text": "log app error spike: 50/min"})
        else:
            probe = f"probe{i % 4}"
            kind = Kind.PROBE_UP if probe in down else Kind.PROBE_DOWN
            (down.discard if probe in down else down.add)(probe)
            add(i, kind, {"probe": probe, "text": f"probe {probe} {'UP' if kind == Kind.PROBE_UP else 'DOWN'}"})
    add(count - 1, Kind.RESOLVED, c.resolved("all clear"), "alice")
    with EventStore.open(db) as store:
        conn = store._conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO events (incident_id, at, recorded_at, kind, actor, payload, origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")
        minutes = count // 60 + 1
        store.add_samples(
            1,
            [Sample("log.app.per_min", float(rng.randint(0, 200)), T0 + timedelta(minutes=m)) for m in range(minutes)],
        )


def read_rows(db: Path) -> float:
    """Seconds to read the incident's rows with the sqlite3 module alone."""
    start = time.perf_counter()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT id, incident_id, at, recorded_at, kind, actor, payload, origin, dedupe_key FROM events "
        "WHERE incident_id = 1 ORDER BY id"
    ).fetchall()
    conn.close()
    assert rows
    return time.perf_counter() - start


async def scrub(db: Path, moments: int, size: tuple[int, int]) -> tuple[list[float], list[float], float]:
    """(screen scrub times, index-only times, seconds until the record was loaded) in seconds."""
    from warroom.ui.review_app import ReviewApp
    from warroom.ui.screens.review import ReviewScreen
    from warroom.ui.widgets.review_chart import ReviewChart

    app = ReviewApp(db, clock=lambda: T0)
    rng = random.Random(5)
    async with app.run_test(size=size) as pilot:
        started = time.perf_counter()
        screen = app.screen
        while not (
            isinstance(screen, ReviewScreen) and screen.record is not None and screen.record.index.fired is not None
        ):
            await pilot.pause(0.05)
            screen = app.screen
        loaded = time.perf_counter() - started
        index = screen.record.index
        span = (index.end - index.start).total_seconds()
        chart = screen.query_one(ReviewChart)
        on_screen, alone = [], []
        for _ in range(moments):
            t = index.start + timedelta(seconds=rng.uniform(0, span))
            begin = time.perf_counter()
            screen.scrub_to(t)
            chart.render()
            on_screen.append(time.perf_counter() - begin)
            begin = time.perf_counter()
            index.moment(t)
            alone.append(time.perf_counter() - begin)
            await pilot.pause()
    return on_screen, alone, loaded


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> int:
    verdict = Verdict()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=sized(100_000, 20_000))
    parser.add_argument("--runs", type=int, default=sized(5, 2))
    parser.add_argument("--size", default="80x24")
    parser.add_argument("--moments", type=int, default=sized(300, 100))
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    warroom = Path(sys.executable).parent / "warroom"
    if not warroom.exists():
        print(f"warroom is not installed next to {sys.executable}", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="warroom-review-"))
    try:
        db = tmp / "warroom.db"
        started = time.perf_counter()
        build(db, args.events)
        print(f"built {args.events:,} events in {time.perf_counter() - started:.1f} s")
        minimal = tmp / "minimal.py"
        minimal.write_text(MINIMAL_APP)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("WARROOM_", "TEXTUAL")) and k not in {"COLUMNS", "LINES"}
        }
        env.update(TERM="xterm-256color", COLORTERM="truecolor", HOME=str(tmp))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        minimal_argv = [sys.executable, str(minimal)]
        review_argv = [str(warroom), "review", "--db", str(db)]
        markers = [b"REVIEW INC-1", b"Timeline (UTC)", LAST_TEXT.encode()]
        run_in_pty(minimal_argv, env, size, MINIMAL_MARKERS, 0.1)  # warm the caches (and bytecode)
        run_in_pty(review_argv, env, size, markers, 0.1)
        mins, reads, reviews = [], [], []
        for _ in range(args.runs):  # interleaved, so a busy moment hits all alike
            mins.append(run_in_pty(minimal_argv, env, size, MINIMAL_MARKERS, 0.0)[0])
            reads.append(read_rows(db))
            reviews.append(run_in_pty(review_argv, env, size, markers, 0.0)[0])
        m, r, w = statistics.median(mins), statistics.median(reads), statistics.median(reviews)
        ratio = w / (m + r)
        print(f"first frame at {size[0]}x{size[1]}, {args.events:,} events, median of {args.runs}:")
        print(f"  minimal Textual app       {m * 1000:7.0f} ms")
        print(f"  sqlite3 read of the rows  {r * 1000:7.0f} ms")
        print(f"  warroom review            {w * 1000:7.0f} ms  ({min(reviews) * 1000:.0f}..{max(reviews) * 1000:.0f})")
        met = verdict.check(
            f"first frame <= {TARGET_FRAME:g}x",
            ratio <= TARGET_FRAME,
            figure=f"warroom review {w * 1000:.0f} ms",
            reference=f"minimal app {m * 1000:.0f} ms + sqlite3 read {r * 1000:.0f} ms",
            ratio=ratio,
        )
        print(f"  ratio                     {ratio:7.2f}x   (target <= {TARGET_FRAME:g}x)  {met}")
        on_screen, alone, loaded = asyncio.run(scrub(db, args.moments, size))
        print(f"scrubbing to {args.moments} random moments (record read, indexed, coach replayed in {loaded:.1f} s):")
        print(
            f"  state index alone         p50 {statistics.median(alone) * 1000:6.2f} ms   p99 {p99(alone) * 1000:6.2f} ms"
        )
        scrub_p99 = p99(on_screen) * 1000
        print(
            f"  screen (panel, chart)     p50 {statistics.median(on_screen) * 1000:6.2f} ms   p99 {scrub_p99:6.2f} ms"
        )
        met = verdict.check(
            f"scrub p99 < {TARGET_SCRUB_MS:g} ms",
            scrub_p99 < TARGET_SCRUB_MS,
            figure=f"p99 {scrub_p99:.1f} ms",
            reference=f"state index alone p99 {p99(alone) * 1000:.2f} ms",
            ratio=scrub_p99 / TARGET_SCRUB_MS,
        )
        print(f"  target p99 < {TARGET_SCRUB_MS:g} ms  {met}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
