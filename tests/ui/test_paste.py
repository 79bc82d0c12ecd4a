"""A paste into the command line keeps all of it: several lines become one note with its lines
(shown with ⏎ before saving), escape sequences are removed and the rest stays in order."""

from __future__ import annotations

import subprocess
from pathlib import Path

from textual import events

from tests.conftest import warroom_executable
from tests.ui.warroom_helpers import feedback, settle, stored, timeline_texts, wait_for
from warroom.domain.events import Kind
from warroom.ui.screenshots import fixture_app
from warroom.ui.widgets.commandline import CommandInput


async def paste(pilot, text: str) -> CommandInput:
    command = pilot.app.screen.query_one(CommandInput)
    command.post_message(events.Paste(text))
    await pilot.pause()
    return command


async def test_a_multi_line_paste_is_one_note_with_its_lines(tmp_path: Path):
    db = tmp_path / "w.db"
    app = fixture_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        command = await paste(pilot, "line1\nline2\r\nline3\n")
        assert command.value == "line1⏎line2⏎line3", "the lines are shown, marked, before saving"
        assert "3 lines" in feedback(pilot) and "one note" in feedback(pilot)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: stored(db)[-1].kind == Kind.NOTE and "line1" in stored(db)[-1].payload["text"], "the note"
        )
        assert stored(db)[-1].payload["text"] == "line1\nline2\nline3"
        await wait_for(pilot, lambda: any("line1" in t for t in timeline_texts(pilot)), "the note on the timeline")
        shown = next(t for t in timeline_texts(pilot) if "line1" in t)
        assert "line1 ⏎ line2 ⏎ line3" in shown, shown
        assert command.value == ""
    result = subprocess.run(
        [str(warroom_executable()), "--db", str(db), "show"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    [first] = [line for line in result.stdout.splitlines() if "line1" in line]
    following = result.stdout.splitlines()[result.stdout.splitlines().index(first) + 1 :][:2]
    column = first.index("line1")
    assert [line[column:] for line in following] == ["line2", "line3"], "each line under the text column"
    assert all(not line[:column].strip() for line in following)


async def test_escape_sequences_in_a_paste_are_removed_and_the_rest_kept_in_order(tmp_path: Path):
    app = fixture_app(tmp_path / "w.db")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        command = pilot.app.screen.query_one(CommandInput)
        command.value = "before: "
        command.cursor_position = len(command.value)
        await paste(pilot, "a\x1b[31mred\x1b[0m b\x1b]2;PWN\x07c\x07d")
        assert command.value == "before: ared bcd"
