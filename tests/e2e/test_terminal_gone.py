"""When its terminal goes away without a SIGHUP (the process is not the terminal's: started
under `setsid`, a supervisor, a harness), the installed `warroom` quits within seconds instead
of spinning on end-of-file at 100 % of a core, and the record is intact."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = pytest.mark.e2e


def test_a_vanished_terminal_ends_the_war_room(home_env: dict[str, str], tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        incident = store.declare("Checkout API returning 500s", 1, actor="alice").incident_id
    env = {**home_env, "WARROOM_DB": str(db), "TERM": "xterm-256color"}
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    # A session of its own with the terminal only inherited, never acquired: no SIGHUP comes.
    proc = subprocess.Popen([str(warroom_executable())], stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    try:
        seen = b""
        deadline = time.monotonic() + 30
        while b"Checkout API" not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                seen += os.read(master, 65536)
        assert b"Checkout API" in seen, "the war room was drawn"
        os.close(master)  # the terminal emulator, the SSH session, is gone
        master = -1
        start = time.monotonic()
        code = proc.wait(timeout=15)
        assert code == 129, "exits as a hangup would (128 + SIGHUP)"
        assert time.monotonic() - start < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if master >= 0:
            os.close(master)
    # Nothing left locked or half-written: the next war room (or `warroom note`) carries on.
    with EventStore.open(db) as store:
        store.append(incident, Kind.NOTE, {"text": "back on a new connection"}, actor="alice")
        kinds = [e.kind for e in store.events(incident)]
    assert kinds[0] == Kind.DECLARED and kinds[-1] == Kind.NOTE
