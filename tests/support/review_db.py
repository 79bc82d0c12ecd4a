"""A real database holding a hand-built incident, for the review screen's tests and benchmark.

`checkout_incident()` is the story the review tests tell: a deploy four minutes before the
declaration, the api probe going down, SEV-3 raised to SEV-1, an ack, a rollback that mitigates,
the probe back up, resolution; and the logs' errors-a-minute samples rising and falling with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from tests.support.incident_builder import Incident, at
from warroom.domain import catalogue as c
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.signals import Sample
from warroom.store.sync import EventStore


def probe_down(inc: Incident, minute: float, probe: str = "api") -> Incident:
    payload = c.probe_down(
        probe=probe,
        status_code=503,
        elapsed=0.2,
        failure="status",
        error=None,
        previous="up",
        failures=3,
        first_failure_at=None,
    )
    return inc.add(minute, Kind.PROBE_DOWN, payload | {"text": f"probe {probe} DOWN: 503"}, "warroom")


def probe_up(inc: Incident, minute: float, probe: str = "api") -> Incident:
    payload = c.probe_up(
        probe=probe, status_code=200, elapsed=0.1, down_seconds=60.0, down_since=None, first_success_at=None
    )
    return inc.add(minute, Kind.PROBE_UP, payload | {"text": f"probe {probe} UP"}, "warroom")


def checkout_incident() -> Incident:
    """The review tests' incident (see the module docstring); minutes after T0 (03:00 UTC)."""
    inc = Incident(sev=3, title="Checkout returning 500s")
    inc.deploy(-4)
    inc.ic(1, "alice").tech(1.5, "bob")
    inc.note(2, "errors rising on checkout since the deploy", actor="bob")
    probe_down(inc, 3)
    probe_up(inc, 3.5, "web")
    inc.sev(5, 3, 1)
    inc.add(6, Kind.ACKNOWLEDGED, c.acknowledged())
    inc.post(8)
    inc.note(12, "pool exhausted on payments-db", actor="bob")
    inc.mitigated(30, "rolled back deploy 0aaf9da")
    probe_up(inc, 31)
    inc.post(33)
    inc.resolve(60)
    return inc


def error_samples(minutes: range = range(-10, 62)) -> list[Sample]:
    """`log.app.per_min`: quiet, a climb from the deploy, a peak, back down after the rollback."""
    out = []
    for m in minutes:
        value = 2.0 if m < -3 else 40.0 + 10 * m if m < 5 else 120.0 if m < 30 else 3.0
        out.append(Sample("log.app.per_min", value, at(m)))
    return out


def write_incident(
    path: Path | str, events: Iterable[Event], samples: Iterable[Sample] = (), incident_id: int = 1
) -> None:
    """Append `events` as incident `incident_id`, each recorded at its own time (so nothing on
    screen depends on when the test ran), through a real store's connection."""
    with EventStore.open(path) as store:
        conn = store._conn
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO events (incident_id, at, recorded_at, kind, actor, payload, origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (incident_id, format_ts(ev.at), format_ts(ev.at), ev.kind, ev.actor, json.dumps(dict(ev.payload)), "{}")
                for ev in events
            ],
        )
        conn.execute("COMMIT")
        store.add_samples(incident_id, list(samples))


def minutes(m: float) -> timedelta:
    return timedelta(minutes=m)
