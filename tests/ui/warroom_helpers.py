"""Helpers for the war room's Pilot tests: a real database file, the fixed incident, waiting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warroom.domain.events import Event
from warroom.store.sync import EventStore
from warroom.ui.screens.warroom import WarRoomScreen
from warroom.ui.screenshots import settle
from warroom.ui.widgets.commandline import CommandInput, CommandLine
from warroom.ui.widgets.timeline import Timeline

__all__ = ["feedback", "settle", "stored", "submit", "timeline_texts", "wait_for"]


async def wait_for(pilot: Any, condition, what: str, tries: int = 250) -> None:
    """Let the app run until `condition()` holds (bounded: fails with `what`, never hangs)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def screen(pilot: Any) -> WarRoomScreen:
    current = pilot.app.screen
    assert isinstance(current, WarRoomScreen), f"not on the war room: {current!r}"
    return current


async def submit(pilot: Any, line: str) -> str:
    """Put `line` in the command line, press Enter, wait until it is handled; the feedback."""
    room = screen(pilot)
    command = room.query_one(CommandInput)
    command.focus()
    command.value = line
    before = room.query_one(CommandLine).feedback_text
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: (
            (not room._busy and room.query_one(CommandLine).feedback_text != before) or pilot.app.screen is not room
        ),
        f"the line {line!r} to be handled",
    )
    await pilot.pause()
    return room.query_one(CommandLine).feedback_text


def feedback(pilot: Any) -> str:
    return screen(pilot).query_one(CommandLine).feedback_text


def stored(db: Path, incident_id: int = 1) -> list[Event]:
    with EventStore.open(db) as store:
        return store.events(incident_id)


def timeline_texts(pilot: Any) -> list[str]:
    timeline = screen(pilot).query_one(Timeline)
    return [timeline.row_text(i) for i in range(timeline.event_count)]
