"""`warroom check URL...` through the installed command, against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import re

import pytest

from tests.support.http_server import TestHTTPServer, closed_port_url

pytestmark = pytest.mark.e2e

TIME = r"time=\d+\.\d{3}s"


@pytest.fixture(scope="module")
def server():
    with TestHTTPServer(tls=True) as srv:
        yield srv


def test_one_url_prints_the_curl_line(run_warroom, server):
    proc = run_warroom("check", server.url("/health"))
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(rf"status=200 {TIME}\n", proc.stdout)


def test_several_urls_one_line_each_in_order_and_exit_1_on_failure(run_warroom, server):
    refused = closed_port_url("/health")
    urls = [server.url("/ok"), server.url("/hang"), server.url("/503"), refused, server.tls_url("/ok")]
    proc = run_warroom("check", "--timeout", "0.5", *urls)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 5
    assert re.fullmatch(rf"{re.escape(urls[0])} status=200 {TIME}", lines[0])
    assert re.fullmatch(rf"{re.escape(urls[1])} status=000 time=0\.5\d\ds error=timeout", lines[1])
    assert re.fullmatch(
        rf"{re.escape(urls[2])} status=503 {TIME} error=unexpected-status \(expected 200-399\)", lines[2]
    )
    assert re.fullmatch(rf"{re.escape(refused)} status=000 {TIME} error=refused", lines[3])
    assert re.fullmatch(rf"{re.escape(urls[4])} status=000 {TIME} error=tls \(TLS: .*certificate.*\)", lines[4])


def test_expect_insecure_and_location(run_warroom, server):
    assert run_warroom("check", "--expect", "503", server.url("/503")).returncode == 0
    assert run_warroom("check", "--expect", "2xx", server.url("/503")).returncode == 1
    assert run_warroom("check", "-k", server.tls_url("/ok")).returncode == 0
    plain = run_warroom("check", server.url("/redirect?to=/503"))
    assert plain.returncode == 0 and plain.stdout.startswith("status=302 ")  # like curl without -L
    followed = run_warroom("check", "-L", server.url("/redirect?to=/503"))
    assert followed.returncode == 1 and followed.stdout.startswith("status=503 ")


def test_json_output(run_warroom, server):
    proc = run_warroom("check", "--json", server.url("/ok"), server.url("/wrong-body"))
    assert proc.returncode == 0
    results = json.loads(proc.stdout)
    assert [r["status_code"] for r in results] == [200, 200]
    assert results[0]["ok"] and results[0]["failure"] is None and results[0]["elapsed"] > 0


def test_token_in_url_is_not_echoed(run_warroom, server):
    url = server.url("/ok") + "?token=hunter2-secret"
    proc = run_warroom("check", url, server.url("/ok"))
    assert proc.returncode == 0
    assert "hunter2-secret" not in proc.stdout and "token=***" in proc.stdout


def test_bad_options_are_clear_errors(run_warroom, server):
    proc = run_warroom("check", "--expect", "abc", server.url("/ok"))
    assert proc.returncode == 2 and "--expect" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_warroom("check", "--timeout", "0", server.url("/ok"))
    assert proc.returncode == 2 and "--timeout" in proc.stderr
