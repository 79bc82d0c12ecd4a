"""The first error counts of an incident, through the product's own path, as a ratio to grep.

An IC who starts `warroom` on a host with a big log waits for the backfill's counts. This times
the installed command exactly as a user runs it, grouping included:

  warroom --config CFG snapshot --only log --json      (a [[log]] with backfill = "30m")

against `grep -ciE 'error|panic|fatal' FILE` on the same file: best of N each, the runs interleaved
(grep, warroom, grep, ...) so a burst of load from other work hits both alike, after one unmeasured
read puts the file in the page cache. Both are pinned to the same `--workers` cores (taskset).
warroom runs as a normal install does, its bytecode compiled (by an unmeasured warm-up, under a
private PYTHONPYCACHEPREFIX); the shell's environment as-is (with PYTHONDONTWRITEBYTECODE=1 an
editable install recompiles every module at each launch) is printed too, for information.

The log (240 MB by default, deleted afterwards) is a realistic mix: ISO timestamps spread over the
last 25 minutes (all inside the window, so grep's count is the window's count), about 4 % matching
lines from 40 message shapes with varying request ids, UUIDs, durations, addresses and hex ids (so
grouping has real work), the rest INFO/DEBUG chatter, a few stack-trace lines under errors. Ratio =
grep_time / warroom_time (1.0: as fast as grep). Target: >= 0.5x (warroom takes at most twice
grep's time), and warroom's total must equal grep's count. Prints PASS or FAIL per target and exits
1 when one is missed (see verdict.py).

    python benchmarks/log_backfill.py [--mb 240] [--repeat 5] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from verdict import Verdict, sized

TARGET = 0.5  # x grep's speed
PATTERN = "error|panic|fatal"

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
    "retry",
    "connect",
    "db",
    "pool",
    "order",
    "checkout",
    "inventory",
    "shard",
    "replica",
    "tenant",
    "flush",
    "commit",
    "gc",
    "heap",
    "rebalance",
]

# Matching message shapes; {} fields are filled with varying values below.
ERRORS = (
    "ERROR db timeout after {ms}ms on conn {n} request_id={uuid}",
    "ERROR upstream {ip}:{port} returned 503 after {ms}ms trace={hex}",
    "ERROR payment declined for order {n} user {n} amount {f}",
    "ERROR failed to connect to redis {ip}:6379: connection refused (attempt {small})",
    "ERROR checkout handler: context deadline exceeded after {ms}ms span={hex}",
    "ERROR inventory shard {small} replica lag {f}s exceeds {small}s",
    "ERROR kafka producer: message {n} to partition {small} failed: NOT_LEADER_FOR_PARTITION",
    "ERROR http 500 POST /api/v2/orders/{n}/items in {ms}ms client={ip}",
    "ERROR tls handshake with {ip}:{port} failed: certificate has expired",
    "ERROR worker {small} lost lease on job {uuid} at offset {n}",
    "error: could not serialize access due to concurrent update (tx {n})",
    "error while flushing batch {n}: {small} records dropped",
    "Error reading response body from {ip}: unexpected EOF after {n} bytes",
    "WARN retry {small}/5 for {uuid}: last error=connection reset by peer",
    "WARN slow query {ms}ms: SELECT * FROM orders WHERE id = {n} (error budget {f}%)",
    "panic: runtime error: index out of range [{small}] with length {small}",
    "panic: assignment to entry in nil map (goroutine {n})",
    "FATAL out of memory: heap {n} bytes, limit {n} bytes, pid {n}",
    "FATAL config reload failed: /etc/app/{small}.yaml line {small}: unexpected key",
    "CRITICAL cache stampede on key user:{n}:profile ({n} waiters) error rate {f}",
    'INFO request_id={uuid} status=500 error="upstream timeout" duration={ms}ms',
    "INFO job {n} finished with errors={small} warnings={small}",
    "ERROR grpc call /orders.Orders/Get to {ip}:{port} failed: code=Unavailable desc=transport is closing",
    "ERROR s3 PutObject bucket=backups key=2024/{n}/{hex}.tar status=503 SlowDown",
    "ERROR lock wait timeout exceeded; try restarting transaction (thread {n}, table orders_{small})",
    "ERROR session {hex} expired {ms}ms ago for user {n}",
    "ERROR rate limiter rejected {n} requests from {ip} in the last {small}s",
    "ERROR consumer group checkout-{small} rebalance failed after {ms}ms: member {uuid} left",
    "ERROR dns lookup api-{small}.internal failed: i/o timeout after {ms}ms",
    "ERROR disk /var/lib/data{small} {f}% full, write of {n} bytes failed",
    "ERROR order {n} stuck in state PENDING for {ms}ms (shard {small})",
    "ERROR template render failed for email {uuid}: missing field amount_{small}",
    "ERROR healthcheck {ip}:{port}/healthz failed {small} times in a row",
    "ERROR cannot decode message {n} on topic payments-{small}: invalid varint at byte {n}",
    "ERROR pool exhausted: {small} of {small} connections busy, waited {ms}ms",
    "ERROR mutex held for {ms}ms by goroutine {n} in flushLoop",
    "ERROR webhook delivery {uuid} to https://hooks.example.com/{hex} got 410",
    "ERROR retry budget exhausted for tenant {n} after {small} attempts",
    "ERROR clock skew of {ms}ms detected against ntp {ip}",
    "ERROR migration {n}_add_index_orders failed: deadlock detected",
)
STACK = (b"    at com.example.Checkout.handle(Checkout.java:%d)", b"goroutine %d [running]:")


def _fill(template: str, rng: random.Random) -> str:
    out = []
    for i, part in enumerate(template.split("{")):
        if i == 0:
            out.append(part)
            continue
        field, rest = part.split("}", 1)
        if field == "ms":
            out.append(str(rng.randint(1, 30000)))
        elif field == "n":
            out.append(str(rng.randint(1, 99_999_999)))
        elif field == "small":
            out.append(str(rng.randint(0, 64)))
        elif field == "f":
            out.append(f"{rng.random() * 100:.2f}")
        elif field == "ip":
            out.append(f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
        elif field == "port":
            out.append(str(rng.randint(1024, 65535)))
        elif field == "hex":
            out.append(f"{rng.getrandbits(48):012x}")
        elif field == "uuid":
            h = f"{rng.getrandbits(128):032x}"
            out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
        out.append(rest)
    return "".join(out)


def generate(path: str, megabytes: int, end: datetime) -> int:
    """Write the log; return how many lines match the pattern (case-insensitively)."""
    rng = random.Random(14)
    size = megabytes * 1_000_000
    start = end - timedelta(minutes=25)
    approx_lines = size // 120
    written = matches = n = 0
    # Pre-filled matching lines, reused with fresh timestamps (filling each costs too much).
    pool = [_fill(rng.choice(ERRORS), rng).encode() for _ in range(20000)]
    with open(path, "wb") as f:
        while written < size:
            batch = []
            for _ in range(10000):
                t = start + timedelta(seconds=1500 * n / approx_lines)
                ts = t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3].encode() + b"Z"
                r = rng.random()
                if r < 0.04:
                    batch.append(b"%s %s" % (ts, pool[rng.randrange(len(pool))]))
                    matches += 1
                    if r < 0.002:  # a stack trace under it: untimed lines, not matching
                        batch.append(STACK[n & 1] % rng.randint(1, 999))
                else:
                    level = b"DEBUG" if r > 0.8 else b"INFO"
                    words = " ".join(rng.choices(WORDS, k=rng.randint(6, 14))).encode()
                    batch.append(b"%s %s %s id=%d took=%dms" % (ts, level, words, n, rng.randint(1, 900)))
                n += 1
            data = b"\n".join(batch) + b"\n"
            f.write(data)
            written += len(data)
    return matches


def warroom_command() -> str:
    """The installed console script next to this Python (as a user starts it)."""
    here = Path(sys.executable).parent / "warroom"
    return str(here) if here.exists() else shutil.which("warroom") or "warroom"


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each contender's runs, workers included


def timed(fn, name: str):
    """Wall time of `fn()` (which runs one child process), and its result; its CPU goes to CPU[name]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    CPU.setdefault(name, []).append(cpu)
    return wall, result


