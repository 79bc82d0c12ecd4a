"""A timeline of 100,000 events: append and scroll, as ratios to Textual's `Log` doing the same.

    python benchmarks/timeline_scroll.py [--events 100000] [--pages 300] [--size 120x40]

Both widgets run in the same headless app size, one after the other, in this process:
  append   Timeline.add_events(100k Events) vs Log.write_lines(100k equivalent lines),
           until the app has processed the resulting refresh
  scroll   jump to `--pages` random positions and render every visible line there
  memory   Python heap allocated by the widget's content (tracemalloc)
Log appends 100k lines in about 0.1 s; RichLog and DataTable take seconds.
Target: the Timeline no slower than Log to append and to scroll (ratios <= 1); memory is shown
for information. Prints PASS or FAIL per target and exits 1 when one is missed (see verdict.py).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from textual.app import ComposeResult  # noqa: E402
from textual.widgets import Log  # noqa: E402
from verdict import Verdict, sized  # noqa: E402

from warroom.domain.events import Event, Kind  # noqa: E402
from warroom.ui.app import ThemedApp  # noqa: E402
from warroom.ui.widgets.timeline import Timeline, describe  # noqa: E402

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
ACTORS = ["alice", "bob", "carol", "warroom"]
KINDS = [Kind.NOTE, Kind.NOTE, Kind.PROBE_DOWN, Kind.DEPLOY, Kind.NOTE, Kind.LOG_SPIKE]


def make_events(n: int) -> list[Event]:
    rnd = random.Random(7)
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        words = " ".join(
            rnd.choice(["error", "rate", "checkout", "db", "p99", "latency", "rollback"])
            for _ in range(rnd.randint(3, 14))
        )
        out.append(Event(1, T0 + timedelta(seconds=i), kind, ACTORS[i % 4], {"text": f"{i} {words}"}, id=i + 1))
    return out


class Host(ThemedApp):
    def __init__(self, widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


async def measure(widget, fill, pages: int, size: tuple[int, int], trace: bool) -> tuple[float, float, float]:
    """(append seconds, scroll seconds, MiB allocated by the content when `trace`)."""
    app = Host(widget)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        gc.collect()
        if trace:  # tracemalloc slows everything down: memory is measured in a separate pass
            tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0] if trace else 0
        start = time.perf_counter()
        fill(widget)
        await pilot.pause()
        append = time.perf_counter() - start
        memory = (tracemalloc.get_traced_memory()[0] - before) / 2**20 if trace else 0.0
        if trace:
            tracemalloc.stop()
        rnd = random.Random(3)
        height = widget.scrollable_content_region.height
        start = time.perf_counter()
        for _ in range(pages):
            widget.scroll_to(
                y=rnd.randrange(0, max(1, widget.virtual_size.height - height)), animate=False, immediate=True
            )
            for y in range(height):
                widget.render_line(y)
        scroll = time.perf_counter() - start
    return append, scroll, memory


TARGET_RATIO = 1.0  # Timeline time / Log time, to append and to scroll


def main() -> int:
    verdict = Verdict()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=sized(100_000, 20_000))
    parser.add_argument("--pages", type=int, default=sized(300, 100))
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    events = make_events(args.events)

    # What Log shows for the same events: one plain line each (no columns, no wrapping),
    # formatted from the events inside the measured step, as the timeline has to.
    def lines() -> list[str]:
        return [f"{e.at:%H:%M:%S} {e.kind} {e.actor} {describe(e)}" for e in events]

    async def run() -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        log = await measure(Log(), lambda w: w.write_lines(lines()), args.pages, size, False)
        timeline = await measure(Timeline(), lambda w: w.add_events(events), args.pages, size, False)
        log_mem = await measure(Log(), lambda w: w.write_lines(lines()), 1, size, True)
        timeline_mem = await measure(Timeline(), lambda w: w.add_events(events), 1, size, True)
        return (log[0], log[1], log_mem[2]), (timeline[0], timeline[1], timeline_mem[2])

    (la, ls, lm), (ta, ts, tm) = asyncio.run(run())
    print(f"{args.events:,} events, {args.pages} random pages rendered at {size[0]}x{size[1]}:")
    print(f"  {'':10} {'append':>10} {'scroll':>10} {'memory':>10}")
    print(f"  {'Log':10} {la:9.3f}s {ls:9.3f}s {lm:8.1f}MiB")
    print(f"  {'Timeline':10} {ta:9.3f}s {ts:9.3f}s {tm:8.1f}MiB")
    print(f"  {'ratio':10} {ta / la:9.2f}x {ts / ls:9.2f}x {tm / lm if lm else float('nan'):8.2f}x")
    print("  (Timeline: wrapped columns, styled kinds, dimmed system events; Log: plain lines)")
    append_met = verdict.check(
        "append no slower than Log",
        ta / la <= TARGET_RATIO,
        figure=f"Timeline {ta:.3f} s",
        reference=f"Log {la:.3f} s",
        ratio=ta / la,
    )
    scroll_met = verdict.check(
        "scroll no slower than Log",
        ts / ls <= TARGET_RATIO,
        figure=f"Timeline {ts:.3f} s",
        reference=f"Log {ls:.3f} s",
        ratio=ts / ls,
    )
    print(
        f"  append {ta / la:.2f}x (target <= {TARGET_RATIO:g}x)  {append_met}; "
        f"scroll {ts / ls:.2f}x (target <= {TARGET_RATIO:g}x)  {scroll_met}"
    )
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
