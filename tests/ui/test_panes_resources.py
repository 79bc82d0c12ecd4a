"""The resources pane with psutil on this machine: CPU, memory, disks, TCP states, in words."""

from __future__ import annotations

import socket

from tests.ui.test_panes_support import PanesApp, all_rows_shown, pane_text, wait_for
from warroom.config.model import Config, ResourcesConfig
from warroom.ui.widgets.resources import ResourcesPane


def rows(app: PanesApp) -> list[str]:
    return app.query_one(ResourcesPane).row_list.texts


async def test_this_host_cpu_memory_disk_and_connections() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        config = Config(resources=ResourcesConfig(mounts=("/", "/no/such/mount"), interval=0.2, disk_threshold=0.1))
        app = PanesApp(config)
        async with app.run_test(size=(160, 30)) as pilot:
            await wait_for(pilot, lambda: any(r.startswith("CPU") for r in rows(app)), "a sample")
            # The first sample can be drawn before the pane's height is shared out (a loaded machine).
            await all_rows_shown(pilot, app.query_one(ResourcesPane))
            await wait_for(pilot, lambda: any(r.startswith("TCP") for r in rows(app)), "every row")
            text = rows(app)
            cpu = next(r for r in text if r.startswith("CPU"))
            assert "%" in cpu and "cores" in cpu and "load" in cpu
            mem = next(r for r in text if r.startswith("Mem"))
            assert "available" in mem
            root = next(r for r in text if r.startswith("Disk") and " / " in r)
            # Any used disk is over a 0.1 % threshold: flagged in words, not colour alone.
            assert "▲ FULL (≥ 0.1%)" in root
            missing = next(r for r in text if "/no/such/mount" in r)
            assert "✖" in missing
            tcp = next(r for r in text if r.startswith("TCP"))
            assert "LISTEN" in tcp
    finally:
        listener.close()


async def test_resources_off_says_how_to_turn_them_on() -> None:
    app = PanesApp(Config(resources=ResourcesConfig(enabled=False)))
    async with app.run_test(size=(120, 40)):
        text = pane_text(app, "pane-resources")
        assert "Resources · not configured" in text and "[resources]" in text and "mounts" in text
