"""Stored checkpoints of the fold, and opening an incident from its newest events.

A checkpoint is the folded `IncidentState` after event N, in table `checkpoints`, so the war
room folds only the events after N before its first frame (`open_incident`), and reads the
older ones after it. See `domain.checkpoint` for why that is exact.

- **A cache, not the record.** The table is derived data: deleting it loses nothing. It is
  created with `CREATE TABLE IF NOT EXISTS` when a database is opened for writing, not as a
  numbered schema migration: a numbered one would make an older warroom refuse the whole file
  ("written by a newer warroom") for the sake of a cache. An older warroom ignores the table;
  the events it appends are after every checkpoint, so the checkpoints stay exact.
- **Versioned.** Each row carries `format`: the encoding's version and a fingerprint of the
  fold's source. A warroom reads only rows of its own format (a newer or older fold, or a
  damaged row, is ignored and the incident folded from its declaration), and keeps one row per
  incident and format.
- **Never in the way.** Writing a checkpoint is best effort: a read-only, locked or full database
  just has no new checkpoint (logged). A read-only database with no table reads as no checkpoint.
- **Who writes.** The opener, when it had to fold CHECKPOINT_EVERY events or more past the
  newest checkpoint (after the first frame, off the UI loop), and the war room while it follows
  an incident, every CHECKPOINT_EVERY events. `warroom note` never folds, so never writes one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from warroom.domain import checkpoint as domain_checkpoint
from warroom.domain.checkpoint import CHECKPOINT_EVERY, CheckpointUnreadable, decode_state, encode_state, resume
from warroom.domain.events import Event, format_ts
from warroom.domain.incident import IncidentState, fold
from warroom.records import Record, record
from warroom.store.checkpoint_table import LIFECYCLE_KINDS, ensure_tables  # noqa: F401 - re-exported
from warroom.store.rows import EVENT_COLUMNS, now_utc, row_to_event

log = logging.getLogger(__name__)

#: The encoding of `domain.checkpoint` (bump when `encode_state` changes its output).
ENCODING_VERSION = 1
#: How many of the newest events the war room shows in its first frame (several screens).
TAIL_EVENTS = 200


@lru_cache(maxsize=1)
def checkpoint_format() -> str:
    """`v<encoding>-<fingerprint>`: the fingerprint hashes the source of the fold and the types
    it builds, so a warroom whose fold differs in any way reads none of this one's checkpoints."""
    from warroom import records
    from warroom.domain import events, incident, roles, severity, status

    digest = hashlib.sha256()
    for module in (incident, domain_checkpoint, severity, status, roles, events, records):
        try:
            digest.update(Path(str(module.__file__)).read_bytes())
        except (OSError, TypeError):  # no source to hash (a frozen build): fall back to the code
            digest.update(repr(sorted(vars(module))).encode())
    return f"v{ENCODING_VERSION}-{digest.hexdigest()[:16]}"


def read_checkpoint(conn: sqlite3.Connection, incident_id: int) -> IncidentState | None:
    """The newest readable checkpoint of the incident, or None (no table, none of this format,
    or one that cannot be read: each means "fold from the declaration")."""
    try:
        row = conn.execute(
            "SELECT event_id, state FROM checkpoints WHERE incident_id = ? AND format = ?",
            (incident_id, checkpoint_format()),
        ).fetchone()
    except sqlite3.OperationalError:  # no such table: an old, read-only database
        return None
    if row is None:
        return None
    try:
        state = decode_state(json.loads(row[1]))
    except (CheckpointUnreadable, ValueError, RecursionError) as exc:
        log.warning("ignoring the checkpoint of INC-%s at event %s: %s", incident_id, row[0], exc)
        return None
    if state.incident_id != incident_id or state.last_event_id != row[0]:
        return None
    return state


