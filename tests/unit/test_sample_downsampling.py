"""A long incident's samples: full resolution for the newest minutes, one a minute per series older.

The recorder polls a real probe (a real HTTP server) every 10 s and a real log file every minute for
two hours of record time; the database must then hold at most one probe sample per series per
minute outside the newest minutes, and the review chart must still show the errors of every minute.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from tests.support.http_server import TestHTTPServer
from warroom.config.model import Config, LogConfig, ProbeConfig, Secret
from warroom.domain.review_chart import build_chart
from warroom.recorder import SAMPLE_FULL_RESOLUTION, SourceHub
from warroom.sources.logs import LogSource
from warroom.sources.probes import ProbeSource
from warroom.store.aio import AsyncEventStore
from warroom.store.downsample import downsample
from warroom.store.sync import EventStore

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
HOURS = 2
ERRORS_A_MINUTE = 3


def _rows(db_path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


async def test_two_hours_keep_one_probe_sample_a_minute_and_the_chart_keeps_every_minutes_errors(db_path, tmp_path):
    log = tmp_path / "api.log"
    log.write_bytes(b"")
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("checkout failing", 1, actor="alice", at=T0)).incident_id
    with TestHTTPServer() as srv:
        probe = ProbeSource(ProbeConfig(name="api", url=Secret(srv.url("/health")), timeout=2.0, interval=10))
        logs = LogSource(LogConfig(name="api", path=str(log)))
        hub = SourceHub(Config(), store, inc, sources=[probe, logs], holder="one")
        for tick in range(HOURS * 360 + 1):  # a probe poll every 10 s of record time
            now = T0 + timedelta(seconds=10 * tick)
            await hub.poll(probe, now)
            if tick % 6 == 0:  # each minute: the log gets its errors and is read
                await hub.poll(logs, now)
                with log.open("ab") as out:
                    out.writelines(b"ERROR payment declined by provider\n" for _ in range(ERRORS_A_MINUTE))
        await hub.aclose()
    end = T0 + timedelta(hours=HOURS)
    old = end - SAMPLE_FULL_RESOLUTION - timedelta(minutes=5)  # down-sampling runs every 5 minutes

    series = [s for (s,) in _rows(db_path, "SELECT DISTINCT series FROM samples WHERE series LIKE 'probe.%'")]
    assert series, "the probe recorded samples"
    for name in series:
        per_minute = _rows(
            db_path,
            "SELECT substr(at, 1, 16), COUNT(*) FROM samples WHERE series = ? AND at < ? GROUP BY 1",
            name,
            old.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        )
        assert per_minute and max(n for _, n in per_minute) == 1, name
        first_hour = sum(n for minute, n in per_minute if minute < "2026-03-14T10:00")
        assert first_hour <= 60, (name, first_hour)
        # the newest minutes keep every sample (one each 10 s)
        newest = _rows(db_path, "SELECT COUNT(*) FROM samples WHERE series = ? AND at > ?", name, "2026-03-14T10:50")
        assert newest[0][0] >= 50, (name, newest)
    up = _rows(db_path, "SELECT DISTINCT value FROM samples WHERE series = 'probe.api.up' AND at < '2026-03-14T10:00'")
    assert up == [(1.0,)]  # a minute's row is the mean of its samples: up all along

    with EventStore.open(db_path) as sync:
        events = sync.events(inc)
        errors = sync.error_samples(inc, T0)
    chart = build_chart(events, errors, T0, end, HOURS * 60)  # one column a minute
    shown = [e for e in chart.errors[1:-1] if e is not None]
    assert len(shown) >= HOURS * 60 - 4 and set(shown) == {ERRORS_A_MINUTE}
    await store.close()


def test_downsample_keeps_each_crowded_minute_as_one_mean_and_leaves_the_rest(db_path):
    with EventStore.open(db_path) as store:
        inc = store.declare("x", 2, actor="a", at=T0).incident_id
        store.add_samples(inc, [_sample("cpu", T0 + timedelta(seconds=s), v) for s, v in ((0, 10), (20, 20), (40, 60))])
        store.add_samples(inc, [_sample("cpu", T0 + timedelta(minutes=1, seconds=30), 5)])  # alone in its minute
        store.add_samples(inc, [_sample("cpu", T0 + timedelta(minutes=2, seconds=s), 1) for s in (0, 30)])  # too new
        store.add_samples(inc, [_sample("mem", T0 + timedelta(seconds=s), 1) for s in (0, 30)])  # not asked for
        removed = store.downsample_samples(inc, ["cpu"], T0 + timedelta(minutes=2, seconds=10))
        kept = store.samples(inc)
        assert len(store.events(inc)) == 1
    assert removed == 2
    assert sorted(kept) == [
        ("cpu", "2026-03-14T09:00:00.000000Z", 30.0),
        ("cpu", "2026-03-14T09:01:30.000000Z", 5.0),
        ("cpu", "2026-03-14T09:02:00.000000Z", 1.0),
        ("cpu", "2026-03-14T09:02:30.000000Z", 1.0),
        ("mem", "2026-03-14T09:00:00.000000Z", 1.0),
        ("mem", "2026-03-14T09:00:30.000000Z", 1.0),
    ]


def test_downsample_from_a_boundary_leaves_older_minutes_alone(db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE samples (id INTEGER PRIMARY KEY, incident_id, series, at, value)")
        rows = [(1, "cpu", f"2026-03-14T09:0{m}:{s}0.000000Z", float(s)) for m in range(3) for s in (0, 3)]
        conn.executemany("INSERT INTO samples (incident_id, series, at, value) VALUES (?, ?, ?, ?)", rows)
        assert downsample(conn, 1, ["cpu"], T0 + timedelta(minutes=3), since=T0 + timedelta(minutes=1)) == 2
        left = conn.execute("SELECT substr(at, 1, 16), COUNT(*) FROM samples GROUP BY 1 ORDER BY 1").fetchall()
    assert left == [("2026-03-14T09:00", 2), ("2026-03-14T09:01", 1), ("2026-03-14T09:02", 1)]


def _sample(series: str, at: datetime, value: float):
    from warroom.domain.signals import Sample

    return Sample(series, value, at)