def main() -> int:
    verdict = Verdict()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--mb", type=int, default=240
    )  # the size, quick or not: startup would dominate a small file
    ap.add_argument("--repeat", type=int, default=sized(5, 2))
    ap.add_argument("--workers", type=int, default=2, help="cores both contenders may use (taskset)")
    args = ap.parse_args()
    cores = sorted(os.sched_getaffinity(0))[: args.workers]
    pin = ["taskset", "-c", ",".join(map(str, cores))] if shutil.which("taskset") else []
    with tempfile.TemporaryDirectory(prefix="warroom-logbackfill-") as tmp:
        path = os.path.join(tmp, "app.log")
        expected = generate(path, args.mb, datetime.now(UTC))
        size = os.path.getsize(path)
        cfg = os.path.join(tmp, "warroom.toml")
        Path(cfg).write_text(f'[[log]]\nname = "app"\npath = "{path}"\nbackfill = "30m"\npattern = "{PATTERN}"\n')
        with open(path, "rb") as f:  # into the page cache for everyone
            while f.read(8 << 20):
                pass
        as_is = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
        as_is["HOME"] = as_is["XDG_CONFIG_HOME"] = as_is["XDG_DATA_HOME"] = tmp
        # As a normal install runs: bytecode written once (by the unmeasured warm-up below) under
        # a private prefix, whatever PYTHONDONTWRITEBYTECODE this shell has.
        compiled = {k: v for k, v in as_is.items() if k != "PYTHONDONTWRITEBYTECODE"}
        compiled["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")

        def grep() -> int:
            out = subprocess.run([*pin, "grep", "-ciE", PATTERN, path], capture_output=True, check=True)
            return int(out.stdout)

        def snapshot(env: dict[str, str]) -> list[dict]:
            argv = [*pin, warroom_command(), "--config", cfg, "snapshot", "--only", "log", "--json"]
            out = subprocess.run(argv, capture_output=True, check=True, env=env, cwd=tmp)
            return json.loads(out.stdout)

        snapshot(compiled)  # warm-up: writes the bytecode
        # Interleaved, so a burst of load on this shared machine hits every contender alike.
        runs: dict[str, list[float]] = {"grep": [], "compiled": [], "as-is": []}
        for _ in range(args.repeat):
            t, n_grep = timed(grep, "grep")
            runs["grep"].append(t)
            t, snap = timed(lambda: snapshot(compiled), "compiled")
            runs["compiled"].append(t)
            t, _ = timed(lambda: snapshot(as_is), "as-is")
            runs["as-is"].append(t)
        t_grep, t_war, t_as_is = (min(runs[k]) for k in ("grep", "compiled", "as-is"))
        logs = [s["snapshot"] for s in snap if s["kind"] == "log"]
        total = logs[0]["total"] if logs else -1
        mb = size / 1e6
        load = os.getloadavg()
        print(
            f"file: {mb:.0f} MB, {expected} matching lines; cores used: {len(cores)} of {os.cpu_count()}; "
            f"load avg {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        same = verdict.check(
            "warroom's window total equals grep's count",
            n_grep == expected == total,
            figure=f"warroom {total}",
            reference=f"grep {n_grep} ({expected} generated)",
        )
        ratio = t_grep / t_war
        fast = verdict.check(
            f"snapshot --only log >= {TARGET:g}x grep, {len(cores)} cores",
            ratio >= TARGET,
            figure=f"warroom snapshot {t_war:.2f} s ({mb / t_war:.0f} MB/s)",
            reference=f"grep -ciE {t_grep:.2f} s ({mb / t_grep:.0f} MB/s)",
            ratio=ratio,
        )
        print(f"counted: grep {n_grep}, warroom {total}, generated {expected}  {same}")
        print(f"grep -ciE '{PATTERN}'           {t_grep:6.3f} s  {mb / t_grep:6.0f} MB/s  (reference)")
        print(
            f"warroom snapshot --only log     {t_war:6.3f} s  {mb / t_war:6.0f} MB/s  "
            f"ratio {ratio:.2f}x (target >= {TARGET:g}x)  {fast}"
        )
        print(
            f"  the same, as-is environment   {t_as_is:6.3f} s  {mb / t_as_is:6.0f} MB/s  "
            f"ratio {t_grep / t_as_is:.2f}x (information: PYTHONDONTWRITEBYTECODE="
            f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}, bytecode recompiled each run)"
        )
        g, w = min(CPU["grep"]), min(CPU["compiled"])
        print(
            f"CPU time (user + system, workers included; less sensitive to other load): grep {g:.3f} s, "
            f"warroom {w:.3f} s on {len(cores)} cores (information)"
        )
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
