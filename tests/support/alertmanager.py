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

from tests.support.server_process import ServerProcess


class AlertmanagerServer(ServerProcess):
    """`prometheus-alertmanager` on a free port (see the module docstring)."""

    def __init__(self, webhook: str, *, token: str = "") -> None:
        super().__init__("alertmanager", "warroom-am-")
        config = self.dir / "alertmanager.yml"
        auth = f"        http_config:\n          authorization:\n            credentials: {token}\n" if token else ""
        config.write_text(
            "route:\n  receiver: warroom\n  group_by: ['alertname']\n"
            "  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n"
            "receivers:\n  - name: warroom\n    webhook_configs:\n"
            f"      - url: http://{webhook}/\n        send_resolved: true\n" + auth
        )
        binary = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager") or "prometheus-alertmanager"
        self._start(
            [
                binary,
                f"--config.file={config}",
                f"--storage.path={self.dir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",
                "--log.level=warn",
            ]
        )

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"
