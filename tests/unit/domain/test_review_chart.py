"""The review chart's model: columns on one axis, probe bands, errors per minute, markers."""

from __future__ import annotations

from tests.support.incident_builder import at
from tests.support.review_db import checkout_incident, error_samples
from warroom.domain.events import Kind
from warroom.domain.review_chart import DOWN, UNKNOWN, UP, build_chart


def chart(columns: int = 70):
    events = sorted(checkout_incident().events, key=lambda e: (e.at, e.id))
    samples = [(s.series, s.at, s.value) for s in error_samples()]
    return build_chart(events, samples, at(-10), at(60), columns)


def test_probe_band_is_down_from_the_down_event_to_the_up_event():
    model = chart()  # one column a minute: column c is minute c - 10
    api = dict(model.bands)["api"]
    assert api[0] == UNKNOWN
    assert api[13] == DOWN and api[39] == DOWN  # minutes 3 .. 29
    assert api[41] == UP


def test_a_short_outage_stays_visible_in_a_wide_column():
    model = chart(columns=7)  # ten minutes a column
    assert dict(model.bands)["api"][1] == DOWN


def test_error_rate_is_the_worst_minute_of_each_column():
    model = chart()
    assert model.errors[0] == 2.0
    assert model.error_peak == 120.0
    assert model.errors[15] == 120.0
    assert model.errors[69] == 3.0


def test_markers_deploy_milestones_and_mitigation_in_their_columns():
    model = chart()
    by_kind = {m.kind: m.column for m in model.markers}
    assert by_kind[Kind.DEPLOY] == 6  # four minutes before the declaration
    assert by_kind[Kind.DECLARED] == 10
    assert by_kind[Kind.SEVERITY] == 15
    assert by_kind[Kind.MITIGATED] == 40
    assert model.column_of(at(60)) == 69 and model.column_of(at(-30)) == 0
