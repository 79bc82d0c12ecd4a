"""The demo service: a real server on 127.0.0.1 whose answers follow the script."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from warroom.demo.service import DemoService
from warroom.demo.state import ManualClock, Phase, WorldState


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.fixture
def world():
    state = WorldState(ManualClock(speed=20))
    service = DemoService(state, seed=3, latency_scale=0.01)  # 1/100 of the simulated slowness
    service.start()
    yield state, service
    state.stop.set()
    service.stop()


def test_health_follows_the_script(world) -> None:
    state, service = world
    assert get(service.base_url + "/health") == (200, "ok\n")
    assert get(service.base_url + "/api/search")[0] == 200

    state.set_phase(Phase.OUTAGE)
    status, body = get(service.base_url + "/health")
    assert status == 503 and "pool exhausted" in body
    assert get(service.base_url + "/api/checkout")[0] == 502
    assert get(service.base_url + "/api/search")[0] == 200  # the other endpoint still answers

    state.set_phase(Phase.RECOVERED)
    assert get(service.base_url + "/health") == (200, "ok\n")
    assert get(service.base_url + "/api/checkout")[0] == 200


def test_outage_answers_slowly(world) -> None:
    """The plan (not a stopwatch): after the bad deploy /health takes 0.8-2 s to answer 503."""
    state, service = world
    assert service.plan("/health")[1] < 0.1
    state.set_phase(Phase.OUTAGE)
    delays = [service.plan("/health")[1] for _ in range(50)]
    assert all(0.8 <= d <= 2.0 for d in delays)
    assert max(delays) - min(delays) > 0.3  # varies, like a real overloaded service


def test_status_page_is_statuspage_v2_and_follows_the_upstream(world) -> None:
    state, service = world
    status, body = get(service.base_url + "/api/v2/summary.json")
    page = json.loads(body)
    assert status == 200
    assert page["status"] == {"indicator": "minor", "description": "Minor Service Outage"}
    assert {"id", "name", "url", "time_zone", "updated_at"} <= set(page["page"])
    card = next(c for c in page["components"] if c["name"] == "Card payments")
    assert card["status"] == "degraded_performance"
    assert page["incidents"][0]["status"] == "investigating" and page["incidents"][0]["impact"] == "minor"
    assert page["scheduled_maintenances"] == []

    state.set_provider("none")
    page = json.loads(get(service.base_url + "/api/v2/summary.json")[1])
    assert page["status"]["indicator"] == "none"
    assert page["status"]["description"] == "All Systems Operational"
    assert all(c["status"] == "operational" for c in page["components"])
    assert page["incidents"] == []
    short = json.loads(get(service.base_url + "/api/v2/status.json")[1])
    assert set(short) == {"page", "status"}


def test_activity_command_prints_sessions_like_psql(world) -> None:
    """The command pane's program, run as the pane runs it: a real subprocess."""
    state, service = world
    argv = [sys.executable, "-m", "warroom.demo.activity", service.base_url]
    calm = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert calm.returncode == 0, calm.stderr
    first, header = calm.stdout.splitlines()[:2]
    assert first.startswith("db sessions: 3 (3 active)")
    assert header.split("|")[0].strip() == "pid"
    assert "(3 rows)" in calm.stdout

    state.set_phase(Phase.OUTAGE)
    busy = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert busy.stdout.startswith("db sessions: 12 (8 idle in transaction, 4 active)")
    assert "(8 rows)" in busy.stdout  # the eight longest-running, like LIMIT 8


def test_activity_command_fails_clearly_when_the_service_is_gone() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    out = subprocess.run(
        [sys.executable, "-m", "warroom.demo.activity", f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode != 0
    assert "cannot reach the demo service" in out.stderr


def test_stop_closes_the_port(world) -> None:
    _state, service = world
    port = service.port
    service.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
