"""The display name is convenience, the origin is the audit trail: `--as` and $WARROOM_USER
change who an event is shown as, never the real OS login and host recorded beside it."""

from __future__ import annotations

import json
import os
import pwd
import re
import sqlite3
from pathlib import Path

LOGIN = pwd.getpwuid(os.getuid()).pw_name
HOST = os.uname().nodename


def test_as_alice_records_the_real_login_and_every_reader_shows_both(run_warroom, tmp_path: Path):
    db = str(tmp_path / "w.db")
    # $USER/$LOGNAME lie too: the login comes from the password database for the real uid.
    env = {"USER": "mallory", "LOGNAME": "mallory", "WARROOM_USER": "carol"}
    assert run_warroom("--db", db, "declare", "api down", "--sev", "2", env=env).returncode == 0
    assert run_warroom("--db", db, "note", "--as", "alice", "restarted api-7", env=env).returncode == 0

    rows = sqlite3.connect(db).execute("SELECT actor, origin FROM events ORDER BY id").fetchall()
    assert rows[-1][0] == "alice"
    origin = json.loads(rows[-1][1])
    assert origin["user"] == LOGIN and origin["host"] == HOST and origin["pid"] > 0

    # `show`'s text keeps its columns (time, KIND, display name, words); the audit trail is in
    # its --json, the exports and the review.
    show = run_warroom("--db", db, "show", env=env).stdout
    assert re.search(r"NOTE\s+alice\s+restarted api-7", show), show

    note = json.loads(run_warroom("--db", db, "show", "--json").stdout)["timeline"][-1]
    assert note["actor"] == "alice" and note["origin"]["user"] == LOGIN
    assert note["origin_text"] == f"{LOGIN}@{HOST}"
    declared = json.loads(run_warroom("--db", db, "show", "--json").stdout)["timeline"][0]
    assert declared["actor"] == "carol" and declared["origin_text"] == f"{LOGIN}@{HOST}"  # $WARROOM_USER too

    md = run_warroom("--db", db, "export", "1", "--format", "md").stdout
    assert f"restarted api-7 (alice · {LOGIN}@{HOST})" in md
    doc = json.loads(run_warroom("--db", db, "export", "1", "--format", "json").stdout)
    event = next(e for e in doc["events"] if e["actor"] == "alice")
    assert event["origin_text"] == f"{LOGIN}@{HOST}" and event["origin"]["user"] == LOGIN
    line = json.loads(run_warroom("--db", db, "export", "1", "--format", "jsonl").stdout.splitlines()[-1])
    assert line["actor"] == "alice" and line["origin"]["user"] == LOGIN and line["origin"]["host"] == HOST


def test_a_name_that_is_the_login_is_shown_once(run_warroom, tmp_path: Path):
    db = str(tmp_path / "w.db")
    assert run_warroom("--db", db, "--as", LOGIN, "declare", "x", "--sev", "3").returncode == 0
    assert run_warroom("--db", db, "note", "--as", LOGIN, "plain").returncode == 0
    md = run_warroom("--db", db, "export", "1", "--format", "md").stdout
    assert f"plain ({LOGIN})" in md and f"{LOGIN}@" not in md
