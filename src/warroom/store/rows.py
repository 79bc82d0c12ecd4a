"""Converting between `Event` and database rows (shared by both stores)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from functools import lru_cache

from warroom.domain.events import Event, format_ts, parse_ts

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
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


@lru_cache(maxsize=4)
def _origin_json(pid: int) -> str:
    """`origin()` as stored, made once per process (an alert storm appends thousands of events)."""
    return json.dumps(origin(), sort_keys=True)


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
        _storable(actor),
        _storable(json.dumps(dict(payload), ensure_ascii=False, sort_keys=True)),
        _origin_json(orig["pid"]),
        dedupe_key,
    )
    return params, when, recorded, orig


#: Anything `redact.redact_typed` could hide contains one of these, lowercased (a registered
#: `${ENV}` value is checked by redact itself, which is loaded whenever one is registered).
#: Substrings, not a regex: compiling one would cost `warroom note` ~0.3 ms on every run.
_MAYBE_CREDENTIAL = (
    "://", "=", "bearer", "basic", "token", "hooks.slack", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
    "xox", "akia", "asia", "eyj",
)  # fmt: skip


def _may_hold_credential(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _MAYBE_CREDENTIAL)


def redact_typed_payload(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """`payload` with credentials in its text hidden (`warroom.redact.redact_typed`): a note
    pasted from a terminal keeps its words but not the token in its URL. `warroom.redact` (~5 ms
    to import) is loaded only when a string could hold one or when secrets were registered."""
    import sys

    if "warroom.redact" not in sys.modules and not any(_may_hold_credential(s) for s in _strings(payload)):
        return payload
    from warroom.redact import redact_typed_json

    hidden: Mapping[str, Any] = redact_typed_json(payload)
    return hidden


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _storable(text: str) -> str:
    """`text` as SQLite can store it: a lone surrogate (a byte of invalid UTF-8 carried in a str
    by a pasted line or a file name) becomes U+FFFD instead of failing the whole append."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return re.sub("[\ud800-\udfff]", "\ufffd", text)


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


def _stored_json(text: object, memo: dict[Any, dict[str, Any]] | None = None) -> dict[str, Any] | None:
    if text == "{}":  # most origins: no parse for nothing
        return {}
    if memo is not None:
        flat = memo.get(text)
        if flat is not None:
            return dict(flat)  # each event its own dict, as a parse would give
    try:
        value = json.loads(text)  # type: ignore[arg-type]  # whatever the row holds: not text is caught below
    except (TypeError, ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    if memo is not None and all(type(item) in _FLAT for item in value.values()):
        memo[text] = value  # a shallow copy of it is a full copy: no nested dict or list to share
        return dict(value)
    return value


#: The JSON values a shallow copy copies completely.
_FLAT = frozenset({str, int, float, bool, type(None)})


def rows_to_events(rows: Iterable[tuple[Any, ...]]) -> list[Event]:
    """`row_to_event` over many rows, parsing each distinct flat payload text once: a long
    incident repeats the same few ("probe api DOWN", "log app error spike")."""
    memo: dict[Any, dict[str, Any]] = {}
    return [row_to_event(row, memo) for row in rows]


def row_to_event(row: tuple[Any, ...], memo: dict[Any, dict[str, Any]] | None = None) -> Event:
    """The event a row holds. A row that cannot be read as written never stops the reader: it
    comes back with a stand-in (its recorded time for a bad `at`, an empty payload for broken
    JSON) and `problem` saying what was wrong, which every view shows beside it."""
    id_, incident_id, at, recorded_at, kind, actor, payload, orig, dedupe = row
    problems: list[str] = []
    recorded = _stored_time(recorded_at)
    when = recorded if at == recorded_at else _stored_time(at)  # the same text most often: parse once
    if when is None:
        problems.append(f"bad time {str(at)[:40]!r}, shown at the time it was recorded")
        when = recorded or _FALLBACK_TIME
    if recorded is None:
        if recorded_at != at:
            problems.append(f"bad recorded time {str(recorded_at)[:40]!r}")
        recorded = when
    data = _stored_json(payload, memo)
    if data is None:
        problems.append("unreadable payload")
        data = {}
    elif not data.keys().isdisjoint(_PAYLOAD_TIMES):
        problems += [
            f"bad time in {key} {str(data[key])[:40]!r}"
            for key in _PAYLOAD_TIMES
            if isinstance(data.get(key), str) and _stored_time(data[key]) is None
        ]
    return Event(  # positional: a keyword call costs a long incident's read ~10% more
        incident_id,
        when,
        kind if type(kind) is str else str(kind),
        actor if type(actor) is str else str(actor),
        data,
        id_,
        recorded,
        _stored_json(orig, memo) or {},
        dedupe,
        f"event #{id_}: " + "; ".join(problems) if problems else None,
    )


#: Payload fields that hold times the fold reads (back-dated milestones, declared start).
_PAYLOAD_TIMES = ("at", "started_at", "detected_at")
#: The time shown for an event whose own and recorded times are both unreadable.
_FALLBACK_TIME = datetime(2000, 1, 1, tzinfo=UTC)
