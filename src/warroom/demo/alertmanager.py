"""A real Alertmanager for `warroom demo`, when one is installed, routing into warroom's intake.

`DemoAlertmanager.start(directory, intake)` runs `prometheus-alertmanager` (the Debian package's
binary; `alertmanager` elsewhere) on a free 127.0.0.1 port, without clustering, with its config
and storage in the demo's directory: every alert goes to the webhook `http://INTAKE/` (the
demo's `[intake]` receiver), grouped by name, sent after a second and again when it resolves.
The demo's Prometheus evaluates `ALERT_RULES` and sends what fires here, so an alert computed
from the service's own `/metrics` lands on the timeline and in the alerts pane. `stop()` ends it
(terminate, then kill). Not installed: `start` returns None and the demo says how to get it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from warroom.demo.prometheus import free_port

#: The one line the demo prints when Prometheus or Alertmanager is missing.
INSTALL_BOTH = "apt install prometheus prometheus-alertmanager"

#: The demo's alert: checkout answering 5xx, as Prometheus computes it from the service's
#: counters. `for: 0s` and a 1 s evaluation, so it fires within seconds of the outage.
ALERT_NAME = "CheckoutErrors"
ALERT_RULES = f"""groups:
  - name: demo
    interval: 1s
    rules:
      - alert: {ALERT_NAME}
        expr: >-
          sum(rate(demo_http_requests_total{{path="/api/checkout",code=~"5.."}}[30s]))
          / sum(rate(demo_http_requests_total{{path="/api/checkout"}}[30s])) > 0.25
        for: 0s
        labels:
          severity: critical
          service: checkout
        annotations:
          summary: "checkout answers 5xx to {{{{ $value | humanizePercentage }}}} of requests"
          description: "computed by the demo's Prometheus from the service's /metrics"
"""


def binary() -> str | None:
    """The Alertmanager executable on PATH (Debian names it `prometheus-alertmanager`)."""
    return shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


class DemoAlertmanager:
    """One Alertmanager process for the demo (see the module docstring)."""

    def __init__(self, proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
        self.proc = proc
        self.port = port
        self.log = log

    @property
    def address(self) -> str:
        """`127.0.0.1:PORT`: where Prometheus sends alerts."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    @classmethod
    def start(cls, directory: Path, intake: str) -> DemoAlertmanager | None:
        """Start routing every alert to the webhook at `intake` (`127.0.0.1:PORT`); None when
        Alertmanager is not installed."""
        executable = binary()
        if executable is None:
            return None
        home = Path(directory) / "alertmanager"
        home.mkdir(mode=0o700, exist_ok=True)
        config = home / "alertmanager.yml"
        config.write_text(
            "route:\n"
            "  receiver: warroom\n"
            "  group_by: ['alertname']\n"
            "  group_wait: 1s\n"
            "  group_interval: 1s\n"
            "  repeat_interval: 1h\n"
            "receivers:\n"
            "  - name: warroom\n"
            "    webhook_configs:\n"
            f"      - url: 'http://{intake}/'\n"
            "        send_resolved: true\n"
        )
        port = free_port()
        log = home / "alertmanager.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [
                    executable,
                    f"--config.file={config}",
                    f"--storage.path={home / 'data'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--cluster.listen-address=",  # one instance: no gossip port
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
