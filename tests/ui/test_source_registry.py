"""A new source kind takes a config section, a source, a pane and one registry entry, and then
shows up everywhere: `warroom snapshot`, the recorder's loop (samples in the database), the
poller and the war room screen (its own pane, its line in the summary, `/pin` names)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.content import Content

from tests.ui.warroom_helpers import wait_for
from warroom import cli
from warroom.config.fields import Table
from warroom.config.loader import load_config, register_section, unregister_section
from warroom.domain.events import format_ts
from warroom.domain.signals import Sample, SignalEvent
from warroom.recorder import SourceHub, run_headless
from warroom.records import Record, record
from warroom.scheduler import SourceUpdate
from warroom.sources import registry
from warroom.sources.observers import SignalObserver
from warroom.sources.registry import PaneSpec, SourceInfo, SourceKind
from warroom.store.aio import AsyncEventStore
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp
from warroom.ui.poller import Poller
from warroom.ui.screens.warroom import source_names
from warroom.ui.widgets.pane_base import Detail, SourcePane, error_row, line

# --- the kind: a die that rolls 1, 2, ... faces, 1, 2, ... ---------------------------------------


@record
class DiceConfig(Record):
    """`[[dice]]`: its config section."""

    name: str
    faces: int = 6
    interval: float = 0.05


DICE_KEYS = ("name", "faces")


def read_dice(t: Table) -> DiceConfig:
    return DiceConfig(name=t.text("name", "", required=True), faces=t.integer("faces", 6, minimum=2))


@dataclass(frozen=True)
class DiceRoll:
    """Its snapshot: frozen, timestamped, carrying its error, printing itself."""

    name: str
    taken_at: datetime
    value: int
    error: str | None = None

    def as_text(self) -> str:
        return f"dice {self.name} rolled {self.value}"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "taken_at": format_ts(self.taken_at), "value": self.value}


class DiceSource:
    """Its source."""

    kind = "dice"

    def __init__(self, config: DiceConfig) -> None:
        self.config = config
        self.name = config.name
        self.key = f"dice:{config.name}"
        self.interval = config.interval
        self.rolls = 0

    async def collect(self, now: datetime) -> DiceRoll:
        self.rolls += 1
        return DiceRoll(self.name, now, (self.rolls - 1) % self.config.faces + 1)

    async def aclose(self) -> None:
        return None


class DiceObserver(SignalObserver):
    """Its rule: every roll is a sample."""

    throttle = False

    def __init__(self, source: DiceSource) -> None:
        self.name = source.name

    def observe(self, snapshot: Any, now: datetime) -> tuple[list[SignalEvent], list[Sample]]:
        if not isinstance(snapshot, DiceRoll):
            return [], []
        return [], [Sample(f"dice.{self.name}.value", float(snapshot.value), now)]


class DicePane(SourcePane):
    """Its pane."""

    TITLE = "Dice"
    EMPTY = 'No dice configured. Add to warroom.toml:\n  [[dice]]\n  name = "d6"'
    ONE_SOURCE = True

    def __init__(self, source: SourceInfo | None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__([source] if source is not None else [], id=id, classes=classes)

    def rows(self, now: datetime) -> list[Content | Detail]:
        update = self.updates.get(self.sources[0].key)
        if update is None:
            return [line("no roll yet")]
        snap = update.snapshot
        return [line(f"rolled {snap.value}")] if isinstance(snap, DiceRoll) else [error_row(update, now)]


def dice_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: Any,
    stale: Any,
    detected_at: datetime | None,
) -> Content | None:
    """Its line in the small-terminal summary."""
    snap = update.snapshot
    return line("● DICE    ", name, f" rolled {snap.value}", age) if isinstance(snap, DiceRoll) else None


@pytest.fixture
def dice_kind() -> Iterator[SourceKind]:
    """The one registry entry (and its config section), removed again after the test."""
    register_section("dice", DICE_KEYS, read_dice)
    kind = registry.register(
        SourceKind(
            "dice",
            "dice",
            lambda config: config.section("dice"),
            DiceSource,
            DiceRoll,
            PaneSpec(f"{__name__}:DicePane", "right", "dice", per_source=True),
            f"{__name__}:dice_row",
            DiceObserver,
        )
    )
    try:
        yield kind
    finally:
        registry.unregister("dice")
        unregister_section("dice")


def write_config(tmp_path: Path, dice: bool = True) -> Path:
    path = tmp_path / "warroom.toml"
    text = "[resources]\nenabled = false\n"
    if dice:
        text += '[[dice]]\nname = "d6"\n'
    path.write_text(text)
    return path


# --- the tests -----------------------------------------------------------------------------------


def test_snapshot_prints_the_new_kind_as_text_and_json(tmp_path: Path, dice_kind: SourceKind, capsys: Any) -> None:
    path = write_config(tmp_path)
    assert cli.main(["--config", str(path), "snapshot"]) == 0
    out = capsys.readouterr().out
    assert "== dice:d6" in out and "dice d6 rolled 1" in out
    assert cli.main(["--config", str(path), "snapshot", "--json", "--only", "dice"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [(p["key"], p["kind"], p["snapshot"]["value"]) for p in printed] == [("dice:d6", "dice", 1)]


def test_an_unknown_section_is_still_refused_once_the_kind_is_gone(tmp_path: Path) -> None:
    from warroom.config.problems import ConfigError

    with pytest.raises(ConfigError, match=r"unknown section \[\[dice\]\]"):
        load_config(write_config(tmp_path))


async def test_the_recorders_loop_runs_the_new_kind_and_records_its_samples(
    tmp_path: Path, dice_kind: SourceKind
) -> None:
    db = tmp_path / "w.db"
    with EventStore.open(db) as sync_store:
        incident = sync_store.declare("dice", 3, actor="a").incident_id
    config = load_config(write_config(tmp_path))
    store = await AsyncEventStore.open(db)
    hub = SourceHub(config, store, incident, holder="test")
    seen: list[Any] = []
    try:
        assert [s.key for s in hub.sources] == ["dice:d6"]
        await run_headless(hub, duration=0.6, on_outcome=lambda source, outcome: seen.append(outcome.snapshot))
    finally:
        await hub.aclose()
        await store.close()
    assert len(seen) >= 3 and [s.value for s in seen[:3]] == [1, 2, 3]
    with EventStore.open(db) as sync_store:
        values = [v for _, _, v in sync_store.samples(incident, "dice.d6.value")]
    assert values[:3] == [1.0, 2.0, 3.0], "every roll recorded as a sample"


async def test_the_war_room_shows_the_new_kinds_pane_summary_and_pin_name(
    tmp_path: Path, dice_kind: SourceKind
) -> None:
    db = tmp_path / "w.db"
    with EventStore.open(db) as sync_store:
        sync_store.declare("dice", 3, actor="a")
    app = WarRoomApp(db, load_config(write_config(tmp_path)), actor="a")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query("#pane-dice-0")), "the dice pane")
        pane = app.screen.query_one("#pane-dice-0", DicePane)
        await wait_for(pilot, lambda: any(t.startswith("rolled ") for t in pane.row_list.texts), "a roll on screen")
        poller = Poller.for_app(app)
        assert poller is not None and isinstance(poller.latest("dice:d6").snapshot, DiceRoll)
        assert app.screen.pane_names() == ["d6"], "/pin completes the new kind's name"
        assert source_names(app.config) == ["d6"]
        await pilot.resize_terminal(80, 24)
        from warroom.ui.widgets.panes import SourceSummary

        summary = app.screen.query_one(SourceSummary)
        await wait_for(
            pilot,
            lambda: any("● DICE" in t and "d6" in t and "rolled" in t for t in summary.texts),
            "the dice line in the summary",
        )


async def test_an_unconfigured_new_kind_says_how_to_configure_it(tmp_path: Path, dice_kind: SourceKind) -> None:
    db = tmp_path / "w.db"
    with EventStore.open(db) as sync_store:
        sync_store.declare("dice", 3, actor="a")
    app = WarRoomApp(db, load_config(write_config(tmp_path, dice=False)), actor="a")
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query("#pane-dices")), "the dice pane")
        pane = app.screen.query_one("#pane-dices", DicePane)
        assert not pane.configured and "[[dice]]" in str(pane.query_one(".pane-empty").render())
