"""An event a runbook's front matter covers suggests that runbook in the war room, and `r` opens it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.ui.warroom_helpers import settle, submit, wait_for
from warroom.config.model import Config
from warroom.domain import catalogue as c
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.runbooks import RunbookScreen

NOW = datetime(2025, 3, 4, 14, 10, tzinfo=UTC)


def suggestion_shown(app: WarRoomApp) -> str:
    """What the room shows as its suggestion: the coach line when there is one, else the feedback."""
    room = app.warroom_screen
    coach = room.query("#coach-line")
    if coach and getattr(coach.first(), "plain", ""):
        return coach.first().plain
    return room.query_one("CommandLine").feedback_text


async def test_a_probe_down_from_another_process_suggests_its_runbook_and_r_opens_it(tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=NOW - timedelta(minutes=10))
        ic = {"role": "Incident Commander", "person": "alice"}  # no coach warning over the suggestion
        store.append(1, Kind.ROLE_ASSIGNED, ic, actor="alice", at=NOW - timedelta(minutes=9))
    app = WarRoomApp(db, Config(), clock=lambda: NOW, actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.warroom_screen.runbooks.library is not None, "the runbooks read")
        assert "runbook:" not in suggestion_shown(app)  # nothing has happened that a runbook covers
        down = c.probe_down(
            probe="api",
            status_code=503,
            elapsed=0.2,
            failure="status",
            error=None,
            previous="up",
            failures=2,
            first_failure_at=None,
        )
        with EventStore.open(db) as other:  # the recorder, say, in another process
            other.append(1, Kind.PROBE_DOWN, down | {"text": "probe api DOWN: 503"}, actor="warroom", at=NOW)
        await wait_for(
            pilot, lambda: suggestion_shown(app) == "runbook: High 5xx rate — press r", "the suggestion", tries=100
        )
        await pilot.press("escape", "r")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, RunbookScreen) and app.screen.view.book is not None,
            "the runbook screen",
        )
        assert app.screen.view.book.title == "High 5xx rate"


async def test_a_note_naming_an_alert_suggests_its_runbook(tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("DB trouble", 2, actor="alice", at=NOW - timedelta(minutes=10))
        ic = {"role": "Incident Commander", "person": "alice"}
        store.append(1, Kind.ROLE_ASSIGNED, ic, actor="alice", at=NOW - timedelta(minutes=9))
    app = WarRoomApp(db, Config(), clock=lambda: NOW, actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.warroom_screen.runbooks.library is not None, "the runbooks read")
        await submit(pilot, "pagerduty: too-many-connections on pg-main")
        await wait_for(
            pilot,
            lambda: suggestion_shown(app) == "runbook: Database connections exhausted — press r",
            "the suggestion",
            tries=100,
        )
