"""`warroom --readonly` opens the war room as `[ui] readonly = true` would: typed text records
nothing and the screen says why (in a real tmux session, through the installed command)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux  # noqa: F401  (the fixture)
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


def test_readonly_flag_makes_the_war_room_read_only(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
    tmux.start([str(warroom_executable()), "--readonly"])
    tmux.wait_for("INC-1 Checkout 500s")
    tmux.wait_for("read-only screen")
    tmux.keys("-l", "this must not be saved")
    tmux.keys("Enter")
    tmux.wait_for("nothing recorded")
    time.sleep(0.5)
    with EventStore.open(db) as store:
        assert [e.kind for e in store.events(1)] == [Kind.DECLARED]
    assert "this must not be saved" in tmux.screen(), "the refused text stays in the input, not lost"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_readonly_shows_the_badge_and_offers_nothing_that_writes(tmux: Tmux, tmp_path: Path, size: tuple[int, int]):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
    before = db.read_bytes()
    tmux.start([str(warroom_executable()), "--readonly"], width=size[0], height=size[1])
    tmux.wait_for("READ-ONLY")
    tmux.wait_for("/help, /as")
    assert "x dismiss" not in tmux.screen(), "no writing key is offered"
    tmux.keys("-l", "/pin logs")
    tmux.wait_for("›/pin logs")  # in the command line
    tmux.keys("Enter")
    tmux.wait_for("not available")
    tmux.keys("C-u")
    tmux.wait_for("›read-only screen")  # the line is empty again (its placeholder shows)
    tmux.keys("-l", "/s")
    tmux.wait_for("›/s")
    tmux.keys("Tab")
    time.sleep(0.5)
    assert "/s " not in tmux.screen() and "/sev" not in tmux.screen(), "Tab offers no writing command"
    assert db.read_bytes() == before
