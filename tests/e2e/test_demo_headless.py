"""`warroom demo --headless` through the installed command: the incident plays out for real.

The demo starts a real HTTP service, log file and git repo; the real sources watch them through
the recorder; the test reads what was printed and what was saved, then checks that nothing the
demo started is still running or listening.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import warroom_executable
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = pytest.mark.e2e


def _run_tracking_children(
    argv: list[str], env: dict[str, str], cwd: Path, timeout: float
) -> tuple[int, str, str, set[int]]:
    """Run argv to the end (output to files: no pipe can fill up), noting every descendant seen."""
    out_path, err_path = cwd / "demo.out", cwd / "demo.err"
    seen: set[int] = set()
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=err)
        deadline = time.monotonic() + timeout
        try:
            parent = psutil.Process(proc.pid)
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    seen.update(c.pid for c in parent.children(recursive=True))
                except psutil.Error:
                    pass
                time.sleep(0.2)
            code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            if proc.poll() is None:
                proc.kill()
    return code, out_path.read_text(), err_path.read_text(), seen


def _assert_nothing_left(port: int, children: set[int], directory: Path) -> None:
    alive = [pid for pid in children if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert alive == [], f"demo left processes running: {alive}"
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    for proc in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        assert f"127.0.0.1:{port}" not in cmdline and str(directory) not in cmdline, cmdline


def test_headless_demo_detects_mitigates_and_resolves(tmp_path: Path, home_env: dict[str, str]) -> None:
    keep = tmp_path / "kept"
    argv = [str(warroom_executable()), "demo", "--headless", "--speed", "20", "--duration", "30", "--keep", str(keep)]
    code, out, err, children = _run_tracking_children(argv, home_env, tmp_path, timeout=90)
    assert code == 0, err

    port = int(re.search(r"service http://127\.0\.0\.1:(\d+)", out).group(1))
    _assert_nothing_left(port, children, keep)
    assert children, "the command pane and git should have run as child processes"

    # The printed timeline: the probe went DOWN then UP, the bad deploy and the rollback were seen.
    timeline = out[out.index("Timeline (UTC)") :]
    down = re.search(r"probe api-health DOWN", timeline)
    up = re.search(r"probe api-health UP", timeline)
    assert down and up and down.start() < up.start(), timeline
    assert re.search(r"deploy api [0-9a-f]{7} by dave: checkout: hotfix", timeline)
    assert re.search(r"MITIGATED\s+\S+\s+Rolled back hotfix", timeline), timeline
    assert "[Resolved]" in out

    # Error counts rose and fell: the log follower's counts, per second of the run.
    series = [int(n) for n in re.search(r"matching lines per 1 s: ([\d ]+)", out).group(1).split()]
    peak = max(series)
    assert peak >= 30, series
    assert series.index(peak) < len(series) - 5
    assert max(series[-4:]) <= peak / 10, series

    # What was saved: the kept database says the same, and `warroom show` can read it.
    with EventStore.open(keep / "warroom.db") as store:
        incident_id = store.open_incident_ids() or [1]
        events = store.events(incident_id[0])
        samples = store.samples(incident_id[0])
    kinds = [e.kind for e in events]
    downs = [e.id for e in events if e.kind == Kind.PROBE_DOWN and "api-health" in e.payload.get("text", "")]
    ups = [e.id for e in events if e.kind == Kind.PROBE_UP and "api-health" in e.payload.get("text", "")]
    assert downs and ups and min(downs) < max(ups)
    assert any(e.kind == Kind.DEPLOY and "hotfix" in e.payload.get("text", "") for e in events)
    assert Kind.LOG_SPIKE in kinds
    assert Kind.RESOLVED in kinds
    assert {series for series, _, _ in samples}, "no samples recorded"
    show = subprocess.run(
        [str(warroom_executable()), "show", "--db", str(keep / "warroom.db")],
        env=home_env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert show.returncode == 0 and "[Resolved]" in show.stdout


def test_demo_runs_without_git(tmp_path: Path, home_env: dict[str, str]) -> None:
    """No git on PATH: the demo still plays, and the deploys source names the missing command."""
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**home_env, "PATH": str(empty_bin)}
    keep = tmp_path / "kept"
    argv = [str(warroom_executable()), "demo", "--headless", "--speed", "20", "--duration", "5", "--keep", str(keep)]
    code, out, err, children = _run_tracking_children(argv, env, tmp_path, timeout=60)
    assert code == 0, err
    assert "command not found: git" in err
    assert "Timeline (UTC)" in out and "SEV-2 declared:" in out
    port = int(re.search(r"service http://127\.0\.0\.1:(\d+)", out).group(1))
    _assert_nothing_left(port, children, keep)

    snap = subprocess.run(
        [str(warroom_executable()), "snapshot", "--config", str(keep / "warroom.toml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "command not found: git" in snap.stdout + snap.stderr


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_interrupted_demo_cleans_up(tmp_path: Path, home_env: dict[str, str], sig: int, code: int) -> None:
    """Ctrl+C, SIGTERM or a hangup mid-run: the timeline so far is printed, and nothing is left behind."""
    out_path = tmp_path / "demo.out"
    argv = [str(warroom_executable()), "demo", "--headless", "--speed", "20"]
    with open(out_path, "w") as out:
        proc = subprocess.Popen(argv, env=home_env, cwd=tmp_path, stdout=out, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while "probe api-health" not in out_path.read_text() and "deploy api" not in out_path.read_text():
                assert time.monotonic() < deadline and proc.poll() is None, out_path.read_text()
                time.sleep(0.2)
            children = {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
            proc.send_signal(sig)
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    text = out_path.read_text()
    assert proc.returncode == code, err
    header = re.search(r"service http://127\.0\.0\.1:(\d+), in (\S+),", text)
    port, directory = int(header.group(1)), Path(header.group(2))
    assert "Timeline (UTC)" in text
    assert not directory.exists()
    _assert_nothing_left(port, children, directory)
