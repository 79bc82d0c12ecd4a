"""`--readonly` from the command line: a writing command refuses (exit 2, one line, nothing
written); a reading one runs and leaves the database file as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest


def _events(db: Path) -> int:
    return sqlite3.connect(db).execute("SELECT COUNT(*) FROM events").fetchone()[0]


@pytest.mark.parametrize(
    "command",
    [
        ["note", "x"],
        ["sev", "1"],
        ["ack"],
        ["resolve", "done"],
        ["draft", "--posted"],
        ["action", "add", "fix it", "--owner", "bob"],
        ["postmortem", "edit", "summary", "text"],
    ],
)
def test_writing_commands_refuse_with_readonly(run_warroom, tmp_path: Path, command: list[str]):
    db = tmp_path / "w.db"
    assert run_warroom("--db", str(db), "declare", "api down", "--sev", "2").returncode == 0
    before = _events(db)
    r = run_warroom("--db", str(db), "--readonly", *command)
    assert r.returncode == 2, r.stdout
    assert r.stderr.count("\n") == 1 and "--readonly" in r.stderr and "nothing was written" in r.stderr
    assert _events(db) == before


def test_reading_commands_run_with_readonly_and_change_nothing(run_warroom, tmp_path: Path):
    db = tmp_path / "w.db"
    assert run_warroom("--db", str(db), "declare", "api down", "--sev", "2").returncode == 0
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    assert "api down" in run_warroom("--db", str(db), "--readonly", "show").stdout
    assert run_warroom("--db", str(db), "--readonly", "export", "1").returncode == 0
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest
    missing = tmp_path / "none.db"
    r = run_warroom("--db", str(missing), "--readonly", "list")
    assert r.returncode == 2 and "no database" in r.stderr and not missing.exists()
