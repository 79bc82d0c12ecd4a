"""Metric values in their unit, ok/warn/crit, and damped threshold events."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from warroom.domain.events import Kind
from warroom.domain.metric_rules import (
    MetricState,
    MetricThresholds,
    bucketed,
    format_value,
    metric_samples,
    state_of,
    top_series,
)

T0 = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)


def test_values_read_in_their_unit() -> None:
    assert format_value(0.0712, "ratio") == "7.12%"
    assert format_value(42.5, "percent") == "42.5%"
    assert format_value(0.042, "s") == "42ms" and format_value(1.5, "s") == "1.5s"
    assert format_value(250, "ms") == "250ms" and format_value(2500, "ms") == "2.5s"
    assert format_value(1536, "bytes") == "1.5 KiB" and format_value(512, "bytes") == "512 B"
    assert format_value(3 * 1024**3, "bytes") == "3 GiB"
    assert format_value(12.25, "req/s") == "12.2 req/s"
    assert format_value(1234567, "") == "1.23e+06" and format_value(7, "") == "7"
    assert format_value(math.nan, "ratio") == "NaN" and format_value(math.inf, "s") == "+Inf"
    assert format_value(None) == "-"


def test_states_mean_at_or_above() -> None:
    assert state_of(0.001, 0.01, 0.05) is MetricState.OK
    assert state_of(0.01, 0.01, 0.05) is MetricState.WARN
    assert state_of(0.05, 0.01, 0.05) is MetricState.CRIT
    assert state_of(99.0, None, None) is MetricState.OK
    assert state_of(math.nan, 0.01, 0.05) is MetricState.UNKNOWN


def feed(tracker: MetricThresholds, values: list[float]) -> list[str]:
    out = []
    for n, value in enumerate(values):
        event = tracker.observe(value, T0 + timedelta(seconds=15 * n))
        if event is not None:
            out.append(event.text)
    return out


def test_crossings_up_and_back_are_one_event_each() -> None:
    tracker = MetricThresholds("api 5xx", 0.01, 0.05, "ratio")
    texts = feed(tracker, [0.001, 0.002, 0.02, 0.02, 0.07, 0.08, 0.09, 0.004, 0.003, 0.002])
    assert texts == [
        "metric api 5xx WARN: 2% (>= 1%)",
        "metric api 5xx CRIT: 8% (>= 5%)",
        "metric api 5xx back to OK: 0.3% (< 1%)",
    ]
    assert tracker.state is MetricState.OK


def test_a_value_flapping_across_the_line_does_not_flood() -> None:
    tracker = MetricThresholds("queue", 100, None)
    assert feed(tracker, [10, 150, 10, 150, 10, 150, 10, 150, 10]) == []
    assert tracker.state is MetricState.OK


def test_a_breach_at_the_first_look_is_news_and_a_healthy_one_is_not() -> None:
    assert feed(MetricThresholds("q", 100, 200), [50, 60]) == []
    breach = MetricThresholds("q", 100, 200)
    event = breach.observe(250, T0, labels='{job="api"}')
    assert event is not None and event.kind == Kind.METRIC_THRESHOLD
    assert event.text == 'metric q CRIT: 250 {job="api"} (>= 200)'
    assert event.payload["state"] == "crit" and event.payload["previous"] == "unknown"
    assert event.dedupe_key == "metric:q:crit:first"  # a second process's first look: the same news


def test_no_value_changes_nothing() -> None:
    tracker = MetricThresholds("q", 1, 2)
    feed(tracker, [3])
    assert tracker.observe(None, T0) is None and tracker.observe(math.nan, T0) is None
    assert tracker.state is MetricState.CRIT


def test_samples_are_the_series_metric_name() -> None:
    (sample,) = metric_samples("api 5xx", 0.02, T0)
    assert sample.series == "metric.api 5xx" and sample.value == 0.02
    assert metric_samples("x", math.inf, T0) == [] and metric_samples("x", None, T0) == []


def test_history_is_bucketed_over_the_last_30_minutes() -> None:
    end = T0.timestamp()
    points = [(end - 1800 + 30 * i, float(i)) for i in range(60)] + [(end - 4000, 99.0)]
    slots = bucketed(points, T0, 10)
    assert len(slots) == 10 and slots[0] == 5.0 and slots[-1] == 59.0
    assert bucketed([(end - 10, 1.0)], T0, 4) == [None, None, None, 1.0]


def test_top_series_are_largest_first_and_the_rest_counted() -> None:
    values = [(f"s{i}", float(i)) for i in range(12)] + [("nan", math.nan)]
    top, rest = top_series(values, 5)
    assert [v for _, v in top] == [11.0, 10.0, 9.0, 8.0, 7.0] and rest == 8
