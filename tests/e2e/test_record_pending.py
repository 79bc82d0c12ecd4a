"""`warroom record` while the database takes no writes (a full disk, a lock): a probe's DOWN
and UP are kept in order and written late with their real time, or put in a file beside the
database when the process ends first. Real HTTP server, real tmpfs, real lock."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import time
from datetime import datetime
from pathlib import Path

from tests.conftest import warroom_executable
from tests.support.http_server import TestHTTPServer
from tests.support.mounts import fill, small_tmpfs


def _config(folder: Path, url: str) -> Path:
    cfg = folder / "warroom.toml"
    cfg.write_text(
        "[resources]\nenabled = false\n\n"
        f'[[probe]]\nname = "api"\nurl = "{url}"\ninterval = 0.2\ntimeout = 1\n'
        "fail_threshold = 1\nrecover_threshold = 1\n"
    )
    return cfg


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _timeline(run_warroom, db: Path) -> list[dict]:
    r = run_warroom("--db", str(db), "show", "INC-1", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["timeline"]


def _record(home_env, db: Path, cfg: Path, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    env = {
        **home_env,
        "WARROOM_DB": str(db),
        "WARROOM_CONFIG": str(cfg),
        "WARROOM_BUSY_TIMEOUT_MS": "200",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [str(warroom_executable()), "record", "--duration", "60"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _down_then_up(srv: TestHTTPServer, proc: subprocess.Popen) -> None:
    time.sleep(1.0)  # healthy polls first
    srv.fail("/health", 503)
    time.sleep(1.5)  # seen DOWN, nothing can be written
    srv.recover("/health")
    time.sleep(1.5)  # seen UP
    assert proc.poll() is None, proc.communicate()


def test_down_and_up_on_a_full_disk_are_written_late_once_space_is_freed(run_warroom, home_env, tmp_path: Path):
    with TestHTTPServer() as srv, small_tmpfs(tmp_path / "disk") as disk:
        db = disk / "warroom.db"
        assert run_warroom("--db", str(db), "declare", "api down", "--sev", "2").returncode == 0
        cfg = _config(tmp_path, srv.url("/health"))
        filler = fill(disk)
        proc = _record(home_env, db, cfg)
        try:
            _down_then_up(srv, proc)
            assert [e["kind"] for e in _timeline(run_warroom, db)] == ["incident.declared"]  # still full
            filler.unlink()
            assert _wait_for(lambda: [e["kind"] for e in _timeline(run_warroom, db)][1:] == ["probe.down", "probe.up"])
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "not recorded yet, kept in memory" in err and "Traceback" not in err
        down, up = _timeline(run_warroom, db)[1:]
        for ev in (down, up):
            happened = datetime.fromisoformat(ev["at"])
            written = datetime.fromisoformat(ev["recorded_at"])
            late = ev["payload"]["recorded_late_s"]
            assert late >= 1 and abs((written - happened).total_seconds() - late) < 2
        assert datetime.fromisoformat(down["at"]) < datetime.fromisoformat(up["at"])  # real times, in order
        assert down["payload"]["recorded_late_s"] > up["payload"]["recorded_late_s"]
        assert "recorded" in out and "late)" in out  # `record` prints them as it writes them
        shown = run_warroom("--db", str(db), "show").stdout
        assert "probe api DOWN" in shown and "s late)" in shown
        assert not list(disk.glob("*.pending-*"))  # all written: no file left over


def test_events_still_unwritten_at_exit_go_to_a_file_beside_the_database(run_warroom, home_env, tmp_path: Path):
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "warroom.db"
    assert run_warroom("--db", str(db), "declare", "api down", "--sev", "2").returncode == 0
    with TestHTTPServer() as srv:
        cfg = _config(tmp_path, srv.url("/health"))
        proc = _record(home_env, db, cfg)
        assert _wait_for(lambda: proc.stdout is not None)
        time.sleep(1.0)
        lock = sqlite3.connect(db, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")  # another process holds the write lock, for good
        try:
            _down_then_up(srv, proc)
            proc.send_signal(signal.SIGINT)
            _out, err = proc.communicate(timeout=30)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
    assert proc.returncode == 1
    files = list(folder.glob("warroom.db.pending-*.jsonl"))
    assert len(files) == 1, err
    kept = files[0]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    last = err.strip().splitlines()[-1]
    assert last.startswith("warroom: 2 events could not be written to") and last.endswith(f"kept in {kept}")
    lines = [json.loads(line) for line in kept.read_text().splitlines()]
    assert [item["kind"] for item in lines] == ["probe.down", "probe.up"]
    assert lines[0]["at"] < lines[1]["at"] and lines[0]["incident_id"] == 1
    assert "locked" in lines[0]["not_written_because"]
    assert [e["kind"] for e in _timeline(run_warroom, db)] == ["incident.declared"]


def test_a_full_disk_at_exit_puts_the_file_in_the_temporary_folder(run_warroom, home_env, tmp_path: Path):
    spare = tmp_path / "spare-tmp"
    spare.mkdir()
    with TestHTTPServer() as srv, small_tmpfs(tmp_path / "disk") as disk:
        db = disk / "warroom.db"
        assert run_warroom("--db", str(db), "declare", "api down", "--sev", "2").returncode == 0
        cfg = _config(tmp_path, srv.url("/health"))
        fill(disk)
        proc = _record(home_env, db, cfg, {"TMPDIR": str(spare)})
        _down_then_up(srv, proc)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
        assert not list(disk.glob("*.pending-*"))  # the full disk took nothing
    assert proc.returncode == 1
    files = list(spare.glob("warroom.db.pending-*.jsonl"))
    assert len(files) == 1 and err.strip().endswith(f"kept in {files[0]}")
    assert [json.loads(line)["kind"] for line in files[0].read_text().splitlines()] == ["probe.down", "probe.up"]
    assert os.stat(files[0]).st_mode & 0o077 == 0
