"""Placing raw log lines in time quickly: `leading_timestamp` for bytes, with a fast path.

A backfill asks the time of every matching line, tens of thousands of them, almost all starting
with an ISO 8601 timestamp written within the same few seconds. `Stamper` answers those from one
bytes regex anchored at the line's start and a memo keyed by the timestamp's seconds and zone (the
fraction never changes the answer: lines are placed to the second), with no decoding. Anything
else (syslog, common log format, JSON, a timestamp further in, odd whitespace before a zone)
goes the general way, `domain.log_rules.leading_timestamp`, so both always give the same answer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from warroom.domain.log_rules import TIMESTAMP_SCAN, leading_timestamp

# The start of `log_rules._ISO` when it matches at the line's first byte: the seconds, an
# optional fraction, an optional zone (an ASCII space before the zone is allowed there too).
_ISO_AT_START = re.compile(rb"(\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d)(?:[.,]\d{1,9})?(?: ?(Z|[+-]\d\d:?\d\d))?")
# After a zone-less match, these bytes are whitespace to the general (str) regex but not to the
# bytes one: a zone could follow them, so such lines take the general way.
_OTHER_SPACE = frozenset(b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0")
MEMO_MAX = 4096


def stamp_bytes(line: bytes, now: datetime, local: tzinfo = UTC) -> datetime | None:
    """`leading_timestamp` for raw bytes (latin-1 keeps every digit where it was)."""
    return leading_timestamp(line[:TIMESTAMP_SCAN].decode("latin-1"), now, local)


class Stamper:
    """`stamp_bytes(line, now, local)` as a callable, memoised for lines starting with ISO 8601.
    One per scan (it holds `now` and `local`); picklable state is not needed (made in the worker)."""

    def __init__(self, now: datetime, local: tzinfo = UTC) -> None:
        self.now = now
        self.local = local
        self._memo: dict[tuple[bytes, bytes | None], datetime | None] = {}

    def __call__(self, line: bytes) -> datetime | None:
        m = _ISO_AT_START.match(line)
        if m is None:
            return stamp_bytes(line, self.now, self.local)
        seconds, zone = m.group(1, 2)
        if zone is None and line[m.end() : m.end() + 1] and line[m.end()] in _OTHER_SPACE:
            return stamp_bytes(line, self.now, self.local)
        key = (seconds, zone)
        memo = self._memo
        try:
            return memo[key]
        except KeyError:
            pass
        when = stamp_bytes(line, self.now, self.local)
        if len(memo) >= MEMO_MAX:
            memo.clear()
        memo[key] = when
        return when
