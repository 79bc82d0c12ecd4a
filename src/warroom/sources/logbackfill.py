"""Backfill: the matching lines of the last `backfill` seconds of a file, placed in time.

You cannot know when a log line was written in general, so:
- How far back: 4 MiB probes walk back from where following starts until one finds a line whose
  leading timestamp is older than the window (at most `max_bytes`, 256 MiB by default). A file
  with no recognisable timestamps near its end is read back at most UNTIMED_BYTES (4 MiB). A
  file last modified before the window is not read at all.
- When: a line counts in the minute its leading timestamp names (ISO 8601 / RFC 3339, syslog,
  common log format; see `domain.log_rules.leading_timestamp`); a line without one takes the
  time of the nearest timestamped line above it (a stack trace under its log line), else the
  file's modification time (the latest it can have been written). Lines older than the window
  are skipped; lines "from the future" (clock skew) count now.
- Work: big ranges are cut into pieces scanned by worker processes (both cores); each worker
  masks and groups its own lines and hands back bounded tallies, not lines, so memory stays
  bounded however many lines match.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial

from warroom.domain.log_rules import GroupTable, MinuteCounter
from warroom.sources.logscan import Matcher, describe, run_pieces, scan_file_range, stamp_bytes

MAX_BYTES = 256 * 1024 * 1024
UNTIMED_BYTES = 4 * 1024 * 1024
PROBE_STEP = 4 * 1024 * 1024
HEAD_MAX = 10_000  # untimed lines kept per piece until the previous piece says when they were


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

    def emit(hits: list) -> None:
        for line, when in hits:
            if when is not None:
                tally.last_time = when
            at = tally.last_time
            if at is None:
                if len(tally.head) < HEAD_MAX:
                    tally.head.append(describe(line))
                else:
                    tally.head_extra += 1
                continue
            if at < cutoff:
                continue
            at = min(at, now)
            text, key = describe(line)
            tally.groups.add(text, at, key=key)
            tally.minutes.add(at)
            tally.total += 1

    tally.scanned = scan_file_range(path, start, end, matcher, now, local, emit=emit).scanned
    return tally


def backfill_start(
    path: str, end: int, cutoff: datetime, now: datetime, local: tzinfo, *, max_bytes: int, probe_step: int
) -> int:
    """Where reading back must start to cover everything since `cutoff` (see module doc)."""
    limit = max(0, end - max_bytes)
    fd = os.open(path, os.O_RDONLY)
    try:
        pos, seen_time = end, False
        while pos > limit:
            probe = max(limit, pos - probe_step)
            block = os.pread(fd, min(64 * 1024, end - probe), probe)
            lines = block.split(b"\n")[1 if probe else 0 : -1][:16]
            stamps = [t for t in (stamp_bytes(ln, now, local) for ln in lines) if t is not None]
            if stamps:
                seen_time = True
                if stamps[0] < cutoff:
                    return probe
            elif not seen_time:
                return max(limit, end - UNTIMED_BYTES)
            pos = probe
        return limit
    finally:
        os.close(fd)


class BackfillResult:
    """What a backfill counted, added up as the pieces come in."""

    def __init__(self) -> None:
        self.total = 0
        self.scanned = 0  # bytes read


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
    **pieces: int,
) -> BackfillResult:
    """Count the window before each (path, position following starts at) into the tables.
    `pieces` may set `min_parallel` / `piece_min` (see `logscan.run_pieces`)."""
    cutoff = now - timedelta(seconds=seconds)
    jobs: list[tuple[str, int, int]] = []
    mtimes: list[datetime] = []
    for path, end in files:
        if end <= 0:
            continue
        try:
            mtime = datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
            if mtime < cutoff:
                continue  # not written during the window
            start = backfill_start(path, end, cutoff, now, local, max_bytes=max_bytes, probe_step=probe_step)
        except OSError:
            continue  # vanished or unreadable since it was opened: following reports that
        jobs.append((path, start, end))
        mtimes.append(mtime)
    result = BackfillResult()
    if not jobs:
        return result
    job = partial(tally_range, matcher=matcher, now=now, local=local, cutoff=cutoff, capacity=into_groups.capacity)
    for tallies, mtime in zip(run_pieces(jobs, job, workers=workers, **pieces), mtimes):
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
