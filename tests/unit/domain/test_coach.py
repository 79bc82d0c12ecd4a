"""The coach's rules on hand-built records with a frozen clock: each fires when its situation
holds, says the playbook's words, and a dismissal holds only until the situation changes."""

from __future__ import annotations

import pytest

from tests.support.incident_builder import Incident, at
from warroom.domain import coach
from warroom.domain.coach import active, current, evaluate
from warroom.domain.roles import IC, TECH


def rules(incident: Incident, minute: float) -> list[str]:
    return [w.rule for w in evaluate(incident.state, at(minute))]


def warning(incident: Incident, minute: float, rule: str) -> coach.CoachWarning:
    found = [w for w in evaluate(incident.state, at(minute)) if w.rule == rule]
    assert found, f"{rule} did not fire: {rules(incident, minute)}"
    return found[0]


# The playbook's words, as it writes them (each rule quotes one of these exactly).
SEED_WORDS = {
    "no-ic": "For SEV-1/2, name explicit roles.",
    "ic-tech-lead": "Coordinates, makes decisions, declares resolved. Doesn't debug.",
    "solo-sev1": "Heroic solo debugging during SEV-1 — call for help, name an IC",
    "no-mitigation": "The goal in the first 15 minutes is to make users stop hurting, not to understand why.",
    "root-cause-first": 'Root-causing before mitigating — users are still down while you "understand"',
    "fix-forward": "Fix-forward when rollback would work — slower and riskier",
    "update-overdue": "Silence = panic. Communicate even when there's nothing new.",
    "user-update-overdue": "Silence = panic. Communicate even when there's nothing new.",
    "no-postmortem": "It's working again, let's skip the postmortem",
}


def test_every_rule_has_the_playbooks_words():
    assert set(coach.RULE_IDS) == set(SEED_WORDS)


# --- no IC ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("sev", [1, 2])
def test_no_ic_on_sev1_or_sev2(sev):
    w = warning(Incident(sev), 1, "no-ic")
    assert w.key == f"SEV-{sev}|2026-11-26T03:00:00.000000Z" and w.quote == SEED_WORDS["no-ic"]
    assert "/ic NAME" in w.text


@pytest.mark.parametrize("sev", [3, 4])
def test_no_ic_is_not_a_warning_below_sev2(sev):
    assert "no-ic" not in rules(Incident(sev), 1)


def test_an_ic_who_leaves_is_a_new_situation_after_a_dismissal():
    inc = Incident(2)
    shown = current(inc.state, at(1))
    assert shown is not None and shown.rule == "no-ic"
    inc.dismiss(1, shown.rule, shown.key).ic(2, "alice")
    assert current(inc.state, at(3)) is None
    inc.release(4, IC)
    back = current(inc.state, at(5))
    assert back is not None and back.rule == "no-ic" and back.key != shown.key


def test_naming_an_ic_ends_the_no_ic_warning():
    inc = Incident(2).ic(2, "alice")
    assert "no-ic" in rules(inc, 1)
    assert "no-ic" not in rules(inc, 3)


# --- the IC debugging, one person holding everything ---------------------------------------------


def test_ic_holding_tech_lead_on_a_sev2():
    inc = Incident(2).ic(1, "alice").tech(2, "alice")
    w = warning(inc, 3, "ic-tech-lead")
    assert w.key == "alice|SEV-2" and w.quote == SEED_WORDS["ic-tech-lead"]
    assert w.text == "IC alice is also Tech Lead (SEV-2)"


def test_ic_and_a_different_tech_lead_is_fine():
    inc = Incident(1).ic(1, "alice").tech(2, "bob")
    assert "ic-tech-lead" not in rules(inc, 3)


def test_ic_holding_tech_lead_on_a_sev3_is_not_a_warning():
    inc = Incident(3).ic(1, "alice").tech(2, "alice")
    assert "ic-tech-lead" not in rules(inc, 3)


