"""The war room through a wall-clock step, with both clocks injected (no faketime, no sleeping):
the header's countdown and elapsed time keep to elapsed time, the step is said on the command
line and recorded once, and a post written in the new frame restarts the countdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.ui.warroom_helpers import feedback, settle, stored, wait_for
from warroom.config.model import Config
from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.draft import DraftScreen
from warroom.ui.widgets.countdown import Countdown
from warroom.ui.widgets.header import IncidentHeader

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


class Clocks:
    def __init__(self) -> None:
        self.wall_at = T0 + timedelta(minutes=5)
        self.mono_at = 1000.0

    def wall(self) -> datetime:
        return self.wall_at

    def mono(self) -> float:
        return self.mono_at

    def run(self, seconds: float) -> None:
        self.wall_at += timedelta(seconds=seconds)
        self.mono_at += seconds


async def test_a_step_of_an_hour_moves_no_countdown_and_is_recorded_once(tmp_path: Path):
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:  # SEV-1 declared 5 minutes ago: the first update due in 10
        store.declare("Checkout 500s", 1, actor="alice", at=T0)
    clocks = Clocks()
    app = WarRoomApp(db, Config(), clock=clocks.wall, actor="alice")
    app.monotonic = clocks.mono
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = app.screen.query_one(IncidentHeader)
        await wait_for(pilot, lambda: "next update in 10m" in header.shown_text, "the countdown")
        assert "elapsed 5m" in header.shown_text

        clocks.wall_at += HOUR  # NTP steps the wall clock; the monotonic clock does not move
        clocks.run(1)
        await wait_for(pilot, lambda: "clock stepped +1h 00m" in feedback(pilot), "the step said")
        await wait_for(pilot, lambda: any(e.kind == Kind.CLOCK_STEPPED for e in stored(db)), "the step recorded")
        await wait_for(pilot, lambda: "next update in 9m 59s" in header.shown_text, "a second less, not an hour")
        shown = header.shown_text
        assert "OVERDUE" not in shown and "elapsed 5m 01s" in shown, shown

        await pilot.press("escape", "d")  # the draft screen's countdown reads the recorded step too
        await wait_for(pilot, lambda: isinstance(app.screen, DraftScreen), "the draft screen")
        countdown = app.screen.query_one("#draft-countdown", Countdown)
        await wait_for(pilot, lambda: "next update in 9m" in countdown.text, "the draft's countdown")
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DraftScreen), "back in the war room")

        with EventStore.open(db) as store:  # another shell posts an update, in the new frame
            store.append(
                1, Kind.COMMS_POSTED, catalogue.comms_posted("internal", "rolled back"), actor="bob", at=clocks.wall()
            )
        await wait_for(pilot, lambda: "next update in 15m" in header.shown_text, "the countdown restarted")

        clocks.run(60)
        await wait_for(pilot, lambda: "next update in 14m" in header.shown_text, "the countdown counting on")
        steps = [e for e in stored(db) if e.kind == Kind.CLOCK_STEPPED]
        assert len(steps) == 1 and steps[0].payload["step_s"] == 3600.0
        assert steps[0].at == T0 + timedelta(minutes=5, seconds=1) + HOUR, "recorded at the wall clock's time"
