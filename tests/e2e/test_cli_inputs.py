"""No input may break the record: times, numbers and environment through the installed
`warroom`, and a database that already holds a bad row. Every mistake is one line, exit 2, no
traceback, nothing stored; every reader still answers and flags the damaged row."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import warroom_executable


def refused(result: subprocess.CompletedProcess, *words: str) -> str:
    """Assert a one-line error (exit 2, no traceback) containing `words`; returns the line."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def timeline(run_warroom) -> list[dict]:
    return json.loads(run_warroom("show", "--json").stdout)["timeline"]


@pytest.fixture
def declared(run_warroom):
    assert run_warroom("declare", "Checkout returns 500", "--sev", "2").returncode == 0
    return run_warroom


@pytest.mark.parametrize(
    "at,why",
    [
        ("0202-12-06T05:00Z", "before 2000-01-01"),
        ("-99999999999h", "too long"),
        ("9999-12-31T23:59:59-08:00", "out of range"),
        ("2099-01-01", "in the future"),
    ],
)
def test_a_typo_in_a_time_is_refused_and_the_database_stays_readable(declared, at, why):
    run_warroom = declared
    refused(run_warroom("note", "typo", "--at", at, "--incident", "INC-1"), "--at", why)
    assert [e["kind"] for e in timeline(run_warroom)] == ["incident.declared"]
    assert run_warroom("list").returncode == 0
    assert run_warroom("due").returncode == 0


@pytest.mark.parametrize(
    "argv",
    [
        ("ack", "--at", "2099-01-01"),
        ("mitigated", "rolled back", "--at", "0202-12-06T05:00Z"),
        ("resolve", "ok", "--at", "9999-12-31T23:59:59-08:00"),
        ("milestone", "detected", "--at", "2099-01-01"),
        ("milestone", "started", "--at=-99999999999h"),
        ("sev", "1", "--at", "2099-01-01"),
        ("status", "identified", "--at", "1999-01-01"),
        ("role", "ic", "alice", "--at", "2099-01-01"),
    ],
)
def test_every_command_that_takes_a_time_checks_it(declared, argv):
    run_warroom = declared
    refused(run_warroom(*argv), "--at")
    shown = json.loads(run_warroom("show", "--json").stdout)
    assert len(shown["timeline"]) == 1, "nothing was recorded"
    assert shown["metrics"]["mtta"] is None


@pytest.mark.parametrize("option", ["--started-at", "--detected-at"])
@pytest.mark.parametrize("value", ["0202-12-06T05:00Z", "9999-12-31T23:59:59-08:00", "-99999999999h"])
def test_declare_checks_its_times(run_warroom, option, value):
    refused(run_warroom("declare", "x", "--sev", "2", option, value), option)
    assert "no incidents yet" in run_warroom("list").stdout


def test_ack_in_2099_no_longer_makes_mtta_26323_days(declared):
    run_warroom = declared
    refused(run_warroom("ack", "--at", "2099-01-01"), "26323 days in the future")
    assert run_warroom("ack").returncode == 0
    assert json.loads(run_warroom("show", "--json").stdout)["metrics"]["mtta"] < 60


@pytest.fixture
def at_clock(home_env, tmp_path):
    """Run the installed `warroom` with the wall clock pinned by faketime: `at_clock(TIME, *argv)`."""
    faketime = shutil.which("faketime")
    assert faketime is not None, "faketime is required (.ci/run installs it)"
    exe = str(warroom_executable())

    def run(clock: str, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [faketime, clock, exe, *argv], env=home_env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )

    return run


def test_bare_clock_time_far_before_the_start_needs_a_full_date(at_clock):
    """`--at 12:00` typed at 03:20 means yesterday noon: 15 h before the incident started."""
    assert at_clock("2026-11-26 03:00:00", "declare", "x", "--sev", "2").returncode == 0
    refused(at_clock("2026-11-26 03:20:00", "note", "late", "--at", "12:00"), "use a full date", "2026-11-25T12:00Z")
    ok = at_clock("2026-11-26 03:20:00", "note", "just before midnight", "--at", "23:59")
    assert ok.returncode == 0, ok.stderr
    ok = at_clock("2026-11-26 03:20:00", "note", "written in full", "--at", "2026-11-25T12:00Z")
    assert ok.returncode == 0, ok.stderr
    shown = at_clock("2026-11-26 03:21:00", "show").stdout
    # A time on another day than the start carries its date (a bare 23:59 read as tonight).
    assert "2026-11-25 23:59:00 NOTE" in shown and "2026-11-25 12:00:00 NOTE" in shown


def test_five_minutes_ahead_is_the_limit_end_to_end(at_clock):
    """With the clock pinned: 4 minutes ahead is clock drift, 6 minutes ahead is a mistake."""
    assert at_clock("2026-11-26 03:00:00", "declare", "x", "--sev", "2").returncode == 0
    assert at_clock("2026-11-26 03:00:00", "note", "drift", "--at", "2026-11-26T03:04Z").returncode == 0
    refused(at_clock("2026-11-26 03:00:00", "note", "ahead", "--at", "2026-11-26T03:06Z"), "in the future")
    refused(at_clock("2026-11-26 03:00:00", "ack", "--at", "2026-11-26T03:06Z"), "in the future")
    shown = json.loads(at_clock("2026-11-26 03:01:00", "show", "--json").stdout)
    assert [e["payload"].get("text") for e in shown["timeline"] if e["kind"] == "note"] == ["drift"]
    assert shown["milestones"]["acknowledged"] is None


