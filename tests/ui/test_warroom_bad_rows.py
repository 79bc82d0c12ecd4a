"""A database holding a row no reader can take at face value (a three-digit year written before
times were checked, a payload that is not JSON) still opens on the war room, flags the row in
the timeline and goes on updating, whether the row was there at start or arrives while open."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from tests.ui.warroom_helpers import settle, timeline_texts, wait_for
from warroom.config.model import Config
from warroom.domain.events import Kind, format_ts
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.warroom import WarRoomScreen
from warroom.ui.screenshots import FROZEN_NOW

BAD_AT = "202-12-06T05:00:00.000000Z"  # what `note --at 0202-12-06T05:00Z` stored before


def insert_raw(db: Path, at: str, kind: str, payload: str, recorded_at: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "INSERT INTO events (incident_id, at, recorded_at, kind, actor, payload, origin) VALUES (1, ?, ?, ?, 'eve', ?, '{}')",
            (at, recorded_at, kind, payload),
        ).lastrowid


def declared_db(path: Path) -> Path:
    with EventStore.open(path) as store:
        store.declare("Checkout returns 500", 2, actor="alice", at=FROZEN_NOW - timedelta(minutes=20))
    return path


async def test_the_screen_opens_on_a_bad_row_and_flags_it(tmp_path: Path):
    db = declared_db(tmp_path / "w.db")
    recorded = format_ts(FROZEN_NOW - timedelta(minutes=10))
    bad_time = insert_raw(db, BAD_AT, Kind.NOTE, '{"text": "typo"}', recorded)
    bad_json = insert_raw(db, recorded, Kind.SEVERITY, "{not json", recorded)
    app = WarRoomApp(db, Config(), clock=lambda: FROZEN_NOW, actor="bob")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WarRoomScreen), app.screen
        texts = timeline_texts(pilot)
        assert any(
            t.startswith(f"⚠ unreadable row: event #{bad_time}: bad time '{BAD_AT}'") and t.endswith("typo")
            for t in texts
        ), texts
        assert any(f"event #{bad_json}: unreadable payload" in t for t in texts), texts
        assert app.screen.state.severity == 2  # the unreadable change changed nothing


async def test_a_bad_row_written_while_open_does_not_stop_the_screen_updating(tmp_path: Path):
    db = declared_db(tmp_path / "w.db")
    app = WarRoomApp(db, Config(), clock=lambda: FROZEN_NOW, actor="bob")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        recorded = format_ts(FROZEN_NOW - timedelta(minutes=5))
        bad_time = insert_raw(db, BAD_AT, Kind.NOTE, '{"text": "typo from another process"}', recorded)
        with EventStore.open(db) as store:
            store.append(
                1, Kind.NOTE, {"text": "written after it"}, actor="carol", at=FROZEN_NOW - timedelta(minutes=4)
            )
        await wait_for(
            pilot,
            lambda: any("written after it" in t for t in timeline_texts(pilot)),
            "the note written after the bad row",
        )
        texts = timeline_texts(pilot)
        assert any(f"event #{bad_time}: bad time" in t and "typo from another process" in t for t in texts), texts
