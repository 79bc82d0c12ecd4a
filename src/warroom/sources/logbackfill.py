"""Backfill: the matching lines of the last `backfill` seconds of a file, placed in time.

You cannot know when a log line was written in general, so:
- How far back: 4 MiB probes walk back from where following starts until one finds a line whose
  leading timestamp is older than the window (at most `max_bytes`: `[[log]] backfill_max_mb`,
  256 MiB by default). A file with no recognisable timestamps near its end is read back at most
  UNTIMED_BYTES (4 MiB). A file last modified before the window is not read at all. When either
  limit stops the walk inside the window, the result says so (`BackfillCut`: how many bytes, from
  what time), so the pane and `warroom snapshot` tell how much of the window was counted.
- When: a line counts in the minute its leading timestamp names (ISO 8601 / RFC 3339, syslog,
  common log format; see `domain.log_rules.leading_timestamp`); a line without one takes the
  time of the nearest timestamped line above it (a stack trace under its log line), else the
  file's modification time (the latest it can have been written). Lines older than the window
  are skipped; lines "from the future" (clock skew) count now.
- Work: big ranges are cut into pieces scanned by worker processes (both cores); each worker
  groups its own lines and hands back bounded tallies, not lines, so memory stays bounded however
  many lines match. Grouping costs a `translate` and a dictionary lookup per line (by the line's
  shape, `logscan.line_shape`); display text and masking happen once per shape (`_Shapes`).
"""

from __future__ import annotations

import os
from concurrent.futures import Executor
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial

from warroom.domain.log_rules import GroupTable, MinuteCounter
from warroom.sources.logcoverage import CUT_BY_CAP, CUT_BY_NO_TIMESTAMPS, BackfillCut
from warroom.sources.logpool import run_pieces
from warroom.sources.logscan import (
    SHAPE_BYTES,
    SHAPE_DIGITS,
    Matcher,
    describe,
    scan_file_range,
)
from warroom.sources.logstamp import stamp_bytes

MAX_BYTES = 256 * 1024 * 1024
UNTIMED_BYTES = 4 * 1024 * 1024
PROBE_STEP = 4 * 1024 * 1024
HEAD_MAX = 10_000  # untimed lines kept per piece until the previous piece says when they were
SHAPES_MAX = 4096  # distinct line shapes a worker holds before folding them into its groups


class Tally:
    """One piece's counts, filled in as it is read (a working object, not a record). `head` are
    its first untimed lines, whose time is the last time of the piece before (unknown to this
    worker)."""

    def __init__(self, groups: GroupTable) -> None:
        self.groups = groups
        self.minutes = MinuteCounter()
        self.total = 0
        self.head: list[tuple[str, str]] = []  # (text, key)
        self.head_extra = 0  # untimed head lines beyond HEAD_MAX: counted, not grouped
        self.last_time: datetime | None = None
        self.scanned = 0


class _Shapes:
    """Matching lines grouped by shape (`logscan.line_shape`) while a piece is
    read: a line costs a `translate` and a dictionary lookup; its display text and group key are
    worked out once per shape when the piece ends (or the table fills), not once per line. Times
    are tallied per distinct second the same way."""

    def __init__(self, into: Tally) -> None:
        self.into = into
        self.rows: dict[bytes, list] = {}  # shape -> [count, newest line, its time]
        self.seconds: dict[datetime, int] = {}

    def add(self, line: bytes, at: datetime) -> None:
        head = line[:SHAPE_BYTES]
        shape = head.translate(SHAPE_DIGITS)
        if b"0x" in shape or b"0X" in shape:  # `logscan.line_shape`, inlined: once per line
            shape = head
        row = self.rows.get(shape)
        if row is None:
            if len(self.rows) >= SHAPES_MAX:
                self.flush()
            self.rows[shape] = [1, line, at]
        else:
            row[0] += 1
            if at >= row[2]:
                row[1] = line
                row[2] = at
        seconds = self.seconds
        seconds[at] = seconds.get(at, 0) + 1

    def flush(self) -> None:
        groups, minutes = self.into.groups, self.into.minutes
        for count, line, at in self.rows.values():
            text, key = describe(line)
            groups.add(text, at, count, key=key)
        for at, count in sorted(self.seconds.items()):
            minutes.add(at, count)
            self.into.total += count
        self.rows.clear()
        self.seconds.clear()


