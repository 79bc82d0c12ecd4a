"""IC handoff from any shell, through the installed `warroom`: `warroom handoff bob` proposes,
only `warroom ack` as bob completes it, and `warroom show` (text and --json) says where it stands."""

from __future__ import annotations

import json


def _ic_line(show_text: str) -> str:
    return next(line for line in show_text.splitlines() if line.strip().startswith("Incident Commander"))


def test_handoff_completes_only_when_the_incoming_person_acks(run_warroom):
    assert run_warroom("declare", "Checkout returns 500", "--sev", "2").returncode == 0
    refused = run_warroom("handoff", "bob", "--as", "alice")
    assert refused.returncode != 0 and refused.stdout == ""
    assert "nobody is IC" in refused.stderr and "warroom role ic bob" in refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1

    assert run_warroom("role", "ic", "alice").returncode == 0
    proposed = run_warroom("handoff", "@bob", "--as", "alice", "--incident", "INC-1")
    assert proposed.returncode == 0, proposed.stderr
    assert "IC alice → bob proposed" in proposed.stdout
    assert "bob acknowledges with `warroom ack --as bob`" in proposed.stdout

    shown = run_warroom("show").stdout
    assert "alice (since" in _ic_line(shown) and "→ bob (handoff pending since" in _ic_line(shown)
    assert "IC alice → bob proposed" in shown  # the proposal is on the timeline
    pending = json.loads(run_warroom("show", "--json").stdout)
    assert pending["roles"]["Incident Commander"]["person"] == "alice"
    assert pending["handoff"]["from"] == "alice" and pending["handoff"]["to"] == "bob"
    assert pending["handoff"]["proposed_by"] == "alice"

    again = run_warroom("handoff", "bob", "--as", "alice")
    assert again.returncode == 0 and "already pending" in again.stdout

    carol = run_warroom("ack", "--as", "carol")
    assert carol.returncode == 0, carol.stderr
    assert "INC-1 acknowledged; handoff to bob is pending" in carol.stdout
    still = json.loads(run_warroom("show", "--json").stdout)
    assert still["roles"]["Incident Commander"]["person"] == "alice" and still["handoff"]["to"] == "bob"

    early = run_warroom("ack", "--as", "bob", "--at", "-1h")
    assert early.returncode != 0 and "before the handoff was proposed" in early.stderr
    bob = run_warroom("ack", env={"WARROOM_USER": "bob"})  # the actor from $WARROOM_USER
    assert bob.returncode == 0, bob.stderr
    assert bob.stdout.strip() == "INC-1 bob is IC now: IC alice → bob"
    done = json.loads(run_warroom("show", "--json").stdout)
    assert done["roles"]["Incident Commander"]["person"] == "bob" and done["handoff"] is None
    accepted = [e for e in done["timeline"] if e["kind"] == "ic.handoff.accepted"]
    assert len(accepted) == 1 and accepted[0]["actor"] == "bob" and accepted[0]["text"] == "IC alice → bob"
    text = run_warroom("show").stdout
    assert "bob (since" in _ic_line(text) and "pending" not in _ic_line(text)
    assert any(line.rstrip().endswith("IC alice → bob") and "HANDOFF" in line for line in text.splitlines())
    draft = run_warroom("draft", "--audience", "internal")
    assert draft.returncode == 0 and "Incident commander: @bob" in draft.stdout, draft.stdout


def test_first_ack_by_the_incoming_ic_acknowledges_the_incident_and_role_ic_cancels(run_warroom):
    run_warroom("declare", "Checkout returns 500", "--sev", "2", "--ic", "alice")
    run_warroom("handoff", "carol", "--as", "alice")
    cancelled = run_warroom("role", "ic", "alice")
    assert cancelled.returncode == 0 and "the pending handoff to carol is cancelled" in cancelled.stdout
    assert json.loads(run_warroom("show", "--json").stdout)["handoff"] is None
    carol = run_warroom("ack", "--as", "carol")
    assert "bob" not in carol.stdout and "IC now" not in carol.stdout  # the cancelled handoff is gone

    run_warroom("handoff", "bob", "--as", "alice", "--incident", "1")
    shown = json.loads(run_warroom("show", "--json").stdout)
    assert shown["milestones"]["acknowledged"] is not None  # carol acknowledged it above
    run_warroom("declare", "Second incident", "--sev", "3", "--ic", "dave")
    run_warroom("handoff", "erin", "--as", "dave", "--incident", "INC-2")
    erin = run_warroom("ack", "--as", "erin", "--incident", "INC-2")
    assert erin.returncode == 0, erin.stderr
    assert "erin is IC now: IC dave → erin; incident acknowledged too" in erin.stdout
    second = json.loads(run_warroom("show", "INC-2", "--json").stdout)
    assert second["milestones"]["acknowledged"] is not None
    assert second["roles"]["Incident Commander"]["person"] == "erin"
