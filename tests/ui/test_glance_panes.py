"""Readable at a glance: the war room at 120x40 reads without squinting.

The timeline's text column is wide enough for a sentence (>= 45 cells: a one-line note takes one
line), and a command pane in the crowded signal column shows data rows, not just its table header
(a real subprocess through a real `[[command]]`).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from tests.ui.warroom_helpers import wait_for
from warroom.config.model import CommandConfig, Config
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.poller import build_sources
from warroom.ui.screenshots import (
    FROZEN_NOW,
    SIGNALS_CONFIG,
    build_fixture,
    fixture_app,
    frozen_clock,
    frozen_sources,
    settle,
)
from warroom.ui.widgets.commands import CommandPane
from warroom.ui.widgets.timeline import Timeline


def screen_lines(app) -> list[str]:
    """What the terminal shows, one plain string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def rows_of(app, widget) -> list[str]:
    region = widget.region
    return [row[region.x : region.right] for row in screen_lines(app)[region.y : region.bottom]]


NOTE = "checkout p99 back to 380 ms, pool at 200 of 400 now"  # 51 cells: one line at >= 51


async def test_the_timeline_text_column_is_at_least_45_wide_at_120x40(tmp_path: Path):
    db = tmp_path / "w.db"
    app = fixture_app(db, signals=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        timeline = app.screen.query_one(Timeline)
        lines_before = timeline.line_count
        with EventStore.open(db) as store:
            store.append(1, Kind.NOTE, {"text": NOTE[:45]}, actor="bob", at=FROZEN_NOW)
        await wait_for(pilot, lambda: timeline.event_count == 25, "the note on the timeline")
        await pilot.pause()
        assert timeline.line_count == lines_before + 1, "a 45-cell note takes one line"
        shown = rows_of(app, timeline)
        row = next(r for r in shown if NOTE[:45] in r)
        text_starts = row.index(NOTE[:45])
        # The widget's region minus where the text starts (and the scrollbar): the text column.
        assert timeline.region.width - text_starts - 1 >= 45, row
        assert "bob" in row[:text_starts], "the prefix still names who wrote it"


async def test_a_command_pane_shows_data_rows_at_120x40(tmp_path: Path):
    db = tmp_path / "w.db"
    build_fixture(db)
    script = (
        "print('state               | count');print('--------------------+------');"
        "print('idle                |   112');print('active              |    38');"
        "print('idle in transaction |     4')"
    )
    command = CommandConfig("db connections", (sys.executable, "-c", script), interval=60)
    config = replace(SIGNALS_CONFIG, commands=(command,))
    frozen = [s for s in frozen_sources(FROZEN_NOW) if s.kind != "command"]
    app = WarRoomApp(
        db, config, clock=frozen_clock, actor="carol", sources=[*frozen, *build_sources(Config(commands=(command,)))]
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.screen.query(CommandPane), "the signal panes")
        for source in frozen:
            source.release()
        pane = app.screen.query_one(CommandPane)
        await wait_for(
            pilot,
            lambda: pane.updates and "active" in str(pane.query_one(".command-output").render()),
            "the command's output",
            tries=500,
        )
        await wait_for(pilot, lambda: all(s.played for s in frozen), "every other pane's data")
        await pilot.pause(0.3)
        shown = "\n".join(rows_of(app, pane))
        assert "state" in shown and "idle" in shown and "active" in shown, shown
        assert "✔ exit 0" in shown, shown