def test_one_person_holding_every_role_on_a_sev1_calls_for_help():
    inc = Incident(1).ic(1, "alice").tech(2, "alice").comms(3, "alice")
    w = warning(inc, 4, "solo-sev1")
    assert w.key == "alice|SEV-1" and w.quote == SEED_WORDS["solo-sev1"] and w.anti_pattern
    assert "call for help" in w.text
    # The stronger warning says it all: not the IC/Tech Lead one as well.
    assert "ic-tech-lead" not in rules(inc, 4)
    # Another person taking a role ends it.
    inc.comms(5, "carol")
    assert "solo-sev1" not in rules(inc, 6) and "ic-tech-lead" in rules(inc, 6)


def test_every_role_on_a_sev2_is_the_ic_tech_lead_warning_not_the_sev1_one():
    inc = Incident(2).ic(1, "alice").tech(2, "alice").comms(3, "alice")
    assert "solo-sev1" not in rules(inc, 4) and "ic-tech-lead" in rules(inc, 4)


# --- mitigate first ------------------------------------------------------------------------------


def test_sev2_open_15_minutes_with_no_mitigation():
    inc = Incident(2).ic(1)
    assert "no-mitigation" not in rules(inc, 14.9)
    w = warning(inc, 15, "no-mitigation")
    assert w.quote == SEED_WORDS["no-mitigation"] and "mitigat" in w.text


def test_a_mitigation_recorded_in_time_silences_the_15_minute_rule():
    assert "no-mitigation" not in rules(Incident(1).ic(1).mitigated(10), 20)
    # A mitigation that was run (the mitigation runner's event) counts too.
    assert "no-mitigation" not in rules(Incident(1).ic(1).mitigation_run(10, "flag", "checkout-v2 off", ["ff"]), 20)


def test_the_15_minutes_count_from_reaching_sev2():
    inc = Incident(3).ic(1).sev(10, 3, 2)
    assert "no-mitigation" not in rules(inc, 20)
    assert "no-mitigation" in rules(inc, 25)


def test_a_sev3_never_gets_the_15_minute_warning():
    assert "no-mitigation" not in rules(Incident(3).ic(1), 60)


# --- root cause before mitigation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "root cause is the pool size change in 0aaf9da",
        "Root-cause: connection pool exhausted",
        "the 500s are caused by the new cache config",
        "checkout is failing because the pool is exhausted",
        "errors due to the expired cert",
    ],
)
def test_a_note_naming_a_root_cause_before_mitigating(text):
    inc = Incident(2).ic(1).note(3, text)
    w = warning(inc, 4, "root-cause-first")
    assert w.quote == SEED_WORDS["root-cause-first"] and w.anti_pattern


@pytest.mark.parametrize(
    "text",
    [
        "what's the root cause?",
        "root cause later, roll back first",
        "root cause unknown",
        "paging bob because he owns the db",
        "not caused by the deploy as far as we can tell",
        "rolled the dice on the cache",
        "error rate climbing on api",
        "will find the root cause in the postmortem",
    ],
)
def test_no_root_cause_warning_for_questions_deferrals_and_other_becauses(text):
    inc = Incident(2).ic(1).note(3, text)
    assert "root-cause-first" not in rules(inc, 4)


def test_root_cause_after_mitigation_is_fine():
    inc = Incident(2).ic(1).mitigated(3).note(4, "root cause is the pool size change")
    assert "root-cause-first" not in rules(inc, 5)


# --- fix forward instead of rolling back ---------------------------------------------------------


def test_fix_talk_with_a_suspect_deploy_and_no_rollback():
    inc = Incident(2).deploy(-12).ic(1).note(3, "bob is pushing a hotfix for the pool")
    w = warning(inc, 4, "fix-forward")
    assert w.quote == SEED_WORDS["fix-forward"] and w.anti_pattern
    assert "roll back api 0aaf9da" in w.text
    assert w.key == "api|0aaf9da1234567"


@pytest.mark.parametrize(
    "rollback",
    [
        lambda inc: inc.mitigation_run(5, "rollback", "api", ["kubectl", "rollout", "undo", "deploy/api"]),
        lambda inc: inc.mitigation_run(5, "restart", "undo api", ["./undo.sh"]),
        lambda inc: inc.ran(5, ["git", "revert", "0aaf9da"]),
        lambda inc: inc.ran(5, ["kubectl", "rollout", "undo", "deploy/api"]),
    ],
)
def test_a_rollback_tried_ends_the_fix_forward_warning(rollback):
    inc = Incident(2).deploy(-12).ic(1).note(3, "let's hotfix it")
    assert "fix-forward" in rules(inc, 4)
    rollback(inc)
    assert "fix-forward" not in rules(inc, 6)


