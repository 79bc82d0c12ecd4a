"""The recovery rule with a frozen clock: probes up and the error rate at baseline for 5 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain.recovery import (
    HOLD,
    ProbeView,
    assess,
    baseline_rate,
    error_rate,
    limit,
    minute_totals,
)

DETECTED = datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
M = timedelta(minutes=1)


def _totals(values: dict[int, float], series: str = "log.api.per_min") -> dict[datetime, float]:
    """Minutes relative to detection (-30 .. +n) -> errors that minute."""
    return minute_totals((series, DETECTED + k * M, v) for k, v in values.items())


def _incident(calm_from: int, until: int) -> dict[datetime, float]:
    """Baseline 0.3/min-ish before detection, 40/min until `calm_from`, then 0 or 1 a minute."""
    before = {k: [0, 0, 1, 0, 1, 0][k % 6] for k in range(-30, 0)}
    during = {k: 40.0 for k in range(0, calm_from)}
    after = {k: float(k % 2) for k in range(calm_from, until)}
    return _totals({**before, **during, **after})


def test_baseline_is_the_median_of_the_half_hour_before_detection():
    totals = _totals({-40: 99, -3: 1, -2: 0, -1: 4, 0: 50})
    assert baseline_rate(totals, DETECTED) == 1.0  # -40 is outside the window, 0 is after detection
    assert baseline_rate(_totals({0: 50}), DETECTED) is None


def test_logs_are_summed_per_minute_and_a_minute_seen_twice_counts_once():
    samples = [
        ("log.api.per_min", DETECTED, 3.0),
        ("log.web.per_min", DETECTED, 2.0),
        ("log.api.per_min", DETECTED, 3.0),
        ("probe.api.up", DETECTED, 1.0),
    ]
    assert minute_totals(samples) == {DETECTED: 5.0}


def test_back_at_baseline_allows_half_again_and_at_least_one_error_a_minute():
    assert limit(0.0) == 1.0 and limit(10.0) == 15.0


def test_recovered_only_after_five_minutes_of_probes_up_and_calm_errors():
    totals = _incident(calm_from=10, until=40)
    probes_up_at = DETECTED + 12 * M
    probes = [ProbeView("api", True, probes_up_at), ProbeView("web", True, DETECTED + 11 * M)]
    early = assess(probes_up_at + 4 * M, probes, totals, DETECTED)
    assert early.since == probes_up_at and not early.recovered
    check = assess(probes_up_at + HOLD, probes, totals, DETECTED)
    assert check.recovered
    assert check.words() == "all 2 probes up, error rate 0.0/min (baseline 0.0/min)"


def test_a_probe_down_means_not_recovered_whatever_the_errors_say():
    totals = _incident(calm_from=5, until=40)
    check = assess(DETECTED + 39 * M, [ProbeView("api", False), ProbeView("web", True, DETECTED)], totals, DETECTED)
    assert not check.recovered and check.since is None
    assert check.probes_down == ("api",) and check.probes_words() == "1 of 2 probes up (api down)"


def test_errors_still_above_baseline_hold_recovery_back():
    totals = _incident(calm_from=38, until=40)  # only 2 calm minutes
    now = DETECTED + 40 * M
    probes = [ProbeView("api", True, DETECTED + 10 * M)]
    check = assess(now, probes, totals, DETECTED)
    assert check.rate is not None and check.rate.calm_since == DETECTED + 38 * M
    assert not check.recovered
    assert assess(now + 3 * M, probes, _incident(38, 43), DETECTED).recovered


def test_with_no_logs_the_probes_alone_decide():
    probes = [ProbeView("api", True, DETECTED + 2 * M)]
    assert not assess(DETECTED + 6 * M, probes, None, DETECTED).recovered
    check = assess(DETECTED + 7 * M, probes, None, DETECTED)
    assert check.recovered and check.words() == "probe api up"


def test_with_no_probes_and_no_logs_nothing_recovers():
    check = assess(DETECTED + 60 * M, [], None, DETECTED)
    assert not check.recovered and check.since is None


def test_a_stale_error_rate_is_not_judged_calm():
    totals = _incident(calm_from=5, until=20)
    rate = error_rate(totals, DETECTED, DETECTED + 30 * M)  # nothing counted for 10 minutes
    assert rate.now is None and not rate.at_baseline
    assert not assess(DETECTED + 30 * M, [], totals, DETECTED).recovered


def test_no_baseline_before_detection_leaves_the_error_rate_unjudged():
    totals = _totals({k: 0.0 for k in range(0, 20)})
    check = assess(DETECTED + 20 * M, [ProbeView("api", True, DETECTED)], totals, DETECTED)
    assert check.recovered  # the probe decides
    assert "no baseline before detection" in check.words()
