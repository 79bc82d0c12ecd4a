"""The drafts say the right words to customers.

The affected feature is its own field (never the internal title), each status has its own
customer-facing sentence, the external Resolved line uses the public summary (never the internal
one), a severity change is said as such, every incident has its own channel, and the SEV-2 rule
("user comms within 30 min") leaves a trace: due, sent, on time or late by N minutes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.config.model import TeamConfig
from warroom.domain.cadence import UpdateCadence
from warroom.domain.drafts import channel_name, render_draft
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.incident import fold
from warroom.domain.roles import COMMS, IC
from warroom.domain.slash import Append, Invalid, Unchanged, interpret
from warroom.domain.user_comms import first_user_update

T0 = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)
TEAM = TeamConfig(status_page="https://status.example.com", channel_prefix="#incident-")
INTERNAL_TITLE = "Checkout returns 500 from pg-primary-3"
INTERNAL_SUMMARY = "rolled back a1b2c3d on api-7, pg-primary-3 failover"

FIRST_LINES = {
    "investigating": "[Investigating] We are aware of an issue affecting {feature}.",
    "identified": "[Identified] We have identified the cause of the issue affecting {feature} and are applying a fix.",
    "monitoring": "[Monitoring] A fix is in place for the issue affecting {feature} and we are watching to make sure it holds.",
}


class Incident:
    """Events of one incident, built minute by minute after T0."""

    def __init__(self, sev: int = 2, *, incident_id: int = 7, feature: str | None = None, day: datetime = T0):
        payload = {"title": INTERNAL_TITLE, "severity": sev, "impact": "EU card payments fail"}
        if feature is not None:
            payload["feature"] = feature
        self.t0 = day
        self.events = [Event(incident_id, day, Kind.DECLARED, "alice", payload, id=1)]
        self.add(0, Kind.ROLE_ASSIGNED, {"role": IC, "person": "alice"})
        self.add(0, Kind.ROLE_ASSIGNED, {"role": COMMS, "person": "bob"})

    def add(self, minute: float, kind: str, payload: dict) -> Incident:
        ev = Event(
            self.events[0].incident_id,
            self.t0 + timedelta(minutes=minute),
            kind,
            "alice",
            payload,
            id=len(self.events) + 1,
        )
        self.events.append(ev)
        return self

    @property
    def state(self):
        return fold(self.events)

    def draft(self, audience: str, minute: float = 60) -> str:
        return render_draft(self.state, audience, self.t0 + timedelta(minutes=minute), UpdateCadence(), TEAM).text


def to_status(incident: Incident, status: str, minute: float = 20) -> Incident:
    if status != "investigating":
        incident.add(minute, Kind.STATUS, {"from": "Investigating", "to": status})
    return incident


# -- the feature: its own field, blank until set ---------------------------------------------------


@pytest.mark.parametrize("status", ["investigating", "identified", "monitoring"])
def test_external_keeps_the_feature_blank_until_set_never_the_internal_title(status):
    incident = to_status(Incident(), status)
    text = incident.draft("external")
    assert text.splitlines()[0] == FIRST_LINES[status].format(feature="<feature>")
    assert "pg-primary-3" not in text and INTERNAL_TITLE not in text


@pytest.mark.parametrize("status", ["investigating", "identified", "monitoring"])
def test_each_status_has_its_own_customer_sentence_with_the_feature(status):
    incident = to_status(Incident().add(2, Kind.FEATURE_SET, {"text": "Checkout"}), status)
    assert (
        incident.draft("external")
        == FIRST_LINES[status].format(feature="Checkout")
        + """
Started: 2026-12-06 05:00 UTC
Impact: EU card payments fail
We'll post an update within 30 minutes."""
    )


def test_feature_given_at_declaration_and_changed_later_folds_the_latest():
    incident = Incident(feature="Card payments")
    assert incident.state.feature == "Card payments"
    assert "affecting Card payments." in incident.draft("external")
    incident.add(5, Kind.FEATURE_SET, {"text": "  Checkout \n and payments "})
    assert incident.state.feature == "Checkout and payments"
    assert incident.draft("external").splitlines()[0].endswith("affecting Checkout and payments.")


def test_the_feature_never_leaks_escape_sequences_into_a_draft():
    incident = Incident().add(2, Kind.FEATURE_SET, {"text": "Check\x1b]0;pwn\x07out"})
    assert "\x1b" not in incident.draft("external") and "\x07" not in incident.draft("external")


# -- resolved: the public summary for customers, the internal one for the channel ------------------


