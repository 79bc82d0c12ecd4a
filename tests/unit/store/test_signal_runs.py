"""`warroom postmortem` counts the machine's signals in SQLite rows without an event each
(`store.signal_runs`): on real database files, its document is the one the record's events give,
signal for signal, whatever the file holds: ids out of time order, back-dated signals, secrets in
a probe's name, hand-edited rows (which it leaves to the events, so they are still flagged)."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.random_incident import random_incident
from warroom.domain import catalogue as c
from warroom.domain.events import Event, Kind, format_ts
from warroom.domain.incident import fold
from warroom.domain.postmortem_lint import lint
from warroom.redact import redacted_events, register_secrets
from warroom.services.postmortem_edits import postmortem_document, postmortem_findings, postmortem_record
from warroom.store.sync import EventStore

T0 = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=6)
SECRET = "hunter2-probe-secret"


def _write(db: Path, events: list[Event], *, raw: list[tuple] = ()) -> None:
    """The events as the store writes them (their own ids), then `raw` rows as given."""
    with EventStore.open(db):
        pass
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany(
            "INSERT INTO events (id, incident_id, at, recorded_at, kind, actor, payload, origin) VALUES (?, 1, ?, ?, ?, ?, ?, '{}')",
            [
                (e.id, format_ts(e.at), format_ts(e.recorded_at or e.at), e.kind, e.actor, json.dumps(dict(e.payload)))
                for e in events
            ],
        )
        conn.executemany(
            "INSERT INTO events (id, incident_id, at, recorded_at, kind, actor, payload, origin) VALUES (?, 1, ?, ?, ?, ?, ?, '{}')",
            raw,
        )
    conn.close()


def _documents(db: Path) -> tuple[str, str, bool]:
    """(the document `warroom postmortem` writes, the one every event folded gives, whether the
    signals were counted by the store)."""
    with EventStore.open(db) as store:
        state, runs = postmortem_record(store, 1)
        reference = fold(redacted_events(store.events(1)))
    assert state is not None and reference is not None
    return postmortem_document(state, NOW, None, runs), postmortem_document(reference, NOW), runs is not None


def _flaps(start: datetime, count: int, first_id: int) -> list[Event]:
    """Probe flaps and log spikes a second apart, some of them with a secret in the probe's name."""
    out = []
    for i in range(count):
        at = start + timedelta(seconds=i)
        if i % 3 == 0:
            payload = {"log": "app", "count": 40 + i % 7, "text": f"log app error spike: {40 + i % 7}/min"}
            out.append(Event(1, at, Kind.LOG_SPIKE, "warroom", payload, id=first_id + i))
            continue
        probe = f"https://ops:{SECRET}@api/health" if i % 5 == 0 else f"api-{i % 2}"
        kind = Kind.PROBE_DOWN if i % 4 < 2 else Kind.PROBE_UP
        text = f"probe {probe} {'DOWN' if kind == Kind.PROBE_DOWN else 'UP'} in {i % 9}ms"
        out.append(Event(1, at, kind, "warroom", {"probe": probe, "elapsed": i % 9, "text": text}, id=first_id + i))
    return out


@pytest.fixture(autouse=True)
def _secret():
    register_secrets([SECRET])


@pytest.mark.parametrize("seed", range(12))
def test_random_records_give_the_same_postmortem_as_their_events(tmp_path: Path, seed: int):
    events = [Event(1, e.at, e.kind, e.actor, e.payload, id=e.id) for e in random_incident(seed, count=220)]
    db = tmp_path / "warroom.db"
    _write(db, events)
    written, reference, counted = _documents(db)
    assert counted
    assert written == reference


