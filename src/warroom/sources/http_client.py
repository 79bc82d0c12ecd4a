"""One fresh HTTP request, timed like `curl -w time_total`, for probes and status pages.

Why it is built this way (measured on a 2-core jump host):
- One shared `httpx.AsyncClient` skews latency badly under concurrency and lets a hung endpoint
  starve healthy ones through the pool, so every request gets its own client and connection
  (like curl), sharing only the SSL contexts, which are costly to build.
- httpx's read timeout bounds the gap between reads, not the total: the whole request, body
  included, runs under one overall deadline (`asyncio.timeout`).
- The network layer is asyncio's own, with names resolved on threads of its own
  (`http_transport`): the default anyio one resolves in the loop's shared default executor.
- Many probes fired in the same instant would measure this process's own busy loop rather than
  the endpoint: `start_turn` lets one request start per event-loop iteration (fewer when the
  loop runs late), so the loop stays responsive and each timer starts when its request does.
- The clock runs from the first network step (name resolution / connect) to the arrival of the
  last byte read, like curl's `time_total`; building and parsing in Python are left out.
The body is streamed and read up to a cap (1 MiB for probes): a 50 MB body is never loaded.
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import time
from collections import deque
from collections.abc import Iterable

import httpx

from warroom import __version__
from warroom.records import Record, record
from warroom.sources.http_transport import FreshTransport, RequestClock

BODY_CAP = 1024 * 1024
USER_AGENT = f"warroom/{__version__}"

_SSL_CONTEXTS: dict[bool, ssl.SSLContext] = {}


def ssl_context(verify: bool) -> ssl.SSLContext:
    """A process-wide SSL context (building one loads the CA bundle: ~10 ms each time)."""
    ctx = _SSL_CONTEXTS.get(verify)
    if ctx is None:
        ctx = _SSL_CONTEXTS[verify] = httpx.create_ssl_context(verify=verify, trust_env=True)
    return ctx


@record
class Fetched(Record):
    """What one request produced. `status_code` is None when no response arrived."""

    status_code: int | None
    elapsed: float  # seconds from the start of the request (DNS included) to the last byte read
    body: bytes  # at most the cap
    body_bytes: int  # len(body)
    truncated: bool  # the body went on past the cap (or the deadline)
    content_type: str
    queued: float  # seconds spent waiting at the start gate, before the deadline started
    failure: str | None  # a failure class (see `classify`), or None when a response arrived
    error: str | None  # one human line; never contains the URL or a header value


# -- the start gate -----------------------------------------------------------------------------

#: Pacing: after a release, if the loop was late by more than this, wait `PACE_FACTOR` x the
#: lateness before the next release (the loop is busy; starting more would only skew timings).
PACE_LAG = 0.0005
PACE_FACTOR = 1.0
PACE_MAX_DELAY = 0.05
#: Once the oldest waiter has waited this long, pacing stops (one start per iteration) until the
#: queue drains, so a burst of starts never queues for long however busy the loop is.
MAX_GATE_WAIT = 0.5


class _StartGate:
    """Release waiting requests one per loop iteration, fewer when the loop runs late.

    Measured on 2 cores, 150 requests fired at once read a 20 ms endpoint as ~55 ms without
    the pacing, ~26 ms with it, in about the same total time; the loop also stays responsive
    (no 100 ms stall while 200 requests are built in one iteration).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting: deque[tuple[float, asyncio.Future[None]]] = deque()
        self.scheduled = False
        self.due = 0.0

    async def turn(self) -> None:
        fut: asyncio.Future[None] = self.loop.create_future()
        now = time.perf_counter()
        self.waiting.append((now, fut))
        if not self.scheduled:
            self.scheduled = True
            self.due = now
            self.loop.call_soon(self._release)
        await fut

    def _release(self) -> None:
        now = time.perf_counter()
        lag = now - self.due
        while self.waiting:
            _, fut = self.waiting.popleft()
            if not fut.done():  # skip waiters that were cancelled meanwhile
                fut.set_result(None)
                break
        if not self.waiting:
            self.scheduled = False
            return
        delay = min(PACE_MAX_DELAY, PACE_FACTOR * lag) if lag > PACE_LAG else 0.0
        if now - self.waiting[0][0] > MAX_GATE_WAIT:
            delay = 0.0
        self.due = now + delay
        if delay:
            self.loop.call_later(delay, self._release)
        else:
            self.loop.call_soon(self._release)  # the next iteration, after I/O is polled


_GATES: dict[int, _StartGate] = {}


async def start_turn() -> None:
    """Wait for this request's turn to start (see `_StartGate`); usually one loop iteration."""
    loop = asyncio.get_running_loop()
    gate = _GATES.get(id(loop))
    if gate is None or gate.loop is not loop:
        if len(_GATES) > 16:  # loops come and go in tests; keep the map small
            _GATES.clear()
        gate = _GATES[id(loop)] = _StartGate(loop)
    await gate.turn()


# -- one request --------------------------------------------------------------------------------


