"""Ctrl+C as in a shell (with text selected it copies; with text in the line it clears it; on an
empty line twice quits, exit status 130), Ctrl+Q quits with 0, and every key's action is also in
the command palette."""

from __future__ import annotations

from pathlib import Path

from tests.ui.warroom_helpers import feedback, settle, stored, submit
from warroom.domain.events import Kind
from warroom.ui.screenshots import fixture_app
from warroom.ui.widgets.commandline import CommandInput


async def test_ctrl_c_twice_quits_with_status_130_and_what_was_saved_stays(tmp_path: Path):
    db = tmp_path / "w.db"
    app = fixture_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "saved" in await submit(pilot, "rollback verified on eu-west-1")
        footer = app.screen.active_bindings["ctrl+q"]
        assert footer.binding.action == "quit" and footer.binding.show, "the footer shows ^q Quit"
        await pilot.press("ctrl+c", "ctrl+c")
        await pilot.pause()
    assert app.return_code == 130
    assert stored(db)[-1].kind == Kind.NOTE and stored(db)[-1].payload["text"] == "rollback verified on eu-west-1"


async def test_ctrl_c_from_the_keys_and_from_a_dialog_quits_too(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "question_mark")  # leave the command line, open the help
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running, "one Ctrl+C only warns"
        await pilot.press("ctrl+c")
        await pilot.pause()
    assert app.return_code == 130


async def test_ctrl_c_with_a_selection_copies_it_and_the_next_one_clears(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        command = app.screen.query_one(CommandInput)
        command.value = "kubectl rollout undo deploy/payments"
        command.selection = (0, 7)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running, "copying does not quit"
        assert app.clipboard == "kubectl"
        assert "copied 7 characters" in feedback(pilot)
        assert command.value == "kubectl rollout undo deploy/payments", "copy keeps the line"
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and command.value == "", "the next Ctrl+C clears the line"
        await pilot.press("ctrl+c", "ctrl+c")
        await pilot.pause()
    assert app.return_code == 130


async def test_ctrl_q_still_quits_with_status_0(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_every_key_is_also_in_the_command_palette(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        # :/Enter, z, p, t, d, ?, Tab, Shift+Tab, Ctrl+Q/Ctrl+C, and the themes by name.
        for title in (
            "Command line",
            "Zoom pane",
            "Pause live updates",
            "Next theme",
            "Draft status update",
            "Help: commands and keys",
            "Next pane",
            "Previous pane",
            "Quit",
            "Theme: warroom-light",
        ):
            assert title in commands, title
        before = app.screen.focused
        commands["Next pane"].callback()
        await pilot.pause()
        assert app.screen.focused is not before, "Next pane moves the focus"
