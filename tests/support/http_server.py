"""A real HTTP(S) server on 127.0.0.1 for tests: healthy, failing, hung and hostile endpoints.

    with TestHTTPServer(tls=True) as srv:
        srv.url("/ok")            # http://127.0.0.1:PORT/ok
        srv.tls_url("/ok")        # https://127.0.0.1:PORT2/ok, self-signed (srv.cert_path)
        srv.fail("/health", 503)  # make an endpoint fail ... and come back:
        srv.recover("/health")
        srv.set_status_page("major", components=[("Card API", "major_outage")])

Endpoints (GET/HEAD/POST):
  /ok, /health          200 "ok"
  /status/NNN, /500, /503   that status
  /slow?delay=S         200 "ok" after S seconds (default 0.2); `?ms=N` also works
  /hang                 reads the request, never answers (until the server closes)
  /redirect-loop        302 to itself, forever
  /redirect?to=PATH     302 to PATH
  /big                  200 with a 50 MB body, written in 64 KiB chunks (see `bytes_sent`)
  /wrong-body           200 with a body that is not "ok"
  /drip                 200, then one byte every `drip_interval` seconds
  /echo                 200 with the request's path and headers as JSON
  /html                 200 with a small HTML page (a status page that is not Statuspage JSON)
  /api/v2/status.json, /api/v2/summary.json   Atlassian Statuspage v2, from `set_status_page`
  anything else         404
`set_route(path, ...)` overrides or adds any path; every request is recorded (`requests`).
The TLS port uses a self-signed certificate made with the `openssl` CLI (once per process).
"""

from __future__ import annotations

import atexit
import json
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

BIG_BODY_SIZE = 50 * 1024 * 1024
_CHUNK = 64 * 1024

_DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}


@dataclass
class Route:
    """A scripted answer for one path."""

    status: int = 200
    body: bytes = b"ok"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str]


@dataclass
class StatusPage:
    indicator: str = "none"
    description: str | None = None
    components: list[tuple[str, str]] = field(default_factory=list)
    incidents: list[tuple[str, str, str]] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, owner: TestHTTPServer, ssl_context: ssl.SSLContext | None) -> None:
        self.owner = owner
        self.ssl_context = ssl_context
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up, failed TLS handshakes: expected here, not worth a traceback


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        if self.server.ssl_context is not None:
            self.request.settimeout(10)
            self.request = self.server.ssl_context.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_HEAD = do_PUT = do_DELETE = do_GET

    def _dispatch(self) -> None:
        owner = self.server.owner
        started = time.perf_counter()
        split = urlsplit(self.path)
        path, query = split.path, parse_qs(split.query)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        owner._record(RecordedRequest(self.command, self.path, dict(self.headers.items())))
        try:
            self._answer(owner, path, query)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass  # the client went away: that is what several tests do on purpose
        finally:
            owner._timed(path, time.perf_counter() - started)
            self.close_connection = True

    def _answer(self, owner: TestHTTPServer, path: str, query: dict[str, list[str]]) -> None:
        route = owner._route(path)
        if route is not None:
            if route.delay:
                owner._stopping.wait(route.delay)
            return self._send(route.status, route.body, route.headers)
        if path in ("/ok", "/health", "/"):
            return self._send(200, b"ok")
        if path.startswith("/status/") and path[8:].isdigit():
            return self._send(int(path[8:]), f"status {path[8:]}".encode())
        if path in ("/500", "/503"):
            return self._send(int(path[1:]), b"server error")
        if path == "/slow":
            delay = float(query["ms"][0]) / 1000 if "ms" in query else float(query.get("delay", ["0.2"])[0])
            owner._stopping.wait(delay)
            return self._send(200, b"ok")
        if path == "/hang":
            owner._stopping.wait(owner.hang_limit)
            return None
        if path == "/redirect-loop":
            n = int(query.get("n", ["0"])[0]) + 1
            return self._send(302, b"", {"Location": f"/redirect-loop?n={n}"})
        if path == "/redirect":
            return self._send(302, b"", {"Location": query.get("to", ["/ok"])[0]})
        if path == "/big":
            return self._big(owner, path)
        if path == "/wrong-body":
            return self._send(200, b"<html>maintenance page, nothing healthy here</html>")
        if path == "/drip":
            return self._drip(owner, path)
        if path == "/echo":
            echo = {"path": self.path, "headers": dict(self.headers.items())}
            return self._send(200, json.dumps(echo).encode(), {"Content-Type": "application/json"})
        if path == "/html":
            return self._send(200, b"<html><body>All good here</body></html>", {"Content-Type": "text/html"})
        if path in ("/api/v2/status.json", "/api/v2/summary.json"):
            body = owner._status_json(summary=path.endswith("summary.json"))
            return self._send(200, body, {"Content-Type": "application/json"})
        return self._send(404, b"not found")

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()
        self.server.owner._sent(self.path.split("?")[0], len(body))

    def _big(self, owner: TestHTTPServer, path: str) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(BIG_BODY_SIZE))
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"x" * _CHUNK
        left = BIG_BODY_SIZE
        while left > 0 and not owner._stopping.is_set():
            piece = chunk[: min(left, _CHUNK)]
            self.wfile.write(piece)  # raises once the client has hung up
            owner._sent(path, len(piece))
            left -= len(piece)

    def _drip(self, owner: TestHTTPServer, path: str) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        for _ in range(100000):
            if owner._stopping.wait(owner.drip_interval):
                return
            self.wfile.write(b"o")
            self.wfile.flush()
            owner._sent(path, 1)


