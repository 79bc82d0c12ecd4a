"""A terminal that vanishes while the war room is busy drawing (a log pane following a command
that prints many lines a second) still ends warroom within seconds, as a hangup: the frames
drawn after the terminal went, more than Textual's output queue holds, do not wedge the exit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.test_terminal_gone import close_terminal_expect_hangup, start_in_pty
from warroom.store.sync import EventStore

pytestmark = pytest.mark.e2e


def test_a_vanished_terminal_ends_a_busy_war_room(home_env: dict[str, str], tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("Checkout API returning 500s", 1, actor="alice")
    config = tmp_path / "warroom.toml"
    config.write_text(
        '[[log]]\nname = "busy"\n'
        'argv = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo \\"error: request $i failed\\"; '
        'sleep 0.01; done"]\n'
    )
    env = {**home_env, "WARROOM_DB": str(db), "TERM": "xterm-256color"}
    proc, master = start_in_pty(env, ["--config", str(config)])
    time.sleep(1.0)  # the pane is following and redrawing
    close_terminal_expect_hangup(proc, master, timeout=20)
