"""`y` in key mode copies the selected item of the focused pane through the draft screen's
clipboard chain (here: no local clipboard, not in tmux, so OSC 52 through the app), saves it
beside the database, and says what was copied. Up/Down move the selection."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.warroom_helpers import feedback, screen, wait_for
from warroom.ui.screenshots import fixture_app, settle
from warroom.ui.widgets.commandline import CommandInput
from warroom.ui.widgets.commands import CommandPane
from warroom.ui.widgets.deploys import DeploysPane
from warroom.ui.widgets.logs import LogPane
from warroom.ui.widgets.probes import ProbesPane
from warroom.ui.widgets.timeline import Timeline


@pytest.fixture(autouse=True)
def no_local_clipboard(monkeypatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("DISPLAY", "")
    monkeypatch.setenv("WAYLAND_DISPLAY", "")


async def focus_pane(pilot, kind: type) -> object:
    """Leave the command line (Esc) and Shift+Tab to the pane of `kind`, as a user does (in key
    mode Tab and Shift+Tab cycle the panes only)."""
    if isinstance(pilot.app.focused, CommandInput):
        await pilot.press("escape")
    for _ in range(20):
        if isinstance(pilot.app.focused, kind):
            return pilot.app.focused
        await pilot.press("shift+tab")
    raise AssertionError(f"Tab never reached a {kind.__name__}")


async def press_y(pilot) -> str:
    before = feedback(pilot)
    await pilot.press("y")
    await wait_for(pilot, lambda: feedback(pilot) != before and "copied" in feedback(pilot), "the copy")
    return feedback(pilot)


def saved_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "drafts").glob("INC-1-copied-*.txt"))


async def test_y_copies_the_selected_deploys_rollback_command_and_down_moves_on(tmp_path: Path) -> None:
    app = fixture_app(tmp_path / "warroom.db", signals=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        pane = await focus_pane(pilot, DeploysPane)
        said = await press_y(pilot)
        assert said.startswith("copied rollback command for payments 4f2a91c · Sent via OSC 52")
        assert app.clipboard == "git revert --no-edit 4f2a91c0d3b7e6a5f4c3b2a1908f7e6d5c4b3a29"
        assert saved_files(tmp_path)[-1].read_text() == app.clipboard + "\n", "also saved beside the database"
        selected = [t for t in pane.row_list.texts if "4f2a91c" in t]
        assert selected, "the selected deploy is on screen"
        await pilot.press("down")
        said = await press_y(pilot)
        assert said.startswith("copied rollback command for payments 7b9e2d4")
        assert app.clipboard.endswith("7b9e2d41c8a3f5e6d7c8b9a0f1e2d3c4b5a69788")
        await pilot.press("up", "up")
        assert (await press_y(pilot)).startswith("copied rollback command for payments 4f2a91c"), "stops at the top"


async def test_y_copies_a_log_line_a_probe_url_a_command_line_and_a_timeline_event(tmp_path: Path) -> None:
    app = fixture_app(tmp_path / "warroom.db", signals=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await focus_pane(pilot, CommandPane)
        await pilot.press("down", "down")
        assert (await press_y(pilot)).startswith("copied output line of db connections")
        assert app.clipboard == " idle                |   112"

        await focus_pane(pilot, LogPane)
        await pilot.press("down")
        assert (await press_y(pilot)).startswith("copied log line from api")
        assert "payment authorization failed: upstream 503" in app.clipboard

        await focus_pane(pilot, ProbesPane)
        assert (await press_y(pilot)).startswith("copied probe URL of checkout-api")
        assert app.clipboard == "https://checkout.internal/healthz"

        await focus_pane(pilot, Timeline)  # Shift+Tab past the first pane: round to the timeline
        await pilot.press("up")
        said = await press_y(pilot)
        assert said.startswith("copied timeline event 14:16:00 (note by alice)")
        assert app.clipboard == "watching error budget for 15 minutes before resolving"


async def test_y_typed_in_the_command_line_is_text_and_a_pane_without_items_says_so(tmp_path: Path) -> None:
    app = fixture_app(tmp_path / "warroom.db", signals=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("y", "e", "s")
        assert screen(pilot).query_one(CommandInput).value == "yes", "typing mode: y is a letter"
        assert app.clipboard == ""
        await pilot.press("escape")
        room = screen(pilot)
        room.enter_key_mode(room.query_one("#roles"))
        await pilot.press("y")
        await pilot.pause()
        assert "nothing to copy in Roles" in feedback(pilot)
        assert room.query_one(CommandInput).value == "yes", "the typed text is kept"


async def test_tab_in_key_mode_cycles_the_panes_without_falling_into_the_command_line(tmp_path: Path) -> None:
    app = fixture_app(tmp_path / "warroom.db", signals=True)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        seen = []
        for _ in range(12):
            await pilot.press("tab")
            seen.append(type(app.focused).__name__)
        assert "CommandInput" not in seen and "DeploysPane" in seen and "Timeline" in seen
        assert screen(pilot).key_mode, "still in key mode"
        await pilot.press("colon")
        assert isinstance(app.focused, CommandInput), ": goes back to typing"
