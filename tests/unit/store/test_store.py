"""The store on a real SQLite file, with real concurrent processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from warroom.domain.events import Kind
from warroom.domain.signals import Sample
from warroom.errors import UserError
from warroom.store.aio import AsyncEventStore
from warroom.store.schema import SCHEMA_VERSION
from warroom.store.sync import EventStore


def test_new_database_is_private_wal_and_versioned(db_path: Path):
    with EventStore.open(db_path) as store:
        store.declare("API down", 1, actor="alice")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    for side in ("-wal", "-shm"):
        side_file = db_path.with_name(db_path.name + side)
        if side_file.exists():
            assert stat.S_IMODE(side_file.stat().st_mode) == 0o600
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_events_cannot_be_updated_or_deleted(db_path: Path):
    with EventStore.open(db_path) as store:
        store.declare("API down", 1, actor="alice")
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE events SET actor = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM events")


def test_incident_numbers_are_allocated_in_order_and_state_folds(db_path: Path):
    with EventStore.open(db_path) as store:
        a = store.declare("first", 2, actor="alice")
        b = store.declare("second", 3, actor="bob", drill=True)
        store.append(a.incident_id, Kind.NOTE, {"text": "hello"}, actor="carol")
        store.append(a.incident_id, Kind.RESOLVED, {}, actor="alice")
        assert (a.incident_id, b.incident_id) == (1, 2)
        assert store.open_incident_ids() == [2]
        states = store.incidents()
        assert [s.title for s in states] == ["first", "second"]
        assert states[1].drill
        assert [e.kind for e in store.events(1)] == [Kind.DECLARED, Kind.NOTE, Kind.RESOLVED]
        assert store.events(1, after_id=a.id)[0].payload == {"text": "hello"}


def test_dedupe_key_records_an_observation_once(db_path: Path):
    with EventStore.open(db_path) as one, EventStore.open(db_path) as two:
        inc = one.declare("x", 2, actor="a").incident_id
        assert one.append(inc, Kind.DEPLOY, {"text": "deploy abc"}, actor="warroom", dedupe_key="deploy:api:abc")
        assert (
            two.append(inc, Kind.DEPLOY, {"text": "deploy abc"}, actor="warroom", dedupe_key="deploy:api:abc") is None
        )
        assert len([e for e in one.events(inc) if e.kind == Kind.DEPLOY]) == 1


def test_data_version_tells_a_reader_another_process_wrote(db_path: Path):
    with EventStore.open(db_path) as reader, EventStore.open(db_path) as writer:
        inc = writer.declare("x", 2, actor="a").incident_id
        before = reader.data_version()
        assert reader.data_version() == before
        writer.append(inc, Kind.NOTE, {"text": "new"}, actor="b")
        assert reader.data_version() != before
        assert reader.max_event_id() == 2


def test_newer_schema_is_refused_clearly(db_path: Path):
    with EventStore.open(db_path):
        pass
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(UserError, match="newer warroom"):
        EventStore.open(db_path)


def test_not_a_database_is_a_clear_error(tmp_path: Path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("this is not sqlite " * 100)
    with pytest.raises(UserError, match="not a warroom database"):
        EventStore.open(bogus)


def test_samples_are_stored_for_later_charts(db_path: Path):
    from datetime import datetime

    at = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    with EventStore.open(db_path) as store:
        inc = store.declare("x", 2, actor="a").incident_id
        store.add_samples(inc, [Sample("probe.api.latency_ms", 12.5, at), Sample("probe.api.up", 1, at)])
        assert store.samples(inc, "probe.api.latency_ms") == [
            ("probe.api.latency_ms", "2026-11-26T03:00:00.000000Z", 12.5)
        ]


def test_recorder_lease_has_one_holder_until_it_expires(db_path: Path):
    with EventStore.open(db_path) as store:
        assert store.acquire_lease(1, "host:1", ttl=10, now=100.0)
        assert not store.acquire_lease(1, "host:2", ttl=10, now=105.0)
        assert store.acquire_lease(1, "host:1", ttl=10, now=105.0)  # renewal
        assert store.acquire_lease(1, "host:2", ttl=10, now=116.0)  # expired: taken over


async def test_async_store_appends_and_reads_back(db_path: Path):
    store = await AsyncEventStore.open(db_path)
    try:
        ev = await store.declare("async", 1, actor="alice")
        saved = await store.append(ev.incident_id, Kind.NOTE, {"text": "hi"}, actor="bob")
        assert saved.id == ev.id + 1
        state = await store.incident(ev.incident_id)
        assert state.title == "async" and len(state.events) == 2
        assert await store.open_incident_ids() == [ev.incident_id]
    finally:
        await store.close()
    # Another process (here: a fresh connection) sees it committed.
    with EventStore.open(db_path) as check:
        assert len(check.events(ev.incident_id)) == 2


def test_four_processes_fifty_notes_each_lose_and_double_nothing(db_path: Path, home_env):
    exe = str(warroom_executable())
    env = {**home_env, "WARROOM_DB": str(db_path)}
    subprocess.run([exe, "declare", "load test", "--sev", "3"], env=env, check=True, capture_output=True)
    failures: list[str] = []

    def writer(n: int) -> None:
        for i in range(50):
            r = subprocess.run([exe, "note", f"w{n}-{i}"], env=env, capture_output=True, text=True)
            if r.returncode != 0:
                failures.append(r.stderr)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with EventStore.open(db_path) as store:
        notes = [e.payload["text"] for e in store.events(1) if e.kind == Kind.NOTE]
    assert len(notes) == 200
    assert sorted(notes) == sorted(f"w{n}-{i}" for n in range(4) for i in range(50))


def test_killed_writer_keeps_every_append_it_reported(db_path: Path):
    script = textwrap.dedent(
        f"""
        import sys
        from warroom.store.sync import EventStore
        store = EventStore.open({str(db_path)!r})
        inc = store.declare("kill test", 2, actor="k").incident_id
        i = 0
        while True:
            ev = store.append(inc, "note", {{"text": str(i)}}, actor="k")
            sys.stdout.write(f"{{ev.id}}\\n"); sys.stdout.flush()
            i += 1
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    reported: list[int] = []
    deadline = time.monotonic() + 30
    while len(reported) < 300 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            reported.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reported += [int(x) for x in proc.stdout.read().split()]
    assert len(reported) >= 300
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with EventStore.open(db_path) as store:
        present = {e.id for e in store.events(1)}
    assert set(reported) <= present


def test_locked_database_gives_a_clear_error_and_writes_nothing(db_path: Path, run_warroom):
    env = {"WARROOM_DB": str(db_path), "WARROOM_BUSY_TIMEOUT_MS": "300"}
    assert run_warroom("declare", "locked", "--sev", "2", env=env).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sqlite3, sys, time
            c = sqlite3.connect({str(db_path)!r}, isolation_level=None)
            c.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            time.sleep(20)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run_warroom("note", "will not fit", env=env)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode != 0
    assert "locked by another process" in result.stderr and "Traceback" not in result.stderr
    with EventStore.open(db_path) as store:
        assert [e.kind for e in store.events(1)] == [Kind.DECLARED]


def test_a_lease_held_elsewhere_is_refused_without_waiting_for_the_write_lock(db_path: Path):
    with EventStore.open(db_path) as store:
        assert store.acquire_lease(1, "host:1", ttl=10, now=100.0)
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process is writing (the holder appending)
    try:
        with EventStore.open(db_path, busy_timeout_ms=0) as store:
            assert not store.acquire_lease(1, "host:2", ttl=10, now=105.0)  # no "database is locked"
    finally:
        writer.execute("ROLLBACK")
        writer.close()
