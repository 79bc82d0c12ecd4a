"""Copy fallbacks with the real tools: pyperclip (no clipboard here), tmux, OSC 52, the draft file."""

from __future__ import annotations

import base64
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App

from warroom.clipboard import copy_text, copy_text_async, draft_dir_for, osc52_sequence

DRAFT = """[Investigating] We are aware of an issue affecting checkout.
Started: 2026-11-26 03:12 UTC
Impact: Most users cannot pay
We'll post an update within 30 minutes."""
NOW = datetime(2026, 11, 26, 3, 12, tzinfo=UTC)


def _local_clipboard_exists() -> bool:
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    tools = ("xclip", "xsel", "wl-copy", "klipper", "pbcopy", "clip.exe")
    return sys.platform in ("darwin", "win32") or (has_display and any(shutil.which(t) for t in tools))


needs_no_clipboard = pytest.mark.skipif(_local_clipboard_exists(), reason="this machine has a local clipboard")
needs_tmux = pytest.mark.requires("tmux")


def _env_without_clipboard() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "WAYLAND_DISPLAY", "TMUX", "TMUX_PANE"}}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return env


@needs_no_clipboard
def test_pyperclip_genuinely_fails_without_a_clipboard_and_nothing_raises(tmp_path: Path):
    outcome = copy_text(DRAFT, draft_dir=tmp_path, environ={})
    first = outcome.attempts[0]
    assert first.method == "pyperclip" and not first.ok
    assert "PyperclipException" in first.detail
    assert outcome.attempts[1].method == "tmux buffer" and outcome.attempts[1].detail == "not inside tmux"
    assert outcome.path is not None and outcome.path.read_text() == DRAFT + "\n"


def test_the_draft_is_always_saved_beside_the_database_mode_0600(tmp_path: Path):
    db = tmp_path / "data" / "warroom.db"
    outcome = copy_text(DRAFT, db_path=db, label="INC-7-external", now=NOW, environ={}, use_pyperclip=False)
    expected = tmp_path / "data" / "drafts" / "INC-7-external-20261126T031200Z.txt"
    assert outcome.path == expected == draft_dir_for(db) / expected.name
    assert expected.read_text(encoding="utf-8") == DRAFT + "\n"
    assert stat.S_IMODE(expected.stat().st_mode) == 0o600
    assert stat.S_IMODE(expected.parent.stat().st_mode) == 0o700
    assert str(expected) in outcome.message()
    # A second copy in the same second never overwrites the first.
    again = copy_text("second", db_path=db, label="INC-7-external", now=NOW, environ={}, use_pyperclip=False)
    assert again.path == expected.with_name("INC-7-external-20261126T031200Z-2.txt")
    assert expected.read_text(encoding="utf-8") == DRAFT + "\n"


def test_an_unwritable_draft_folder_is_reported_not_raised(tmp_path: Path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    outcome = copy_text(DRAFT, draft_dir=blocker / "drafts", environ={}, use_pyperclip=False)
    assert outcome.path is None and outcome.file_error
    assert "could not save the draft file" in outcome.message()


@needs_no_clipboard
async def test_outside_tmux_osc52_goes_through_the_textual_app(tmp_path: Path):
    app = App()
    async with app.run_test():
        outcome = copy_text(
            DRAFT, db_path=tmp_path / "warroom.db", label="INC-7-external", now=NOW, app=app, environ={}
        )
        assert [a.method for a in outcome.attempts] == ["pyperclip", "tmux buffer", "OSC 52"]
        assert outcome.method == "OSC 52"
        assert app.clipboard == DRAFT  # Textual's copy_to_clipboard keeps what it sent
        assert outcome.message().startswith("Sent to the terminal clipboard via OSC 52")
        assert stat.S_IMODE(outcome.path.stat().st_mode) == 0o600
        assert outcome.path.read_text(encoding="utf-8") == DRAFT + "\n"

        # From a worker thread (how the app should call it) the copy is handed to the app's thread.
        other = await copy_text_async("from a thread", draft_dir=tmp_path, app=app, environ={})
        assert other.method == "OSC 52" and app.clipboard == "from a thread"


@needs_no_clipboard
def test_headless_osc52_is_written_to_the_controlling_terminal(tmp_path: Path):
    """A headless command with a terminal but no clipboard: the escape reaches /dev/tty."""
    result_file = tmp_path / "result.json"
    script = tmp_path / "in_pty.py"
    script.write_text(
        textwrap.dedent(f"""
        import json, os, pty, sys
        pid, fd = pty.fork()
        if pid == 0:
            from warroom.clipboard import copy_text
            out = copy_text({DRAFT!r}, draft_dir={str(tmp_path / "drafts")!r}, environ={{}})
            with open({str(result_file)!r}, "w") as fh:
                json.dump({{"method": out.method, "path": str(out.path)}}, fh)
            os._exit(0)
        seen = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        os.waitpid(pid, 0)
        sys.stdout.write(seen.hex())
    """)
    )
    proc = subprocess.run(
        [sys.executable, str(script)], env=_env_without_clipboard(), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    terminal_saw = bytes.fromhex(proc.stdout)
    assert osc52_sequence(DRAFT) in terminal_saw
    assert base64.b64decode(osc52_sequence(DRAFT)[7:-1]).decode() == DRAFT
    result = json.loads(result_file.read_text())
    assert result["method"] == "OSC 52"
    assert Path(result["path"]).read_text() == DRAFT + "\n"


@pytest.mark.e2e
@needs_tmux
@needs_no_clipboard
def test_inside_tmux_the_buffer_holds_the_draft(tmp_path: Path):
    socket = f"warroom-test-{uuid.uuid4().hex[:10]}"
    result_file = tmp_path / "result.json"
    script = tmp_path / "copy_in_tmux.py"
    script.write_text(
        textwrap.dedent(f"""
        import json
        from warroom.clipboard import copy_text
        out = copy_text({DRAFT!r}, draft_dir={str(tmp_path / "drafts")!r})
        with open({str(result_file)!r}, "w") as fh:
            json.dump({{"method": out.method, "attempts": [[a.method, a.ok, a.detail] for a in out.attempts],
                        "path": str(out.path)}}, fh)
    """)
    )
    env = _env_without_clipboard()
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    # `exec cat` keeps the session (and so the server and its buffers) alive until kill-server.
    inner = f"{sys.executable} {script}; tmux wait-for -S copied; exec cat"
    try:
        subprocess.run([*tmux, "new-session", "-d", "-x", "80", "-y", "24", inner], env=env, check=True, timeout=30)
        subprocess.run([*tmux, "wait-for", "copied"], env=env, check=True, timeout=60)
        buffer = subprocess.run([*tmux, "show-buffer"], env=env, capture_output=True, text=True, timeout=30)
    finally:
        subprocess.run([*tmux, "kill-server"], env=env, capture_output=True, timeout=30)
        # kill-server leaves the socket file behind.
        (Path(env.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}" / socket).unlink(missing_ok=True)
    result = json.loads(result_file.read_text())
    assert result["attempts"][0][:2] == ["pyperclip", False]
    assert result["method"] == "tmux buffer"
    assert buffer.stdout == DRAFT
    assert Path(result["path"]).read_text() == DRAFT + "\n"
