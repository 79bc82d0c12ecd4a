"""Drafts against the playbook's templates, word for word, for every status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from string import Template

import pytest

from warroom.config.model import CadenceConfig, TeamConfig, TemplatesConfig
from warroom.domain.cadence import UpdateCadence
from warroom.domain.drafts import (
    DRILL_BANNER,
    Draft,
    add_business_days,
    changes_since_last_post,
    last_post,
    needed_roles,
    normalize_audience,
    packaged_template,
    render_draft,
)
from warroom.domain.events import Event, Kind
from warroom.domain.incident import fold
from warroom.domain.roles import COMMS, IC, SCRIBE, TECH

T0 = datetime(2026, 11, 26, 3, 12, tzinfo=UTC)
NOW = T0 + timedelta(minutes=20)
TEAM = TeamConfig(name="payments", status_page="https://status.example.com", channel_prefix="#incident-")

# The playbook's blocks, copied from the seed ("4. Communicate", "5. Resolve").
SEED_INTERNAL = """🚨 SEV-1 declared: <one-line summary>
Incident commander: @<person>
Comms lead: @<person>
Channel: #incident-<date>
Status page: <link>
Updates every 15 min until resolved."""
SEED_EXTERNAL = """[Investigating] We are aware of an issue affecting <feature>.
Started: <time UTC>
Impact: <who and how>
We'll post an update within 30 minutes."""
SEED_RESOLVED = "[Resolved] <summary>"


def record(sev: int = 1, *, impact: str = "Most users cannot pay", roles: dict[str, str] | None = None):
    events = [
        Event(
            7, T0, Kind.DECLARED, "alice", {"title": "Checkout returning 500s", "severity": sev, "impact": impact}, id=1
        )
    ]

    def add(minutes: float, kind: str, payload: dict) -> None:
        events.append(Event(7, T0 + timedelta(minutes=minutes), kind, "alice", payload, id=len(events) + 1))

    for role, person in (roles or {}).items():
        add(0, Kind.ROLE_ASSIGNED, {"role": role, "person": person})
    return events, add


def state_of(events):
    return fold(events)


# -- the packaged templates are the playbook's words ---------------------------------------------


def test_packaged_templates_are_the_playbook_word_for_word():
    internal = Template(packaged_template("internal")).substitute(
        severity="SEV-1",
        summary="<one-line summary>",
        commander="<person>",
        comms_lead="<person>",
        channel="#incident-<date>",
        status_page="<link>",
        cadence_minutes="15",
    )
    assert internal.rstrip("\n") == SEED_INTERNAL
    external = Template(packaged_template("external")).substitute(
        status="Investigating",
        feature="<feature>",
        started="<time UTC>",
        impact="<who and how>",
        cadence_minutes="30",
    )
    assert external.rstrip("\n") == SEED_EXTERNAL
    assert Template(packaged_template("resolved")).substitute(summary="<summary>").rstrip("\n") == SEED_RESOLVED


# -- internal ------------------------------------------------------------------------------------


def test_internal_sev1_declaration_block():
    events, _ = record(1, roles={IC: "alice", COMMS: "bob"})
    draft = render_draft(state_of(events), "internal", NOW, UpdateCadence(), TEAM)
    assert draft == Draft(
        "internal",
        """🚨 SEV-1 declared: Checkout returning 500s
Incident commander: @alice
Comms lead: @bob
Channel: #incident-2026-11-26-inc-7
Status page: https://status.example.com
Updates every 15 min until resolved.""",
        "internal",
    )


def test_internal_shows_vacant_roles_and_missing_link_as_visible_gaps():
    events, _ = record(2)
    text = render_draft(state_of(events), "internal", NOW, UpdateCadence(), TeamConfig()).text
    assert (
        text
        == """🚨 SEV-2 declared: Checkout returning 500s
Incident commander: @<person: VACANT>
Comms lead: @<person: VACANT>
Channel: #incident-2026-11-26-inc-7
Status page: <link>
Updates every 30 min until resolved."""
    )