class TestHTTPServer:
    """The server; a context manager. Both ports share one state (routes, records, status page)."""

    __test__ = False  # not a pytest test class despite the name

    def __init__(self, *, tls: bool = False, drip_interval: float = 0.05, hang_limit: float = 60.0) -> None:
        self.drip_interval = drip_interval
        self.hang_limit = hang_limit
        self.status_page = StatusPage()
        self.requests: list[RecordedRequest] = []
        self._routes: dict[str, Route] = {}
        self._hits: dict[str, int] = {}
        self._bytes: dict[str, int] = {}
        self._times: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._servers = [_Server(self, None)]
        self.cert_path: Path | None = None
        if tls:
            self.cert_path, key_path = self_signed_certificate()
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.cert_path, key_path)
            self._servers.append(_Server(self, ctx))
        self._threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True) for s in self._servers
        ]
        for thread in self._threads:
            thread.start()

    # -- addresses --
    @property
    def port(self) -> int:
        return self._servers[0].server_address[1]

    @property
    def tls_port(self) -> int:
        if len(self._servers) < 2:
            raise RuntimeError("start the server with TestHTTPServer(tls=True)")
        return self._servers[1].server_address[1]

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def tls_url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.tls_port}{path}"

    # -- scripting --
    def set_route(
        self,
        path: str,
        status: int = 200,
        body: bytes | str = b"ok",
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `path` with this from now on (overrides the built-in endpoint)."""
        data = body.encode() if isinstance(body, str) else body
        with self._lock:
            self._routes[path] = Route(status, data, delay, dict(headers or {}))

    def fail(self, path: str, status: int = 503, body: bytes | str = b"unavailable") -> None:
        self.set_route(path, status=status, body=body)

    def recover(self, path: str) -> None:
        """Back to the built-in behaviour for `path`."""
        with self._lock:
            self._routes.pop(path, None)

    def set_status_page(
        self,
        indicator: str = "none",
        description: str | None = None,
        components: list[tuple[str, str]] | None = None,
        incidents: list[tuple[str, str, str]] | None = None,
    ) -> None:
        """What /api/v2/status.json and summary.json report (components: (name, status))."""
        with self._lock:
            self.status_page = StatusPage(indicator, description, list(components or []), list(incidents or []))

    # -- what happened --
    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits.get(path, 0)

    def bytes_sent(self, path: str) -> int:
        """Body bytes the server managed to write for `path` (all requests)."""
        with self._lock:
            return self._bytes.get(path, 0)

    def handler_times(self, path: str) -> list[float]:
        """Seconds from reading each request to finishing its answer (the server's true time)."""
        with self._lock:
            return list(self._times.get(path, []))

    def headers_seen(self, name: str) -> list[str]:
        with self._lock:
            return [r.headers[k] for r in self.requests for k in r.headers if k.lower() == name.lower()]

    # -- lifecycle --
    def close(self) -> None:
        self._stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> TestHTTPServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- used by the handler --
    def _record(self, req: RecordedRequest) -> None:
        path = req.path.split("?")[0]
        with self._lock:
            self.requests.append(req)
            self._hits[path] = self._hits.get(path, 0) + 1

    def _route(self, path: str) -> Route | None:
        with self._lock:
            return self._routes.get(path)

    def _sent(self, path: str, n: int) -> None:
        with self._lock:
            self._bytes[path] = self._bytes.get(path, 0) + n

    def _timed(self, path: str, seconds: float) -> None:
        with self._lock:
            self._times.setdefault(path, []).append(seconds)

    def _status_json(self, summary: bool) -> bytes:
        with self._lock:
            page = self.status_page
        doc: dict[str, Any] = {
            "page": {
                "id": "kctbh9vrtdwd",
                "name": "Provider",
                "url": "https://status.provider.example",
                "time_zone": "Etc/UTC",
                "updated_at": "2026-01-01T00:00:00.000Z",
            },
            "status": {
                "indicator": page.indicator,
                "description": page.description or _DESCRIPTIONS.get(page.indicator, page.indicator),
            },
        }
        if summary:
            broken = dict(page.components)
            names = list(dict.fromkeys(["API", "Dashboard", *broken]))
            doc["components"] = [
                {
                    "id": f"c{i}",
                    "name": name,
                    "status": broken.get(name, "operational"),
                    "group": False,
                    "group_id": None,
                    "only_show_if_degraded": False,
                    "updated_at": "2026-01-01T00:00:00Z",
                }
                for i, name in enumerate(names)
            ]
            doc["incidents"] = [
                {
                    "id": f"i{i}",
                    "name": name,
                    "status": status,
                    "impact": impact,
                    "incident_updates": [],
                    "shortlink": "https://stspg.io/x",
                }
                for i, (name, status, impact) in enumerate(page.incidents)
            ]
            doc["scheduled_maintenances"] = []
        return json.dumps(doc).encode()


def closed_port_url(path: str = "/") -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


_CERT: tuple[Path, Path] | None = None


def self_signed_certificate() -> tuple[Path, Path]:
    """(cert.pem, key.pem) for localhost/127.0.0.1, made once per process with `openssl`."""
    global _CERT
    if _CERT is None:
        openssl = shutil.which("openssl")
        if openssl is None:
            raise RuntimeError("the TLS test server needs the openssl command")
        folder = Path(tempfile.mkdtemp(prefix="warroom-tls-"))
        atexit.register(shutil.rmtree, folder, True)
        cert, key = folder / "cert.pem", folder / "key.pem"
        subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-days",
                "2",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        _CERT = (cert, key)
    return _CERT
