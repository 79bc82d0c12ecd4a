"""The stores a viewer opens (`warroom review`): the same reading API, on a connection that
cannot write (`opening.open_for_reading`), so reviewing leaves the file exactly as it was."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from warroom.domain.events import Event
from warroom.store.aio import AsyncEventStore, SQLiteThread
from warroom.store.opening import open_for_reading
from warroom.store.rows import EVENT_COLUMNS
from warroom.store.schema import BUSY_TIMEOUT_MS
from warroom.store.sync import EventStore


def open_reader(path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> EventStore:
    """A blocking store that only reads `path` (UserError when it is missing or not warroom's)."""
    name = os.path.expanduser(os.fspath(path))
    opened = open_for_reading(name, busy_timeout_ms)
    return EventStore(opened.conn, name, opened.read_only)


async def open_async_reader(path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> AsyncEventStore:
    """The async twin (for following the file while another process writes it)."""
    name = Path(path).expanduser()
    reasons: list[str | None] = []

    def connector() -> sqlite3.Connection:
        opened = open_for_reading(str(name), busy_timeout_ms)
        reasons.append(opened.read_only)
        return opened.conn

    conn = await SQLiteThread.start(connector)
    return AsyncEventStore(conn, name, reasons[0] if reasons else None, busy_timeout_ms=busy_timeout_ms)


class ReviewReader:
    """The reads the review screen makes, on a read-only connection (see `open_reader`).

    Its first frame needs little: the declaration, the newest rows and a count; the whole
    record is read afterwards, in a worker (`events`)."""

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.store = open_reader(path, busy_timeout_ms=busy_timeout_ms)
        self.path = self.store.path

    def __enter__(self) -> ReviewReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def _rows(self, sql: str, params: tuple[object, ...]) -> list[Event]:
        from warroom.store.rows import row_to_event

        return [row_to_event(r) for r in self.store._read(sql, params)]

    def latest_incident_id(self) -> int | None:
        return self.store.latest_incident_id()

    def declaration(self, incident_id: int) -> Event | None:
        """The incident's first event (its declaration), or None when there is no such incident."""
        found = self._rows(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE incident_id = ? ORDER BY id LIMIT 1", (incident_id,)
        )
        return found[0] if found else None

    def newest(self, incident_id: int, limit: int) -> list[Event]:
        """The newest `limit` events, oldest first."""
        rows = self._rows(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE incident_id = ? ORDER BY id DESC LIMIT ?", (incident_id, limit)
        )
        return rows[::-1]

    def count(self, incident_id: int) -> int:
        found: int = self.store._read("SELECT COUNT(*) FROM events WHERE incident_id = ?", (incident_id,))[0][0]
        return found

    def events(self, incident_id: int) -> list[Event]:
        return self.store.events(incident_id)

    def error_samples(self, incident_id: int) -> list[tuple[str, datetime, float]]:
        return self.store.error_samples(incident_id, datetime(1970, 1, 1, tzinfo=UTC))
