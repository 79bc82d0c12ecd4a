"""Times people type under pressure: ISO 8601, `HH:MM` (UTC) and relative `-15m`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from warroom.domain.events import utc

_REL = re.compile(r"^-\s*((?:\d+\s*[dhms]\s*)+)$", re.IGNORECASE)
_PART = re.compile(r"(\d+)\s*([dhms])", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """`15m`, `2h`, `1h30m`, `90s`, `2d` -> timedelta."""
    t = text.strip()
    if not t or not re.fullmatch(r"(?:\d+\s*[dhms]\s*)+", t, re.IGNORECASE):
        raise ValueError(f"not a duration: {text!r} (examples: 90s, 15m, 2h, 1h30m)")
    return timedelta(seconds=sum(int(n) * _UNITS[u.lower()] for n, u in _PART.findall(t)))


def parse_time(text: str, now: datetime) -> datetime:
    """Parse a user-typed time into aware UTC.

    - ISO 8601 (`2026-11-26T03:12:00Z`, `2026-11-26 03:12`); no offset means UTC.
    - `HH:MM` or `HH:MM:SS`: that clock time in UTC today; if that is still ahead of `now`
      (typed just after midnight about last night), the day before.
    - `-15m`, `-2h`, `-1h30m`: relative to now. `now` itself.
    """
    t = text.strip()
    now = utc(now)
    if t.lower() == "now":
        return now
    m = _REL.match(t)
    if m:
        return now - parse_duration(m.group(1))
    m = _CLOCK.match(t)
    if m:
        hh, mm, ss = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        if hh > 23 or mm > 59 or ss > 59:
            raise ValueError(f"not a clock time: {text!r}")
        candidate = now.replace(hour=hh, minute=mm, second=ss, microsecond=0)
        if candidate > now + timedelta(minutes=1):
            candidate -= timedelta(days=1)
        return candidate
    iso = t[:-1] + "+00:00" if t.endswith(("Z", "z")) else t
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise ValueError(
            f"not a time: {text!r} (use ISO 8601 like 2026-11-26T03:12Z, HH:MM in UTC, or -15m)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return utc(parsed)
