"""Probe isolation: hung and dripping endpoints must not slow or stall the healthy probes.

    python benchmarks/probe_isolation.py [--rounds 3] [--endpoints 200] [--deadline 1.0]

Baseline: the healthy endpoints (90 % of `--endpoints`, 20 ms each) probed at once. Then all
endpoints at once, 10 % of them hanging (never answer) or dripping (a byte every 20 ms, so
httpx's read timeout never fires). Reported:
- the healthy probes' median with the bad ones present vs the baseline (target <= 1.2x),
- the longest time any probe took from its start to its result vs its deadline (target: every
  probe ends by deadline + 100 ms), and the same from the `collect()` call: the difference is
  the start gate's pacing queue (`ProbeResult.queued`) during a burst of 200 starts,
- the event loop's lag while all this runs (a 5 ms ticker's lateness, p99 and max).
Server: benchmarks/probe_fidelity.py's asyncio server in its own process on 127.0.0.1.
Prints PASS or FAIL per target (and fails when a healthy probe failed) and exits 1 when one is
missed (see verdict.py).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from probe_fidelity import serve, sources
from verdict import Verdict, sized

TARGET_RATIO = 1.2  # healthy median with the bad ones / alone
TARGET_OVERRUN = 0.1  # seconds past the deadline, from a probe's start


async def timed_round(urls: list[str], deadline: float, lags: list[float] | None = None) -> list[tuple]:
    """(url, reported elapsed, time from collect() to result, queued, ok) per url, all at once."""
    probes = sources(urls, timeout=deadline)
    now = datetime.now(UTC)
    stop = asyncio.Event()

    async def ticker() -> None:  # how late the loop runs a 5 ms timer
        while not stop.is_set():
            due = time.perf_counter() + 0.005
            await asyncio.sleep(0.005)
            if lags is not None:
                lags.append(time.perf_counter() - due)

    async def one(source):
        started = time.perf_counter()
        result = await source.collect(now)
        return time.perf_counter() - started, result

    tick = asyncio.ensure_future(ticker())
    done = await asyncio.gather(*(one(s) for s in probes))
    stop.set()
    await tick
    return [(u, r.elapsed, took, r.queued, r.ok) for u, (took, r) in zip(urls, done)]


def main() -> int:
    verdict = Verdict()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=sized(3, 1))
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--deadline", type=float, default=1.0)
    args = parser.parse_args()
    bad = args.endpoints // 10
    proc, base = serve(drip_interval=0.02)
    healthy = [f"{base}/d{i}" for i in range(args.endpoints - bad)]
    hostile = [f"{base}/hang{i}" for i in range(bad // 2)] + [f"{base}/drip{i}" for i in range(bad - bad // 2)]
    try:
        asyncio.run(timed_round(healthy[:5], args.deadline))  # warm up
        baselines, mixed, lags = [], [], []
        worst = worst_started = 0.0
        failed = 0
        good_urls = set(healthy)
        for _ in range(args.rounds):
            base_round = asyncio.run(timed_round(healthy, args.deadline))
            baselines.append(statistics.median(r[1] for r in base_round))
            mix_round = asyncio.run(timed_round(healthy + hostile, args.deadline, lags))
            good = [r for r in mix_round if r[0] in good_urls]
            mixed.append(statistics.median(r[1] for r in good))
            failed += sum(1 for r in good if not r[4])
            worst = max(worst, max(r[2] for r in mix_round))
            worst_started = max(worst_started, max(r[2] - r[3] for r in mix_round))
    finally:
        proc.kill()
        proc.wait()
    baseline, with_bad = statistics.median(baselines), statistics.median(mixed)
    ratio_ok = verdict.check(
        f"healthy ratio <= {TARGET_RATIO:g}x",
        with_bad / baseline <= TARGET_RATIO,
        figure=f"healthy median beside hung ones {with_bad * 1000:.1f} ms",
        reference=f"healthy alone {baseline * 1000:.1f} ms",
        ratio=with_bad / baseline,
    )
    none_failed = verdict.check("no healthy probe failed", failed == 0, figure=f"{failed} failed", reference="0")
    overrun = worst_started - args.deadline
    overrun_ok = verdict.check(
        f"every probe ends by deadline + {TARGET_OVERRUN * 1000:.0f} ms",
        overrun <= TARGET_OVERRUN,
        figure=f"deadline + {overrun * 1000:.0f} ms",
        reference=f"deadline {args.deadline:g} s",
        ratio=worst_started / args.deadline,
    )
    print(f"{args.endpoints} endpoints, {bad} hanging or dripping, deadline {args.deadline:g}s, {args.rounds} rounds:")
    print(
        f"  healthy median alone {baseline * 1000:.1f} ms, with the bad ones {with_bad * 1000:.1f} ms: "
        f"ratio {with_bad / baseline:.2f}x (target <= {TARGET_RATIO:g}x)  "
        f"{ratio_ok}; healthy probes that failed: {failed}  {none_failed}"
    )
    print(
        f"  slowest probe from its start to its result: deadline + {overrun * 1000:.0f} ms "
        f"(target <= deadline + {TARGET_OVERRUN * 1000:.0f} ms)  "
        f"{overrun_ok}"
    )
    print(
        f"  slowest probe from collect() to its result: deadline + {(worst - args.deadline) * 1000:.0f} ms "
        f"(includes the start gate's pacing queue for a burst of {args.endpoints} at once)"
    )
    lags.sort()
    print(f"  event-loop lag meanwhile: p99 {lags[int(len(lags) * 0.99)] * 1000:.1f} ms, max {lags[-1] * 1000:.1f} ms")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
