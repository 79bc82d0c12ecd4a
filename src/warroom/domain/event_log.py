"""The JSONL event log: one stored event per line, as `warroom export --format jsonl` writes it
and `warroom import` reads it back.

A line holds every stored field of the event (`id`, `incident_id`, `at`, `recorded_at`, `kind`,
`actor`, `payload`, `origin` with the OS login, host and pid that wrote it, and `dedupe_key`),
keys sorted and times in the store's fixed-width UTC form, so two exports of the same record are
byte-identical and a diff shows only what changed.

Events are identified across databases by a natural key that no copy changes: when the event
happened and was written, its kind, actor and dedupe key, and the origin (host, login, pid) that
wrote it. An incident is identified by its declaration's key. Database ids are not part of
either: the same incident is INC-7 in one file and INC-3 in another.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from warroom.domain.events import Event, format_ts, parse_ts
from warroom.sanitize import terminal_json

#: Every field of a line, in the (sorted) order it is written.
FIELDS = ("actor", "at", "dedupe_key", "id", "incident_id", "kind", "origin", "payload", "recorded_at")

NaturalKey = tuple[str, str, str, str, str, str, str, str]


def event_record(ev: Event) -> dict[str, Any]:
    """The line's object for one stored event (every stored field, nothing derived)."""
    return {
        "actor": ev.actor,
        "at": format_ts(ev.at),
        "dedupe_key": ev.dedupe_key,
        "id": ev.id,
        "incident_id": ev.incident_id,
        "kind": ev.kind,
        "origin": dict(ev.origin),
        "payload": dict(ev.payload),
        "recorded_at": format_ts(ev.recorded_at or ev.at),
    }


def dump_line(record: Mapping[str, Any]) -> str:
    """One JSONL line (no newline): sorted keys, UTF-8 kept readable, no spaces to differ on, and
    any character a terminal would act on (C1 controls, bidi overrides) written as a `\\uXXXX`
    escape, so `cat` or a pager shows the line as it is and the data stays exact."""
    return terminal_json(dict(record), sort_keys=True, separators=(",", ":"))


def natural_key(ev: Event) -> NaturalKey:
    """What makes an event the same event in any database: when it happened and was written (to
    the microsecond), its kind, actor and dedupe key, and the process that wrote it (host, login,
    pid). Not the payload: an export hides secrets in it, and the copy must still match."""
    origin = ev.origin
    return (
        format_ts(ev.at),
        format_ts(ev.recorded_at or ev.at),
        ev.kind,
        ev.actor,
        ev.dedupe_key or "",
        str(origin.get("host", "")),
        str(origin.get("user", "")),
        str(origin.get("pid", "")),
    )


class LineError(ValueError):
    """A line that is not a warroom event; the message says what is wrong with it."""


def _time(record: Mapping[str, Any], key: str) -> datetime:
    value = record.get(key)
    if not isinstance(value, str):
        raise LineError(f"{key!r} must be a time like 2026-11-26T03:12:00.000000Z")
    try:
        when = parse_ts(value)
    except (ValueError, OverflowError):
        raise LineError(f"{key!r} is not a time: {value[:40]!r}") from None
    if when.year < 2000:
        raise LineError(f"{key!r} is before 2000: {value[:40]!r}")
    return when


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value:
        raise LineError(f"{key!r} must be a non-empty string")
    return value


def _actor(record: Mapping[str, Any]) -> str:
    value = record.get("actor")
    if not isinstance(value, str):
        raise LineError("'actor' must be a string")
    return value


def _number(record: Mapping[str, Any], key: str) -> int:
    value = record.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        raise LineError(f"{key!r} must be a positive whole number")
    return value


def parse_line(text: str) -> Event:
    """The event one JSONL line holds; LineError saying what is wrong otherwise."""
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise LineError(f"not JSON ({exc})") from None
    if not isinstance(record, dict):
        raise LineError("not a JSON object")
    missing = [key for key in FIELDS if key not in record]
    if missing:
        raise LineError(f"missing {', '.join(missing)}")
    for key in ("payload", "origin"):
        if not isinstance(record[key], dict):
            raise LineError(f"{key!r} must be a JSON object")
    dedupe = record["dedupe_key"]
    if dedupe is not None and not isinstance(dedupe, str):
        raise LineError("'dedupe_key' must be a string or null")
    return Event(
        incident_id=_number(record, "incident_id"),
        at=_time(record, "at"),
        kind=_text(record, "kind"),
        actor=_actor(record),
        payload=record["payload"],
        id=_number(record, "id"),
        recorded_at=_time(record, "recorded_at"),
        origin=record["origin"],
        dedupe_key=dedupe,
    )