@pytest.mark.parametrize("level", ["-1", "-2", "-sev1"])
def test_only_severities_1_to_4_are_accepted(declared, level):
    run_warroom = declared
    refused(run_warroom("sev", "--", level) if level.startswith("-") else run_warroom("sev", level), "use 1, 2, 3 or 4")
    assert json.loads(run_warroom("show", "--json").stdout)["severity"] == "SEV-2"


@pytest.mark.parametrize(
    "argv,words",
    [
        (("check", "--timeout", "inf", "http://127.0.0.1:9/"), ("--timeout", "at most 300")),
        (("check", "--timeout", "1e308", "http://127.0.0.1:9/"), ("--timeout",)),
        (("check", "http://127.0.0.1:99999/"), ("bad port", "1-65535")),
        (("record", "--duration", "inf"), ("--duration",)),
        (("demo", "--speed", "nan"), ("--speed",)),
        (("demo", "--headless", "--duration", "inf"), ("--duration",)),
        (("show", "INC-99999999999999999999999"), ("not an incident id",)),
        # argparse's own refusals are one line too (the usage is one --help away).
        (("check", "--timeout", "abc", "http://127.0.0.1:9/"), ("--timeout", "invalid float value", "--help")),
        (("demo", "--seed", "1e5"), ("--seed", "--help")),
    ],
)
def test_absurd_flag_values_are_one_line_errors(run_warroom, argv, words):
    refused(run_warroom(*argv, timeout=20), *words)


@pytest.mark.parametrize(
    "name,value,words",
    [
        ("WARROOM_BUSY_TIMEOUT_MS", "abc", ("WARROOM_BUSY_TIMEOUT_MS", "milliseconds")),
        ("WARROOM_BUSY_TIMEOUT_MS", "-5", ("WARROOM_BUSY_TIMEOUT_MS",)),
        ("WARROOM_BUSY_TIMEOUT_MS", "1e999", ("WARROOM_BUSY_TIMEOUT_MS",)),
        ("WARROOM_DB", "   ", ("WARROOM_DB",)),
        ("WARROOM_CONFIG", "a\nb", ("WARROOM_CONFIG", "control character")),
        ("WARROOM_USER", "bob smith", ("WARROOM_USER", "one word")),
        ("WARROOM_USER", "x\x1b]2;PWN\x07", ("WARROOM_USER",)),
        ("XDG_DATA_HOME", "\x1b[2J", ("XDG_DATA_HOME",)),
    ],
)
@pytest.mark.parametrize("command", [("list",), ("note", "x"), ("due",)])
def test_bad_environment_is_a_one_line_error(run_warroom, name, value, words, command):
    line = refused(run_warroom(*command, env={name: value}), *words)
    assert "\x1b" not in line and "\x07" not in line


def _insert(db: Path, at: str, kind: str, payload: str, recorded_at: str | None = None) -> int:
    """Write a row as an older warroom, a hand edit or a damaged file could have: sqlite3 directly."""
    with sqlite3.connect(db) as conn:
        cur = conn.execute(
            "INSERT INTO events (incident_id, at, recorded_at, kind, actor, payload, origin) VALUES (1, ?, ?, ?, ?, ?, ?)",
            (at, recorded_at or at, kind, "eve", payload, "{}"),
        )
        return cur.lastrowid


def bad_database(run_warroom, home_env) -> tuple[Path, int, int]:
    """A real database holding the row `note --at 0202-12-06T05:00Z` wrote before this fix (a
    three-digit year), a payload that is not JSON, and a kind from a newer writer."""
    assert run_warroom("declare", "Checkout returns 500", "--sev", "2").returncode == 0
    db = Path(home_env["XDG_DATA_HOME"]) / "warroom" / "warroom.db"
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    bad_time = _insert(db, "202-12-06T05:00:00.000000Z", "note", '{"text": "typo"}', recorded_at=now)
    bad_json = _insert(db, now, "severity.changed", "{not json")
    _insert(db, now, "from.the.future", '{"text": "newer kind"}')
    _insert(db, now, "milestone.set", '{"name": "detected", "at": "202-12-06T05:00:00.000000Z"}')
    return db, bad_time, bad_json


def test_list_due_and_show_read_a_database_with_a_bad_row_and_flag_it(run_warroom, home_env):
    _, bad_time, bad_json = bad_database(run_warroom, home_env)
    for argv in (("list",), ("due",), ("show",), ("show", "--json"), ("list", "--json")):
        result = run_warroom(*argv)
        assert result.returncode == 0, (argv, result.stderr)
        assert "Traceback" not in result.stderr
        assert f"event #{bad_time}: bad time '202-12-06T05:00:00.000000Z'" in result.stderr, argv
        assert f"event #{bad_json}: unreadable payload" in result.stderr, argv
    assert "INC-1    SEV-2  Investigating" in run_warroom("list").stdout
    assert "next update due" in run_warroom("due").stdout
    shown = run_warroom("show").stdout
    assert f"⚠ unreadable row: event #{bad_time}: bad time '202-12-06T05:00:00.000000Z'" in shown
    assert "newer kind" in shown
    data = json.loads(run_warroom("show", "--json").stdout)
    flagged = {e["id"]: e["problem"] for e in data["timeline"] if e.get("problem")}
    assert set(flagged) >= {bad_time, bad_json}
    assert data["severity"] == "SEV-2"  # the unreadable severity change changed nothing
    # Writing still works, and the new note is read alongside the bad rows.
    assert run_warroom("note", "still writing").returncode == 0
    assert "still writing" in run_warroom("show").stdout