async def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: Iterable[tuple[str, str]] = (),
    timeout: float = 5.0,
    verify: bool = True,
    follow_redirects: bool = True,
    max_redirects: int = 5,
    body_cap: int = BODY_CAP,
) -> Fetched:
    """Make one fresh request to `url` (already revealed) under an overall deadline.

    The deadline (`timeout`, covering DNS, connect, TLS, redirects and the body) starts when the
    start gate lets the request go: at once on a quiet loop, later in a burst (`Fetched.queued`).
    Never raises (except cancellation): failures come back classified in `Fetched`. Messages
    never include the URL or header values, so callers may show them after `redact_values`.
    """
    asked = time.perf_counter()
    await start_turn()
    ctx = ssl_context(verify)  # outside the deadline: the first one in a process is slow
    progress = _Progress(queued=time.perf_counter() - asked)
    try:
        async with asyncio.timeout(timeout):
            await _request(progress, ctx, url, method, headers, timeout, follow_redirects, max_redirects, body_cap)
    except TimeoutError:
        return progress.result("timeout", f"timeout after {timeout:g}s")
    except Exception as exc:
        failure, error = classify(exc, max_redirects=max_redirects, timeout=timeout)
        return progress.result(failure, error)
    return progress.result(None, None)


class _Progress:
    """What a request got before it finished, failed or ran out of time."""

    def __init__(self, queued: float) -> None:
        self.queued = queued
        self.clock = RequestClock()
        self.t0 = time.perf_counter()  # the deadline's start
        self.status_code: int | None = None
        self.content_type = ""
        self.chunks: list[bytes] = []
        self.size = 0
        self.truncated = False

    def result(self, failure: str | None, error: str | None) -> Fetched:
        start = self.clock.start if self.clock.start is not None else self.t0
        if failure == "timeout":
            start = self.t0  # like curl's 5.001s: the time until it was given up
        if failure is None and self.clock.last_read is not None:
            end = self.clock.last_read
        else:
            end = time.perf_counter()
        elapsed = end - start
        if failure == "timeout" and self.status_code is not None:
            self.truncated = True  # the headers came, the body did not finish: keep the status
        body = b"".join(self.chunks)
        return Fetched(
            self.status_code, elapsed, body, len(body), self.truncated, self.content_type, self.queued, failure, error
        )


async def _request(
    p: _Progress,
    ctx: ssl.SSLContext,
    url: str,
    method: str,
    headers: Iterable[tuple[str, str]],
    timeout: float,
    follow: bool,
    max_redirects: int,
    cap: int,
) -> None:
    transport = FreshTransport(ctx, p.clock)
    request_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    request_headers.update(dict(headers))
    async with (
        httpx.AsyncClient(
            transport=transport, trust_env=False, follow_redirects=follow, max_redirects=max_redirects, timeout=timeout
        ) as client,
        client.stream(method, url, headers=request_headers) as response,
    ):
        p.status_code = response.status_code
        p.content_type = response.headers.get("content-type", "")
        if method.upper() != "HEAD":
            async for chunk in response.aiter_bytes():
                room = cap - p.size
                if len(chunk) > room:
                    p.truncated = True
                p.chunks.append(chunk[:room])
                p.size += min(len(chunk), max(room, 0))
                if p.truncated:
                    break  # leaving the block closes the connection: the rest is never read


# -- failure classes ----------------------------------------------------------------------------

_ERRNO_TEXT = re.compile(r"^\[Errno \d+\] ")


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 12:
        seen.append(exc)
        exc = exc.__cause__ or getattr(exc, "original", None) or exc.__context__
    return seen


def classify(exc: BaseException, *, max_redirects: int = 5, timeout: float = 5.0) -> tuple[str, str]:
    """(failure class, one human line) for an exception from a request: dns, refused, timeout,
    tls, too many redirects, connection, protocol or config (a bad URL)."""
    chain = _chain(exc)
    for e in chain:
        if isinstance(e, httpx.TooManyRedirects):
            return "too many redirects", f"too many redirects (more than {max_redirects})"
        if isinstance(e, (httpx.TimeoutException, TimeoutError, asyncio.TimeoutError)):
            return "timeout", f"timeout after {timeout:g}s"
    for e in chain:
        if isinstance(e, socket.gaierror):
            return "dns", f"DNS lookup failed: {e.strerror or 'unknown host'}"
        if isinstance(e, ConnectionRefusedError):
            return "refused", "connection refused"
        if isinstance(e, ssl.SSLCertVerificationError):
            return "tls", f"TLS: {e.verify_message or e.reason or 'certificate verify failed'}"
        if isinstance(e, ssl.SSLError):
            return "tls", f"TLS: {e.reason or e.strerror or 'handshake failed'}"
    for e in chain:
        if isinstance(e, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
            return "config", "bad URL: " + _first_line(e).split(" for url ")[0]
        if isinstance(e, httpx.RemoteProtocolError):
            return "protocol", "protocol error: " + _first_line(e)
        if isinstance(e, ConnectionResetError):
            return "connection", "connection reset"
        if isinstance(e, OSError) and e.strerror:
            return "connection", e.strerror[0].lower() + e.strerror[1:]
        if isinstance(e, httpx.TransportError):
            return "connection", _ERRNO_TEXT.sub("", _first_line(e)) or type(e).__name__
    return "connection", f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
