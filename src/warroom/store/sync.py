"""The blocking event store: stdlib sqlite3 only, so headless commands start fast."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import defaultdict
from datetime import datetime

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

from warroom.domain.events import Event, Kind, format_ts
from warroom.errors import UserError
from warroom.store.rows import (
    EVENT_COLUMNS,
    INSERT_EVENT,
    event_params,
    redact_typed_payload,
    row_to_event,
    rows_to_events,
)
from warroom.store.schema import BUSY_TIMEOUT_MS, busy_or

if TYPE_CHECKING:  # the fold is imported only by readers: `warroom note` never folds
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from pathlib import Path
    from typing import Any, TypeVar

    from warroom.domain.incident import IncidentState
    from warroom.domain.signals import Sample
    from warroom.store.checkpoints import IncidentOpening
    from warroom.store.importing import Imported

    T = TypeVar("T")


class EventStore:
    """One SQLite file holding every incident. Each append is one `BEGIN IMMEDIATE` transaction,
    committed before the call returns: once `append` returns an event, it is on disk."""

    def __init__(self, conn: sqlite3.Connection, path: str | Path, read_only: str | None = None) -> None:
        self._conn = conn
        self._path = path
        #: Why this store is open read-only ("the disk is full"...), or None when it can write.
        self.read_only = read_only
        #: One-time lines for the user found on opening (others could read the file...).
        self.notices: list[str] = []

    @property
    def path(self) -> Path:
        from pathlib import Path  # not at import time: `warroom note` never needs it

        return Path(self._path)

    @classmethod
    def open(cls, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, for_reading: bool = False) -> EventStore:
        """Open (or create) the database; read-only when it cannot be written (see `opening`).
        `for_reading` (`--readonly`): `mode=ro`, nothing about the file changes, no write path."""
        from warroom.store.opening import open_connection, open_for_reading

        path = os.path.expanduser(os.fspath(path))
        opened = open_for_reading(path, busy_timeout_ms) if for_reading else open_connection(path, busy_timeout_ms)
        store = cls(opened.conn, path, opened.read_only)
        store.notices = opened.notices
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------

    def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self.read_only:
            raise UserError(f"database {self._path} cannot be written ({self.read_only}); nothing was written")
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise busy_or(exc, self._path) from None
        try:
            result = fn(self._conn)
            self._conn.execute("COMMIT")
            return result
        except BaseException as exc:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise busy_or(exc, self._path) from None
            raise

    def append(
        self,
        incident_id: int,
        kind: str,
        payload: Mapping[str, Any],
        *,
        actor: str,
        at: datetime | None = None,
        dedupe_key: str | None = None,
    ) -> Event | None:
        """Append and commit one event. Returns None if `dedupe_key` was already recorded.
        Credentials in its text (a note pasted from a terminal) are hidden first: `redact_typed`."""
        payload = redact_typed_payload(payload)
        params, when, recorded, orig = event_params(incident_id, kind, payload, actor, at, dedupe_key)

        def insert(conn: sqlite3.Connection) -> int | None:
            cur = conn.execute(INSERT_EVENT, params)
            return cur.lastrowid if cur.rowcount else None

        new_id = self._write(insert)
        if new_id is None:
            return None
        return Event(incident_id, when, kind, actor, dict(payload), new_id, recorded, orig, dedupe_key)

    def declare(
        self,
        title: str,
        severity: int,
        *,
        actor: str,
        impact: str = "",
        detected_by: str = "",
        started_at: datetime | None = None,
        detected_at: datetime | None = None,
        drill: bool = False,
        at: datetime | None = None,
        feature: str = "",
    ) -> Event:
        """Allocate the next incident number and append its declaration, atomically."""
        from warroom.domain.catalogue import declared

        payload = declared(
            title,
            int(severity),
            drill=drill,
            impact=impact,
            feature=feature,
            detected_by=detected_by,
            started_at=started_at,
            detected_at=detected_at,
        )
        payload = dict(redact_typed_payload(payload))

        def insert(conn: sqlite3.Connection) -> tuple[int, Event]:
            next_id = conn.execute("SELECT COALESCE(MAX(incident_id), 0) + 1 FROM events").fetchone()[0]
            params, when, recorded, orig = event_params(next_id, Kind.DECLARED, payload, actor, at, None)
            cur = conn.execute(INSERT_EVENT, params)
            return next_id, Event(next_id, when, Kind.DECLARED, actor, payload, cur.lastrowid, recorded, orig)

        return self._write(insert)[1]

    def add_samples(self, incident_id: int, samples: Iterable[Sample]) -> int:
        rows = [(incident_id, s.series, format_ts(s.at), float(s.value)) for s in samples]
        if not rows:
            return 0
        self._write(
            lambda c: c.executemany("INSERT INTO samples (incident_id, series, at, value) VALUES (?, ?, ?, ?)", rows)
        )
        return len(rows)

    def downsample_samples(
        self, incident_id: int, series: Iterable[str], before: datetime, since: datetime | None = None
    ) -> int:
        """Keep one sample a minute (their mean) for `series` before `before`: `store.downsample`."""
        from warroom.store.downsample import downsample

        names = list(series)
        if not names:
            return 0
        return self._write(lambda c: downsample(c, incident_id, names, before, since))

    def import_incidents(self, incidents: Iterable[Sequence[Event]]) -> list[Imported]:
        """Merge exported incidents (each a declaration and its events) in ONE transaction: all
        of them or, on any error, nothing. See `store.importing`."""
        from warroom.store.importing import import_incident

        return self._write(lambda conn: [import_incident(conn, events) for events in incidents])

    # -- reading -----------------------------------------------------------------------------

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise busy_or(exc, self._path) from None

    def events(self, incident_id: int, after_id: int = 0) -> list[Event]:
        rows = self._read(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE incident_id = ? AND id > ? ORDER BY id",
            (incident_id, after_id),
        )
        return rows_to_events(rows)

    def postmortem_rows(self, incident_id: int) -> tuple[list[Event], list[Any]]:
        """The incident's events but the machine's signals, and its signal rows as the
        postmortem's runs count them (`store.signal_runs`)."""
        from warroom.store.signal_runs import postmortem_rows

        try:
            return postmortem_rows(self._conn, incident_id)
        except sqlite3.Error as exc:
            raise busy_or(exc, self._path) from None

    def signal_actors(self, incident_id: int) -> list[str]:
        """Who wrote the incident's signal rows (`store.signal_runs`)."""
        from warroom.store.signal_runs import signal_actors

        try:
            return signal_actors(self._conn, incident_id)
        except sqlite3.Error as exc:
            raise busy_or(exc, self._path) from None

    def incident(self, incident_id: int) -> IncidentState:
        from warroom.domain.incident import fold

        state = fold(self.events(incident_id))
        if state is None:
            raise UserError(f"no incident INC-{incident_id} in {self._path}")
        return state

    def open_incident(self, incident_id: int) -> IncidentOpening:
        """The incident folded from its newest checkpoint, with only its newest events read (the
        war room's first frame); see `store.checkpoints`."""
        from warroom.store.checkpoints import open_incident

        try:
            opening = open_incident(self._conn, incident_id)
        except sqlite3.Error as exc:
            raise busy_or(exc, self._path) from None
        if opening is None:
            raise UserError(f"no incident INC-{incident_id} in {self._path}")
        return opening

    def save_checkpoint(self, state: IncidentState) -> bool:
        """Store `state` as a checkpoint of its incident; best effort (False when it could not
        be written: a read-only or locked database). Never raises for a database problem."""
        from warroom.store.checkpoints import write_checkpoint

        return not self.read_only and write_checkpoint(self._conn, state)

    def incidents(self) -> list[IncidentState]:
        """Every incident, oldest first."""
        from warroom.domain.incident import fold

        by_incident: dict[int, list[Event]] = defaultdict(list)
        for row in self._read(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id"):
            ev = row_to_event(row)
            by_incident[ev.incident_id].append(ev)
        states = [fold(evs) for _, evs in sorted(by_incident.items())]
        return [s for s in states if s is not None]

    def open_incident_ids(self) -> list[int]:
        """Ids of incidents not yet resolved, cheaply (no full fold)."""
        from warroom.store.checkpoint_table import LIFECYCLE_KINDS

        # Spelled as the partial index `events_lifecycle` is, so SQLite reads only these rows.
        rows = self._read(f"SELECT incident_id, kind, payload FROM events WHERE kind IN {LIFECYCLE_KINDS} ORDER BY id")
        open_: dict[int, bool] = {}
        for incident_id, kind, payload in rows:
            if kind == Kind.DECLARED or kind == Kind.REOPENED:
                open_[incident_id] = True
            elif kind == Kind.RESOLVED:
                open_[incident_id] = False
            elif kind == Kind.STATUS:
                try:
                    to = json.loads(payload).get("to", "")
                except (ValueError, AttributeError):  # a damaged row changes nothing (see rows.py)
                    continue
                open_[incident_id] = str(to).lower() != "resolved"
        return [i for i, is_open in open_.items() if is_open]

    def latest_incident_id(self) -> int | None:
        latest: int | None = self._read("SELECT MAX(incident_id) FROM events")[0][0]
        return latest

    def max_event_id(self) -> int:
        highest: int = self._read("SELECT COALESCE(MAX(id), 0) FROM events")[0][0]
        return highest

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap "anything new?" check."""
        version: int = self._read("PRAGMA data_version")[0][0]
        return version

    def samples(self, incident_id: int, series: str | None = None) -> list[tuple[str, str, float]]:
        if series is None:
            return self._read("SELECT series, at, value FROM samples WHERE incident_id = ? ORDER BY at", (incident_id,))
        return self._read(
            "SELECT series, at, value FROM samples WHERE incident_id = ? AND series = ? ORDER BY at",
            (incident_id, series),
        )

    def error_samples(self, incident_id: int, since: datetime) -> list[tuple[str, datetime, float]]:
        """Every log's errors-a-minute samples (`log.<name>.per_min`) from `since` on, oldest first:
        what the recovery rule (`domain.recovery`) compares with the pre-incident baseline."""
        from warroom.domain.events import parse_ts

        rows = self._read(
            "SELECT series, at, value FROM samples WHERE incident_id = ? AND series LIKE 'log.%.per_min' "
            "AND at >= ? ORDER BY at",
            (incident_id, format_ts(since)),
        )
        out = []
        for series, at, value in rows:
            try:
                out.append((str(series), parse_ts(at), float(value)))
            except (TypeError, ValueError):  # a damaged row is skipped, never fatal
                continue
        return out

    # -- recorder lease ------------------------------------------------------------------------

    def acquire_lease(self, incident_id: int, holder: str, ttl: float, now: float | None = None) -> bool:
        """Take or renew the recorder lease; True if `holder` now holds it.

        A lease another process holds is seen with a plain read: followers asking on every poll
        take no write lock (ten screens on one store would queue behind each other's empty
        write transactions); the write re-checks, so two takers at once still get one holder.
        """
        now = time.time() if now is None else now
        row = self.lease(incident_id)
        if row is not None and row[0] != holder and row[1] >= now:
            return False

        def take(conn: sqlite3.Connection) -> bool:
            row = conn.execute(
                "SELECT holder, expires_at FROM recorder_leases WHERE incident_id = ?", (incident_id,)
            ).fetchone()
            if row is None or row[0] == holder or row[1] < now:
                conn.execute(
                    "INSERT OR REPLACE INTO recorder_leases (incident_id, holder, expires_at) VALUES (?, ?, ?)",
                    (incident_id, holder, now + ttl),
                )
                return True
            return False

        return self._write(take)

    def lease(self, incident_id: int) -> tuple[str, float] | None:
        """Who holds the recorder lease and until when (time.time()), or None: a plain read."""
        row = self._conn.execute(
            "SELECT holder, expires_at FROM recorder_leases WHERE incident_id = ?", (incident_id,)
        ).fetchone()
        return (str(row[0]), float(row[1])) if row is not None else None

    def release_lease(self, incident_id: int, holder: str) -> None:
        self._write(
            lambda c: c.execute(
                "DELETE FROM recorder_leases WHERE incident_id = ? AND holder = ?", (incident_id, holder)
            )
        )
