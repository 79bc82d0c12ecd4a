"""`warroom` / `warroom open [ID] [--theme NAME]` through the installed command."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux
from warroom.store.sync import EventStore

pytestmark = pytest.mark.e2e


def test_bad_arguments_are_one_clear_line(run_warroom, tmp_path: Path):
    bad_theme = run_warroom("open", "--theme", "neon")
    assert bad_theme.returncode == 2
    assert bad_theme.stderr.strip().startswith("warroom: error: unknown theme 'neon'")
    assert "warroom-colorblind" in bad_theme.stderr and "Traceback" not in bad_theme.stderr
    assert run_warroom("--theme", "neon").returncode == 2, "no subcommand means open"
    bad_id = run_warroom("open", "INC-x")
    assert bad_id.returncode == 2 and "not an incident id" in bad_id.stderr
    config = tmp_path / "warroom.toml"
    config.write_text('[ui]\ntheme = "sparkly"\n')
    from_config = run_warroom("--config", str(config))
    assert from_config.returncode == 2 and "sparkly" in from_config.stderr


def test_a_missing_incident_is_refused_before_the_screen_opens(run_warroom, tmp_path: Path):
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("only one", 3, actor="a")
    result = run_warroom("open", "INC-9", "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.strip() == f"warroom: error: no incident INC-9 in {db}"


def test_without_a_terminal_it_says_what_to_use_instead(run_warroom):
    result = run_warroom("open", "--theme", "light")
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and "warroom show" in result.stderr


@pytest.fixture
def tmux(tmp_path: Path, home_env: dict[str, str]):
    session = Tmux(tmp_path, {**home_env, "WARROOM_DB": str(tmp_path / "warroom.db")})
    yield session
    session.kill()


def test_no_open_incident_shows_the_declare_dialog(tmux: Tmux, tmp_path: Path):
    tmux.start([str(warroom_executable()), "--theme", "high-contrast"], width=100, height=30)
    shown = tmux.wait_for("No open incident. Declare one")
    assert "Pick higher when in doubt. Downgrading is free; upgrading later looks bad." in shown
    for line in ("Full outage or data loss affecting most users", "Minor issue, workaround available"):
        assert line in shown
    tmux.keys("-l", "Payments down")
    tmux.keys("Tab")
    time.sleep(0.3)  # let the focus move before the next key (a person types slower than send-keys)
    tmux.keys("2")
    tmux.wait_for("Chosen: SEV-2")
    tmux.keys("C-s")
    tmux.wait_for("INC-1 Payments down")
    with EventStore.open(tmp_path / "warroom.db") as store:
        state = store.incident(1)
    assert state.title == "Payments down" and int(state.severity) == 2


def test_opening_a_missing_incident_exits_with_the_reason(tmux: Tmux, tmp_path: Path):
    with EventStore.open(tmp_path / "warroom.db") as store:
        store.declare("only one", 3, actor="a")
    tmux.start([str(warroom_executable()), "open", "INC-9"])
    assert tmux.exit_status() == 2
    assert "warroom: error: no incident INC-9" in tmux.screen()
