"""A long incident opens on its newest events and loads the older ones after the first frame:
scrolling back reaches the declaration with every event once, in order (store.checkpoints)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.mounts import read_only_bind
from tests.ui.warroom_helpers import screen, wait_for
from warroom.config.model import Config
from warroom.domain.checkpoint import CHECKPOINT_EVERY
from warroom.domain.events import Kind, format_ts
from warroom.store.checkpoints import TAIL_EVENTS
from warroom.store.rows import INSERT_EVENT
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.widgets.coach_line import CoachLine
from warroom.ui.widgets.timeline import Timeline, sort_key

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def long_incident(db: Path, events: int) -> None:
    """A declared incident of `events` events (bulk insert), some back-dated, the last a note
    saying NEWEST."""
    with EventStore.open(db) as store:
        store.declare("Checkout API returning 500s", 2, actor="alice", at=T0)
    origin = json.dumps({"host": "test", "pid": 1, "user": "alice"})
    rows = []
    for i in range(1, events - 1):
        at = T0 + timedelta(seconds=i)
        if i % 97 == 0 and i > 2_000:
            at -= timedelta(minutes=30)  # a note about earlier, written later
        payload = {"to": 1, "reason": "worse"} if i == 7_000 else {"text": f"note {i}"}
        kind = Kind.SEVERITY if i == 7_000 else Kind.NOTE
        rows.append(
            (1, format_ts(at), format_ts(T0 + timedelta(seconds=i)), kind, "alice", json.dumps(payload), origin, None)
        )
    end = T0 + timedelta(seconds=events)
    rows.append((1, format_ts(end), format_ts(end), Kind.NOTE, "alice", json.dumps({"text": "NEWEST"}), origin, None))
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany(INSERT_EVENT, rows)
    conn.close()


async def test_a_20000_event_incident_opens_on_its_newest_events_and_scrolls_back_to_the_declaration(tmp_path: Path):
    db = tmp_path / "warroom.db"
    long_incident(db, 20_000)
    with EventStore.open(db) as store:
        every = store.events(1)
    assert len(every) == 20_000
    app = WarRoomApp(db, Config(), actor="bob")
    async with app.run_test(size=(120, 40)) as pilot:
        room = screen(pilot)
        timeline = room.query_one(Timeline)
        # The first frame: the newest events only, the newest at the bottom, the fold complete.
        assert timeline.event_count <= TAIL_EVENTS
        assert timeline.events()[-1].payload["text"] == "NEWEST"
        assert app.incident is not None and app.incident.severity == 1  # from an event long before the tail
        assert "loading older events" in str(timeline.border_title)
        assert room.history_pending and room.query_one(CoachLine).warning is None  # the coach waits for them
        await wait_for(pilot, lambda: not room._history.pending, "the older events to load", tries=1000)
        await pilot.pause()
        assert timeline.is_vertical_scroll_end  # the reader at the bottom stayed there
        shown = timeline.events()
        assert [e.id for e in shown] == [e.id for e in sorted(every, key=sort_key)]  # each once, in order
        assert len({e.id for e in app.incident.events}) == 20_000
        assert "20000 events" in str(timeline.border_title)
        # Scrolling to the very top reaches the declaration.
        room.enter_key_mode(timeline)  # keys scroll the timeline, not type
        await pilot.press("home")
        await pilot.pause()
        assert timeline.scroll_offset.y == 0
        assert shown[0].kind == Kind.DECLARED and "Checkout API returning 500s" in timeline.row_text(0)
    # The opener folded 20,000 events with no checkpoint: it stored one (after the first frame).
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT event_id FROM checkpoints WHERE incident_id = 1").fetchone() == (20_000,)
    conn.close()
    # Opened again: folded from that checkpoint, the same state.
    with EventStore.open(db) as store:
        opening = store.open_incident(1)
        assert opening.state.last_event_id == 20_000 and opening.state.severity == 1
        assert opening.history is None and opening.history_before > 1


async def test_a_read_only_database_without_the_checkpoint_table_still_opens(tmp_path: Path):
    source = tmp_path / "rw"
    source.mkdir()
    long_incident(source / "warroom.db", 1_000)
    conn = sqlite3.connect(source / "warroom.db")
    with conn:
        conn.execute("DROP TABLE checkpoints")  # as written by a warroom before checkpoints
    conn.close()
    with read_only_bind(source, tmp_path / "ro") as ro:
        app = WarRoomApp(ro / "warroom.db", Config(), actor="bob")
        async with app.run_test(size=(120, 40)) as pilot:
            room = screen(pilot)
            await wait_for(pilot, lambda: not room._history.pending, "the older events to load", tries=500)
            assert app.read_only == "read-only file system"
            assert room.query_one(Timeline).event_count == 1_000
            assert room.query_one(Timeline).events()[-1].payload["text"] == "NEWEST"


async def test_the_war_room_stores_a_checkpoint_as_it_follows_a_growing_incident(tmp_path: Path):
    db = tmp_path / "warroom.db"
    long_incident(db, 100)
    app = WarRoomApp(db, Config(), actor="bob")
    async with app.run_test(size=(120, 40)) as pilot:
        room = screen(pilot)
        await wait_for(pilot, lambda: room.follower is not None, "the room to follow the store")
        with EventStore.open(db) as other:  # another process writing, e.g. the recorder or `note`
            for i in range(CHECKPOINT_EVERY):
                other.append(1, Kind.NOTE, {"text": f"later {i}"}, actor="carol")

        def stored_at() -> int:
            conn = sqlite3.connect(db)
            try:
                row = conn.execute("SELECT MAX(event_id) FROM checkpoints WHERE incident_id = 1").fetchone()
            finally:
                conn.close()
            return int(row[0] or 0)

        await wait_for(pilot, lambda: stored_at() == 100 + CHECKPOINT_EVERY, "a checkpoint of the followed incident")
        assert room.query_one(Timeline).event_count == 100 + CHECKPOINT_EVERY
    with EventStore.open(db) as store:
        opening = store.open_incident(1)
        assert opening.history is None and opening.state.last_event_id == 100 + CHECKPOINT_EVERY
