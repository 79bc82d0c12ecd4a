"""The installed `warroom` in two tmux sessions on one database: `r` opens the runbooks in each,
typing searches, Space ticks an item in one, and the other shows the tick within a second;
`warroom show` has it on the timeline."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux, wait_store  # noqa: F401 - tmux is a fixture
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


@pytest.fixture
def second(tmp_path: Path, home_env: dict[str, str]):
    session = Tmux(tmp_path, {**home_env, "WARROOM_DB": str(tmp_path / "warroom.db"), "WARROOM_USER": "bob"})
    yield session
    session.kill()


def open_disk_full(session: Tmux) -> str:
    session.start([str(warroom_executable())], width=120, height=40)
    session.wait_for("Timeline (UTC)")
    session.keys("Escape")
    time.sleep(0.3)
    session.keys("r")
    session.wait_for("Runbooks ·")
    session.keys("-l", "disk full")
    return session.wait_for("“disk full”")


@pytest.mark.usefixtures("times_deadlines")  # a one-second deadline: no CPU hog beside it
def test_a_tick_in_one_tmux_session_shows_in_the_other_and_in_show(tmux: Tmux, second: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Disk alarms on db-2", 2, actor="ic-alice")
    shown = open_disk_full(tmux)
    assert "alerts: disk-full" in shown and "Disk full" in shown
    open_disk_full(second)
    first_item = next(line for line in tmux.screen().splitlines() if "☐ " in line)
    words = first_item.split("☐ ", 1)[1].strip()[:20]
    tmux.keys("Escape")
    time.sleep(0.3)
    tmux.keys("Tab")
    time.sleep(0.3)
    tmux.keys("Space")
    tick = wait_store(db, lambda e: e.kind == Kind.RUNBOOK_CHECKED, "the tick")
    assert tick.actor == "ic-alice" and tick.payload["file"] == "disk-full.md" and tick.payload["checked"] is True
    assert tick.payload["item"].replace("`", "").startswith(words)  # `code` is styled on screen, not shown
    started = time.monotonic()
    second.wait_for(f"☑ {words}", timeout=5)
    assert time.monotonic() - started < 1.5, "the other session showed the tick within about a second"
    result = subprocess.run(
        [str(warroom_executable()), "show"], env=tmux.env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if " RUNBOOK " in line]
    assert "ic-alice" in line and '"Disk full": ☑ `df -h` on the host' in line, result.stdout
