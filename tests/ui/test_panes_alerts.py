"""The alerts pane in the real war room: the `[intake]` receiver runs inside it, a webhook POSTed
over real HTTP lands in the pane (firing, age, labels, runbook) and in the timeline once, hostile
labels stay literal text, a resolution fades, and the 80x24 summary counts what fires."""

from __future__ import annotations

import json
import socket
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.ui.warroom_helpers import stored, timeline_texts, wait_for
from warroom.config.model import Config, IntakeConfig
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.widgets.alerts import AlertsPane
from warroom.ui.widgets.pane_base import RowList
from warroom.ui.widgets.panes import SourceSummary

HOSTILE = "[@click=app.quit]x[/] \x1b]52;c;aGk=\x07\x1b[31mred [link=file:///etc/passwd]y[/link]"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def notification(status: str, starts: datetime, ends: datetime | None = None, **extra_labels: str) -> dict[str, Any]:
    fmt = "%Y-%m-%dT%H:%M:%S.%f123Z"
    return {
        "version": "4",
        "groupKey": '{}:{alertname="HighErrorRate"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "warroom",
        "groupLabels": {"alertname": "HighErrorRate"},
        "commonLabels": {"alertname": "HighErrorRate", "job": "api", "severity": "critical"},
        "commonAnnotations": {"summary": "5xx over 5 %", "runbook_url": "https://wiki.example/rb/5xx"},
        "externalURL": "http://alertmanager.example:9093",
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": "HighErrorRate", "instance": "api-1:8080", **extra_labels},
                "annotations": {"description": "5xx ratio 0.12 " + HOSTILE},
                "startsAt": starts.strftime(fmt),
                "endsAt": ends.strftime(fmt) if ends else "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.example:9090/graph",
                "fingerprint": "1a30ba71cca2921f",
            }
        ],
    }


def post(port: int, body: dict[str, Any]) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/", json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return int(response.status)


async def post_async(port: int, body: dict[str, Any]) -> int:
    import asyncio

    return await asyncio.to_thread(post, port, body)


def room_app(tmp_path: Path, port: int) -> WarRoomApp:
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("checkout 500s", 2, actor="alice")
    config = Config(intake=IntakeConfig(listen=f"127.0.0.1:{port}", interval=0.1))
    return WarRoomApp(db, config, incident_id=1, actor="carol")


def pane_rows(app: WarRoomApp) -> list[str]:
    # The pane may be mounted a frame before its rows are: ask for the rows themselves.
    panes = app.screen.query(AlertsPane)
    rows = panes.first().query(RowList) if panes else None
    return rows.first().texts if rows else []


async def test_an_alert_posted_to_the_war_room_shows_in_the_pane_and_the_timeline_once(tmp_path: Path) -> None:
    port = free_port()
    app = room_app(tmp_path, port)
    started = datetime.now(UTC) - timedelta(minutes=3)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: any("listening on" in r for r in pane_rows(app)), "the receiver to listen")
        assert await post_async(port, notification("firing", started, job_note=HOSTILE)) == 200
        assert await post_async(port, notification("firing", started, job_note=HOSTILE)) == 200  # a repeat
        await wait_for(pilot, lambda: any("▲ FIRING" in r for r in pane_rows(app)), "the firing alert in the pane")
        rows = pane_rows(app)
        firing = next(r for r in rows if "▲ FIRING" in r)
        assert "HighErrorRate" in firing and "3m" in firing and "job=api severity=critical" in firing
        assert "[@click=app.quit]x[/]" in firing and "[link=file:///etc/passwd]y[/link]" in firing
        assert not any(c in "".join(rows) for c in "\x1b\x07")
        assert any("5xx over 5 %" in r and "https://wiki.example/rb/5xx" in r for r in rows)
        await wait_for(
            pilot, lambda: any("alert firing: HighErrorRate" in t for t in timeline_texts(pilot)), "the timeline"
        )
        firing_events = [e for e in stored(tmp_path / "w.db") if e.kind == Kind.ALERT_FIRING]
        assert len(firing_events) == 1, "a repeated notification is recorded once"
        assert "\x1b" not in json.dumps(firing_events[0].payload)

        assert await post_async(port, notification("resolved", started, datetime.now(UTC))) == 200
        await wait_for(pilot, lambda: any("✔ RESOLVED" in r for r in pane_rows(app)), "the resolution")
        assert not any("▲ FIRING" in r for r in pane_rows(app))
        await wait_for(
            pilot, lambda: any("alert resolved: HighErrorRate" in t for t in timeline_texts(pilot)), "resolved event"
        )
        assert app.is_running


async def test_the_small_terminal_summary_counts_firing_alerts(tmp_path: Path) -> None:
    port = free_port()
    app = room_app(tmp_path, port)
    async with app.run_test(size=(80, 24)) as pilot:

        def summary() -> list[str]:
            found = app.screen.query(SourceSummary)
            return found.first().texts if found else []

        await wait_for(pilot, lambda: any("none firing" in r for r in summary()), "the intake's summary line")
        await post_async(port, notification("firing", datetime.now(UTC) - timedelta(seconds=30)))
        await wait_for(pilot, lambda: any("1 firing" in r for r in summary()), "the count of firing alerts")
        row = next(r for r in summary() if "1 firing" in r)
        # The state word stands apart from the source's name, as on every other row ("▲ 1 FIRINGintake" was not).
        assert row.startswith("▲ FIRING  ") and "HighErrorRate" in row
