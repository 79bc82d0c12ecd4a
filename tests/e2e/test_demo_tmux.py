"""`warroom demo --speed 20` in a real tmux at 120x40: every pane shows live data, exit cleans up.

The screen is read with `tmux capture-pane` while the scripted incident plays; what each pane must
show at some point is something only the live world can produce (a 503 from the demo service,
the hotfix commit made during the run, the error burst's messages, the command pane's sessions).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import tomllib
from pathlib import Path

import psutil
import pytest

from tests.conftest import warroom_executable

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]

# Pane -> what it shows once the incident is live (regex, case-insensitive), looked for OUTSIDE the
# timeline: the timeline repeats source events and the story's notes, which would prove nothing.
IN_PANES = {
    "probes": r"DOWN\s+api-health\s+503",  # the demo service's real 503, as probed
    "status page": r"payments-provider\s+(Minor Service Outage|All Systems Operational)",
    "deploys": r"[0-9a-f]{7}\s+dave\s+checkout: hotfix",  # the commit made during the run
    "logs": r"\d+\s+\S+Z ERROR \[(db|checkout|http|worker)\]",  # a grouped count and its example line
    "resources": r"CPU\s+\d+(\.\d+)?\s?%",
    "command": r"db sessions: \d+ \(",  # the command pane's first line of output
}
ANYWHERE = {
    "header": r"SEV-[12]",
    "timeline": r"Rolling back|api-health probe DOWN|Hotfix is out",
    "roles": r"Comms Lead\s+carol|Tech Lead\s+bob",
}


def without_timeline(screen: str) -> str:
    """Blank the timeline box (from its title's column, down to the next box title there)."""
    lines = screen.splitlines()
    for i, line in enumerate(lines):
        col = line.find("Timeline (UTC)")
        if col < 0:
            continue
        start = max(0, col - 1)
        for j in range(i, len(lines)):
            if j > i and re.match(r"─\w", lines[j][start : start + 2]):  # the next box's title: "─Roles"
                break
            lines[j] = lines[j][:start]
        break
    return "\n".join(lines)


def _port(config: Path) -> int:
    url = tomllib.loads(config.read_text())["probe"][0]["url"]
    return int(re.search(r":(\d+)/", url).group(1))


def test_every_pane_shows_the_live_demo(tmp_path: Path, home_env: dict[str, str]) -> None:
    keep = tmp_path / "kept"
    sock = f"warroom-demo-{os.getpid()}"
    tmux = ["tmux", "-L", sock, "-f", "/dev/null"]
    # COLUMNS/LINES (set by pytest's terminal) would override the tmux window's size in Textual.
    env = {k: v for k, v in home_env.items() if k not in {"COLUMNS", "LINES"}} | {"TERM": "xterm-256color"}
    cmd = f"{warroom_executable()} demo --speed 20 --keep {keep}; tmux -L {sock} wait-for -S demo-exited; sleep 60"
    subprocess.run([*tmux, "new-session", "-d", "-x", "120", "-y", "40", cmd], env=env, check=True, timeout=30)
    seen: dict[str, str] = {}
    screens: list[str] = []
    try:
        deadline = time.monotonic() + 40
        expected = len(IN_PANES) + len(ANYWHERE)
        while time.monotonic() < deadline and len(seen) < expected:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p"], env=env, capture_output=True, text=True, timeout=10
            ).stdout
            screens.append(screen)
            panes_only = without_timeline(screen)
            for pane, pattern in IN_PANES.items():
                if pane not in seen and re.search(pattern, panes_only, re.I):
                    seen[pane] = screen
            for pane, pattern in ANYWHERE.items():
                if pane not in seen and re.search(pattern, screen, re.I):
                    seen[pane] = screen
            time.sleep(0.5)
        missing = sorted((set(IN_PANES) | set(ANYWHERE)) - set(seen))
        assert not missing, (
            f"panes never showed live data: {missing}\n--- last screen ---\n{screens[-1] if screens else ''}"
        )

        subprocess.run([*tmux, "send-keys", "C-q"], env=env, timeout=10)
        subprocess.run([*tmux, "wait-for", "demo-exited"], env=env, timeout=30)
    finally:
        subprocess.run([*tmux, "kill-server"], env=env, capture_output=True, timeout=30)

    assert (keep / "warroom.db").exists()
    port = _port(keep / "warroom.toml")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    for proc in psutil.process_iter(["cmdline"]):  # not even the command pane's program
        cmdline = " ".join(proc.info["cmdline"] or [])
        if cmdline.startswith(" ".join(tmux) + " "):
            continue  # the tmux server itself, still exiting after kill-server, names the folder in its command
        assert f"127.0.0.1:{port}" not in cmdline and str(keep) not in cmdline, cmdline
