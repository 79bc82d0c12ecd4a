"""Helpers for the review screen's Pilot and snapshot tests: a real database file holding the
review incident (`tests.support.review_db`), the app on it with a frozen clock, and waiting."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.support.incident_builder import at
from tests.support.review_db import checkout_incident, error_samples, write_incident
from warroom.domain.events import Event
from warroom.ui.review_app import ReviewApp
from warroom.ui.screens.review import ReviewScreen
from warroom.ui.widgets.review_state import ReviewState
from warroom.ui.widgets.timeline_review import ReviewTimeline


def review_db(tmp_path: Path, events: list[Event] | None = None) -> Path:
    db = tmp_path / "copied.db"
    write_incident(db, events if events is not None else checkout_incident().events, error_samples())
    return db


def review_app(db: Path, clock_minutes: float = 90) -> ReviewApp:
    return ReviewApp(db, clock=lambda: at(clock_minutes))


async def loaded(pilot: Any, tries: int = 500) -> ReviewScreen:
    """Wait until the whole record is read, indexed and the coach replayed."""
    for _ in range(tries):
        screen = pilot.app.screen
        if isinstance(screen, ReviewScreen) and screen.record is not None and screen.record.index.fired is not None:
            await pilot.pause(0.05)
            return screen
        await pilot.pause(0.02)
    raise AssertionError("the review never finished loading")


def state_text(screen: ReviewScreen) -> str:
    return str(screen.query_one(ReviewState).render())


def timeline(screen: ReviewScreen) -> ReviewTimeline:
    return screen.query_one(ReviewTimeline)


def shown_kinds(screen: ReviewScreen) -> list[str]:
    return [e.kind for e in timeline(screen).events()]


def file_stamp(db: Path) -> tuple[int, int]:
    """The database file's size and modification time (ns): a review must change neither."""
    st = os.stat(db)
    return st.st_size, st.st_mtime_ns


def minutes(m: float) -> timedelta:
    return timedelta(minutes=m)
