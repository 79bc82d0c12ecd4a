"""Following real files like `tail -F`: written, rotated, truncated, deleted while followed."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from warroom.config.model import LogConfig
from warroom.sources.logfollow import FileFollower, FileSet
from warroom.sources.logs import LogCounts, LogSource
from warroom.sources.logscan import EXAMPLE_CAP, LINE_KEEP, Matcher

NOW = datetime(2024, 5, 1, 12, 0, 30, tzinfo=UTC)


def source(path: Path | str, **kw) -> LogSource:
    return LogSource(LogConfig(name="api", path=str(path), **kw))


def append(path: Path, text: str | bytes) -> None:
    with open(path, "ab") as f:
        f.write(text.encode() if isinstance(text, str) else text)


async def test_starts_at_the_end_and_counts_appended_matching_lines(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("old ERROR from yesterday\n" * 50)
    src = source(log)
    snap = await src.collect(NOW)
    assert snap.total == 0 and snap.files == (str(log),) and snap.error is None
    assert snap.message == f"following {log}"
    append(log, "INFO fine\nERROR db timeout after 30ms\nWARN slow\nFatal: out of memory\n")
    snap = await src.collect(NOW + timedelta(seconds=5))
    assert isinstance(snap, LogCounts)
    assert snap.total == 2
    assert snap.per_minute[-1] == 2 and len(snap.per_minute) == 15
    assert {g.example for g in snap.top} == {"ERROR db timeout after 30ms", "Fatal: out of memory"}


async def test_a_half_written_line_counts_once_it_is_finished(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    src = source(log)
    await src.collect(NOW)
    append(log, "ERROR half")
    assert (await src.collect(NOW)).total == 0
    append(log, " written\n")
    snap = await src.collect(NOW)
    assert snap.total == 1 and snap.top[0].example == "ERROR half written"


async def test_rename_rotation_loses_no_late_writes_to_the_old_file(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    src = source(log)
    await src.collect(NOW)
    writer = open(log, "a", buffering=1)  # a process that keeps its descriptor across rotation
    expected = 0
    for rotation in range(5):
        for i in range(3):
            writer.write(f"ERROR before rotation {rotation}.{i}\n")
            expected += 1
        await src.collect(NOW)
        os.rename(log, tmp_path / f"api.log.{rotation}")
        writer.write(f"ERROR late write to the old file {rotation}\n")  # tail -F loses this one
        expected += 1
        new_writer = open(log, "a", buffering=1)
        new_writer.write(f"ERROR first line of the new file {rotation}\n")
        expected += 1
        await src.collect(NOW)
        writer.write(f"ERROR even later write to the old file {rotation}\n")  # after we switched
        expected += 1
        writer.close()
        writer = new_writer
    writer.close()
    snap = await src.collect(NOW)
    assert snap.total == expected
    assert snap.files == (str(log),)


def test_a_rotated_file_is_let_go_once_quiet_for_the_grace_period(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    clock = [100.0]
    f = FileFollower(str(log), Matcher(), retire_grace=5.0, clock=lambda: clock[0])
    f.poll()
    os.rename(log, tmp_path / "api.log.1")
    log.write_text("")
    f.poll()
    assert len(f.open_ids()) == 2  # the new file, and the old one still drained
    append(tmp_path / "api.log.1", "ERROR late\n")
    clock[0] += 4
    assert len(f.poll()) == 1
    clock[0] += 5.1
    f.poll()
    assert len(f.open_ids()) == 1 and f.rotations == 1


async def test_copytruncate_restarts_from_the_beginning(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    src = source(log)
    await src.collect(NOW)
    append(log, "ERROR one long line before the truncate happens\n" * 4)
    assert (await src.collect(NOW)).total == 4
    shutil.copy(log, tmp_path / "api.log.1")
    with open(log, "r+") as f:
        f.truncate(0)
    append(log, "ERROR after\n")
    assert (await src.collect(NOW)).total == 5
    # Truncated and rewritten past our position between two polls: still noticed.
    with open(log, "r+") as f:
        f.truncate(0)
    append(log, "ERROR regrown " + "x" * 100 + "\n")
    assert (await src.collect(NOW)).total == 6


async def test_delete_and_recreate_waits_then_reads_the_new_file(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    src = source(log)
    await src.collect(NOW)
    append(log, "ERROR before delete\n")
    log.unlink()
    snap = await src.collect(NOW)
    assert snap.total == 1  # drained before letting the name go
    assert snap.waiting and snap.message == f"waiting for {log}"
    log.write_text("ERROR in the new file\nINFO fine\nERROR again\n")
    snap = await src.collect(NOW)
    assert snap.total == 3 and not snap.waiting and snap.files == (str(log),)


async def test_a_file_that_does_not_exist_yet_is_waited_for(tmp_path: Path) -> None:
    log = tmp_path / "later.log"
    src = source(log)
    snap = await src.collect(NOW)
    assert snap.waiting and snap.message == f"waiting for {log}" and snap.error is None
    assert snap.files == ()
    log.write_text("panic: first words of a new file\n")
    snap = await src.collect(NOW)
    assert snap.total == 1 and not snap.waiting  # a new file is read from its start


async def test_a_directory_where_the_log_should_be_is_a_clear_error(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.mkdir()
    snap = await source(log).collect(NOW)
    assert snap.error == f"is a directory, not a log file: {log}"
    assert not snap.waiting


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; see the directory test")
async def test_permission_denied_is_shown_and_retried(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    log.chmod(0)
    src = source(log)
    snap = await src.collect(NOW)
    assert snap.error == f"permission denied: {log}"
    log.chmod(0o644)
    append(log, "ERROR now readable\n")
    snap = await src.collect(NOW)
    assert snap.error is None and snap.total == 1


async def test_invalid_utf8_and_crlf_are_counted_and_shown_cleanly(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    src = source(log)
    await src.collect(NOW)
    append(log, b"ERROR bad bytes \xff\xfe\xc3\x28 here\r\nERROR code 7\r\nERROR code 8\r\n\x1b[31mERROR\x1b[0m red\n")
    snap = await src.collect(NOW)
    assert snap.total == 4
    examples = {g.pattern_key: g for g in snap.top}
    assert examples["ERROR code <n>"].count == 2 and examples["ERROR code <n>"].example == "ERROR code 8"
    assert "\ufffd" in examples["ERROR bad bytes \ufffd\ufffd\ufffd( here"].example
    assert "ERROR red" in examples  # escape sequences stripped before grouping and display
    assert all("\r" not in g.example and "\x1b" not in g.example for g in snap.top)


async def test_a_20_mb_single_line_counts_once_and_is_display_capped(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    src = source(log)
    await src.collect(NOW)
    chunk = b"y" * (1024 * 1024)
    with open(log, "ab") as f:
        f.write(b"ERROR giant payload: " + chunk * 10)
    assert (await src.collect(NOW)).total == 0  # not finished yet
    assert len(src._files.followers[str(log)]._cur.scanner._head) <= LINE_KEEP
    with open(log, "ab") as f:
        f.write(chunk * 10 + b"\nERROR small\n")
    snap = await src.collect(NOW)
    assert snap.total == 2
    giant = next(g for g in snap.top if g.example.startswith("ERROR giant"))
    assert len(giant.example) <= EXAMPLE_CAP and giant.example.endswith("…")


async def test_a_glob_follows_every_match_and_picks_up_new_files(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text("ERROR old, before start\n")
    (tmp_path / "b.log").write_text("")
    (tmp_path / "notes.txt").write_text("")
    src = source(tmp_path / "*.log")
    snap = await src.collect(NOW)
    assert snap.files == (str(tmp_path / "a.log"), str(tmp_path / "b.log")) and snap.total == 0
    append(tmp_path / "a.log", "ERROR in a\n")
    (tmp_path / "c.log").write_text("ERROR c was born with this\nFATAL and this\n")
    append(tmp_path / "notes.txt", "ERROR not a log\n")
    snap = await src.collect(NOW)
    assert snap.total == 3
    assert snap.message == "following 3 files"


async def test_a_glob_rotation_to_a_matching_name_is_not_counted_twice(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    fs = FileSet(str(tmp_path / "*.log*"), Matcher(), retire_grace=0.0)
    fs.poll()
    append(log, "ERROR one\nERROR two\n")
    assert len(fs.poll()) == 2
    os.rename(log, tmp_path / "api.log.1")  # still matches the glob
    log.write_text("ERROR three\n")
    hits = fs.poll() + fs.poll() + fs.poll()
    assert [h[0] for h in hits] == [b"ERROR three"]
    append(tmp_path / "api.log.1", "ERROR four, late\n")
    assert [h[0] for h in fs.poll()] == [b"ERROR four, late"]


async def test_a_glob_with_no_match_waits(tmp_path: Path) -> None:
    snap = await source(tmp_path / "*.log").collect(NOW)
    assert snap.waiting and snap.message == f"waiting for {tmp_path}/*.log"


def test_a_recreated_file_reusing_the_old_inode_is_read_from_its_start(tmp_path: Path) -> None:
    # ext4 and tmpfs hand a freed inode number to the next new file: it must not be mistaken
    # for the file we had read (and skipped up to the old position).
    log = tmp_path / "api.log"
    log.write_text("")
    f = FileFollower(str(log), Matcher(), retire_grace=0.0)
    f.poll()
    append(log, "ERROR in the old file, a long line to move the position well forward\n")
    assert len(f.poll()) == 1
    log.unlink()
    f.poll()
    f.poll()  # the deleted file is let go
    assert f.open_ids() == set()
    log.write_text("ERROR new 1\nERROR new 2\n")
    assert [h[0] for h in f.poll()] == [b"ERROR new 1", b"ERROR new 2"]


def test_a_glob_match_reusing_a_forgotten_rotated_files_inode_is_read_from_its_start(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    log.write_text("")
    fs = FileSet(str(tmp_path / "*.log*"), Matcher(), retire_grace=0.0)
    fs.poll()
    append(log, "ERROR in the first file, long enough to matter for positions\n")
    assert len(fs.poll()) == 1
    os.rename(log, tmp_path / "api.log.1")
    for _ in range(3):
        fs.poll()
    (tmp_path / "api.log.1").unlink()  # logrotate removes the oldest
    fs.poll()
    (tmp_path / "api.log.2").write_text("ERROR fresh file\n")
    assert [h[0] for h in fs.poll()] == [b"ERROR fresh file"]
