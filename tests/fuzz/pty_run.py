"""Run the installed `warroom` in a real pseudo-terminal and keep every byte it writes there:
what a user's terminal would receive (Textual's `run_test()` driver writes nothing)."""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import termios
import time
from pathlib import Path


class PtyRun:
    """`warroom ARGS` on a pty of `columns` x `rows`; `output` holds everything written so far."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, columns: int = 200, rows: int = 60) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.output = bytearray()
        self.process = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)},
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)

    def read_for(self, seconds: float) -> bytes:
        """Read (answering nothing) for `seconds`; returns everything written so far."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.2))
            if ready:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:  # the process ended and the pty closed
                    break
                if not chunk:
                    break
                self.output += chunk
        return bytes(self.output)

    def wait_for(self, text: bytes, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return True
            self.read_for(0.2)
        return text in self.output

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def stop(self) -> None:
        """Ctrl+Q, then a terminate if it did not end; the pty is drained and closed."""
        if self.process.poll() is None:
            try:
                self.send(b"\x11")
            except OSError:
                pass
            self.read_for(1.5)
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.read_for(0.2)
        os.close(self.master)
