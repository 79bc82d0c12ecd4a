"""Person names are handles: every way a name enters from the shell refuses anything but one word.

Against the installed `warroom`: `declare --ic`, `role ROLE NAME`, `--as` before and after the
command (including the `note` fast path), `$WARROOM_USER`, and `[team] roster` in `config check`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

RULE = "a name is one word of letters, digits, . _ - @"


def one_line_error(r, *needles: str) -> None:
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("warroom: error: "), r.stderr
    assert "Traceback" not in r.stderr
    for needle in needles:
        assert needle in r.stderr, r.stderr


def timeline(run_warroom) -> list[dict]:
    return json.loads(run_warroom("show", "--json").stdout)["timeline"]


def test_declare_ic_must_be_one_handle(run_warroom):
    one_line_error(run_warroom("declare", "x", "--sev", "3", "--ic", "carol smith"), "'carol smith' refused", RULE)
    listed = run_warroom("list", "--json")
    assert (listed.returncode, json.loads(listed.stdout)) == (0, []), "nothing declared"
    assert run_warroom("declare", "x", "--sev", "3", "--ic", "@alice").returncode == 0
    shown = json.loads(run_warroom("show", "--json").stdout)
    assert shown["roles"]["Incident Commander"]["person"] == "alice"


@pytest.mark.parametrize("name", ["carol/ack", "carol ack", "bob\x1b]2;PWN\x07", "a\u202eb", "x" * 81, "'bob'"])
def test_role_refuses_anything_but_a_handle_and_records_nothing(run_warroom, name):
    run_warroom("declare", "x", "--sev", "3")
    r = run_warroom("role", "comms", name)
    one_line_error(r, "refused")
    assert "\x1b" not in r.stderr and "\u202e" not in r.stderr, "the refused name is shown escaped"
    assert [e["kind"] for e in timeline(run_warroom)] == ["incident.declared"]


def test_role_accepts_handles_and_dash_still_vacates(run_warroom):
    run_warroom("declare", "x", "--sev", "3")
    for name in ("carol.smith", "c_smith", "carol-2", "carol@example.com", "josé"):
        r = run_warroom("role", "comms", name)
        assert r.returncode == 0, r.stderr
    assert json.loads(run_warroom("show", "--json").stdout)["roles"]["Comms Lead"]["person"] == "josé"
    assert run_warroom("role", "comms", "-").returncode == 0
    assert "Comms Lead" not in json.loads(run_warroom("show", "--json").stdout)["roles"]


@pytest.mark.parametrize(
    "command",
    [
        ("note", "hello"),
        ("ack",),
        ("sev", "1"),
        ("status", "identified"),
        ("mitigated", "rolled back"),
        ("role", "tech", "bob"),
        ("resolve", "done"),
        ("milestone", "detected", "--at", "-1m"),
    ],
)
def test_as_is_checked_on_every_command_before_and_after_it(run_warroom, command):
    run_warroom("declare", "x", "--sev", "2", "--started-at", "-5m")
    one_line_error(run_warroom(*command, "--as", "bob smith"), "--as name 'bob smith' refused", RULE)
    one_line_error(run_warroom("--as", "carol/ack", *command), "'carol/ack' refused")
    assert [e["kind"] for e in timeline(run_warroom)] == ["incident.declared"], "nothing recorded"


def test_note_fast_path_and_declare_check_as(run_warroom):
    one_line_error(run_warroom("declare", "x", "--sev", "3", "--as", "a b"), "refused")
    run_warroom("declare", "x", "--sev", "3")
    one_line_error(run_warroom("note", "--as=a/b", "text"), "'a/b' refused")
    one_line_error(run_warroom("note", "--as", "", "text"), "--as name: a name is needed")
    assert run_warroom("note", "--as", "bob", "text").returncode == 0
    assert timeline(run_warroom)[-1]["actor"] == "bob"


def test_warroom_user_must_be_a_handle(run_warroom):
    run_warroom("declare", "x", "--sev", "3")
    r = run_warroom("note", "from env", env={"WARROOM_USER": "Carol Smith"})
    one_line_error(r, "WARROOM_USER='Carol Smith': " + RULE)
    one_line_error(run_warroom("ack", env={"WARROOM_USER": "ev\x1bil"}), "WARROOM_USER='ev\\x1bil': " + RULE)
    assert run_warroom("note", "ok", env={"WARROOM_USER": "carol"}).returncode == 0
    assert [e["actor"] for e in timeline(run_warroom)] == ["tester", "carol"]
    # The war room itself refuses the bad name before it needs a terminal.
    one_line_error(run_warroom(env={"WARROOM_USER": "two words"}), "WARROOM_USER='two words'")


def test_config_check_refuses_a_roster_name_with_file_and_line(run_warroom, tmp_path: Path):
    config = tmp_path / "warroom.toml"
    config.write_text('[team]\nname = "payments"\nroster = [\n  "alice",\n  "carol smith",\n]\n', encoding="utf-8")
    r = run_warroom("config", "check", "--config", str(config))
    assert r.returncode != 0
    assert (
        "warroom.toml:5: [team] roster[1]: name 'carol smith' refused" in r.stderr + r.stdout
        and "'carol smith'" in r.stderr + r.stdout
    )
    assert RULE in r.stderr + r.stdout and "Traceback" not in r.stderr


def test_odd_names_already_in_a_database_still_read(run_warroom, home_env):
    """A database written before the rule (names with spaces) still shows and lists."""
    from warroom.domain.events import Kind
    from warroom.store.sync import EventStore

    db = Path(home_env["XDG_DATA_HOME"]) / "warroom" / "warroom.db"
    db.parent.mkdir(parents=True)
    with EventStore.open(db) as store:
        ev = store.declare("old incident", 3, actor="old actor")
        store.append(
            ev.incident_id,
            Kind.ROLE_ASSIGNED,
            {"role": "Incident Commander", "person": "alice smith"},
            actor="old actor",
        )
    shown = run_warroom("show")
    assert shown.returncode == 0 and "alice smith" in shown.stdout
    assert run_warroom("list").returncode == 0
    assert run_warroom("note", "still writable").returncode == 0
