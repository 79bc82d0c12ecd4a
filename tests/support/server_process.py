"""A real server binary (Prometheus, Alertmanager) run for a test: a temporary directory for its
config, storage and log, a free 127.0.0.1 port, started and waited for until `/-/ready` answers
200, and `close()` stopping it (terminate, then kill) and removing its files."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Self

START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """Subclasses write their config into `self.dir`, then call `_start(argv)`."""

    def __init__(self, name: str, prefix: str) -> None:
        self.name = name
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.port = free_port()
        self.log_path = self.dir / f"{name}.log"
        self.log = self.log_path.open("wb")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _start(self, argv: list[str]) -> None:
        """Run `argv` and wait until it is ready; stopped and cleaned up if it never is."""
        try:
            self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
            self._wait_ready(self.proc)
        except BaseException:
            self.close()
            raise

    def _wait_ready(self, proc: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited {proc.returncode}: {self.log_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {START_TIMEOUT:g}s: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