def write_checkpoint(conn: sqlite3.Connection, state: IncidentState) -> bool:
    """Store `state` as the incident's checkpoint (unless one as new is stored). Best effort:
    False, logged, when it cannot be written; never raises for a database problem."""
    try:
        data = json.dumps(encode_state(state), ensure_ascii=False, separators=(",", ":"))
    except (CheckpointUnreadable, TypeError, ValueError) as exc:
        log.warning("no checkpoint for INC-%s: %s", state.incident_id, exc)
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO checkpoints (incident_id, format, event_id, state, written_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (incident_id, format) DO UPDATE SET event_id = excluded.event_id, "
            "state = excluded.state, written_at = excluded.written_at WHERE excluded.event_id > event_id",
            (state.incident_id, checkpoint_format(), state.last_event_id, data, format_ts(now_utc())),
        )
        conn.execute("COMMIT")
        return True
    except sqlite3.Error as exc:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        log.warning("could not write the checkpoint of INC-%s: %s", state.incident_id, exc)
        return False


@record
class IncidentOpening(Record):
    """An incident as the war room opens it: folded to its newest event, with only the newest
    events read (`state.events`); the older ones load after the first frame."""

    #: The state after every event; its `events` are the newest ones only (unless `complete`).
    state: IncidentState
    #: Events with an id below this are not in `state.events` yet (0: none are missing).
    history_before: int = 0
    #: The older events when they were read anyway (no checkpoint: the whole log was folded).
    history: tuple[Event, ...] | None = None
    #: The opener folded CHECKPOINT_EVERY events or more past the newest checkpoint: save one.
    checkpoint_due: bool = False

    @property
    def complete(self) -> bool:
        return self.history_before == 0


def open_incident(conn: sqlite3.Connection, incident_id: int, tail: int = TAIL_EVENTS) -> IncidentOpening | None:
    """Fold the incident from its checkpoint and read its `tail` newest events (or fold it whole,
    with no usable checkpoint). None when it has no declaration."""
    cp = read_checkpoint(conn, incident_id)
    row = conn.execute(
        "SELECT id FROM events WHERE incident_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?", (incident_id, tail - 1)
    ).fetchone()
    tail_start = row[0] if row is not None else 0  # 0: the incident has no more than `tail` events
    if cp is None:
        return _open_folding_all(conn, incident_id, tail_start)
    # Read from the checkpoint or the tail, whichever is older: both are needed.
    start = min(cp.last_event_id + 1, tail_start) if tail_start else 0
    newest = [row_to_event(r) for r in _rows_after(conn, incident_id, max(0, start - 1))]
    if not newest or (newest[-1].id or 0) < cp.last_event_id:  # a checkpoint past the log: not this one's
        log.warning("ignoring the checkpoint of INC-%s: past the newest event", incident_id)
        return _open_folding_all(conn, incident_id, tail_start)
    state = resume(cp, newest)
    folded = sum(1 for ev in newest if (ev.id or 0) > cp.last_event_id)
    history_before = (newest[0].id or 0) if start and newest else 0
    return IncidentOpening(state, history_before=history_before, checkpoint_due=folded >= CHECKPOINT_EVERY)


def _open_folding_all(conn: sqlite3.Connection, incident_id: int, tail_start: int) -> IncidentOpening | None:
    """No usable checkpoint: fold every event (read anyway, so handed on as the history)."""
    every = [row_to_event(r) for r in _rows_after(conn, incident_id, 0)]
    state = fold(every)
    if state is None:
        return None
    due = len(every) >= CHECKPOINT_EVERY
    cut = next((i for i, ev in enumerate(every) if (ev.id or 0) >= tail_start), len(every))
    if cut == 0:
        return IncidentOpening(state, checkpoint_due=due)
    newest = every[cut:]
    return IncidentOpening(
        replace(state, events=tuple(newest)),
        history_before=newest[0].id or 0,
        history=tuple(every[:cut]),
        checkpoint_due=due,
    )


def _rows_after(conn: sqlite3.Connection, incident_id: int, after_id: int) -> list[tuple[object, ...]]:
    return conn.execute(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE incident_id = ? AND id > ? ORDER BY id", (incident_id, after_id)
    ).fetchall()


def read_history(conn: sqlite3.Connection, incident_id: int, before_id: int, after_id: int, limit: int) -> list[Event]:
    """Up to `limit` events of the incident with `after_id < id < before_id`, oldest first."""
    rows = conn.execute(
        f"SELECT {EVENT_COLUMNS} FROM events WHERE incident_id = ? AND id > ? AND id < ? ORDER BY id LIMIT ?",
        (incident_id, after_id, before_id, limit),
    ).fetchall()
    return [row_to_event(r) for r in rows]
