"""A real Alertmanager (Debian package `prometheus-alertmanager`) for tests, routing every alert to
one webhook (a warroom intake).

    with AlertmanagerServer("127.0.0.1:9095") as am:
        am.address                   # 127.0.0.1:PORT: what Prometheus sends alerts to

Grouped by alert name, sent one second after the first alert and again a second after any change
(a resolution included); no clustering; config and storage in a temporary directory that
`close()` removes after stopping the process (terminate, then kill).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.support.prometheus import START_TIMEOUT, free_port


class AlertmanagerServer:
    """`prometheus-alertmanager` on a free port (see the module docstring)."""

    def __init__(self, webhook: str, *, token: str = "") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="warroom-am-"))
        self.port = free_port()
        config = self.dir / "alertmanager.yml"
        auth = f"        http_config:\n          authorization:\n            credentials: {token}\n" if token else ""
        config.write_text(
            "route:\n  receiver: warroom\n  group_by: ['alertname']\n"
            "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n"
            "receivers:\n  - name: warroom\n    webhook_configs:\n"
            f"      - url: http://{webhook}/\n        send_resolved: true\n" + auth
        )
        self.log = (self.dir / "alertmanager.log").open("wb")
        binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager") or "prometheus-alertmanager"
        self.proc = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.path={self.dir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",
                "--log.level=warn",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.close()
            raise

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"alertmanager exited {self.proc.returncode}: {self.log_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://{self.address}/-/ready", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"alertmanager not ready after {START_TIMEOUT:g}s: {self.log_text()[-2000:]}")

    def log_text(self) -> str:
        self.log.flush()
        return (self.dir / "alertmanager.log").read_text(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> AlertmanagerServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
