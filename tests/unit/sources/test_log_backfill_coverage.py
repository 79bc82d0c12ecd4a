"""A big log's backfill: the cap is a setting, a cut window is said (bytes and time), and the fast
counting path (shapes, timestamp memo, forked workers) counts and groups exactly like the plain one."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.config.loader import parse_config
from warroom.config.model import LogConfig
from warroom.domain.log_rules import GroupTable, MinuteCounter
from warroom.sources import logbackfill
from warroom.sources.logbackfill import backfill
from warroom.sources.logpool import prefork_pool
from warroom.sources.logs import LogSource
from warroom.sources.logscan import Matcher, describe, scan_file_range
from warroom.sources.logstamp import Stamper, stamp_bytes

NOW = datetime(2024, 5, 1, 12, 30, 30, tzinfo=UTC)
MIB = 1024 * 1024


def write_log(path: Path, minutes: float, size: int) -> list[int]:
    """About `size` bytes of 100-byte lines spread evenly over the `minutes` before NOW; every
    20th matches. Returns the numbers of the matching lines (line k starts at byte 100 k)."""
    lines, matching = [], []
    per_line = 100
    n = size // per_line
    for k in range(n):
        t = NOW - timedelta(minutes=minutes) + timedelta(seconds=minutes * 60 * k / n)
        level = "ERROR" if k % 20 == 0 else "INFO "
        body = f"{t:%Y-%m-%dT%H:%M:%S.%f}Z {level} request {k:08d} handled by worker {k % 7}"
        lines.append(body.ljust(per_line - 1))
        if level == "ERROR":
            matching.append(k)
    path.write_text("\n".join(lines) + "\n")
    return matching


async def test_a_file_bigger_than_the_cap_says_how_much_of_the_window_was_counted(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    matching = write_log(log, minutes=20, size=3 * MIB)  # all inside a 30 min window, 3 MiB
    src = LogSource(LogConfig(name="api", path=str(log), backfill=1800, backfill_max_mb=1))
    try:
        snap = await src.collect(NOW)
    finally:
        await src.aclose()
    cov = snap.coverage
    assert cov is not None and not cov.complete and len(cov.cuts) == 1
    cut = cov.cuts[0]
    assert cut.counted_bytes == MIB and cut.file_bytes == log.stat().st_size
    # The last third of the file is about the last 6m40s of the 20 minutes written.
    assert cut.since is not None and abs((NOW - cut.since) - timedelta(minutes=20) / 3) < timedelta(seconds=15)
    # Exactly the lines from the cut on were counted (the first one starting at or after it).
    first = -(-(log.stat().st_size - MIB) // 100)
    assert snap.total == sum(1 for k in matching if k >= first) < len(matching)
    text = snap.as_text()
    line = next(x for x in text.splitlines() if x.startswith("backfill:"))
    assert "counted the last 1 MiB of 3.0 MiB" in line and str(log) in line
    assert f"from {cut.since:%H:%M:%S} UTC" in line and "of the 30m window" in line
    assert "backfill_max_mb = 1" in line
    as_json = snap.to_json()["backfill"]
    assert as_json["complete"] is False and as_json["window_seconds"] == 1800
    (j,) = as_json["cut"]
    assert j["counted_bytes"] == MIB and j["file_bytes"] == cut.file_bytes and j["cut_by"] == "backfill_max_mb"
    assert 380 <= j["covered_seconds"] <= 420 and j["from"].endswith("Z")
    # The minutes before the cut were not observed: gaps for the sparkline and the spike baseline.
    assert snap.covered_minutes <= 8


async def test_a_file_within_the_cap_says_the_whole_window_was_counted(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    matching = write_log(log, minutes=20, size=MIB // 2)
    src = LogSource(LogConfig(name="api", path=str(log), backfill=1800, backfill_max_mb=1))
    try:
        snap = await src.collect(NOW)
    finally:
        await src.aclose()
    assert snap.total == len(matching)
    assert snap.coverage is not None and snap.coverage.complete
    assert "backfill: the whole 30m window counted (512 KiB read)" in snap.as_text()  # 524,200 bytes
    assert "cut" not in snap.as_text()
    assert snap.to_json()["backfill"] == {
        "window_seconds": 1800,
        "complete": True,
        "read_bytes": log.stat().st_size,
        "cut": [],
    }


async def test_a_log_without_backfill_says_nothing_about_it(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    write_log(log, minutes=5, size=10_000)
    src = LogSource(LogConfig(name="api", path=str(log)))
    try:
        snap = await src.collect(NOW)
    finally:
        await src.aclose()
    assert snap.coverage is None and "backfill:" not in snap.as_text() and snap.to_json()["backfill"] is None


def test_the_cap_is_a_log_setting_checked_with_file_line_and_key() -> None:
    base = '[[log]]\nname = "api"\npath = "/var/log/api.log"\n'
    config, problems = parse_config(base + "backfill_max_mb = 1024\n", "warroom.toml", {})
    assert problems == [] and config.logs[0].backfill_max_mb == 1024
    assert LogSource(config.logs[0]).backfill_max_bytes == 1024 * MIB
    config, _ = parse_config(base, "warroom.toml", {})
    assert config.logs[0].backfill_max_mb == 256  # the old fixed cap is the default
    for value, why in (
        ("0", "must be at least 1, got 0"),
        ("100000", "must be at most 65536, got 100000"),
        ('"1G"', "expected an integer, got a string"),
    ):
        _, problems = parse_config(base + f"backfill_max_mb = {value}\n", "warroom.toml", {})
        assert [str(p) for p in problems] == [f'warroom.toml:4: [[log]] #1 "api" backfill_max_mb: {why}']


def varied_log(path: Path) -> None:
    """Matching lines of many shapes (ids, UUIDs, addresses, hex, odd bytes), untimed stack lines."""
    rng = random.Random(7)
    out = []
    for k in range(6000):
        t = NOW - timedelta(minutes=25) + timedelta(seconds=0.25 * k)
        r = rng.random()
        if r < 0.3:
            msg = rng.choice(
                [
                    f"ERROR db timeout after {rng.randint(1, 99999)}ms on conn {rng.randint(0, 300)}",
                    f"error upstream 10.0.{rng.randint(0, 255)}.{rng.randint(0, 255)}:{rng.randint(1, 65535)} 503",
                    f"FATAL req {rng.getrandbits(128):032x} trace=0x{rng.getrandbits(40):x}",
                    f"Panic: job {rng.randint(0, 9)} \x1b[31mred\x1b[0m \u202etxet\u202c café {rng.randint(0, 9)}",
                    f"ERROR {'x' * rng.randint(0, 3000)} long {rng.randint(0, 9)}",
                ]
            )
            out.append(f"{t:%Y-%m-%dT%H:%M:%S.%f}Z {msg}")
            if r < 0.02:
                out += ["    at frame error here", "\tcaused by: panic in handler"]
        else:
            out.append(f"{t:%Y-%m-%d %H:%M:%S,%f} INFO fine {k}")
    path.write_bytes("\n".join(out).encode() + b"\n\xff\xfeERROR invalid utf-8 \xc3\n")


@pytest.mark.parametrize("shapes_max", [4096, 16])  # 16: the shape table fills and folds many times
def test_fast_grouping_counts_and_groups_exactly_like_describing_every_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shapes_max: int
) -> None:
    monkeypatch.setattr(logbackfill, "SHAPES_MAX", shapes_max)
    log = tmp_path / "varied.log"
    varied_log(log)
    end = log.stat().st_size
    cutoff = NOW - timedelta(minutes=20)
    # The plain way: every matching line described and grouped one by one.
    plain_groups, plain_minutes, plain_total, last = GroupTable(1000), MinuteCounter(), 0, None
    for line, when in scan_file_range(str(log), 0, end, Matcher(), NOW, UTC).hits:
        last = when or last
        if last is None or last < cutoff:
            continue
        text, key = describe(line)
        at = min(last, NOW)
        plain_groups.add(text, at, key=key)
        plain_minutes.add(at)
        plain_total += 1
    groups, minutes = GroupTable(1000), MinuteCounter()
    result = backfill([(str(log), end)], Matcher(), NOW, UTC, 1200, into_groups=groups, into_minutes=minutes)
    assert result.total == plain_total > 1000
    assert minutes.per_minute(NOW) == plain_minutes.per_minute(NOW)
    assert [(g.pattern_key, g.count, g.example) for g in groups.top(1000)] == [
        (g.pattern_key, g.count, g.example) for g in plain_groups.top(1000)
    ]


def test_workers_forked_ahead_count_exactly_what_one_core_does(tmp_path: Path) -> None:
    log = tmp_path / "varied.log"
    varied_log(log)
    end = log.stat().st_size

    def run(**kw):
        groups, minutes = GroupTable(), MinuteCounter()
        r = backfill([(str(log), end)], Matcher(), NOW, UTC, 1200, into_groups=groups, into_minutes=minutes, **kw)
        return r.total, minutes.per_minute(NOW), [(g.pattern_key, g.count) for g in groups.top(20)]

    pool = prefork_pool(2)
    assert pool is not None  # pytest runs this single-threaded: forking is safe here
    try:
        forked = run(pool=pool, min_parallel=0, piece_min=16 * 1024)
    finally:
        pool.shutdown()
    assert forked == run(workers=1)


_STAMP_LINES = st.builds(
    lambda date, sep, frac, space, zone, rest: f"{date}{sep}12:3{frac[0]}:4{frac[1]}{frac[2:]}{space}{zone}{rest}",
    st.sampled_from(["2024-05-01", "2024/05/01", "2024-13-45", "2024-05-01"]),
    st.sampled_from(["T", " "]),
    st.sampled_from(["00", "59", "12.5", "01,123456789", "59.1234567891"]),
    st.sampled_from(["", " ", "\t", "\xa0", "\x85", "\x1c"]),
    st.sampled_from(["", "Z", "+02:00", "-0530", "+2", "z"]),
    st.sampled_from(["", " ERROR x", "Z ERROR", "\tpanic", " 2024-05-01T00:00:00Z"]),
)


@settings(max_examples=300, deadline=None)
@given(_STAMP_LINES, st.sampled_from([UTC, datetime(2024, 1, 1).astimezone().tzinfo]))
def test_the_timestamp_memo_gives_the_general_answer(text: str, local) -> None:
    stamper = Stamper(NOW, local)
    line = text.encode("latin-1")
    expected = stamp_bytes(line, NOW, local)
    assert stamper(line) == expected
    assert stamper(line) == expected  # and again, from the memo


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefilnprtFAPNIC \r", min_size=1, max_size=6), min_size=1, max_size=4),
    st.lists(st.text(alphabet="abcdefilnprtxFAPNICE \r", max_size=40), max_size=30),
)
def test_folded_searches_find_exactly_the_lines_a_regex_finds(alternatives: list[str], lines: list[str]) -> None:
    """Literals folded into one search (`panic` into `fatal`) still match exactly: `final` is not
    a match, `PaNiC` is."""
    import re

    pattern = "|".join(alternatives)
    data = "\n".join(lines).encode() + b"\n"
    rx = re.compile(pattern.encode(), re.IGNORECASE)
    expected, pos = [], 0
    for line in data.split(b"\n")[:-1]:
        if rx.search(line):
            expected.append((pos, pos + len(line)))
        pos += len(line) + 1
    assert Matcher(pattern).line_spans(data, 0, len(data)) == expected


def test_the_default_pattern_folds_panic_into_fatal_and_keeps_final_out() -> None:
    matcher = Matcher()
    assert len(matcher.keys) == 2  # two passes over the data, not three
    data = b"final answer\ncapital\nPaNiC here\nfatal\nFINAL\nan Error\nok\n"
    found = [data[a:b] for a, b in matcher.line_spans(data, 0, len(data))]
    assert found == [b"PaNiC here", b"fatal", b"an Error"]


def test_a_hex_number_and_a_size_with_the_same_digit_positions_group_apart() -> None:
    """`0x0` is a hex number, `4x4` two numbers: their lines must not share a cached key."""
    from warroom.domain.log_rules import mask_message

    for first, second in ((b"ERROR resize 0x0 failed", b"ERROR resize 4x4 failed"), (b"fatal 9X9", b"fatal 0X9")):
        keys = [describe(first)[1], describe(second)[1]]
        assert keys == [mask_message(first.decode()), mask_message(second.decode())]
        assert keys[0] != keys[1]
