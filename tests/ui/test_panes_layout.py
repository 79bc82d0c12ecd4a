"""The panes in the real war room: every pane on screen at 120x40, the summary at 80x24, live
resize, `z` zoom and `p` pause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.http_server import TestHTTPServer
from tests.ui.warroom_helpers import settle, wait_for
from warroom.config.model import CommandConfig, Config, ProbeConfig, Secret
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.poller import Poller
from warroom.ui.widgets.pane_base import SourcePane
from warroom.ui.widgets.panes import SIDE_BY_SIDE_WIDTH, SignalPanes, SourceSummary
from warroom.ui.widgets.probes import ProbesPane


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warroom.db"
    with EventStore.open(path) as store:
        store.declare("Checkout 500s", 2, actor="alice", at=datetime.now(UTC) - timedelta(minutes=5))
    return path


@pytest.fixture
def server():
    with TestHTTPServer() as srv:
        yield srv


def config_for(srv: TestHTTPServer) -> Config:
    return Config(
        probes=(
            ProbeConfig("checkout-api", Secret(srv.url("/ok")), interval=0.1),
            ProbeConfig("search", Secret(srv.url("/503")), interval=0.1),
        ),
        commands=(CommandConfig("uptime", ("uptime",), interval=0.5),),
    )


async def test_at_120x40_every_pane_is_on_screen_with_empty_states_for_the_rest(db: Path, server) -> None:
    app = WarRoomApp(db, config_for(server), actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        room = app.screen.query_one(SignalPanes)
        await wait_for(pilot, lambda: "probe:search" in room.by_key["probe:search"].updates, "the probes")
        await pilot.pause(0.1)
        screen_region = app.screen.region
        panes = list(room.query(SourcePane))
        assert [p.border_title.split(" · ")[0] for p in panes] == [
            "Health",
            "Deploys",
            "Resources",
            "Log errors",
            "uptime",
        ]
        for pane in panes:
            region = pane.region
            assert region.height >= 3 and screen_region.contains_region(region), f"{pane.id} is cut off: {region}"
        assert {p.id for p in panes if not p.configured} == {"pane-deploys", "pane-resources", "pane-logs"}
        assert not app.screen.query_one("#source-summary", SourceSummary).display


async def test_at_80x24_one_line_per_source_and_live_resize(db: Path, server) -> None:
    app = WarRoomApp(db, config_for(server), actor="carol")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        summary = app.screen.query_one(SourceSummary)
        await wait_for(
            pilot,
            lambda: len(summary.texts) == 3 and "200" in summary.texts[0] and "503" in summary.texts[1],
            "every source summarised",
        )
        assert summary.region.height == 3 and summary.region.width > 0
        assert "checkout-api" in summary.texts[0] and "search" in summary.texts[1] and "uptime" in summary.texts[2]
        assert app.screen.query_one(SignalPanes).region.height == 0, "no room for panes at 80x24"
        await pilot.resize_terminal(200, 40)
        await pilot.pause(0.2)
        room = app.screen.query_one(SignalPanes)
        assert room.region.height > 0
        # Two columns of panes once they are wide enough (the screen decides their width).
        assert room.has_class("-stacked") == (room.size.width < SIDE_BY_SIDE_WIDTH)
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.2)
        assert room.size.width < SIDE_BY_SIDE_WIDTH and room.has_class("-stacked")


async def test_z_zooms_the_focused_pane_and_restores_it(db: Path, server) -> None:
    app = WarRoomApp(db, config_for(server), actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ProbesPane)
        before = pane.region.height
        app.screen.enter_key_mode(pane)  # as a click on it does
        await pilot.pause()
        await pilot.press("z")
        await pilot.pause(0.1)
        assert app.screen.maximized is pane
        assert pane.region.height > before
        await pilot.press("z")
        await pilot.pause(0.1)
        assert app.screen.maximized is None and pane.region.height == before


async def test_p_pauses_the_panes_and_resumes_them(db: Path, server) -> None:
    app = WarRoomApp(db, config_for(server), actor="carol")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ProbesPane)
        await wait_for(pilot, lambda: pane.updates, "the probes")
        await pilot.press("escape")  # to the keys
        await pilot.press("p")
        await pilot.pause()
        poller = Poller.for_app(app)
        assert poller is not None and poller.paused
        assert "⏸ PAUSED" in str(pane.border_subtitle)
        shown = dict(pane.updates)
        hits = server.hits("/ok")
        await wait_for(pilot, lambda: server.hits("/ok") >= hits + 3, "polling to go on underneath")
        assert pane.updates == shown, "nothing changes on a paused screen"
        await pilot.press("p")
        await wait_for(pilot, lambda: pane.updates != shown, "fresh results after resuming")
        assert "PAUSED" not in str(pane.border_subtitle)


def test_share_heights_gives_wants_when_they_fit_and_shares_fairly_when_not() -> None:
    from warroom.ui.widgets.panes import share_heights

    assert share_heights(40, [5, 8, 6], [3, 3, 3]) == [5, 8, 6]
    # Too little room: minimums first, then the rest evenly; a long pane cannot starve the others.
    assert share_heights(20, [5, 40, 6], [3, 3, 3]) == [5, 9, 6]
    assert sum(share_heights(20, [12, 40, 40], [3, 3, 3])) == 20
    # A short pane worth seeing whole gets all of it first (up to half the height).
    assert share_heights(20, [9, 40, 40], [3, 3, 3], [True, False, False]) == [9, 6, 5]
    big = share_heights(20, [30, 40], [3, 3], [True, False])
    assert big[0] >= 10 and big[1] >= 3 and sum(big) == 20
    # Not even the minimums fit: each keeps its minimum (the column scrolls).
    assert share_heights(5, [8, 8, 8], [3, 3, 3]) == [3, 3, 3]