def tally_range(
    path: str,
    start: int,
    end: int,
    *,
    matcher: Matcher,
    now: datetime,
    local: tzinfo,
    cutoff: datetime,
    capacity: int,
) -> Tally:
    """Count the matching lines starting in [start, end) of `path` that fall in the window."""
    tally = Tally(GroupTable(capacity))
    shapes = _Shapes(tally)
    add = shapes.add

    def emit(hits: list) -> None:
        at = tally.last_time
        for line, when in hits:
            if when is not None:
                at = when
            elif at is None:
                if len(tally.head) < HEAD_MAX:
                    tally.head.append(describe(line))
                else:
                    tally.head_extra += 1
                continue
            if at < cutoff:
                continue
            add(line, now if at > now else at)
        tally.last_time = at

    tally.scanned = scan_file_range(path, start, end, matcher, now, local, emit=emit).scanned
    shapes.flush()
    return tally


def backfill_start(
    path: str, end: int, cutoff: datetime, now: datetime, local: tzinfo, *, max_bytes: int, probe_step: int
) -> int:
    """Where reading back must start to cover everything since `cutoff` (see module doc)."""
    return backfill_reach(path, end, cutoff, now, local, max_bytes=max_bytes, probe_step=probe_step)[0]


def backfill_reach(
    path: str, end: int, cutoff: datetime, now: datetime, local: tzinfo, *, max_bytes: int, probe_step: int
) -> tuple[int, BackfillCut | None]:
    """`backfill_start`, and how the file was cut short when that start is not the window's:
    the cap was reached with every line there still inside the window, or the file has no
    timestamps near its end and only its last UNTIMED_BYTES are read."""
    limit = max(0, end - max_bytes)
    fd = os.open(path, os.O_RDONLY)
    try:
        pos, seen_time = end, False
        first: datetime | None = None  # the time of the first line at the last probe
        while pos > limit:
            probe = max(limit, pos - probe_step)
            block = os.pread(fd, min(64 * 1024, end - probe), probe)
            lines = block.split(b"\n")[1 if probe else 0 : -1][:16]
            stamps = [t for t in (stamp_bytes(ln, now, local) for ln in lines) if t is not None]
            if stamps:
                seen_time = True
                if stamps[0] < cutoff:
                    return probe, None
                first = stamps[0]
            elif not seen_time:
                start = max(limit, end - UNTIMED_BYTES)
                if start == 0:
                    return 0, None
                cut_by = CUT_BY_CAP if start == limit else CUT_BY_NO_TIMESTAMPS
                return start, BackfillCut(path, end, end - start, None, cut_by, max_bytes)
            pos = probe
        if limit == 0:
            return 0, None
        return limit, BackfillCut(path, end, end - limit, first, CUT_BY_CAP, max_bytes)
    finally:
        os.close(fd)


class BackfillResult:
    """What a backfill counted, added up as the pieces come in."""

    def __init__(self) -> None:
        self.total = 0
        self.scanned = 0  # bytes read
        self.cuts: list[BackfillCut] = []  # files whose window was not read back whole


def backfill(
    files: list[tuple[str, int]],
    matcher: Matcher,
    now: datetime,
    local: tzinfo,
    seconds: float,
    *,
    into_groups: GroupTable,
    into_minutes: MinuteCounter,
    max_bytes: int = MAX_BYTES,
    probe_step: int = PROBE_STEP,
    workers: int | None = None,
    pool: Executor | None = None,
    **pieces: int,
) -> BackfillResult:
    """Count the window before each (path, position following starts at) into the tables.
    `pool` runs the pieces when given (see `logpool.prefork_pool`); `pieces` may set
    `min_parallel` / `piece_min` (see `logpool.run_pieces`)."""
    cutoff = now - timedelta(seconds=seconds)
    jobs: list[tuple[str, int, int]] = []
    mtimes: list[datetime] = []
    result = BackfillResult()
    for path, end in files:
        if end <= 0:
            continue
        try:
            mtime = datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
            if mtime < cutoff:
                continue  # not written during the window
            start, cut = backfill_reach(path, end, cutoff, now, local, max_bytes=max_bytes, probe_step=probe_step)
        except OSError:
            continue  # vanished or unreadable since it was opened: following reports that
        if cut is not None:
            result.cuts.append(cut)
        jobs.append((path, start, end))
        mtimes.append(mtime)
    if not jobs:
        return result
    job = partial(tally_range, matcher=matcher, now=now, local=local, cutoff=cutoff, capacity=into_groups.capacity)
    for tallies, mtime in zip(run_pieces(jobs, job, workers=workers, pool=pool, **pieces), mtimes):
        last: datetime | None = None
        for tally in tallies:
            # The untimed lines a piece started with happened at the previous piece's last time.
            at = min(last or mtime, now)
            if at >= cutoff:
                for text, key in tally.head:
                    into_groups.add(text, at, key=key)
                n = len(tally.head) + tally.head_extra
                if n:
                    into_minutes.add(at, n)
                    result.total += n
            into_groups.merge(tally.groups)
            into_minutes.merge(tally.minutes)
            result.total += tally.total
            result.scanned += tally.scanned
            last = tally.last_time or last
    return result
