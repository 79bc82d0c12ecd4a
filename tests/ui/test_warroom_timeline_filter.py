"""The war room's timeline takes the review's `/` filter in key mode: `/` opens the prompt, the
timeline shows what matches as it is typed, new events are filtered too, Esc leaves the prompt
and Esc again (in the timeline) clears the filter. `/` in the command line is still a command."""

from __future__ import annotations

from pathlib import Path

from tests.ui.warroom_helpers import settle, wait_for
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.screenshots import fixture_app
from warroom.ui.widgets.commandline import CommandInput
from warroom.ui.widgets.filter_prompt import FilterPrompt
from warroom.ui.widgets.timeline import Timeline


async def test_slash_filters_the_war_room_timeline_in_key_mode(tmp_path: Path):
    db = tmp_path / "w.db"
    app = fixture_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = app.screen
        timeline = room.query_one(Timeline)
        total = timeline.event_count
        await pilot.press("escape")  # key mode: the timeline has the focus
        assert app.focused is timeline
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(app.screen, FilterPrompt), "the filter prompt")
        await pilot.press(*"kind:note")
        await pilot.pause()
        assert {e.kind for e in timeline.events()} == {Kind.NOTE}
        assert timeline.event_count < total
        assert "filter: kind:note" in str(timeline.border_title)
        # A note from another process arrives filtered like the rest; a deploy stays hidden.
        with EventStore.open(db) as store:
            store.append(1, Kind.NOTE, {"text": "seen while filtering"}, actor="dave")
            store.append(1, Kind.SEVERITY, {"from": 2, "to": 1, "reason": ""}, actor="dave")
        app.follower.poke()
        await wait_for(pilot, lambda: "seen while filtering" in timeline.row_text(timeline.event_count - 1), "the note")
        assert {e.kind for e in timeline.events()} == {Kind.NOTE}
        await pilot.press("escape")  # leaves the prompt, the filter stays
        await wait_for(pilot, lambda: app.screen is room, "back in the room")
        assert {e.kind for e in timeline.events()} == {Kind.NOTE}
        await pilot.press("escape")  # clears it
        await pilot.pause()
        assert timeline.event_count == total + 2
        assert "filter" not in str(timeline.border_title)


async def test_slash_in_the_command_line_is_still_a_slash_command(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"/sev")
        await pilot.pause()
        assert isinstance(app.focused, CommandInput) and app.focused.value == "/sev"
        assert not isinstance(app.screen, FilterPrompt)