def test_no_fix_forward_warning_without_a_suspect_deploy():
    # No deploy at all, or one long before detection (outside the 30-minute window).
    assert "fix-forward" not in rules(Incident(2).ic(1).note(3, "pushing a hotfix"), 4)
    assert "fix-forward" not in rules(Incident(2).deploy(-90).ic(1).note(3, "pushing a hotfix"), 4)


@pytest.mark.parametrize("text", ["don't hotfix, roll back", "error rate climbing", "fixed the typo in the draft"])
def test_no_fix_forward_warning_for_other_words(text):
    assert "fix-forward" not in rules(Incident(2).deploy(-12).ic(1).note(3, text), 4)


# --- silence -------------------------------------------------------------------------------------


def test_an_overdue_update_at_sev1():
    inc = Incident(1).ic(1).mitigated(5)
    assert "update-overdue" not in rules(inc, 15)
    w = warning(inc, 16, "update-overdue")
    assert w.quote == SEED_WORDS["update-overdue"]
    assert "03:15 UTC" in w.text


def test_the_next_missed_deadline_is_a_new_situation():
    inc = Incident(1).ic(1).mitigated(5)
    first = warning(inc, 16, "update-overdue")
    inc.post(17)
    assert "update-overdue" not in rules(inc, 18)
    second = warning(inc, 33, "update-overdue")
    assert first.key != second.key


def test_sev2_first_user_update_overdue():
    inc = Incident(2).ic(1).mitigated(5).post(10)  # an internal post: users not told yet
    w = warning(inc, 31, "user-update-overdue")
    assert w.key.startswith("users|") and "first user update overdue (due 03:30 UTC)" in w.text
    assert w.quote == SEED_WORDS["user-update-overdue"]


# --- after resolution ----------------------------------------------------------------------------


def test_resolved_with_no_postmortem():
    inc = Incident(2).ic(1).mitigated(5).resolve(20)
    w = warning(inc, 21, "no-postmortem")
    assert w.quote == SEED_WORDS["no-postmortem"] and w.anti_pattern
    assert "postmortem" in w.text
    assert rules(inc, 21) == ["no-postmortem"], "an incident that is over has no other warning"


# --- dismissing ----------------------------------------------------------------------------------


def test_a_dismissed_warning_stays_dismissed_for_the_same_situation():
    inc = Incident(2).ic(1, "alice").tech(2, "alice")
    shown = current(inc.state, at(3))
    assert shown is not None and shown.rule == "ic-tech-lead"
    inc.dismiss(4, shown.rule, shown.key)
    assert current(inc.state, at(5)) is None
    # Re-assigning the same person is the same situation: still dismissed.
    inc.release(6, TECH).tech(7, "alice")
    assert current(inc.state, at(8)) is None


def test_a_dismissed_warning_returns_when_the_situation_changes():
    inc = Incident(2).ic(1, "alice").tech(2, "alice")
    inc.dismiss(4, "ic-tech-lead", "alice|SEV-2")
    assert current(inc.state, at(5)) is None
    inc.sev(6, 2, 1)  # raised: a new situation (and the 15-minute rule is not due yet)
    back = current(inc.state, at(7))
    assert back is not None and back.rule == "ic-tech-lead" and back.key == "alice|SEV-1"


def test_a_dismissal_after_now_does_not_count_yet():
    inc = Incident(2).dismiss(5, "no-ic", "SEV-2|2026-11-26T03:00:00.000000Z")
    assert [w.rule for w in active(inc.state, at(4))] == ["no-ic"]
    assert active(inc.state, at(6)) == []


def test_the_most_urgent_warning_shows_first():
    inc = Incident(1).note(3, "root cause is the pool change")
    assert [w.rule for w in active(inc.state, at(16))][:3] == ["update-overdue", "no-ic", "no-mitigation"]
    assert current(inc.state, at(16)).rule == "update-overdue"  # type: ignore[union-attr]
