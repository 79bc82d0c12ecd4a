"""The installed `warroom` ends cleanly however its terminal or its life ends: on SIGHUP (an
SSH session dropped without tmux) and SIGTERM it stops the commands its panes follow (they run
in process groups of their own, which no signal reaches) instead of leaving them orphaned; and
when the terminal vanishes with no SIGHUP at all (started under `setsid`, a supervisor, a
harness) it quits within seconds instead of spinning on end-of-file at 100 % of a core."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = pytest.mark.e2e


def start_in_pty(env: dict[str, str], argv: list[str]) -> tuple[subprocess.Popen[bytes], int]:
    """The installed command in a new session on a real pseudo-terminal, once it has drawn the room."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    # A session of its own with the terminal only inherited, never acquired: no SIGHUP comes.
    proc = subprocess.Popen(
        [str(warroom_executable()), *argv],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    while b"Checkout API" not in seen and time.monotonic() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            seen += os.read(master, 65536)
    assert b"Checkout API" in seen, "the war room was drawn"
    return proc, master


def close_terminal_expect_hangup(proc: subprocess.Popen[bytes], master: int, timeout: float) -> None:
    """Close the terminal (the emulator, the SSH session, is gone): warroom exits as a hangup
    would (128 + SIGHUP) within 10 s. Kills it, and closes the terminal, whatever happens."""
    try:
        os.close(master)
        master = -1
        start = time.monotonic()
        code = proc.wait(timeout=timeout)
        assert code == 129, "exits as a hangup would (128 + SIGHUP)"
        assert time.monotonic() - start < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if master >= 0:
            os.close(master)


def drain(master: int) -> list[bytes]:
    """Read the terminal as an emulator does (a full pty buffer would hold the app's output);
    what it wrote is kept, to show when something goes wrong."""
    out: list[bytes] = []

    def run() -> None:
        try:
            while chunk := os.read(master, 65536):
                out.append(chunk)
        except OSError:
            pass

    threading.Thread(target=run, daemon=True).start()
    return out


def running(marker: str) -> bool:
    return subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 0


def wait_until(condition, seconds: float) -> bool:
    """Poll `condition` every 0.1 s for up to `seconds`; its last answer."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def quiet_follower(tmp_path: Path) -> tuple[Path, Path, str]:
    """(database with an open incident, config following a command, the command's marker).
    The command never writes a line: nothing but warroom itself would ever stop it."""
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("Checkout API returning 500s", 1, actor="alice")
    marker = f"warroom-follow-{uuid.uuid4().hex}"
    config = tmp_path / "warroom.toml"
    config.write_text(f'[[log]]\nname = "quiet"\nargv = ["sh", "-c", "while true; do sleep 1; done # {marker}"]\n')
    return db, config, marker


@pytest.mark.parametrize("sig, code", [(signal.SIGHUP, 129), (signal.SIGTERM, 143)])
def test_a_hangup_or_sigterm_stops_the_followed_commands(
    home_env: dict[str, str], tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    db, config, marker = quiet_follower(tmp_path)
    env = {**home_env, "WARROOM_DB": str(db), "TERM": "xterm-256color"}
    proc, master = start_in_pty(env, ["--config", str(config)])
    output = drain(master)
    try:
        assert wait_until(lambda: running(marker), 15), "the pane follows its command"
        proc.send_signal(sig)
        assert proc.wait(timeout=15) == code, b"".join(output)[-1500:].decode(errors="replace")
        assert wait_until(lambda: not running(marker), 5), "the followed command stopped with the war room"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        subprocess.run(["pkill", "-f", marker], capture_output=True)
        os.close(master)


def test_a_hangup_stops_warroom_record_and_what_it_follows(home_env: dict[str, str], tmp_path: Path) -> None:
    db, config, marker = quiet_follower(tmp_path)
    env = {**home_env, "WARROOM_DB": str(db)}
    proc = subprocess.Popen(
        [str(warroom_executable()), "record", "--config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert wait_until(lambda: running(marker), 15), "the recorder follows the command"
        proc.send_signal(signal.SIGHUP)
        assert proc.wait(timeout=15) == 0, proc.stderr.read().decode() if proc.stderr else ""
        assert wait_until(lambda: not running(marker), 5), "the followed command stopped with the recorder"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        subprocess.run(["pkill", "-f", marker], capture_output=True)


def test_a_vanished_terminal_ends_the_war_room(home_env: dict[str, str], tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        incident = store.declare("Checkout API returning 500s", 1, actor="alice").incident_id
    env = {**home_env, "WARROOM_DB": str(db), "TERM": "xterm-256color"}
    proc, master = start_in_pty(env, [])
    close_terminal_expect_hangup(proc, master, timeout=15)
    # Nothing left locked or half-written: the next war room (or `warroom note`) carries on.
    with EventStore.open(db) as store:
        store.append(incident, Kind.NOTE, {"text": "back on a new connection"}, actor="alice")
        kinds = [e.kind for e in store.events(incident)]
    assert kinds[0] == Kind.DECLARED and kinds[-1] == Kind.NOTE
