"""The Alertmanager webhook's HTTP side: a small asyncio server on the standard library.

It accepts one thing, `POST /` with a JSON body of at most 1 MiB, and answers everything else
with a 4xx and a log line (never the timeline): other paths 404, other methods 405, a missing or
wrong bearer token / basic auth 401, another content type 415, no length 411, a body over the
limit 413 (without reading it), JSON that does not parse 400. The handler's own verdict on a
well-formed body decides the rest (400 for a wrong shape; 500 when the record cannot be written,
so Alertmanager retries). Every read has a timeout, so a client that trickles bytes (slowloris)
is cut off. A connection stays open for the next notification (HTTP/1.1 keep-alive, as
Alertmanager's client expects) until it idles for the read timeout; a refused request closes it.

Each connection is an `asyncio.Protocol` parsing bytes as they arrive (`_Connection`), not a
stream reader task with a timeout object per read: during an alert storm the request path is
the receiver's cost (benchmarks/intake_throughput.py).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

#: The largest request body taken (Alertmanager's notifications are far smaller).
MAX_BODY = 1024 * 1024
#: The largest request line plus headers.
MAX_HEAD = 16 * 1024
#: Seconds a client gets to send its headers, and then its body.
READ_TIMEOUT = 10.0

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    411: "Length Required",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Rejected(Exception):
    """A request answered with a 4xx/5xx: `status` and the sentence for the log and the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Auth:
    """What a request must carry: a bearer token, or basic auth user and password (both revealed)."""

    token: str = ""
    user: str = ""
    password: str = ""

    def allows(self, header: str) -> bool:
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if self.token and scheme.lower() == "bearer":
            return hmac.compare_digest(value.encode(), self.token.encode())
        if self.user and scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                return False
            expected = f"{self.user}:{self.password}".encode()
            return hmac.compare_digest(decoded, expected)
        return False


#: Takes the decoded JSON body; returns (a future of, or a coroutine giving) the words of a 200,
#: or raises Rejected. A future costs the request no task of its own.
Handler = Callable[[Any], Awaitable[str]]


