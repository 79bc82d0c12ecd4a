"""Checkpoints of the fold in a real SQLite file: the opener folds from one exactly, an old
database gets the table, one it cannot read is ignored, one it cannot write is skipped."""

from __future__ import annotations

import json
import logging
import random
import sqlite3
from dataclasses import replace
from pathlib import Path

from tests.unit.domain.test_checkpoint import generate
from warroom.domain.events import Kind, format_ts
from warroom.domain.incident import fold
from warroom.store.checkpoint_table import LIFECYCLE_KINDS
from warroom.store.checkpoints import TAIL_EVENTS, checkpoint_format
from warroom.store.rows import INSERT_EVENT
from warroom.store.schema import MIGRATIONS, _split_statements
from warroom.store.sync import EventStore


def _insert(db: Path, events) -> None:
    with EventStore.open(db):
        pass
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany(
            INSERT_EVENT,
            [
                (1, format_ts(e.at), format_ts(e.recorded_at), e.kind, e.actor, json.dumps(dict(e.payload)), "{}", None)
                for e in events
            ],
        )
    conn.close()


def test_opening_from_a_stored_checkpoint_gives_the_full_fold(tmp_path: Path):
    rng = random.Random(11)
    for attempt in range(6):
        db = tmp_path / f"w{attempt}.db"
        _insert(db, generate(rng, rng.randint(TAIL_EVENTS + 50, 900)))
        with EventStore.open(db) as store:
            every = store.events(1)
            full = fold(every)
            cut = rng.randint(1, len(every))
            assert store.save_checkpoint(fold(every[:cut]))  # type: ignore[arg-type]
            opening = store.open_incident(1)
        assert opening.history is None  # folded from the checkpoint, not from the declaration
        assert repr(replace(opening.state, events=full.events)) == repr(full)  # type: ignore[union-attr]
        shown = opening.state.events
        assert shown[-1].id == every[-1].id and len(shown) >= TAIL_EVENTS
        assert opening.history_before == shown[0].id  # the rest: every id below it, read later


def test_an_old_database_opens_and_gets_the_checkpoint_table(tmp_path: Path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)  # schema 1 exactly as a warroom before checkpoints left it
    for statement in _split_statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version=1")
    conn.execute(
        INSERT_EVENT,
        (
            1,
            "2025-03-04T14:00:00.000000Z",
            "2025-03-04T14:00:00.000000Z",
            Kind.DECLARED,
            "ann",
            json.dumps({"title": "old one", "severity": 2}),
            "{}",
            None,
        ),
    )
    conn.commit()
    conn.close()
    with EventStore.open(db) as store:
        assert store.open_incident_ids() == [1]
        state = store.open_incident(1).state
        assert state.title == "old one"
        assert store.save_checkpoint(state)
    conn = sqlite3.connect(db)
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
    assert {"checkpoints", "events_lifecycle"} <= names
    assert conn.execute("PRAGMA user_version").fetchone() == (1,)  # still readable by the older warroom
    conn.close()


def test_a_checkpoint_of_another_format_or_damaged_is_ignored(tmp_path: Path):
    db = tmp_path / "w.db"
    _insert(db, generate(random.Random(3), 400))
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO checkpoints VALUES (1, 'v999-from-a-newer-warroom', 400, '{\"x\": 1}', '2030-01-01')")
        conn.execute("INSERT INTO checkpoints VALUES (1, ?, 300, 'not json', '2030-01-01')", (checkpoint_format(),))
    conn.close()
    with EventStore.open(db) as store:
        full = fold(store.events(1))
        opening = store.open_incident(1)
    assert opening.history is not None  # folded from the declaration
    assert repr(replace(opening.state, events=full.events)) == repr(full)  # type: ignore[union-attr]
    assert opening.checkpoint_due is False  # 400 < CHECKPOINT_EVERY


def test_a_checkpoint_that_cannot_be_written_is_skipped_and_appends_go_on(tmp_path: Path, caplog):
    db = tmp_path / "w.db"
    _insert(db, generate(random.Random(4), 50))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    with EventStore.open(db, busy_timeout_ms=50) as store:
        state = store.incident(1)
        with caplog.at_level(logging.WARNING):
            assert store.save_checkpoint(state) is False
        assert "could not write the checkpoint" in caplog.text
        holder.execute("ROLLBACK")
        assert store.append(1, Kind.NOTE, {"text": "still writing"}, actor="ann") is not None


def test_which_incident_is_open_is_read_through_the_lifecycle_index(tmp_path: Path):
    assert f"('{Kind.DECLARED}', '{Kind.RESOLVED}', '{Kind.REOPENED}', '{Kind.STATUS}')" == LIFECYCLE_KINDS
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("one", 2, actor="ann")
        plan = store._conn.execute(
            f"EXPLAIN QUERY PLAN SELECT incident_id, kind, payload FROM events WHERE kind IN {LIFECYCLE_KINDS} ORDER BY id"
        ).fetchall()
    assert "events_lifecycle" in str(plan)
