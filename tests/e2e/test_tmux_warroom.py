"""The installed `warroom` in a real tmux session (TERM=screen-256color): type a note and a
`/sev 1`, see them on screen and in the store; a note from another process shows up live."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]


class Tmux:
    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.socket = f"wr-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.conf = tmp / "tmux.conf"
        self.conf.write_text('set -g default-terminal "screen-256color"\nset -g remain-on-exit on\n')

    def run(self, *args: str) -> str:
        cmd = ["tmux", "-L", self.socket, "-f", str(self.conf), *args]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=20, check=True).stdout

    def start(self, command: list[str], width: int = 120, height: int = 40) -> None:
        """Run `command` in a new session; when it ends the pane shows `[exit N]`.

        (tmux's own #{pane_dead_status} is sometimes still empty long after the process died.)
        """
        # The shell stays a while so the pane keeps what was printed (a dead pane may lose it).
        wrapped = ["sh", "-c", '"$@"; echo "[exit $?]"; sleep 60', "sh", *command]
        self.run("new-session", "-d", "-s", "wr", "-x", str(width), "-y", str(height), *wrapped)

    def exit_status(self, timeout: float = 15.0) -> int:
        shown = self.wait_for("[exit ", timeout)
        return int(shown.split("[exit ", 1)[1].split("]", 1)[0])

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "wr")

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on screen:\n{shown}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "wr", *keys)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env, capture_output=True, timeout=20)


@pytest.fixture
def tmux(tmp_path: Path, home_env: dict[str, str]):
    session = Tmux(tmp_path, {**home_env, "WARROOM_DB": str(tmp_path / "warroom.db"), "WARROOM_USER": "ic-alice"})
    yield session
    session.kill()


def wait_store(db: Path, predicate, what: str, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with EventStore.open(db) as store:
            events = store.events(1)
        found = [e for e in events if predicate(e)]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"the store never got {what}")


def test_note_and_sev_typed_in_tmux_reach_the_screen_and_the_store(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
    tmux.start([str(warroom_executable())])
    tmux.wait_for("Timeline (UTC)")
    shown = tmux.wait_for("INC-1 Checkout 500s")
    assert "SEV-2" in shown.splitlines()[0]
    tmux.wait_for("NO IC")

    tmux.keys("-l", "db cpu at 95% on primary")
    tmux.keys("Enter")
    note = wait_store(db, lambda e: e.kind == Kind.NOTE, "the note")
    assert note.payload["text"] == "db cpu at 95% on primary" and note.actor == "ic-alice"
    tmux.wait_for("db cpu at 95% on primary")
    tmux.wait_for(f"saved #{note.id}")

    tmux.keys("-l", "/sev 1 spreading to US")
    tmux.keys("Enter")
    sev = wait_store(db, lambda e: e.kind == Kind.SEVERITY, "the severity change")
    assert dict(sev.payload) == {"from": 2, "to": 1, "reason": "spreading to US"}
    shown = tmux.wait_for("SEV-2 → SEV-1")
    assert "SEV-1" in shown.splitlines()[0], "the header badge says SEV-1"

    # Another SSH session writes a note: the open screen shows it without a keypress.
    result = subprocess.run(
        [str(warroom_executable()), "note", "rollback started", "--as", "bob"],
        env=tmux.env, capture_output=True, text=True, timeout=30,
    )
    assert result.returncode == 0, result.stderr
    started = time.monotonic()
    tmux.wait_for("rollback started", timeout=10)
    print(f"other writer's note on screen after {time.monotonic() - started:.2f}s")

    tmux.keys("C-q")
    assert tmux.exit_status() == 0, "Ctrl+Q quits cleanly"


def test_small_and_large_terminals(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        inc = store.declare("Search latency", 3, actor="ic-alice").incident_id
        store.append(inc, Kind.ROLE_ASSIGNED, {"role": "Incident Commander", "person": "alice"}, actor="alice")
    config = tmp_path / "warroom.toml"
    config.write_text("[team]\nextra_roles = [\"Deputy\"]\n\n[resources]\nenabled = false\n")
    tmux.start([str(warroom_executable()), "--config", str(config)], width=80, height=24)
    tmux.wait_for("Roles")
    tmux.wait_for("Search latency")
    shown = tmux.wait_for("No sources configured")  # the summary line comes just after the first frame
    lines = shown.splitlines()
    assert "SEV-3" in lines[0] and "Search latency" in lines[0]
    assert any("Investigating" in line and "IC alice" in line for line in lines[:3])
    assert any("Comms Lead" in line and "VACANT" in line for line in lines)
    assert any("Deputy" in line for line in lines), "configured roles are on the board"
    assert any("›" in line for line in lines[-3:]), "the command line is at the bottom"
    tmux.run("resize-window", "-t", "wr", "-x", "200", "-y", "60")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "IC alice" not in tmux.screen().splitlines()[0]:
        time.sleep(0.1)
    first = tmux.screen().splitlines()[0]
    assert "Search latency" in first and "IC alice" in first, "at 200 columns the header is one line"
    tmux.run("resize-window", "-t", "wr", "-x", "50", "-y", "12")
    shown = tmux.wait_for("Terminal too small")
    assert "SEV-3" in shown and "Investigating" in shown
