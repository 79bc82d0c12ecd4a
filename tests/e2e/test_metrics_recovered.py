"""`warroom record` notices that metrics are back to normal: a real HTTP probe that fails then
recovers, and a real log file whose errors stopped, record one `metrics.recovered` event.

The product waits 5 minutes; `--recovery-hold 2` shortens it so the test takes seconds. The log's
history is written with timestamps (backfill places each line in its minute): a quiet half hour
before detection, 30 errors a minute during the incident, then nothing.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import warroom_executable
from tests.support.http_server import TestHTTPServer


def _write_log(path: Path, detected: datetime) -> None:
    lines = []
    minute = detected.replace(second=0, microsecond=0)
    for k in range(-5, 0):  # before detection: one error every other minute
        at = minute + timedelta(minutes=k, seconds=10)
        lines.append(f"{at:%Y-%m-%dT%H:%M:%SZ} INFO served checkout")
        if k % 2:
            lines.append(f"{at:%Y-%m-%dT%H:%M:%SZ} ERROR db timeout")
    for k in range(0, 5):  # the incident: 30 errors a minute
        for s in range(30):
            at = minute + timedelta(minutes=k, seconds=s)
            lines.append(f"{at:%Y-%m-%dT%H:%M:%SZ} ERROR upstream 503 for order {s}")
    for k in range(5, 9):  # the errors stopped
        at = minute + timedelta(minutes=k, seconds=5)
        lines.append(f"{at:%Y-%m-%dT%H:%M:%SZ} INFO served checkout")
    path.write_text("\n".join(lines) + "\n")


def _wait_for(out: Path, words: str, proc: subprocess.Popen, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = out.read_text()
        if words in text:
            return text
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError(f"{words!r} never printed; got:\n{out.read_text()}")


def test_record_notes_metrics_recovered_once_after_the_probe_is_back_and_errors_stopped(
    run_warroom, home_env, tmp_path
):
    now = datetime.now(UTC)
    detected = now - timedelta(minutes=9)
    log = tmp_path / "app.log"
    _write_log(log, detected)
    with TestHTTPServer() as srv:
        srv.fail("/health", 503)
        cfg = tmp_path / "warroom.toml"
        cfg.write_text(
            f'[[probe]]\nname = "api"\nurl = "{srv.url("/health")}"\ninterval = 0.2\ntimeout = 2\n'
            "fail_threshold = 1\nrecover_threshold = 1\n\n"
            f'[[log]]\nname = "app"\npath = "{log}"\nbackfill = "1h"\ninterval = 0.5\n'
        )
        env = {"WARROOM_CONFIG": str(cfg), "WARROOM_DB": str(tmp_path / "w.db")}
        declared = run_warroom(
            "declare", "Checkout 503s", "--sev", "2", "--detected-at", f"{detected:%Y-%m-%dT%H:%M:%SZ}", env=env
        )
        assert declared.returncode == 0, declared.stderr
        out = tmp_path / "record.out"
        with out.open("w") as sink:
            proc = subprocess.Popen(
                [str(warroom_executable()), "record", "--duration", "40", "--recovery-hold", "2"],
                env={**home_env, **env},
                cwd=tmp_path,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
            try:
                _wait_for(out, "DOWN", proc)
                time.sleep(1.0)
                assert "metrics recovered" not in out.read_text()  # the probe is still down
                srv.recover("/health")
                text = _wait_for(out, "metrics recovered", proc)
                time.sleep(1.0)  # more polls: still recorded once
            finally:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=20)
    assert "metrics recovered: probe api up, error rate 0.0/min (baseline 1.0/min) for " in text
    timeline = json.loads(run_warroom("show", "--json", env=env).stdout)["timeline"]
    recovered = [e for e in timeline if e["kind"] == "metrics.recovered"]
    assert len(recovered) == 1
    payload = recovered[0]["payload"]
    assert payload["probes"] == ["api"] and payload["baseline"] == 1.0 and payload["error_rate"] == 0.0
    up = next(e for e in timeline if e["kind"] == "probe.up")
    assert recovered[0]["at"] > up["at"]
    shown = run_warroom("show", env=env).stdout
    assert "RECOVERED  warroom      probe api up, error rate 0.0/min (baseline 1.0/min) for " in shown
