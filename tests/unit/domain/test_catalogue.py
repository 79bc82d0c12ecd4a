"""The event catalogue: every kind the project writes has a label, a glyph, a builder and wording."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from rich.cells import cell_len

from tests.support.event_samples import AT, SAMPLES
from warroom.domain import catalogue
from warroom.domain.catalogue import CATALOGUE, long_text, short_text
from warroom.domain.describe import describe, kind_label
from warroom.domain.events import Event, Kind

KIND_NAMES = {value for name, value in vars(Kind).items() if name.isupper() and isinstance(value, str)}


def sample_event(kind: str, i: int = 0) -> Event:
    actor, payload = SAMPLES[kind]
    return Event(1, AT + timedelta(seconds=i), kind, actor, payload, id=i + 1)


def test_every_kind_written_is_catalogued_and_sampled():
    assert set(CATALOGUE) == KIND_NAMES, "a Kind without a catalogue entry (or an entry with no Kind)"
    assert set(SAMPLES) == set(CATALOGUE), "add a sample to tests/support/event_samples.py for each new kind"


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_each_kind_has_a_label_glyph_builder_and_both_wordings(kind):
    entry = CATALOGUE[kind]
    assert entry.label and cell_len(entry.label) <= 9, "the timeline's KIND column is 9 cells"
    assert cell_len(entry.glyph) == 1, "the compact prefix gives the glyph one cell"
    assert callable(entry.build)
    event = sample_event(kind)
    json.dumps(event.payload)  # what a builder returns is stored as JSON
    short, long = short_text(event), long_text(event)
    assert short.strip() and long.strip()
    assert long == entry.lead + short, "the long form is the lead words, then the short form"
    assert "{" not in short, f"{kind} shows a raw payload: {short}"
    assert describe(event) == long and kind_label(event) == entry.label


def test_wording_follows_the_playbook_where_it_gives_words():
    assert long_text(sample_event(Kind.MITIGATED)) == "mitigation applied: rolled back a1b2c3d"
    assert long_text(sample_event(Kind.RESOLVED)).startswith("incident resolved: errors normal")
    assert short_text(sample_event(Kind.DECLARED)).startswith("SEV-2 declared: Checkout 500s")
    assert long_text(sample_event(Kind.SEVERITY)) == "severity SEV-2 → SEV-1 (raised): all regions"


def test_system_kinds_are_the_machines():
    assert sample_event(Kind.PROBE_DOWN).is_system and sample_event(Kind.DEPLOY).is_system
    assert not sample_event(Kind.NOTE).is_system and not sample_event(Kind.MITIGATED).is_system


@pytest.mark.parametrize(
    ("build", "args", "kwargs", "says"),
    [
        (catalogue.note, ("  ",), {}, "the note is empty"),
        (catalogue.severity_changed, (2, 5), {}, "severity level 1-4"),
        (catalogue.severity_changed, (True, 1), {}, "severity level 1-4"),
        (catalogue.role_assigned, ("IC", ""), {}, "person is empty"),
        (catalogue.mitigation_applied, (None,), {}, "must be text"),
        (catalogue.declared, ("", 2), {}, "title is empty"),
        (catalogue.milestone_set, ("started", "14:00"), {}, "must be a datetime"),
        (
            catalogue.log_spike,
            (),
            {"log": "app", "count": "many", "baseline": 1, "factor": 5, "minute": "x"},
            "must be a number",
        ),
    ],
)
def test_builders_refuse_bad_fields_with_a_sentence(build, args, kwargs, says):
    with pytest.raises(ValueError, match=says):
        build(*args, **kwargs)


def test_an_unknown_kind_still_shows_its_words_or_payload():
    newer = Event(1, AT, "alert.fired", "x", {"text": "cpu alert"})
    assert short_text(newer) == long_text(newer) == "cpu alert"
    assert kind_label(newer) == "alert.fired"
    assert short_text(Event(1, AT, Kind.SEVERITY, "x", ["not", "a", "dict"])) == "['not', 'a', 'dict']"
