"""The whole monitoring chain, every part real: an exporter this test serves on 127.0.0.1, a real
Prometheus scraping it and evaluating an alert rule, a real Alertmanager routing what fires to
`warroom intake` (the installed command). The alert Prometheus computed lands once, declares the
incident through the `[intake]` rule, resolves when the exporter's value drops; `warroom snapshot`
shows the value Prometheus computed for the same query.

(tests/e2e/test_intake_alertmanager.py pushes alerts into Alertmanager by hand and
tests/e2e/test_prometheus_cli.py queries Prometheus; here Prometheus's own rule is the source.)
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import warroom_executable
from tests.support.alertmanager import AlertmanagerServer
from tests.support.prometheus import Exporter, PrometheusServer, free_port
from warroom.domain.events import Event, Kind, parse_ts
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("prometheus", "prometheus-alertmanager")]

RULES = """groups:
  - name: chain
    interval: 1s
    rules:
      - alert: QueueTooDeep
        expr: sum(chain_queue_depth) > 100
        for: 0s
        labels:
          severity: critical
          team: payments
        annotations:
          summary: "queue depth {{ $value }} across shards"
"""


def events(db: Path) -> list[Event]:
    if not db.exists():
        return []
    with EventStore.open(db) as store:
        latest = store.latest_incident_id() or 0
        return [e for i in range(1, latest + 1) for e in store.events(i)]


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def of_kind(db: Path, kind: str) -> list[Event]:
    return [e for e in events(db) if e.kind == kind]


def test_a_prometheus_alert_declares_lands_once_resolves_and_the_metric_shows_its_value(
    tmp_path: Path, home_env: dict[str, str], run_warroom
) -> None:
    db = tmp_path / "w.db"
    intake_port = free_port()
    with Exporter() as exporter:
        exporter.set_gauge('chain_queue_depth{shard="1"}', 90)
        exporter.set_gauge('chain_queue_depth{shard="2"}', 10)
        with (
            AlertmanagerServer(f"127.0.0.1:{intake_port}") as am,
            PrometheusServer(exporter.target, rules=RULES, alertmanager=am.address) as prom,
        ):
            (tmp_path / "warroom.toml").write_text(
                "[resources]\nenabled = false\n"
                f'[intake]\nlisten = "127.0.0.1:{intake_port}"\n'
                'declare = { match = { severity = "critical" }, sev = 2 }\n'
                f'[[metric]]\nname = "queue depth"\nurl = "{prom.url}"\nquery = "sum(chain_queue_depth)"\n'
                "warn = 50\ncrit = 100\n"
            )
            env = {**home_env, "WARROOM_DB": str(db), "WARROOM_CONFIG": str(tmp_path / "warroom.toml")}
            intake = subprocess.Popen(
                [str(warroom_executable()), "intake"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, text=True
            )
            try:
                assert intake.stdout is not None
                assert f"intake listening on http://127.0.0.1:{intake_port}/" in intake.stdout.readline()
                prom.wait_for("sum(chain_queue_depth)", 100)
                assert of_kind(db, Kind.ALERT_FIRING) == [], "100 is not over 100: nothing fires"

                # Shard 2 fills: Prometheus's rule fires, Alertmanager sends it, the intake declares.
                exporter.set_gauge('chain_queue_depth{shard="2"}', 60)
                computed = prom.wait_for("sum(chain_queue_depth)", 150)
                firing = wait_until(lambda: of_kind(db, Kind.ALERT_FIRING), "the alert from Prometheus's rule")
                declared = of_kind(db, Kind.DECLARED)
                assert len(declared) == 1 and declared[0].incident_id == firing[0].incident_id
                assert declared[0].payload["detected_by"] == "alert QueueTooDeep"
                assert declared[0].payload["severity"] == 2
                # Detection is the alert's startsAt, which Prometheus set when the rule first held.
                starts = parse_ts(firing[0].payload["starts_at"])
                assert parse_ts(declared[0].payload["detected_at"]) == starts
                assert "alert firing: QueueTooDeep severity=critical team=payments" in firing[0].payload["text"]
                assert f"queue depth {computed:g} across shards" in firing[0].payload["text"]

                # The metric, as warroom's [[metric]] source reads it from the same Prometheus.
                shown = run_warroom("snapshot", "--only", "metric", "--json", env=env)
                metric = json.loads(shown.stdout)[0]["snapshot"]
                assert metric["value"] == computed and metric["state"] == "crit", shown.stdout

                # Shard 2 drains: the rule stops holding, Alertmanager sends the resolution.
                exporter.set_gauge('chain_queue_depth{shard="2"}', 0)
                resolved = wait_until(lambda: of_kind(db, Kind.ALERT_RESOLVED), "the resolution")
                assert resolved[0].incident_id == declared[0].incident_id
                assert "alert resolved: QueueTooDeep" in resolved[0].payload["text"]
                time.sleep(2.5)  # Alertmanager's next group notifications: nothing lands twice
                kinds = [e.kind for e in events(db)]
                assert kinds.count(Kind.ALERT_FIRING) == 1 and kinds.count(Kind.ALERT_RESOLVED) == 1, kinds
                assert kinds.count(Kind.DECLARED) == 1
                text = run_warroom("snapshot", "--only", "metric", env=env).stdout
                assert "== metric:queue depth" in text and "\nWARN 90\n" in text, text
            finally:
                intake.send_signal(signal.SIGINT)
                out, _ = intake.communicate(timeout=15)
    assert intake.returncode == 0
    assert "alert firing: QueueTooDeep" in out and "alert resolved: QueueTooDeep" in out
