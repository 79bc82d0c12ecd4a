"""Log scanning throughput, as a ratio to `grep -ciE 'error|panic|fatal'` in the same run.

Generates a 200 MB log (2 % matching lines, ISO timestamps) in a temporary directory, reads it
once so every contender finds it in the page cache, then times (best of N):
  - grep -ciE 'error|panic|fatal' FILE                     (the reference)
  - warroom's scanner on one core                            (target >= 0.3x grep)
  - the backfill scan with timestamps on all cores           (target >= 0.6x grep)
  - a whole one-shot backfill through LogSource.collect (grouping included), for information.
The file is deleted afterwards. Ratios are grep_time / our_time: 1.0 means as fast as grep.
Every contender must also count grep's lines. Prints PASS or FAIL per target and exits 1 when
one is missed (see verdict.py).

    python benchmarks/log_scan.py [--mb 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

from verdict import Verdict, sized

from warroom.config.model import LogConfig
from warroom.sources.logs import LogSource
from warroom.sources.logscan import Matcher, scan_file_range, scan_ranges_parallel

TARGET_ONE_CORE = 0.3  # x grep's speed
TARGET_TWO_CORES = 0.6

WORDS = [
    "request",
    "handled",
    "user",
    "session",
    "cache",
    "upstream",
    "latency",
    "ok",
    "payment",
    "worker",
    "queue",
    "timeout",
    "retry",
    "connect",
    "db",
    "pool",
    "order",
    "checkout",
    "inventory",
    "shard",
    "replica",
]
LEVELS = (b"ERROR", b"panic:", b"FATAL", b"error")


def generate(path: str, megabytes: int, end: datetime) -> int:
    """Write the log; return how many lines match. Lines span the 20 minutes before `end`."""
    rng = random.Random(1)
    size = megabytes * 1024 * 1024
    written = matches = n = 0
    approx_lines = size // 110
    start = end - timedelta(minutes=20)
    with open(path, "wb") as f:
        while written < size:
            batch = []
            for _ in range(10000):
                t = start + timedelta(seconds=1200 * n / approx_lines)
                ts = t.strftime("%Y-%m-%dT%H:%M:%S.%fZ").encode()
                body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).encode()
                if n % 50 == 0:  # 2 %
                    level = LEVELS[(n // 50) % len(LEVELS)]
                    matches += 1
                else:
                    level = b"INFO"
                batch.append(b"%s %s %s id=%d\n" % (ts, level, body, n))
                n += 1
            data = b"".join(batch)
            f.write(data)
            written += len(data)
    return matches


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def main() -> int:
    verdict = Verdict()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=sized(200, 40))
    ap.add_argument("--repeat", type=int, default=sized(3, 2))
    args = ap.parse_args()
    end = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="warroom-logscan-") as tmp:
        path = os.path.join(tmp, "big.log")
        expected = generate(path, args.mb, end)
        size = os.path.getsize(path)
        with open(path, "rb") as f:  # into the page cache for everyone
            while f.read(8 << 20):
                pass
        matcher = Matcher()

        def grep() -> int:
            out = subprocess.run(["grep", "-ciE", "error|panic|fatal", path], capture_output=True, check=True)
            return int(out.stdout)

        t_grep, n_grep = best(grep, args.repeat)
        t_one, r_one = best(lambda: scan_file_range(path, 0, size, matcher), args.repeat)
        t_two, r_two = best(lambda: scan_ranges_parallel([(path, 0, size)], matcher, end, workers=2)[0], args.repeat)

        def backfill() -> int:
            src = LogSource(LogConfig(name="bench", path=path, backfill=3600), backfill_max_bytes=size + 1)
            snap = asyncio.run(src.collect(end))
            asyncio.run(src.aclose())
            return snap.total

        t_full, n_full = best(backfill, 2)
        counts = (n_grep, len(r_one.hits), len(r_two.hits), n_full)
        same = verdict.check(
            "every scan counts the generated lines",
            all(n == expected for n in counts),
            figure=f"grep {n_grep}, scanner {counts[1]}, parallel {counts[2]}, backfill {n_full}",
            reference=f"{expected} generated",
        )
        mb = size / 1e6
        load = os.getloadavg()[0]
        print(f"file: {mb:.0f} MB, {expected} matching lines (2 %); cores: {os.cpu_count()}; load avg {load:.2f}")
        print(
            f"matching lines counted: grep {n_grep}, scanner {counts[1]}, parallel {counts[2]}, "
            f"backfill {n_full}  {same}"
        )
        print(f"grep -ciE 'error|panic|fatal'       {t_grep:6.3f} s  {mb / t_grep:7.0f} MB/s  (reference)")
        one = verdict.check(
            f"one core >= {TARGET_ONE_CORE:g}x grep",
            t_grep / t_one >= TARGET_ONE_CORE,
            figure=f"scanner {mb / t_one:.0f} MB/s",
            reference=f"grep -ciE {mb / t_grep:.0f} MB/s",
            ratio=t_grep / t_one,
        )
        two = verdict.check(
            f"2 cores >= {TARGET_TWO_CORES:g}x grep",
            t_grep / t_two >= TARGET_TWO_CORES,
            figure=f"scan + timestamps, 2 cores {mb / t_two:.0f} MB/s",
            reference=f"grep -ciE {mb / t_grep:.0f} MB/s",
            ratio=t_grep / t_two,
        )
        print(
            f"scanner, one core                   {t_one:6.3f} s  {mb / t_one:7.0f} MB/s  ratio {t_grep / t_one:.2f}x (target >= {TARGET_ONE_CORE:g}x)  {one}"
        )
        print(
            f"backfill scan + timestamps, 2 cores {t_two:6.3f} s  {mb / t_two:7.0f} MB/s  ratio {t_grep / t_two:.2f}x (target >= {TARGET_TWO_CORES:g}x)  {two}"
        )
        print(
            f"whole one-shot backfill (grouping)  {t_full:6.3f} s  {mb / t_full:7.0f} MB/s  ratio {t_grep / t_full:.2f}x (information)"
        )
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
