"""The Alertmanager webhook's HTTP side: a small asyncio server on the standard library.

It accepts one thing, `POST /` with a JSON body of at most 1 MiB, and answers everything else
with a 4xx and a log line (never the timeline): other paths 404, other methods 405, a missing or
wrong bearer token / basic auth 401, another content type 415, no length 411, a body over the
limit 413 (without reading it), JSON that does not parse 400. The handler's own verdict on a
well-formed body decides the rest (400 for a wrong shape; 500 when the record cannot be written,
so Alertmanager retries). Every read has a timeout, so a client that trickles bytes (slowloris)
is cut off. A connection stays open for the next notification (HTTP/1.1 keep-alive, as
Alertmanager's client expects) until it idles for the read timeout; a refused request closes it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import json
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


class _Idle(Exception):
    """A kept-alive connection sent no further request: close it without a word."""


#: Takes the decoded JSON body; returns the words of a 200 or raises Rejected.
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
        self._connections: dict[asyncio.StreamWriter, asyncio.Task[Any]] = {}
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
        self._server = await asyncio.start_server(self._serve, self.host, self.port, limit=MAX_HEAD)

    async def close(self) -> None:
        """Stop listening and end every open connection (each handler returns on its own, so
        none is left to be cancelled when the loop ends)."""
        self._closing = True
        for writer in list(self._connections):
            writer.close()
        tasks = list(self._connections.values())
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)
        if self._server is not None:
            self._server.close()
            try:
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            except (TimeoutError, Exception):
                pass
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        who = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        task = asyncio.current_task()
        if self._closing or task is None:
            writer.close()
            return
        self._connections[writer] = task
        try:
            first = True
            while True:
                keep = False
                try:
                    words, keep = await self._one(reader, waiting=not first)
                    status, message = 200, words
                except _Idle:
                    return  # a kept-alive connection that sent nothing more: closed quietly
                except Rejected as exc:
                    if self._closing:
                        return  # the server is stopping: it closed this connection itself
                    status, message = exc.status, exc.message
                    self.log(f"intake: {status} {_REASONS.get(status, '')} from {who}: {message}")
                    self.on_reject(status, message)
                except Exception as exc:  # the recorder failed: 500, so Alertmanager sends it again
                    status, message = 500, f"could not record the alerts: {type(exc).__name__}: {exc}"
                    self.log(f"intake: 500 from {who}: {message}")
                await self._answer(writer, status, message, keep)
                if not keep:
                    return
                first = False
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never let one connection take the server down
            self.log(f"intake: connection from {who} failed: {type(exc).__name__}: {exc}")
        finally:
            self._connections.pop(writer, None)
            writer.close()

    async def _answer(self, writer: asyncio.StreamWriter, status: int, message: str, keep: bool = False) -> None:
        body = json.dumps({"status": "ok" if status == 200 else "error", "message": message}).encode() + b"\n"
        head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
        head += "Content-Type: application/json\r\n"
        head += f"Content-Length: {len(body)}\r\nConnection: {'keep-alive' if keep else 'close'}\r\n"
        if status == 405:
            head += "Allow: POST\r\n"
        if status == 401:
            head += 'WWW-Authenticate: Bearer realm="warroom"\r\n'
        writer.write(head.encode() + b"\r\n" + body)
        async with asyncio.timeout(self.read_timeout):
            await writer.drain()

    async def _one(self, reader: asyncio.StreamReader, *, waiting: bool = False) -> tuple[str, bool]:
        """Read and handle one request: the 200's words, and whether the connection stays open
        (HTTP/1.1 without `Connection: close`; a refused request always closes it). `waiting`:
        a kept-alive connection, where silence or a close before the next request is no error."""
        try:
            async with asyncio.timeout(self.read_timeout):  # cheaper than wait_for: no task
                head = await reader.readuntil(b"\r\n\r\n")
        except TimeoutError:
            if waiting:
                raise _Idle() from None
            raise Rejected(408, f"no complete request headers within {self.read_timeout:g}s") from None
        except asyncio.IncompleteReadError as exc:
            if waiting and not exc.partial:
                raise _Idle() from None
            raise Rejected(400, "the connection closed before the headers ended") from None
        except asyncio.LimitOverrunError:
            raise Rejected(431, f"request headers over {MAX_HEAD // 1024} KiB") from None
        try:
            text = head.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            raise Rejected(400, "unreadable headers") from None
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
        try:
            async with asyncio.timeout(self.read_timeout):
                body = await reader.readexactly(length)
        except TimeoutError:
            raise Rejected(408, f"the body did not arrive within {self.read_timeout:g}s") from None
        except asyncio.IncompleteReadError:
            raise Rejected(400, "the connection closed before the body ended") from None
        try:
            decoded = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise Rejected(400, f"malformed JSON: {_short(str(exc), 120)}") from None
        keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        return await self.handler(decoded), keep


def _short(text: str, cap: int = 60) -> str:
    """A client's words in a log line: printable, short."""
    from warroom.sanitize import clean

    return repr(clean(text, cap=cap))
