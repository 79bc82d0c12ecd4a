"""The war room's own recorder while the disk is full: a probe's DOWN and UP are kept, not
dropped, and written with their real time and the delay once space is freed; still unwritten
when the room closes, they go to a file and the app says where."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tests.support.http_server import TestHTTPServer
from tests.support.mounts import fill, small_tmpfs
from tests.ui.warroom_helpers import settle, timeline_texts, wait_for
from warroom.config.model import Config, ProbeConfig, ResourcesConfig, Secret
from warroom.store.sync import EventStore
from warroom.ui.app import WarRoomApp


def _config(url: str) -> Config:
    probe = ProbeConfig("api", Secret(url), interval=0.1, timeout=1.0, fail_threshold=1, recover_threshold=1)
    return Config(probes=(probe,), resources=ResourcesConfig(enabled=False))


def _kinds(db: Path) -> list[str]:
    with EventStore.open(db) as store:
        return [e.kind for e in store.events(1)]


def _hub(app: WarRoomApp):
    poller = app.poller()
    return getattr(poller, "_hub", None)


async def test_probe_events_on_a_full_disk_are_kept_and_written_late(tmp_path: Path):
    with TestHTTPServer() as srv, small_tmpfs(tmp_path / "disk", "4m") as disk:
        db = disk / "warroom.db"
        with EventStore.open(db) as store:
            store.declare("api down", 2, actor="alice")
        app = WarRoomApp(db, _config(srv.url("/health")), actor="carol")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await wait_for(pilot, lambda: _hub(app) is not None and _hub(app)._lease_until > 0, "the recorder lease")
            filler = fill(disk)
            srv.fail("/health", 503)
            await wait_for(pilot, lambda: len(_hub(app).pending) == 1, "DOWN kept")
            srv.recover("/health")
            await wait_for(pilot, lambda: len(_hub(app).pending) == 2, "UP kept behind it")
            assert _kinds(db) == ["incident.declared"]
            await pilot.pause(1.1)  # a delay worth saying
            filler.unlink()
            await wait_for(pilot, lambda: not _hub(app).pending, "the kept events written", tries=500)
            await wait_for(
                pilot,
                lambda: any("recorded" in t and "late" in t for t in timeline_texts(pilot)),
                "the timeline to say they were late",
                tries=500,
            )
        assert _kinds(db) == ["incident.declared", "probe.down", "probe.up"]
        with EventStore.open(db) as store:
            down, up = store.events(1)[1:]
        assert down.at < up.at and down.payload["recorded_late_s"] >= 1
        assert app.pending_events_note is None


async def test_probe_events_unwritten_when_the_room_closes_go_to_a_file(tmp_path: Path, monkeypatch):
    spare = tmp_path / "spare"
    spare.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spare))  # the full disk takes nothing: here instead
    with TestHTTPServer() as srv, small_tmpfs(tmp_path / "disk", "4m") as disk:
        db = disk / "warroom.db"
        with EventStore.open(db) as store:
            store.declare("api down", 2, actor="alice")
        app = WarRoomApp(db, _config(srv.url("/health")), actor="carol")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await wait_for(pilot, lambda: _hub(app) is not None and _hub(app)._lease_until > 0, "the recorder lease")
            fill(disk)
            srv.fail("/health", 503)
            await wait_for(pilot, lambda: len(_hub(app).pending) == 1, "DOWN kept")
            await pilot.press("ctrl+q")
    files = list(spare.glob("warroom.db.pending-*.jsonl"))
    assert len(files) == 1
    assert app.pending_events_note is not None and app.pending_events_note.endswith(f"kept in {files[0]}")
    assert "1 source event could not be written" in app.pending_events_note
    assert [json.loads(line)["kind"] for line in files[0].read_text().splitlines()] == ["probe.down"]
