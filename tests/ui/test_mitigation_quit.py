"""Quitting while a mitigation runs asks first: it would stop the command half-done (a rollback),
an effect outside the record. Ctrl+Q, the second Ctrl+C and the palette's Quit ask, naming it,
with Keep running focused and no letter that quits; keeping it lets it finish and be recorded
with its exit code; quitting stops it and records it interrupted. A SIGTERM (nobody may be there
to answer) stops it unasked."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import psutil
from textual.widgets import Button

from tests.ui.test_mitigation_screen import choose, open_with_m, room_app, script
from tests.ui.warroom_helpers import feedback, stored, wait_for
from warroom.config.model import MitigationConfig
from warroom.domain.events import Kind
from warroom.ui.screens.confirm import ConfirmScreen
from warroom.ui.screens.mitigation import MitigationScreen
from warroom.ui.screens.users_okay import UsersOkayScreen


def slow_restart(tmp_path: Path, seconds: float) -> tuple[MitigationConfig, str]:
    slow = script(tmp_path / "slow-restart.sh", f"echo started\nsleep {seconds}\necho finished\nexit 0\n")
    return MitigationConfig("restart slowly", "restart", (slow, "--all"), timeout=60), slow


def still_running(path: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if path in " ".join(process.info["cmdline"] or []):
            found.append(process)
    return found


async def start_it(pilot) -> MitigationScreen:
    view = await open_with_m(pilot)
    await choose(pilot, "restart slowly")
    await pilot.press("enter", "tab", "enter")
    await wait_for(pilot, lambda: "started" in view.output_lines, "the command to start", tries=500)
    return view


def asking(app) -> ConfirmScreen | None:
    current = app.screen
    return current if isinstance(current, ConfirmScreen) and "mitigation is running" in current.title_text else None


async def test_ctrl_q_during_a_run_asks_and_keep_running_lets_it_finish_and_be_recorded(tmp_path: Path) -> None:
    option, slow = slow_restart(tmp_path, 3)
    app = room_app(tmp_path, option)
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        view = await start_it(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: asking(app) is not None, "the question before quitting")
        dialog = asking(app)
        assert dialog is not None
        assert re.fullmatch(
            rf"A mitigation is running: restart slowly \(\$ {re.escape(slow)} --all, started \d+ s ago\)\. "
            r"Quit and stop it\?",
            dialog.title_text,
        ), dialog.title_text
        focused = dialog.focused
        assert isinstance(focused, Button) and str(focused.label) == "Keep running", "Keep running is focused"
        await pilot.press("y", "q", "Q", "space")  # no letter quits (space is not Enter either)
        await pilot.pause()
        assert app.is_running and asking(app) is not None
        await pilot.press("enter")  # Enter presses the focused button: keep running
        await wait_for(pilot, lambda: asking(app) is None, "the dialog to close")
        assert app.is_running and still_running(slow), "it keeps running"
        assert "not quitting: restart slowly keeps running" in view.status_text
        await wait_for(pilot, lambda: isinstance(app.screen, UsersOkayScreen), "the run to finish", tries=600)
        assert app.running_mitigation is None
        last = stored(db)[-1]
        assert last.kind == Kind.MITIGATION and last.payload["exit_code"] == 0, last.payload
        assert "interrupted" not in str(last.payload.get("error") or "")
        assert "finished" in view.output_lines
        await pilot.press("escape")  # users okay? not answered
        await pilot.press("ctrl+q")  # nothing runs now: quits without asking
        await wait_for(pilot, lambda: not app.is_running, "the quit")
    assert app.return_code == 0


async def test_choosing_quit_stops_it_and_records_it_interrupted(tmp_path: Path) -> None:
    option, slow = slow_restart(tmp_path, 30)
    app = room_app(tmp_path, option)
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await start_it(pilot)
        await pilot.press("escape")  # back in the war room: the run goes on, and still counts
        await wait_for(pilot, lambda: not isinstance(app.screen, MitigationScreen), "the war room")
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: asking(app) is not None, "the question before quitting")
        await pilot.press("tab", "enter")  # to "Quit and stop it", then press it
        await wait_for(pilot, lambda: not app.is_running, "the quit", tries=500)
    assert app.return_code == 0
    last = stored(db)[-1]
    assert last.kind == Kind.MITIGATION and last.payload["exit_code"] is None
    assert "interrupted" in last.payload.get("error", ""), last.payload
    for _ in range(50):
        if not still_running(slow):
            break
        await asyncio.sleep(0.1)
    assert not still_running(slow), "the command was stopped"


async def test_the_second_ctrl_c_and_the_palette_quit_ask_too(tmp_path: Path) -> None:
    option, slow = slow_restart(tmp_path, 30)
    app = room_app(tmp_path, option)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await start_it(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, MitigationScreen), "the war room")
        await pilot.press("escape", "ctrl+c", "ctrl+c")
        await wait_for(pilot, lambda: asking(app) is not None, "the question after the second Ctrl+C")
        await pilot.press("escape")  # Esc keeps it running too
        await wait_for(pilot, lambda: asking(app) is None, "the dialog to close")
        assert app.is_running and "keeps running" in feedback(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Quit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: asking(app) is not None, "the question after the palette's Quit")
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: not app.is_running, "the quit", tries=500)
    for _ in range(50):
        if not still_running(slow):
            break
        await asyncio.sleep(0.1)
    assert not still_running(slow)


async def test_sigterm_stops_it_unasked_and_records_it_interrupted(tmp_path: Path) -> None:
    option, slow = slow_restart(tmp_path, 30)
    app = room_app(tmp_path, option)
    db = tmp_path / "warroom.db"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        await start_it(pilot)
        app._terminated()  # what the SIGTERM handler calls
        await wait_for(pilot, lambda: not app.is_running, "the quit, unasked", tries=500)
    assert app.return_code == 143
    last = stored(db)[-1]
    assert last.kind == Kind.MITIGATION and "interrupted" in last.payload.get("error", ""), last.payload
    for _ in range(50):
        if not still_running(slow):
            break
        await asyncio.sleep(0.1)
    assert not still_running(slow)
