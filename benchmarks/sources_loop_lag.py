"""Event-loop lag (p99) of one process running every kind of source at once (target < 50 ms).

Starts, on this machine only: a local HTTP service (10 probes + a Statuspage v2 page), a log
file written at 1,000 lines/s (2 % errors), a git repository, resources at 1 Hz and a command
pane; runs them all through the recorder's headless loop into a real database, and measures how
late a 10 ms ticker wakes up. The reference is the same ticker on an idle loop in the same run.
Prints PASS or FAIL and exits 1 when the target is missed (see verdict.py).
Usage: python benchmarks/sources_loop_lag.py [SECONDS]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from verdict import Verdict, sized

from warroom.config.loader import load_config
from warroom.recorder import SourceHub, run_headless
from warroom.store.aio import AsyncEventStore


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/api/v2/"):
            body = json.dumps(
                {
                    "page": {"name": "x"},
                    "status": {"indicator": "none", "description": "All Systems Operational"},
                    "components": [],
                }
            ).encode()
        else:
            body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


async def ticker(seconds: float, period: float = 0.01) -> list[float]:
    lags = []
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        before = loop.time()
        await asyncio.sleep(period)
        lags.append(max(0.0, loop.time() - before - period))
    return lags


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 2 else max(values)


def write_log(path: Path, stop: threading.Event) -> None:
    i = 0
    with path.open("a") as f:
        while not stop.is_set():
            t = time.monotonic()
            for _ in range(100):
                i += 1
                level = "ERROR" if i % 50 == 0 else "INFO"
                f.write(f"2026-11-26T03:00:00Z {level} request {i} handled in {i % 97} ms\n")
            f.flush()
            time.sleep(max(0.0, 0.1 - (time.monotonic() - t)))


TARGET_P99 = 0.050  # seconds of lag


async def main(seconds: float) -> int:
    verdict = Verdict()
    idle = await ticker(min(5.0, seconds))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        log = tmpd / "app.log"
        log.touch()
        repo = tmpd / "repo"
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_AUTHOR_NAME": "b",
            "GIT_AUTHOR_EMAIL": "b@x",
            "GIT_COMMITTER_NAME": "b",
            "GIT_COMMITTER_EMAIL": "b@x",
        }
        subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
        subprocess.run(["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-m", "deploy"], check=True, env=env)
        probes = "".join(f'[[probe]]\nname = "p{i}"\nurl = "{base}/health"\ninterval = 1\n\n' for i in range(10))
        cfg = tmpd / "warroom.toml"
        cfg.write_text(
            probes
            + f'[[statuspage]]\nname = "upstream"\nurl = "{base}/api/v2/summary.json"\ninterval = 5\n\n'
            + f'[[log]]\nname = "app"\npath = "{log}"\ninterval = 1\n\n'
            + f'[[deploys]]\nname = "app"\nkind = "git"\nrepo = "{repo}"\ninterval = 5\n\n'
            + "[resources]\ninterval = 1\n\n"
            + f'[[command]]\nname = "uptime"\nargv = ["{sys.executable}", "-c", "print(1)"]\ninterval = 2\n'
        )
        store = await AsyncEventStore.open(tmpd / "w.db")
        inc = (await store.declare("bench", 2, actor="bench")).incident_id
        hub = SourceHub(load_config(cfg), store, inc)
        stop_log = threading.Event()
        writer = threading.Thread(target=write_log, args=(log, stop_log), daemon=True)
        writer.start()
        cpu0 = time.process_time()
        results = await asyncio.gather(run_headless(hub, duration=seconds), ticker(seconds))
        cpu = (time.process_time() - cpu0) / seconds
        stop_log.set()
        await hub.aclose()
        await store.close()
    server.shutdown()
    busy = results[1]
    print(f"idle loop      lag p99 {p99(idle) * 1000:6.1f} ms")
    met = verdict.check(
        f"lag p99 < {TARGET_P99 * 1000:.0f} ms",
        p99(busy) < TARGET_P99,
        figure=f"lag p99 {p99(busy) * 1000:.1f} ms",
        reference=f"idle loop p99 {p99(idle) * 1000:.1f} ms",
        ratio=p99(busy) / max(p99(idle), 1e-4),
    )
    print(
        f"every source   lag p99 {p99(busy) * 1000:6.1f} ms  (target < {TARGET_P99 * 1000:.0f} ms), "
        f"max {max(busy) * 1000:.1f} ms  {met}"
    )
    print(
        f"ratio to idle  {p99(busy) / max(p99(idle), 1e-4):.1f}x; process CPU {cpu * 100:.0f}% of a core "
        f"(includes the log writer thread)"
    )
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else sized(20.0, 5.0))))