def test_back_dated_signals_notes_and_ids_out_of_time_order_keep_their_places(tmp_path: Path):
    rng = random.Random(3)
    events = [Event(1, T0, Kind.DECLARED, "alice", c.declared("Checkout 500s", 2), id=1)]
    events += _flaps(T0 + timedelta(seconds=5), 400, 2)
    # notes typed later with --at, landing between signals they were written after
    events += [
        Event(1, T0 + timedelta(seconds=rng.randrange(5, 400)), Kind.NOTE, "bob", c.note(f"n{i}"), id=500 + i)
        for i in range(25)
    ]
    # signals a recorder appended late, back-dated into the stretch before the notes
    late = _flaps(T0 + timedelta(seconds=30), 40, 600)
    events += [Event(1, e.at, e.kind, e.actor, e.payload, id=e.id, recorded_at=e.at + timedelta(hours=1)) for e in late]
    events.append(Event(1, T0 + timedelta(minutes=20), Kind.RESOLVED, "alice", c.resolved("ok"), id=700))
    db = tmp_path / "warroom.db"
    _write(db, events)
    written, reference, counted = _documents(db)
    assert counted
    assert written == reference
    assert SECRET not in written
    assert "flapped" in written and "times until" in written


@pytest.mark.parametrize(
    ("at", "recorded", "kind", "payload", "flagged"),
    [
        ("2026-11-26T03:00:40Z", "2026-11-26T03:00:40Z", Kind.PROBE_DOWN, '{"probe": "api-1"}', False),
        ("2026-13-26T03:00:40.000000Z", "2026-11-26T03:00:41.000000Z", Kind.PROBE_DOWN, "{}", True),
        ("2026-11-26T03:00:40.000000Z", "yesterday", Kind.PROBE_UP, '{"probe": "api-9"}', True),
        ("2026-11-26T03:00:40.000000Z", "2026-11-26T03:00:40.000000Z", Kind.LOG_SPIKE, "{not json", True),
        ("2026-11-26T03:00:40.000000Z", "2026-11-26T03:00:40.000000Z", Kind.RESOURCE, '{"at": "noon"}', True),
        ("1999-11-26T03:00:40.000000Z", "2026-11-26T03:00:40.000000Z", Kind.PROBE_UP, '{"probe": "api-9"}', True),
    ],
    ids=[
        "time-with-no-fraction",
        "month-13",
        "bad-recorded-time",
        "unreadable-payload",
        "bad-payload-time",
        "year-1999",
    ],
)
def test_a_hand_edited_signal_row_is_read_as_an_event_and_still_flagged(
    tmp_path: Path, at: str, recorded: str, kind: str, payload: str, flagged: bool
):
    events = [Event(1, T0, Kind.DECLARED, "alice", c.declared("Checkout 500s", 2), id=1)]
    events += _flaps(T0 + timedelta(seconds=5), 60, 2)
    events.append(Event(1, T0 + timedelta(seconds=50), Kind.NOTE, "bob", c.note("pool saturated"), id=100))
    db = tmp_path / "warroom.db"
    _write(db, events, raw=[(900, at, recorded, kind, "warroom", payload)])
    written, reference, counted = _documents(db)
    assert not counted  # the store leaves a row it would read otherwise than as written to the events
    assert written == reference
    assert ("unreadable row: event #900" in written) is flagged


@pytest.mark.parametrize("seed", range(4))
def test_check_finds_what_the_events_give_and_names_who_wrote_a_signal(tmp_path: Path, seed: int):
    events = [Event(1, e.at, e.kind, e.actor, e.payload, id=e.id) for e in random_incident(seed, count=120)]
    last = max(e.id or 0 for e in events)
    # dave only ever sent a notification (a signal); the root cause blames him by name
    events.append(Event(1, T0 + timedelta(minutes=3), Kind.NOTIFY_SENT, "dave", {"audience": "exec"}, id=last + 1))
    cause = c.postmortem_section("root_cause", "dave paged the wrong team")
    events.append(Event(1, T0 + timedelta(minutes=200), Kind.POSTMORTEM_SECTION, "alice", cause, id=last + 2))
    db = tmp_path / "warroom.db"
    _write(db, events)
    with EventStore.open(db) as store:
        state, findings = postmortem_findings(store, 1)
        reference = fold(redacted_events(store.events(1)))
    assert state is not None and reference is not None
    assert findings == lint(reference)
    assert "Root cause names dave" in [f.message for f in findings]
