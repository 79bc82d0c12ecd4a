"""The scripted timeline's machinery: steps at script times, run in order on a script clock.

A `Step` happens `at` script seconds after the start. World steps change the world (a deploy, a
rollback, a log rotation); human steps append events through the store with a roster name as
actor, exactly as `warroom note` would. A step may wait for something the real sources record
(`wait_for`, e.g. "the probe went DOWN") for up to `max_wait` script seconds before it runs, so the
people in the story react to what the war room showed them. The story itself is in `story.py`.

Each step runs with `ctx.step_at`, the script time it belongs to: its scheduled `at`, or the time
the runner got to it when a gate held it back. World changes are stamped with it (not with the
moment this thread woke up), and after each pass the runner tells the world how far the story is
final (`WorldState.settle`), so the log writer's output is the same for the same seed whatever the
thread timing.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from warroom.demo.state import ScriptClock, WorldState
from warroom.domain import catalogue
from warroom.domain.events import Event, Kind
from warroom.store.sync import EventStore

PHASES = ("detect", "triage", "mitigate", "communicate", "resolve")


@dataclass
class DemoContext:
    """What steps act on: the world, the incident, and a store opened in the runner's thread."""

    db_path: Path
    incident_id: int
    state: WorldState
    base_url: str = ""
    repo: Any = None  # DemoRepo | None
    logs: Any = None  # LogWriter | None
    started_at: datetime | None = None
    config: Any = None  # the demo's loaded Config (team, cadence) for drafts
    facts: dict[str, Any] = field(default_factory=dict)
    #: The script time the running step belongs to (None outside a step: "now").
    step_at: float | None = None
    _store: EventStore | None = None

    @property
    def store(self) -> EventStore:
        # sqlite3 connections belong to the thread that made them: open on first use, in the runner.
        if self._store is None:
            self._store = EventStore.open(self.db_path)
        return self._store

    def append(self, kind: str, payload: Mapping[str, Any], actor: str) -> Event | None:
        return self.store.append(self.incident_id, kind, payload, actor=actor, at=self.state.clock.now())

    def note(self, actor: str, text: str) -> Event | None:
        return self.append(Kind.NOTE, catalogue.note(text), actor)

    def seen(self, kind: str, after_id: int = 0, name: str | None = None) -> bool:
        """Has an event of `kind` (about source `name`, if given) been recorded after `after_id`?"""
        for ev in self.store.events(self.incident_id, after_id):
            if ev.kind != kind:
                continue
            if name is None or name in str(ev.payload.get("name", "")) or name in str(ev.payload.get("text", "")):
                return True
        return False

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


@dataclass(frozen=True)
class Step:
    """One thing that happens in the story."""

    at: float  # script seconds after the start
    phase: str  # one of PHASES
    name: str  # what happens, in a few words
    run: Callable[[DemoContext], Any]
    wait_for: Callable[[DemoContext], bool] | None = None
    max_wait: float = 0.0  # script seconds past `at` to wait for `wait_for` before running anyway


class ScenarioRunner:
    """Runs the steps in order as the clock reaches them; `run_due()` is one pass, `run()` loops.

    A failing step is recorded in `failures` and the story goes on: the demo must never crash.
    """

    def __init__(self, steps: list[Step], ctx: DemoContext, clock: ScriptClock, stop: threading.Event) -> None:
        self.steps = sorted(steps, key=lambda s: s.at)
        self.ctx = ctx
        self.clock = clock
        self.stop = stop
        self.done: list[str] = []
        self.failures: list[tuple[str, str]] = []
        self._next = 0
        self._settled = 0.0
        ctx.state.settle(self._settled)

    @property
    def finished(self) -> bool:
        return self._next >= len(self.steps)

    def run_due(self) -> list[str]:
        """Run every step whose time has come; a gated step not yet ready holds the rest back."""
        ran: list[str] = []
        pass_start = self.clock.elapsed()
        while not self.finished and not self.stop.is_set():
            step = self.steps[self._next]
            now = self.clock.elapsed()
            if now < step.at:
                break
            if step.wait_for is not None and now < step.at + step.max_wait and not self._ready(step):
                break
            self._next += 1
            # On time: its scheduled time (however late this thread woke). Held back by a gate past
            # what was already declared final: when it really happened.
            self.ctx.step_at = step.at if step.at >= self._settled else max(pass_start, self._settled)
            try:
                step.run(self.ctx)
                self.done.append(step.name)
                ran.append(step.name)
            except Exception as exc:  # the story goes on; the failure is reported at the end
                self.failures.append((step.name, f"{type(exc).__name__}: {exc}"))
            finally:
                self.ctx.step_at = None
        # Every step not run yet is either scheduled after `pass_start` or will be stamped no earlier.
        self._settled = math.inf if self.finished else max(self._settled, pass_start)
        self.ctx.state.settle(self._settled)
        return ran

    def _ready(self, step: Step) -> bool:
        try:
            return bool(step.wait_for(self.ctx))  # type: ignore[misc]
        except Exception:
            return False

    def seconds_to_next(self) -> float:
        """Wall seconds until the next step is due (0 when one is due or waiting on a gate)."""
        if self.finished:
            return float("inf")
        return max(0.0, self.clock.wall_seconds(self.steps[self._next].at - self.clock.elapsed()))

    def run(self) -> None:
        """Thread target: run the story until it ends or the world stops."""
        try:
            while not self.stop.is_set() and not self.finished:
                self.run_due()
                # Short waits: gates poll the store, and stop must be noticed quickly.
                self.stop.wait(min(self.seconds_to_next(), 0.2) or 0.2)
        finally:
            self.ctx.state.settle(math.inf)  # nothing more will change: never hold the log back
            self.ctx.close()