def test_internal_uses_the_configured_cadence_and_channel_prefix():
    events, _ = record(3, roles={IC: "alice"})
    team = TeamConfig(channel_prefix="#inc-payments-", status_page="https://status.example.com")
    text = render_draft(state_of(events), "internal", NOW, CadenceConfig(sev3=45), team).text
    assert "Channel: #inc-payments-2026-11-26-inc-7" in text.splitlines()
    assert text.splitlines()[-1] == "Updates every 45 min until resolved."


# -- external, one per status --------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, first_line",
    [
        ("Investigating", "[Investigating] We are aware of an issue affecting Checkout."),
        (
            "Identified",
            "[Identified] We have identified the cause of the issue affecting Checkout and are applying a fix.",
        ),
        (
            "Monitoring",
            "[Monitoring] A fix is in place for the issue affecting Checkout and we are watching to make sure it holds.",
        ),
    ],
)
def test_external_status_page_text_for_each_status(status, first_line):
    events, add = record(2)
    add(1, Kind.FEATURE_SET, {"text": "Checkout"})
    if status != "Investigating":
        add(10, Kind.STATUS, {"to": status.lower()})
    text = render_draft(state_of(events), "external", NOW, UpdateCadence(), TEAM).text
    assert (
        text
        == f"""{first_line}
Started: 2026-11-26 03:12 UTC
Impact: Most users cannot pay
We'll post an update within 30 minutes."""
    )


def test_external_promise_follows_the_cadence():
    events, _ = record(1)
    text = render_draft(state_of(events), "external", NOW, UpdateCadence(), TEAM).text
    assert text.splitlines()[-1] == "We'll post an update within 15 minutes."


def test_external_started_is_the_back_dated_start_and_blank_impact_shows():
    events = [
        Event(
            7,
            T0,
            Kind.DECLARED,
            "alice",
            {"title": "Search is slow", "severity": 3, "started_at": "2026-11-26T02:55:00Z"},
            id=1,
        )
    ]
    text = render_draft(fold(events), "external", NOW, UpdateCadence(), TEAM).text
    assert (
        text
        == """[Investigating] We are aware of an issue affecting <feature>.
Started: 2026-11-26 02:55 UTC
Impact: <who and how>
We'll post an update within 60 minutes."""
    )


def test_resolved_uses_the_playbook_resolved_line_internally():
    events, add = record(1)
    add(40, Kind.RESOLVED, {"text": "Checkout is working again after rolling back a1b2c3d"})
    draft = render_draft(state_of(events), "internal", NOW + timedelta(minutes=30), UpdateCadence(), TEAM)
    assert draft.text == "[Resolved] Checkout is working again after rolling back a1b2c3d"
    assert draft.template == "resolved"


def test_resolved_without_a_summary_falls_back_to_the_title_internally():
    events, add = record(1)
    add(40, Kind.STATUS, {"to": "resolved"})
    assert (
        render_draft(state_of(events), "internal", NOW, UpdateCadence(), TEAM).text
        == "[Resolved] Checkout returning 500s"
    )


# -- tactical (Conditions / Actions / Needs) -----------------------------------------------------


def test_tactical_update_from_notes_mitigations_and_vacant_roles():
    events, add = record(1, roles={IC: "alice"})
    add(3, Kind.NOTE, {"text": "5xx on /pay since deploy a1b2c3d"})
    add(8, Kind.NOTE, {"text": "db connections at max"})
    add(12, Kind.MITIGATED, {"text": "rolled back a1b2c3d"})
    draft = render_draft(state_of(events), "can", NOW, UpdateCadence(), TEAM)
    assert draft.audience == "tactical"
    assert (
        draft.text
        == """INC-7 SEV-1 [Investigating] update at 03:32 UTC: Checkout returning 500s
Conditions:
- Impact: Most users cannot pay
- 03:15 5xx on /pay since deploy a1b2c3d
- 03:20 db connections at max
Actions:
- 03:24 rolled back a1b2c3d
Needs:
- Comms Lead: VACANT, needs someone
- Tech Lead: VACANT, needs someone
Next update within 15 min."""
    )


