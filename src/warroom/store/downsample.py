"""Down-sampling of stored samples: full resolution for the newest minutes, one a minute older.

The recorder keeps at most one sample per series every `sample_every` seconds (10 s: 360 an hour).
Over a 12-hour incident that is most of the database's growth, and nothing reads old samples at
that resolution: the review chart and the recovery rule read the logs' per-minute error counts
(already one a minute), exports list what is stored. So once samples are older than the
full-resolution window, each series keeps one row per minute, stamped at the minute's start, whose
value is the mean of that minute's samples. The database then grows by a fixed amount per hour
whatever the poll intervals (`benchmarks/long_run.py` reports it).

`downsample(conn, incident_id, series, before, since)` works on a connection inside the caller's
write transaction (`EventStore.downsample_samples`); it never touches events (append-only).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from warroom.domain.events import format_ts

#: Length of "YYYY-MM-DDTHH:MM" in the storage form of a time (`format_ts`): a row's minute.
_MINUTE = 16


def minute_floor(at: datetime) -> datetime:
    """`at` rounded down to its minute (the boundaries down-sampling works between)."""
    return at.replace(second=0, microsecond=0)


def downsample(
    conn: sqlite3.Connection,
    incident_id: int,
    series: Iterable[str],
    before: datetime,
    since: datetime | None = None,
) -> int:
    """Replace each minute of `series` before `before` (from `since`, if given) that holds more
    than one sample with one sample at the minute's start, the mean of its values; rows removed.

    `before` and `since` should be whole minutes (`minute_floor`) so a minute is never split
    between two calls. A minute already down to one row is left exactly as it is.
    """
    end = format_ts(minute_floor(before))
    start = format_ts(minute_floor(since)) if since is not None else ""
    removed = 0
    for name in series:
        rows = conn.execute(
            "SELECT id, at, value FROM samples WHERE incident_id = ? AND series = ? AND at >= ? AND at < ? "
            "ORDER BY at, id",
            (incident_id, name, start, end),
        ).fetchall()
        minutes: dict[str, list[tuple[int, float]]] = {}
        for row_id, at, value in rows:
            minutes.setdefault(str(at)[:_MINUTE], []).append((int(row_id), float(value)))
        crowded = {minute: group for minute, group in minutes.items() if len(group) > 1}
        if not crowded:
            continue
        conn.executemany("DELETE FROM samples WHERE id = ?", [(i,) for g in crowded.values() for i, _ in g])
        conn.executemany(
            "INSERT INTO samples (incident_id, series, at, value) VALUES (?, ?, ?, ?)",
            [
                (incident_id, name, f"{minute}:00.000000Z", sum(v for _, v in group) / len(group))
                for minute, group in crowded.items()
            ],
        )
        removed += sum(len(g) - 1 for g in crowded.values())
    return removed
