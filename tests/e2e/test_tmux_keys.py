"""The installed `warroom` in tmux at a shared keyboard: after a teammate's small terminal forced
the too-small view, typing still goes to the command line (no draft, nothing marked posted);
Ctrl+C clears half a line and quits only when pressed twice on an empty one; a hangup writes
unsaved text to a file it names; a paste with an escape sequence arrives whole and in order."""

from __future__ import annotations

import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux, wait_store  # noqa: F401 - tmux is a fixture
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


def declare(db: Path) -> None:
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")


def warroom_show(tmux: Tmux) -> str:
    result = subprocess.run(
        [str(warroom_executable()), "show"], env=tmux.env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_typing_after_the_too_small_view_is_a_note_not_keys(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    declare(db)
    tmux.start([str(warroom_executable())], width=80, height=24)
    tmux.wait_for("Timeline (UTC)")
    tmux.wait_for("INC-1 Checkout 500s")
    tmux.run("resize-window", "-t", "wr", "-x", "50", "-y", "12")
    tmux.wait_for("Terminal too small")
    tmux.run("resize-window", "-t", "wr", "-x", "80", "-y", "24")
    tmux.wait_for("Timeline (UTC)")
    tmux.keys("-l", "dump threads")
    time.sleep(0.3)
    tmux.keys("Enter")
    note = wait_store(db, lambda e: e.kind == Kind.NOTE, "the note")
    assert note.payload["text"] == "dump threads"
    shown = tmux.wait_for("saved #")
    assert "Draft" not in shown.splitlines()[0], "the draft screen did not open"
    shown = warroom_show(tmux)
    assert "dump threads" in shown and "no update marked posted yet" in shown, shown
    with EventStore.open(db) as store:
        assert not [e for e in store.events(1) if e.kind == Kind.COMMS_POSTED]
    tmux.keys("C-q")
    assert tmux.exit_status() == 0


def test_ctrl_c_clears_half_a_line_and_twice_on_an_empty_line_quits(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    declare(db)
    tmux.start([str(warroom_executable())])
    shown = tmux.wait_for("^q Quit")  # the footer says how to quit
    assert "^c Clear" in shown
    tmux.keys("-l", "rollback of payments-api start")
    tmux.wait_for("rollback of payments-api start")
    tmux.keys("C-c")
    shown = tmux.wait_for("cleared")
    assert "rollback of payments-api start" not in shown and "[exit" not in shown, "cleared, still running"
    tmux.keys("C-c")
    tmux.wait_for("Ctrl+C again to quit")
    assert "[exit" not in tmux.screen()
    tmux.keys("C-c")
    status = tmux.exit_status()
    assert status == 130, f"exit {status}:\n{tmux.screen()}"
    with EventStore.open(db) as store:
        assert [e.kind for e in store.events(1)] == [Kind.DECLARED], "nothing half-typed was recorded"


def test_ctrl_c_right_behind_typed_letters_clears_them_and_does_not_arm_quitting(tmux: Tmux, tmp_path: Path):
    # Letters and Ctrl+C in one write (a fast typist, a tmux paste): Ctrl+C is a priority key and
    # was handled before the letters reached the line, which looked empty: "Ctrl+C again to quit".
    db = tmp_path / "warroom.db"
    declare(db)
    tmux.start([str(warroom_executable())])
    tmux.wait_for("^q Quit")
    tmux.keys("dump", "Space", "threads", "C-c")
    shown = tmux.wait_for("cleared")
    assert "Ctrl+C again" not in shown and "dump threads" not in shown.split("you ›")[-1], shown
    tmux.keys("Up")
    tmux.wait_for("dump threads")  # kept in the history, as every cleared line is


def test_a_hangup_writes_half_typed_text_beside_the_database_and_names_the_file(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    declare(db)
    tmux.start([str(warroom_executable())])
    tmux.wait_for("^q Quit")
    tmux.keys("-l", "failover to the replica started 05:12")
    tmux.wait_for("failover to the replica started 05:12")
    warroom = next(p for p in tmux.pane_process().children() if "warroom" in " ".join(p.cmdline()))
    warroom.send_signal(1)  # SIGHUP, as when the SSH session drops
    assert tmux.exit_status() == 129
    [written] = list(tmp_path.glob("warroom.db.unsaved-*.txt"))
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert "failover to the replica started 05:12" in written.read_text()
    flat = tmux.screen().replace("\n", "")
    assert "written to" in flat and str(written) in flat, tmux.screen()


def test_a_paste_with_an_escape_sequence_and_two_lines_is_one_note_in_order(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    declare(db)
    tmux.start([str(warroom_executable())])
    tmux.wait_for("^q Quit")
    pasted = tmp_path / "paste.txt"
    pasted.write_bytes(b"db cpu \x1b[31m95%\x1b[0m on primary\nreplica lag 4s\n")
    tmux.run("load-buffer", str(pasted))
    tmux.run("paste-buffer", "-p", "-t", "wr")  # bracketed, as a terminal pastes
    tmux.wait_for("db cpu 95% on primary⏎replica lag 4s")
    with EventStore.open(db) as store:
        assert [e.kind for e in store.events(1)] == [Kind.DECLARED], "a paste does not submit itself"
    tmux.keys("Enter")
    note = wait_store(db, lambda e: e.kind == Kind.NOTE, "the pasted note")
    assert note.payload["text"] == "db cpu 95% on primary\nreplica lag 4s"
    tmux.keys("C-q")
    assert tmux.exit_status() == 0
