"""The declare dialog's drill checkbox says on or off in its glyph (✓ or blank), not in colour
alone: a colour-blind IC, or a monochrome terminal, still sees whether this is a drill."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox

from tests.ui.warroom_helpers import wait_for
from warroom.config.model import Config
from warroom.ui.app import WarRoomApp
from warroom.ui.screens.declare import DeclareScreen
from warroom.ui.screenshots import FROZEN_NOW


async def test_the_drill_checkbox_shows_a_tick_only_when_ticked(tmp_path: Path) -> None:
    app = WarRoomApp(tmp_path / "w.db", Config(), clock=lambda: FROZEN_NOW, actor="alice")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DeclareScreen) and app.screen.query("#declare-drill"),
            "the declare dialog with its drill checkbox",
        )
        drill = app.screen.query_one("#declare-drill", Checkbox)
        assert "✓" not in drill.render().plain and not drill.value
        drill.focus()
        await wait_for(pilot, lambda: drill.has_focus, "the drill checkbox focused")
        await pilot.press("space")
        await wait_for(pilot, lambda: drill.value, "the drill ticked")
        assert "✓" in drill.render().plain
        await pilot.press("space")
        await wait_for(pilot, lambda: not drill.value, "the drill unticked")
        assert "✓" not in drill.render().plain
