"""Make the README's screenshots from fixed data: `python -m warroom.ui.screenshots OUTDIR`.

Writes `warroom-<theme>-120x40.svg` for every theme and `warroom-dark-80x24.svg`, from a fixed
incident in a temporary database with a frozen clock, so the same code always draws the same
pictures (never edit them by hand). Tests use the same fixed incident (`build_fixture`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from warroom.config.model import Config, TeamConfig
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

#: When the fixture incident was declared, and the frozen "now" it is shown at.
DECLARED_AT = datetime(2025, 3, 4, 14, 2, 0, tzinfo=timezone.utc)
FROZEN_NOW = DECLARED_AT + timedelta(minutes=19, seconds=30)

FIXTURE_CONFIG = Config(
    team=TeamConfig(
        name="payments",
        roster=("alice", "bob", "carol", "dave"),
        extra_roles=("Customer Liaison",),
    )
)


def frozen_clock() -> datetime:
    return FROZEN_NOW


def build_fixture(db_path: Path) -> int:
    """Write the fixed incident (a SEV-2 raised to SEV-1, rolled back, monitoring); its id."""
    store = EventStore.open(db_path)
    try:
        t = DECLARED_AT
        declared = store.declare(
            "Checkout API returning 500s for EU customers",
            2,
            actor="alice",
            impact="EU customers cannot complete checkout (about 30% of orders)",
            detected_by="alert: checkout-5xx-rate",
            started_at=t - timedelta(minutes=10),
            at=t,
        )
        inc = declared.incident_id

        def add(minutes: float, kind: str, payload: dict[str, Any], actor: str) -> None:
            store.append(inc, kind, payload, actor=actor, at=t + timedelta(minutes=minutes))

        add(0.5, Kind.ROLE_ASSIGNED, {"role": "Incident Commander", "person": "alice"}, "alice")
        add(1.2, Kind.ACKNOWLEDGED, {}, "alice")
        add(1.7, Kind.PROBE_DOWN, {"text": "probe checkout-api DOWN: 503 in 0.12s"}, "warroom")
        add(2.1, Kind.ROLE_ASSIGNED, {"role": "Tech Lead", "person": "bob"}, "alice")
        add(3.2, Kind.NOTE, {"text": "5xx rate 38% on eu-west-1 since 13:52, right after deploy 4f2a91c"}, "bob")
        add(4.0, Kind.DEPLOY, {"text": "deploy 4f2a91c payments: raise connection pool to 400 (carol, 13:49)"}, "warroom")
        add(5.5, Kind.SEVERITY, {"from": 2, "to": 1, "reason": "most EU checkouts failing"}, "alice")
        add(6.0, Kind.COMMS_POSTED, {"audience": "internal", "text": "SEV-1 declared: checkout 500s for EU"}, "alice")
        add(6.4, Kind.ROLE_ASSIGNED, {"role": "Scribe", "person": "dave"}, "alice")
        add(7.7, Kind.NOTE, {"text": "rolling back 4f2a91c: kubectl rollout undo deploy/payments --to-revision=41"}, "bob")
        add(10.3, Kind.MITIGATED, {"text": "rolled back deploy/payments to revision 41"}, "bob")
        add(11.0, Kind.PROBE_UP, {"text": "probe checkout-api UP after 9m"}, "warroom")
        add(12.5, Kind.STATUS, {"from": "Investigating", "to": "Monitoring", "text": "5xx back to 0.4%"}, "alice")
        add(14.0, Kind.NOTE, {"text": "watching error budget for 15 minutes before resolving"}, "alice")
        return inc
    finally:
        store.close()


def fixture_app(db_path: Path, theme: str | None = None, clock: Callable[[], datetime] = frozen_clock) -> Any:
    """A WarRoomApp on the fixed incident (built if the database is new)."""
    from warroom.ui.app import WarRoomApp

    if not db_path.exists():
        build_fixture(db_path)
    return WarRoomApp(db_path, FIXTURE_CONFIG, theme=theme, clock=clock, actor="carol")


async def settle(pilot: Any) -> None:
    """Wait (bounded) until the war room has loaded its incident, then freeze the cursor."""
    from warroom.ui.screens.warroom import WarRoomScreen
    from warroom.ui.widgets.commandline import CommandInput

    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, WarRoomScreen) and screen.state is not None:
            break
        await pilot.pause(0.02)
    for command in pilot.app.screen.query(CommandInput):
        command.cursor_blink = False
    await pilot.pause()


async def _shoot(db_path: Path, theme: str, size: tuple[int, int], out: Path) -> Path:
    app = fixture_app(db_path, theme)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        svg = app.export_screenshot(title=f"warroom · {theme} · {size[0]}x{size[1]}")
    path = out / f"warroom-{theme.removeprefix('warroom-')}-{size[0]}x{size[1]}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


async def make_screenshots(out: Path) -> list[Path]:
    from warroom.ui.themes import theme_names

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="warroom-shots-") as tmp:
        db = Path(tmp) / "warroom.db"
        build_fixture(db)
        for theme in theme_names():
            written.append(await _shoot(db, theme, (120, 40), out))
        written.append(await _shoot(db, "warroom-dark", (80, 24), out))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warroom.ui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder for the SVGs (e.g. screenshots/)")
    args = parser.parse_args(argv)
    for path in asyncio.run(make_screenshots(args.outdir)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
