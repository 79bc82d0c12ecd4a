"""A real Prometheus (Debian package `prometheus`) for tests, scraping an exporter the test serves.

    with Exporter() as exporter, PrometheusServer(exporter.target) as prom:
        exporter.set_gauge("demo_queue_depth", 42)
        prom.wait_for('demo_queue_depth', 42)
        prom.url                     # http://127.0.0.1:PORT

The exporter is `TestHTTPServer` answering `/metrics` with a text exposition body: a counter
`demo_requests_total` that grows by 10 a second (a thread rewrites the body) and any gauges the
test sets. Prometheus runs with a temporary config and storage dir on a free port, scraping every
second; `close()` stops it (terminate, then kill) and removes its files.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.http_server import TestHTTPServer

SCRAPE_INTERVAL = "1s"
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Exporter:
    """A `/metrics` endpoint on 127.0.0.1 (see the module docstring)."""

    def __init__(self, rate: float = 10.0) -> None:
        self.server = TestHTTPServer()
        self.rate = rate
        self.gauges: dict[str, float] = {}
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._publish()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def target(self) -> str:
        """`127.0.0.1:PORT`: what Prometheus scrapes."""
        return f"127.0.0.1:{self.server.port}"

    def set_gauge(self, name: str, value: float) -> None:
        """Expose `name` (labels allowed: `demo_shard_depth{shard="3"}`) with `value` from now on."""
        with self._lock:
            self.gauges[name] = value
        self._publish()

    def body(self) -> str:
        count = int((time.monotonic() - self._started) * self.rate)
        lines = [
            "# HELP demo_requests_total Requests served.",
            "# TYPE demo_requests_total counter",
            f'demo_requests_total{{code="200"}} {count}',
            f'demo_requests_total{{code="500"}} {count // 10}',
        ]
        typed: set[str] = set()
        with self._lock:
            for name, value in sorted(self.gauges.items()):
                family = name.split("{", 1)[0]  # `demo_shard_depth{shard="3"}`: one family, one TYPE
                if family not in typed:
                    typed.add(family)
                    lines.append(f"# TYPE {family} gauge")
                lines.append(f"{name} {value}")
        return "\n".join(lines) + "\n"

    def _publish(self) -> None:
        self.server.set_route(
            "/metrics", body=self.body(), headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}
        )

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._publish()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.close()

    def __enter__(self) -> Exporter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PrometheusServer:
    """`prometheus` on a free port with a temporary config and storage (see the module docstring)."""

    def __init__(self, target: str, *, job: str = "demo", rules: str = "", alertmanager: str = "") -> None:
        """`rules`: a rule file's YAML, evaluated every second; `alertmanager` (`127.0.0.1:PORT`):
        where the alerts it fires are sent."""
        self.dir = Path(tempfile.mkdtemp(prefix="warroom-prom-"))
        self.port = free_port()
        config = self.dir / "prometheus.yml"
        text = (
            "global:\n"
            f"  scrape_interval: {SCRAPE_INTERVAL}\n"
            f"  evaluation_interval: {SCRAPE_INTERVAL}\n"
            "scrape_configs:\n"
            f"  - job_name: {job}\n"
            "    static_configs:\n"
            f"      - targets: ['{target}']\n"
        )
        if rules:
            (self.dir / "rules.yml").write_text(rules)
            text += f"rule_files: ['{self.dir / 'rules.yml'}']\n"
        if alertmanager:
            text += f"alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['{alertmanager}']\n"
        config.write_text(text)
        self.log = (self.dir / "prometheus.log").open("wb")
        self.proc = subprocess.Popen(
            [
                shutil.which("prometheus") or "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={self.dir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--log.level=warn",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.close()
            raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"prometheus exited {self.proc.returncode}: {self.log_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"prometheus not ready after {START_TIMEOUT:g}s: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        self.log.flush()
        return (self.dir / "prometheus.log").read_text(errors="replace")

    def query(self, promql: str) -> dict[str, Any]:
        """The API's answer to an instant query, as JSON (errors too)."""
        url = self.url + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return dict(json.load(resp))
        except urllib.error.HTTPError as exc:
            return dict(json.load(exc))

    def value(self, promql: str) -> float | None:
        """The first series' value of an instant query, or None (no data, an error)."""
        doc = self.query(promql)
        result = doc.get("data", {}).get("result")
        if doc.get("status") != "success" or not result:
            return None
        if doc["data"]["resultType"] == "scalar":
            return float(result[1])
        return float(result[0]["value"][1])

    def wait_for(self, promql: str, wanted: float | None = None, timeout: float = 30.0) -> float:
        """Wait until `promql` has a value (equal to `wanted` when given); the value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.value(promql)
            if value is not None and (wanted is None or value == wanted):
                return value
            time.sleep(0.2)
        raise AssertionError(f"{promql} never gave {wanted!r} within {timeout:g}s; last {self.value(promql)!r}")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> PrometheusServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
