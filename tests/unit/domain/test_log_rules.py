"""Log rules: masking/grouping like `sort | uniq -c | sort -rn`, minute counts, spikes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from warroom.domain.events import Kind
from warroom.domain.log_rules import GroupTable, MinuteCounter, SpikeDetector, leading_timestamp, mask_message

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "2024-05-01T12:03:04.123Z ERROR upstream 10.0.0.12:8080 timed out after 3000ms",
            "<ts> ERROR upstream <ip> timed out after <n>ms",
        ),
        (
            "May  1 12:00:00 web1 api[4321]: fatal: request 550e8400-e29b-41d4-a716-446655440000 failed",
            "<ts> web<n> api[<n>]: fatal: request <uuid> failed",
        ),
        (
            '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /orders/77 HTTP/1.1" 500 2326 error',
            '<ip> - - [<ts>] "GET /orders/<n> HTTP/<n>" <n> <n> error',
        ),
        (
            "panic: nil map at 0x7f3a2c commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
            "panic: nil map at <hex> commit <hex>",
        ),
        ("error from fe80::1ff:fe23:4567:890a and 2001:db8:0:0:0:0:2:1", "error from <ip> and <ip>"),
        # Words made of hex letters are words, not ids; whitespace runs collapse.
        ("ERROR   deadbeef   cafe   accepted", "ERROR deadbeef cafe accepted"),
    ],
)
def test_masking_hides_what_varies_between_equal_messages(line: str, masked: str) -> None:
    assert mask_message(line) == masked


def test_groups_count_like_uniq_c_and_keep_the_newest_example() -> None:
    table = GroupTable()
    lines = [
        "ERROR payment 1001 declined for 10.0.0.1",
        "ERROR payment 1002 declined for 10.0.0.2",
        "FATAL db pool exhausted",
        "ERROR payment 1003 declined for 10.0.0.3",
    ]
    for i, line in enumerate(lines):
        table.add(line, T0 + timedelta(seconds=i))
    top = table.top()
    assert [(g.pattern_key, g.count) for g in top] == [
        ("ERROR payment <n> declined for <ip>", 3),
        ("FATAL db pool exhausted", 1),
    ]
    assert top[0].example == "ERROR payment 1003 declined for 10.0.0.3"
    assert top[0].last_seen == T0 + timedelta(seconds=3)


def test_group_table_memory_is_bounded_and_big_groups_survive_a_flood() -> None:
    table = GroupTable(capacity=200)
    for _ in range(500):
        table.add("ERROR the usual one", T0)
    for i in range(5000):  # distinct messages that masking cannot merge
        table.add(f"ERROR unique {chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676 % 26)}", T0)
    assert len(table) <= 200
    assert table.top(1)[0].pattern_key == "ERROR the usual one"
    assert table.top(1)[0].count == 500
    assert table.evicted > 0


def test_minute_counts_cover_the_last_15_minutes_oldest_first() -> None:
    counter = MinuteCounter()
    counter.add(T0 + timedelta(minutes=1, seconds=5))
    counter.add(T0 + timedelta(minutes=1, seconds=59))
    counter.add(T0 + timedelta(minutes=14, seconds=30), 4)
    counter.add(T0 - timedelta(minutes=3))  # falls out of the window
    per_minute = counter.per_minute(T0 + timedelta(minutes=14, seconds=40))
    assert len(per_minute) == 15
    assert per_minute[0] == 0 and per_minute[1] == 2 and per_minute[-1] == 4
    assert sum(per_minute) == 6


NOW = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
PLUS2 = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2024-05-01T12:03:04.123456789Z stdout F error", datetime(2024, 5, 1, 12, 3, 4, tzinfo=UTC)),
        ("2024-05-01 14:03:04,120+02:00 ERROR x", datetime(2024, 5, 1, 12, 3, 4, tzinfo=UTC)),
        ('{"level":"error","ts":"2024-05-01T12:03:04Z","msg":"x"}', datetime(2024, 5, 1, 12, 3, 4, tzinfo=UTC)),
        ("2024/05/01 14:03:04 [error] 7#7: upstream", datetime(2024, 5, 1, 12, 3, 4, tzinfo=UTC)),  # local +2
        ("May  1 14:03:04 host api: error", datetime(2024, 5, 1, 12, 3, 4, tzinfo=UTC)),  # local +2
        ('1.2.3.4 - - [01/May/2024:12:03:04 +0000] "GET /" 500', datetime(2024, 5, 1, 12, 3, 4, tzinfo=UTC)),
        ("error without any time", None),
        ("2024-13-45T99:00:00Z error", None),
    ],
)
def test_leading_timestamps_in_common_log_formats(line: str, expected: datetime | None) -> None:
    assert leading_timestamp(line, NOW, PLUS2) == expected


def test_syslog_lines_from_december_read_in_january_are_last_year() -> None:
    jan = datetime(2025, 1, 1, 0, 5, tzinfo=UTC)
    assert leading_timestamp("Dec 31 23:59:00 h x: error", jan) == datetime(2024, 12, 31, 23, 59, tzinfo=UTC)


def _window(*counts: int) -> tuple[int, ...]:
    return (0,) * (15 - len(counts)) + counts


def test_a_spike_fires_once_with_the_rate_and_baseline() -> None:
    det = SpikeDetector("api", factor=5, minimum=10)
    quiet = (3,) * 13
    now = T0 + timedelta(minutes=20, seconds=10)
    assert det.observe(_window(*quiet, 3, 1), now) is None
    event = det.observe(_window(*quiet, 240, 5), now + timedelta(minutes=1))
    assert event is not None
    assert event.kind == Kind.LOG_SPIKE
    assert event.text == "log api error spike: 240/min (baseline 3/min)"
    assert event.dedupe_key == "log:api:spike:2024-05-01T12:20Z"
    # Still spiking on the next ticks and minutes: no second event.
    assert det.observe(_window(*quiet, 240, 90), now + timedelta(minutes=1, seconds=30)) is None
    assert det.observe(_window(*quiet[1:], 240, 250, 12), now + timedelta(minutes=2)) is None


def test_a_spike_can_fire_again_after_the_rate_fell_back_for_a_while() -> None:
    det = SpikeDetector("api", factor=5, minimum=10, rearm_minutes=3)
    base = T0 + timedelta(seconds=5)
    history = [2] * 13
    events = []
    # minute by minute: spike, 3 quiet minutes, spike again
    for count in [2, 100, 2, 2, 2, 2, 120]:
        history.append(count)
        window = tuple(history[-14:]) + (0,)
        events.append(det.observe(window, base + timedelta(minutes=len(history) - 1)))
    fired = [e for e in events if e is not None]
    assert len(fired) == 2
    assert "100/min" in fired[0].text and "120/min" in fired[1].text


def test_a_quiet_log_uses_the_floor_and_the_minimum() -> None:
    det = SpikeDetector("worker", factor=5, minimum=10)
    now = T0 + timedelta(minutes=30)
    assert det.observe(_window(*(0,) * 13, 9, 0), now) is None  # under the minimum
    event = det.observe(_window(*(0,) * 13, 12, 0), now)
    assert event is not None and "12/min (baseline 0/min)" in event.text


def test_the_current_minute_fires_as_soon_as_it_crosses() -> None:
    det = SpikeDetector("api", factor=5, minimum=10)
    now = T0 + timedelta(minutes=30, seconds=20)
    event = det.observe(_window(*(2,) * 13, 2, 50), now)
    assert event is not None and event.dedupe_key == "log:api:spike:2024-05-01T12:30Z"


def test_no_judgement_before_a_baseline_was_observed() -> None:
    det = SpikeDetector("api", factor=5, minimum=10)
    now = T0 + timedelta(minutes=30, seconds=20)
    # Started 2 minutes ago without backfill: the zeros before are unknown, not quiet.
    assert det.observe(_window(*(0,) * 12, 40, 45, 50), now, covered=3) is None
    assert det.observe(_window(*(0,) * 10, 2, 2, 2, 45, 50), now, covered=5) is not None
