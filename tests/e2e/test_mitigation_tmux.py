"""The mitigation screen and `y` through the installed command in a real tmux session: `m`, a
confirmed run of a real script with its output on screen, the `mitigation` event and, on "Users
okay?" Yes, the mitigated milestone; `y` on the timeline lands in the tmux paste buffer."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux, wait_store  # noqa: F401  (the fixture)
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


def config_with_mitigation(tmp_path: Path) -> Path:
    script = tmp_path / "flag-off.sh"
    script.write_text("#!/bin/sh\necho flipping new-checkout off\necho flag-is-off-now\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    config = tmp_path / "warroom.toml"
    config.write_text(
        f'[[mitigation]]\nname = "checkout flag off"\nkind = "flag"\nargv = ["{script}"]\ntimeout = 20\n',
        encoding="utf-8",
    )
    return config


def test_m_runs_a_confirmed_mitigation_and_users_okay_records_mitigated(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
    tmux.start([str(warroom_executable()), "--config", str(config_with_mitigation(tmp_path))])
    tmux.wait_for("INC-1 Checkout 500s")
    tmux.keys("Escape")
    tmux.wait_for(" KEYS ")  # an Esc followed at once by a letter would be read as Alt+letter
    tmux.keys("m")
    tmux.wait_for("Flip a feature flag")
    shown = tmux.wait_for("checkout flag off")
    assert "nothing configured" in shown, "kinds without an entry say how to add one"
    tmux.keys("Enter")  # the only runnable option is highlighted: asks first
    tmux.wait_for("Run this mitigation?")
    tmux.keys("Tab")
    tmux.keys("Enter")
    tmux.wait_for("Users okay?", timeout=20)
    run = wait_store(db, lambda e: e.kind == Kind.MITIGATION, "the mitigation event")
    assert run.payload["exit_code"] == 0 and "flag-is-off-now" in run.payload["output"]
    tmux.keys("Tab")
    tmux.keys("Enter")
    mitigated = wait_store(db, lambda e: e.kind == Kind.MITIGATED, "the mitigated milestone")
    assert mitigated.payload["text"] == "checkout flag off"
    assert "flag-is-off-now" in tmux.wait_for("mitigated recorded"), "the output stayed on the screen"


def test_y_on_the_timeline_copies_the_event_into_the_tmux_buffer(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
        store.append(1, Kind.NOTE, {"text": "error rate x40 on api since 03:12"}, actor="bob")
    # No local clipboard (as on a jump host): the tmux buffer is the first that works.
    tmux.start(["env", "DISPLAY=", "WAYLAND_DISPLAY=", str(warroom_executable())])
    tmux.wait_for("error rate x40")
    tmux.keys("Escape")  # key mode: the timeline has the focus, its newest event selected
    tmux.wait_for(" KEYS ")
    tmux.keys("y")
    assert "Copied via tmux buffer" in tmux.wait_for("copied timeline event")
    assert tmux.run("show-buffer") == "error rate x40 on api since 03:12"


def test_readonly_flag_turns_mitigations_off_on_screen(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
    config = config_with_mitigation(tmp_path)
    tmux.start([str(warroom_executable()), "--readonly", "--config", str(config)])
    tmux.wait_for("mitigations are off")  # the command line's placeholder
    tmux.keys("Escape")
    tmux.wait_for(" KEYS ")
    tmux.keys("m")
    tmux.wait_for("Mitigations are off: this war room is read-only")
    tmux.keys("Enter")
    tmux.wait_for("was not run")
    with EventStore.open(db) as store:
        assert [e.kind for e in store.events(1)] == [Kind.DECLARED]
