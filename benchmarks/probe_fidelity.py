"""Probe fidelity: do probes report the time the endpoint really took?

    python benchmarks/probe_fidelity.py [--rounds 5] [--concurrency 150]

1. `--concurrency` probes (ProbeSource, as the app runs them) fired at once at a 20 ms endpoint:
   median reported time vs the median time the server itself measured for the same requests
   (accept to last byte written). Target: <= 1.5x.
2. One probe at a time: median reported time vs `curl -w time_total` on the same endpoint.
   Target: within 2 ms (curl is needed: without it the target is missed, not skipped).
Prints PASS or FAIL per target and exits 1 when one is missed (see verdict.py).
For reference it also times the same burst through one shared `httpx.AsyncClient` (what the
probes deliberately do not do). The server is a small asyncio server in its own process on
127.0.0.1 (`serve()`, reused by probe_isolation.py); all loops are bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from verdict import Verdict, sized

TARGET_RATIO = 1.5  # reported / server-side time, in a burst
TARGET_CURL_MS = 2.0  # single probe vs curl time_total

DELAY = 0.020


# -- the server (its own process) ---------------------------------------------------------------


async def _serve(drip_interval: float) -> None:
    times: list[float] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        started = time.perf_counter()
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            path = head.split(b" ", 2)[1]
            if path.startswith(b"/stats"):
                med = statistics.median(times) if times else 0.0
                body = json.dumps({"n": len(times), "median": med}).encode()
                times.clear()
            elif path.startswith(b"/hang"):
                await asyncio.sleep(3600)
                return
            elif path.startswith(b"/drip"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n")
                for _ in range(100000):
                    await asyncio.sleep(drip_interval)
                    writer.write(b"o")
                    await writer.drain()
                return
            else:
                await asyncio.sleep(DELAY)
                body = b"ok"
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            await writer.drain()
            if not path.startswith(b"/stats"):
                times.append(time.perf_counter() - started)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


def serve(drip_interval: float = 0.02) -> tuple[subprocess.Popen, str]:
    """Start the benchmark server in its own process; (process, base URL)."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(drip_interval)], stdout=subprocess.PIPE, text=True
    )
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


def server_stats(base: str) -> dict:
    """The server's median handling time since the last call (and reset it)."""
    with urllib.request.urlopen(base + "/stats", timeout=10) as resp:
        return json.load(resp)


# -- the measurements ---------------------------------------------------------------------------


def sources(urls: list[str], timeout: float = 5.0):
    from warroom.config.model import ProbeConfig, Secret
    from warroom.sources.probes import ProbeSource

    return [ProbeSource(ProbeConfig(name=f"p{i}", url=Secret(u), timeout=timeout)) for i, u in enumerate(urls)]


async def burst(base: str, n: int) -> tuple[float, float]:
    """(median reported, median server-side) for n probes fired at once."""
    server_stats(base)
    now = datetime.now(UTC)
    results = await asyncio.gather(*(s.collect(now) for s in sources([f"{base}/d{i}" for i in range(n)])))
    failed = [r.error for r in results if not r.ok]
    if failed:
        raise SystemExit(f"{len(failed)} probes failed: {failed[:3]}")
    return statistics.median(r.elapsed for r in results), server_stats(base)["median"]


async def shared_client_burst(base: str, n: int) -> float:
    import httpx

    async with httpx.AsyncClient(timeout=10) as client:

        async def one(i: int) -> float:
            t = time.perf_counter()
            await client.get(f"{base}/d{i}")
            return time.perf_counter() - t

        return statistics.median(await asyncio.gather(*(one(i) for i in range(n))))


async def singles(base: str, runs: int) -> float:
    source = sources([f"{base}/single"])[0]
    out = []
    for _ in range(runs):
        out.append((await source.collect(datetime.now(UTC))).elapsed)
    return statistics.median(out)


def curl_singles(base: str, runs: int) -> float | None:
    curl = shutil.which("curl")
    if curl is None:
        return None
    out = []
    for _ in range(runs):
        proc = subprocess.run(
            [curl, "-s", "-o", "/dev/null", "-w", "%{time_total}", f"{base}/single"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        out.append(float(proc.stdout))
    return statistics.median(out)


def main() -> int:
    verdict = Verdict()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=sized(5, 2))
    parser.add_argument("--concurrency", type=int, default=150)
    parser.add_argument("--singles", type=int, default=sized(40, 15))
    args = parser.parse_args()
    proc, base = serve()
    try:
        asyncio.run(singles(base, 5))  # warm up: imports, SSL contexts
        rounds = [asyncio.run(burst(base, args.concurrency)) for _ in range(args.rounds)]
        reported = statistics.median(r for r, _ in rounds)
        true = statistics.median(t for _, t in rounds)
        shared = statistics.median(asyncio.run(shared_client_burst(base, args.concurrency)) for _ in range(3))
        single = asyncio.run(singles(base, args.singles))
        curl = curl_singles(base, args.singles)
    finally:
        proc.kill()
        proc.wait()
    burst_ok = verdict.check(
        f"burst ratio <= {TARGET_RATIO:g}x",
        reported / true <= TARGET_RATIO,
        figure=f"probes' median {reported * 1000:.1f} ms",
        reference=f"server-side median {true * 1000:.1f} ms",
        ratio=reported / true,
    )
    print(f"{args.concurrency} concurrent probes of a {DELAY * 1000:.0f} ms endpoint, {args.rounds} rounds:")
    print(
        f"  probes' median {reported * 1000:.1f} ms, server-side median {true * 1000:.1f} ms: "
        f"ratio {reported / true:.2f}x (target <= {TARGET_RATIO:g}x)  "
        f"{burst_ok}"
    )
    print(f"  for reference, one shared httpx.AsyncClient: median {shared * 1000:.1f} ms, ratio {shared / true:.2f}x")
    if curl is None:
        print(
            f"single probe median {single * 1000:.2f} ms (curl not installed, no comparison)  "
            f"{verdict.check('single probe within 2 ms of curl (curl not installed)', False, figure=f'{single * 1000:.2f} ms')}"
        )
    else:
        near = abs(single - curl) * 1000 <= TARGET_CURL_MS
        near_ok = verdict.check(
            f"single probe within {TARGET_CURL_MS:g} ms of curl",
            near,
            figure=f"single probe {single * 1000:.2f} ms",
            reference=f"curl {curl * 1000:.2f} ms",
            ratio=single / curl,
        )
        print(
            f"single probe median {single * 1000:.2f} ms vs curl time_total median {curl * 1000:.2f} ms: "
            f"difference {(single - curl) * 1000:+.2f} ms (target within {TARGET_CURL_MS:g} ms), "
            f"ratio {single / curl:.3f}x  {near_ok}"
        )
    return verdict.finish()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        try:
            asyncio.run(_serve(float(sys.argv[2])))
        except KeyboardInterrupt:
            pass
    else:
        sys.exit(main())
