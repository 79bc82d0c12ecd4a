"""The installed `warroom` in a real tmux session (TERM=screen-256color): type a note and a
`/sev 1`, see them on screen and in the store; a note from another process shows up live; live
resize (even with a stale $COLUMNS exported); Ctrl+C twice quits the war room and the demo,
leaving nothing running or listening."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.conftest import warroom_executable
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


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

    def pane_process(self) -> psutil.Process:
        """The `sh -c` wrapper `start` runs in the pane (its child is the command)."""
        return psutil.Process(int(self.run("display-message", "-p", "-t", "wr", "#{pane_pid}").strip()))

    def wait_first_line(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        first = ""
        while time.monotonic() < deadline:
            first = self.screen().splitlines()[0] if self.screen() else ""
            if text in first:
                return first
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never on the first line:\n{self.screen()}")

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
        env=tmux.env,
        capture_output=True,
        text=True,
        timeout=30,
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
    config.write_text('[team]\nextra_roles = ["Deputy"]\n\n[resources]\nenabled = false\n')
    # A shell (or pytest's terminal) may export COLUMNS/LINES; they must not pin the app's size.
    tmux.env.update(COLUMNS="80", LINES="24")
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
    first = tmux.wait_first_line("IC alice")
    assert "Search latency" in first, "at 200 columns the header is one line"
    shown = tmux.screen().splitlines()
    assert len(shown) >= 59 and any("›" in line for line in shown[-3:]), "the whole 60 rows are drawn"
    tmux.run("resize-window", "-t", "wr", "-x", "50", "-y", "12")
    shown = tmux.wait_for("Terminal too small")
    assert "SEV-3" in shown and "Investigating" in shown
    tmux.run("resize-window", "-t", "wr", "-x", "120", "-y", "40")
    tmux.wait_for("Timeline (UTC)")
    assert "Terminal too small" not in tmux.screen()


def test_ctrl_c_twice_quits_the_war_room_with_status_130(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
    tmux.start([str(warroom_executable())])
    shown = tmux.wait_for("^q Quit")  # the footer says how to quit
    assert "INC-1 Checkout 500s" in shown
    tmux.keys("-l", "rollback done")
    tmux.keys("Enter")
    tmux.wait_for("saved #2")
    tmux.keys("C-c")
    tmux.wait_for("Ctrl+C again to quit")
    tmux.keys("C-c")
    status = tmux.exit_status()
    assert status == 130, f"Ctrl+C twice quits, as an interrupted command; exit {status}:\n{tmux.screen()}"
    with EventStore.open(db) as store:
        kinds = [e.kind for e in store.events(1)]
    assert kinds == [Kind.DECLARED, Kind.NOTE], "what was saved is all there"


def test_ctrl_c_stops_the_demo_and_leaves_nothing_running(tmux: Tmux, tmp_path: Path):
    tmux.start([str(warroom_executable()), "demo", "--speed", "20"], width=160, height=48)
    tmux.wait_for("Timeline (UTC)", timeout=30)
    tmux.wait_for("db sessions", timeout=30)  # the command pane's program is running
    demo = next(p for p in tmux.pane_process().children() if "demo" in " ".join(p.cmdline()))
    ports = {c.laddr.port for c in demo.net_connections(kind="tcp") if c.status == psutil.CONN_LISTEN}
    directories = {m.group(0) for f in demo.open_files() if (m := re.match(r".*/warroom-demo-[^/]+", f.path))}
    descendants = demo.children(recursive=True)
    assert ports and len(directories) == 1, (ports, directories)
    directory = Path(directories.pop())

    tmux.keys("C-c")
    tmux.wait_for("Ctrl+C again to quit")
    tmux.keys("C-c")
    status = tmux.exit_status(timeout=30)
    assert status == 130, f"exit {status}; the screen after it (any error printed is here):\n{tmux.screen()}"
    assert not psutil.pid_exists(demo.pid) or demo.status() == psutil.STATUS_ZOMBIE
    alive = [p.pid for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], "the command pane's program is stopped too"
    for port in ports:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert not directory.exists(), "the demo's temporary directory is removed"
