from datetime import datetime, timedelta, timezone

import pytest

from warroom.domain.timeparse import parse_duration, parse_time

NOW = datetime(2026, 11, 26, 3, 20, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("-15m", NOW - timedelta(minutes=15)),
        ("-1h30m", NOW - timedelta(minutes=90)),
        ("-90s", NOW - timedelta(seconds=90)),
        ("03:12", datetime(2026, 11, 26, 3, 12, tzinfo=timezone.utc)),
        ("03:12:05", datetime(2026, 11, 26, 3, 12, 5, tzinfo=timezone.utc)),
        ("2026-11-25T23:59:00Z", datetime(2026, 11, 25, 23, 59, tzinfo=timezone.utc)),
        ("2026-11-26 04:00+01:00", datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc)),
        ("2026-11-26T01:00", datetime(2026, 11, 26, 1, 0, tzinfo=timezone.utc)),
        ("now", NOW),
    ],
)
def test_parse_time_forms(text, expected):
    assert parse_time(text, NOW) == expected


def test_clock_time_after_now_means_yesterday():
    assert parse_time("23:55", NOW) == datetime(2026, 11, 25, 23, 55, tzinfo=timezone.utc)


@pytest.mark.parametrize("bad", ["yesterday", "25:00", "-15x", "", "12:61"])
def test_bad_times_raise_a_clear_error(bad):
    with pytest.raises(ValueError, match="not a"):
        parse_time(bad, NOW)


def test_parse_duration():
    assert parse_duration("2h") == timedelta(hours=2)
    assert parse_duration("1h 30m") == timedelta(minutes=90)
    with pytest.raises(ValueError):
        parse_duration("soon")
