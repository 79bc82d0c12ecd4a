"""`warroom show` lists the coach warnings that fired and the phase guide, through the installed
command, with the wall clock pinned by faketime (the record is all that is used: no extra events)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from warroom.domain import catalogue
from warroom.domain.events import Kind, parse_ts
from warroom.store.sync import EventStore


@pytest.fixture
def at_clock(home_env, tmp_path):
    """Run the installed `warroom` at a pinned wall clock: `at_clock("2026-11-26 03:00:00", *argv)`."""
    faketime = shutil.which("faketime")
    assert faketime is not None, "faketime is required (.ci/run installs it)"
    exe = str(warroom_executable())
    env = {**home_env, "WARROOM_DB": str(tmp_path / "coach.db")}

    def run(clock: str, *argv: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [faketime, clock, exe, *argv], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        assert "Traceback" not in done.stderr, done.stderr
        return done

    return run


def test_show_lists_the_warnings_that_fired_and_who_dismissed_one(at_clock, tmp_path: Path):
    assert at_clock("2026-11-26 03:00:00", "declare", "Checkout returns 500", "--sev", "1").returncode == 0
    steps = [
        ("2026-11-26 03:02:00", "role", "ic", "alice"),
        ("2026-11-26 03:03:00", "role", "tech", "alice"),
        ("2026-11-26 03:05:00", "note", "root cause is the pool size change", "--as", "bob"),
    ]
    for clock, *argv in steps:
        done = at_clock(clock, *argv)
        assert done.returncode == 0, (argv, done.stderr)
    # The war room records a dismissal with `x`; here it is written the way the screen writes it.
    with EventStore.open(tmp_path / "coach.db") as store:
        store.append(
            1,
            Kind.COACH_DISMISSED,
            catalogue.coach_dismissed("ic-tech-lead", "alice|SEV-1", "IC alice is also Tech Lead (SEV-1)"),
            actor="carol",
            at=parse_ts("2026-11-26T03:04:00Z"),
        )

    text = at_clock("2026-11-26 03:20:00", "show").stdout
    coach = text[text.index("Coach") : text.index("Timeline (UTC)")]
    # (faketime's clock runs from the time given: a step may land a second or so after it)
    assert re.search(r"phase    COMMUNICATE \(4/6\) · next: post an update now \(overdue [45] min\)", coach), coach
    assert "03:00 ⚠ SEV-1 with no IC: /ic NAME" in coach
    assert '"For SEV-1/2, name explicit roles."' in coach
    assert "03:03 ⚠ IC alice is also Tech Lead (SEV-1) · dismissed by carol at 03:04 UTC" in coach
    assert '"Coordinates, makes decisions, declares resolved. Doesn\'t debug."' in coach
    assert "03:05 ⚠ root cause named before any mitigation" in coach
    assert '✗ "Root-causing before mitigating — users are still down while you "understand""' in coach
    # Deadlines that passed with nothing recorded at them: 15 minutes, the SEV-1 update.
    assert "03:15 ⚠ SEV-1 open 15 min, no mitigation recorded" in coach
    assert "03:15 ⚠ update overdue (due 03:15 UTC): post one" in coach
    # The dismissal is on the timeline too, in words.
    assert "DISMISSED" in text and "coach warning: IC alice is also Tech Lead (SEV-1)" in text

    shown = json.loads(at_clock("2026-11-26 03:20:00", "show", "--json").stdout)
    assert shown["phase"]["phase"] == "Communicate"
    assert shown["phase"]["done"] == ["Detect", "Triage"]
    by_rule = {w["rule"]: w for w in shown["coach"]}
    assert list(by_rule) == ["no-ic", "ic-tech-lead", "root-cause-first", "no-mitigation", "update-overdue"]
    assert by_rule["ic-tech-lead"]["dismissed_by"] == "carol"
    assert by_rule["ic-tech-lead"]["dismissed_at"] == "2026-11-26T03:04:00.000000Z"
    assert by_rule["no-ic"]["dismissed_by"] is None
    declared = parse_ts(shown["declared_at"])
    assert parse_ts(by_rule["no-mitigation"]["at"]) == declared + timedelta(minutes=15)
    assert parse_ts(by_rule["update-overdue"]["at"]) == declared + timedelta(minutes=15, seconds=1)

    # Asked again later, the list up to then is the same (replayed, nothing appended).
    later = json.loads(at_clock("2026-11-26 03:25:00", "show", "--json").stdout)
    assert later["coach"] == shown["coach"]


def test_after_resolving_show_says_start_the_postmortem(at_clock):
    assert at_clock("2026-11-26 03:00:00", "declare", "Search slow", "--sev", "3", "--ic", "alice").returncode == 0
    assert at_clock("2026-11-26 03:10:00", "mitigated", "cache flushed").returncode == 0
    assert at_clock("2026-11-26 03:20:00", "resolve", "latency normal", "--as", "alice").returncode == 0
    text = at_clock("2026-11-26 03:30:00", "show").stdout
    assert "phase    REVIEW (6/6) · next: start the postmortem" in text
    assert "03:20 ⚠ resolved: start the postmortem" in text
    assert "✗ \"It's working again, let's skip the postmortem\"" in text


def test_a_quiet_sev3_has_no_warnings(at_clock):
    assert at_clock("2026-11-26 03:00:00", "declare", "Search slow", "--sev", "3", "--ic", "alice").returncode == 0
    text = at_clock("2026-11-26 03:05:00", "show").stdout
    assert "no warnings fired" in text


def test_show_on_a_20000_entry_record_lists_the_warnings(home_env, tmp_path: Path):
    """A long incident loaded through the store's bulk path: `show` and `show --json` replay the
    coach over all of it (it used to cost the square of the record: ~45 s here) and stay quick."""
    from datetime import UTC, datetime

    from warroom.domain.events import Event
    from warroom.domain.roles import IC, TECH

    t0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    rows = [Event(1, t0, Kind.DECLARED, "alice", catalogue.declared("Checkout returns 500", 1), id=1)]
    rows += [
        Event(1, t0 + timedelta(seconds=i + 1), Kind.NOTE, "bob", catalogue.note(f"pool at {i % 97}%"), id=i + 2)
        for i in range(20_000)
    ]
    later = t0 + timedelta(hours=6)
    rows.append(Event(1, later, Kind.ROLE_ASSIGNED, "alice", catalogue.role_assigned(IC, "alice"), id=20_002))
    tech = later + timedelta(seconds=1)
    rows.append(Event(1, tech, Kind.ROLE_ASSIGNED, "alice", catalogue.role_assigned(TECH, "alice"), id=20_003))
    db = tmp_path / "long.db"
    with EventStore.open(db) as store:
        store.import_incidents([rows])
    env = {**home_env, "WARROOM_DB": str(db)}
    exe = str(warroom_executable())
    # Speed is benchmarks/coach_replay.py's; the timeout only stops a replay that refolds per
    # moment (about 45 s here) from passing slowly.
    text = subprocess.run([exe, "show", "1"], env=env, capture_output=True, text=True, timeout=30).stdout
    coach = text[text.index("Coach") : text.index("Timeline (UTC)")]
    assert "03:00 ⚠ SEV-1 with no IC: /ic NAME" in coach
    assert "09:00 ⚠ IC alice is also Tech Lead (SEV-1)" in coach
    assert "03:15 ⚠ SEV-1 open 15 min, no mitigation recorded" in coach
    done = subprocess.run([exe, "show", "1", "--json"], env=env, capture_output=True, text=True, timeout=30)
    rules = [w["rule"] for w in json.loads(done.stdout)["coach"]]
    assert {"no-ic", "ic-tech-lead", "no-mitigation", "update-overdue"} <= set(rules)
