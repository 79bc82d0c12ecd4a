"""Snapshots of the mitigation screen on the fixture incident (frozen clock, frozen deploys: the
suspect 4f2a91c) with two configured mitigations, at 80x24 and 120x40.

Update after an intended change with `pytest tests/ui/test_mitigation_snapshots.py --snapshot-update`
and look at the pictures before committing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from warroom.config.model import MitigationConfig
from warroom.ui.app import WarRoomApp
from warroom.ui.screenshots import FROZEN_NOW, SIGNALS_CONFIG, build_fixture, frozen_clock, frozen_sources, settle

MITIGATIONS = (
    MitigationConfig("checkout flag off", "flag", ("flagctl", "set", "new-checkout", "off")),
    MitigationConfig(
        "restart payments",
        "restart",
        ("kubectl", "rollout", "restart", "deploy/payments"),
        capture_argv=("kubectl", "describe", "deploy/payments"),
        timeout=120,
    ),
)


def fixture(tmp_path: Path) -> WarRoomApp:
    db = tmp_path / "warroom.db"
    build_fixture(db)
    config = replace(SIGNALS_CONFIG, mitigations=MITIGATIONS)
    return WarRoomApp(db, config, clock=frozen_clock, actor="carol", sources=frozen_sources(FROZEN_NOW))


async def open_mitigations(pilot) -> None:
    from warroom.ui.screens.mitigation import MitigationScreen

    await settle(pilot)
    await pilot.press("escape", "m")
    for _ in range(200):
        if isinstance(pilot.app.screen, MitigationScreen):
            break
        await pilot.pause(0.02)
    await pilot.pause()


def test_mitigation_screen_120x40(snap_compare, tmp_path: Path):
    assert snap_compare(fixture(tmp_path), terminal_size=(120, 40), run_before=open_mitigations)


def test_mitigation_screen_80x24(snap_compare, tmp_path: Path):
    assert snap_compare(fixture(tmp_path), terminal_size=(80, 24), run_before=open_mitigations)
