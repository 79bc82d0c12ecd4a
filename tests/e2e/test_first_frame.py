"""The first frame the installed `warroom` writes to its terminal is already the right layout.

Textual sets a screen's breakpoint classes on its first Resize, which comes after the first
frame; the war room sets them before composing, so a 120-column terminal never sees the
one-line header of a wide terminal flash up and be redrawn (and nothing is laid out twice).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from warroom.store.sync import EventStore

pytestmark = pytest.mark.e2e

CURSOR_TO = re.compile(rb"\x1b\[(\d+);(\d+)H")


def first_frame(env: dict[str, str], size: tuple[int, int], until: bytes, timeout: float = 30.0) -> bytes:
    """Everything the command wrote to a real pseudo-terminal of `size` until `until` appeared."""
    master, slave = pty.openpty()
    cols, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen(
        [str(warroom_executable())],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + timeout
        while until not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
        assert until in seen, f"no {until!r} within {timeout}s: {seen[-300:]!r}"
        # The rest of the frame that holds `until` (it may arrive in more than one read).
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            if select.select([master], [], [], 0.05)[0]:
                seen += os.read(master, 65536)
        return seen
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        os.close(master)


def row_of(output: bytes, text: bytes) -> int:
    """The terminal row (1-based) on which `text` is first written."""
    at = output.index(text)
    moves = list(CURSOR_TO.finditer(output, 0, at))
    assert moves, "full-screen output positions every line"
    return int(moves[-1].group(1))


def test_the_first_frame_at_120_columns_has_the_stacked_header(home_env: dict[str, str], tmp_path: Path):
    db = tmp_path / "w.db"
    with EventStore.open(db) as store:
        store.declare("Checkout API returning 500s", 2, actor="alice")
    env = {**home_env, "WARROOM_DB": str(db), "TERM": "xterm-256color"}
    output = first_frame(env, (120, 40), b"Investigating")
    assert row_of(output, b"INC-1 Checkout API returning 500s") == 1
    # The first time the status is drawn it is already on the header's second line; the
    # one-line header (title, then the status beside it on row 1) is for 160 columns and up.
    assert row_of(output, b"Investigating") == 2
    assert row_of(output, b"Timeline (UTC)") == 3
