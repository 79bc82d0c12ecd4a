"""The headless CLI through the installed `warroom` command, in a private HOME."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import warroom_executable


def test_full_incident_from_the_shell(run_warroom, home_env):
    r = run_warroom(
        "declare",
        "Checkout returns 500",
        "--sev",
        "2",
        "--impact",
        "EU card payments fail",
        "--detected-by",
        "synthetic probe",
        "--started-at",
        "-20m",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "INC-1"
    db = Path(home_env["XDG_DATA_HOME"]) / "warroom" / "warroom.db"
    assert db.exists()  # default location under XDG_DATA_HOME
    steps = [
        ("role", "ic", "alice"),
        ("role", "tech", "bob"),
        ("ack",),
        ("note", "error rate climbing on api", "--as", "bob"),
        ("sev", "1", "--reason", "all regions"),
        ("status", "identified", "bad deploy a1b2c3d"),
        ("mitigated", "rolled back a1b2c3d"),
        ("status", "monitoring"),
        ("resolve", "error rate back to baseline", "--as", "alice"),
    ]
    for step in steps:
        out = run_warroom(*step)
        assert out.returncode == 0, (step, out.stderr)
    shown = json.loads(run_warroom("show", "INC-1", "--json").stdout)
    assert shown["severity"] == "SEV-1" and shown["status"] == "Resolved"
    assert shown["roles"]["Incident Commander"]["person"] == "alice"
    assert shown["roles"]["Tech Lead"]["person"] == "bob"
    assert shown["severity_upgrades"][0]["reason"] == "all regions"
    assert 20 * 60 - 5 <= shown["metrics"]["mttd"] <= 20 * 60 + 5
    assert shown["metrics"]["mttr"] >= 20 * 60
    note = next(e for e in shown["timeline"] if e["kind"] == "note")
    assert note["actor"] == "bob" and note["payload"]["text"] == "error rate climbing on api"
    assert next(e for e in shown["timeline"] if e["kind"] == "note")["origin"]["pid"] > 0
    text = run_warroom("show").stdout  # nothing open: the most recent incident
    assert "INC-1 SEV-1 [Resolved] Checkout returns 500" in text
    assert "Scribe" in text and "VACANT" in text
    listing = json.loads(run_warroom("list", "--json").stdout)
    assert listing[0]["id"] == "INC-1" and listing[0]["open"] is False


def test_actor_defaults_to_warroom_user(run_warroom):
    run_warroom("declare", "x", "--sev", "3")
    run_warroom("note", "from env")
    run_warroom(
        "note",
        "explicit",
        env={"WARROOM_USER": ""},
    )
    events = json.loads(run_warroom("show", "--json").stdout)["timeline"]
    assert events[1]["actor"] == "tester"
    assert events[2]["actor"] not in ("", "tester")  # falls back to the login name


def test_as_name_may_come_before_the_command(run_warroom):
    run_warroom("declare", "x", "--sev", "3")
    assert run_warroom("--as", "bob", "note", "before the command").returncode == 0
    assert run_warroom("note", "--as", "carol", "after it").returncode == 0
    events = json.loads(run_warroom("show", "--json").stdout)["timeline"]
    assert [e["actor"] for e in events[1:]] == ["bob", "carol"]
    # Not "unknown command 'bob'": with no command, `--as` goes to the war room, which needs a terminal.
    opened = run_warroom("--as", "bob")
    assert opened.returncode == 2 and "needs a terminal" in opened.stderr


def test_several_open_incidents_need_an_id_and_the_error_lists_them(run_warroom):
    run_warroom("declare", "api down", "--sev", "1")
    run_warroom("declare", "search slow", "--sev", "3")
    r = run_warroom("note", "which one?")
    assert r.returncode != 0
    assert "INC-1" in r.stderr and "INC-2" in r.stderr and "--incident" in r.stderr
    assert "Traceback" not in r.stderr
    assert run_warroom("note", "this one", "--incident", "INC-2").returncode == 0


def test_user_mistakes_are_one_line_errors(run_warroom):
    cases = [
        ("note", "nothing open"),
        ("declare", "x", "--sev", "9"),
        ("declare", "x", "--sev", "2", "--started-at", "yesterday-ish"),
    ]
    for args in cases:
        r = run_warroom(*args)
        assert r.returncode != 0
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("warroom: error:"), r.stderr
    run_warroom("declare", "x", "--sev", "2")
    for args in [("status", "fixed"), ("role", "janitor", "bob"), ("show", "INC-9"), ("note", "x", "--at", "25:99")]:
        r = run_warroom(*args)
        assert r.returncode != 0 and "Traceback" not in r.stderr and r.stderr.startswith("warroom: error:"), r.stderr


def test_back_dated_note_with_clock_time_and_relative_time(run_warroom):
    run_warroom("declare", "x", "--sev", "2")
    assert run_warroom("note", "earlier", "--at", "-5m").returncode == 0
    timeline = json.loads(run_warroom("show", "--json").stdout)["timeline"]
    assert timeline[0]["payload"].get("text") == "earlier"  # sorted by when it happened


def test_drill_is_labelled(run_warroom):
    run_warroom("declare", "practice rollback", "--sev", "2", "--drill")
    assert "DRILL" in run_warroom("show").stdout
    assert "DRILL" in run_warroom("list").stdout
    assert json.loads(run_warroom("show", "--json").stdout)["drill"] is True


def test_python_dash_m_is_the_same_command(home_env, tmp_path):
    env = {**home_env, "WARROOM_DB": str(tmp_path / "m.db")}
    r = subprocess.run(
        [sys.executable, "-m", "warroom", "declare", "via -m", "--sev", "3"], env=env, capture_output=True, text=True
    )
    assert r.returncode == 0 and r.stdout.strip() == "INC-1"
    r = subprocess.run(
        [str(warroom_executable()), "--db", str(tmp_path / "m.db"), "list"],
        env=home_env,
        capture_output=True,
        text=True,
    )
    assert "via -m" in r.stdout


def test_note_does_not_import_textual_or_httpx(home_env, tmp_path):
    env = {**home_env, "WARROOM_DB": str(tmp_path / "i.db")}
    subprocess.run([str(warroom_executable()), "declare", "x", "--sev", "3"], env=env, check=True)
    code = (
        "import sys; from warroom.cli import main; rc = main(['note', 'lean']); "
        "heavy = [m for m in ('textual', 'httpx', 'psutil', 'aiosqlite', 'rich') if m in sys.modules]; "
        "print(heavy); sys.exit(rc)"
    )
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "[]"


def test_milestone_back_dates_the_start(run_warroom):
    run_warroom("declare", "x", "--sev", "2")
    r = run_warroom("milestone", "started", "--at", "-45m", "--reason", "first 500s in the LB log")
    assert r.returncode == 0, r.stderr
    shown = json.loads(run_warroom("show", "--json").stdout)
    assert 45 * 60 - 5 <= shown["metrics"]["mttd"] <= 45 * 60 + 5
    assert any("milestone started set to" in e["text"] and "first 500s" in e["text"] for e in shown["timeline"])
    assert run_warroom("milestone", "started", "--at", "2099-01-01T00:00Z").returncode != 0


def test_bad_bytes_unknown_commands_and_bad_paths_are_one_line_errors(run_warroom, tmp_path):
    run_warroom("declare", "x", "--sev", "2")
    r = run_warroom("note", "bad \udcff byte")
    assert r.returncode == 0, r.stderr
    assert "bad \ufffd byte" in run_warroom("show").stdout
    r = run_warroom("bogus")
    assert r.returncode == 2 and "unknown command 'bogus'" in r.stderr
    (tmp_path / "file.txt").write_text("x")
    r = run_warroom("--db", str(tmp_path / "file.txt" / "sub" / "w.db"), "list")
    assert r.returncode != 0 and "file.txt/sub does not exist" in r.stderr and "Traceback" not in r.stderr


def test_back_dated_milestones_must_be_in_order(run_warroom):
    run_warroom("declare", "x", "--sev", "2", "--started-at", "-30m", "--detected-at", "-10m")
    r = run_warroom("resolve", "--at", "2020-01-01T00:00Z")
    assert r.returncode == 2 and "resolved at 2020-01-01 00:00:00 UTC would be before started" in r.stderr
    r = run_warroom("ack", "--at", "-1h")
    assert r.returncode == 2 and "before detected" in r.stderr
    assert run_warroom("ack", "--at", "-1m").returncode == 0
    r = run_warroom("declare", "y", "--sev", "2", "--started-at", "-5m", "--detected-at", "-10m")
    assert r.returncode == 2 and "after --detected-at" in r.stderr


def test_drills_are_labelled_in_drafts_and_due(run_warroom):
    run_warroom("declare", "practice rollback", "--sev", "2", "--drill")
    for audience in ("internal", "external", "can"):
        draft = run_warroom("draft", "--audience", audience)
        assert draft.stdout.startswith("[DRILL] Practice incident — not a real outage."), draft.stdout
    assert "INC-1 DRILL" in run_warroom("due").stdout


def test_show_derives_missed_updates_from_the_record(run_warroom, home_env, tmp_path):
    """Declared now, shown 50 minutes later (faketime) at SEV-1 with one update at +20m."""
    import shutil

    faketime = shutil.which("faketime")
    assert faketime is not None, "faketime is required (.ci/run installs it)"
    env = {**home_env, "WARROOM_DB": str(tmp_path / "silent.db")}
    exe = str(warroom_executable())

    def at(offset: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([faketime, "-f", offset, exe, *args], env=env, capture_output=True, text=True)

    assert at("+0m", "declare", "silent", "--sev", "1").returncode == 0
    assert at("+20m", "draft", "--posted").returncode == 0  # 20 min after declaring: 5 min late
    text = at("+50m", "show").stdout
    shown = json.loads(at("+50m", "show", "--json").stdout)
    missed = shown["missed_updates"]
    assert [m["minutes_silent"] for m in missed] == [20, 30]
    assert missed[0]["ongoing"] is False and missed[1]["ongoing"] is True
    assert all(m["cadence_minutes"] == 15 for m in missed)
    assert "! went silent for 20 minutes (SEV-1: updates every 15 min)" in text
    assert "updates posted: 1 internal" in text


def test_record_and_open_resolve_the_database_path(run_warroom, tmp_path):
    """`warroom record` (and `open`) take the db path as a Path: resolve it without crashing."""
    run_warroom("declare", "x", "--sev", "3")
    cfg = tmp_path / "none.toml"
    cfg.write_text("[resources]\nenabled = false\n")
    r = run_warroom("record", "--duration", "0.1", "--config", str(cfg))
    assert "Traceback" not in r.stderr and "nothing to record" in r.stderr
