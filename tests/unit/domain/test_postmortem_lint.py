"""The postmortem's lint: every rule with an example that fails it and one that passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain import catalogue as c
from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.postmortem_lint import (
    ADVICE_ITEM,
    ADVICE_NO_ITEMS,
    ADVICE_PEOPLE,
    ADVICE_VAGUE,
    is_vague,
    lint,
    names_in,
    people,
)

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

GOOD_ITEM = c.action_added("Alert on db pool use above 80% for 5 min", owner="bob", due="2026-12-11", type="detect")
ALL_SECTIONS = {
    "summary": "Checkout failed for EU shoppers for 40 minutes.",
    "impact": "EU shoppers could not pay",
    "detected_by": "alert",
    "root_cause": "A deploy shrank the db pool; no canary checks pool saturation.",
    "went_well": "- The rollback was one command.",
    "went_poorly": "- The deploy pipeline has no pool check.",
    "lucky": "- Traffic was low.",
}


def incident(*extra: tuple[str, str, dict]) -> list[Event]:
    """A resolved incident (IC alice, Tech Lead bob, a note by carol) and then `extra` events."""
    base = [
        (Kind.DECLARED, "alice", c.declared("Checkout 500s", 2)),
        (Kind.ROLE_ASSIGNED, "alice", c.role_assigned("Incident Commander", "alice")),
        (Kind.ROLE_ASSIGNED, "alice", c.role_assigned("Tech Lead", "bob")),
        (Kind.NOTE, "carol", c.note("errors from the pool")),
        (Kind.RESOLVED, "alice", c.resolved("fine")),
    ]
    rows = base + list(extra)
    return [Event(1, T0 + timedelta(minutes=i), kind, actor, p, id=i + 1) for i, (kind, actor, p) in enumerate(rows)]


def sections(overrides: dict[str, str] | None = None) -> list[tuple[str, str, dict]]:
    texts = ALL_SECTIONS | (overrides or {})
    return [(Kind.POSTMORTEM_SECTION, "alice", c.postmortem_section(s, t)) for s, t in texts.items()]


def rules(events: list[Event]) -> list[str]:
    state = fold(events)
    assert state is not None
    return [f.rule for f in lint(state)]


def test_a_complete_postmortem_has_no_findings():
    assert rules(incident(*sections(), (Kind.ACTION_ADDED, "alice", GOOD_ITEM))) == []


def test_empty_section_fails_until_written_and_the_declaration_counts_for_impact():
    events = incident(*sections(), (Kind.ACTION_ADDED, "alice", GOOD_ITEM))
    without_lucky = [e for e in events if e.payload.get("section") != "lucky"]
    state = fold(without_lucky)
    assert state is not None
    [finding] = lint(state)
    assert finding.rule == "empty-section" and finding.section == "lucky"
    assert finding.line() == (
        "What we got lucky on is empty (`warroom postmortem edit lucky`) — "
        "The things that, if slightly different, would have made this much worse."
    )
    # Impact given at the declaration needs no section of its own.
    declared_impact = [
        Event(1, e.at, e.kind, e.actor, c.declared("Checkout 500s", 2, impact="EU carts"), id=e.id)
        if e.kind == Kind.DECLARED
        else e
        for e in events
        if e.payload.get("section") != "impact"
    ]
    assert rules(declared_impact) == []


def test_no_action_items_fails_with_the_anti_pattern():
    state = fold(incident(*sections()))
    assert state is not None
    [finding] = lint(state)
    assert finding.rule == "no-action-items"
    assert finding.advice == ADVICE_NO_ITEMS == "anti-pattern: Closing the postmortem without assigning the actions"


@pytest.mark.parametrize(
    "text",
    ["improve monitoring", "Be more careful", "better testing", "Fix the issue", "Improve our alerting process."],
)
def test_vague_items_fail(text):
    assert is_vague(text)
    events = incident(
        *sections(), (Kind.ACTION_ADDED, "alice", c.action_added(text, owner="bob", due="2026-12-11", type="detect"))
    )
    state = fold(events)
    assert state is not None
    [finding] = lint(state)
    assert finding.rule == "vague-item" and finding.item == 1
    assert ADVICE_VAGUE in finding.advice and ADVICE_ITEM in finding.advice
    assert '"Be more careful" is not an action item.' in finding.advice


@pytest.mark.parametrize(
    "text",
    [
        "Improve monitoring of checkout-api error rate",
        "Alert when db pool use is above 80%",
        "Add a canary stage to the deploy pipeline",
        "Write the rollback runbook for payments",
    ],
)
def test_items_with_a_concrete_object_pass(text):
    assert not is_vague(text)


@pytest.mark.parametrize(
    ("missing", "rule"), [("owner", "item-no-owner"), ("due", "item-no-due"), ("type", "item-no-type")]
)
def test_items_missing_owner_due_or_type_fail(missing, rule):
    fields = {"owner": "bob", "due": "2026-12-11", "type": "prevent"}
    fields.pop(missing)
    item = c.action_added("Validate DB_POOL_SIZE at startup", **fields)
    state = fold(incident(*sections(), (Kind.ACTION_ADDED, "alice", item)))
    assert state is not None
    [finding] = lint(state)
    assert finding.rule == rule and finding.item == 1
    assert finding.advice == "Each action item should be **assignable, scheduleable, and verifiable**."
    # Edited in afterwards, it passes.
    edit = c.action_edited(1, **{missing: {"owner": "carol", "due": "2026-12-18", "type": "detect"}[missing]})
    assert rules(incident(*sections(), (Kind.ACTION_ADDED, "alice", item), (Kind.ACTION_EDITED, "bob", edit))) == []


@pytest.mark.parametrize("section", ["root_cause", "went_poorly"])
@pytest.mark.parametrize("name", ["alice", "bob", "carol"])
def test_people_named_in_root_cause_or_what_went_poorly_fail(section, name):
    text = f"@{name.title()} pushed a bad config" if name == "carol" else f"{name.title()}'s deploy broke it"
    events = incident(*sections({section: text}), (Kind.ACTION_ADDED, "alice", GOOD_ITEM))
    state = fold(events)
    assert state is not None
    [finding] = lint(state)
    assert finding.rule == "person-named" and finding.section == section
    assert finding.advice == ADVICE_PEOPLE
    assert finding.advice.endswith("name the missing guardrail that allowed the mistake")


def test_people_named_elsewhere_or_as_part_of_a_word_pass():
    ok = {"summary": "Alice led it well", "root_cause": "The alicebot job and bob-cache were fine; the pool was not"}
    assert rules(incident(*sections(ok), (Kind.ACTION_ADDED, "alice", GOOD_ITEM))) == []


def test_people_are_role_holders_and_actors_not_the_machine():
    events = incident((Kind.PROBE_DOWN, "warroom", {"probe": "api", "text": "probe api DOWN"}))
    assert people(events) == ["alice", "bob", "carol"]
    assert names_in("Bob and @alice", ["alice", "bob", "carol"]) == ["alice", "bob"]
