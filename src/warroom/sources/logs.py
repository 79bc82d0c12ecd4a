"""The log error-count source: `[[log]]` in warroom.toml.

Follows a file, a glob or a command's output like `tail -F` and counts the lines matching the
pattern (default `error|panic|fatal`, case-insensitive): per UTC minute for the last 15 minutes,
in total, and grouped like `grep | sort | uniq -c | sort -rn | head` after masking what varies.

Time: live lines are counted in the minute of the `now` given to the `collect` that read them.

Backfill (`backfill` seconds, files only): the FIRST `collect` also reads back from where
following starts, far enough to cover the window, and counts those lines in the minute their
leading timestamp names (details and limits: `warroom.sources.logbackfill`). So a single
`collect` reports the backfill window's counts, and its `coverage` says whether the whole window
was read back (`[[log]] backfill_max_mb` may cut it: see `logcoverage`). For `warroom snapshot`
use `collect_once`: the same for files (with the scan's worker processes forked up front while
the process is still single-threaded, see `logpool.prefork_pool`), and for a command it waits
for the command's initial output, then stops it.

Commands: the command's own replay (`kubectl logs --since=15m`) is counted in the minute each
line's timestamp names when it is more than 2 minutes old (use `kubectl logs --timestamps`);
timestamped lines older than max(backfill, 15 min) before the start are history and not counted;
lines without a timestamp count when read.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import math
import os
import threading
import time
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

from warroom.config.model import LogConfig
from warroom.domain.events import utc
from warroom.domain.log_rules import WINDOW_MINUTES, GroupTable, LogGroup, MinuteCounter, minute_of
from warroom.domain.signals import Sample
from warroom.redact import redact_text
from warroom.sanitize import clean
from warroom.sources.logbackfill import PROBE_STEP, backfill
from warroom.sources.logcommand import RESTART_DELAYS, CommandFollower
from warroom.sources.logcoverage import BackfillCoverage
from warroom.sources.logfollow import RETIRE_GRACE, FileSet
from warroom.sources.logpool import PARALLEL_MIN, prefork_pool
from warroom.sources.logscan import Matcher, PatternError, describe
from warroom.sources.registry import LOG
from warroom.sources.snapshots import LogCounts

TOP_GROUPS = 10
MIB = 1024 * 1024
BACKLOG_AGE = timedelta(minutes=2)  # a command's line older than this is its replay of history


def _local_tz() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


class LogSource:
    """One `[[log]]`: `collect(now)` never raises; `aclose()` stops a followed command."""

    kind = LOG

    def __init__(
        self,
        cfg: LogConfig,
        *,
        local_tz: tzinfo | None = None,
        backfill_max_bytes: int | None = None,
        parallel: bool = True,
        retire_grace: float = RETIRE_GRACE,
        restart_delays: tuple[float, ...] = RESTART_DELAYS,
        group_capacity: int = 200,
    ) -> None:
        self.cfg = self.config = cfg
        self.name = cfg.name
        self.key = f"{LOG}:{cfg.name}"
        self.interval = cfg.interval
        self.local = local_tz or _local_tz()
        # `[[log]] backfill_max_mb` unless given here (tests and benchmarks give bytes).
        self.backfill_max_bytes = backfill_max_bytes or cfg.backfill_max_mb * MIB
        self._coverage: BackfillCoverage | None = None  # set by the backfill
        self._pool: Executor | None = None  # workers forked for a one-shot backfill (collect_once)
        self.parallel = parallel
        self.probe_step = PROBE_STEP
        self.last_backfill_bytes = 0  # bytes the backfill read (for benchmarks and tests)
        self._counter = MinuteCounter()
        self._groups = GroupTable(group_capacity)
        self._total = 0
        self._backfilled = 0
        self._started: datetime | None = None
        self._lock = asyncio.Lock()
        # A cancelled collect leaves its thread running: the next one must wait for it.
        self._thread_lock = threading.Lock()
        self._sampled_through: int | None = None
        self._files: FileSet | None = None
        self._cmd: CommandFollower | None = None
        self._config_error: str | None = None
        try:
            matcher = Matcher(cfg.pattern or "error|panic|fatal")
        except PatternError as exc:
            self._config_error = f"log {cfg.name}: {exc}"
            return
        if cfg.path:
            self._files = FileSet(cfg.path, matcher, retire_grace=retire_grace)
        elif cfg.argv:
            self._cmd = CommandFollower(cfg.argv, matcher, restart_delays=restart_delays, local=self.local)
        else:
            self._config_error = f"log {cfg.name}: set `path` (a file or glob) or `argv` (a command to follow)"

    @property
    def source(self) -> str:
        if self._cmd is not None:
            return self._cmd.command_line
        return self.cfg.path or ""

    async def collect(self, now: datetime) -> LogCounts:
        """Read what is new (the first call also reads the backfill window); never raises."""
        now = utc(now)
        try:
            async with self._lock:
                if self._config_error:
                    return self._snapshot(now, error=self._config_error, message=self._config_error)
                if self._files is not None:
                    await asyncio.to_thread(self._collect_files, now)
                    return self._file_snapshot(now)
                assert self._cmd is not None
                if self._started is None:
                    self._started = now
                self._cmd.start()
                hits, overflow = self._cmd.drain()
                if hits or overflow:
                    await asyncio.to_thread(self._count_command, hits, overflow, now)
                return self._command_snapshot(now)
        except Exception as exc:  # a source never takes the app down; say what broke
            error = f"log {self.name}: {type(exc).__name__}: {exc}"
            return self._snapshot(now, error=error, message="failed")

    async def collect_once(self, now: datetime, *, quiet: float = 0.5, limit: float = 5.0) -> LogCounts:
        """One snapshot for `warroom snapshot`, then stop. Files: `collect` (which reads the
        backfill window). A command: started, and read until its output has been quiet for
        `quiet` seconds (its own replay, e.g. `--since=15m`, is done), it exited, or `limit`
        seconds passed; then stopped. A command that exited 0 is not an error here."""
        try:
            if self._cmd is None:
                if self._started is None and self.cfg.backfill > 0 and self.parallel and self._big_files():
                    # Still single-threaded (the backfill's own thread is not started yet): fork
                    # the scan's workers now, in milliseconds, rather than spawn them later.
                    self._pool = prefork_pool()
                return await self.collect(now)
            await self.collect(now)
            loop = asyncio.get_running_loop()
            began = loop.time()
            while loop.time() - began < limit:
                await asyncio.sleep(0.05)
                cmd = self._cmd
                if cmd.error or (cmd.starts and not cmd.running):
                    break
                # No output yet: keep waiting (kubectl may take a while to connect).
                if cmd.last_output is not None and time.monotonic() - cmd.last_output >= quiet:
                    break
            snap = await self.collect(now)
            if self._cmd.exit_code == 0 and not self._cmd.running:
                snap = replace(snap, error=None, message=f"{self._cmd.command_line}: exit 0")
            return snap
        finally:
            await self.aclose()

    def _big_files(self) -> bool:
        """Are the configured files big enough for the backfill to use worker processes?"""
        assert self._files is not None
        paths = glob.glob(self._files.pattern, recursive=True) if self._files.is_glob else [self._files.pattern]
        total = 0
        for path in paths:
            with contextlib.suppress(OSError):
                total += os.stat(path).st_size
        return total >= PARALLEL_MIN

    async def aclose(self) -> None:
        """Stop following: kills a followed command, closes files, stops forked workers."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.to_thread(pool.shutdown)
        if self._cmd is not None:
            await self._cmd.aclose()
        if self._files is not None:
            await asyncio.to_thread(self._close_files)

    def _close_files(self) -> None:
        assert self._files is not None
        with self._thread_lock:
            self._files.close()

    def samples(self, snapshot: LogCounts) -> list[Sample]:
        """`log.<name>.per_min` for each full minute not handed out before by this source
        (the first call includes the observed minutes of the window, e.g. from backfill)."""
        full = min(snapshot.covered_minutes, WINDOW_MINUTES) - 1  # observed minutes that are over
        if full <= 0:
            return []
        window_first = minute_of(snapshot.taken_at) - WINDOW_MINUTES + 1
        last_full = minute_of(snapshot.taken_at) - 1
        first = last_full - full + 1
        if self._sampled_through is not None:
            first = max(first, self._sampled_through + 1)
        out = [
            Sample(
                f"log.{self.name}.per_min",
                float(snapshot.per_minute[minute - window_first]),
                datetime.fromtimestamp(minute * 60, UTC),
            )
            for minute in range(first, last_full + 1)
        ]
        if out:
            self._sampled_through = last_full
        return out

    # --- counting (runs in a worker thread) ----------------------------------------------------

    def _count(self, line: bytes, at: datetime) -> None:
        text, key = describe(line)
        self._count_described(text, key, at)

    def _count_described(self, text: str, key: str, at: datetime) -> None:
        self._groups.add(text, at, key=key)
        self._counter.add(at)
        self._total += 1

    def _collect_files(self, now: datetime) -> None:
        with self._thread_lock:
            self._collect_files_locked(now)

    def _collect_files_locked(self, now: datetime) -> None:
        assert self._files is not None
        first = self._started is None
        if first:
            self._started = now
        self._files.poll(emit=lambda hits: self._count_live(hits, now))
        if first and self.cfg.backfill > 0:
            self._backfill(now)

    def _count_live(self, hits: list, now: datetime) -> None:
        for line, _ in hits:
            self._count(line, now)

    def _count_command(self, hits: list, overflow: int, now: datetime) -> None:
        with self._thread_lock:
            self._count_command_locked(hits, overflow, now)

    def _count_command_locked(self, hits: list, overflow: int, now: datetime) -> None:
        assert self._started is not None
        floor = self._started - timedelta(seconds=max(self.cfg.backfill, WINDOW_MINUTES * 60))
        for line, when in hits:
            at = now
            if isinstance(when, datetime) and when < now - BACKLOG_AGE:
                if when < floor:
                    continue  # history from before the window (journalctl -f's last lines)
                at = when
            self._count(line, at)
        if overflow:
            self._counter.add(now, overflow)
            self._total += overflow

    def _backfill(self, now: datetime) -> None:
        assert self._files is not None
        files = [(f.path, f.started_at) for f in self._files.followers.values() if f.started_at]
        result = backfill(
            files,
            self._files.matcher,
            now,
            self.local,
            self.cfg.backfill,
            into_groups=self._groups,
            into_minutes=self._counter,
            max_bytes=self.backfill_max_bytes,
            probe_step=self.probe_step,
            workers=None if self.parallel else 1,
            pool=self._pool,
        )
        self._total += result.total
        self._backfilled += result.total
        self.last_backfill_bytes = result.scanned
        self._coverage = BackfillCoverage(self.cfg.backfill, result.scanned, tuple(result.cuts))

    # --- snapshots -----------------------------------------------------------------------------

    def _covered(self, now: datetime) -> int:
        if self._started is None:
            return 0
        back = self.cfg.backfill if (self._files is not None or self.cfg.backfill) else 0
        since = self._started - timedelta(seconds=back)
        if self._coverage is not None:  # a cut backfill observed less: those minutes are gaps, not zeros
            since = max([since] + [cut.since for cut in self._coverage.cuts if cut.since is not None])
        first = math.ceil(since.timestamp() / 60)
        return max(0, min(WINDOW_MINUTES, minute_of(now) - first + 1))

    def _snapshot(
        self,
        now: datetime,
        *,
        error: str | None,
        message: str,
        files: tuple[str, ...] = (),
        waiting: bool = False,
    ) -> LogCounts:
        top = tuple(
            LogGroup(redact_text(g.pattern_key), g.count, redact_text(g.example), g.last_seen)
            for g in self._groups.top(TOP_GROUPS)
        )
        return LogCounts(
            name=self.name,
            taken_at=now,
            error=clean(error, cap=1000) if error else None,
            per_minute=self._counter.per_minute(now),
            total=self._total,
            top=top,
            files=tuple(clean(f, cap=1000) for f in files),
            waiting=waiting,
            message=clean(message, cap=1000),
            source=clean(self.source, cap=1000),
            pattern=clean(self.cfg.pattern, cap=1000),
            covered_minutes=self._covered(now),
            backfilled=self._backfilled,
            coverage=self._coverage,
        )

    def _file_snapshot(self, now: datetime) -> LogCounts:
        assert self._files is not None
        files = self._files.files
        errors = self._files.errors
        waiting_for = self._files.waiting_for
        if waiting_for:
            message = waiting_for
        elif files:
            message = f"following {files[0]}" if len(files) == 1 else f"following {len(files)} files"
        else:
            message = errors[0] if errors else "no file open"
        return self._snapshot(
            now, error="; ".join(errors) or None, message=message, files=files, waiting=bool(waiting_for)
        )

    def _command_snapshot(self, now: datetime) -> LogCounts:
        assert self._cmd is not None
        if self._cmd.running:
            message = f"following {self._cmd.command_line}"
        elif self._cmd.error:
            message = self._cmd.error
        else:
            message = f"starting {self._cmd.command_line}"
        error = None if self._cmd.running else self._cmd.error
        return self._snapshot(now, error=error, message=message)
