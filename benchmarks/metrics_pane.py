"""CPU and event-loop lag that 20 Prometheus queries every 5 s add to the war room (tmux 160x48).

    python benchmarks/metrics_pane.py [--seconds 30] [--warmup 6] [--size 160x48] [--headless]

A fake Prometheus (a real HTTP server on 127.0.0.1 in this parent process, speaking the real
API format: `/api/v1/query` answers a vector of 3 series, `/api/v1/query_range` a matrix of 60
points each) and a plain service for 5 probes at 1 Hz. Two war rooms run in turn, each in its
own process in a private tmux server, so rendering really goes out to a terminal:
  base     the war room with 5 probes and host resources at 1 Hz
  metrics  the same war room plus 20 `[[metric]]` queries every 5 s (the metrics pane)
Each measures, after a warm-up, the lag of `asyncio.sleep(0.05)` (p50/p99/max) on its own loop
and its CPU time as a share of one core; the pair runs `--rounds` times (median of each).

Targets: the metrics pane adds under 5 % of a core (metrics CPU - base CPU) and the war room
with it keeps lag p99 under 50 ms. Prints PASS or FAIL for each; exits 1 when one is missed
(see verdict.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from local_server import serve  # noqa: E402
from verdict import Verdict, sized  # noqa: E402

TARGET_CPU_ADDED = 5.0  # percent of one core
TARGET_LAG_MS = 50.0
QUERIES = 20
QUERY_INTERVAL = 5.0
SERIES = 3


# --- the fake Prometheus (parent process) ----------------------------------------------------------


def _labels(n: int) -> dict[str, str]:
    return {"__name__": "http_requests_total", "job": "api", "instance": f"10.0.0.{n}:9100"}


def query_answer(params: dict[str, list[str]]) -> bytes:
    at = float(params.get("time", [time.time()])[0])
    result = [{"metric": _labels(n), "value": [at, f"{0.01 * (n + 1) + (at % 7) / 1000:.6f}"]} for n in range(SERIES)]
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}}).encode()


def range_answer(params: dict[str, list[str]]) -> bytes:
    start, end = float(params["start"][0]), float(params["end"][0])
    step = float(params["step"][0].rstrip("s"))
    times = [start + k * step for k in range(int((end - start) / step) + 1)]
    result = [
        {"metric": _labels(n), "values": [[t, f"{0.01 * (n + 1) + (t % 7) / 1000:.6f}"] for t in times]}
        for n in range(SERIES)
    ]
    return json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}}).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query)
        ctype = "application/json"
        if url.path == "/api/v1/query":
            body = query_answer(params)
        elif url.path == "/api/v1/query_range":
            body = range_answer(params)
        else:
            body, ctype = b"ok", "text/plain"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def start_server() -> ThreadingHTTPServer:
    return serve(_Handler)


# --- the war rooms (child process) -----------------------------------------------------------------


def bench_config(port: int, with_metrics: bool):
    from warroom.config.metric import MetricConfig
    from warroom.config.model import Config, ProbeConfig, ResourcesConfig, Secret

    base = f"http://127.0.0.1:{port}"
    probes = tuple(ProbeConfig(f"svc-{n}", Secret(f"{base}/ok/{n}"), interval=1.0) for n in range(5))
    metrics = tuple(
        MetricConfig(
            f"query {n:02d}",
            Secret(base),
            f'sum by (instance) (rate(http_requests_total{{job="api",q="{n}"}}[5m]))',
            interval=QUERY_INTERVAL,
            warn=0.02,
            crit=0.05,
            unit="ratio",
        )
        for n in range(QUERIES)
    )
    sections = (("metric", metrics),) if with_metrics else ()
    return Config(probes=probes, resources=ResourcesConfig(mounts=("/",), interval=1.0), sections=sections)


def child(args: argparse.Namespace) -> None:
    from dashboard_load import measure

    from warroom.ui.app import WarRoomApp

    out, d = Path(args.out), Path(args.dir)
    config = bench_config(args.port, args.child == "metrics")

    class Live(WarRoomApp):
        def on_ready(self) -> None:
            self.run_worker(measure(self, args.warmup, args.seconds, out), exit_on_error=False)

    Live(d / f"{args.child}.db", config, actor="bench").run(headless=args.headless)


# --- orchestration (parent) ------------------------------------------------------------------------


def run_child(mode: str, args: argparse.Namespace, port: int, work: Path) -> dict:
    out = work / f"{mode}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--out", str(out), "--dir", str(work)]
    cmd += ["--port", str(port), "--seconds", str(args.seconds), "--warmup", str(args.warmup)]
    deadline = time.monotonic() + args.warmup + args.seconds + 60
    if args.headless:
        proc = subprocess.Popen(cmd + ["--headless"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            if proc.poll() is None:
                proc.kill()
    else:
        width, height = args.size.split("x")
        sock = f"warroom-bench-metrics-{os.getpid()}"
        env = {**os.environ, "TERM": "screen-256color"}
        env.pop("TMUX", None)
        tmux = ["tmux", "-L", sock, "-f", "/dev/null"]
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "bench", "-x", width, "-y", height, shlex.join(cmd)], check=True, env=env
        )
        try:
            while not out.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(0.5)
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True)
    if not out.exists():
        raise SystemExit(f"{mode}: no result (the app did not start or crashed); try --headless to see why")
    return dict(json.loads(out.read_text()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # 20 s a window keeps the whole `benchmarks/run.py` under 10 minutes on 2 cores.
    parser.add_argument("--seconds", type=float, default=sized(12.0, 4.0))
    parser.add_argument("--warmup", type=float, default=sized(4.0, 1.5))
    parser.add_argument("--rounds", type=int, default=sized(2, 1))
    parser.add_argument("--size", default="160x48")
    parser.add_argument("--headless", action="store_true", help="run the apps headless instead of in tmux")
    parser.add_argument("--child", choices=("base", "metrics"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if not args.headless and not shutil.which("tmux"):
        print("metrics_pane: FAIL (tmux is not installed: install it, or pass --headless)", file=sys.stderr)
        sys.exit(1)
    verdict = Verdict()
    from warroom.store.sync import EventStore

    runs: dict[str, list[dict]] = {"base": [], "metrics": []}
    server = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="warroom-bench-") as tmp:
            work = Path(tmp)
            for mode in runs:
                with EventStore.open(work / f"{mode}.db") as store:
                    store.declare("Checkout 5xx", 2, actor="bench", at=datetime.now(UTC) - timedelta(minutes=10))
            for _ in range(max(1, args.rounds)):
                for mode in runs:
                    runs[mode].append(run_child(mode, args, server.server_address[1], work))
    finally:
        server.shutdown()

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[mode])

    where = "headless" if args.headless else f"tmux {args.size}"
    print(
        f"metrics pane ({where}; {QUERIES} queries every {QUERY_INTERVAL:g}s, {SERIES} series each; "
        f"{args.seconds:g}s measured after {args.warmup:g}s warm-up; median of {max(1, args.rounds)} rounds)"
    )
    print(f"{'war room':<10}{'lag p50':>10}{'lag p99':>10}{'lag max':>10}{'CPU':>9}")
    for mode in runs:
        print(
            f"{mode:<10}{median(mode, 'lag_p50_ms'):>8.1f}ms{median(mode, 'lag_p99_ms'):>8.1f}ms"
            f"{median(mode, 'lag_max_ms'):>8.1f}ms{median(mode, 'cpu_percent'):>8.1f}%"
        )
    added = median("metrics", "cpu_percent") - median("base", "cpu_percent")
    lag = median("metrics", "lag_p99_ms")
    cpu_ok = verdict.check(
        f"CPU added < {TARGET_CPU_ADDED:g} % of a core",
        added < TARGET_CPU_ADDED,
        figure=f"{added:+.1f} % of a core",
        reference=f"war room without the pane {median('base', 'cpu_percent'):.1f} %",
    )
    lag_ok = verdict.check(
        f"lag p99 < {TARGET_LAG_MS:g} ms",
        lag < TARGET_LAG_MS,
        figure=f"lag p99 {lag:.1f} ms",
        reference=f"without the pane {median('base', 'lag_p99_ms'):.1f} ms",
        ratio=lag / max(median("base", "lag_p99_ms"), 0.01),
    )
    print(f"CPU added by the metrics pane: {added:+.1f} % of a core (target < {TARGET_CPU_ADDED:g} %)  {cpu_ok}")
    print(f"lag p99 with the metrics pane: {lag:.1f} ms (target < {TARGET_LAG_MS:g} ms)  {lag_ok}")
    sys.exit(verdict.finish())


if __name__ == "__main__":
    main()
