"""The recorder: rules applied to real sources, recorded once, across restarts and hand-overs."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from tests.support.http_server import TestHTTPServer
from warroom.config.model import Config, ProbeConfig, Secret
from warroom.domain.probe_rules import ProbeState
from warroom.following import FOLLOWER_PACE
from warroom.recorder import SourceHub
from warroom.sources.probes import ProbeSource
from warroom.store.aio import AsyncEventStore


def _probe(url: str) -> ProbeSource:
    return ProbeSource(ProbeConfig(name="api", url=Secret(url), timeout=2.0, interval=0.1))


async def _poll(hub: SourceHub, times: int) -> list:
    out = []
    for _ in range(times):
        outcome = await hub.poll(hub.sources[0], datetime.now(UTC))
        out += outcome.events
    return out


async def test_down_and_up_are_recorded_with_samples(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a")).incident_id
    with TestHTTPServer() as srv:
        hub = SourceHub(Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="one")
        assert await _poll(hub, 2) == []  # healthy from the start: nothing to say
        srv.fail("/health", 503)
        down = await _poll(hub, 2)
        srv.recover("/health")
        up = await _poll(hub, 2)
        await hub.aclose()
    assert [e.kind for e in down] == ["probe.down"] and down[0].payload["text"].startswith("probe api DOWN: 503 in ")
    assert [e.kind for e in up] == ["probe.up"] and down[0].actor == "warroom"
    series = {
        s for s, _, _ in (await store._run(lambda raw: raw.execute("SELECT series, at, value FROM samples").fetchall()))
    }
    assert "probe.api.up" in series
    await store.close()


async def test_a_restart_mid_outage_does_not_record_the_outage_again(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a")).incident_id
    with TestHTTPServer() as srv:
        srv.fail("/health", 500)
        first = SourceHub(Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="first")
        assert [e.kind for e in await _poll(first, 2)] == ["probe.down"]
        await first.aclose()  # warroom restarted while the probe is still down
        second = SourceHub(Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="second")
        assert await _poll(second, 3) == []
        srv.recover("/health")
        assert [e.kind for e in await _poll(second, 2)] == ["probe.up"]
        await second.aclose()
    kinds = [e.kind for e in await store.events(inc)]
    assert kinds.count("probe.down") == 1 and kinds.count("probe.up") == 1
    await store.close()


async def test_an_observer_without_the_lease_records_nothing_until_it_takes_over(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a")).incident_id
    with TestHTTPServer() as srv:
        holder = SourceHub(Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="holder")
        # lease_recheck=0: it asks for the lease on every poll (not once in LEASE_RECHECK s).
        watcher = SourceHub(
            Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="watcher", lease_recheck=0
        )
        await _poll(holder, 1)
        srv.fail("/health", 503)
        assert await _poll(watcher, 2) == []  # it sees DOWN, but the holder records
        await holder.release()  # the holder goes away without recording the outage
        watcher._lease_until = 0.0
        assert [e.kind for e in await _poll(watcher, 1)] == ["probe.down"]  # the gap is filled
        await watcher.aclose()
    await store.close()


async def test_a_screen_following_the_recorder_probes_seldom_and_takes_its_recorded_down(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a")).incident_id
    with TestHTTPServer() as srv:
        holder = SourceHub(Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="holder")
        # lease_recheck=0: it asks for the lease on every poll, so it takes over at once below.
        watcher = SourceHub(
            Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="watcher", lease_recheck=0
        )
        await _poll(holder, 1)
        await _poll(watcher, 1)  # finds the lease taken: it follows
        probe = watcher.sources[0]
        assert watcher.following and not holder.following
        assert watcher.paced(probe, 0.1) == FOLLOWER_PACE  # not every 0.1 s like the recorder
        assert holder.paced(holder.sources[0], 0.1) == 0.1
        srv.fail("/health", 503)
        down = await _poll(holder, 2)
        assert [e.kind for e in down] == ["probe.down"]
        assert watcher.observer(probe).status().state is ProbeState.UP  # it has not polled since
        assert watcher.adopt_recorded(down) == [probe.key]  # the screen reads the recorded DOWN
        assert watcher.observer(probe).status().state is ProbeState.DOWN
        assert holder.adopt_recorded(down) == []  # the recorder trusts its own polls
        await holder.aclose()  # the recording screen quits
        srv.recover("/health")
        assert [e.kind for e in await _poll(watcher, 2)] == ["probe.up"]  # it records now, once
        assert not watcher.following and watcher.paced(probe, 0.1) == 0.1
        await watcher.aclose()
    await store.close()


async def test_a_following_hub_takes_the_lease_soon_after_the_holder_quits_and_polls_at_pace_again(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a")).incident_id
    with TestHTTPServer() as srv:
        holder = SourceHub(Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="holder")
        watcher = SourceHub(
            Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="watcher", lease_recheck=0.1
        )
        await _poll(holder, 1)
        await _poll(watcher, 1)
        assert watcher.pacing
        woken = asyncio.Event()
        watching = asyncio.create_task(watcher.watch_lease(woken.set))
        try:
            await asyncio.sleep(0.5)
            assert not woken.is_set() and watcher.pacing  # the holder is there: nothing to do
            await holder.aclose()  # the recording screen quits: its lease row goes
            await asyncio.wait_for(woken.wait(), 5)  # every source polls now, at its own pace
            assert await store.lease(inc) == ("watcher", pytest.approx(time.time() + 15, abs=2))
            assert not watcher.following and watcher.paced(watcher.sources[0], 0.1) == 0.1
        finally:
            watching.cancel()
            await watcher.aclose()
    await store.close()


async def test_a_holder_that_stops_renewing_is_no_longer_followed_at_the_slow_pace(db_path):
    store = await AsyncEventStore.open(db_path)
    inc = (await store.declare("x", 2, actor="a")).incident_id
    with TestHTTPServer() as srv:
        # A holder killed just after it took the lease: its row stays until it runs out (15 s).
        assert await store.acquire_lease(inc, "gone:1", ttl=15, now=time.time() - 8)
        watcher = SourceHub(Config(), store, inc, sources=[_probe(srv.url("/health"))], holder="watcher")
        await _poll(watcher, 1)
        assert watcher.following  # it does not record: the lease is not free yet
        assert watcher.holder_quiet and not watcher.pacing  # but it watches at the probe's own pace
        assert watcher.paced(watcher.sources[0], 0.1) == 0.1
        await watcher.aclose()
    await store.close()
