"""The installed `warroom` in a real tmux session at 80x24: the header's phase guide and the coach
line; `x` (in key mode) records the dismissal, the next warning takes its place, and `warroom
show` names who dismissed it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux, wait_store  # noqa: F401  (the fixture)
from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


def test_coach_line_and_dismissal_at_80x24(tmux: Tmux, tmp_path: Path, home_env: dict[str, str]):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        inc = store.declare("Checkout 500s", 2, actor="ic-alice").incident_id
        for role in ("Incident Commander", "Tech Lead"):
            store.append(inc, Kind.ROLE_ASSIGNED, catalogue.role_assigned(role, "alice"), actor="alice")
        store.append(inc, Kind.NOTE, catalogue.note("root cause is the pool size change"), actor="bob")
    config = tmp_path / "warroom.toml"
    config.write_text("[resources]\nenabled = false\n")
    tmux.env.update(COLUMNS="80", LINES="24")
    tmux.start([str(warroom_executable()), "--config", str(config)], width=80, height=24)
    shown = tmux.wait_for("x dismiss")
    lines = shown.splitlines()
    assert "MITIGATE" in lines[0] and "▸ mitigate: rollback, flag, failover?" in lines[0], lines[0]
    coach = next(line for line in lines if "x dismiss" in line)
    assert "⚠ root cause named before any mitigation" in coach and '✗ "Root-causing before' in coach
    assert lines.index(coach) < len(lines) - 2, "the coach line sits above the command line"

    tmux.keys("Escape")
    tmux.wait_for("KEYS")
    tmux.keys("x")
    dismissed = wait_store(db, lambda e: e.kind == Kind.COACH_DISMISSED, "the dismissal")
    assert dismissed.actor == "ic-alice" and dismissed.payload["rule"] == "root-cause-first"
    # The next warning takes the line: the IC is also Tech Lead.
    shown = tmux.wait_for("IC alice is also Tech Lead (SEV-2)")
    assert "root cause named" not in next(line for line in shown.splitlines() if "x dismiss" in line)

    text = subprocess.run(
        [str(warroom_executable()), "show"],
        env={**home_env, "WARROOM_DB": str(db)},
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "⚠ root cause named before any mitigation · dismissed by ic-alice" in text
    tmux.keys("C-q")
    assert tmux.exit_status() == 0
