"""Readable at a glance: the header's countdown is the last thing it cuts.

The header is drawn at each size the issue names and read back as text: the countdown must be
whole (its time with seconds, or its overdue words), and the state line beside it gives way.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.ui.warroom_helpers import wait_for
from warroom.config.model import Config
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screenshots import DECLARED_AT, settle
from warroom.ui.widgets.countdown import Countdown
from warroom.ui.widgets.header import IncidentHeader


def screen_lines(app) -> list[str]:
    """What the terminal shows, one plain string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def no_ic_incident(db: Path, severity: int = 2) -> None:
    with EventStore.open(db) as store:
        store.declare(
            "Checkout API returning 500s for EU customers in every region", severity, actor="alice", at=DECLARED_AT
        )


WHOLE = re.compile(
    r"(◷ next update in \d+m \d\ds|▲ UPDATE DUE in \d+m \d\ds|✖ UPDATE OVERDUE \d+m|"
    r"◷ user comms due in \d+m \d\ds|▲ USER COMMS DUE in \d+m \d\ds|✖ USER COMMS LATE \d+m)"
)


@pytest.mark.parametrize("size", [(80, 24), (60, 15), (100, 30), (120, 40)])
@pytest.mark.parametrize("minutes", [2, 16, 40])
async def test_the_header_shows_the_whole_countdown_with_no_ic(tmp_path: Path, size, minutes):
    db = tmp_path / "w.db"
    no_ic_incident(db)
    now = DECLARED_AT + timedelta(minutes=minutes, seconds=15)
    app = WarRoomApp(db, Config(), clock=lambda: now, actor="carol")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.query(Countdown), "the countdown")
        await pilot.pause(0.1)
        countdown = app.screen.query_one(Countdown)
        header_rows = "\n".join(screen_lines(app)[:2])
        assert any(words in header_rows for words in countdown.variants), header_rows
        assert WHOLE.search(header_rows), header_rows
        # The loud no-IC warning is still there, in its short words when room is short.
        assert "⚠ NO IC" in header_rows
        assert app.screen.query_one(IncidentHeader).no_ic


async def test_the_state_line_gives_way_before_the_countdown_at_60x15(tmp_path: Path):
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("Checkout", 2, actor="alice", at=DECLARED_AT)
        store.append(
            1, "role.assigned", {"role": "Incident Commander", "person": "alice"}, actor="alice", at=DECLARED_AT
        )
    now = DECLARED_AT + timedelta(minutes=3, seconds=15)
    app = WarRoomApp(db, Config(), clock=lambda: now, actor="carol")
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.query(Countdown), "the countdown")
        await pilot.pause(0.1)
        second = screen_lines(app)[1]
        assert app.screen.query_one(Countdown).variants[0] in second
        assert "IC alice" in second, second
