"""Through the installed `warroom`: the drafts say the right words to customers.

`declare --feature`, `warroom feature`, `resolve --public`, the internal draft after a severity
change, one channel per incident, and the SEV-2 rule's trace in `show` / `show --json` (on time,
late by N minutes, also after resolution; the late case declares under `faketime`).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from warroom.domain.events import parse_ts

pytestmark = pytest.mark.e2e

TITLE = "Checkout returns 500 from pg-primary-3"
INTERNAL = "rolled back a1b2c3d on api-7"


def ok(result) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def shown(run_warroom, incident: str = "INC-1") -> dict:
    return json.loads(ok(run_warroom("show", incident, "--json")))


def test_declare_feature_names_it_in_the_external_draft_not_the_title(run_warroom):
    ok(run_warroom("declare", TITLE, "--sev", "2", "--impact", "EU card payments fail", "--feature", "Checkout"))
    started = parse_ts(shown(run_warroom)["milestones"]["started"])
    assert (
        ok(run_warroom("draft", "--audience", "external"))
        == f"""[Investigating] We are aware of an issue affecting Checkout.
Started: {started:%Y-%m-%d %H:%M} UTC
Impact: EU card payments fail
We'll post an update within 30 minutes.
"""
    )
    assert shown(run_warroom)["feature"] == "Checkout"
    assert "feature  Checkout" in ok(run_warroom("show"))


def test_feature_command_fills_the_blank_and_refuses_bad_input(run_warroom):
    ok(run_warroom("declare", TITLE, "--sev", "2"))
    first = ok(run_warroom("draft", "-a", "external")).splitlines()[0]
    assert first == "[Investigating] We are aware of an issue affecting <feature>."
    out = ok(run_warroom("feature", "Card", "payments"))
    assert out.startswith("INC-1 feature: Card payments")
    assert ok(run_warroom("draft", "-a", "external")).splitlines()[0] == (
        "[Investigating] We are aware of an issue affecting Card payments."
    )
    again = ok(run_warroom("feature", "Card payments"))
    assert "already" in again and "nothing recorded" in again
    timeline = shown(run_warroom)["timeline"]
    assert [e["text"] for e in timeline if e["kind"] == "feature.set"] == ["affected feature: Card payments"]
    for bad in ("   ", "x" * 500):
        r = run_warroom("feature", bad)
        assert r.returncode != 0 and r.stderr.startswith("warroom: error: ") and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    r = run_warroom("declare", "second", "--sev", "3", "--feature", "bad\x07bell")
    assert r.returncode != 0 and "--feature" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "status, first_line",
    [
        (
            "identified",
            "[Identified] We have identified the cause of the issue affecting Checkout and are applying a fix.",
        ),
        (
            "monitoring",
            "[Monitoring] A fix is in place for the issue affecting Checkout and we are watching to make sure it holds.",
        ),
    ],
)
def test_external_draft_at_each_status(run_warroom, status, first_line):
    ok(run_warroom("declare", TITLE, "--sev", "2", "--feature", "Checkout"))
    ok(run_warroom("status", status, "bad deploy a1b2c3d"))
    lines = ok(run_warroom("draft", "-a", "external")).splitlines()
    assert lines[0] == first_line
    assert "a1b2c3d" not in "\n".join(lines)


def test_resolve_public_is_what_customers_read(run_warroom):
    ok(run_warroom("declare", TITLE, "--sev", "2", "--feature", "Checkout"))
    ok(run_warroom("resolve", INTERNAL, "--public", "Payments are working normally again."))
    state = shown(run_warroom)
    resolved = parse_ts(state["milestones"]["resolved"])
    assert state["public_summary"] == "Payments are working normally again."
    assert ok(run_warroom("draft", "-a", "external")) == (
        f"[Resolved] The issue affecting Checkout was resolved at {resolved:%H:%M} UTC. "
        "Payments are working normally again.\n"
    )
    assert ok(run_warroom("draft", "-a", "internal")) == f"[Resolved] {INTERNAL}\n"


def test_resolve_without_public_gives_customers_a_generic_sentence_never_the_internal_one(run_warroom):
    ok(run_warroom("declare", TITLE, "--sev", "2", "--feature", "Checkout"))
    out = ok(run_warroom("resolve", INTERNAL))
    assert "No --public summary" in out
    resolved = parse_ts(shown(run_warroom)["milestones"]["resolved"])
    external = ok(run_warroom("draft", "-a", "external"))
    assert external == f"[Resolved] The issue affecting Checkout was resolved at {resolved:%H:%M} UTC.\n"
    assert "a1b2c3d" not in external and "pg-primary-3" not in external
    r = run_warroom("resolve", "x", "--public", "  ", "--incident", "INC-1")
    assert "Traceback" not in r.stderr


def test_internal_draft_after_a_raise_and_a_lowering(run_warroom):
    ok(run_warroom("declare", TITLE, "--sev", "2"))
    ok(run_warroom("sev", "1", "--reason", "all regions"))
    raised = parse_ts(shown(run_warroom)["severity_upgrades"][0]["at"])
    assert ok(run_warroom("draft")).splitlines()[0] == f"🚨 SEV-1 (raised from SEV-2 at {raised:%H:%M} UTC): {TITLE}"
    ok(run_warroom("sev", "3"))
    timeline = shown(run_warroom)["timeline"]
    lowered = parse_ts([e for e in timeline if e["kind"] == "severity.changed"][-1]["at"])
    lines = ok(run_warroom("draft")).splitlines()
    assert lines[0] == f"🚨 SEV-3 (lowered from SEV-1 at {lowered:%H:%M} UTC): {TITLE}"
    assert lines[-1] == "Updates every 60 min until resolved."


def test_two_incidents_on_one_day_get_different_channels(run_warroom):
    ok(run_warroom("declare", "first", "--sev", "2"))
    ok(run_warroom("declare", "second", "--sev", "3"))
    day = shown(run_warroom)["declared_at"][:10]
    channels = [
        [line for line in ok(run_warroom("draft", "--incident", ref)).splitlines() if line.startswith("Channel:")]
        for ref in ("INC-1", "INC-2")
    ]
    assert channels == [[f"Channel: #incident-{day}-inc-1"], [f"Channel: #incident-{day}-inc-2"]]


def test_show_traces_the_first_user_update_on_time(run_warroom):
    ok(run_warroom("declare", TITLE, "--sev", "2", "--feature", "Checkout"))
    pending = shown(run_warroom)["first_user_update"]
    assert pending["outcome"] == "pending" and pending["sent_at"] is None and pending["rule_minutes"] == 30
    ok(run_warroom("draft", "-a", "external", "--posted"))
    state = shown(run_warroom)
    trace = state["first_user_update"]
    due, sent = parse_ts(trace["due_at"]), parse_ts(trace["sent_at"])
    assert due == parse_ts(state["declared_at"]) + timedelta(minutes=30)
    assert trace["outcome"] == "on_time" and trace["late_by_minutes"] == 0
    text = ok(run_warroom("show"))
    assert (
        f"first user update due {due:%H:%M} UTC (30 min after reaching SEV-2), sent {sent:%H:%M} UTC: on time" in text
    )


@pytest.mark.requires("faketime")
def test_show_traces_a_late_first_user_update_also_after_resolution(run_warroom):
    r = run_warroom("declare", TITLE, "--sev", "2", env={"FAKETIME": "-45m", "LD_PRELOAD": _libfaketime()})
    ok(r)
    ok(run_warroom("draft", "-a", "internal", "--posted"))  # an internal update is not user comms
    overdue = shown(run_warroom)["first_user_update"]
    assert overdue["outcome"] == "overdue" and overdue["late_by_minutes"] in (15, 16)
    assert "! first user update due" in ok(run_warroom("show")) and "OVERDUE by 1" in ok(run_warroom("show"))
    ok(run_warroom("draft", "-a", "external", "--posted"))
    ok(run_warroom("resolve", INTERNAL, "--public", "All good."))
    trace = shown(run_warroom)["first_user_update"]
    assert trace["outcome"] == "late" and trace["late_by_minutes"] in (15, 16)
    assert trace["text"].endswith(f"late by {trace['late_by_minutes']} minutes")
    text = ok(run_warroom("show"))
    assert f"! {trace['text']}" in text.splitlines()[text.splitlines().index("Communication") + 2]


def _libfaketime() -> str:
    """The preload library the `faketime` wrapper uses (found beside it, as Debian installs it)."""
    import glob

    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1") + glob.glob("/usr/lib/faketime/libfaketime.so.1"))
    if not found:
        pytest.fail("libfaketime.so.1 not found beside faketime (.ci/run installs faketime)", pytrace=False)
    return found[0]


def test_resolve_public_after_resolving_records_the_customers_words(run_warroom):
    ok(run_warroom("declare", TITLE, "--sev", "2", "--feature", "Checkout"))
    ok(run_warroom("resolve", INTERNAL))
    out = ok(run_warroom("resolve", "--public", "Payments are working normally again."))
    assert "public summary recorded" in out
    external = ok(run_warroom("draft", "-a", "external"))
    assert external.rstrip("\n").endswith("UTC. Payments are working normally again.")
    assert ok(run_warroom("draft", "-a", "internal")) == f"[Resolved] {INTERNAL}\n"
    again = ok(run_warroom("resolve", "--public", "Payments are working normally again."))
    assert "nothing recorded" in again
    assert "public summary: Payments are working normally again." in ok(run_warroom("show"))
