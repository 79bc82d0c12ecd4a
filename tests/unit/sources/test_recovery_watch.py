"""The recovery watch against a real store: metrics recovered once per recovery, across two
processes, again after a relapse, and never for a resolved incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.domain.probe_rules import ProbeState
from warroom.sources.observers import ProbeStatus
from warroom.sources.recovery import RecoveryWatch
from warroom.store.aio import AsyncEventStore

T0 = datetime.now(UTC).replace(microsecond=0)
PROBE = SimpleNamespace(key="probe:api", kind="probe", name="api")
UP = ProbeStatus(ProbeState.UP)
DOWN = ProbeStatus(ProbeState.DOWN)


def _down_payload() -> dict:
    return catalogue.probe_down(
        probe="api",
        status_code=503,
        elapsed=0.1,
        failure="unexpected status",
        error=None,
        previous="up",
        failures=2,
        first_failure_at=None,
    ) | {"text": "probe api DOWN: 503"}


async def _record_due(watch: RecoveryWatch, store: AsyncEventStore, inc: int, now: datetime):
    due = await watch.due(store, inc, now)
    if due is None:
        return None
    key, payload, at = due
    ev = await store.append(inc, Kind.METRICS_RECOVERED, payload, actor="warroom", at=at, dedupe_key=key)
    watch.recorded()
    return ev


async def test_recorded_once_per_recovery_and_again_after_a_relapse(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a", at=T0 - timedelta(minutes=10))).incident_id
    await store.append(inc, Kind.PROBE_DOWN, _down_payload(), actor="warroom", at=T0 - timedelta(minutes=5))
    one = RecoveryWatch([PROBE], refresh_every=0)
    two = RecoveryWatch([PROBE], refresh_every=0)  # a second process watching the same incident
    for watch in (one, two):
        watch.observe(PROBE, DOWN, [], T0 - timedelta(minutes=1))
        watch.observe(PROBE, UP, [], T0)
    assert await _record_due(one, store, inc, T0 + timedelta(minutes=4, seconds=59)) is None
    first = await _record_due(one, store, inc, T0 + timedelta(minutes=5))
    assert first is not None and first.payload["text"] == "probe api up for 5 min"
    assert await _record_due(two, store, inc, T0 + timedelta(minutes=5, seconds=2)) is None  # same key: once
    assert await _record_due(one, store, inc, T0 + timedelta(minutes=9)) is None

    # A relapse: the probe goes DOWN again and comes back; that recovery is recorded too.
    await store.append(inc, Kind.PROBE_DOWN, _down_payload(), actor="warroom", at=T0 + timedelta(minutes=10))
    one.observe(PROBE, DOWN, [], T0 + timedelta(minutes=10))
    one.observe(PROBE, UP, [], T0 + timedelta(minutes=12))
    assert await _record_due(one, store, inc, T0 + timedelta(minutes=16)) is None
    again = await _record_due(one, store, inc, T0 + timedelta(minutes=17))
    assert again is not None
    kinds = [e.kind for e in await store.events(inc)]
    assert kinds.count(Kind.METRICS_RECOVERED) == 2
    await store.close()


async def test_nothing_for_a_resolved_incident_or_when_nothing_went_wrong(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a", at=T0 - timedelta(minutes=10))).incident_id
    watch = RecoveryWatch([PROBE], refresh_every=0)
    watch.observe(PROBE, UP, [], T0)
    assert await _record_due(watch, store, inc, T0 + timedelta(minutes=6)) is None  # never went wrong
    await store.append(inc, Kind.PROBE_DOWN, _down_payload(), actor="warroom", at=T0 + timedelta(minutes=7))
    await store.append(inc, Kind.RESOLVED, catalogue.resolved("done"), actor="a", at=T0 + timedelta(minutes=8))
    watch.observe(PROBE, DOWN, [], T0 + timedelta(minutes=7))
    watch.observe(PROBE, UP, [], T0 + timedelta(minutes=8))
    assert await _record_due(watch, store, inc, T0 + timedelta(minutes=20)) is None
    assert Kind.METRICS_RECOVERED not in [e.kind for e in await store.events(inc)]
    await store.close()


async def test_no_probes_and_no_logs_never_record(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a")).incident_id
    await store.append(inc, Kind.PROBE_DOWN, _down_payload(), actor="warroom")
    watch = RecoveryWatch([SimpleNamespace(key="deploys:api", kind="deploys", name="api")], refresh_every=0)
    assert await watch.due(store, inc, T0 + timedelta(hours=1)) is None
    await store.close()
