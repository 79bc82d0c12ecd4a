"""Time from launch to the first full frame, and resident memory, of the installed `warroom`,
as ratios to a minimal Textual app measured in the same run.

    python benchmarks/startup.py [--runs 7] [--size 120x40] [--settle 3]

Each process runs in its own pseudo-terminal of the given size, started exactly as a user starts
it (the console script next to this Python). Two environments, both reported:

  compiled  bytecode for everything, as a normal install has it (pip compiles at install time;
            the minimal app's Textual is compiled in site-packages). Warroom's is written once,
            by an unmeasured warm-up run, under a private PYTHONPYCACHEPREFIX (not the source tree).
  as-is     this shell's environment unchanged: with PYTHONDONTWRITEBYTECODE=1 (set on this
            machine) and an editable install, every launch recompiles warroom's modules from
            source while Textual's bytecode is already in site-packages. The clock stops when the terminal has received the
whole first frame: for the minimal app its one line of text; for the war room the incident
loaded into the header, the timeline and the role board (markers below). Memory is VmRSS after
`--settle` seconds with every pane live (resources sampled, a log file and a command pane
followed, a local HTTP probe), against the minimal app's after the same wait.

Targets: first frame <= 1.3x the minimal app (median ratio, in both environments), memory <= 2x.
Prints PASS or FAIL per target and exits 1 when one is missed (see verdict.py).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from verdict import Verdict, sized  # noqa: E402

TARGET_FRAME = 1.3  # first full frame, warroom / minimal app
TARGET_MEMORY = 2.0  # resident memory with every pane live, warroom / minimal app

MINIMAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Minimal(App):
        def compose(self):
            yield Header()
            yield Static("minimal app ready")
            yield Footer()

    Minimal().run()
    """
)
MINIMAL_MARKERS = [b"minimal app ready"]
# Things only a fully loaded war room draws: the incident title in the header, the loaded
# timeline (the newest note, at the bottom), a holder on the role board.
WARROOM_MARKERS = [b"INC-1 Checkout", b"note 199:", b"bench-ic"]


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def run_in_pty(
    argv: list[str],
    env: dict[str, str],
    size: tuple[int, int],
    markers: list[bytes],
    settle: float,
    timeout: float = 30.0,
) -> tuple[float, int]:
    """(seconds to the first frame containing every marker, VmRSS in KiB after `settle` s)."""
    master, slave = pty.openpty()
    cols, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True
    )
    os.close(slave)
    seen = b""
    first_frame: float | None = None
    deadline = start + timeout
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                if first_frame is None and all(m in seen for m in markers):
                    first_frame = time.perf_counter() - start
                    settle_until = time.perf_counter() + settle
            if first_frame is not None and time.perf_counter() >= settle_until:
                break
        if first_frame is None:
            raise RuntimeError(f"{argv[0]}: no full frame in {timeout}s; got {seen[-400:]!r}")
        rss = 0
        with open(f"/proc/{proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        return first_frame, rss
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)


def prepare(tmp: Path, port: int) -> tuple[Path, Path]:
    """A database with a declared incident, and a config with every kind of live pane."""
    from warroom.domain.events import Kind
    from warroom.store.sync import EventStore

    db = tmp / "warroom.db"
    with EventStore.open(db) as store:
        inc = store.declare("Checkout API returning 500s", 2, actor="bench").incident_id
        store.append(inc, Kind.ROLE_ASSIGNED, {"role": "Incident Commander", "person": "bench-ic"}, actor="bench")
        for i in range(200):
            store.append(inc, Kind.NOTE, {"text": f"note {i}: investigating the checkout path"}, actor="bench")
    log = tmp / "api.log"
    log.write_text("".join(f"2025-03-04T14:00:{i % 60:02d}Z ERROR upstream timeout id={i}\n" for i in range(500)))
    config = tmp / "warroom.toml"
    config.write_text(
        textwrap.dedent(f"""
        [team]
        roster = ["bench-ic", "bob"]

        [resources]
        interval = 1

        [[probe]]
        name = "local"
        url = "http://127.0.0.1:{port}/health"
        interval = 1

        [[log]]
        name = "api"
        path = "{log}"

        [[command]]
        name = "uptime"
        argv = ["uptime"]
        interval = 2
    """)
    )
    return db, config


