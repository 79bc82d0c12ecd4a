"""The war room's layout at the sizes people use, with every pane showing the fixed data:
80x24 (one line per source), 120x40 (every pane), 160x48 and 200x60 (the space used, not
stretched), live resize, and the terminal-too-small view mounted only when needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.warroom_helpers import settle, wait_for
from warroom.ui.screens.too_small import TooSmall
from warroom.ui.screenshots import fixture_app
from warroom.ui.widgets.header import IncidentHeader
from warroom.ui.widgets.timeline import Timeline

#: The fixture's sources, one pane each, in screen order.
FIXTURE_PANES = ["pane-health", "pane-deploys", "pane-resources", "pane-metrics", "pane-log-0", "pane-command-0"]


def panes(app) -> list:
    from warroom.ui.widgets.pane_base import SourcePane

    return list(app.screen.query(SourcePane))


def lowest_pane_row(app) -> int:
    return max(p.region.bottom for p in panes(app) if p.region.height)


def main_bottom(app) -> int:
    return app.screen.query_one("#signal-column").region.bottom


async def shown(pilot, size: tuple[int, int]) -> None:
    await pilot.resize_terminal(*size)
    await wait_for(pilot, lambda: pilot.app.screen.size == size and panes(pilot.app), f"the layout at {size}")
    await pilot.pause(0.2)  # the panes share out their heights a frame after a resize


@pytest.mark.parametrize("size", [(120, 40), (160, 48), (200, 60)])
async def test_every_pane_is_on_screen_with_data(tmp_path: Path, size: tuple[int, int]):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        screen_height = app.screen.size.height
        assert [p.id for p in panes(app)] == FIXTURE_PANES  # the loop below checks every one
        for pane in panes(app):
            assert pane.region.height >= 3 and pane.region.bottom <= screen_height, (pane.id, pane.region)
            assert pane.updates, f"{pane.id} shows data, not its empty state"


async def test_200x60_uses_the_height_and_the_width(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        room = app.screen
        assert room.has_class("-xwide") and room.has_class("-xtall")
        # One column of full-width panes down the whole height, not two half-width columns
        # over a blank lower half.
        assert [p.id for p in panes(app)] == FIXTURE_PANES
        assert len({p.region.x for p in panes(app)}) == 1
        assert min(p.region.width for p in panes(app)) >= 100
        stacked_height = sum(p.region.height for p in panes(app))
        assert stacked_height >= 0.7 * room.query_one("#signal-column").region.height
        assert room.query_one(Timeline).region.width > 84, "the timeline takes the width that is left"
        header = room.query_one(IncidentHeader)
        assert header.region.height == 1, "one-line header"


async def test_80x24_shows_one_line_per_source_and_no_panes(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        room = app.screen
        assert not room.query_one("#signal-column").display
        summary = room.query_one("#source-summary")
        assert summary.display and summary.region.height >= 8, "a line for each of the 8 sources"
        assert room.query_one(Timeline).region.height >= 4
        assert room.query_one("#roles").region.height >= 3


async def test_live_resize_relays_out_and_too_small_is_mounted_only_when_needed(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        room = app.screen
        header = room.query_one(IncidentHeader)
        assert header.region.height == 2
        assert not room.query(TooSmall), "not in the first frame: mounted when the terminal is that small"
        await shown(pilot, (200, 60))
        assert header.region.height == 1 and room.query_one("#incident-state").region.y == 0, (
            "IC on the one header line"
        )
        await pilot.resize_terminal(50, 12)
        await wait_for(pilot, lambda: room.query(TooSmall) and room.query_one(TooSmall).display, "the too-small view")
        text = " ".join(str(s.render()) for s in room.query_one(TooSmall).query("Static"))
        assert "Terminal too small" in text and "SEV-1" in text and "Monitoring" in text
        await wait_for(pilot, lambda: room.query_one(TooSmall).query(".countdown"), "the countdown in the view")
        await shown(pilot, (120, 40))
        assert not room.query_one(TooSmall).display and room.query_one("#incident-column").display
        assert lowest_pane_row(app) <= main_bottom(app)
