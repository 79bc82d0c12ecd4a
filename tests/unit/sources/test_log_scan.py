"""The line scanner: which lines match, across reads, in bounded memory; the backfill scan."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from warroom.sources.logscan import (
    LINE_KEEP,
    LineScanner,
    Matcher,
    PatternError,
    scan_file_range,
    scan_ranges_parallel,
)

TEXT = (
    b"ok start\n"
    b"2024-05-01T12:00:00Z ERROR db down\n"
    b"nothing here\n"
    b"Panic: at the disco\r\n"
    b"a fatal error and a panic on one line\n"
    b"errors are plural\n"
    b"\xff\xfe broken utf8 FATAL \xc3\x28\n"
    b"last line without newline error"
)


def _lines(hits) -> list[bytes]:
    return [h[0] for h in hits]


def _reference(pattern: str, data: bytes) -> list[bytes]:
    rx = re.compile(pattern.encode(), re.IGNORECASE)
    return [ln.rstrip(b"\r") for ln in data.split(b"\n")[:-1] if rx.search(ln)]


@pytest.mark.parametrize("pattern", ["error|panic|fatal", "fatal", r"err(or)?s?\b|pani[c]"])
def test_literal_and_regex_patterns_find_exactly_the_matching_lines(pattern: str) -> None:
    scanner = LineScanner(Matcher(pattern))
    assert _lines(scanner.feed(TEXT)) == _reference(pattern, TEXT)


def test_the_default_pattern_is_searched_as_literals() -> None:
    assert Matcher().literals is not None
    assert Matcher("err.r").literals is None


def test_an_invalid_pattern_is_a_clear_error() -> None:
    with pytest.raises(PatternError, match="invalid pattern 'error\\('"):
        Matcher("error(")


def test_lines_split_across_reads_are_found_once() -> None:
    scanner = LineScanner(Matcher())
    hits = []
    for i in range(0, len(TEXT), 7):  # 7-byte reads cut lines and words in two
        hits += scanner.feed(TEXT[i : i + 7])
    assert _lines(hits) == _reference("error|panic|fatal", TEXT)
    # The unfinished last line is pending until the stream ends.
    assert _lines(scanner.finish()) == [b"last line without newline error"]


def test_a_giant_line_counts_once_and_only_its_head_is_kept() -> None:
    scanner = LineScanner(Matcher())
    piece = b"x" * (1024 * 1024)
    hits = scanner.feed(b"before error\n" + piece)
    for _ in range(19):
        hits += scanner.feed(piece)
        assert len(scanner._head) <= LINE_KEEP  # memory stays bounded while it grows
    hits += scanner.feed(b"...er")
    hits += scanner.feed(b"ror at the very end\nafter\n")
    assert len(hits) == 2
    assert hits[0][0] == b"before error"
    assert len(hits[1][0]) == LINE_KEEP and hits[1][0].startswith(b"xxx")
    # The same giant line without a match is not counted.
    scanner.feed(piece * 3)
    assert scanner.feed(b"\n") == []


def test_hits_carry_the_time_of_the_line_or_the_nearest_line_above() -> None:
    now = datetime(2024, 5, 1, 12, 30, tzinfo=timezone.utc)
    from functools import partial

    from warroom.sources.logscan import stamp_bytes

    scanner = LineScanner(Matcher(), stamp=partial(stamp_bytes, now=now))
    data = (
        b"2024-05-01T12:01:00Z INFO starting\n"
        b"2024-05-01T12:02:00Z ERROR boom\n"
        b"2024-05-01T12:03:00Z INFO request\n"
        b"panic: runtime error: index out of range\n"
        b"goroutine 1 [running]:\n"
    )
    hits = scanner.feed(data)
    assert [h[1] for h in hits] == [now - timedelta(minutes=28), now - timedelta(minutes=27)]


def _write_log(path: Path, lines: int) -> list[bytes]:
    rows = []
    for i in range(lines):
        level = b"ERROR" if i % 10 == 0 else b"INFO"
        rows.append(b"2024-05-01T12:%02d:00Z %s request %d handled\n" % (i % 60, level, i))
    path.write_bytes(b"".join(rows))
    return [r.rstrip(b"\n") for r in rows if b"ERROR" in r]


def test_a_file_range_counts_lines_that_start_in_it(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    expected = _write_log(path, 2000)
    size = path.stat().st_size
    cuts = [0, 1, 777, size // 2, size - 3, size]
    got = []
    for a, b in zip(cuts, cuts[1:]):  # arbitrary cuts, mid-line included: nothing twice, nothing lost
        got += _lines(scan_file_range(str(path), a, b, Matcher()).hits)
    assert got == expected


@pytest.mark.usefixtures("burns_cpu")
def test_parallel_backfill_gives_the_same_lines_in_order(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    expected = _write_log(path, 30000)
    size = path.stat().st_size
    now = datetime(2024, 5, 1, 13, 0, tzinfo=timezone.utc)
    [result] = scan_ranges_parallel(
        [(str(path), 0, size)], Matcher(), now, workers=2, min_parallel=0, piece_min=64 * 1024
    )
    assert _lines(result.hits) == expected
    assert result.scanned == size
    assert all(isinstance(h[1], datetime) for h in result.hits)