def test_external_resolved_uses_the_public_summary_and_says_when():
    incident = Incident().add(2, Kind.FEATURE_SET, {"text": "Checkout"})
    incident.add(52, Kind.RESOLVED, {"text": INTERNAL_SUMMARY, "public": "Payments are working normally again."})
    assert incident.draft("external") == (
        "[Resolved] The issue affecting Checkout was resolved at 05:52 UTC. Payments are working normally again."
    )
    assert incident.draft("internal") == f"[Resolved] {INTERNAL_SUMMARY}"


@pytest.mark.parametrize("kind", [Kind.RESOLVED, Kind.STATUS])
def test_external_resolved_without_a_public_summary_is_generic_never_internal(kind):
    incident = Incident().add(2, Kind.FEATURE_SET, {"text": "Checkout"})
    incident.add(52, kind, {"to": "resolved", "text": INTERNAL_SUMMARY})
    text = incident.draft("external")
    assert text == "[Resolved] The issue affecting Checkout was resolved at 05:52 UTC."
    assert "a1b2c3d" not in text and "pg-primary-3" not in text
    assert incident.draft("internal") == f"[Resolved] {INTERNAL_SUMMARY}"


def test_external_resolved_without_feature_or_summary_keeps_the_blank():
    incident = Incident().add(52, Kind.RESOLVED, {"text": ""})
    assert incident.draft("external") == "[Resolved] The issue affecting <feature> was resolved at 05:52 UTC."
    assert incident.draft("internal") == f"[Resolved] {INTERNAL_TITLE}"


def test_a_reopen_forgets_the_old_public_summary():
    incident = Incident().add(2, Kind.FEATURE_SET, {"text": "Checkout"})
    incident.add(30, Kind.RESOLVED, {"text": "x", "public": "All good now."})
    incident.add(40, Kind.REOPENED, {"text": "errors are back"})
    assert incident.state.public_summary == ""
    assert incident.draft("external").startswith("[Investigating] We are aware of an issue affecting Checkout.")
    incident.add(70, Kind.RESOLVED, {"text": "y"})
    assert incident.draft("external", 80) == "[Resolved] The issue affecting Checkout was resolved at 06:10 UTC."


def test_tactical_update_at_each_status_keeps_the_internal_words():
    incident = Incident().add(2, Kind.FEATURE_SET, {"text": "Checkout"})
    for status in ("identified", "monitoring"):
        to_status(incident, status, 20 if status == "identified" else 30)
        assert incident.draft("can", 40).splitlines()[0] == (
            f"INC-7 SEV-2 [{status.title()}] update at 05:40 UTC: {INTERNAL_TITLE}"
        )
    incident.add(50, Kind.RESOLVED, {"text": INTERNAL_SUMMARY, "public": "All good."})
    can = incident.draft("can", 55)
    assert f"- Resolved at 05:50 UTC by alice: {INTERNAL_SUMMARY}" in can.splitlines()
    assert "All good." not in can


# -- a severity change is said, not re-declared ----------------------------------------------------


def test_internal_after_a_raise_says_raised_from_and_when():
    incident = Incident(2).add(22, Kind.SEVERITY, {"from": 2, "to": 1, "reason": "all regions"})
    lines = incident.draft("internal").splitlines()
    assert lines[0] == f"🚨 SEV-1 (raised from SEV-2 at 05:22 UTC): {INTERNAL_TITLE}"
    assert lines[-1] == "Updates every 15 min until resolved."
    assert "declared" not in lines[0]


def test_internal_after_a_lowering_says_lowered_from_the_latest_change():
    incident = Incident(2).add(22, Kind.SEVERITY, {"from": 2, "to": 1}).add(40, Kind.SEVERITY, {"from": 1, "to": 3})
    lines = incident.draft("internal").splitlines()
    assert lines[0] == f"🚨 SEV-3 (lowered from SEV-1 at 05:40 UTC): {INTERNAL_TITLE}"
    assert lines[-1] == "Updates every 60 min until resolved."


def test_a_change_on_an_earlier_day_carries_its_date():
    incident = Incident(3).add(22, Kind.SEVERITY, {"from": 3, "to": 2})
    text = incident.draft("internal", 60 * 24)
    assert text.splitlines()[0] == f"🚨 SEV-2 (raised from SEV-3 at 2026-12-06 05:22 UTC): {INTERNAL_TITLE}"


def test_without_a_change_the_playbook_declaration_stands():
    assert Incident(2).draft("internal").splitlines()[0] == f"🚨 SEV-2 declared: {INTERNAL_TITLE}"


# -- one channel per incident ----------------------------------------------------------------------


