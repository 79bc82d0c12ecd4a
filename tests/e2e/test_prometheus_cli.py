"""`warroom check --promql`, `warroom snapshot` and `warroom record` against a real Prometheus.

A real `prometheus` (Debian package) scrapes a small exporter this test serves on 127.0.0.1 every
second (a counter that grows, gauges the tests set). What warroom prints is checked against what
Prometheus itself computes.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.support.http_server import closed_port_url
from tests.support.prometheus import Exporter, PrometheusServer

pytestmark = [pytest.mark.e2e, pytest.mark.requires("prometheus")]


@pytest.fixture(scope="module")
def prom() -> Iterator[tuple[Exporter, PrometheusServer]]:
    with Exporter() as exporter, PrometheusServer(exporter.target) as server:
        server.wait_for("sum(rate(demo_requests_total[5s]))")  # two scrapes in: rates have data
        yield exporter, server


def test_check_promql_prints_the_value_prometheus_computed(prom, run_warroom) -> None:
    exporter, server = prom
    exporter.set_gauge("demo_check_depth", 42.5)
    server.wait_for("demo_check_depth", 42.5)
    query = "sum(demo_check_depth) * 2 + scalar(count(demo_requests_total))"
    wanted = server.value(query)
    assert wanted == 87.0
    done = run_warroom("check", "--promql", query, "--url", server.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "87\n"
    # Several series: one line each, labels as PromQL writes them.
    many = run_warroom("check", "--promql", "demo_requests_total >= 0", "--url", server.url)
    assert many.returncode == 0, many.stderr
    lines = many.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("demo_requests_total{code=") for line in lines)
    as_json = run_warroom("check", "--promql", query, "--url", server.url, "--json")
    assert json.loads(as_json.stdout)["value"] == 87.0


def test_a_promql_syntax_error_prints_prometheus_own_message(prom, run_warroom) -> None:
    _, server = prom
    bad = "sum(rate(demo_requests_total[5m])"
    words = server.query(bad)["error"]  # what Prometheus says about it
    assert "parse error" in words
    done = run_warroom("check", "--promql", bad, "--url", server.url)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == f"warroom: PromQL: {words}"


def test_an_unreachable_server_and_an_empty_result_say_so(prom, run_warroom) -> None:
    _, server = prom
    down = run_warroom("check", "--promql", "up", "--url", closed_port_url())
    assert down.returncode == 1 and "cannot reach the server: connection refused" in down.stderr
    assert "Traceback" not in down.stderr
    empty = run_warroom("check", "--promql", "no_such_metric_anywhere", "--url", server.url)
    assert empty.returncode == 1 and "no data" in empty.stderr
    assert run_warroom("check", "--promql", "up").returncode == 2  # no --url: a usage error


def test_snapshot_prints_each_metric_with_its_state(prom, run_warroom, tmp_path: Path) -> None:
    exporter, server = prom
    exporter.set_gauge("demo_snapshot_lag", 7)
    server.wait_for("demo_snapshot_lag", 7)
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(
        "[resources]\nenabled = false\n"
        f'[[metric]]\nname = "lag"\nurl = "{server.url}"\nquery = "demo_snapshot_lag"\nwarn = 5\ncrit = 10\nunit = "s"\n'
        f'[[metric]]\nname = "broken"\nurl = "{server.url}"\nquery = "sum(("\n'
    )
    done = run_warroom("--config", str(cfg), "snapshot")
    assert done.returncode == 1, done.stderr  # one source failed: scripts see it
    assert "== metric:lag" in done.stdout and "\nWARN 7s\n" in done.stdout
    assert "== metric:broken" in done.stdout and "error: PromQL: " in done.stdout and "parse error" in done.stdout
    data = json.loads(run_warroom("--config", str(cfg), "snapshot", "--json", "--only", "metric").stdout)
    lag, broken = (item["snapshot"] for item in data)
    assert lag["value"] == 7.0 and lag["state"] == "warn" and lag["unit"] == "s"
    assert broken["failure"] == "parse" and "parse error" in broken["error"]


def _wait_for(out: Path, words: str, proc: subprocess.Popen, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = out.read_text()
        if words in text:
            return text
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{words!r} never printed; got:\n{out.read_text()}")


def test_record_writes_one_event_per_threshold_crossing_and_the_samples(
    prom, run_warroom, home_env, tmp_path: Path
) -> None:
    exporter, server = prom
    exporter.set_gauge("demo_record_errors", 1)
    server.wait_for("demo_record_errors", 1)
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(
        "[resources]\nenabled = false\n"
        f'[[metric]]\nname = "errors"\nurl = "{server.url}"\nquery = "demo_record_errors"\n'
        'interval = 0.3\nwarn = 10\ncrit = 20\nunit = "req/s"\n'
    )
    db = tmp_path / "w.db"
    env = {"WARROOM_CONFIG": str(cfg), "WARROOM_DB": str(db)}
    assert run_warroom("declare", "Errors climbing", "--sev", "2", env=env).returncode == 0
    out = tmp_path / "record.out"
    with out.open("w") as sink:
        proc = subprocess.Popen(
            [str(warroom_executable()), "record", "--duration", "60"],
            env={**home_env, **env},
            cwd=tmp_path,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(out, "recording", proc)
            time.sleep(1.5)  # a few healthy results: a first look at ok is not news
            exporter.set_gauge("demo_record_errors", 25)
            _wait_for(out, "metric errors CRIT: 25 req/s (>= 20 req/s)", proc)
            time.sleep(1.5)  # it stays there: still one event
            exporter.set_gauge("demo_record_errors", 2)
            text = _wait_for(out, "metric errors back to OK: 2 req/s (< 10 req/s)", proc)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    assert "Traceback" not in text
    shown = json.loads(run_warroom("show", "--json", env=env).stdout)
    events = [e for e in shown["timeline"] if e["kind"] == "metric.threshold"]
    assert [e["payload"]["state"] for e in events] == ["crit", "ok"], events
    assert events[0]["payload"]["value"] == 25.0 and events[0]["payload"]["threshold"] == 20
    with sqlite3.connect(db) as conn:
        values = [v for (v,) in conn.execute("SELECT value FROM samples WHERE series = 'metric.errors'")]
    assert values and values[0] == 1.0  # down-sampled (one per 10 s): the first look is there
