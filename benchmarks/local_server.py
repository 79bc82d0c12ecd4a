"""An HTTP server on 127.0.0.1 that a benchmark serves its fake services from (probes, status
pages, Prometheus): a free port, a daemon thread, one thread per request."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Start serving `handler` on a free 127.0.0.1 port (`server.server_address[1]`); it stops
    with the process, or at `server.shutdown()`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server
