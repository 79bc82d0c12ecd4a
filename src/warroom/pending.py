"""Source events that could not be written yet: kept in order, written late, never dropped.

A probe going DOWN while the disk is full (or the database is locked for longer than the busy
timeout) is still a fact about the incident. The recorder keeps such events here, in the order
they happened, and writes them on the next tick on which writing works again: each with its
real time (`at`) and the delay, `recorded_late_s` in the payload, which the timeline and
`show` print as "recorded 3m late". If the process ends first, `write_file` puts them in a file
beside the database, `<db>.pending-<UTC stamp>.jsonl` (0600), one JSON object a line, and the
exit names it. Standard library only: the recorder runs headless.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from warroom.domain.describe import RECORDED_LATE
from warroom.domain.events import format_ts
from warroom.errors import UserError

#: The payload field with the seconds between an event and its late write.
LATE_FIELD = RECORDED_LATE


def is_write_failure(exc: BaseException) -> bool:
    """A failure of the database to take a write now (locked, full, read-only), which may
    pass; not a bug in what was to be written."""
    return isinstance(exc, (UserError, sqlite3.Error, OSError))


@dataclass
class KeptEvent:
    """One event waiting to be written: the signal as observed and since when it waits."""

    signal: Any  # a domain SignalEvent (kind, text, payload, at, dedupe_key)
    kept_at: datetime
    error: str

    def late_by(self, now: datetime) -> int:
        """Whole seconds between what happened and now, when it is finally written."""
        return max(0, int((now - self.signal.at).total_seconds()))

    def to_json(self, incident_id: int | None) -> dict[str, Any]:
        sig = self.signal
        return {
            "incident_id": incident_id,
            "kind": sig.kind,
            "at": format_ts(sig.at),
            "actor": "warroom",
            "payload": {"text": sig.text, **dict(sig.payload)},
            "dedupe_key": sig.dedupe_key,
            "kept_at": format_ts(self.kept_at),
            "not_written_because": self.error,
        }


@dataclass
class PendingEvents:
    """Events not yet written, oldest first."""

    items: list[KeptEvent] = field(default_factory=list)
    last_error: str | None = None

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def keep(self, signal: Any, error: str, now: datetime | None = None) -> None:
        self.items.append(KeptEvent(signal, now or datetime.now(UTC), error))
        self.last_error = error

    def describe(self) -> str:
        """What a pane or `warroom record` says while events wait."""
        n = len(self.items)
        what = f"{n} event{'s' if n != 1 else ''}" if n else "events"
        return f"{what} kept to write when the database takes writes again ({self.last_error})"

    def write_file(
        self, db_path: str | os.PathLike[str], incident_id: int | None, now: datetime | None = None
    ) -> str | None:
        """Write the waiting events to `<db>.pending-<UTC stamp>.jsonl` (0600) beside the
        database; when that folder cannot take it (the disk is full), the same name in the
        temporary folder, then the home folder. Returns the path, None if nowhere took it."""
        if not self.items:
            return None
        now = now or datetime.now(UTC)
        db = os.path.abspath(os.fspath(db_path))
        name = f"{os.path.basename(db)}.pending-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.jsonl"
        body = "".join(json.dumps(item.to_json(incident_id), ensure_ascii=False) + "\n" for item in self.items)
        for folder in _folders(db):
            path = os.path.join(folder, name)
            if _write_private(path, body.encode("utf-8")):
                return path
        return None

    def lines(self, incident_id: int | None) -> list[str]:
        """The waiting events as JSON lines (the last resort: printed when no file took them)."""
        return [json.dumps(item.to_json(incident_id), ensure_ascii=False) for item in self.items]


def _folders(db: str) -> list[str]:
    out = [os.path.dirname(db), tempfile.gettempdir(), os.path.expanduser("~")]
    return list(dict.fromkeys(out))


def _write_private(path: str, data: bytes) -> bool:
    """Write `path` anew, 0600, completely or not at all."""
    try:
        from warroom.sharing import make_private_file

        fd = make_private_file(path)  # 0600, 0660 in a folder shared by `warroom share`
    except OSError:
        return False
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError:
        os.close(fd)
        try:
            os.unlink(path)
        except OSError:
            pass
        return False
    os.close(fd)
    return True


class KeepsPending:
    """The recorder's side of keeping events (mixed into `recorder.SourceHub`, which provides
    `store`, `incident_id`, `recording`, `_append(signal, late_s=)` and these attributes)."""

    pending: PendingEvents
    pending_file: str | None
    _write_lock: Any
    store: Any
    incident_id: int | None

    if TYPE_CHECKING:  # the host's (`recorder.SourceHub`): whether it records, its write of one signal

        @property
        def recording(self) -> bool: ...

        async def _append(self, sig: Any, late_s: int | None = None) -> Any: ...

    async def _append_or_keep(self, sig: Any) -> Any:
        """Write a signal now, or keep it (behind any already kept: order is kept) when the
        database takes no writes (a full disk, a lock held past the busy timeout)."""
        if self.pending:
            self.pending.keep(sig, self.pending.last_error or "waiting for earlier events")
            return None
        try:
            return await self._append(sig)
        except Exception as exc:
            if not is_write_failure(exc):
                raise
            self.pending.keep(sig, str(exc))
            return None

    async def flush_pending(self) -> list[Any]:
        """Write the kept events, oldest first, each with its real time and the delay
        (`recorded_late_s`); stops at the first that still cannot be written."""
        out: list[Any] = []
        while self.pending:
            item = self.pending.items[0]
            try:
                ev = await self._append(item.signal, late_s=item.late_by(datetime.now(UTC)))
            except Exception as exc:  # still failing (or a bug): keep it, never drop it
                self.pending.last_error = str(exc)
                break
            self.pending.items.pop(0)
            if ev is not None:
                out.append(ev)
        return out

    async def _record(self, signals: list[Any]) -> list[Any]:
        """Write what is kept, then these signals, in order (one writer at a time)."""
        async with self._write_lock:
            recorded = await self.flush_pending() if self.pending else []
            for sig in signals:
                if (ev := await self._append_or_keep(sig)) is not None:
                    recorded.append(ev)
            return recorded

    async def _reopen_writable(self) -> None:
        """A store opened read-only (the disk was full at start) tries to write again."""
        reopen = getattr(self.store, "reopen_writable", None)
        if getattr(self.store, "read_only", None) and callable(reopen):
            await reopen()

    async def finish(self) -> str | None:
        """At the end: write what is kept if the database takes it now, else put it in a file
        beside the database (`PendingEvents.write_file`). Returns that file, or None."""
        if not self.pending or not self.recording:
            return None
        try:
            await self._reopen_writable()
            async with self._write_lock:
                await self.flush_pending()
        except Exception:
            pass
        if self.pending:
            self.pending_file = self.pending.write_file(self.store.path, self.incident_id)
        return self.pending_file
