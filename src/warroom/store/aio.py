"""The async event store for the UI and the recorder: same file format and rules as `EventStore`.

Each call runs the blocking `EventStore` logic on the store's own SQLite thread as one unit (one
round trip): an append is one short `BEGIN IMMEDIATE` transaction, committed before the awaitable
returns. One implementation of the rules, two ways to call it.

The thread (`SQLiteThread`) is the store's own, built from public standard-library parts:
aiosqlite offers no public way to run a whole function (a transaction of several statements)
in its connection's thread, only one statement per await, which made appends three round trips.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from warroom.domain.events import Event
from warroom.domain.incident import IncidentState, fold
from warroom.domain.signals import Sample
from warroom.errors import UserError
from warroom.store.checkpoints import IncidentOpening, read_history
from warroom.store.opening import FOR_READING, Opened, open_connection, open_for_reading
from warroom.store.rows import EVENT_COLUMNS, row_to_event
from warroom.store.schema import BUSY_TIMEOUT_MS, busy_or
from warroom.store.sync import EventStore

T = TypeVar("T")


class AsyncEventStore:
    """Async twin of `EventStore`. Open with `await AsyncEventStore.open(path)`."""

    def __init__(
        self, conn: SQLiteThread, path: Path, read_only: str | None = None, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        self._conn = conn
        self.path = path
        #: Why this store is open read-only ("the disk is full"...), or None when it can write.
        self.read_only = read_only
        #: One-time lines for the user found on opening (others could read the file...).
        self.notices: list[str] = []
        self._busy_timeout_ms = busy_timeout_ms

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        allow_read_only: bool = True,
        for_reading: bool = False,
    ) -> AsyncEventStore:
        """Open (or create) the database in the store's thread: writable, or read-only when it
        cannot be written (see `warroom.store.opening`). `for_reading` (`--readonly`): opened
        `mode=ro` with no write path at all (`opening.open_for_reading`), and never reopened."""
        path = Path(path).expanduser()
        conn, opened = await _connect(path, busy_timeout_ms, allow_read_only, for_reading)
        store = cls(conn, path, opened.read_only, busy_timeout_ms=busy_timeout_ms)
        store.notices = opened.notices
        return store

    async def reopen_writable(self) -> bool:
        """A store opened read-only tries to open the file for writing again (space was freed,
        the mount remounted); True when it now can write."""
        if not self.read_only:
            return True
        if self.read_only == FOR_READING:  # `--readonly`: a viewer never gains a write path
            return False
        try:
            conn, opened = await _connect(self.path, self._busy_timeout_ms, False)
        except UserError:
            return False
        old, self._conn = self._conn, conn
        self.read_only = None
        self.notices = opened.notices
        await old.close()
        return True

    async def close(self) -> None:
        await self._conn.close()

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn(raw_connection)` in the store's thread: one round trip."""
        try:
            return await self._conn.run(fn)
        except sqlite3.Error as exc:
            raise busy_or(exc, self.path) from None

    async def append(
        self,
        incident_id: int,
        kind: str,
        payload: Mapping[str, Any],
        *,
        actor: str,
        at: datetime | None = None,
        dedupe_key: str | None = None,
    ) -> Event | None:
        """Append and commit one event; None if its `dedupe_key` was already recorded."""
        return await self._run(
            lambda raw: EventStore(raw, self.path, self.read_only).append(
                incident_id, kind, payload, actor=actor, at=at, dedupe_key=dedupe_key
            )
        )

    async def declare(self, title: str, severity: int, **kwargs: Any) -> Event:
        """Same as `EventStore.declare`, run in the store's thread."""
        return await self._run(
            lambda raw: EventStore(raw, self.path, self.read_only).declare(title, severity, **kwargs)
        )

    async def record_alerts(self, writes: Any, *, prefer: int | None = None, index: Any = None) -> Any:
        """`store.alerts.record_alerts` (one notification, one transaction), in the store's thread."""
        from warroom.store.alerts import record_alerts

        items = list(writes)
        return await self._run(
            lambda raw: record_alerts(EventStore(raw, self.path, self.read_only), items, prefer=prefer, index=index)
        )

    async def record_alert_groups(self, groups: Any, *, prefer: int | None = None, index: Any = None) -> Any:
        """`store.alerts.record_alert_groups` (several notifications, one transaction), in the store's thread."""
        from warroom.store.alerts import record_alert_groups

        items = [list(writes) for writes in groups]
        return await self._run(
            lambda raw: record_alert_groups(
                EventStore(raw, self.path, self.read_only), items, prefer=prefer, index=index
            )
        )

    async def add_samples(self, incident_id: int, samples: Iterable[Sample]) -> int:
        items = list(samples)
        return await self._run(lambda raw: EventStore(raw, self.path, self.read_only).add_samples(incident_id, items))

    async def downsample_samples(
        self, incident_id: int, series: Iterable[str], before: datetime, since: datetime | None = None
    ) -> int:
        """Same as `EventStore.downsample_samples`, run in the store's thread."""
        names = list(series)
        return await self._run(
            lambda raw: EventStore(raw, self.path, self.read_only).downsample_samples(incident_id, names, before, since)
        )

    async def error_samples(self, incident_id: int, since: datetime) -> list[tuple[str, datetime, float]]:
        """Same as `EventStore.error_samples`, run in the store's thread."""
        return await self._run(lambda raw: EventStore(raw, self.path, self.read_only).error_samples(incident_id, since))

    async def events(self, incident_id: int, after_id: int = 0) -> list[Event]:
        rows = await self._run(
            lambda raw: raw.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE incident_id = ? AND id > ? ORDER BY id",
                (incident_id, after_id),
            ).fetchall()
        )
        return [row_to_event(r) for r in rows]

    async def incident(self, incident_id: int) -> IncidentState:
        state = fold(await self.events(incident_id))
        if state is None:
            raise UserError(f"no incident INC-{incident_id} in {self.path}")
        return state

    async def open_incident(self, incident_id: int) -> IncidentOpening:
        """`EventStore.open_incident` in the store's thread."""
        return await self._run(lambda raw: EventStore(raw, self.path).open_incident(incident_id))

    async def history(self, incident_id: int, before_id: int, after_id: int = 0, limit: int = 5000) -> list[Event]:
        """Up to `limit` events of the incident with `after_id < id < before_id`, oldest first
        (the older history the war room loads after its first frame, a page at a time)."""
        return await self._run(lambda raw: read_history(raw, incident_id, before_id, after_id, limit))

    async def save_checkpoint(self, state: IncidentState) -> bool:
        """`EventStore.save_checkpoint` in the store's thread: best effort, never raises."""
        if self.read_only:
            return False
        try:
            return await self._conn.run(lambda raw: EventStore(raw, self.path).save_checkpoint(state))
        except (sqlite3.Error, ValueError):  # closed meanwhile (quitting): nothing to save into
            return False

    async def incidents(self) -> list[IncidentState]:
        rows = await self._run(lambda raw: raw.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id").fetchall())
        grouped: dict[int, list[Event]] = defaultdict(list)
        for row in rows:
            ev = row_to_event(row)
            grouped[ev.incident_id].append(ev)
        return [s for _, evs in sorted(grouped.items()) if (s := fold(evs)) is not None]

    async def open_incident_ids(self) -> list[int]:
        return await self._run(lambda raw: EventStore(raw, self.path).open_incident_ids())

    async def data_version(self) -> int:
        return await self._run(lambda raw: raw.execute("PRAGMA data_version").fetchone()[0])

    async def max_event_id(self) -> int:
        return await self._run(lambda raw: raw.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    async def acquire_lease(self, incident_id: int, holder: str, ttl: float, now: float | None = None) -> bool:
        return await self._run(
            lambda raw: EventStore(raw, self.path, self.read_only).acquire_lease(incident_id, holder, ttl, now)
        )

    async def lease(self, incident_id: int) -> tuple[str, float] | None:
        """Who holds the recorder lease and until when (time.time()), read without a write lock."""
        return await self._run(lambda raw: EventStore(raw, self.path, self.read_only).lease(incident_id))

    async def release_lease(self, incident_id: int, holder: str) -> None:
        await self._run(lambda raw: EventStore(raw, self.path, self.read_only).release_lease(incident_id, holder))


class SQLiteThread:
    """One sqlite3 connection and the one thread that ever touches it: calls queue in order and
    each runs whole (a transaction of several statements is one call).

    A plain queue and `loop.call_soon_threadsafe`, not `run_in_executor`: an executor's futures
    cost about a third of the append rate (measured with benchmarks/append_rate.py)."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[tuple[asyncio.Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._raw: sqlite3.Connection | None = None
        # Not a daemon: a write in progress finishes before the process ends.
        self._thread = threading.Thread(target=self._serve, name="warroom-sqlite")

    @classmethod
    async def start(cls, connector: Callable[[], sqlite3.Connection]) -> SQLiteThread:
        """A new thread with the connection `connector` opens in it (so opening never blocks the loop)."""
        thread = cls()
        thread._thread.start()
        try:
            thread._raw = await thread._call(connector)
        except BaseException:
            thread._calls.put(None)
            raise
        return thread

    def _serve(self) -> None:
        while (item := self._calls.get()) is not None:
            future, fn = item
            try:
                result = fn()
            except BaseException as exc:
                _settle(future, None, exc)
            else:
                _settle(future, result, None)

    def _call(self, fn: Callable[[], T]) -> asyncio.Future[T]:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._calls.put((future, fn))
        return future

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`fn(connection)` in the connection's thread, after every call queued before it."""
        raw = self._raw
        if raw is None:
            raise ValueError("the database connection is closed")
        return await self._call(lambda: fn(raw))

    async def close(self) -> None:
        """Close the connection (after the calls already queued) and let the thread end."""
        raw, self._raw = self._raw, None
        if raw is None:
            return
        try:
            await self._call(raw.close)
        finally:
            self._calls.put(None)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    """Hand a result (or error) from the SQLite thread to the loop that awaits it."""

    def apply() -> None:
        if future.done():
            return  # the caller was cancelled
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    try:
        future.get_loop().call_soon_threadsafe(apply)
    except RuntimeError:
        pass  # the loop is closed: nobody is waiting any more


async def _connect(
    path: Path, busy_timeout_ms: int, allow_read_only: bool, for_reading: bool = False
) -> tuple[SQLiteThread, Opened]:
    """A connection in a thread of its own, whose whole opening (checks, fallback) runs there."""
    found: list[Opened] = []

    def connector() -> sqlite3.Connection:
        if for_reading:
            opened = open_for_reading(str(path), busy_timeout_ms)
        else:
            opened = open_connection(str(path), busy_timeout_ms, allow_read_only=allow_read_only)
        found.append(opened)
        return opened.conn

    conn = await SQLiteThread.start(connector)
    return conn, found[0]
