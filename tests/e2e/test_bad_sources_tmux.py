"""Sources gone bad at once, under the installed `warroom` in tmux: a probe whose endpoint
accepts and never answers, a log file appended at 100,000 lines/s, a command that kills
itself, a log command and kubectl that exit non-zero. Each shows its state in its own pane
(DOWN after a timeout, a running count, the exit status, the error) while the command line
still takes a note. (How fast keys reach the screen meanwhile: benchmarks/bad_sources.py.)"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, wait_store
from tests.support.http_server import TestHTTPServer
from warroom.domain.events import Kind
from warroom.store.sync import EventStore

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]

FLOOD_WRITER = r"""
import os, sys, time
path, rate = sys.argv[1], 100_000
block = "".join(
    ("ERROR upstream timeout talking to payments" if i % 100 == 0 else "INFO request served ok") + f" id={i}\n"
    for i in range(1000)
).encode()
fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
start, written = time.monotonic(), 0
while True:
    pause = start + written / rate - time.monotonic()
    if pause > 0:
        time.sleep(pause)
    os.write(fd, block)
    written += 1000
"""
SELF_KILLING = (
    "import os, signal, sys\nsys.stdout.write('half a li')\nsys.stdout.flush()\nos.kill(os.getpid(), signal.SIGKILL)\n"
)
EXITING_LOG = "import sys\nprint('ERROR cannot reach the cluster', file=sys.stderr)\nsys.exit(3)\n"
FAILING_KUBECTL = "#!/bin/sh\necho 'error: You must be logged in to the server (Unauthorized)' >&2\nexit 1\n"


def flood_total(screen: str) -> int:
    """The flood pane's running total (the largest `N total` on screen: the other log's is 0)."""
    found = re.findall(r"([\d,]+) total", screen)
    assert found, f"the flood's pane shows no count:\n{screen}"
    return max(int(n.replace(",", "")) for n in found)


def test_hung_flooding_and_crashing_sources_each_show_their_state_while_a_note_is_typed(
    tmp_path: Path, home_env: dict[str, str]
):
    db = tmp_path / "warroom.db"
    with EventStore.open(db) as store:
        store.declare("Checkout 500s", 2, actor="ic-alice")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").write_text(FAILING_KUBECTL)
    (bin_dir / "kubectl").chmod(0o755)
    py = sys.executable
    for name, script in (("slow-queries", SELF_KILLING), ("pod-logs", EXITING_LOG)):
        (bin_dir / name).write_text(f"#!{py}\n{script}")
        (bin_dir / name).chmod(0o755)
    flood = tmp_path / "flood.log"
    flood.touch()
    with TestHTTPServer(hang_limit=30) as server:
        config = tmp_path / "warroom.toml"
        config.write_text(
            "[resources]\nenabled = false\n\n"
            f'[[probe]]\nname = "api"\nurl = "{server.url("/hang")}"\ntimeout = 1.0\ninterval = 1\n\n'
            f'[[log]]\nname = "flood"\npath = "{flood}"\npattern = "error"\n\n'
            '[[log]]\nname = "pods"\nargv = ["pod-logs"]\n\n'
            '[[command]]\nname = "queries"\nargv = ["slow-queries"]\ninterval = 1\n\n'
            '[[deploys]]\nkind = "kubectl"\nname = "prod"\nnamespace = "payments"\ndeployments = ["api"]\n'
        )
        env = {**home_env, "WARROOM_DB": str(db), "WARROOM_USER": "ic-alice", "PATH": f"{bin_dir}:{home_env['PATH']}"}
        tmux = Tmux(tmp_path, env)
        writer = subprocess.Popen([py, "-c", FLOOD_WRITER, str(flood)])
        try:
            tmux.start([str(warroom_executable()), "--config", str(config)], width=160, height=48)
            tmux.wait_for("Timeline (UTC)")
            tmux.keys("-l", "flood started at 14:02, pods crashing")  # typed while it all starts
            tmux.wait_for("›flood started at 14:02, pods crashing")

            tmux.wait_for("exit -9", timeout=15)  # the command that killed itself, in its pane
            tmux.wait_for("half a li")
            tmux.wait_for("pod-logs: exit 3: ERROR cannot reach the cluster")  # the log command that exited
            tmux.wait_for("ERROR prod: kubectl get deploy api")  # kubectl failing
            shown = tmux.wait_for("DOWN", timeout=15)  # the probe that never answers: timed out
            assert "timeout" in shown
            first = flood_total(shown)
            time.sleep(2.5)
            shown = tmux.screen()
            assert flood_total(shown) > first > 0, "the flood's pane keeps counting"

            tmux.keys("-l", " and still typing")
            tmux.keys("Enter")
            note = wait_store(db, lambda e: e.kind == Kind.NOTE, "the note")
            assert note.payload["text"] == "flood started at 14:02, pods crashing and still typing"
            tmux.wait_for(f"saved #{note.id}")
            assert "Traceback" not in tmux.screen()
            tmux.keys("C-q")
            assert tmux.exit_status() == 0
        finally:
            writer.kill()
            writer.wait()
            tmux.kill()
