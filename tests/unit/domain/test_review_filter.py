"""The review's `/` filter: `kind:`, `actor:`, plain words, alternatives, exclusions, errors."""

from __future__ import annotations

import pytest

from tests.support.review_db import checkout_incident
from warroom.domain.events import Kind
from warroom.domain.review_filter import is_milestone, parse_filter


def kinds(text: str) -> list[str]:
    return [e.kind for e in parse_filter(text).select(checkout_incident().events)]


def test_kind_matches_the_kind_or_its_timeline_label():
    assert kinds("kind:mitigation") == [Kind.MITIGATED]
    assert kinds("kind:MITIGATED") == [Kind.MITIGATED]
    assert kinds("kind:probe") == [Kind.PROBE_DOWN, Kind.PROBE_UP, Kind.PROBE_UP]


def test_actor_and_plain_words_must_all_match():
    events = parse_filter("actor:bob pool").select(checkout_incident().events)
    assert [e.payload["text"] for e in events] == ["pool exhausted on payments-db"]
    assert parse_filter("actor:BOB").select(checkout_incident().events)[0].actor == "bob"


def test_alternatives_exclusions_and_quotes():
    assert kinds("kind:ack,mitigation") == [Kind.ACKNOWLEDGED, Kind.MITIGATED]
    assert Kind.PROBE_DOWN not in kinds("-kind:probe")
    assert len(parse_filter('"payments-db" actor:bob').select(checkout_incident().events)) == 1


def test_a_word_with_a_colon_that_names_no_field_is_a_plain_word():
    assert parse_filter("14:05").terms[0].field == "text"
    assert parse_filter("http://api").terms[0].values == ("http://api",)


def test_empty_filter_matches_everything():
    assert parse_filter("  ").empty
    assert len(kinds("")) == len(checkout_incident().events)


@pytest.mark.parametrize(("text", "says"), [('"unclosed', "unclosed quote"), ("kind:", "kind: needs a value")])
def test_unreadable_filters_say_why_in_one_line(text: str, says: str):
    with pytest.raises(ValueError, match=says) as err:
        parse_filter(text)
    assert "\n" not in str(err.value)


def test_milestones_are_declared_ack_mitigated_resolved_and_severity_changes():
    picked = [e.kind for e in checkout_incident().events if is_milestone(e)]
    assert picked == [Kind.DECLARED, Kind.SEVERITY, Kind.ACKNOWLEDGED, Kind.MITIGATED, Kind.RESOLVED]
