"""Readable at a glance, against the installed `warroom` in a real tmux: the header's
countdown is whole at 80x24 and 60x15 with no IC, and the focused pane is marked in the text a
monochrome `capture-pane` reads (`▶ Timeline` on a heavy rule), which `z` fills the screen with."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux  # noqa: F401 - the fixture
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]

COUNTDOWN = re.compile(r"◷ (next update|user comms due) in (\d+m \d\ds|\d+s)\s*$")


def header_has_whole_countdown(tmux: Tmux, timeout: float = 10.0) -> list[str]:
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    while time.monotonic() < deadline:
        lines = tmux.screen().splitlines()
        if any(COUNTDOWN.search(line.rstrip()) for line in lines[:2]):
            return lines
        time.sleep(0.2)
    raise AssertionError("no whole countdown in the header:\n" + "\n".join(lines[:3]))


def test_the_countdown_is_whole_and_the_focused_pane_is_marked(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:  # SEV-2 just declared, nobody is IC yet
        store.declare("Checkout API returning 500s for EU customers in every region", 2, actor="bob")
    tmux.env.update(COLUMNS="80", LINES="24")
    tmux.start([str(warroom_executable())], width=80, height=24)
    tmux.wait_for("Timeline (UTC)")
    lines = header_has_whole_countdown(tmux)
    assert "⚠ NO IC" in lines[1], lines[1]
    tmux.run("resize-window", "-t", "wr", "-x", "60", "-y", "15")
    lines = header_has_whole_countdown(tmux)
    assert "⚠ NO IC" in lines[1], lines[1]
    tmux.run("resize-window", "-t", "wr", "-x", "120", "-y", "40")
    tmux.wait_for("Roles")
    assert "▶" not in tmux.screen(), "nothing is marked while typing"
    tmux.keys("Escape")
    shown = tmux.wait_for("▶ Timeline")
    marked = next(line for line in shown.splitlines() if "▶ Timeline" in line)
    assert "━" in marked, "a heavy rule, readable without colour"
    tmux.keys("z")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "▶ Timeline" not in tmux.screen().splitlines()[0]:
        time.sleep(0.1)
    zoomed = tmux.screen().splitlines()
    assert "▶ Timeline" in zoomed[0], "zoomed, the timeline starts on the first row"
    assert not any("Roles" in line for line in zoomed), "nothing else is on screen"
    tmux.keys("C-q")
