"""Loading exported events into a database: `warroom import FILE` (see `domain.event_log`).

Runs inside one write transaction (`EventStore.import_incidents`): either every incident of the
file is merged or nothing is. Nothing is ever duplicated: an incident is matched by its
declaration's natural key, and only events whose natural key it does not hold yet are added, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from warroom.domain.event_log import NaturalKey, natural_key
from warroom.domain.events import Event, Kind, format_ts
from warroom.records import Record, record
from warroom.store.rows import EVENT_COLUMNS, row_to_event

_INSERT_WITH_ID = (
    "INSERT OR IGNORE INTO events (id, incident_id, at, recorded_at, kind, actor, payload, origin, dedupe_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@record
class Imported(Record):
    """What importing one incident did."""

    #: The incident's number in the file and in this database (they differ when the file's
    #: number is another incident here).
    source_id: int
    incident_id: int
    #: False when the incident was already here (only its missing events were added).
    new: bool
    added: int
    #: Events already here (same natural key): not added again.
    already_here: int
    #: Events whose `dedupe_key` this incident already holds for another event (a signal two
    #: recorders saw): not added, as the store does for any append.
    deduplicated: int
    #: Events added after events already here that come after them in the file (a file that is
    #: not a later export of the same record: hand-picked lines, another copy's additions). The
    #: incident folds in the order events were added, so it may fold otherwise than the file's.
    out_of_order: int = 0


def _find_incident(conn: sqlite3.Connection, declared: Event) -> int | None:
    """The incident here whose declaration is `declared` (same natural key), if any."""
    wanted = natural_key(declared)
    rows = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE kind = ? ORDER BY id", (Kind.DECLARED,))
    for row in rows:
        ev = row_to_event(row)
        if natural_key(ev) == wanted:
            return ev.incident_id
    return None


def _highest_id(conn: sqlite3.Connection) -> int:
    """The highest event id ever handed out: imported ids stay above it, so a follower reading
    `id > last seen` never misses an imported event."""
    max_id: int = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
    seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    handed_out: int = seq[0] if seq else 0
    return max(max_id, handed_out)


def import_incident(conn: sqlite3.Connection, events: Sequence[Event]) -> Imported:
    """Merge one incident's events (its declaration among them) inside the caller's transaction.

    A new incident keeps its number when this database has no incident by that number, and each
    event keeps its id when that id is above every id here (so an import into a fresh database
    exports identically); otherwise they get the next free ones."""
    ordered = sorted(events, key=lambda e: e.id or 0)
    declared = next(e for e in ordered if e.kind == Kind.DECLARED)
    target = _find_incident(conn, declared)
    known: set[NaturalKey] = set()
    new = target is None
    if target is None:
        taken = conn.execute("SELECT 1 FROM events WHERE incident_id = ? LIMIT 1", (declared.incident_id,)).fetchone()
        if taken:
            (target,) = conn.execute("SELECT COALESCE(MAX(incident_id), 0) + 1 FROM events").fetchone()
        else:
            target = declared.incident_id
    else:
        rows = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE incident_id = ?", (target,))
        known = {natural_key(row_to_event(row)) for row in rows}
    highest = _highest_id(conn)
    added = already = deduplicated = out_of_order = 0
    keys = [natural_key(ev) for ev in ordered]
    # The last event of the file already here: a missing one before it is added after it.
    last_here = max((i for i, key in enumerate(keys) if key in known), default=-1)
    for position, (ev, key) in enumerate(zip(ordered, keys, strict=True)):
        if key in known:
            already += 1
            continue
        known.add(key)
        keep_id = ev.id if ev.id is not None and ev.id > highest else None
        cur = conn.execute(
            _INSERT_WITH_ID,
            (
                keep_id,
                target,
                format_ts(ev.at),
                format_ts(ev.recorded_at or ev.at),
                ev.kind,
                ev.actor,
                json.dumps(dict(ev.payload), ensure_ascii=False, sort_keys=True),
                json.dumps(dict(ev.origin), sort_keys=True),
                ev.dedupe_key,
            ),
        )
        if cur.rowcount:
            added += 1
            out_of_order += position < last_here
            highest = max(highest, cur.lastrowid or 0)
        else:
            deduplicated += 1
    return Imported(declared.incident_id, target, new, added, already, deduplicated, out_of_order)
