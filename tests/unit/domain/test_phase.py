"""The phase guide on hand-built records with a frozen clock: where the incident stands in
Detect → Triage → Mitigate → Communicate → Resolve → Review, and the one next step."""

from __future__ import annotations

from tests.support.incident_builder import Incident, at
from warroom.domain.cadence import UpdateCadence
from warroom.domain.phase import COMMUNICATE, DETECT, MITIGATE, PHASES, RESOLVE, REVIEW, TRIAGE, guide


def test_the_six_phases_in_the_playbooks_order():
    assert PHASES == ("Detect", "Triage", "Mitigate", "Communicate", "Resolve", "Review")


def test_just_declared_with_no_ic_the_next_step_is_naming_one():
    g = guide(Incident(2).state, at(1))
    assert (g.phase, g.next_step) == (TRIAGE, "name an IC: /ic NAME")
    assert g.done == (DETECT,)
    assert g.describe() == "TRIAGE (2/6) · next: name an IC: /ic NAME"


def test_a_suspect_deploy_before_detection_is_the_mitigation_offered():
    inc = Incident(2).deploy(-12, "0aaf9da").deploy(-50, "1111111").ic(1)
    g = guide(inc.state, at(2))
    assert (g.phase, g.next_step) == (MITIGATE, "mitigate: roll back api 0aaf9da?")
    assert g.done == (DETECT, TRIAGE)


def test_the_nearest_deploy_before_detection_is_the_suspect():
    inc = Incident(2).deploy(-20, "aaaaaaa").deploy(-5, "bbbbbbb").ic(1)
    assert guide(inc.state, at(2)).next_step == "mitigate: roll back api bbbbbbb?"


def test_with_no_suspect_the_playbooks_options():
    g = guide(Incident(2).ic(1).state, at(2))
    assert g.phase == MITIGATE and g.next_step == "mitigate: rollback, flag, failover?"


def test_a_rollback_run_asks_whether_users_are_okay():
    inc = Incident(2).deploy(-12).ic(1).mitigation_run(3, "rollback", "api", ["kubectl", "rollout", "undo"])
    assert guide(inc.state, at(4)).next_step == "users okay? confirm metrics, then /mitigated"


def test_a_failed_mitigation_says_so():
    inc = Incident(2).ic(1).mitigation_run(3, "flag", "checkout-v2 off", ["ff", "off"], exit_code=2)
    assert guide(inc.state, at(4)).next_step == "checkout-v2 off failed (exit 2): try the next option"


def test_a_mitigation_that_timed_out_or_never_started_says_so():
    inc = Incident(2).ic(1).mitigation_timed_out(3, "restart api", ["systemctl", "restart", "api"])
    assert guide(inc.state, at(4)).next_step == "restart api timed out: try the next option"
    inc = Incident(2).ic(1).mitigation_run(3, "flag", "flag off", ["ff"], exit_code=None)
    assert guide(inc.state, at(4)).next_step == "flag off did not run: try the next option"


def test_the_first_user_update_due_soon_comes_before_mitigating():
    # SEV-2: users hear from us within 30 minutes; at 26 minutes it is due in 4.
    inc = Incident(2).deploy(-12).ic(1)
    inc.post(15)  # an internal update: the 30-minute cadence restarts, users still untold
    g = guide(inc.state, at(26))
    assert (g.phase, g.next_step) == (COMMUNICATE, "post the first user update (due in 4 min)")


def test_an_overdue_update_is_the_next_step():
    inc = Incident(1).ic(1).mitigated(5)
    g = guide(inc.state, at(19))
    assert (g.phase, g.next_step) == (COMMUNICATE, "post an update now (overdue 4 min)")
    assert COMMUNICATE not in g.done


def test_after_mitigating_post_an_update_then_confirm_and_resolve():
    inc = Incident(2).ic(1).mitigated(5)
    g = guide(inc.state, at(6))
    assert (g.phase, g.next_step) == (COMMUNICATE, "post the first update (due in 24 min)")
    inc.post(7, "external")
    g = guide(inc.state, at(8))
    assert (g.phase, g.next_step) == (RESOLVE, "confirm metrics, then /resolve")
    assert g.done == (DETECT, TRIAGE, MITIGATE, COMMUNICATE)


def test_metrics_recovered_after_mitigating_says_resolve():
    from warroom.domain import catalogue as c
    from warroom.domain.events import Kind

    inc = Incident(2).ic(1).mitigated(5).post(7, "external")
    recovered = c.metrics_recovered(probes=["api"], since=at(8), held_s=300.0, text="metrics recovered")
    inc.add(13, Kind.METRICS_RECOVERED, recovered, "warroom")
    assert guide(inc.state, at(12)).next_step == "confirm metrics, then /resolve"
    assert guide(inc.state, at(14)).next_step == "metrics recovered at 03:13 UTC: /resolve"


def test_an_update_from_before_the_mitigation_asks_for_one_saying_mitigated():
    inc = Incident(3).ic(1).post(2).mitigated(10)
    assert guide(inc.state, at(11)).next_step == "post an update: mitigated, monitoring"


def test_resolved_the_next_step_is_the_postmortem():
    inc = Incident(2).ic(1).mitigated(5).post(6, "external").resolve(20)
    g = guide(inc.state, at(21))
    assert (g.phase, g.next_step) == (REVIEW, "start the postmortem")
    assert g.done == (DETECT, TRIAGE, MITIGATE, COMMUNICATE, RESOLVE)


def test_phases_overlap_the_guide_is_never_a_gate():
    """Resolving with no IC and no mitigation is recorded as it happened: the guide moves on."""
    inc = Incident(2).resolve(3)
    g = guide(inc.state, at(4))
    assert g.phase == REVIEW and TRIAGE not in g.done and MITIGATE not in g.done


def test_the_guide_as_of_an_earlier_moment_ignores_later_entries():
    inc = Incident(2).ic(5)
    assert guide(inc.state, at(2)).phase == TRIAGE
    assert guide(inc.state, at(6)).phase == MITIGATE


def test_the_configured_cadence_moves_the_due_time():
    inc = Incident(3).ic(1).mitigated(2)
    assert guide(inc.state, at(3), UpdateCadence(sev3=10)).next_step == "post the first update (due in 7 min)"
