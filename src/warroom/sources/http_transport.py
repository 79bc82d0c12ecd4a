"""The network layer under `http_client.fetch`: plain asyncio connections, names resolved on
threads of their own, and a clock read at the socket.

Why not httpx's default (anyio) layer: it resolves names in the loop's default executor, a few
threads shared with everything else, so hung lookups can starve a healthy probe, and it costs
~1 ms per request. Here literal IPs and `localhost` skip resolution, other names resolve on
daemon threads with one lookup in flight per name (`resolve_host`), so one hung name holds one
thread, not the loop's; and the clock runs from the first network step to the last byte read,
like curl's `time_total`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpcore
import httpx

# -- name resolution ----------------------------------------------------------------------------

_LOOKUPS: dict[tuple[str, int], concurrent.futures.Future[list[str]]] = {}
_LOOKUPS_LOCK = threading.Lock()
MAX_LOOKUPS = 64


def _lookup(host: str, port: int, result: concurrent.futures.Future[list[str]]) -> None:
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        result.set_result(list(dict.fromkeys(str(info[4][0]) for info in infos)))
    except BaseException as exc:
        result.set_exception(exc)
    finally:
        with _LOOKUPS_LOCK:
            if _LOOKUPS.get((host, port)) is result:
                del _LOOKUPS[(host, port)]


async def resolve_host(host: str, port: int) -> list[str]:
    """Addresses to try for `host`: literal IPs and localhost at once, other names on a thread.

    Lookups run on daemon threads (a hung resolver must not hold up process exit), one in flight
    per (name, port) shared by every waiter, at most `MAX_LOOKUPS` at a time.
    """
    bare = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(bare))]
    except ValueError:
        pass
    lowered = bare.lower().rstrip(".")
    if lowered == "localhost" or lowered.endswith(".localhost"):
        return ["127.0.0.1", "::1"]
    key = (lowered, port)
    with _LOOKUPS_LOCK:
        pending = _LOOKUPS.get(key)
        if pending is None:
            if len(_LOOKUPS) >= MAX_LOOKUPS:
                raise socket.gaierror(socket.EAI_AGAIN, "too many DNS lookups in flight")
            pending = _LOOKUPS[key] = concurrent.futures.Future()
            threading.Thread(target=_lookup, args=(lowered, port, pending), daemon=True, name="warroom-dns").start()
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[list[str]] = loop.create_future()

    def settle(done: concurrent.futures.Future[list[str]]) -> None:
        def apply() -> None:
            if waiter.done():
                return  # this waiter gave up (deadline); others may still want the answer
            exc = done.exception()
            if exc is not None:
                waiter.set_exception(exc)
            else:
                waiter.set_result(done.result())

        try:
            loop.call_soon_threadsafe(apply)
        except RuntimeError:
            pass  # the loop is gone; nobody is waiting any more

    pending.add_done_callback(settle)
    return await waiter


# -- the network layer --------------------------------------------------------------------------


class RequestClock:
    """When a request's network work started and its last bytes arrived: timing at the socket
    leaves out ~1 ms of Python building and parsing per request, as curl's C code costs ~0."""

    def __init__(self) -> None:
        self.start: float | None = None
        self.last_read: float | None = None


def _wrapped(cls: type[Exception], message: str, original: BaseException) -> Exception:
    """An httpcore error that keeps its cause: httpcore re-raises with `from None`."""
    exc = cls(message)
    exc.original = original  # type: ignore[attr-defined]
    return exc


_EXTRA_INFO = {"ssl_object": "ssl_object", "client_addr": "sockname", "server_addr": "peername", "socket": "socket"}


class _AsyncioStream(httpcore.AsyncNetworkStream):
    """An httpcore stream over asyncio streams. It takes no timeouts of its own: `fetch`'s
    overall deadline bounds everything (and nested `wait_for`s can swallow a cancellation on
    Python 3.11, leaving a dripping endpoint's probe running long past its deadline)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, clock: RequestClock) -> None:
        self._reader = reader
        self._writer = writer
        self._clock = clock

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            data = await self._reader.read(max_bytes)
            self._clock.last_read = time.perf_counter()
            return data
        except (OSError, ssl.SSLError) as exc:
            raise _wrapped(httpcore.ReadError, str(exc), exc) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            self._writer.write(buffer)
            await self._writer.drain()
        except (OSError, ssl.SSLError, RuntimeError) as exc:
            raise _wrapped(httpcore.WriteError, str(exc), exc) from exc

    async def aclose(self) -> None:
        transport = self._writer.transport
        if transport.is_closing():
            return
        if self._writer.get_extra_info("ssl_object") is not None:
            transport.abort()  # a TLS close_notify exchange with a dead peer would linger 30 s
        else:
            transport.close()  # FIN, like curl; the kernel resets if unread data is left

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            await self._writer.start_tls(ssl_context, server_hostname=server_hostname, ssl_handshake_timeout=timeout)
        except TimeoutError as exc:
            raise _wrapped(httpcore.ConnectTimeout, "TLS handshake timed out", exc) from exc
        except (OSError, ssl.SSLError) as exc:
            raise _wrapped(httpcore.ConnectError, str(exc), exc) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        name = _EXTRA_INFO.get(info)
        return self._writer.get_extra_info(name) if name else None


class _AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Plain asyncio connections to pre-resolved addresses (see the module docstring)."""

    def __init__(self, clock: RequestClock) -> None:
        self._clock = clock

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self._clock.start is None:
            self._clock.start = time.perf_counter()
        try:
            addresses = await resolve_host(host, port)
        except socket.gaierror as exc:
            raise _wrapped(httpcore.ConnectError, f"DNS lookup failed: {exc.strerror or exc}", exc) from exc
        last: OSError | None = None
        for address in addresses:
            try:
                reader, writer = await asyncio.open_connection(address, port, limit=256 * 1024)
            except OSError as exc:
                last = exc
                continue
            return _AsyncioStream(reader, writer, self._clock)
        assert last is not None
        raise _wrapped(httpcore.ConnectError, str(last), last)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


#: httpcore's errors as httpx's, most specific first (httpx maps them the same way inside its own
#: transport, but that mapping is not public).
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


def _as_httpx(exc: Exception) -> Exception:
    """The httpx error for an httpcore one (its cause kept), or `exc` itself."""
    for core, mapped in _HTTPX_ERRORS:
        if isinstance(exc, core):
            error = mapped(str(exc))
            error.__cause__ = exc
            return error
    return exc


class _ResponseBody(httpx.AsyncByteStream):
    """An httpcore response body read through httpx, its errors mapped as httpx's."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except Exception as exc:
            mapped = _as_httpx(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


class FreshTransport(httpx.AsyncBaseTransport):
    """An httpx transport over `_AsyncioBackend`: one connection, never reused, through
    httpcore's public connection pool and httpx's public transport interface."""

    def __init__(self, ctx: ssl.SSLContext, clock: RequestClock) -> None:
        self._connections = httpcore.AsyncConnectionPool(
            ssl_context=ctx,
            max_connections=1,
            max_keepalive_connections=0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=_AsyncioBackend(clock),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,  # type: ignore[arg-type]  # an async byte stream, as httpcore reads it
            extensions=request.extensions,
        )
        try:
            response = await self._connections.handle_async_request(core_request)
        except Exception as exc:
            mapped = _as_httpx(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseBody(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._connections.aclose()
