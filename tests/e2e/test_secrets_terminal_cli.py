"""Secrets and terminal safety through the installed command: a followed command printing a
secret, an escape sequence in a config key, bidi characters in a note, a command killed at its
timeout, and the example config shipped with warroom."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from tests.unit.config.config_helpers import EXAMPLE

SECRET = "Zq9-followed-secret-VALUE-7731"

# A followed command that gets the token as an argument (`${TOKEN}` in argv) and also finds it
# in its environment, and prints it: once whole, once split across two writes.
LEAKY = """#!/bin/sh
if [ "$1" = "$TOKEN" ]; then echo "error: login refused for $1"; else echo "error: argv not expanded: $1"; fi
echo "error: environment says $TOKEN"
printf 'error: split %s' "$TOKEN" | head -c 20; sleep 0.3; printf 'error: split %s\\n' "$TOKEN" | tail -c +21
echo "fatal: stderr has $TOKEN" >&2
sleep 30
"""


def _leaky(tmp_path: Path) -> Path:
    script = tmp_path / "leaky.sh"
    script.write_text(LEAKY)
    script.chmod(0o755)
    return script


def test_a_followed_command_printing_the_token_never_shows_it(tmp_path: Path, run_warroom):
    script = _leaky(tmp_path)
    deploys = tmp_path / "deploys.sh"
    deploys.write_text(
        '#!/bin/sh\necho "2026-12-06T05:00:00Z a1b2c3d release with $TOKEN"\n'
        'echo "not a deploy line: ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n'
    )
    deploys.chmod(0o755)
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(
        f'[[log]]\nname = "api"\nargv = ["{script}", "${{TOKEN}}"]\n\n'
        f'[[command]]\nname = "who"\nargv = ["{script}", "${{TOKEN}}"]\ntimeout = 1\n\n'
        f'[[deploys]]\nname = "rel"\nkind = "command"\nargv = ["{deploys}"]\n\n'
        "[resources]\nenabled = false\n"
    )
    env = {"WARROOM_CONFIG": str(cfg), "WARROOM_DB": str(tmp_path / "w.db"), "TOKEN": SECRET}
    text = run_warroom("snapshot", env=env)
    as_json = run_warroom("snapshot", "--json", env=env)
    for out in (text.stdout, text.stderr, as_json.stdout, as_json.stderr):
        assert SECRET not in out and SECRET[:12] not in out
    # The argument was expanded (the command saw the real token) and its output redacted.
    assert "error: login refused for ***" in text.stdout
    assert "error: environment says ***" in text.stdout
    assert "error: split ***" in text.stdout
    assert "'${TOKEN}'" in text.stdout  # the command line shows the reference, never the value
    assert "release with ***" in text.stdout  # a deploys command: the secret it found in its environment
    assert "ghp_abcdefghij" not in text.stdout  # and a token recognised by its shape
    logs = {item["key"]: item["snapshot"] for item in json.loads(as_json.stdout)}
    examples = [g["example"] for g in logs["log:api"]["top"]]
    assert "error: login refused for ***" in examples and logs["log:api"]["total"] == 3


def test_an_escape_sequence_in_a_config_key_never_reaches_the_terminal(tmp_path: Path, run_warroom):
    cfg = tmp_path / "warroom.toml"
    cfg.write_text('[ui]\n"\\u001b]2;PWN\\u0007" = 1\n\n[[probe]]\nname = "a\\u001b[31mb"\nurl = "ftp://x"\n')
    check = run_warroom("config", "check", str(cfg))
    assert check.returncode == 1
    assert "\x1b" not in check.stderr and "\x07" not in check.stderr
    # The user can still see which key is meant.
    assert "warroom.toml:2: [ui]: key '\\x1b]2;PWN\\x07' is unknown" in check.stderr
    snap = run_warroom("snapshot", "--config", str(cfg))
    assert snap.returncode != 0 and "Traceback" not in snap.stderr
    assert "\x1b" not in snap.stderr + snap.stdout and "\x07" not in snap.stderr


def test_a_name_with_an_escape_is_clean_in_snapshot_headers_and_config_show(tmp_path: Path, run_warroom):
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(
        '[[command]]\nname = "db\\u001b]2;PWN\\u0007\\u202e"\nargv = ["echo", "ok"]\n[resources]\nenabled = false\n'
    )
    snap = run_warroom("snapshot", "--config", str(cfg))
    assert snap.returncode == 0, snap.stderr
    assert "\x1b" not in snap.stdout and "\u202e" not in snap.stdout
    assert "== command:db<U+202E>" in snap.stdout
    shown = run_warroom("config", "show", str(cfg))
    assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout
    assert 'name = "db\\u001b]2;PWN\\u0007\\u202e"' in shown.stdout  # still TOML for the same name


def test_bidi_and_zero_width_characters_are_shown_escaped_and_stored_as_typed(tmp_path: Path, run_warroom):
    env = {"WARROOM_DB": str(tmp_path / "w.db")}
    assert run_warroom("declare", "Checkout \u200b500s", "--sev", "2", env=env).returncode == 0
    note = "refund user \u202e0001 tnuocca\u202c ok\u2028next"
    assert run_warroom("note", note, env=env).returncode == 0
    show = run_warroom("show", env=env)
    assert "refund user <U+202E>0001 tnuocca<U+202C> ok<U+2028>next" in show.stdout
    assert "Checkout <U+200B>500s" in show.stdout
    for out in (show.stdout, run_warroom("list", env=env).stdout, run_warroom("draft", env=env).stdout):
        assert not set(out) & {"\u202e", "\u202c", "\u200b", "\u2028"}
    as_json = run_warroom("show", "--json", env=env).stdout
    assert "\u202e" not in as_json and "\\u202e" in as_json
    assert any(e["payload"].get("text") == note for e in json.loads(as_json)["timeline"])
    with sqlite3.connect(tmp_path / "w.db") as db:  # the record keeps exactly what was typed
        payloads = [json.loads(p) for (p,) in db.execute("SELECT payload FROM events")]
    assert any(p.get("text") == note for p in payloads)


def test_snapshot_with_a_command_killed_at_its_timeout_ends_with_clean_stderr(tmp_path: Path, run_warroom):
    # The command starts a helper in its own session that keeps stdout open after the command
    # is killed: the pipe stays open until warroom closes it.
    script = tmp_path / "stubborn.py"
    script.write_text(
        "import os, sys, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid(); time.sleep(6); sys.exit(0)\n"
        "print('error: still starting', flush=True)\n"
        "time.sleep(30)\n"
    )
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(
        f'[[log]]\nname = "pods"\nargv = ["{sys.executable}", "{script}"]\n\n'
        f'[[command]]\nname = "slow"\nargv = ["{sys.executable}", "{script}"]\ntimeout = 1\n\n'
        "[resources]\nenabled = false\n"
    )
    r = run_warroom("snapshot", "--config", str(cfg), timeout=60)
    assert "timed out after 1s" in r.stdout and "error: still starting" in r.stdout
    assert r.stderr == ""  # no "Exception ignored ... Event loop is closed"


def test_config_example_prints_a_config_that_checks_ok(tmp_path: Path, run_warroom):
    example = run_warroom("config", "example")
    assert example.returncode == 0 and example.stderr == ""
    assert example.stdout == EXAMPLE.read_text(encoding="utf-8")
    (tmp_path / "warroom.toml").write_text(example.stdout)
    env = {"CHECKOUT_TOKEN": "abc", "SLACK_INCIDENT_WEBHOOK": "https://hooks.example.com/x"}
    check = run_warroom("config", "check", env=env)
    assert (check.returncode, check.stderr) == (0, ""), check.stderr
    assert check.stdout.startswith("warroom.toml: OK — 2 probes, 1 status page, 2 logs")
