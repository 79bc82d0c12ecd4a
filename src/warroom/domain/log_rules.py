"""Log error counting, pure: message masking and grouping, per-minute counts, spike detection.

This is the seed's `grep -iE 'error|panic|fatal' | sort | uniq -c | sort -rn | head` done
continuously: lines that matched are grouped after masking what changes between otherwise equal
messages (timestamps, UUIDs, IPs, hex ids, numbers), and counted per UTC minute for the last
15 minutes. `SpikeDetector` turns "well above the trailing baseline" into ONE timeline event.

No I/O here; the clock is passed in. The log source (`warroom.sources.logs`) feeds it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

from warroom.domain import catalogue
from warroom.domain.events import Kind, utc
from warroom.domain.signals import SignalEvent
from warroom.records import Record, record

WINDOW_MINUTES = 15
GROUP_KEY_CAP = 300  # characters of the masked message that decide its group

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_H = "[0-9a-fA-F]"
# One pass, leftmost match wins; at one spot the branches are tried in order, so a timestamp
# beats the numbers inside it and a UUID beats its hex pieces.
_VARIABLE = re.compile(
    r"(?P<ts>\d{4}[-/]\d\d[-/]\d\d(?:[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)?"
    r"|\d\d/" + _MONTH + r"/\d{4}:\d\d:\d\d:\d\d(?: [+-]\d{4})?"
    r"|" + _MONTH + r" +\d{1,2} \d\d:\d\d:\d\d"
    r"|\d\d:\d\d:\d\d(?:[.,]\d+)?)"
    r"|(?P<uuid>" + _H + "{8}-" + _H + "{4}-" + _H + "{4}-" + _H + "{4}-" + _H + "{12})"
    r"|(?P<ip>(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?)"
    r"|(?P<ip6>" + _H + r"{0,4}(?:::?" + _H + r"{1,4}){2,7}|" + _H + r"{1,4}(?::" + _H + r"{0,4}){2,7})"
    r"|(?P<hex>0[xX]" + _H + r"+|\b" + _H + r"{6,}\b)"
    r"|(?P<n>\d+(?:\.\d+)?)"
)
_SPACES = re.compile(r"\s+")


def _replace(m: re.Match[str]) -> str:
    kind, text = m.lastgroup, m.group()
    if kind == "hex":
        if text[:2] in ("0x", "0X"):
            return "<hex>"
        if text.isdigit():
            return "<n>"
        # A run of hex letters is an id only if it also has a digit ("deadbeef" is a word).
        return "<hex>" if any(c.isdigit() for c in text) else text
    if kind == "ip6":  # a real IPv6 address has "::" or all eight groups
        if "::" in text or text.count(":") == 7:
            return "<ip>"
        return ":".join(_VARIABLE.sub(_replace, part) for part in text.split(":"))
    return f"<{kind}>"


def mask_message(text: str) -> str:
    """The group key of a log line: variable parts replaced by `<ts>`, `<uuid>`, `<ip>`,
    `<hex>`, `<n>`, whitespace collapsed, capped at GROUP_KEY_CAP characters."""
    masked = _VARIABLE.sub(_replace, text[: GROUP_KEY_CAP * 4])
    return _SPACES.sub(" ", masked).strip()[:GROUP_KEY_CAP]


# Only these parts of _VARIABLE can hold whitespace, always a plain space: an ISO date and time
# with a space between (`\d \d`), a common-log zone (`\d [+-]`), a syslog date (`May  1`).
_MAY_SPAN_SPACE = re.compile(r"\d [\d+-]|" + _MONTH + " ")


class WordMasker:
    """`mask_message`, word by word with a memo, when no variable part can span a space: then
    every match lies inside one word and masking the words one by one gives the same key, and
    a line's words (`ERROR`, `upstream`, `timeout`) are mostly ones already seen. A line whose
    ids make it unlike any other costs a masking of its new words only, not of the whole line.
    Any other line goes the whole way (`mask_message`)."""

    def __init__(self, memo_size: int = 8192) -> None:
        self.memo_size = memo_size
        self._memo: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        text = text[: GROUP_KEY_CAP * 4]
        if _MAY_SPAN_SPACE.search(text):
            return mask_message(text)
        memo = self._memo
        out = []
        for word in text.split():
            masked = memo.get(word)
            if masked is None:
                masked = _VARIABLE.sub(_replace, word)
                if len(memo) >= self.memo_size:
                    memo.clear()
                memo[word] = masked
            out.append(masked)
        return " ".join(out)[:GROUP_KEY_CAP]


# --- leading timestamps (backfill places history in the minute it happened) -------------------

_ISO = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2})?")
_SYSLOG = re.compile(r"(?:<\d{1,3}>)?" + r"(" + _MONTH + r") +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})")
_CLF = re.compile(r"\[(\d{2})/(" + _MONTH + r")/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\]")
_MONTHS = {
    m: i + 1 for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
}
_ISO_SEEN: dict[tuple[object, ...], datetime] = {}
TIMESTAMP_SCAN = 100  # characters from the start of a line searched for its timestamp


def _zone(text: str | None, local: tzinfo) -> tzinfo:
    if not text:
        return local
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def leading_timestamp(text: str, now: datetime, local: tzinfo = UTC) -> datetime | None:
    """The time a log line says it was written, as aware UTC, or None.

    Recognised near the start of the line (first TIMESTAMP_SCAN characters): ISO 8601 / RFC 3339
    (to the second: `2024-05-01T12:00:00.123456789Z`, `2024-05-01 12:00:00,123`, nginx `2024/05/01 12:00:00`,
    JSON `{"ts":"..."}`), BSD syslog (`May  1 12:00:00`, year taken from `now`) and the common
    log format (`[01/May/2024:12:00:00 +0000]`). Times without a zone are read in `local`.
    """
    head = text[:TIMESTAMP_SCAN]
    try:
        m = _ISO.search(head)
        if m:
            # Second precision is all a minute bucket needs; memoised because a backfill
            # parses tens of thousands of lines written within the same few seconds.
            key = (m.group(1, 2, 3, 4, 5, 6, 8), local)
            when = _ISO_SEEN.get(key)
            if when is None:
                y, mo, d, h, mi, s, zone = key[0]
                zone_info = _zone(zone, local)
                when = utc(datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=zone_info))
                if len(_ISO_SEEN) >= 4096:
                    _ISO_SEEN.clear()
                _ISO_SEEN[key] = when
            return when
        m = _CLF.search(head)
        if m:
            d, mon, y, h, mi, s, sign, oh, om = m.groups()
            off = timedelta(hours=int(oh), minutes=int(om)) * (-1 if sign == "-" else 1)
            return utc(datetime(int(y), _MONTHS[mon], int(d), int(h), int(mi), int(s), tzinfo=timezone(off)))
        m = _SYSLOG.match(head)
        if m:
            mon, d, h, mi, s = m.groups()
            now_local = utc(now).astimezone(local)
            when = datetime(now_local.year, _MONTHS[mon], int(d), int(h), int(mi), int(s), tzinfo=local)
            if when - now_local > timedelta(days=1):  # December's lines read in January
                when = when.replace(year=when.year - 1)
            return utc(when)
    except (ValueError, OverflowError):  # 2024-13-45: not a time after all
        return None
    return None


# --- per-minute counts -------------------------------------------------------------------------


def minute_of(at: datetime) -> int:
    """Whole UTC minutes since the epoch: the bucket a line read at `at` lands in."""
    return int(utc(at).timestamp() // 60)


class MinuteCounter:
    """Matching lines per UTC minute; remembers only what the 15-minute window can show."""

    def __init__(self, window: int = WINDOW_MINUTES) -> None:
        self.window = window
        self._counts: dict[int, int] = {}

    def add(self, at: datetime, n: int = 1) -> None:
        self.add_minute(minute_of(at), n)

    def add_minute(self, minute: int, n: int = 1) -> None:
        self._counts[minute] = self._counts.get(minute, 0) + n
        if len(self._counts) > self.window * 4:
            newest = max(self._counts)
            for key in [k for k in self._counts if k <= newest - self.window * 2]:
                del self._counts[key]

    def merge(self, other: MinuteCounter) -> None:
        """Add another counter's minutes (a backfill worker's) to this one."""
        for minute, n in sorted(other._counts.items()):
            self.add_minute(minute, n)

    def per_minute(self, now: datetime) -> tuple[int, ...]:
        """`window` counts, oldest first; the last is the current (still filling) minute."""
        last = minute_of(now)
        return tuple(self._counts.get(m, 0) for m in range(last - self.window + 1, last + 1))


# --- grouping ----------------------------------------------------------------------------------


@record
class LogGroup(Record):
    """One row of the `uniq -c` table: the masked message, how many, the newest example."""

    pattern_key: str
    count: int
    example: str
    last_seen: datetime


class GroupTable:
    """Counts per masked message with bounded memory.

    At most `capacity` groups are kept; when a new group arrives with the table full, the
    smallest quarter (fewest lines, then least recently seen) is dropped in one go, so a
    flood of distinct messages costs amortised O(1) per line and the big groups survive.
    """

    def __init__(self, capacity: int = 200) -> None:
        self.capacity = max(4, capacity)
        self._rows: dict[str, list[Any]] = {}  # key -> [count, example, last_seen]
        self.evicted = 0  # groups dropped to stay within capacity

    def add(self, text: str, at: datetime, n: int = 1, *, key: str | None = None) -> None:
        """Count `n` matching lines shown as `text` (already cleaned for display); `key` is
        `mask_message(text)` when the caller already has it (computed elsewhere, cached)."""
        if key is None:
            key = mask_message(text)
        key = key or "(empty line)"
        row = self._rows.get(key)
        if row is None:
            if len(self._rows) >= self.capacity:
                self._trim()
            self._rows[key] = [n, text, at]
            return
        row[0] += n
        if at >= row[2]:
            row[1], row[2] = text, at

    def merge(self, other: GroupTable) -> None:
        """Add another table's groups (a backfill worker's) to this one."""
        for key, (count, example, seen) in other._rows.items():
            self.add(example, seen, count, key=key)

    def _trim(self) -> None:
        keep = self.capacity - max(1, self.capacity // 4)
        ranked = sorted(self._rows.items(), key=lambda kv: (kv[1][0], kv[1][2]), reverse=True)
        self.evicted += len(ranked) - keep
        self._rows = dict(ranked[:keep])

    def __len__(self) -> int:
        return len(self._rows)

    def top(self, n: int = 10) -> tuple[LogGroup, ...]:
        """The `n` biggest groups, biggest first (ties: most recently seen first)."""
        ranked = sorted(self._rows.items(), key=lambda kv: (kv[1][0], kv[1][2]), reverse=True)
        return tuple(LogGroup(k, c, ex, seen) for k, (c, ex, seen) in ranked[:n])


# --- spikes ------------------------------------------------------------------------------------


def _rate(x: float) -> str:
    return f"{x:.0f}" if x >= 10 or x == int(x) else f"{x:.1f}"


class SpikeDetector:
    """Says ONCE when a log's error rate jumps well above its trailing baseline.

    The minute judged is the latest full minute, or the current one as soon as its count alone
    already crosses the line (counts only grow). The baseline is the mean of the minutes before
    the latest full one, floored at `floor` per minute so a quiet log (baseline 0) still works.
    A spike needs count >= factor x baseline and count >= minimum. After firing the detector
    stays quiet until `rearm_minutes` full minutes in a row were back under the threshold it
    fired at; then a later spike fires again.

    `covered` says how many of the newest minutes were actually observed (a follower started
    3 minutes ago without backfill has zeros before that which mean "unknown", not "quiet");
    at least `min_baseline` observed baseline minutes are needed before judging.
    """

    def __init__(
        self,
        name: str,
        factor: float = 5.0,
        minimum: int = 10,
        *,
        floor: float = 1.0,
        rearm_minutes: int = 3,
        min_baseline: int = 2,
    ) -> None:
        self.name = name
        self.factor = factor
        self.minimum = minimum
        self.floor = floor
        self.rearm_minutes = rearm_minutes
        self.min_baseline = min_baseline
        self._fired_threshold: float | None = None
        self._fired_minute: int | None = None

    @property
    def firing(self) -> bool:
        return self._fired_threshold is not None

    def observe(
        self, per_minute: tuple[int, ...] | list[int], now: datetime, *, covered: int | None = None
    ) -> SignalEvent | None:
        """Judge the counts (oldest first, last = current minute); an event only on a new spike."""
        counts = list(per_minute)
        if len(counts) < 3:
            return None
        covered = len(counts) if covered is None else max(0, min(covered, len(counts)))
        current_minute = minute_of(now)
        if self._fired_threshold is not None:
            if self._quiet_again(counts, current_minute):
                self._fired_threshold = self._fired_minute = None
            else:
                return None
        baseline_minutes = counts[len(counts) - covered : -2] if covered > 2 else []
        if len(baseline_minutes) < self.min_baseline:
            return None
        baseline = sum(baseline_minutes) / len(baseline_minutes)
        threshold = max(float(self.minimum), self.factor * max(baseline, self.floor))
        if counts[-1] >= threshold:
            count, minute = counts[-1], current_minute
        elif counts[-2] >= threshold:
            count, minute = counts[-2], current_minute - 1
        else:
            return None
        self._fired_threshold, self._fired_minute = threshold, minute
        at = datetime.fromtimestamp(minute * 60, UTC)
        return SignalEvent(
            kind=Kind.LOG_SPIKE,
            text=f"log {self.name} error spike: {count}/min (baseline {_rate(baseline)}/min)",
            at=utc(now),
            payload=catalogue.log_spike(
                log=self.name,
                count=count,
                baseline=baseline,
                factor=self.factor,
                minute=at.strftime("%Y-%m-%dT%H:%MZ"),
            ),
            dedupe_key=f"log:{self.name}:spike:{at.strftime('%Y-%m-%dT%H:%MZ')}",
        )

    def _quiet_again(self, counts: list[int], current_minute: int) -> bool:
        assert self._fired_threshold is not None and self._fired_minute is not None
        # Only full minutes after the one that fired can show the rate has fallen back.
        full_after = current_minute - 1 - self._fired_minute
        if full_after < self.rearm_minutes:
            return False
        recent = counts[-1 - self.rearm_minutes : -1]
        return all(c < self._fired_threshold for c in recent)
