"""IC handoff in the domain: the fold applies a proposal, its acceptance and its cancellation,
and `/handoff` and `/ack` decide what to record (a frozen clock: every event's time is given)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from warroom.domain import catalogue, handoff
from warroom.domain.drafts import draft_values
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState, PendingHandoff, fold
from warroom.domain.roles import IC
from warroom.domain.slash import Append, Invalid, Unchanged, complete, interpret

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def ev(n: int, minutes: float, kind: str, actor: str, payload: dict) -> Event:
    return Event(1, T0 + timedelta(minutes=minutes), kind, actor, payload, id=n)


DECLARED = ev(1, 0, Kind.DECLARED, "alice", catalogue.declared("Checkout 500s", 2))
ALICE_IC = ev(2, 1, Kind.ROLE_ASSIGNED, "alice", catalogue.role_assigned(IC, "alice"))
TO_BOB = ev(3, 2, Kind.HANDOFF_PROPOSED, "alice", catalogue.handoff_proposed("alice", "bob"))
BOB_ACCEPTS = ev(4, 5, Kind.HANDOFF_ACCEPTED, "bob", catalogue.handoff_accepted("alice", "bob"))


def folded(*events: Event) -> IncidentState:
    state = fold([DECLARED, *events])
    assert state is not None
    return state


def test_a_proposal_is_pending_and_the_ic_stays_until_accepted():
    state = folded(ALICE_IC, TO_BOB)
    assert state.commander == "alice"
    assert state.handoff == PendingHandoff("alice", "bob", T0 + timedelta(minutes=2), "alice")
    assert handoff.board_text(state) == "→ bob (pending ack)"


def test_acceptance_makes_the_incoming_person_ic_since_then_and_clears_the_pending_handoff():
    state = folded(ALICE_IC, TO_BOB, BOB_ACCEPTS)
    assert state.commander == "bob"
    assert state.roles[IC].since == T0 + timedelta(minutes=5)
    assert state.handoff is None
    assert catalogue.long_text(BOB_ACCEPTS) == catalogue.short_text(BOB_ACCEPTS) == "IC alice → bob"


def test_naming_or_vacating_the_ic_directly_cancels_a_pending_handoff_other_roles_do_not():
    carol = ev(4, 3, Kind.ROLE_ASSIGNED, "alice", catalogue.role_assigned(IC, "carol"))
    assert folded(ALICE_IC, TO_BOB, carol).handoff is None
    assert folded(ALICE_IC, TO_BOB, carol).commander == "carol"
    vacated = ev(4, 3, Kind.ROLE_RELEASED, "alice", catalogue.role_released(IC))
    assert folded(ALICE_IC, TO_BOB, vacated).handoff is None
    tech = ev(4, 3, Kind.ROLE_ASSIGNED, "alice", catalogue.role_assigned("Tech Lead", "dave"))
    assert folded(ALICE_IC, TO_BOB, tech).handoff is not None


def test_a_second_proposal_replaces_the_first():
    to_carol = ev(4, 3, Kind.HANDOFF_PROPOSED, "alice", catalogue.handoff_proposed("alice", "carol"))
    state = folded(ALICE_IC, TO_BOB, to_carol)
    assert state.handoff is not None and state.handoff.incoming == "carol"


def test_slash_handoff_proposes_from_the_current_ic():
    cmd = interpret("/handoff @bob", folded(ALICE_IC), actor="alice")
    assert isinstance(cmd, Append)
    assert (cmd.kind, cmd.payload, cmd.then) == (Kind.HANDOFF_PROPOSED, {"from": "alice", "to": "bob"}, ())
    assert "alice stays IC until bob acknowledges with /ack" in cmd.done


def test_slash_handoff_refusals_and_no_change_say_why_in_one_line():
    nobody = interpret("/handoff bob", folded())
    assert isinstance(nobody, Invalid) and "nobody is IC" in nobody.message and "/ic bob" in nobody.message
    same = interpret("/handoff alice", folded(ALICE_IC))
    assert isinstance(same, Unchanged) and same.message == "alice is already IC: nothing recorded"
    again = interpret("/handoff bob", folded(ALICE_IC, TO_BOB))
    assert isinstance(again, Unchanged)
    assert again.message == "handoff to bob is already pending: bob acknowledges with /ack"
    assert isinstance(interpret("/handoff", folded(ALICE_IC)), Invalid)
    assert isinstance(interpret("/handoff bob smith", folded(ALICE_IC)), Invalid)
    replaced = interpret("/handoff carol", folded(ALICE_IC, TO_BOB))
    assert isinstance(replaced, Append) and "replacing the pending one to bob" in replaced.done
    for line in ("/handoff bob", "/handoff alice", "/handoff carol"):
        said = interpret(line, folded(ALICE_IC, TO_BOB))
        assert "\n" not in getattr(said, "done", getattr(said, "message", ""))


def test_ack_by_the_incoming_person_accepts_and_also_acknowledges_an_unacknowledged_incident():
    cmd = interpret("/ack", folded(ALICE_IC, TO_BOB), actor="bob")
    assert isinstance(cmd, Append)
    assert (cmd.kind, cmd.payload) == (Kind.ACKNOWLEDGED, {})
    assert cmd.then == ((Kind.HANDOFF_ACCEPTED, {"from": "alice", "to": "bob"}),)
    assert cmd.done == "bob is IC now: IC alice → bob; incident acknowledged too"


def test_ack_by_the_incoming_person_of_an_acknowledged_incident_only_accepts():
    acked = ev(4, 3, Kind.ACKNOWLEDGED, "alice", catalogue.acknowledged())
    cmd = interpret("/ack", folded(ALICE_IC, TO_BOB, acked), actor="bob")
    assert isinstance(cmd, Append)
    assert (cmd.kind, cmd.payload, cmd.then) == (Kind.HANDOFF_ACCEPTED, {"from": "alice", "to": "bob"}, ())
    assert cmd.done == "bob is IC now: IC alice → bob"


def test_ack_by_anyone_else_keeps_its_meaning_and_names_the_pending_handoff():
    cmd = interpret("/ack", folded(ALICE_IC, TO_BOB), actor="carol")
    assert isinstance(cmd, Append) and cmd.kind == Kind.ACKNOWLEDGED and cmd.then == ()
    assert cmd.done == "acknowledged; handoff to bob is pending: bob acknowledges with /ack"
    acked = ev(4, 3, Kind.ACKNOWLEDGED, "alice", catalogue.acknowledged())
    again = interpret("/ack", folded(ALICE_IC, TO_BOB, acked), actor="alice")
    assert isinstance(again, Unchanged)
    assert again.message.endswith("nothing recorded; handoff to bob is pending: bob acknowledges with /ack")


def test_slash_ic_cancels_a_pending_handoff_and_says_so_even_renaming_the_current_ic():
    state = folded(ALICE_IC, TO_BOB)
    carol = interpret("/ic carol", state)
    assert isinstance(carol, Append) and carol.payload == {"role": IC, "person": "carol"}
    assert carol.done == "carol is Incident Commander (the pending handoff to bob is cancelled)"
    keep = interpret("/role ic alice", state)
    assert isinstance(keep, Append), "re-naming the IC is how a proposal is withdrawn"
    assert "handoff to bob is cancelled" in keep.done
    assert isinstance(interpret("/ic alice", folded(ALICE_IC)), Unchanged)
    tech = interpret("/role tech bob", state)
    assert isinstance(tech, Append) and "cancelled" not in tech.done


def test_drafts_name_the_ic_from_the_state_the_new_one_after_acceptance():
    now = T0 + timedelta(minutes=10)
    assert draft_values(folded(ALICE_IC, TO_BOB), now)["commander"] == "alice"
    assert draft_values(folded(ALICE_IC, TO_BOB, BOB_ACCEPTS), now)["commander"] == "bob"


def test_handoff_completes_names():
    assert complete("/hand").text == "/handoff "
    assert complete("/handoff b", names=["alice", "bob"]).text == "/handoff bob "
