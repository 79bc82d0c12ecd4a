"""The fold, severity rules, roles, milestones and MTTx, from hand-written event lists."""

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.metrics import aggregate, format_duration, incident_metrics
from warroom.domain.roles import COMMS, IC, TECH, canonical_role, role_names
from warroom.domain.severity import PICK_HIGHER, SEVERITY_TABLE, Severity
from warroom.domain.status import Status

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def ev(n: int, minutes: float, kind: str, actor: str = "alice", incident: int = 1, **payload) -> Event:
    return Event(incident, T0 + timedelta(minutes=minutes), kind, actor, payload, id=n)


def declared(**extra) -> Event:
    payload = {"title": "Checkout returns 500", "severity": 2} | extra
    return Event(1, T0, Kind.DECLARED, "alice", payload, id=1)


def test_declaration_gives_investigating_state_with_milestones():
    state = fold([declared(impact="EU card payments fail", detected_by="synthetic")])
    assert state.short_id == "INC-1"
    assert state.severity is Severity.SEV2
    assert state.status is Status.INVESTIGATING
    assert state.impact == "EU card payments fail"
    assert state.milestones.started == T0 and state.milestones.detected == T0
    assert state.is_open and state.commander is None


def test_no_declaration_folds_to_none():
    assert fold([ev(1, 0, Kind.NOTE, text="x")]) is None


def test_back_dated_start_gives_mttd():
    state = fold([declared(started_at="2026-11-26T02:45:00Z")])
    assert state.milestones.started == T0 - timedelta(minutes=15)
    assert incident_metrics(state).mttd == timedelta(minutes=15)


def test_severity_changes_both_ways_and_upgrades_stay_visible():
    events = [
        declared(),
        ev(2, 5, Kind.SEVERITY, **{"from": 2, "to": 3, "reason": "only EU"}),
        ev(3, 20, Kind.SEVERITY, **{"from": 3, "to": 1, "reason": "all regions down"}),
    ]
    state = fold(events)
    assert state.severity is Severity.SEV1
    assert [c.after for c in state.severity_history] == [Severity.SEV2, Severity.SEV3, Severity.SEV1]
    assert len(state.upgrades) == 1
    assert state.upgrades[0].reason == "all regions down"
    assert state.peak_severity is Severity.SEV1
    assert state.severity_at(T0 + timedelta(minutes=10)) is Severity.SEV3


def test_status_progression_may_step_back_and_resolution_sets_milestone():
    events = [
        declared(),
        ev(2, 3, Kind.STATUS, **{"from": "Investigating", "to": "Identified", "text": "bad deploy"}),
        ev(3, 6, Kind.STATUS, **{"from": "Identified", "to": "Monitoring"}),
        ev(4, 8, Kind.STATUS, **{"from": "Monitoring", "to": "Investigating", "text": "errors back"}),
        ev(5, 30, Kind.RESOLVED, text="all good"),
    ]
    state = fold(events)
    assert state.status is Status.RESOLVED and not state.is_open
    steps = [c for c in state.status_history if c.is_step_back]
    assert len(steps) == 1 and steps[0].text == "errors back"
    assert state.milestones.resolved == T0 + timedelta(minutes=30)
    assert incident_metrics(state).mttr == timedelta(minutes=30)


def test_roles_one_person_may_hold_several_and_handoff_replaces():
    events = [
        declared(),
        ev(2, 1, Kind.ROLE_ASSIGNED, role=IC, person="alice"),
        ev(3, 1, Kind.ROLE_ASSIGNED, role=COMMS, person="alice"),
        ev(4, 2, Kind.ROLE_ASSIGNED, role=TECH, person="bob"),
        ev(5, 9, Kind.ROLE_ASSIGNED, role=IC, person="carol"),
        ev(6, 10, Kind.ROLE_RELEASED, role=TECH),
    ]
    state = fold(events)
    assert state.commander == "carol"
    assert state.roles[IC].since == T0 + timedelta(minutes=9)
    assert state.roles[COMMS].person == "alice"
    assert TECH not in state.roles


def test_milestones_ack_mitigate_and_metrics():
    events = [
        declared(started_at="2026-11-26T02:50:00Z"),
        ev(2, 4, Kind.ACKNOWLEDGED),
        ev(3, 6, Kind.ACKNOWLEDGED),  # a second ack does not move MTTA
        ev(4, 12, Kind.MITIGATED, text="rolled back a1b2c3d"),
        ev(5, 25, Kind.RESOLVED),
    ]
    m = incident_metrics(fold(events))
    assert m.mttd == timedelta(minutes=10)
    assert m.mtta == timedelta(minutes=4)
    assert m.mttm == timedelta(minutes=22)
    assert m.mttr == timedelta(minutes=35)


def test_milestone_event_back_dates_a_milestone():
    events = [declared(), ev(2, 30, Kind.MILESTONE, name="detected", at="2026-11-26T02:58:00Z")]
    assert fold(events).milestones.detected == T0 - timedelta(minutes=2)


def test_fold_is_deterministic_and_orders_by_id():
    events = [
        declared(),
        ev(3, 2, Kind.SEVERITY, **{"from": 3, "to": 1}),
        ev(2, 1, Kind.SEVERITY, **{"from": 2, "to": 3}),
    ]
    a, b = fold(events), fold(list(reversed(events)))
    assert a == b
    assert a.severity is Severity.SEV1


def test_unknown_kinds_are_kept_in_the_timeline_but_change_nothing():
    state = fold([declared(), ev(2, 1, "future.kind", foo=1)])
    assert state.severity is Severity.SEV2 and len(state.events) == 2


def test_drills_are_labelled_and_left_out_of_metrics():
    real = fold([declared(), ev(2, 10, Kind.RESOLVED)])
    drill = fold([declared(drill=True), ev(2, 90, Kind.RESOLVED)])
    assert drill.drill and not real.drill
    assert aggregate([real, drill])["mttr"].mean == timedelta(minutes=10)


def test_severity_table_is_the_playbooks():
    assert SEVERITY_TABLE[Severity.SEV1].meaning == "Full outage or data loss affecting most users"
    assert SEVERITY_TABLE[Severity.SEV2].response == "On-call leads, user comms within 30 min"
    assert SEVERITY_TABLE[Severity.SEV4].response == "Ticket, fix in normal cycle"
    assert PICK_HIGHER == "Pick higher when in doubt. Downgrading is free; upgrading later looks bad."
    assert Severity.parse("sev-1") is Severity.SEV1 and Severity.parse(3) is Severity.SEV3
    with pytest.raises(ValueError):
        Severity.parse("5")


def test_role_aliases_and_configured_roles():
    assert canonical_role("ic") == IC
    assert canonical_role("Investigator") == TECH
    assert canonical_role("deputy", ["Deputy"]) == "Deputy"
    assert role_names(["Deputy"])[-1] == "Deputy"
    with pytest.raises(ValueError, match="unknown role"):
        canonical_role("janitor")


def test_status_parse_accepts_prefixes():
    assert Status.parse("ident") is Status.IDENTIFIED
    with pytest.raises(ValueError):
        Status.parse("fixed")


@pytest.mark.parametrize(
    "seconds,text", [(42, "42s"), (420, "7m"), (425, "7m 05s"), (3840, "1h 04m"), (None, "-"), (90000, "1d 01h")]
)
def test_format_duration(seconds, text):
    assert format_duration(None if seconds is None else timedelta(seconds=seconds)) == text