def test_two_incidents_on_one_day_get_different_channels_that_stay_put():
    first, second = Incident(incident_id=7), Incident(incident_id=8, day=T0 + timedelta(hours=3))
    channel = [line for line in first.draft("internal").splitlines() if line.startswith("Channel:")]
    assert channel == ["Channel: #incident-2026-12-06-inc-7"]
    assert channel_name(second.state, "#incident-") == "#incident-2026-12-06-inc-8"
    # Stable: a day later, after a raise, it is the same name.
    first.add(60 * 25, Kind.SEVERITY, {"from": 2, "to": 1})
    assert "Channel: #incident-2026-12-06-inc-7" in first.draft("internal", 60 * 26).splitlines()


# -- /feature and /resolve --public ----------------------------------------------------------------


def test_slash_feature_records_the_feature_and_refuses_nonsense():
    state = Incident().state
    assert interpret("/feature Checkout", state) == Append(
        Kind.FEATURE_SET, {"text": "Checkout"}, "feature: Checkout (the external draft now names it)"
    )
    assert isinstance(interpret("/feature", state), Invalid)
    assert isinstance(interpret("/feature " + "x" * 500, state), Invalid)
    named = Incident().add(1, Kind.FEATURE_SET, {"text": "Checkout"}).state
    assert isinstance(interpret("/feature Checkout", named), Unchanged)  # a message; the line is consumed


def test_slash_resolve_takes_a_public_summary_and_the_confirmation_shows_it():
    state = Incident().state
    command = interpret("/resolve rolled back a1b2c3d --public Payments work again.", state)
    assert isinstance(command, Append) and command.kind == Kind.RESOLVED
    assert command.payload == {"text": "rolled back a1b2c3d", "public": "Payments work again."}
    assert command.confirm and "Customers will read: Payments work again." in command.confirm
    plain = interpret("/resolve rolled back a1b2c3d", state)
    assert plain.payload == {"text": "rolled back a1b2c3d"} and "generic" in plain.confirm
    assert isinstance(interpret("/resolve fixed --public", state), Invalid)


# -- the SEV-2 rule's trace -------------------------------------------------------------------------


def trace(incident: Incident, minute: float):
    return first_user_update(incident.state, incident.t0 + timedelta(minutes=minute), UpdateCadence())


def test_first_user_update_on_time():
    incident = Incident(2).add(12, Kind.COMMS_POSTED, {"audience": "external", "text": "x"})
    t = trace(incident, 60)
    assert (t.outcome, t.due_at, t.sent_at, t.late_by_minutes) == (
        "on_time",
        T0 + timedelta(minutes=30),
        T0 + timedelta(minutes=12),
        0,
    )
    assert t.describe() == "first user update due 05:30 UTC (30 min after reaching SEV-2), sent 05:12 UTC: on time"


def test_first_user_update_late_by_n_minutes_also_after_resolution():
    incident = Incident(2).add(5, Kind.COMMS_POSTED, {"audience": "internal", "text": "x"})
    incident.add(48, Kind.COMMS_POSTED, {"audience": "external", "text": "x"})
    incident.add(70, Kind.RESOLVED, {"text": "done"})
    t = trace(incident, 24 * 60)
    assert t.outcome == "late" and t.late_by_minutes == 18
    assert t.describe().endswith("sent 05:48 UTC: late by 18 minutes")
    assert t.to_json(format_ts)["late_by_minutes"] == 18


def test_first_user_update_overdue_then_missed_when_resolved_without_one():
    incident = Incident(3).add(10, Kind.SEVERITY, {"from": 3, "to": 2})
    assert trace(incident, 30).outcome == "pending"
    overdue = trace(incident, 45)
    assert (
        overdue.outcome == "overdue" and overdue.late_by_minutes == 5 and "OVERDUE by 5 minutes" in overdue.describe()
    )
    incident.add(60, Kind.RESOLVED, {"text": "done"})
    missed = trace(incident, 120)
    assert missed.outcome == "missed" and missed.late_by_minutes == 20
    assert missed.describe() == (
        "first user update due 05:40 UTC (30 min after reaching SEV-2), never sent: "
        "resolved at 06:00 UTC without telling users"
    )


def test_first_user_update_not_required_below_sev2_and_not_needed_when_resolved_in_time():
    assert trace(Incident(3), 90).outcome == "not_required"
    quick = Incident(2).add(20, Kind.RESOLVED, {"text": "blip"})
    t = trace(quick, 90)
    assert t.outcome == "not_needed" and not t.to_json(format_ts)["required"]
