"""Converting between `Event` and database rows (shared by both stores)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from functools import lru_cache

from warroom.domain.events import Event, format_ts, parse_ts

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

EVENT_COLUMNS = "id, incident_id, at, recorded_at, kind, actor, payload, origin, dedupe_key"
INSERT_EVENT = (
    "INSERT OR IGNORE INTO events (incident_id, at, recorded_at, kind, actor, payload, origin, dedupe_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


@lru_cache(maxsize=1)
def _host_user() -> tuple[str, str]:
    """(host, OS login) of this process: the audit trail. The login comes from the password
    database for the real uid, never from $USER/$LOGNAME (anyone can set those) nor from
    `--as`/$WARROOM_USER (the display name, a convenience)."""
    # os.uname/pwd instead of socket/getpass: `warroom note` pays for every import.
    try:
        import pwd

        user = pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # no passwd entry in some containers: the uid itself
        user = str(os.getuid())
    return os.uname().nodename, user


def origin() -> dict[str, Any]:
    """Who really wrote an event: {"host", "user" (the real OS login), "pid"}."""
    host, user = _host_user()
    return {"host": host, "user": user, "pid": os.getpid()}


def now_utc() -> datetime:
    return datetime.now(UTC)


def event_params(
    incident_id: int,
    kind: str,
    payload: Mapping[str, Any],
    actor: str,
    at: datetime | None,
    dedupe_key: str | None,
) -> tuple[tuple[Any, ...], datetime, datetime, dict[str, Any]]:
    recorded = now_utc()
    when = at or recorded
    orig = origin()
    params = (
        incident_id,
        format_ts(when),
        format_ts(recorded),
        kind,
        actor,
        json.dumps(dict(payload), ensure_ascii=False, sort_keys=True),
        json.dumps(orig, sort_keys=True),
        dedupe_key,
    )
    return params, when, recorded, orig


def _stored_time(text: object) -> datetime | None:
    """A stored time, or None when it cannot be one (a typo'd year written before times were
    checked, a hand-edited row): reading must go on whatever the file holds."""
    if not isinstance(text, str):
        return None
    try:
        when = parse_ts(text)
    except (ValueError, OverflowError):
        return None
    return when if when.year >= 2000 else None


def _stored_json(text: object) -> dict[str, Any] | None:
    try:
        value = json.loads(text)  # type: ignore[arg-type]  # whatever the row holds: not text is caught below
    except (TypeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def row_to_event(row: tuple[Any, ...]) -> Event:
    """The event a row holds. A row that cannot be read as written never stops the reader: it
    comes back with a stand-in (its recorded time for a bad `at`, an empty payload for broken
    JSON) and `problem` saying what was wrong, which every view shows beside it."""
    id_, incident_id, at, recorded_at, kind, actor, payload, orig, dedupe = row
    problems: list[str] = []
    recorded = _stored_time(recorded_at)
    when = _stored_time(at)
    if when is None:
        problems.append(f"bad time {str(at)[:40]!r}, shown at the time it was recorded")
        when = recorded or _FALLBACK_TIME
    if recorded is None:
        if recorded_at != at:
            problems.append(f"bad recorded time {str(recorded_at)[:40]!r}")
        recorded = when
    data = _stored_json(payload)
    if data is None:
        problems.append("unreadable payload")
        data = {}
    else:
        problems += [
            f"bad time in {key} {str(data[key])[:40]!r}"
            for key in _PAYLOAD_TIMES
            if isinstance(data.get(key), str) and _stored_time(data[key]) is None
        ]
    return Event(
        incident_id=incident_id,
        at=when,
        kind=str(kind),
        actor=str(actor),
        payload=data,
        id=id_,
        recorded_at=recorded,
        origin=_stored_json(orig) or {},
        dedupe_key=dedupe,
        problem=f"event #{id_}: " + "; ".join(problems) if problems else None,
    )


#: Payload fields that hold times the fold reads (back-dated milestones, declared start).
_PAYLOAD_TIMES = ("at", "started_at", "detected_at")
#: The time shown for an event whose own and recorded times are both unreadable.
_FALLBACK_TIME = datetime(2000, 1, 1, tzinfo=UTC)
