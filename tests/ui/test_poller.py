"""The poller: own interval per source, never overlapping itself, backoff and staleness, pause,
and recording through the recorder's hub into a real store."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import App
from textual.widget import Widget

from tests.support.http_server import TestHTTPServer
from tests.ui.test_panes_support import git_repo, wait_for
from warroom.config.model import CommandConfig, Config, DeploysConfig, Secret, StatusPageConfig
from warroom.domain.events import Kind
from warroom.store.aio import AsyncEventStore
from warroom.ui.poller import Poller, backoff_delay


class Listener(Widget):
    """Records what a subscriber receives."""

    def __init__(self) -> None:
        super().__init__()
        self.updates: list = []
        self.pauses: list[bool] = []

    def on_poller_source_updated(self, message: Poller.SourceUpdated) -> None:
        self.updates.append(message.update)

    def on_poller_pause_changed(self, message: Poller.PauseChanged) -> None:
        self.pauses.append(message.paused)


class HostApp(App[None]):
    def compose(self):
        yield Listener()


def listen(app: HostApp, config: Config) -> tuple[Listener, Poller]:
    """A poller on `config`, started on the app, with the app's Listener subscribed."""
    listener = app.query_one(Listener)
    poller = Poller(config)
    poller.start(app)
    poller.subscribe(listener)
    return listener, poller


def test_backoff_doubles_after_the_second_failure_and_is_capped() -> None:
    assert [backoff_delay(10, n) for n in range(5)] == [10, 10, 20, 40, 80]
    assert backoff_delay(10, 12) == 120
    assert backoff_delay(300, 5) == 300  # never shorter than the source's own interval


