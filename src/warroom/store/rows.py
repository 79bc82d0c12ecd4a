"""Converting between `Event` and database rows (shared by both stores)."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from functools import lru_cache

from warroom.domain.events import Event, format_ts, parse_ts

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

if TYPE_CHECKING:
    from typing import Any, Mapping

EVENT_COLUMNS = "id, incident_id, at, recorded_at, kind, actor, payload, origin, dedupe_key"
INSERT_EVENT = (
    "INSERT OR IGNORE INTO events (incident_id, at, recorded_at, kind, actor, payload, origin, dedupe_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


@lru_cache(maxsize=1)
def _host_user() -> tuple[str, str]:
    # os.uname/environ instead of socket/getpass: `warroom note` pays for every import.
    user = os.environ.get("LOGNAME") or os.environ.get("USER")
    if not user:
        try:
            import pwd

            user = pwd.getpwuid(os.getuid()).pw_name
        except Exception:  # no passwd entry in some containers
            user = str(os.getuid())
    return os.uname().nodename, user


def origin() -> dict[str, Any]:
    host, user = _host_user()
    return {"host": host, "user": user, "pid": os.getpid()}


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


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


def row_to_event(row: tuple[Any, ...]) -> Event:
    id_, incident_id, at, recorded_at, kind, actor, payload, orig, dedupe = row
    return Event(
        incident_id=incident_id,
        at=parse_ts(at),
        kind=kind,
        actor=actor,
        payload=json.loads(payload),
        id=id_,
        recorded_at=parse_ts(recorded_at),
        origin=json.loads(orig),
        dedupe_key=dedupe,
    )