def test_tactical_with_nothing_new_says_so_and_lists_only_new_notes():
    events, add = record(2, impact="", roles={IC: "alice", COMMS: "bob", TECH: "carol"})
    add(3, Kind.NOTE, {"text": "already reported"})
    add(5, Kind.COMMS_POSTED, {"audience": "tactical", "text": "earlier update"})
    text = render_draft(state_of(events), "tactical", NOW, UpdateCadence(), TEAM).text
    assert (
        text
        == """INC-7 SEV-2 [Investigating] update at 03:32 UTC: Checkout returning 500s
Conditions:
- Nothing new: still investigating.
Actions:
- No mitigation applied yet.
Needs:
- Nothing right now.
Next update within 30 min."""
    )


def test_untrusted_note_text_cannot_carry_escape_sequences_or_break_lines():
    events, add = record(1)
    add(3, Kind.NOTE, {"text": "evil\x1b]52;c;aGk=\x07 line\nInjected: yes\x1b[31m"})
    text = render_draft(state_of(events), "tactical", NOW, UpdateCadence(), TEAM).text
    assert "\x1b" not in text and "\x07" not in text
    assert "- 03:15 evil line Injected: yes" in text.splitlines()


# -- overrides, audiences, diffs -----------------------------------------------------------------


def test_templates_overridable_from_config_without_evaluating_anything():
    events = [
        Event(
            7,
            T0,
            Kind.DECLARED,
            "alice",
            {"title": "${impact} {0.__class__} $$", "severity": 2, "impact": "EU users"},
            id=1,
        )
    ]
    override = TemplatesConfig(external="${status}: ${summary} / ${impact} / ${unknown}\n")
    text = render_draft(fold(events), "external", NOW, UpdateCadence(), TEAM, override).text
    assert text == "Investigating: ${impact} {0.__class__} $$ / EU users / ${unknown}"
    # Other audiences keep the playbook's words.
    assert render_draft(fold(events), "internal", NOW, UpdateCadence(), TEAM, override).text.startswith(
        "🚨 SEV-2 declared:"
    )


def test_audience_names():
    assert normalize_audience("can") == "tactical"
    assert normalize_audience("Tactical") == "tactical"
    assert normalize_audience("internal") == "internal"
    with pytest.raises(ValueError, match="use internal, external or can"):
        normalize_audience("twitter")


def test_changes_since_the_last_posted_update():
    events, add = record(2)
    state = state_of(events)
    first = render_draft(state, "external", NOW, UpdateCadence(), TEAM).text
    assert changes_since_last_post(state, "external", first)[:2] == ["--- nothing posted yet", "+++ draft"]
    add(20, Kind.COMMS_POSTED, {"audience": "external", "text": first})
    add(25, Kind.STATUS, {"to": "identified"})
    state = state_of(events)
    assert last_post(state, "external").text == first
    second = render_draft(state, "external", NOW + timedelta(minutes=10), UpdateCadence(), TEAM).text
    diff = changes_since_last_post(state, "external", second)
    assert diff[0] == "--- posted 03:32 UTC"
    assert "-[Investigating] We are aware of an issue affecting <feature>." in diff
    assert "+[Identified] We have identified the cause of the issue affecting <feature> and are applying a fix." in diff
    assert not any(line.startswith(("-Started", "+Started")) for line in diff)
    assert changes_since_last_post(state, "external", first) == []


# -- needs: every role the board flags VACANT -------------------------------------------------------

LIAISON_TEAM = TeamConfig(status_page="https://status.example.com", extra_roles=("Deputy", "Customer Liaison"))