async def test_a_slow_source_never_overlaps_itself(tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    script = f"echo start >> {trace}; sleep 0.15; echo end >> {trace}"
    config = Config(commands=(CommandConfig("slow", ("sh", "-c", script), interval=0.01, timeout=5),))
    app = HostApp()
    async with app.run_test() as pilot:
        listener, poller = listen(app, config)
        await wait_for(pilot, lambda: len(listener.updates) >= 3, "three runs")
        await poller.stop()
    lines = trace.read_text().split()
    # Every run ended before the next began: start/end strictly alternate.
    assert lines[: len(lines) // 2 * 2] == ["start", "end"] * (len(lines) // 2)
    assert all(u.snapshot.exit_code == 0 and not u.stale for u in listener.updates)


async def test_poll_now_during_a_run_polls_again_right_after_it(tmp_path: Path) -> None:
    """An hourly source asked to poll while it is running: the ask is not lost with that run."""
    trace = tmp_path / "trace"
    script = f"echo run >> {trace}; sleep 0.3"
    config = Config(commands=(CommandConfig("hourly", ("sh", "-c", script), interval=3600, timeout=5),))
    app = HostApp()
    async with app.run_test() as pilot:
        listener, poller = listen(app, config)
        await wait_for(pilot, lambda: trace.exists(), "the first run to start")
        poller.poll_now("command:hourly")
        await wait_for(pilot, lambda: len(listener.updates) >= 2, "a second run")
        await poller.stop()
    assert trace.read_text().split() == ["run", "run"]


async def test_a_failing_source_backs_off_shows_stale_and_recovers() -> None:
    with TestHTTPServer() as srv:
        srv.set_status_page("none")
        config = Config(
            statuspages=(StatusPageConfig("provider", Secret(srv.url("/api/v2/summary.json")), interval=0.05),)
        )
        app = HostApp()
        async with app.run_test() as pilot:
            listener, poller = listen(app, config)
            await wait_for(pilot, lambda: listener.updates, "a first good result")
            assert not listener.updates[-1].stale and listener.updates[-1].last_good is not None
            srv.fail("/api/v2/summary.json", 500)
            await wait_for(pilot, lambda: listener.updates[-1].failures >= 3, "three failures")
            failing = [u for u in listener.updates if u.failures]
            for update in failing[:3]:
                waited = (update.next_at - update.polled_at).total_seconds()
                assert abs(waited - backoff_delay(0.05, update.failures)) < 1e-6
            last = failing[-1]
            assert last.stale and last.error == "HTTP 500 (expected 2xx)"
            assert last.last_good is not None and last.last_good.error is None  # still shown, as stale
            srv.recover("/api/v2/summary.json")
            await wait_for(pilot, lambda: not listener.updates[-1].stale, "recovery")
            assert listener.updates[-1].failures == 0
            await poller.stop()


async def test_a_down_probe_is_a_result_not_a_failure_so_it_keeps_its_interval() -> None:
    from warroom.config.model import ProbeConfig

    with TestHTTPServer() as srv:
        config = Config(probes=(ProbeConfig("api", Secret(srv.url("/503")), interval=0.05),))
        app = HostApp()
        async with app.run_test() as pilot:
            listener, poller = listen(app, config)
            await wait_for(pilot, lambda: len(listener.updates) >= 3, "three probes")
            assert all(u.failures == 0 and not u.stale and u.snapshot.status_code == 503 for u in listener.updates)
            await poller.stop()


async def test_pause_holds_updates_back_and_resume_shows_the_newest() -> None:
    with TestHTTPServer() as srv:
        srv.set_status_page("none")
        config = Config(
            statuspages=(StatusPageConfig("provider", Secret(srv.url("/api/v2/status.json")), interval=0.05),)
        )
        app = HostApp()
        async with app.run_test() as pilot:
            listener, poller = listen(app, config)
            await wait_for(pilot, lambda: listener.updates, "a first result")
            assert Poller.for_app(app) is poller
            poller.pause()
            await pilot.pause()
            assert poller.paused and listener.pauses == [True]
            seen, hits = len(listener.updates), srv.hits("/api/v2/status.json")
            await wait_for(pilot, lambda: srv.hits("/api/v2/status.json") >= hits + 3, "polling to go on")
            assert len(listener.updates) == seen, "nothing reaches the screen while paused"
            assert poller.toggle_pause() is False
            await wait_for(pilot, lambda: len(listener.updates) > seen, "the held update")
            assert listener.pauses == [True, False]
            await poller.stop()


async def test_with_a_store_the_poll_is_recorded_through_the_recorder(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    repo = git_repo(tmp_path / "repo", [((now - timedelta(minutes=5)).isoformat(), "alice", "Bump pool size")])
    store = await AsyncEventStore.open(tmp_path / "warroom.db")
    declared = await store.declare("Checkout 500s", 2, actor="alice")
    config = Config(deploys=(DeploysConfig("api", "git", repo=str(repo), since=3600, interval=0.2),))
    app = HostApp()
    async with app.run_test() as pilot:
        listener = app.query_one(Listener)
        poller = Poller(config, store=store, incident_id=declared.incident_id)
        poller.start(app)
        poller.subscribe(listener)
        await wait_for(pilot, lambda: listener.updates, "the first poll")
        update = listener.updates[0]
        assert [e.kind for e in update.events] == [Kind.DEPLOY]
        await wait_for(pilot, lambda: len(listener.updates) >= 3, "more polls")
        assert all(not u.events for u in listener.updates[1:]), "a deploy is recorded once"
        await poller.stop()
    events = [e for e in await store.events(declared.incident_id) if e.kind == Kind.DEPLOY]
    assert len(events) == 1 and "Bump pool size" in events[0].payload["text"]
    await store.close()


async def test_a_probe_going_down_is_recorded_once_through_the_poller(tmp_path: Path) -> None:
    from warroom.config.model import ProbeConfig

    store = await AsyncEventStore.open(tmp_path / "warroom.db")
    declared = await store.declare("Checkout 500s", 2, actor="alice")
    with TestHTTPServer() as srv:
        srv.fail("/health", 503)
        config = Config(probes=(ProbeConfig("api", Secret(srv.url("/health")), interval=0.05),))
        app = HostApp()
        async with app.run_test() as pilot:
            listener = app.query_one(Listener)
            poller = Poller(config, store=store, incident_id=declared.incident_id)
            poller.start(app)
            poller.subscribe(listener)
            await wait_for(pilot, lambda: len(listener.updates) >= 5, "five probes")
            await poller.stop()
    downs = [e for e in await store.events(declared.incident_id) if e.kind == Kind.PROBE_DOWN]
    assert len(downs) == 1 and downs[0].payload["text"].startswith("probe api DOWN: 503")
    assert [u for u in listener.updates if u.events] and not any(u.record_error for u in listener.updates)
    await store.close()


def test_importing_the_panes_does_not_import_httpx_or_psutil() -> None:
    """The first frame must not wait for httpx or psutil: sources import them when built."""
    code = "import sys, warroom.ui.widgets.panes, warroom.ui.poller; print('httpx' in sys.modules, 'psutil' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
