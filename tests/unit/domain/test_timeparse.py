from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.timeparse import parse_duration, parse_time

NOW = datetime(2026, 11, 26, 3, 20, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("-15m", NOW - timedelta(minutes=15)),
        ("-1h30m", NOW - timedelta(minutes=90)),
        ("-90s", NOW - timedelta(seconds=90)),
        ("03:12", datetime(2026, 11, 26, 3, 12, tzinfo=UTC)),
        ("03:12:05", datetime(2026, 11, 26, 3, 12, 5, tzinfo=UTC)),
        ("2026-11-25T23:59:00Z", datetime(2026, 11, 25, 23, 59, tzinfo=UTC)),
        ("2026-11-26 04:00+01:00", datetime(2026, 11, 26, 3, 0, tzinfo=UTC)),
        ("2026-11-26T01:00", datetime(2026, 11, 26, 1, 0, tzinfo=UTC)),
        ("now", NOW),
    ],
)
def test_parse_time_forms(text, expected):
    assert parse_time(text, NOW) == expected


def test_clock_time_after_now_means_yesterday():
    assert parse_time("23:55", NOW) == datetime(2026, 11, 25, 23, 55, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["yesterday", "25:00", "-15x", "", "12:61"])
def test_bad_times_raise_a_clear_error(bad):
    with pytest.raises(ValueError, match="not a"):
        parse_time(bad, NOW)


def test_parse_duration():
    assert parse_duration("2h") == timedelta(hours=2)
    assert parse_duration("1h 30m") == timedelta(minutes=90)
    with pytest.raises(ValueError):
        parse_duration("soon")


# -- the rules every time a person gives must pass -------------------------------------------
from warroom.domain.timeparse import check_time  # noqa: E402


@pytest.mark.parametrize(
    "text,why",
    [
        ("0202-12-06T05:00Z", "before 2000-01-01"),
        ("1999-12-31T23:59Z", "before 2000-01-01"),
        ("-99999999999h", "too long"),
        ("9999-12-31T23:59:59-08:00", "out of range"),
        ("0001-01-01T00:00+01:00", "out of range"),
        ("2099-01-01", "in the future"),
        ("2026-11-26T03:26Z", "in the future"),  # 5.5 minutes ahead
    ],
)
def test_impossible_times_are_refused(text, why):
    with pytest.raises(ValueError, match=why):
        parse_time(text, NOW)


def test_up_to_five_minutes_ahead_is_accepted_for_drifting_clocks():
    assert parse_time("2026-11-26T03:25:00Z", NOW) == datetime(2026, 11, 26, 3, 25, tzinfo=UTC)


def test_as_of_queries_may_look_ahead_but_not_out_of_range():
    assert parse_time("2099-01-01", NOW, allow_future=True).year == 2099
    with pytest.raises(ValueError, match="out of range"):
        parse_time("9999-12-31T23:59:59-08:00", NOW, allow_future=True)


def test_bare_clock_more_than_12h_before_the_start_needs_a_full_date():
    started = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    # 23:59 today is ahead of now, so it means yesterday: 3 h before the start, accepted.
    assert parse_time("23:59", NOW, started=started) == datetime(2026, 11, 25, 23, 59, tzinfo=UTC)
    with pytest.raises(ValueError, match="use a full date"):
        parse_time("12:00", NOW, started=started)  # yesterday noon: 15 h before the start
    # The same time written in full is the user's explicit choice.
    assert parse_time("2026-11-25T12:00Z", NOW, started=started).hour == 12


def test_check_time_names_the_limit():
    with pytest.raises(ValueError, match="26323 days in the future"):
        check_time(datetime(2099, 1, 1, tzinfo=UTC), datetime(2026, 12, 6, 5, 30, tzinfo=UTC))
