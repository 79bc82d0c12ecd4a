"""The demo's HTTP service: a real server on a free 127.0.0.1 port whose health follows the script.

Endpoints:
- `/health`, `/api/checkout`, `/api/search`: the "payments API" the probes watch. Healthy while the
  script says so; after the bad deploy `/health` answers 503 after 0.8-2 s and checkout 502s; after
  the rollback both recover.
- `/api/v2/status.json`, `/api/v2/summary.json`: an upstream "payments-provider" status page in
  Atlassian Statuspage v2 format, whose indicator also follows the script.
- `/debug/activity`: the service's database sessions and in-flight requests (JSON), which the
  demo's command pane prints like `pg_stat_activity`.

Standard library only (`http.server` in a thread), so the demo adds no dependency.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from warroom.demo.state import Phase, WorldState

PROVIDER_NAME = "payments-provider"
_INDICATOR_TEXT = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}
_COMPONENT_STATUS = {
    "none": "operational",
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
}


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class DemoService:
    """Owns the server thread. `start()` binds a free loopback port; `stop()` closes it."""

    def __init__(self, state: WorldState, seed: int = 0, latency_scale: float = 1.0) -> None:
        self.state = state
        self.latency_scale = latency_scale  # tests shrink the simulated slowness, nothing else
        self._rng = random.Random(f"{seed}:service")
        self._rng_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._inflight: dict[int, tuple[str, float]] = {}
        self._inflight_lock = threading.Lock()
        self._ids = itertools.count(1)
        self.requests_served = 0
        #: Answers by (path, status), exposed at /metrics for the demo's Prometheus to scrape.
        self._answered: dict[tuple[str, int], int] = {}
        self._pids = [self._rng.randrange(2000, 30000) for _ in range(16)]

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        service = self

        class Handler(_Handler):
            demo = service

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True  # a slow /health must never hold up shutdown
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="warroom-demo-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("service not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- behaviour ---------------------------------------------------------------------------

    def uniform(self, lo: float, hi: float) -> float:
        with self._rng_lock:
            return self._rng.uniform(lo, hi)

    def plan(self, path: str) -> tuple[int, float, str, str]:
        """What a request to `path` gets now: (status, delay seconds, content type, body)."""
        phase = self.state.phase
        provider_slow = self.state.provider != "none"
        if path == "/health":
            if phase is Phase.OUTAGE:
                return 503, self.uniform(0.8, 2.0), "text/plain", "unhealthy: db pool exhausted (50/50 in use)\n"
            return 200, self.uniform(0.005, 0.03), "text/plain", "ok\n"
        if path == "/api/checkout":
            if phase is Phase.OUTAGE:
                body: dict[str, object] = {
                    "error": "upstream payment call failed after 5 retries",
                    "code": "PAYMENT_UPSTREAM",
                }
                return 502, self.uniform(1.0, 2.0), "application/json", json.dumps(body)
            delay = self.uniform(0.3, 0.9) if provider_slow else self.uniform(0.04, 0.12)
            body = {"status": "ok", "order_id": self._rng_int(100000, 999999)}
            return 200, delay, "application/json", json.dumps(body)
        if path == "/api/search":
            delay = self.uniform(0.1, 0.3) if phase is Phase.OUTAGE else self.uniform(0.01, 0.04)
            return 200, delay, "application/json", json.dumps({"results": 20, "took_ms": int(delay * 1000)})
        if path in ("/api/v2/status.json", "/api/v2/summary.json"):
            page = self.statuspage(summary=path.endswith("summary.json"))
            return 200, 0.0, "application/json", json.dumps(page)
        if path == "/metrics":
            return 200, 0.0, "text/plain; version=0.0.4", self.exposition()
        if path == "/debug/activity":
            return 200, 0.0, "application/json", json.dumps(self.activity())
        if path == "/":
            return 200, 0.0, "text/plain", "warroom demo service: /health /api/checkout /api/search\n"
        return 404, 0.0, "text/plain", "not found\n"

    def answered(self, path: str, status: int) -> None:
        """Count one answer (the /metrics counter); only the service's own paths are counted."""
        if path in ("/health", "/api/checkout", "/api/search"):
            with self._inflight_lock:
                self._answered[(path, status)] = self._answered.get((path, status), 0) + 1

    def exposition(self) -> str:
        """`demo_http_requests_total{path="/api/checkout",code="502"} 17`: Prometheus's text format."""
        with self._inflight_lock:
            counts = sorted(self._answered.items())
        lines = ["# HELP demo_http_requests_total Requests answered.", "# TYPE demo_http_requests_total counter"]
        lines += [f'demo_http_requests_total{{path="{p}",code="{c}"}} {n}' for (p, c), n in counts]
        return "\n".join(lines) + "\n"

    def _rng_int(self, lo: int, hi: int) -> int:
        with self._rng_lock:
            return self._rng.randrange(lo, hi)

    def statuspage(self, summary: bool = True) -> dict[str, Any]:
        """The upstream's page in Atlassian Statuspage v2 shape (its `/api/v2/summary.json`)."""
        indicator = self.state.provider
        since = self.state.provider_since
        base = self.base_url if self._server is not None else "http://127.0.0.1"
        page = {
            "id": "wrdemo0pay01",
            "name": "Payments Provider",
            "url": base,
            "time_zone": "Etc/UTC",
            "updated_at": _iso(since),
        }
        out: dict[str, Any] = {
            "page": page,
            "status": {"indicator": indicator, "description": _INDICATOR_TEXT[indicator]},
        }
        if not summary:
            return out
        created = since - timedelta(days=400)

        def component(cid: str, name: str, status: str, pos: int) -> dict[str, Any]:
            return {
                "id": cid,
                "name": name,
                "status": status,
                "created_at": _iso(created),
                "updated_at": _iso(since),
                "position": pos,
                "description": None,
                "showcase": False,
                "start_date": None,
                "group_id": None,
                "page_id": page["id"],
                "group": False,
                "only_show_if_degraded": False,
            }

        out["components"] = [
            component("wrdcmpcard01", "Card payments", _COMPONENT_STATUS[indicator], 1),
            component("wrdcmpapi001", "API", "operational", 2),
            component("wrdcmppay001", "Payouts", "operational", 3),
            component("wrdcmpdash01", "Dashboard", "operational", 4),
        ]
        out["incidents"] = []
        if indicator != "none":
            started = since
            update = {
                "id": "wrdupd000001",
                "status": "investigating",
                "body": "We are investigating elevated latency and timeouts for card payments.",
                "incident_id": "wrdinc000001",
                "created_at": _iso(started),
                "updated_at": _iso(started),
                "display_at": _iso(started),
                "affected_components": None,
                "deliver_notifications": True,
            }
            out["incidents"].append(
                {
                    "id": "wrdinc000001",
                    "name": "Elevated latency for card payments",
                    "status": "investigating",
                    "created_at": _iso(started),
                    "updated_at": _iso(started),
                    "monitoring_at": None,
                    "resolved_at": None,
                    "impact": indicator,
                    "shortlink": f"{base}/incidents/wrdinc000001",
                    "started_at": _iso(started),
                    "page_id": page["id"],
                    "incident_updates": [update],
                    "components": [out["components"][0]],
                }
            )
        out["scheduled_maintenances"] = []
        return out

    def activity(self) -> dict[str, Any]:
        """Database sessions (shaped by the phase) and the requests in flight right now."""
        phase = self.state.phase
        wall_age = self.state.clock.wall_seconds(self.state.phase_age())
        sessions: list[dict[str, Any]] = []
        if phase is Phase.OUTAGE:
            # The retry storm holds every pooled connection open inside a transaction.
            for i, pid in enumerate(self._pids[:12]):
                sessions.append(
                    {
                        "pid": pid,
                        "age": round(wall_age + 30 - i * 2.3, 1),
                        "state": "idle in transaction" if i % 3 else "active",
                        "query": "UPDATE payments SET attempts = attempts + 1 WHERE id = $1",
                    }
                )
        else:
            n = 3 if phase is Phase.DEGRADED else 2
            for i, pid in enumerate(self._pids[:n]):
                age = (time.time() * (i + 1)) % (0.9 if phase is Phase.DEGRADED else 0.2)
                sessions.append(
                    {
                        "pid": pid,
                        "age": round(age, 2),
                        "state": "active",
                        "query": "SELECT id, status FROM orders WHERE id = $1",
                    }
                )
        now = time.monotonic()
        with self._inflight_lock:
            inflight = [{"path": p, "age": round(now - t, 2)} for p, t in self._inflight.values()]
        return {"phase": phase.value, "sessions": [s for s in sessions if s["age"] >= 0], "inflight": inflight}

    def request_started(self, path: str) -> int:
        """Count a request as in flight (`stats` shows it); its id for `request_finished`."""
        rid = next(self._ids)
        with self._inflight_lock:
            self._inflight[rid] = (path, time.monotonic())
        return rid

    def request_finished(self, rid: int) -> None:
        """The request `rid` is answered (or abandoned): no longer in flight, one more served."""
        with self._inflight_lock:
            self._inflight.pop(rid, None)
            self.requests_served += 1


class _Handler(BaseHTTPRequestHandler):
    demo: DemoService
    protocol_version = "HTTP/1.1"
    server_version = "warroom-demo/1"

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        rid = self.demo.request_started(path)
        try:
            status, delay, ctype, body = self.demo.plan(path)
            # Waiting on the stop event (not sleep) lets shutdown cut slow answers short.
            if delay > 0 and self.demo.state.stop.wait(delay * self.demo.latency_scale):
                status, body = 503, "shutting down\n"
            data = body.encode()
            self.demo.answered(path, status)
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not head:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self.demo.request_finished(rid)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence: the demo's access log is the log writer's job, and stderr belongs to the UI."""