def main() -> int:
    verdict = Verdict()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=sized(5, 3))
    parser.add_argument("--size", default="120x40")
    parser.add_argument(
        "--settle", type=float, default=sized(3.0, 2.0), help="seconds of live panes before reading memory"
    )
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    warroom = Path(sys.executable).parent / "warroom"
    if not warroom.exists():
        print(f"warroom is not installed next to {sys.executable}", file=sys.stderr)
        return 2

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = Path(tempfile.mkdtemp(prefix="warroom-startup-"))
    try:
        db, config = prepare(tmp, server.server_address[1])
        minimal = tmp / "minimal.py"
        minimal.write_text(MINIMAL_APP)
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("WARROOM_", "TEXTUAL")) and k not in {"COLUMNS", "LINES"}
        }
        base.update(
            TERM="xterm-256color", COLORTERM="truecolor", HOME=str(tmp), WARROOM_DB=str(db), WARROOM_USER="bench"
        )
        compiled = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
        compiled["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        minimal_argv = [sys.executable, str(minimal)]
        warroom_argv = [str(warroom), "--config", str(config)]
        results = {}
        for label, env, settle in (("compiled", compiled, args.settle), ("as-is", base, 0.0)):
            # One unmeasured run each fills the OS file cache (and, compiled, the bytecode cache),
            # as for a user's second launch.
            run_in_pty(minimal_argv, env, size, MINIMAL_MARKERS, 0.2)
            run_in_pty(warroom_argv, env, size, WARROOM_MARKERS, 0.2)
            mins, wars, min_rss, war_rss = [], [], [], []
            for _ in range(args.runs):  # interleaved, so a busy moment hits both alike
                t, rss = run_in_pty(minimal_argv, env, size, MINIMAL_MARKERS, settle)
                mins.append(t)
                min_rss.append(rss)
                t, rss = run_in_pty(warroom_argv, env, size, WARROOM_MARKERS, settle)
                wars.append(t)
                war_rss.append(rss)
            results[label] = (mins, wars, min_rss, war_rss)
    finally:
        server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"first full frame at {size[0]}x{size[1]}, median of {args.runs} (min..max):")
    for label, (mins, wars, _, _) in results.items():
        m, w = statistics.median(mins), statistics.median(wars)
        dont_write = (
            " (PYTHONDONTWRITEBYTECODE=1)" if label == "as-is" and "PYTHONDONTWRITEBYTECODE" in os.environ else ""
        )
        print(f" {label}{dont_write}:")
        print(f"  minimal Textual app  {m * 1000:7.0f} ms  ({min(mins) * 1000:.0f}..{max(mins) * 1000:.0f})")
        print(f"  warroom              {w * 1000:7.0f} ms  ({min(wars) * 1000:.0f}..{max(wars) * 1000:.0f})")
        met = verdict.check(
            f"{label} first frame <= {TARGET_FRAME:g}x",
            w / m <= TARGET_FRAME,
            figure=f"warroom {w * 1000:.0f} ms",
            reference=f"minimal Textual app {m * 1000:.0f} ms",
            ratio=w / m,
        )
        print(f"  ratio                {w / m:7.2f}x   (target <= {TARGET_FRAME:g}x)  {met}")
        # Each warroom run follows a minimal one: their ratio cancels out a slow moment on a
        # shared machine better than the ratio of two medians does.
        paired = statistics.median(wt / mt for mt, wt in zip(mins, wars))
        print(
            f"  paired ratio         {paired:7.2f}x   (median of run-by-run ratios; fastest runs {min(wars) / min(mins):.2f}x)"
        )
    _, _, min_rss, war_rss = results["compiled"]
    mr, wr = statistics.median(min_rss), statistics.median(war_rss)
    print(f"resident memory after {args.settle:.0f} s with every pane live (compiled):")
    print(f"  minimal Textual app  {mr / 1024:7.1f} MiB")
    print(f"  warroom              {wr / 1024:7.1f} MiB")
    met = verdict.check(
        f"memory <= {TARGET_MEMORY:g}x",
        wr / mr <= TARGET_MEMORY,
        figure=f"warroom {wr / 1024:.1f} MiB",
        reference=f"minimal Textual app {mr / 1024:.1f} MiB",
        ratio=wr / mr,
    )
    print(f"  ratio                {wr / mr:7.2f}x   (target <= {TARGET_MEMORY:g}x)  {met}")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
