"""Two warroom processes watching one incident record each change once (recorder lease)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

from tests.conftest import warroom_executable
from tests.support.http_server import TestHTTPServer


def _config(tmp_path: Path, url: str) -> Path:
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(
        f'[resources]\nenabled = false\n\n[[probe]]\nname = "api"\nurl = "{url}"\ninterval = 0.2\ntimeout = 1\n'
    )
    return cfg


def _events(run_warroom, env) -> list[dict]:
    return json.loads(run_warroom("show", "INC-1", "--json", env=env).stdout)["timeline"]


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _lease_holders(db: Path) -> list[str]:
    """Who holds the recorder lease, read from the database row (`host:pid`)."""
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=5)
    try:
        return [holder for (holder,) in conn.execute("SELECT holder FROM recorder_leases")]
    except sqlite3.OperationalError:  # the recorder has not made its tables yet
        return []
    finally:
        conn.close()


def _holder(proc: subprocess.Popen) -> str:
    return f"{socket.gethostname()}:{proc.pid}"


def _recorder(home_env, env, out: Path, duration: int) -> subprocess.Popen:
    """`warroom record` with its output in a file (read while it runs, no pipe to fill)."""
    with out.open("w") as stdout:
        return subprocess.Popen(
            [str(warroom_executable()), "record", "--duration", str(duration)],
            env={**home_env, **env},
            stdout=stdout,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _started(out: Path) -> bool:
    return out.read_text().startswith("recording 1 source for INC-1")


def test_two_recorders_record_each_transition_once(tmp_path, run_warroom, home_env):
    with TestHTTPServer() as srv:
        cfg = _config(tmp_path, srv.url("/health"))
        db = tmp_path / "w.db"
        env = {"WARROOM_DB": str(db), "WARROOM_CONFIG": str(cfg)}
        assert run_warroom("declare", "api flapping", "--sev", "2", env=env).returncode == 0
        outs = [tmp_path / "first.out", tmp_path / "second.out"]
        procs = [_recorder(home_env, env, out, 30) for out in outs]
        try:
            # Both polling a healthy endpoint, one of them holding the lease.
            assert _wait_for(lambda: all(_started(out) for out in outs)), [o.read_text() for o in outs]
            assert _wait_for(lambda: _lease_holders(db) != [])
            assert _lease_holders(db)[0] in {_holder(p) for p in procs}
            srv.fail("/health", 503)
            assert _wait_for(lambda: any(e["kind"] == "probe.down" for e in _events(run_warroom, env)))
            srv.recover("/health")
            assert _wait_for(lambda: any(e["kind"] == "probe.up" for e in _events(run_warroom, env)))
            # Give the other recorder every chance to double-record: both see the recovery
            # over 20 more polls between them (each polls every 0.2 s).
            seen = srv.hits("/health")
            assert _wait_for(lambda: srv.hits("/health") >= seen + 20)
            holder = _lease_holders(db)
            assert len(holder) == 1 and holder[0] in {_holder(p) for p in procs}
        finally:
            # The other one first, so it cannot take the lease the holder hands back on its way out.
            for p in sorted(procs, key=lambda p: _holder(p) in _lease_holders(db)):
                p.send_signal(signal.SIGINT)
                p.wait(timeout=20)
        assert [p.returncode for p in procs] == [0, 0], [o.read_text() for o in outs]
        kinds = [e["kind"] for e in _events(run_warroom, env)]
        assert kinds.count("probe.down") == 1
        assert kinds.count("probe.up") == 1
        down = next(e for e in _events(run_warroom, env) if e["kind"] == "probe.down")
        assert down["text"].startswith("probe api DOWN: 503")
        # Recorded once: only the lease holder printed the transitions it recorded.
        printed = [o.read_text() for o in outs]
        held_by = [_holder(p) for p in procs].index(holder[0])
        holder_out, other_out = printed[held_by], printed[1 - held_by]
        assert "probe api DOWN: 503" in holder_out and "DOWN" not in other_out, printed
        assert _lease_holders(db) == []  # a clean stop hands the lease back at once


def test_recording_moves_to_the_survivor_when_the_holder_is_killed(tmp_path, run_warroom, home_env):
    with TestHTTPServer() as srv:
        cfg = _config(tmp_path, srv.url("/health"))
        db = tmp_path / "w.db"
        env = {"WARROOM_DB": str(db), "WARROOM_CONFIG": str(cfg)}
        assert run_warroom("declare", "handover", "--sev", "2", env=env).returncode == 0
        first_out, second_out = tmp_path / "first.out", tmp_path / "second.out"
        first = _recorder(home_env, env, first_out, 60)
        second = None
        try:
            assert _wait_for(lambda: _lease_holders(db) == [_holder(first)]), first_out.read_text()
            second = _recorder(home_env, env, second_out, 60)
            assert _wait_for(lambda: _started(second_out)), second_out.read_text()
            # The second polls (0.2 s apart) without taking the lease the first keeps renewing.
            seen = srv.hits("/health")
            assert _wait_for(lambda: srv.hits("/health") >= seen + 10)
            assert _lease_holders(db) == [_holder(first)]
            os.kill(first.pid, signal.SIGKILL)  # the holder dies without releasing
            assert first.wait(timeout=20) == -signal.SIGKILL
            assert _lease_holders(db) == [_holder(first)]  # left behind, until it expires
            srv.fail("/health", 500)
            # The lease (15 s) runs out, the survivor takes over and records the outage.
            assert _wait_for(lambda: any(e["kind"] == "probe.down" for e in _events(run_warroom, env)), timeout=40)
            assert _wait_for(lambda: _lease_holders(db) == [_holder(second)])
            assert _wait_for(lambda: "probe api DOWN: 500" in second_out.read_text()), second_out.read_text()
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
            if second is not None:
                second.send_signal(signal.SIGINT)
                second.wait(timeout=20)
        assert second.returncode == 0, second_out.read_text()
        kinds = [e["kind"] for e in _events(run_warroom, env)]
        assert kinds.count("probe.down") == 1  # recorded once, by the survivor
        assert "DOWN" not in first_out.read_text()  # the healthy endpoint gave the first nothing to record