def test_needs_lists_vacant_extra_roles_from_team_config():
    events, _ = record(1, roles={IC: "alice", COMMS: "bob", TECH: "carol", "Deputy": "dave"})
    text = render_draft(state_of(events), "can", NOW, UpdateCadence(), LIAISON_TEAM).text
    needs = text.split("Needs:\n")[1].splitlines()
    assert needs == ["- Customer Liaison: VACANT, needs someone", "Next update within 15 min."]


def test_needs_follow_the_board_order_and_never_ask_for_the_optional_scribe():
    events, _ = record(2, roles={IC: "alice"})
    text = render_draft(state_of(events), "can", NOW, UpdateCadence(), LIAISON_TEAM).text
    assert text.split("Needs:\n")[1].splitlines()[:-1] == [
        "- Comms Lead: VACANT, needs someone",
        "- Tech Lead: VACANT, needs someone",
        "- Deputy: VACANT, needs someone",
        "- Customer Liaison: VACANT, needs someone",
    ]
    assert "Scribe" not in text
    # A team listing the Scribe among its extras does not make it required.
    assert needed_roles(TeamConfig(extra_roles=(SCRIBE, "Deputy"))) == [IC, COMMS, TECH, "Deputy"]


def test_every_role_held_means_nothing_needed():
    events, _ = record(2, roles={IC: "a", COMMS: "b", TECH: "c", "Deputy": "d", "Customer Liaison": "e"})
    text = render_draft(state_of(events), "can", NOW, UpdateCadence(), LIAISON_TEAM).text
    assert "Needs:\n- Nothing right now.\n" in text


def test_a_vacant_comms_lead_is_a_visible_blank_to_fill():
    events, _ = record(1, roles={IC: "alice"})
    lines = render_draft(state_of(events), "internal", NOW, UpdateCadence(), TEAM).text.splitlines()
    assert lines[1:3] == ["Incident commander: @alice", "Comms lead: @<person: VACANT>"]


# -- no cadence in force: no "within <n> minutes" -------------------------------------------------


def test_sev4_drafts_promise_no_time_and_leave_no_n_blank():
    events, _ = record(4, roles={IC: "alice"})
    state = state_of(events)
    external = render_draft(state, "external", NOW, UpdateCadence(), TEAM).text
    assert (
        external
        == """[Investigating] We are aware of an issue affecting <feature>.
Started: 2026-11-26 03:12 UTC
Impact: Most users cannot pay
We'll post an update when we know more."""
    )
    internal = render_draft(state, "internal", NOW, UpdateCadence(), TEAM).text
    assert internal.splitlines()[-1] == "Updates when there is news, until resolved."
    tactical = render_draft(state, "can", NOW, UpdateCadence(), TEAM).text
    assert tactical.splitlines()[-1] == "Next update when there is news."
    assert "<n>" not in external + internal + tactical


def test_a_cadence_switched_off_in_config_promises_no_time_either():
    events, _ = record(3)
    text = render_draft(state_of(events), "external", NOW, CadenceConfig(sev3=None), TEAM).text
    assert text.splitlines()[-1] == "We'll post an update when we know more."
    # ...while SEV-2 keeps the playbook's words under the same config.
    events, _ = record(2)
    text = render_draft(state_of(events), "external", NOW, CadenceConfig(sev3=None), TEAM).text
    assert text.splitlines()[-1] == "We'll post an update within 30 minutes."


def test_a_sev4_cadence_set_in_config_is_promised():
    events, _ = record(4)
    text = render_draft(state_of(events), "external", NOW, CadenceConfig(sev4=120), TEAM).text
    assert text.splitlines()[-1] == "We'll post an update within 120 minutes."


def test_an_override_line_the_renderer_does_not_know_keeps_the_blank_visible():
    events, _ = record(4)
    override = {"external": "[${status}] ${summary}. Next: in ${cadence_minutes} minutes or so.\n"}
    text = render_draft(state_of(events), "external", NOW, UpdateCadence(), TEAM, override).text
    assert text == "[Investigating] Checkout returning 500s. Next: in <n> minutes or so."


