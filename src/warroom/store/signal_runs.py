"""A long incident's signals summarised as the postmortem's timeline shows them, without an event each.

The postmortem collapses the machine's signals (probe flaps, log spikes...) between two people's
entries into one line per subject (`domain.postmortem_signals`). At 100,000 events that is
~98% of the rows, and making an `Event` of each costs more than everything else the postmortem
does. So:

- `postmortem_rows` makes events of the other rows only (a few thousand), and reads of each
  signal row only what a run needs: its id, times, kind and payload text;
- `signal_runs` groups those between the people's entries, describing each distinct payload
  once (the caller's `describe`: its subject and words, redacted), and counts each run's rows.

Together they give exactly what the record's own events give (`postmortem_signals.run_of`), or
None when a signal row is not as the store writes it (a time not in the storage form, an
unreadable payload or recorded time, a payload time the reader flags): the caller then makes
the events after all, so the reader's stand-ins and warnings are worded as everywhere else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from warroom.domain.events import Event, Kind
from warroom.domain.postmortem_signals import NOISE_KINDS, SignalRun
from warroom.store.rows import _PAYLOAD_TIMES, EVENT_COLUMNS, _stored_json, _stored_time, rows_to_events

#: (kind, payload) -> (subject, words): what a signal is about and what the timeline says of it.
Describe = Callable[[str, dict[str, Any]], tuple[tuple[str, ...], str]]
#: A signal row as a run needs it: (id, at, recorded_at or None when it is `at`, kind, payload).
SignalRow = tuple[Any, ...]

_KINDS = tuple(sorted(NOISE_KINDS))
_NOISE = f"kind IN ({', '.join('?' * len(_KINDS))})"
_OTHER_ROWS = f"SELECT {EVENT_COLUMNS} FROM events WHERE incident_id = ? AND NOT {_NOISE} ORDER BY id"
# Two reads rather than one: a signal row's other columns are never read, and not fetching
# them is cheaper than one read telling the rows apart.
# (A recorded time that is the row's own time, as it nearly always is, comes back as NULL.)
_SIGNAL_ROWS = (
    "SELECT id, at, CASE WHEN recorded_at = at THEN NULL ELSE recorded_at END, kind, payload FROM events "
    f"WHERE incident_id = ? AND {_NOISE} ORDER BY id"
)
_PROBES = frozenset({Kind.PROBE_DOWN, Kind.PROBE_UP})
_END = (datetime.max.replace(tzinfo=UTC), 0)
_START = datetime.min.replace(tzinfo=UTC)


class _Unlike(Exception):
    """A signal row the store did not write as it writes them: read it as an event."""


def postmortem_rows(conn: sqlite3.Connection, incident_id: int) -> tuple[list[Event], list[SignalRow]]:
    """The incident's events but its signals, and its signal rows, each in id order: both read
    in one transaction, so a writer appending meanwhile is in both or in neither."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        others = conn.execute(_OTHER_ROWS, (incident_id, *_KINDS)).fetchall()
        signals = conn.execute(_SIGNAL_ROWS, (incident_id, *_KINDS)).fetchall()
    finally:
        if own:
            conn.execute("COMMIT")
    return rows_to_events(others), signals


def signal_actors(conn: sqlite3.Connection, incident_id: int) -> list[str]:
    """Who wrote the incident's signal rows (the recorder as `warroom`, a person now and then)."""
    rows = conn.execute(
        f"SELECT DISTINCT actor FROM events WHERE incident_id = ? AND {_NOISE} ORDER BY actor", (incident_id, *_KINDS)
    ).fetchall()
    return [actor if isinstance(actor, str) else str(actor) for (actor,) in rows]


def _flagged_time(data: dict[str, Any]) -> bool:
    """Whether the payload holds a time the reader flags as unreadable (as `rows.row_to_event`)."""
    return any(isinstance(data.get(key), str) and _stored_time(data[key]) is None for key in _PAYLOAD_TIMES)


def signal_runs(
    rows: Sequence[SignalRow], cuts: Sequence[tuple[datetime, int]], describe: Describe
) -> list[SignalRun] | None:
    """The runs of the signal rows between `cuts` ((time, id) of the entries that end a run, in
    order), one per subject in each stretch, as `postmortem_signals.run_of` makes them from
    events; None when a row is one the reader would read otherwise than as written (see the
    module docstring): read the rows as events."""
    try:
        try:
            return _runs(rows, cuts, describe, in_time_order=False)
        except _OutOfOrder:  # back-dated or merged rows: the timeline's order is time, then id
            return _runs(rows, cuts, describe, in_time_order=True)
    except (_Unlike, ValueError, TypeError, OverflowError):
        return None


class _OutOfOrder(Exception):
    """A signal row is older than the one before it (in id order)."""


def _runs(
    rows: Sequence[SignalRow], cuts: Sequence[tuple[datetime, int]], describe: Describe, *, in_time_order: bool
) -> list[SignalRun]:
    """One pass over the rows (the hot loop of a long incident's postmortem: each line counts)."""
    if in_time_order:
        rows = sorted(rows, key=lambda row: (_time(row[1]), row[0]))
    fromiso = datetime.fromisoformat
    # payload text -> (subject's number, words, a probe down?, kind): each payload judged once
    said_of: dict[str, tuple[int, str, bool, str]] = {}
    subjects: dict[tuple[str, ...], int] = {}
    runs: list[SignalRun] = []
    # subject's number -> [first time, first id, first words, last time, last words, count, downs, probe]
    pending: dict[int, list[Any]] = {}
    ends = iter([*cuts, _END])
    end_at, end_id = next(ends)
    previous = _START
    down_kind = Kind.PROBE_DOWN
    make = SignalRun._make
    for id_, at, recorded, kind, payload in rows:
        if len(at) != 27 or at[-1] != "Z":  # not the storage form: the reader's parse decides
            raise _Unlike
        when = fromiso(at)
        if when < previous:
            raise _OutOfOrder
        previous = when
        if recorded is not None and _stored_time(recorded) is None:
            raise _Unlike
        if when > end_at or (when == end_at and id_ > end_id):
            runs += map(make, pending.values())
            pending.clear()
            while when > end_at or (when == end_at and id_ > end_id):
                end_at, end_id = next(ends)
        said = said_of.get(payload)
        if said is None or said[3] != kind:
            data = _stored_json(payload)
            if data is None or _flagged_time(data):
                raise _Unlike
            subject, words = describe(kind, data)
            number = subjects.setdefault(subject, len(subjects))
            said = said_of[payload] = (number, words, kind == down_kind, kind)
        group = pending.get(said[0])
        if group is None:
            pending[said[0]] = [when, id_, said[1], when, said[1], 1, int(said[2]), kind in _PROBES]
        else:
            group[3] = when
            group[4] = said[1]
            group[5] += 1
            if said[2]:
                group[6] += 1
    if rows and fromiso(rows[0][1]).year < 2000:  # the oldest row: the reader would not believe it
        raise _Unlike
    runs += map(make, pending.values())
    return runs


def _time(at: Any) -> datetime:
    """A signal row's time for sorting; `_Unlike` when it is not in the storage form (the
    loop then finds it so too)."""
    if not isinstance(at, str) or len(at) != 27 or at[-1] != "Z":
        raise _Unlike
    return datetime.fromisoformat(at)
