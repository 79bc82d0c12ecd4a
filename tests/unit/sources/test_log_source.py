"""LogSource as the poller and `warroom snapshot` use it: backfill, commands, samples, errors."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from warroom.config.model import LogConfig
from warroom.domain.log_rules import minute_of
from warroom.sources.base import Source
from warroom.sources.logs import LogCounts, LogSource
from warroom.sources.logscan import Matcher

NOW = datetime(2024, 5, 1, 12, 30, 30, tzinfo=UTC)


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def expected_window(times: list[datetime], now: datetime) -> tuple[int, ...]:
    c = Counter(minute_of(t) for t in times)
    last = minute_of(now)
    return tuple(c.get(m, 0) for m in range(last - 14, last + 1))


async def test_one_collect_reports_the_backfill_window_by_line_time(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    rows, counted = [], []
    for k in range(60):  # one line every 30 s for the last 30 minutes
        t = NOW - timedelta(minutes=30) + timedelta(seconds=30 * k)
        rows.append(f"{iso(t)} ERROR request {k} failed\n{iso(t)} INFO fine\n")
        if t >= NOW - timedelta(minutes=10):
            counted.append(t)
        if k == 50:  # an untimed line of a stack trace takes the time of the line above it
            rows.append("panic: runtime error: invalid memory address\n")
            counted.append(t)
    log.write_text("".join(rows))
    src = LogSource(LogConfig(name="api", path=str(log), backfill=600))
    assert isinstance(src, Source) and src.key == "log:api" and src.kind == "log"
    snap = await src.collect(NOW)
    assert snap.error is None
    assert snap.total == len(counted) == 21 and snap.backfilled == 21
    assert snap.per_minute == expected_window(counted, NOW)
    assert snap.covered_minutes == 10  # 12:21 to 12:30; 12:20 was only half in the window
    top = {g.pattern_key: g.count for g in snap.top}
    assert top == {"<ts> ERROR request <n> failed": 20, "panic: runtime error: invalid memory address": 1}
    # Following continues from the end: nothing counted twice.
    assert (await src.collect(NOW + timedelta(seconds=2))).total == 21


async def test_backfill_reads_back_only_as_far_as_the_window_needs(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    old = NOW - timedelta(days=1)
    with open(log, "w") as f:
        for k in range(40000):
            f.write(f"{iso(old)} ERROR ancient {k}\n")
        for k in range(10):
            f.write(f"{iso(NOW - timedelta(seconds=k))} ERROR recent {k}\n")
    src = LogSource(LogConfig(name="api", path=str(log), backfill=300))
    src.probe_step = 64 * 1024
    snap = await src.collect(NOW)
    assert snap.total == 10
    assert src.last_backfill_bytes < 200 * 1024 < log.stat().st_size


async def test_backfill_skips_a_file_last_written_before_the_window(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("ERROR untimed but old\n" * 10)
    stamp = (NOW - timedelta(hours=2)).timestamp()
    os.utime(log, (stamp, stamp))
    snap = await LogSource(LogConfig(name="api", path=str(log), backfill=900)).collect(NOW)
    assert snap.total == 0


async def test_backfill_of_an_untimed_file_places_lines_at_its_last_write(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("ERROR untimed\nok\nFATAL untimed\n")
    stamp = (NOW - timedelta(minutes=3)).timestamp()
    os.utime(log, (stamp, stamp))
    snap = await LogSource(LogConfig(name="api", path=str(log), backfill=900)).collect(NOW)
    assert snap.total == 2 and snap.per_minute[-4] == 2


async def test_samples_give_each_finished_minute_once(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("".join(f"{iso(NOW - timedelta(minutes=m))} ERROR x\n" for m in (1, 2, 2, 5)))
    src = LogSource(LogConfig(name="api", path=str(log), backfill=600))
    snap = await src.collect(NOW)
    samples = src.samples(snap)
    assert {s.series for s in samples} == {"log.api.per_min"}
    assert len(samples) == 9  # the finished minutes the backfill fully observed: 12:21 to 12:29
    by_minute = {s.at: s.value for s in samples}
    minute = lambda m: datetime.fromtimestamp((minute_of(NOW) - m) * 60, UTC)  # noqa: E731
    assert by_minute[minute(1)] == 1 and by_minute[minute(2)] == 2 and by_minute[minute(5)] == 1
    assert src.samples(snap) == []  # same minute: nothing new
    later = await src.collect(NOW + timedelta(minutes=1))
    assert [s.at for s in src.samples(later)] == [minute(0)]


async def test_bad_config_is_an_error_in_the_snapshot_not_an_exception() -> None:
    snap = await LogSource(LogConfig(name="api", path="/x.log", pattern="error(")).collect(NOW)
    assert snap.error and snap.error.startswith("log api: invalid pattern 'error('")
    snap = await LogSource(LogConfig(name="api")).collect(NOW)
    assert snap.error and "set `path`" in snap.error


# --- commands ------------------------------------------------------------------------------


async def poll_until(src: LogSource, done, timeout: float = 10.0, now=None) -> LogCounts:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        snap = await src.collect(now or datetime.now(UTC))
        if done(snap) or loop.time() > end:
            return snap
        await asyncio.sleep(0.02)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_followed_command_counts_lines_as_they_come_and_is_killed_on_close() -> None:
    code = "import time\nprint('ERROR a 1'); print('info'); print('FATAL b', flush=True)\ntime.sleep(60)"
    src = LogSource(LogConfig(name="pods", argv=(sys.executable, "-c", code)))
    snap = await poll_until(src, lambda s: s.total >= 2)
    assert snap.total == 2 and snap.error is None and snap.message.startswith("following ")
    assert sorted(g.example for g in snap.top) == ["ERROR a 1", "FATAL b"]
    pid = src._cmd._proc.pid
    await src.aclose()
    await asyncio.sleep(0.05)
    assert not alive(pid)


async def test_a_command_that_exits_shows_its_code_and_last_stderr_line_and_restarts() -> None:
    code = "import sys\nprint('ERROR once per run', flush=True)\nprint('warming up', file=sys.stderr)\nprint('boom: cannot connect', file=sys.stderr)\nsys.exit(3)"
    src = LogSource(LogConfig(name="pods", argv=(sys.executable, "-c", code)), restart_delays=(0.05,))
    try:
        snap = await poll_until(src, lambda s: s.error is not None)
        assert "exit 3: boom: cannot connect" in snap.error
        assert "restarting in 0.05s" in snap.error
        snap = await poll_until(src, lambda s: s.total >= 3)
        assert snap.total >= 3 and src._cmd.starts >= 3
    finally:
        await src.aclose()


async def test_a_missing_binary_says_command_not_found(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    src = LogSource(LogConfig(name="pods", argv=("kubectl", "logs", "deploy/api", "-f")))
    try:
        snap = await poll_until(src, lambda s: s.error is not None)
        assert snap.error.startswith("command not found: kubectl")
    finally:
        await src.aclose()


async def test_a_commands_replay_of_history_lands_in_the_minutes_it_happened(tmp_path: Path, monkeypatch) -> None:
    """A fake `kubectl logs --timestamps -f` printing the real format: RFC 3339 with nanoseconds."""
    now = datetime.now(UTC).replace(second=30)
    lines = [
        f"{(now - timedelta(minutes=20)).strftime('%Y-%m-%dT%H:%M:%S.%f')}123Z ERROR older than the window",
        f"{(now - timedelta(minutes=5)).strftime('%Y-%m-%dT%H:%M:%S.%f')}123Z ERROR replayed by --since",
        f"{now.strftime('%Y-%m-%dT%H:%M:%S.%f')}456Z ERROR live",
    ]
    kubectl = tmp_path / "kubectl"
    kubectl.write_text(
        f"#!{sys.executable}\nimport sys, time\n"
        + "".join(f"print({ln!r})\n" for ln in lines)
        + "sys.stdout.flush()\ntime.sleep(60)\n"
    )
    kubectl.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    src = LogSource(LogConfig(name="pods", argv=("kubectl", "logs", "deploy/api", "-f", "--timestamps", "--since=15m")))
    try:
        snap = await poll_until(src, lambda s: s.total >= 2, now=now)
        await asyncio.sleep(0.1)
        snap = await src.collect(now)
        assert snap.total == 2
        assert snap.per_minute[-6] == 1 and snap.per_minute[-1] == 1
    finally:
        await src.aclose()


def test_a_parallel_backfill_counts_exactly_what_a_sequential_one_does(tmp_path: Path) -> None:
    """Pieces cut through runs of untimed lines: those take the time of the piece before."""
    from warroom.domain.log_rules import GroupTable, MinuteCounter
    from warroom.sources.logbackfill import backfill

    log = tmp_path / "api.log"
    with open(log, "w") as f:
        for k in range(3000):
            t = NOW - timedelta(minutes=20) + timedelta(seconds=0.4 * k)
            f.write(f"{iso(t)} ERROR job {k % 7} failed\n")
            if k % 100 == 0:  # a long untimed stack trace now and then
                f.write("panic: worker error\n" + "    at frame error\n" * 300)
    end = log.stat().st_size
    # The cuts do land inside untimed runs (else this test would not test them).
    from functools import partial

    from warroom.sources.logbackfill import tally_range
    from warroom.sources.logscan import split_range

    job = partial(tally_range, matcher=Matcher(), now=NOW, local=UTC, cutoff=NOW - timedelta(minutes=10), capacity=200)
    assert any(job(str(log), a, b).head for a, b in split_range(0, end, 4, 16 * 1024)[1:])

    def run(workers: int):
        groups, minutes = GroupTable(), MinuteCounter()
        result = backfill(
            [(str(log), end)],
            Matcher(),
            NOW,
            UTC,
            600,
            into_groups=groups,
            into_minutes=minutes,
            workers=workers,
            min_parallel=0,
            piece_min=16 * 1024,
        )
        return result.total, minutes.per_minute(NOW), [(g.pattern_key, g.count) for g in groups.top(20)]

    sequential, parallel = run(1), run(2)
    assert sequential[0] > 1000
    assert parallel == sequential


async def test_a_one_shot_snapshot_of_a_command_reads_its_replay_then_stops_it() -> None:
    code = (
        "import time\n"
        "for i in range(30): print(f'ERROR replayed {i}')\n"
        "print('INFO caught up', flush=True)\n"
        "open(__import__('sys').argv[1], 'w').write(str(__import__('os').getpid()))\n"
        "time.sleep(60)"
    )
    import tempfile

    with tempfile.NamedTemporaryFile() as pidfile:
        src = LogSource(LogConfig(name="pods", argv=(sys.executable, "-c", code, pidfile.name)))
        snap = await src.collect_once(NOW, quiet=0.3, limit=10)
        assert snap.total == 30 and snap.error is None
        await asyncio.sleep(0.05)
        assert not alive(int(Path(pidfile.name).read_text()))


async def test_a_one_shot_snapshot_of_a_finite_command_is_not_an_error() -> None:
    code = "print('ERROR a'); print('FATAL b')"
    src = LogSource(LogConfig(name="pods", argv=(sys.executable, "-c", code)))
    snap = await src.collect_once(NOW, limit=10)
    assert snap.total == 2 and snap.error is None and snap.message.endswith("exit 0")


async def test_a_one_shot_snapshot_of_a_file_reads_the_backfill_and_closes(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text(f"{iso(NOW - timedelta(minutes=2))} ERROR recent\n")
    src = LogSource(LogConfig(name="api", path=str(log), backfill=900))
    snap = await src.collect_once(NOW)
    assert snap.total == 1 and snap.backfilled == 1
    assert not src._files.followers[str(log)].is_open


async def test_the_snapshot_prints_like_uniq_c(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text(
        f"{iso(NOW - timedelta(minutes=1))} ERROR db timeout after 5003ms\n"
        f"{iso(NOW - timedelta(minutes=1))} ERROR db timeout after 4999ms\n"
        f"{iso(NOW - timedelta(minutes=2))} panic: nil map\n"
    )
    src = LogSource(LogConfig(name="api", path=str(log), backfill=600))
    text = (await src.collect_once(NOW)).as_text()
    assert text.splitlines()[0] == f"log api: {log} (pattern error|panic|fatal)"
    assert "total 3 (3 from the backfill window)" in text
    assert text.splitlines()[-2:] == [
        f"      2 {iso(NOW - timedelta(minutes=1))} ERROR db timeout after 4999ms",
        f"      1 {iso(NOW - timedelta(minutes=2))} panic: nil map",
    ]
    assert src.config.name == "api"
