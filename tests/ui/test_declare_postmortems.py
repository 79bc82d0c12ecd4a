"""The declare dialog (no incident open) lists the postmortems due or overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.ui.warroom_helpers import wait_for
from warroom.config.model import Config
from warroom.domain import catalogue as c
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.declare import DeclareScreen

RESOLVED = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)  # a Friday: due Friday 2026-12-11


def _resolved_incident(db: Path, title: str, *, done: bool = False) -> None:
    with EventStore.open(db) as store:
        ev = store.declare(title, 2, actor="alice", at=RESOLVED - timedelta(hours=1))
        store.append(ev.incident_id, Kind.RESOLVED, c.resolved("ok"), actor="alice", at=RESOLVED)
        if done:
            store.append(ev.incident_id, Kind.POSTMORTEM_DONE, c.postmortem_done(), actor="alice", at=RESOLVED)


async def _reminder_text(db: Path, now: datetime) -> str:
    app = WarRoomApp(db, Config(), clock=lambda: now, actor="alice")
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DeclareScreen), "the declare dialog")
        dialog = app.screen
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = dialog.query_one("#declare-postmortems")
        return str(shown.content) if shown.display else ""


async def test_declare_dialog_shows_postmortems_due_and_overdue(tmp_path: Path):
    db = tmp_path / "w.db"
    _resolved_incident(db, "Checkout 500s")
    _resolved_incident(db, "Login slow", done=True)
    assert await _reminder_text(db, datetime(2026, 12, 8, 9, 0, tzinfo=UTC)) == (
        "postmortem for INC-1 due Fri 2026-12-11 (in 3 days)"
    )
    assert await _reminder_text(db, datetime(2026, 12, 15, 9, 0, tzinfo=UTC)) == (
        "postmortem for INC-1 due Fri 2026-12-11 (overdue by 4 days)"
    )


async def test_declare_dialog_says_nothing_when_no_postmortem_is_due(tmp_path: Path):
    db = tmp_path / "w.db"
    _resolved_incident(db, "Login slow", done=True)
    assert await _reminder_text(db, datetime(2026, 12, 8, 9, 0, tzinfo=UTC)) == ""
