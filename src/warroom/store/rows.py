"""Converting between `Event` and database rows (shared by both stores)."""

from __future__ import annotations

import getpass
import json
import os
import socket
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Mapping

from warroom.domain.events import Event, format_ts, parse_ts

EVENT_COLUMNS = "id, incident_id, at, recorded_at, kind, actor, payload, origin, dedupe_key"
INSERT_EVENT = (
    "INSERT OR IGNORE INTO events (incident_id, at, recorded_at, kind, actor, payload, origin, dedupe_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


@lru_cache(maxsize=1)
def _host_user() -> tuple[str, str]:
    try:
        user = getpass.getuser()
    except Exception:  # no login name in some containers
        user = str(os.getuid())
    return socket.gethostname(), user


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
