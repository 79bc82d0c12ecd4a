"""The terminal shrinks to 20x5 and back, and the SSH session carrying the tmux client drops
and a new one re-attaches: the installed `warroom` keeps running, keeps the half-typed line,
and the next keys still go into the command line."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import termios
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, wait_store
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


class Client:
    """A tmux client attached from its own pseudo-terminal of `width`x`height`, as an SSH session
    running `tmux attach` would be; `drop()` is the connection going away (the pty closed, the
    client killed), not a polite detach."""

    def __init__(self, tmux: Tmux, width: int, height: int) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        env = {**tmux.env, "TERM": "xterm-256color"}
        self.process = subprocess.Popen(
            ["tmux", "-L", tmux.socket, "-f", str(tmux.conf), "attach-session", "-t", "wr"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        # Drain what tmux draws, as a terminal would, so the client never blocks writing.
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                if not os.read(self.master, 65536):
                    return
            except OSError:
                return

    def drop(self) -> None:
        """The SSH session dies: the client is killed and its terminal is gone."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        os.close(self.master)


def clients(tmux: Tmux) -> list[str]:
    return [line for line in tmux.run("list-clients", "-t", "wr").splitlines() if line.strip()]


def wait_until(check, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"never: {what}")


def pane_size(tmux: Tmux) -> tuple[int, int]:
    width, height = tmux.run("display-message", "-p", "-t", "wr", "#{pane_width} #{pane_height}").split()
    return int(width), int(height)


def command_line(tmux: Tmux) -> str:
    """The prompt's line (`ic-alice ›…`) as drawn."""
    lines = [line for line in tmux.screen().splitlines() if "›" in line]
    assert lines, f"no command line on screen:\n{tmux.screen()}"
    return lines[-1]


def assert_whole_room(tmux: Tmux, timeout: float = 10.0) -> str:
    """The whole war room is drawn (header first, timeline, role board), with no traceback."""
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = tmux.screen()
        assert "Traceback" not in shown and "[exit" not in shown, shown
        first = shown.splitlines()[0] if shown else ""
        if "INC-1 Checkout 500s" in first and "Timeline (UTC)" in shown and "Incident Commander" in shown:
            return shown
        time.sleep(0.1)  # tmux has the new size; the room is redrawing for it
    raise AssertionError(f"the war room is not whole on screen:\n{shown}")


def test_resize_to_20x5_and_back_then_an_ssh_drop_and_reattach_keep_the_typed_line(tmp_path: Path, home_env):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
    config = tmp_path / "warroom.toml"
    config.write_text("[resources]\nenabled = false\n")
    tmux = Tmux(tmp_path, {**home_env, "WARROOM_DB": str(db), "WARROOM_USER": "ic-alice"})
    attached: list[Client] = []
    try:
        tmux.start([str(warroom_executable()), "--config", str(config)])
        tmux.wait_for("Timeline (UTC)")
        tmux.wait_for("INC-1 Checkout 500s")
        tmux.keys("-l", "db pool exhausted on")
        tmux.wait_for("›db pool exhausted on")

        # The terminal shrinks to 20x5: the too-small view, and keys still go to the line.
        tmux.run("resize-window", "-t", "wr", "-x", "20", "-y", "5")
        tmux.wait_for("Terminal too small")
        assert "SEV-2" in tmux.screen()
        tmux.keys("-l", " pri")
        tmux.run("resize-window", "-t", "wr", "-x", "120", "-y", "40")
        tmux.wait_for("›db pool exhausted on pri")
        assert_whole_room(tmux)

        # An SSH session attaches (100x30), then drops without detaching. (resize-window pinned
        # the window's size; an attached terminal's size rules again, as it does by default.)
        tmux.run("set-option", "-w", "-t", "wr", "window-size", "latest")
        tmux.run("set-option", "-t", "wr", "status", "off")  # the whole terminal is the room's
        first = Client(tmux, 100, 30)
        attached.append(first)
        wait_until(lambda: len(clients(tmux)) == 1, "the first client attached")
        wait_until(lambda: pane_size(tmux) == (100, 30), "the window took the client's size")
        tmux.keys("-l", "mary")
        tmux.wait_for("›db pool exhausted on primary")
        assert_whole_room(tmux)
        first.drop()
        attached.remove(first)
        wait_until(lambda: not clients(tmux), "the dropped client gone")

        # A new SSH session re-attaches at another size: the room is whole, the line kept.
        second = Client(tmux, 132, 36)
        attached.append(second)
        wait_until(lambda: pane_size(tmux) == (132, 36), "the window took the new client's size")
        tmux.wait_for("›db pool exhausted on primary")
        assert_whole_room(tmux)
        assert "db pool exhausted on primary" in command_line(tmux)

        # Focus is still on the command line: typing continues it, Enter records it.
        tmux.keys("-l", " at 14:02")
        tmux.keys("Enter")
        note = wait_store(db, lambda e: e.kind == Kind.NOTE, "the note")
        assert note.payload["text"] == "db pool exhausted on primary at 14:02"
        tmux.wait_for(f"saved #{note.id}")
        tmux.wait_for("db pool exhausted on primary at 14:02")
        tmux.keys("C-q")
        assert tmux.exit_status() == 0, "the war room ran through it all and quits cleanly"
    finally:
        for client in attached:
            client.drop()
        tmux.kill()
