"""One server process the demo starts and ends (its Prometheus and its Alertmanager): on a free
127.0.0.1 port, its output in a log file, in a session of its own (Ctrl+C in the demo's terminal
is the demo's to handle), ended with terminate and then kill."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DemoProcess:
    """A server the demo runs on 127.0.0.1:`port`, writing to `log`."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.log = log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def launch(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        """Run `argv` (no shell) with its output in `log`."""
        with log.open("wb") as sink:
            return subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl+C in the demo's terminal is the demo's to handle
            )

    def stop(self) -> None:
        """End the process (terminate, then kill after 5 s). Safe to call twice."""
        if self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
