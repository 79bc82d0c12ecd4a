"""The review screen's postmortem panel (`p`), Pilot on real database files: a section written in
the screen shows in the installed `warroom postmortem`'s output, action items added and marked
done from the screen, the lint following each change, the Markdown written beside the database,
a read-only copy refusing with the text kept, and $EDITOR's file (a fake editor script)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import warroom_executable
from tests.support.mounts import read_only_bind
from tests.ui.review_helpers import file_stamp, loaded, review_app, review_db
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.screens.postmortem_dialogs import ActionItemDialog, SectionEditor
from warroom.ui.screens.postmortem_panel import PostmortemPanel
from warroom.ui.screens.quit_unsaved import QuitUnsavedScreen


async def wait_until(pilot: Any, check: Any, what: str, tries: int = 300) -> None:
    for _ in range(tries):
        if check():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never: {what}")


async def open_panel(pilot: Any) -> PostmortemPanel:
    await loaded(pilot)
    await pilot.press("p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PostmortemPanel), "the postmortem panel")
    panel = pilot.app.screen
    assert isinstance(panel, PostmortemPanel)
    await wait_until(pilot, lambda: panel.view is not None, "the panel's view")
    return panel


def lint_text(panel: PostmortemPanel) -> str:
    return str(panel.query_one("#pm-lint").render())


def status(panel: PostmortemPanel) -> str:
    return str(panel.query_one("#pm-status").render())


def postmortem_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    return subprocess.run(
        [str(warroom_executable()), "--db", str(db), "postmortem", *args],
        capture_output=True,
        text=True,
        env=env | {"WARROOM_USER": "carol"},
        timeout=60,
    )


async def test_a_section_written_in_the_screen_is_in_warroom_postmortem_and_the_lint_follows(tmp_path: Path):
    db = review_db(tmp_path)
    before = file_stamp(db)
    async with review_app(db).run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot)
        assert file_stamp(db) == before, "opening the panel writes nothing"
        assert "Root cause is empty" in lint_text(panel)
        panel.query_one("#pm-list").highlighted = 3  # Root cause
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SectionEditor), "the editor")
        # Typing mode: `q`, `p`, `d`, `w` are letters of the text, not keys.
        await pilot.press(*"pool size dropped by deploy; no alert on pool use, quite")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pilot.app.screen is panel, "back on the panel")
        await wait_until(pilot, lambda: "Root cause is empty" not in lint_text(panel), "the lint updated")
        assert "Root cause recorded" in status(panel)
    out = postmortem_cli(db)
    assert out.returncode == 0, out.stderr
    root = out.stdout.split("## Root cause\n\n", 1)[1].split("\n", 1)[0]
    assert root == "pool size dropped by deploy; no alert on pool use, quite"
    with EventStore.open(db) as store:
        sections = [e for e in store.events(1) if e.kind == Kind.POSTMORTEM_SECTION]
    assert [e.payload["section"] for e in sections] == ["root_cause"], "one event, through the CLI's builder"


async def test_add_an_action_item_mark_it_done_and_the_lint_follows(tmp_path: Path):
    db = review_db(tmp_path)
    async with review_app(db).run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot)
        assert "no action items" in lint_text(panel)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ActionItemDialog), "the item dialog")
        dialog = pilot.app.screen
        await pilot.press(*"improve monitoring", "enter", *"bob", "enter", *"2026-13-40", "enter", *"detect")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert pilot.app.screen is dialog, "a bad date keeps the dialog open with the text"
        assert "2026-13-40" in str(dialog.query_one("#pm-dialog-error").render())
        dialog.query_one("#pm-item-due").value = "2026-12-18"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pilot.app.screen is panel, "back on the panel")
        await wait_until(pilot, lambda: panel.view is not None and len(panel.view.items) == 1, "the item listed")
        assert "no action items" not in lint_text(panel)
        assert "action 1 is vague" in lint_text(panel)
        assert "action 1 added" in status(panel)
        panel.query_one("#pm-list").highlighted = 8  # the first item (after 7 sections and a heading)
        await pilot.press("d")
        await wait_until(pilot, lambda: panel.view is not None and not panel.view.items[0].is_open, "done")
        # edit it to something concrete: the vague finding goes away
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ActionItemDialog), "the edit dialog")
        pilot.app.screen.query_one("#pm-item-text").value = "Alert on payments-db pool use above 80%"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pilot.app.screen is panel, "back on the panel")
        await wait_until(pilot, lambda: "vague" not in lint_text(panel), "the lint updated")
    listed = subprocess.run(
        [str(warroom_executable()), "--db", str(db), "action", "list"], capture_output=True, text=True, timeout=60
    )
    assert "done" in listed.stdout and "Alert on payments-db pool use above 80%" in listed.stdout
    assert "@bob" in listed.stdout and "2026-12-18" in listed.stdout and "detect" in listed.stdout


async def test_w_writes_the_postmortem_beside_the_database_0600(tmp_path: Path):
    db = review_db(tmp_path)
    async with review_app(db).run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot)
        await pilot.press("w")
        target = db.parent / "INC-1-postmortem.md"
        await wait_until(pilot, target.exists, "the file")
        await wait_until(pilot, lambda: str(target) in status(panel), "where it went")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("# Incident INC-1: Checkout returning 500s")


async def test_a_read_only_copy_refuses_keeps_the_text_and_quitting_asks(tmp_path: Path, monkeypatch: Any):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    source = tmp_path / "rw"
    source.mkdir()
    copied = review_db(source)
    with read_only_bind(source, tmp_path / "ro") as ro:
        await _refuse_and_keep(ro / copied.name)


async def _refuse_and_keep(db: Path) -> None:
    async with review_app(db).run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot)
        await pilot.press("e")  # Summary
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SectionEditor), "the editor")
        editor = pilot.app.screen
        await pilot.press(*"Checkout failed for 20 minutes")
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: "cannot be written" in str(editor.query_one("#pm-dialog-error").render()), "the refusal"
        )
        assert editor.editor.text == "Checkout failed for 20 minutes", "the typed text stays"
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: pilot.app.screen is panel, "back on the panel")
        assert panel.drafts == {"summary": "Checkout failed for 20 minutes"}
        assert "Draft (not saved)" in str(panel.query_one("#pm-detail").render())
        assert "cannot be written" in status(panel)
        assert "NOT WRITABLE" in str(panel.query_one("#pm-header").render())
        await pilot.press("u")
        await wait_until(pilot, lambda: "written to" in status(panel), "the drafts file")
        written = status(panel).split("written to ", 1)[1].split(" (", 1)[0]
        assert "Checkout failed for 20 minutes" in Path(written).read_text()
        assert stat.S_IMODE(Path(written).stat().st_mode) == 0o600
        await pilot.press("escape")  # back to the timeline: the draft still counts when quitting
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QuitUnsavedScreen), "the quit question")
        assert pilot.app.focused is not None and pilot.app.focused.id == "quit-cancel", "Cancel has the focus"
        await pilot.click("#quit-write")
        await wait_until(pilot, lambda: not pilot.app.is_running, "quitting after writing")
    assert pilot.app.return_code == 0
    files = sorted(Path(written).parent.glob(f"{db.name}.unsaved-*.txt"))
    assert len(files) == 2, "u's file, then the quit's (the database's folder is read-only: home takes them)"
    assert all("Checkout failed for 20 minutes" in f.read_text() for f in files)


def test_editor_function_prefills_the_current_text_and_reads_the_edit(tmp_path: Path, monkeypatch: Any):
    """Pilot's headless driver cannot suspend (Textual raises SuspendNotSupported), so the file
    the panel hands $EDITOR is tested here with a fake editor script; the tmux e2e test runs
    the real suspend."""
    from warroom.services.postmortem_edits import edit_in_editor

    seen = tmp_path / "seen.txt"
    script = tmp_path / "fake-editor"
    script.write_text(
        f"#!{sys.executable}\nimport sys, shutil, os\n"
        f"shutil.copy(sys.argv[1], {str(seen)!r})\n"
        "mode = oct(os.stat(sys.argv[1]).st_mode & 0o777)\n"
        "open(sys.argv[1], 'w').write('rewritten in the editor\\n' + mode + '\\n')\n"
    )
    script.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(script))
    text, status = edit_in_editor("what we had", "root_cause")
    assert status == 0 and text == "rewritten in the editor\n0o600\n"
    assert seen.read_text() == "what we had\n"
    script.write_text("#!/bin/sh\nexit 3\n")
    assert edit_in_editor("x", "summary") == (None, 3)


async def test_headless_e_editor_says_it_cannot_hand_over_the_terminal(tmp_path: Path):
    db = review_db(tmp_path)
    async with review_app(db).run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot)
        await pilot.press("E")
        await wait_until(pilot, lambda: "cannot be handed to $EDITOR" in status(panel), "said")