# -- tactical after resolution --------------------------------------------------------------------


def test_tactical_after_resolution_says_when_by_whom_and_how_and_promises_nothing():
    events, add = record(1, roles={IC: "alice"})
    add(3, Kind.NOTE, {"text": "5xx on /pay since deploy a1b2c3d"})
    add(12, Kind.MITIGATED, {"text": "rolled back a1b2c3d"})
    add(15, Kind.COMMS_POSTED, {"audience": "tactical", "text": "earlier update"})
    add(30, Kind.NOTE, {"text": "error rate at baseline for 15 min"})
    add(40, Kind.RESOLVED, {"text": "Checkout is working again after rolling back a1b2c3d"})
    draft = render_draft(state_of(events), "can", T0 + timedelta(minutes=45), UpdateCadence(), LIAISON_TEAM)
    assert draft.template == "tactical"
    assert (
        draft.text
        == """INC-7 SEV-1 [Resolved] update at 03:57 UTC: Checkout returning 500s
Conditions:
- Resolved at 03:52 UTC by alice: Checkout is working again after rolling back a1b2c3d
- 03:42 error rate at baseline for 15 min
Actions:
- 03:24 rolled back a1b2c3d
Needs:
- Postmortem owner: <person> (review within 5 business days, by Thu 2026-12-03)
No further scheduled updates: the channel stays open for postmortem prep."""
    )


def test_tactical_after_resolution_with_nothing_new_names_a_postmortem_owner_role():
    events, add = record(2, roles={IC: "alice", "Postmortem Owner": "erin"})
    add(40, Kind.STATUS, {"to": "resolved"})
    text = render_draft(state_of(events), "can", T0 + timedelta(hours=2), UpdateCadence(), TEAM).text
    conditions = text.split("Conditions:\n")[1].split("\nActions:")[0]
    assert conditions == "- Resolved at 03:52 UTC by alice: Checkout returning 500s"
    assert "Next update" not in text and "VACANT" not in text and "Impact:" not in text
    assert "- Postmortem owner: erin (review within 5 business days, by Thu 2026-12-03)" in text.splitlines()


def test_review_deadline_counts_business_days():
    friday = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    assert add_business_days(friday, 5).date().isoformat() == "2026-12-04"  # the next Friday
    saturday = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert add_business_days(saturday, 5).date().isoformat() == "2026-12-04"


def test_reopened_incident_drafts_like_an_open_one_again():
    events, add = record(1, roles={IC: "alice"})
    add(40, Kind.RESOLVED, {"text": "fixed"})
    add(50, Kind.REOPENED, {"text": "errors are back"})
    text = render_draft(state_of(events), "can", T0 + timedelta(minutes=55), UpdateCadence(), TEAM).text
    assert text.splitlines()[-1] == "Next update within 15 min."
    assert "- Comms Lead: VACANT, needs someone" in text.splitlines()
    later = T0 + timedelta(minutes=55)
    assert render_draft(state_of(events), "external", later, UpdateCadence(), TEAM).text.startswith("[Investigating]")


# -- drills ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["internal", "external", "can"])
@pytest.mark.parametrize("resolved", [False, True])
def test_a_drill_is_labelled_on_every_draft(audience, resolved):
    events = [
        Event(7, T0, Kind.DECLARED, "alice", {"title": "Game day: db failover", "severity": 4, "drill": True}, id=1)
    ]
    if resolved:
        events.append(Event(7, T0 + timedelta(minutes=30), Kind.RESOLVED, "alice", {"text": "drill over"}, id=2))
    text = render_draft(fold(events), audience, NOW + timedelta(minutes=30), UpdateCadence(), TEAM).text
    assert text.splitlines()[0] == DRILL_BANNER
    assert len(text.splitlines()) > 1
