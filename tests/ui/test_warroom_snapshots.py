"""Snapshots of the war room on the fixed incident with a frozen clock, at three sizes, per theme,
with every signal pane fed the fixed snapshots (`warroom.ui.screenshots.frozen_sources`).

Update them after an intended change with `pytest tests/ui/test_warroom_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.ui.app import WarRoomApp
from warroom.ui.screenshots import FIXTURE_CONFIG, fixture_app, frozen_clock, settle
from warroom.config.themes import theme_names


def fixture(tmp_path: Path, theme: str | None = None) -> WarRoomApp:
    return fixture_app(tmp_path / "warroom.db", theme, signals=True)


@pytest.mark.parametrize("theme", theme_names())
def test_warroom_120x40_each_theme(snap_compare, tmp_path: Path, theme: str):
    assert snap_compare(fixture(tmp_path, theme), terminal_size=(120, 40), run_before=settle)


def test_warroom_80x24(snap_compare, tmp_path: Path):
    assert snap_compare(fixture(tmp_path), terminal_size=(80, 24), run_before=settle)


def test_warroom_200x60(snap_compare, tmp_path: Path):
    assert snap_compare(fixture(tmp_path), terminal_size=(200, 60), run_before=settle)


def test_warroom_too_small_50x12(snap_compare, tmp_path: Path):
    assert snap_compare(fixture(tmp_path), terminal_size=(50, 12), run_before=settle)


def test_declare_dialog_80x24(snap_compare, tmp_path: Path):
    """No open incident: the declare dialog with the whole severity table and the advice."""
    app = WarRoomApp(tmp_path / "empty.db", FIXTURE_CONFIG, clock=frozen_clock, actor="carol")

    async def ready(pilot) -> None:
        from warroom.ui.screens.declare import DeclareScreen

        for _ in range(200):
            if isinstance(pilot.app.screen, DeclareScreen):
                break
            await pilot.pause(0.02)
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False
        await pilot.press(*"Checkout 500s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)
