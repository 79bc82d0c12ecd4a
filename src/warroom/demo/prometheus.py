"""A real Prometheus for `warroom demo`, when one is installed, scraping the demo service.

`DemoPrometheus.start(directory, target)` runs `prometheus` (the Debian package's binary, or any on
PATH) on a free 127.0.0.1 port with its config and storage in the demo's directory, scraping the
service's `/metrics` every second, and (with the demo's Alertmanager) evaluating its alert rule;
`stop()` ends it (terminate, then kill). Not installed: `start` returns None and the demo says how
to get it (`alertmanager.INSTALL_BOTH`); the demo works either way. The process is started without
waiting: the metrics pane says "cannot reach the server" for its first second or two.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DemoPrometheus:
    """One `prometheus` process for the demo (see the module docstring)."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.log = log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def installed() -> bool:
        return shutil.which("prometheus") is not None

    @classmethod
    def start(cls, directory: Path, target: str, *, alertmanager: str = "", rules: str = "") -> DemoPrometheus | None:
        """Start scraping `target` (`127.0.0.1:PORT`); None when Prometheus is not installed.
        With `alertmanager` (`127.0.0.1:PORT`) and `rules` (a rule file's YAML), it evaluates the
        rules every second and sends what fires there."""
        binary = shutil.which("prometheus")
        if binary is None:
            return None
        home = Path(directory) / "prometheus"
        home.mkdir(mode=0o700, exist_ok=True)
        config = home / "prometheus.yml"
        text = (
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "scrape_configs:\n  - job_name: demo\n    static_configs:\n"
            f"      - targets: ['{target}']\n"
        )
        if alertmanager and rules:
            (home / "rules.yml").write_text(rules)
            text += (
                f"rule_files: ['{home / 'rules.yml'}']\n"
                "alerting:\n  alertmanagers:\n    - static_configs:\n"
                f"        - targets: ['{alertmanager}']\n"
            )
        config.write_text(text)
        port = free_port()
        log = home / "prometheus.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [
                    binary,
                    f"--config.file={config}",
                    f"--storage.tsdb.path={home / 'data'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=warn",
                ],
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl+C in the demo's terminal is the demo's to handle
            )
        return cls(proc, port, log)

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
