"""Two warroom processes watching one incident record each change once (recorder lease)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.conftest import warroom_executable
from tests.support.http_server import TestHTTPServer


def _config(tmp_path: Path, url: str) -> Path:
    cfg = tmp_path / "warroom.toml"
    cfg.write_text(
        "[resources]\nenabled = false\n\n"
        f'[[probe]]\nname = "api"\nurl = "{url}"\ninterval = 0.2\ntimeout = 1\n'
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


def test_two_recorders_record_each_transition_once(tmp_path, run_warroom, home_env):
    with TestHTTPServer() as srv:
        cfg = _config(tmp_path, srv.url("/health"))
        env = {"WARROOM_DB": str(tmp_path / "w.db"), "WARROOM_CONFIG": str(cfg)}
        assert run_warroom("declare", "api flapping", "--sev", "2", env=env).returncode == 0
        procs = [
            subprocess.Popen([str(warroom_executable()), "record", "--duration", "30"],
                             env={**home_env, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        try:
            time.sleep(1.0)  # both are polling a healthy endpoint
            srv.fail("/health", 503)
            assert _wait_for(lambda: any(e["kind"] == "probe.down" for e in _events(run_warroom, env)))
            srv.recover("/health")
            assert _wait_for(lambda: any(e["kind"] == "probe.up" for e in _events(run_warroom, env)))
            time.sleep(1.5)  # give a second recorder every chance to double-record
        finally:
            for p in procs:
                p.send_signal(signal.SIGINT)
            for p in procs:
                p.wait(timeout=20)
        kinds = [e["kind"] for e in _events(run_warroom, env)]
        assert kinds.count("probe.down") == 1
        assert kinds.count("probe.up") == 1
        down = next(e for e in _events(run_warroom, env) if e["kind"] == "probe.down")
        assert down["text"].startswith("probe api DOWN: 503")
        assert all(p.returncode == 0 for p in procs)


def test_recording_moves_to_the_survivor_when_the_holder_is_killed(tmp_path, run_warroom, home_env):
    with TestHTTPServer() as srv:
        cfg = _config(tmp_path, srv.url("/health"))
        env = {"WARROOM_DB": str(tmp_path / "w.db"), "WARROOM_CONFIG": str(cfg)}
        run_warroom("declare", "handover", "--sev", "2", env=env)
        first = subprocess.Popen([str(warroom_executable()), "record", "--duration", "60"],
                                 env={**home_env, **env}, stdout=subprocess.PIPE, text=True)
        time.sleep(1.5)  # the first one takes the lease
        second = subprocess.Popen([str(warroom_executable()), "record", "--duration", "60"],
                                  env={**home_env, **env}, stdout=subprocess.PIPE, text=True)
        try:
            time.sleep(1.0)
            os.kill(first.pid, signal.SIGKILL)  # the holder dies without releasing
            first.wait()
            srv.fail("/health", 500)
            # The lease (15 s) runs out, the survivor takes over and records the outage.
            assert _wait_for(lambda: any(e["kind"] == "probe.down" for e in _events(run_warroom, env)), timeout=40)
        finally:
            second.send_signal(signal.SIGINT)
            second.wait(timeout=20)
