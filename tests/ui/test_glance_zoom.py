"""Readable at a glance: `z` fills the screen with the focused pane, whichever it
is, and the focused pane is marked in the text itself (a monochrome `tmux capture-pane` shows it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.ui.screenshots import fixture_app, settle

PANES = ["#roles", "#timeline", "#pane-health", "#pane-deploys", "#pane-resources", "#pane-log-0", "#pane-command-0"]


def focus_pane(room, pane) -> None:
    """Focus a pane as Esc or a click does (key mode: the command line gives up the focus)."""
    enter = getattr(room, "enter_key_mode", None)
    enter(pane) if enter is not None else pane.focus()


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", [(120, 40), (200, 60)])
async def test_z_fills_the_screen_with_every_pane(tmp_path: Path, size):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        room = app.screen
        for selector in PANES:
            pane = room.query_one(selector)
            focus_pane(room, pane)
            await pilot.pause()
            room.action_zoom()
            await pilot.pause(0.1)
            assert room.maximized is pane, selector
            # The whole screen but the footer's line: no small box on a hatched background.
            assert pane.region.width == size[0] and pane.region.height >= size[1] - 1, (selector, pane.region)
            room.action_zoom()
            await pilot.pause(0.1)
            assert room.maximized is None


async def test_the_roles_pane_zoomed_shows_its_roles_over_the_whole_screen(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        roles = app.screen.query_one("#roles")
        focus_pane(app.screen, roles)
        await pilot.pause()
        app.screen.action_zoom()
        await pilot.pause(0.1)
        lines = screen_lines(app)
        assert any("Incident Commander" in line and "alice" in line for line in lines)
        assert not any("╱" in line for line in lines[:39]), "no hatching around a small box"


@pytest.mark.parametrize(
    "selector, title",
    [
        ("#timeline", "Timeline"),
        ("#roles", "Roles"),
        ("#pane-deploys", "Deploys"),
        ("#pane-health", "Health"),
        ("#pane-command-0", "db connections"),
    ],
)
async def test_the_focused_pane_is_marked_in_the_text(tmp_path: Path, selector, title):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(selector)
        top = pane.region.y  # the border line with the title
        unfocused = screen_lines(app)[top]
        assert f"▶ {title}" not in unfocused
        focus_pane(app.screen, pane)
        await pilot.pause(0.1)
        focused = screen_lines(app)[top]
        assert f"▶ {title}" in focused, focused
        assert "━" in focused, "a heavy border line, not only another colour"
        # Only one pane is marked at a time.
        assert sum(line.count("▶ ") for line in screen_lines(app)) == 1


async def test_the_marker_is_drawn_not_stored_in_the_title(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db", signals=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one("#pane-command-0")
        focus_pane(app.screen, pane)
        await pilot.pause()
        assert pane.border_title == "db connections", "the title as configured, no ▶ in it"
        pane.border_title = "[b]renamed[/b]"
        await pilot.pause()
        top = screen_lines(app)[pane.region.y]
        assert "▶ renamed" in top, top
