"""How long the installed `warroom` takes to end once its terminal is gone (the hangup path).

    python benchmarks/hangup_exit.py [RUNS]

Each run starts the war room on a real pseudo-terminal in a session of its own (so no SIGHUP
comes by itself, as under `setsid` or a supervisor), waits for the first frame, then closes the
terminal's master side, two ways:

  closed       nothing else: warroom notices on its own (it checks the terminal every second);
  closed+HUP   and SIGHUP at once: the signal path, with the terminal already gone.

Prints the median, min and max time to exit, and the exit codes (129, as a hangup). Targets:
closed <= 3 s, closed+HUP <= 2 s, every exit 129; exits 1 when one is missed.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from verdict import Verdict, sized

from warroom.store.sync import EventStore

TARGETS = {"closed": 3.0, "closed+HUP": 2.0}


def once(tmp: Path, send_hup: bool) -> tuple[float, int]:
    """(seconds from the terminal closing to the exit, exit code) for one run."""
    db = tmp / f"w{time.monotonic_ns()}.db"
    with EventStore.open(db) as store:
        store.declare("Checkout API returning 500s", 1, actor="bench")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_")}
    env.update(WARROOM_DB=str(db), WARROOM_USER="bench", TERM="xterm-256color", HOME=str(tmp))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "warroom")],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    while b"Checkout API" not in seen and time.monotonic() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            seen += os.read(master, 65536)
    time.sleep(0.5)
    os.close(master)
    start = time.monotonic()
    if send_hup:
        proc.send_signal(signal.SIGHUP)
    try:
        code = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return float("inf"), -9
    return time.monotonic() - start, code


def main() -> int:
    verdict = Verdict()
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else sized(5, 2)
    with tempfile.TemporaryDirectory() as tmp:
        for label, hup in (("closed", False), ("closed+HUP", True)):
            results = [once(Path(tmp), hup) for _ in range(runs)]
            times = [t for t, _ in results]
            codes = sorted({c for _, c in results})
            median = statistics.median(times)
            met = verdict.check(
                f"{label} exits 129 within {TARGETS[label]:g}s",
                median <= TARGETS[label] and codes == [129],
                figure=f"{median:.2f} s, exit {codes}",
                reference=f"{TARGETS[label]:g} s",
                ratio=median / TARGETS[label],
            )
            print(
                f"{label:11s} median {median:.3f}s (min {min(times):.3f}, max {max(times):.3f})  exit codes {codes}"
                f"  target <= {TARGETS[label]:g}s, exit 129: {met}"
            )
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
