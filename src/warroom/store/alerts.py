"""Record one Alertmanager notification in ONE transaction: find the incident, declare one if a
rule says so, append each alert transition once.

Everything a notification needs happens under one `BEGIN IMMEDIATE` lock, so two processes
receiving the same alerts (or one receiving a repeat) cannot both declare an incident or both
record a transition: the dedupe keys already recorded, the open incidents and the declaration
are read and written together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from warroom.domain.events import Event, Kind
from warroom.store.rows import INSERT_EVENT, event_params
from warroom.store.sync import EventStore

ALERT_KINDS = (Kind.ALERT_FIRING, Kind.ALERT_RESOLVED)


@dataclass(frozen=True)
class AlertWrite:
    """One alert transition to record.

    `firing_key` is the key of the firing this transition belongs to: a resolution goes to the
    incident its firing went to. `declare` holds `catalogue.declared` arguments when a rule says
    this firing alert opens an incident if none is open."""

    kind: str
    payload: Mapping[str, Any]
    at: datetime
    key: str
    firing_key: str
    declare: Mapping[str, Any] | None = None


@dataclass
class AlertsRecorded:
    """What one notification did to the record."""

    events: list[Event] = field(default_factory=list)  # declarations and transitions, in order
    duplicates: int = 0  # transitions already recorded (a repeated notification)
    unrecorded: int = 0  # transitions with no open incident and no rule to open one
    declared: int | None = None  # the incident declared from an alert, if any


@dataclass
class AlertIndex:
    """What one receiving process knows of the record between notifications: the alert keys
    recorded (and where) and the open incidents, as of `version`: SQLite's `data_version` (moved
    by other connections' commits) and the newest event id (moved by any append, this
    connection's too). While neither has moved, nothing needs re-reading: a notification costs
    one insert, not a scan of the events."""

    version: tuple[int, int] | None = None  # (data_version, newest event id)
    open_ids: list[int] = field(default_factory=list)
    recorded: dict[str, int] = field(default_factory=dict)


#: Both parts of `AlertIndex.version` in one statement (one round into SQLite per commit, not two).
_VERSION = "SELECT (SELECT data_version FROM pragma_data_version()), (SELECT COALESCE(MAX(id), 0) FROM events)"


def _recorded_keys(conn: sqlite3.Connection) -> dict[str, int]:
    rows = conn.execute(
        "SELECT dedupe_key, incident_id FROM events WHERE kind IN (?, ?) AND dedupe_key IS NOT NULL", ALERT_KINDS
    ).fetchall()
    return {key: incident for key, incident in rows}


def record_alerts(
    store: EventStore,
    writes: Sequence[AlertWrite],
    *,
    prefer: int | None = None,
    actor: str = "warroom",
    index: AlertIndex | None = None,
) -> AlertsRecorded:
    """Record `writes` (see the module docstring). `prefer` is the incident the caller watches:
    used while it is open; otherwise the newest open incident. `index` carries what the last
    call read, reused while no other process has written since."""
    return record_alert_groups(store, [writes], prefer=prefer, actor=actor, index=index)[0]


def record_alert_groups(
    store: EventStore,
    groups: Sequence[Sequence[AlertWrite]],
    *,
    prefer: int | None = None,
    actor: str = "warroom",
    index: AlertIndex | None = None,
) -> list[AlertsRecorded]:
    """Several notifications (`groups`, in arrival order) in ONE transaction, one result each:
    what `record_alerts` would have done for each in turn, for the price of one commit (the
    receiver's group commit: `sources.intake_commit`). All or none are recorded."""
    from warroom.domain.catalogue import declared

    outs = [AlertsRecorded() for _ in groups]
    index = index if index is not None else AlertIndex()
    seen = AlertIndex()

    def write(conn: sqlite3.Connection) -> None:
        # data_version moves on other connections' commits, the newest id on anyone's append
        # (this connection's too: the screen declares and resolves through it).
        seen.version = tuple(conn.execute(_VERSION).fetchone())
        if known is not None and known == seen.version:
            recorded, open_ids = dict(index.recorded), list(index.open_ids)
        else:
            recorded, open_ids = _recorded_keys(conn), store.open_incident_ids()
        seen.recorded, seen.open_ids = recorded, open_ids
        target = prefer if prefer in open_ids else (max(open_ids) if open_ids else None)
        for writes, out in zip(groups, outs, strict=True):
            for item in writes:
                if item.key in recorded:
                    out.duplicates += 1
                    continue
                where = target
                if item.kind == Kind.ALERT_RESOLVED:
                    where = recorded.get(item.firing_key, target)
                elif where is None and item.declare is not None:
                    payload = declared(**item.declare)
                    next_id = conn.execute("SELECT COALESCE(MAX(incident_id), 0) + 1 FROM events").fetchone()[0]
                    params, when, at_rec, orig = event_params(next_id, Kind.DECLARED, payload, actor, None, None)
                    cur = conn.execute(INSERT_EVENT, params)
                    out.events.append(Event(next_id, when, Kind.DECLARED, actor, payload, cur.lastrowid, at_rec, orig))
                    out.declared = target = where = next_id
                    open_ids.append(next_id)
                if where is None:
                    out.unrecorded += 1
                    continue
                params, when, at_rec, orig = event_params(where, item.kind, item.payload, actor, item.at, item.key)
                cur = conn.execute(INSERT_EVENT, params)
                if cur.rowcount:
                    out.events.append(
                        Event(where, when, item.kind, actor, dict(item.payload), cur.lastrowid, at_rec, orig, item.key)
                    )
                    recorded[item.key] = where
                else:
                    out.duplicates += 1

    known, index.version = index.version, None  # a failed write leaves nothing to trust
    store._write(write)
    newest = max((e.id or 0 for out in outs for e in out.events), default=0)
    if newest and seen.version:  # what this call appended is in `seen`: the newest id is now its last
        seen.version = (seen.version[0], max(seen.version[1], newest))
    index.version, index.open_ids, index.recorded = seen.version, seen.open_ids, seen.recorded
    return outs
