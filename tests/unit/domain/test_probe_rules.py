"""Flap damping and status-page change rules: pure, the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.events import Kind
from warroom.domain.probe_rules import ProbeState, ProbeTracker, StatusPageTracker, status_page_text

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ok(tracker: ProbeTracker, minute: float, elapsed: float = 0.05):
    return tracker.observe(ok=True, status_code=200, elapsed=elapsed, failure=None, error=None, now=at(minute))


def bad(
    tracker: ProbeTracker,
    minute: float,
    status: int | None = 503,
    elapsed: float = 0.12,
    failure: str = "unexpected status",
    error: str | None = "503 (expected 200-399)",
):
    return tracker.observe(ok=False, status_code=status, elapsed=elapsed, failure=failure, error=error, now=at(minute))


def test_first_success_is_up_without_an_event():
    t = ProbeTracker("api")
    assert ok(t, 0) is None
    assert t.state is ProbeState.UP and t.since == at(0)


def test_two_failures_in_a_row_go_down_with_the_status_and_time():
    t = ProbeTracker("api")
    ok(t, 0)
    assert bad(t, 1) is None
    event = bad(t, 2)
    assert event.kind == Kind.PROBE_DOWN and event.at == at(2)
    assert event.text == "probe api DOWN: 503 in 0.12s"
    assert event.payload["first_failure_at"] == "2026-03-01T09:01:00.000000Z"
    assert t.state is ProbeState.DOWN
    assert bad(t, 3) is None, "still down: no second event"


@pytest.mark.parametrize(
    "failure,error,text",
    [
        ("timeout", "timeout after 5s", "probe api DOWN: timeout after 5s"),
        ("refused", "connection refused", "probe api DOWN: connection refused"),
        ("tls", "TLS: self-signed certificate", "probe api DOWN: TLS: self-signed certificate"),
    ],
)
def test_down_text_without_a_response_says_what_happened(failure, error, text):
    t = ProbeTracker("api")
    bad(t, 0, status=None, failure=failure, error=error)
    assert bad(t, 1, status=None, failure=failure, error=error).text == text


def test_body_mismatch_text_keeps_status_and_time():
    t = ProbeTracker("api")
    for m in (0, 1):
        event = bad(t, m, status=200, elapsed=0.03, failure="body mismatch", error="body does not contain 'ok'")
    assert event.text == "probe api DOWN: body mismatch (200 in 0.03s)"


def test_unknown_to_down_emits_down():
    t = ProbeTracker("api")
    assert bad(t, 0) is None
    event = bad(t, 1)
    assert event.kind == Kind.PROBE_DOWN and event.payload["previous"] == "unknown"


def test_a_single_blip_is_damped_both_ways():
    t = ProbeTracker("api")
    ok(t, 0)
    assert bad(t, 1) is None
    assert ok(t, 2) is None
    assert bad(t, 3) is None
    assert t.state is ProbeState.UP
    bad(t, 4)  # down
    assert ok(t, 5) is None
    assert bad(t, 6) is None
    assert t.state is ProbeState.DOWN


def test_recovery_reports_how_long_it_was_down():
    t = ProbeTracker("api")
    ok(t, 0)
    bad(t, 1)
    down = bad(t, 2)
    assert ok(t, 8) is None
    up = ok(t, 9)
    assert up.kind == Kind.PROBE_UP and up.text == "probe api UP after 7m" and up.at == at(9)
    assert up.payload["down_seconds"] == 420
    assert t.state is ProbeState.UP
    assert down.dedupe_key != up.dedupe_key


def test_long_outage_uses_hours():
    t = ProbeTracker("api")
    bad(t, 0)
    bad(t, 1)
    ok(t, 65)
    assert ok(t, 65.5).text == "probe api UP after 1h 04m"


def test_custom_thresholds():
    t = ProbeTracker("db", fail_threshold=3, recover_threshold=1)
    ok(t, 0)
    assert bad(t, 1) is None and bad(t, 2) is None
    assert bad(t, 3).text.startswith("probe db DOWN")
    assert ok(t, 4).text == "probe db UP after 1m"
    with pytest.raises(ValueError):
        ProbeTracker("x", fail_threshold=0)


def test_dedupe_key_is_the_same_for_the_same_transition_replayed():
    def run():
        t = ProbeTracker("api")
        ok(t, 0)
        bad(t, 1)
        return bad(t, 2).dedupe_key

    assert run() == run() == "probe:api:down:2026-03-01T09:01:00.000000Z"


def test_samples_latency_only_with_a_response():
    class R:
        def __init__(self, ok, status, elapsed):
            self.ok, self.status_code, self.elapsed = ok, status, elapsed

    t = ProbeTracker("api")
    got = t.samples(R(True, 200, 0.0421), at(0))
    assert [(s.series, s.value) for s in got] == [("probe.api.up", 1.0), ("probe.api.latency_ms", 42.1)]
    assert [(s.series, s.value) for s in t.samples(R(False, None, 5.0), at(1))] == [("probe.api.up", 0.0)]


# -- status pages --------------------------------------------------------------------------------


def sp(
    t: StatusPageTracker,
    minute: float,
    indicator="none",
    description="All Systems Operational",
    components=(),
    error=None,
):
    return t.observe(indicator=indicator, description=description, components=components, error=error, now=at(minute))


def test_status_page_first_look_operational_is_quiet_and_outage_is_news():
    assert sp(StatusPageTracker("payments-provider"), 0) is None
    event = sp(
        StatusPageTracker("payments-provider"), 0, "major", "Partial System Outage", [("Card API", "major_outage")]
    )
    assert event.kind == Kind.STATUSPAGE
    assert event.text == "status page payments-provider: major — Partial System Outage (Card API: major_outage)"


def test_status_page_events_only_on_change():
    t = StatusPageTracker("payments-provider")
    sp(t, 0)
    assert sp(t, 1) is None
    first = sp(t, 2, "minor", "Minor Service Outage", [("Card API", "degraded_performance")])
    assert first.text.endswith("(Card API: degraded_performance)")
    assert sp(t, 3, "minor", "Minor Service Outage", [("Card API", "degraded_performance")]) is None
    # Same indicator, a different set of broken components: news.
    wider = sp(
        t, 4, "minor", "Minor Service Outage", [("Card API", "degraded_performance"), ("Payouts", "partial_outage")]
    )
    assert wider.text == (
        "status page payments-provider: minor — Minor Service Outage "
        "(Card API: degraded_performance, Payouts: partial_outage)"
    )
    back = sp(t, 5)
    assert back.text == "status page payments-provider: none — All Systems Operational"


def test_status_page_errors_change_nothing():
    t = StatusPageTracker("p")
    sp(t, 0, "major", "Partial System Outage")
    assert sp(t, 1, indicator=None, description="", error="connection refused") is None
    assert sp(t, 2, "major", "Partial System Outage") is None, "the outage did not start again"


def test_status_page_text_caps_the_component_list():
    comps = [(f"C{i}", "major_outage") for i in range(8)]
    text = status_page_text("p", "critical", "Major System Outage", comps)
    assert text.endswith("C4: major_outage, +3 more)")


def test_a_tracker_takes_the_recorded_down_and_recovers_from_it_by_the_usual_rule():
    t = ProbeTracker("api")
    ok(t, 0)
    assert t.adopt(ProbeState.DOWN, at(1)) is True  # another screen recorded DOWN at minute 1
    assert t.state is ProbeState.DOWN and t.since == at(1)
    assert t.adopt(ProbeState.DOWN, at(2)) is False  # already so: nothing changes
    assert t.since == at(1)
    assert bad(t, 2) is None  # DOWN already: no second DOWN from this tracker
    assert ok(t, 3) is None  # one success is not enough to go UP
    up = ok(t, 4)
    assert up is not None and up.kind == Kind.PROBE_UP and up.text == "probe api UP after 3m"
