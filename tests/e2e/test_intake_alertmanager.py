"""A real Alertmanager routing to `warroom intake` (the installed command): alerts pushed to
Alertmanager's API land in the record once, a critical one declares the incident with its
`startsAt` as detection (MTTD from the alert), a repeated notification adds nothing, and the
resolution is recorded. The receiver requires the bearer token Alertmanager is configured with."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import warroom_executable
from tests.support.alertmanager import AlertmanagerServer
from tests.support.prometheus import free_port
from tests.support.recorded import events, wait_until
from warroom.domain.events import Kind, parse_ts

TOKEN = "s3cret-intake-token-41"


def push(am_port: int, alerts: list[dict[str, Any]]) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{am_port}/api/v2/alerts",
        json.dumps(alerts).encode(),
        {"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.fixture
def alertmanager():
    """Start Alertmanager routing every alert to a warroom intake on `intake_port` (with the token)."""
    started: list[AlertmanagerServer] = []

    def start(intake_port: int) -> int:
        started.append(AlertmanagerServer(f"127.0.0.1:{intake_port}", token=TOKEN))
        return started[-1].port

    yield start
    for server in started:
        server.close()


@pytest.mark.requires("prometheus-alertmanager")
def test_alertmanager_alerts_declare_land_once_and_resolve(tmp_path: Path, home_env: dict[str, str], alertmanager):
    db = tmp_path / "w.db"
    (tmp_path / "warroom.toml").write_text(
        '[intake]\nlisten = "127.0.0.1:9095"\ntoken = "${WARROOM_INTAKE_TOKEN}"\n'
        'declare = { match = { severity = "critical" }, sev = 2 }\n'
    )
    intake_port = free_port()
    env = {**home_env, "WARROOM_DB": str(db), "WARROOM_INTAKE_TOKEN": TOKEN}
    intake = subprocess.Popen(
        [str(warroom_executable()), "intake", "--listen", f"127.0.0.1:{intake_port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = intake.stdout.readline() if intake.stdout else ""
        assert f"intake listening on http://127.0.0.1:{intake_port}/" in first_line
        am_port = alertmanager(intake_port)

        starts = (datetime.now(UTC) - timedelta(minutes=4)).replace(microsecond=123456)
        high = {
            "labels": {"alertname": "HighErrorRate", "job": "api", "severity": "critical", "instance": "api-1"},
            "annotations": {"summary": "5xx over 5 %", "runbook_url": "https://wiki.example/rb/5xx"},
            "startsAt": rfc3339(starts),
            "generatorURL": "http://prometheus.example:9090/graph",
        }
        push(am_port, [high])
        declared = wait_until(
            lambda: [e for e in events(db) if e.kind == Kind.DECLARED], "the incident declared from the alert"
        )
        assert len(declared) == 1
        payload = declared[0].payload
        assert payload["severity"] == 2 and payload["detected_by"] == "alert HighErrorRate"
        assert payload["title"] == "5xx over 5 %"
        assert abs(parse_ts(payload["detected_at"]) - starts) < timedelta(milliseconds=1)
        assert abs(parse_ts(payload["started_at"]) - starts) < timedelta(milliseconds=1)
        firing = wait_until(lambda: [e for e in events(db) if e.kind == Kind.ALERT_FIRING], "the firing event")
        assert "alert firing: HighErrorRate job=api severity=critical instance=api-1" in firing[0].payload["text"]
        assert firing[0].incident_id == declared[0].incident_id

        # A second alert of the same group: Alertmanager sends the group again, both alerts in it.
        push(am_port, [high, {**high, "labels": {**high["labels"], "instance": "api-2"}}])
        wait_until(lambda: len([e for e in events(db) if e.kind == Kind.ALERT_FIRING]) == 2, "the second alert")
        time.sleep(2.5)  # more group notifications would come now; none may add a duplicate
        assert len([e for e in events(db) if e.kind == Kind.ALERT_FIRING]) == 2
        assert len([e for e in events(db) if e.kind == Kind.DECLARED]) == 1, "one incident, the alerts attached"

        ended = datetime.now(UTC)
        push(am_port, [{**high, "endsAt": rfc3339(ended)}])
        resolved = wait_until(lambda: [e for e in events(db) if e.kind == Kind.ALERT_RESOLVED], "the resolution")
        assert "alert resolved: HighErrorRate" in resolved[0].payload["text"]
        assert resolved[0].payload["labels"]["instance"] == "api-1"
        time.sleep(2.5)
        assert len([e for e in events(db) if e.kind == Kind.ALERT_RESOLVED]) == 1

        show = subprocess.run(
            [str(warroom_executable()), "show", "1"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30
        )
        assert "detected by alert HighErrorRate" in show.stdout
        assert "MTTD 0s" in show.stdout, "detection and start are the alert's startsAt"
        assert TOKEN not in show.stdout
    finally:
        intake.send_signal(signal.SIGINT)
        out, err = intake.communicate(timeout=15)
    assert intake.returncode == 0, err
    assert "intake stopped" in out
    assert "alert firing: HighErrorRate" in out
    assert TOKEN not in out + err
    assert "Traceback" not in err
