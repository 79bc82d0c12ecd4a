"""Health probes against a real HTTP(S) server on 127.0.0.1: every failure class, deadlines,
isolation of hung endpoints, the 1 MiB body cap, and secrets that never reach a result."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.http_server import BIG_BODY_SIZE, TestHTTPServer, closed_port_url
from warroom.config.model import ProbeConfig, Secret, StatusRange
from warroom.domain.events import Kind
from warroom.domain.probe_rules import ProbeTracker
from warroom.sources.base import Snapshot, Source
from warroom.sources.probes import ProbeResult, ProbeSource

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

# Deadlines are timed here: no CPU hog test runs on the other worker meanwhile.
pytestmark = pytest.mark.usefixtures("times_deadlines")


@pytest.fixture(scope="module")
def server():
    with TestHTTPServer(tls=True, drip_interval=0.05) as srv:
        yield srv


def probe(url: str, *, environ: dict[str, str] | None = None, name: str = "api", **kw) -> ProbeSource:
    return ProbeSource(ProbeConfig(name=name, url=Secret(url), **{"timeout": 5.0, **kw}), environ=environ)


async def collect(url: str, **kw) -> ProbeResult:
    return await probe(url, **kw).collect(NOW)


async def test_healthy_endpoint_reports_status_time_and_body(server):
    source = probe(server.url("/ok"), name="checkout")
    assert isinstance(source, Source) and source.key == "probe:checkout" and source.kind == "probe"
    result = await source.collect(NOW)
    assert isinstance(result, Snapshot)
    assert result.ok and result.status_code == 200 and result.failure is None and result.error is None
    assert 0 < result.elapsed < 5
    assert result.body_excerpt == "ok" and result.taken_at == NOW
    assert re.fullmatch(r"status=200 time=\d+\.\d{3}s", result.curl_line())


@pytest.mark.parametrize("path,code", [("/500", 500), ("/503", 503)])
async def test_server_errors_are_unexpected_status(server, path, code):
    result = await collect(server.url(path))
    assert not result.ok and result.status_code == code
    assert result.failure == "unexpected status"
    assert result.error == f"{code} (expected 200-399)"
    assert result.curl_line().startswith(f"status={code} time=")


async def test_expected_status_can_include_errors(server):
    result = await collect(server.url("/503"), expect_status=StatusRange(codes=(503,), ranges=()))
    assert result.ok and result.status_code == 503


async def test_refused(server):
    result = await collect(closed_port_url("/health"))
    assert (result.failure, result.error, result.status_code) == ("refused", "connection refused", None)
    assert result.curl_line().startswith("status=000 ") and result.curl_line().endswith("error=refused")


async def test_dns_failure_is_named():
    result = await collect("http://no-such-host.invalid/health", timeout=10.0)
    assert result.failure == "dns" and result.status_code is None
    assert result.error.startswith("DNS lookup failed")


async def test_never_answering_endpoint_times_out_by_its_deadline(server):
    started = time.monotonic()
    result = await collect(server.url("/hang"), timeout=0.5)
    took = time.monotonic() - started
    assert (result.failure, result.error, result.status_code) == ("timeout", "timeout after 0.5s", None)
    assert 0.45 <= result.elapsed < 1.5
    assert took < 0.5 + 1.0, "the overall deadline bounds the whole probe"


async def test_dripping_body_is_cut_by_the_overall_deadline(server):
    # httpx's read timeout alone would never fire: a byte arrives every 50 ms.
    started = time.monotonic()
    result = await collect(server.url("/drip"), timeout=0.6)
    assert time.monotonic() - started < 0.6 + 1.0
    assert result.failure == "timeout" and result.status_code == 200 and not result.ok
    assert result.curl_line().startswith("status=200 ") and result.curl_line().endswith("error=timeout")


async def test_slow_endpoint_within_and_beyond_timeout(server):
    fine = await collect(server.url("/slow?delay=0.2"), timeout=3.0)
    assert fine.ok and fine.elapsed >= 0.19
    late = await collect(server.url("/slow?delay=2"), timeout=0.3)
    assert late.failure == "timeout"


async def test_self_signed_certificate_fails_tls_unless_verify_is_off(server):
    checked = await collect(server.tls_url("/ok"))
    assert checked.failure == "tls" and checked.status_code is None
    assert "certificate" in checked.error
    unchecked = await collect(server.tls_url("/ok"), verify_tls=False)
    assert unchecked.ok and unchecked.status_code == 200 and unchecked.body_excerpt == "ok"


async def test_redirect_loop_is_bounded(server):
    before = server.hits("/redirect-loop")
    result = await collect(server.url("/redirect-loop"), max_redirects=3)
    assert result.failure == "too many redirects" and result.error == "too many redirects (more than 3)"
    assert server.hits("/redirect-loop") - before == 4  # the first request and 3 redirects
    not_followed = await collect(server.url("/redirect-loop"), follow_redirects=False)
    assert not_followed.ok and not_followed.status_code == 302


async def test_redirect_is_followed_to_the_final_status(server):
    result = await collect(server.url("/redirect?to=/503"))
    assert result.status_code == 503 and result.failure == "unexpected status"


async def test_body_substring_and_regex(server):
    wrong = await collect(server.url("/wrong-body"), expect_body="ok")
    assert wrong.failure == "body mismatch" and wrong.status_code == 200
    assert wrong.error == "body does not contain 'ok'"
    assert "maintenance page" in wrong.body_excerpt
    assert (await collect(server.url("/ok"), expect_body="regex:^ok$")).ok
    nomatch = await collect(server.url("/wrong-body"), expect_body="regex:^ok$")
    assert nomatch.failure == "body mismatch" and nomatch.error == "body does not match /^ok$/"


async def test_big_body_is_read_only_to_one_mebibyte(server):
    result = await collect(server.url("/big"), expect_body="needle")
    assert result.failure == "body mismatch" and result.error.endswith("in the first 1 MiB")
    assert result.body_bytes == 1024 * 1024
    # The server stops once we hang up; what it managed to write is bounded by socket buffers.
    sent = _settled(lambda: server.bytes_sent("/big"))
    assert sent < BIG_BODY_SIZE // 2, f"server wrote {sent} bytes of 50 MB"


def _settled(read, rounds: int = 100):
    """The value once it stops changing (the server thread notices the hang-up on its own)."""
    last = read()
    for _ in range(rounds):
        time.sleep(0.02)
        now = read()
        if now == last:
            return now
        last = now
    return last


async def test_method_and_headers_are_sent(server):
    result = await collect(server.url("/echo"), method="HEAD", headers=(("X-Probe", Secret("yes")),))
    assert result.ok and result.body_bytes == 0
    head = [r for r in server.requests if r.method == "HEAD" and r.path == "/echo"]
    assert head and head[-1].headers.get("X-Probe") == "yes"


async def test_garbage_instead_of_http_is_a_protocol_failure():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(1024)
        conn.sendall(b"\x00\x01 not http at all\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        result = await collect(f"http://127.0.0.1:{port}/")
    finally:
        listener.close()
    assert result.failure == "protocol" and result.status_code is None


async def test_secrets_never_reach_the_result(server):
    environ = {"API_TOKEN": "s3cr3t-header-value-1234", "QTOKEN": "q-secret-5678"}
    url = server.url("/echo") + "?token=${QTOKEN}"
    result = await collect(url, headers=(("Authorization", Secret("Bearer ${API_TOKEN}")),), environ=environ)
    assert result.ok
    # The server got the real values...
    assert "Bearer s3cr3t-header-value-1234" in server.headers_seen("Authorization")
    assert any("token=q-secret-5678" in r.path for r in server.requests)
    # ...the result (which the echo body reflects them into) shows none of them.
    shown = json.dumps(result.to_json()) + repr(result) + result.curl_line()
    assert "s3cr3t-header-value-1234" not in shown and "q-secret-5678" not in shown
    assert result.url.endswith("/echo?token=***")


async def test_failure_text_hides_secret_host_and_missing_env_is_named(server):
    environ = {"SECRET_HOST": "127.0.0.1:1"}
    refused = await collect("http://${SECRET_HOST}/health", environ=environ)
    assert refused.failure == "refused" and "127.0.0.1:1" not in json.dumps(refused.to_json())
    missing = await collect(
        server.url("/echo"), headers=(("Authorization", Secret("Bearer ${NOT_SET_ANYWHERE}")),), environ={}
    )
    assert missing.failure == "config" and "NOT_SET_ANYWHERE" in missing.error and missing.status_code is None


async def test_hung_endpoints_do_not_delay_healthy_ones(server):
    hung = [asyncio.ensure_future(collect(server.url("/hang"), name=f"hung{i}", timeout=4.0)) for i in range(15)]
    drip = [asyncio.ensure_future(collect(server.url("/drip"), name=f"drip{i}", timeout=4.0)) for i in range(5)]
    healthy = [asyncio.ensure_future(collect(server.url("/ok"), name=f"ok{i}")) for i in range(20)]
    done, _ = await asyncio.wait(healthy)
    assert all(t.result().ok for t in done)
    assert not any(t.done() for t in hung + drip), "healthy probes finished while the hung ones still wait"
    for task in hung + drip:
        task.cancel()
    await asyncio.gather(*hung, *drip, return_exceptions=True)


async def test_cancelled_probe_leaves_nothing_behind(server):
    task = asyncio.ensure_future(collect(server.url("/hang"), timeout=5.0))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await collect(server.url("/ok"))).ok


async def test_flapping_endpoint_goes_down_and_up_once(server):
    """The damped tracker fed by real probes: one blip is no event; two failures are."""
    tracker = ProbeTracker("api")
    path = "/flappy"
    server.set_route(path, 200, "ok")
    events = []
    clock = NOW

    async def step(minutes: float):
        nonlocal clock
        clock = clock + timedelta(minutes=minutes)
        event = tracker.observe_result(await collect(server.url(path)), clock)
        if event:
            events.append(event)

    await step(0)  # 12:00 first success: UP, silently
    server.fail(path, 503)
    await step(1)  # 12:01 one blip: damped
    server.set_route(path, 200, "ok")
    await step(1)
    server.fail(path, 503)
    await step(1)
    await step(1)  # 12:04 second failure in a row: DOWN
    await step(1)
    server.set_route(path, 200, "ok")
    await step(1)
    await step(7)  # 12:13 second success in a row: UP, 9 minutes after the DOWN
    assert [e.kind for e in events] == [Kind.PROBE_DOWN, Kind.PROBE_UP]
    assert re.fullmatch(r"probe api DOWN: 503 in \d+\.\d\ds", events[0].text)
    assert events[1].text == "probe api UP after 9m"


async def test_every_probe_ends_by_its_deadline_even_with_bytes_arriving():
    """Dripping endpoints put data in flight at the moment the deadline fires; none may overrun."""
    with TestHTTPServer(drip_interval=0.002) as fast_drip:
        tasks = [asyncio.ensure_future(collect(fast_drip.url("/drip"), name=f"d{i}", timeout=0.4)) for i in range(30)]
        tasks += [asyncio.ensure_future(collect(fast_drip.url("/hang"), name=f"h{i}", timeout=0.4)) for i in range(10)]
        done, pending = await asyncio.wait(tasks, timeout=0.4 + 1.5)
        for task in pending:
            task.cancel()
        assert not pending, f"{len(pending)} probes ran past their deadline"
        assert all(t.result().failure == "timeout" for t in done)


async def test_a_hung_name_lookup_holds_one_thread_and_starves_no_one(server, monkeypatch):
    """A resolver that never answers cannot exist on this machine, so getaddrinfo is replaced
    for one name; everything else (the server, the sockets, the other names) is real."""
    release = threading.Event()
    calls = []
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kw):
        if host == "hung-dns.example":
            calls.append(host)
            release.wait(10)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    try:
        hung = [
            asyncio.ensure_future(collect("http://hung-dns.example/health", name=f"h{i}", timeout=0.5))
            for i in range(12)
        ]
        healthy = [
            asyncio.ensure_future(collect(server.url("/ok").replace("127.0.0.1", "localhost"))) for _ in range(5)
        ] + [asyncio.ensure_future(collect(server.url("/ok")))]
        done, _ = await asyncio.wait(healthy)
        assert all(t.result().ok for t in done)
        results = await asyncio.wait_for(asyncio.gather(*hung), 0.5 + 1.0)
        assert {r.failure for r in results} == {"timeout"}
        assert len(calls) == 1, "one lookup in flight per name, however many probes ask"
    finally:
        release.set()
