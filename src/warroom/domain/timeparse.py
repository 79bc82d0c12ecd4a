"""Times people type under pressure: ISO 8601, `HH:MM` (UTC) and relative `-15m`.

Every time a person gives warroom passes through `parse_time`, which also refuses times that
cannot be true for an incident record (one typo must never break the database for everyone):
before 2000-01-01 (`0202-12-06` is a typo, and years below 1000 do not even round-trip through
storage), more than 5 minutes ahead of `now` (clocks drift a little; an ack in 2099 makes MTTA
26323 days), beyond what a datetime can hold, and a bare `HH:MM` that would land more than 12 h
before the incident started (that is almost always yesterday's clock time by mistake).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from warroom.domain.events import utc

_REL = re.compile(r"^-\s*((?:\d+\s*[dhms]\s*)+)$", re.IGNORECASE)
_PART = re.compile(r"(\d+)\s*([dhms])", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}

#: No incident record holds a time before this: anything earlier is a typo.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
#: How far ahead of `now` a given time may be (clocks on a shared box drift a little).
FUTURE_SLACK = timedelta(minutes=5)
#: How far before the incident's start a bare `HH:MM` may land before a full date is needed.
CLOCK_REACH_BACK = timedelta(hours=12)
#: The longest duration `parse_duration` accepts: far beyond any sane interval, far below overflow.
MAX_DURATION = timedelta(days=36500)

_FORMS = "use ISO 8601 like 2026-11-26T03:12Z, HH:MM in UTC, or -15m"


def parse_duration(text: str) -> timedelta:
    """`15m`, `2h`, `1h30m`, `90s`, `2d` -> timedelta."""
    t = text.strip()
    if not t or not re.fullmatch(r"(?:\d+\s*[dhms]\s*)+", t, re.IGNORECASE):
        raise ValueError(f"not a duration: {text!r} (examples: 90s, 15m, 2h, 1h30m)")
    seconds = sum(int(n) * _UNITS[u.lower()] for n, u in _PART.findall(t))
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"duration {text!r} is too long (at most {MAX_DURATION.days} days)")
    return timedelta(seconds=seconds)


def is_clock_time(text: str) -> bool:
    """True for a bare `HH:MM` / `HH:MM:SS`: the form whose date warroom has to guess."""
    return bool(_CLOCK.match(text.strip()))


def check_time(
    when: datetime,
    now: datetime,
    *,
    text: str | None = None,
    allow_future: bool = False,
) -> datetime:
    """`when` if an incident record may hold it; ValueError saying why not otherwise.

    `allow_future` is for "as of" queries (`warroom due --at`), which never write anything.
    """
    shown = repr(text) if text is not None else f"{utc(when):%Y-%m-%d %H:%M:%S} UTC"
    when, now = utc(when), utc(now)
    if when < EARLIEST:
        raise ValueError(f"time {shown} is before {EARLIEST:%Y-%m-%d}: a typo? ({_FORMS})")
    if not allow_future and when > now + FUTURE_SLACK:
        ahead = when - now
        raise ValueError(
            f"time {shown} is {_ahead(ahead)} in the future (at most {_ahead(FUTURE_SLACK)} ahead of now is accepted)"
        )
    return when


def _ahead(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 2 * 3600:
        return f"{seconds // 3600} h"
    return f"{max(1, seconds // 60)} min"


def parse_time(
    text: str,
    now: datetime,
    *,
    started: datetime | None = None,
    allow_future: bool = False,
) -> datetime:
    """Parse a user-typed time into aware UTC and check it (`check_time`); ValueError otherwise.

    `started` is the incident's start: a bare `HH:MM` more than 12 h before it is refused
    ("use a full date"), since it was almost surely meant for another day.

    - ISO 8601 (`2026-11-26T03:12:00Z`, `2026-11-26 03:12`); no offset means UTC.
    - `HH:MM` or `HH:MM:SS`: that clock time in UTC today; if that is still ahead of `now`
      (typed just after midnight about last night), the day before.
    - `-15m`, `-2h`, `-1h30m`: relative to now. `now` itself.
    """
    try:
        when = _parse(text, utc(now))
    except OverflowError:
        raise ValueError(f"time {text!r} is out of range ({_FORMS})") from None
    check_time(when, now, text=text.strip(), allow_future=allow_future)
    if started is not None and is_clock_time(text) and when < utc(started) - CLOCK_REACH_BACK:
        raise ValueError(
            f"{text.strip()!r} would be {when:%Y-%m-%d %H:%M} UTC, more than 12 h before the incident started "
            f"({utc(started):%Y-%m-%d %H:%M} UTC): use a full date, like {when:%Y-%m-%dT%H:%MZ}"
        )
    return when


def _parse(text: str, now: datetime) -> datetime:
    t = text.strip()
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
        raise ValueError(f"not a time: {text!r} ({_FORMS})") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return utc(parsed)