class IntakeServer:
    """Serves `handler` on `host:port` (see the module docstring); `log(line)` hears every refusal."""

    def __init__(
        self,
        host: str,
        port: int,
        handler: Handler,
        *,
        auth: Auth | None = None,
        log: Callable[[str], None] = lambda line: None,
        on_reject: Callable[[int, str], None] = lambda status, message: None,
        max_body: int = MAX_BODY,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.host = host
        self.port = port
        self.handler = handler
        self.auth = auth
        self.log = log
        self.on_reject = on_reject
        self.max_body = max_body
        self.read_timeout = read_timeout
        self._server: asyncio.Server | None = None
        #: Open connections (kept alive between notifications), closed with the server.
        self._connections: set[_Connection] = set()
        self._closing = False

    @property
    def address(self) -> str:
        """`127.0.0.1:9095` (the port actually bound when 0 was asked for)."""
        if self._server is not None and self._server.sockets:
            host, port = self._server.sockets[0].getsockname()[:2]
            return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        return f"{self.host}:{self.port}"

    async def start(self) -> None:
        """Listen (OSError when the address is taken or not ours)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self), self.host, self.port)

    async def close(self) -> None:
        """Stop listening and end every open connection; a notification being recorded is
        recorded first (its handler returns on its own, so none is left to be cancelled)."""
        self._closing = True
        if self._server is not None:
            self._server.close()
        tasks = [c.task for c in self._connections if c.task is not None]
        for connection in list(self._connections):
            connection.drop()
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)
        if self._server is not None:
            try:
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            except (TimeoutError, Exception):
                pass
            self._server = None

    def refused(self, who: str, status: int, message: str) -> None:
        self.log(f"intake: {status} {_REASONS.get(status, '')} from {who}: {message}")
        self.on_reject(status, message)

    def request(self, head: bytes) -> tuple[int, bool]:
        """Check one request's line and headers: (body length, keep the connection open after
        it), or Rejected. Keep-alive is HTTP/1.1 without `Connection: close`."""
        text = head.decode("latin-1")
        request_line, *header_lines = text.split("\r\n")
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise Rejected(400, "not an HTTP request")
        method, target, version = parts
        headers: dict[str, str] = {}
        for raw in header_lines:
            if raw:
                name, sep, value = raw.partition(":")
                if not sep:
                    raise Rejected(400, "a malformed header line")
                headers[name.strip().lower()] = value.strip()
        path = target.split("?", 1)[0]
        if path != "/":
            raise Rejected(404, f"nothing at {_short(path)}: Alertmanager's url is the receiver's address, POST /")
        if method != "POST":
            raise Rejected(405, f"{_short(method)} is not accepted: only POST")
        if self.auth is not None and not self.auth.allows(headers.get("authorization", "")):
            raise Rejected(401, "missing or wrong credentials (see [intake] token / user / password)")
        ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if ctype != "application/json":
            raise Rejected(415, f"content type {_short(ctype) or '(none)'} is not application/json")
        if "transfer-encoding" in headers:
            raise Rejected(411, "send the body with a Content-Length, not chunked")
        length_text = headers.get("content-length")
        if length_text is None:
            raise Rejected(411, "no Content-Length")
        if not length_text.isdigit() or len(length_text) > 18:
            raise Rejected(400, f"bad Content-Length {_short(length_text)}")
        length = int(length_text)
        if length > self.max_body:
            raise Rejected(413, f"body of {length} bytes is over the {self.max_body // 1024} KiB limit")
        return length, version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"


#: Answers already built: a storm's 200s say the same words again and again.
_ANSWERS: dict[tuple[int, str, bool], bytes] = {}


def answer(status: int, message: str, keep: bool) -> bytes:
    """One whole HTTP response: a JSON body saying ok or error, and the message."""
    done = _ANSWERS.get((status, message, keep))
    if done is None:
        done = _build_answer(status, message, keep)
        if len(_ANSWERS) < 64:
            _ANSWERS[(status, message, keep)] = done
    return done


def _build_answer(status: int, message: str, keep: bool) -> bytes:
    body = json.dumps({"status": "ok" if status == 200 else "error", "message": message}).encode() + b"\n"
    head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
    head += "Content-Type: application/json\r\n"
    head += f"Content-Length: {len(body)}\r\nConnection: {'keep-alive' if keep else 'close'}\r\n"
    if status == 405:
        head += "Allow: POST\r\n"
    if status == 401:
        head += 'WWW-Authenticate: Bearer realm="warroom"\r\n'
    return head.encode() + b"\r\n" + body


#: What a connection is waiting for: a request's headers, its body, or its handler's verdict.
_HEAD, _BODY, _HANDLING, _DONE = range(4)


class _Connection(asyncio.Protocol):
    """One client connection, parsed as its bytes arrive (no reader task, no per-read timeout
    object: a webhook storm is many small requests). Requests are handled one after another; a
    timer bounds each wait for headers or a body (slowloris); bytes sent ahead (pipelining) wait
    in the buffer, and reading pauses while more than one whole request is buffered or the
    client is not reading its answers."""

    def __init__(self, server: IntakeServer) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.who = "?"
        self.buffer = bytearray()
        self.state = _HEAD
        self.first = True  # no request answered yet: silence is a timeout, not an idle keep-alive
        self.length = 0
        self.keep = False
        self.timer: asyncio.TimerHandle | None = None
        self.deadline: float | None = None  # when the headers or body now awaited are late
        self.task: asyncio.Future[str] | None = None  # the handler's verdict, while it is awaited
        self.paused = False
        self.writing_paused = False
        self.eof = False  # the client half-closed: answer what is in hand, then close

    # -- asyncio's calls -------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if self.server._closing:
            transport.close()
            self.state = _DONE
            return
        peer = transport.get_extra_info("peername")
        self.who = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        sock = transport.get_extra_info("socket")
        if sock is not None:  # answers go out at once, not after Nagle's delay
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server._connections.add(self)
        self._wait()

    def data_received(self, data: bytes) -> None:
        if self.state == _DONE:
            return
        self.buffer += data
        if self.state == _HANDLING:
            self._throttle()
        else:
            self._advance()

    def eof_received(self) -> bool | None:
        """The client finished sending (a half-close): a request being handled is still
        answered, then the connection closes; otherwise nothing more can come (closed now, and
        `connection_lost` says what was cut short)."""
        self.eof = True
        return self.state == _HANDLING

    def connection_lost(self, exc: Exception | None) -> None:
        was, self.state = self.state, _DONE
        self._cancel_timer()
        self.server._connections.discard(self)
        if self.server._closing:
            return
        if was == _HEAD and (self.buffer or self.first):
            self.server.refused(self.who, 400, "the connection closed before the headers ended")
        elif was == _BODY:
            self.server.refused(self.who, 400, "the connection closed before the body ended")

    def pause_writing(self) -> None:
        self.writing_paused = True
        self._throttle()

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._throttle()

    # -- the request cycle -----------------------------------------------------------------------
    def _advance(self) -> None:
        """Take what the buffer holds as far as it goes: headers, then the body, then handle."""
        if self.state == _HEAD:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self._refuse(Rejected(431, f"request headers over {MAX_HEAD // 1024} KiB"))
                return
            if end + 4 > MAX_HEAD:
                self._refuse(Rejected(431, f"request headers over {MAX_HEAD // 1024} KiB"))
                return
            head = bytes(self.buffer[:end])
            del self.buffer[: end + 4]
            try:
                self.length, self.keep = self.server.request(head)
            except Rejected as exc:
                self._refuse(exc)
                return
            self.state = _BODY
            self._wait()
        if self.state == _BODY and len(self.buffer) >= self.length:
            body = bytes(self.buffer[: self.length])
            del self.buffer[: self.length]
            self.state = _HANDLING
            self.deadline = None  # the client waits for us now, not we for it
            self._throttle()
            self._handle(body)

    def _handle(self, body: bytes) -> None:
        """Decode the body and give it to the handler; answered when its verdict is in."""
        try:
            decoded = json.loads(body)
        except (ValueError, RecursionError) as exc:
            message = f"malformed JSON: {_short(str(exc), 120)}"
            self.server.refused(self.who, 400, message)
            self._reply(400, message, False)
            return
        try:
            verdict = self.server.handler(decoded)
        except Rejected as exc:
            self.server.refused(self.who, exc.status, exc.message)
            self._reply(exc.status, exc.message, False)
            return
        except Exception as exc:
            self._failed(exc)
            return
        pending = verdict if isinstance(verdict, asyncio.Future) else asyncio.ensure_future(verdict)
        self.task = pending
        pending.add_done_callback(self._handled)

    def _handled(self, pending: asyncio.Future[str]) -> None:
        self.task = None
        if pending.cancelled():
            self._finish()
            return
        exc = pending.exception()
        if exc is None:
            self._reply(200, pending.result(), self.keep)
        elif isinstance(exc, Rejected):
            self.server.refused(self.who, exc.status, exc.message)
            self._reply(exc.status, exc.message, False)
        elif isinstance(exc, Exception):
            self._failed(exc)
        else:
            self._finish()

    def _failed(self, exc: Exception) -> None:
        """The recorder failed: 500, so Alertmanager sends it again."""
        message = f"could not record the alerts: {type(exc).__name__}: {exc}"
        self.server.log(f"intake: 500 from {self.who}: {message}")
        self._reply(500, message, False)

    def _reply(self, status: int, message: str, keep: bool) -> None:
        """Send the answer; then wait for the next request, or close."""
        if self.state == _DONE or self.transport is None:
            return  # the client went away (or the server is stopping) meanwhile
        keep = keep and not self.eof
        self.transport.write(answer(status, message, keep))
        if not keep:
            self._finish()
            return
        self.first = False
        self.state = _HEAD
        self._throttle()
        self._wait()
        if self.buffer:
            self._advance()

    def _refuse(self, exc: Rejected) -> None:
        """Answer a refused request and close (its body, if any, is never read)."""
        self.server.refused(self.who, exc.status, exc.message)
        if self.transport is not None:
            self.transport.write(answer(exc.status, exc.message, False))
        self._finish()

    def _finish(self) -> None:
        self.state = _DONE
        self._cancel_timer()
        self.buffer.clear()
        if self.transport is not None:
            self.transport.close()  # after what was written is sent

    def drop(self) -> None:
        """The server is stopping: close now (a handler still running finds the state _DONE)."""
        self.state = _DONE
        self._cancel_timer()
        if self.transport is not None:
            self.transport.close()

    # -- timing and flow -------------------------------------------------------------------------
    # One timer per connection, moved by a deadline: a request costs no timer of its own (a
    # storm's requests arrive far faster than any of them times out).
    def _wait(self) -> None:
        """(Re)start the clock for the headers or body now awaited."""
        loop = asyncio.get_running_loop()
        self.deadline = loop.time() + self.server.read_timeout
        if self.timer is None:
            self.timer = loop.call_at(self.deadline, self._check_deadline)

    def _cancel_timer(self) -> None:
        self.deadline = None
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _check_deadline(self) -> None:
        self.timer = None
        if self.deadline is None or self.state in (_HANDLING, _DONE):
            return  # nothing awaited now: the next wait arms the timer again
        loop = asyncio.get_running_loop()
        if loop.time() < self.deadline:
            self.timer = loop.call_at(self.deadline, self._check_deadline)
            return
        self._timed_out()

    def _timed_out(self) -> None:
        timeout = f"{self.server.read_timeout:g}s"
        if self.state == _HEAD:
            if not self.first and not self.buffer:  # a kept-alive connection that sent nothing more
                self._finish()
                return
            self._refuse(Rejected(408, f"no complete request headers within {timeout}"))
        elif self.state == _BODY:
            self._refuse(Rejected(408, f"the body did not arrive within {timeout}"))

    def _throttle(self) -> None:
        """Stop reading while a request is being handled with more than a whole request already
        buffered, or while the client does not take its answers; read again otherwise."""
        transport = self.transport
        if transport is None or self.state == _DONE:
            return
        full = self.state == _HANDLING and len(self.buffer) > MAX_HEAD + self.server.max_body
        pause = full or self.writing_paused
        if pause and not self.paused:
            transport.pause_reading()
            self.paused = True
        elif not pause and self.paused:
            transport.resume_reading()
            self.paused = False


def _short(text: str, cap: int = 60) -> str:
    """A client's words in a log line: printable, short."""
    from warroom.sanitize import clean

    return repr(clean(text, cap=cap))
