"""The war room's widgets take the incident and the pause state from the app (bound reactives):
whatever changes `app.incident` or `app.paused`, the header, the role board, the countdowns, the
too-small view and every signal pane show it, with nothing else to call."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.ui.warroom_helpers import settle, wait_for
from warroom.domain.events import Event, Kind
from warroom.domain.incident import apply_readable
from warroom.ui.screens.too_small import TooSmall
from warroom.ui.screenshots import FROZEN_NOW, fixture_app
from warroom.ui.widgets.header import IncidentHeader
from warroom.ui.widgets.pane_base import SourcePane
from warroom.ui.widgets.roles import RoleBoard


def with_event(state, kind: str, payload: dict) -> object:
    event = Event(
        state.incident_id,
        FROZEN_NOW - timedelta(seconds=5),
        kind,
        "erin",
        payload,
        id=state.last_event_id + 1,
        recorded_at=FROZEN_NOW,
    )
    return apply_readable(state, event)


async def test_a_new_incident_state_on_the_app_reaches_every_view_of_it(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = app.screen
        header, roles = room.query_one(IncidentHeader), room.query_one(RoleBoard)
        await wait_for(pilot, lambda: room.query(".countdown"), "the header countdown")
        before = app.incident
        assert before is not None and "SEV-3" not in header.title_text
        app.incident = with_event(
            with_event(before, Kind.SEVERITY, {"from": int(before.severity), "to": 3, "reason": "contained"}),
            Kind.ROLE_ASSIGNED,
            {"role": "Scribe", "person": "zed"},
        )
        await pilot.pause()
        assert "SEV-3" in header.title_text, "the header shows the new severity"
        assert "zed" in str(roles.render()), "the role board shows the new scribe"
        assert room.query_one(".countdown").incident is app.incident
        await pilot.resize_terminal(50, 12)
        await wait_for(pilot, lambda: room.query(TooSmall) and room.query_one(TooSmall).display, "the too-small view")
        view = room.query_one(TooSmall)
        assert "SEV-3" in " ".join(str(s.render()) for s in view.query("Static"))


async def test_pausing_from_anywhere_shows_in_the_header_and_every_pane(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        room = app.screen
        header = room.query_one(IncidentHeader)
        app.paused = True  # not through the `p` key: the header follows the app all the same
        await pilot.pause()
        assert "⏸ PAUSED" in header.title_text
        app.paused = False
        await pilot.pause()
        assert "PAUSED" not in header.title_text
        await pilot.press("escape", "p")
        panes = list(room.query(SourcePane))
        assert len(panes) >= 5, "every kind of signal has its pane"
        await wait_for(pilot, lambda: all("⏸ PAUSED" in str(p.border_subtitle) for p in panes), "PAUSED on every pane")
        assert "⏸ PAUSED" in header.title_text
        await pilot.press("p")
        await wait_for(pilot, lambda: not any("PAUSED" in str(p.border_subtitle) for p in panes), "panes resumed")
        assert "PAUSED" not in header.title_text
