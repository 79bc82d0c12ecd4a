"""Ten war room screens on one database: transitions recorded once, notes seen everywhere, CPU.

    python benchmarks/ten_screens.py [--screens 10] [--probes 4] [--seconds 12] [--size 120x40]

(`--quick`, WARROOM_BENCH_QUICK=1: five screens, a 6 s window.)

Ten SSH users each run the installed `warroom` in a tmux session of their own (a real pty, one
private tmux server), every one on the same database with the same config: `--probes` probes at
1 s against a real HTTP server on 127.0.0.1 in this process, which flips them down and up on a
schedule (each state held long enough for flap damping to see it). Two rounds, each with its own
database and the same flip schedule:

  reference  one screen with the probes (it polls, holds the recording lease and records) and
             nine idle followers with no source configured (they only follow the store). The
             polling screen follows the store too, so this is one screen's polling on top of ten
             idle followers: what the recording lease promises ten screens cost;
  ten        all ten screens with the same probes, as ten users really start them.

Each round measures the CPU time of every warroom process (its whole process tree, from psutil)
over `--seconds`, after the screens have settled. Then, in the ten-screen round:

  notes      a note typed into each screen in turn (tmux send-keys) must show on every other
             screen: the time from Enter to the text in `capture-pane`, worst over all pairs
             (all panes read by one tmux client per sweep: a figure is late by at most one sweep);
  panes      a probe taken down: from its DOWN in the database to every screen's health pane
             saying DOWN (the screens that follow poll probes seldom: they read it from the record);
  hand-over  the lease holder quits (Ctrl+Q, as a user closing their screen) and the flips go on,
             so another screen takes the lease over;
  record     every flip of the server is one probe.down or probe.up in the database: no
             transition recorded twice, none missed.

Targets: transitions recorded exactly once (both rounds); worst note latency < 1 s; a recorded
DOWN in every health pane < 2 s; the ten screens' CPU <= 2x the reference round's. Prints PASS or FAIL for each, exits 1 when one is
missed (see verdict.py).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import psutil
from local_server import serve
from verdict import Verdict, sized

#: run.py --quick leaves this out unless named: ten war rooms in tmux take a minute even at quick sizes.
NOT_IN_QUICK = True

ROOT = Path(__file__).resolve().parents[1]
TARGET_CPU_RATIO = 2.0
TARGET_NOTE_S = 1.0
#: A DOWN one screen recorded, in every other screen's health pane: they poll probes only every
#: 5 s while another records, so they must take it from the record (read every 0.25 s).
TARGET_PANE_S = 2.0
PROBE_INTERVAL = 1.0
#: How long the server holds a probe in one state: flap damping needs 2 failed (or good) polls
#: 1 s apart, and a poll can start late on a busy machine; 5 s leaves room for that.
HOLD_S = 5.0
MARK = "@@pane "  # separates the panes in one tmux client's output


# --- the service the probes watch ---------------------------------------------------------------


class FlipServer:
    """An HTTP server on 127.0.0.1: `/svc/N` answers 200 "ok", or 503 while probe N is down."""

    def __init__(self, probes: int) -> None:
        self.down = [False] * probes
        self.flips: Counter[tuple[int, str]] = Counter()  # (probe, "down"/"up") -> times flipped
        self.hits = 0
        self.log: list[str] = []  # each flip, for a report of what was missed
        flip = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                flip.hits += 1
                try:
                    n = int(self.path.rsplit("/", 1)[1])
                    failing = flip.down[n]
                except (ValueError, IndexError):
                    failing = True
                body = b"down" if failing else b"ok"
                self.send_response(503 if failing else 200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = serve(Handler)

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/svc/{n}"

    def set(self, n: int, down: bool) -> None:
        if self.down[n] != down:
            self.down[n] = down
            self.flips[(n, "down" if down else "up")] += 1
            self.log.append(f"{datetime.now(UTC):%H:%M:%S.%f} svc-{n} {'down' if down else 'up'}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Flipper:
    """Flips the probes in a staggered cycle (one at a time) until stopped; all end up."""

    def __init__(self, server: FlipServer) -> None:
        self.server = server
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        n, count = 0, len(self.server.down)
        while not self._stop.wait(HOLD_S):
            self.server.set(n, not self.server.down[n])
            self.last_flip = time.monotonic()
            n = (n + 1) % count if not self.server.down[n] else n  # down, then up again, then the next

    last_flip = 0.0

    def stop(self) -> None:
        """Stop flipping and bring every probe up (after the current hold, so damping sees it)."""
        self._stop.set()
        self._thread.join()
        if any(self.server.down):
            time.sleep(max(0.0, self.last_flip + HOLD_S - time.monotonic()))
            for n in range(len(self.server.down)):
                self.server.set(n, False)


# --- the screens -------------------------------------------------------------------------------


def write_config(path: Path, server: FlipServer | None, probes: int) -> Path:
    """The screens' config: `probes` probes at 1 s (none for an idle follower), no host resources
    (ten copies of the same host's process list would measure psutil, not the lease)."""
    lines = ["[resources]", "enabled = false", ""]
    for n in range(probes if server is not None else 0):
        lines += [
            "[[probe]]",
            f'name = "svc-{n}"',
            f'url = "{server.url(n)}"' if server else "",
            f"interval = {PROBE_INTERVAL:g}",
            "timeout = 2",
            "",
        ]
    path.write_text("\n".join(lines))
    return path


@dataclass
class Screens:
    """Ten (or `count`) warroom processes, each in its own session of one private tmux server."""

    work: Path
    size: str
    env: dict[str, str]
    socket: str = field(default_factory=lambda: f"warroom-bench-ten-{os.getpid()}-{uuid.uuid4().hex[:6]}")
    names: list[str] = field(default_factory=list)

    def tmux(self, *args: str) -> str:
        cmd = ["tmux", "-L", self.socket, "-f", "/dev/null", *args]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=20, check=True).stdout

    def start(self, index: int, db: Path, config: Path) -> None:
        width, height = self.size.split("x")
        name = f"s{index}"
        exe = str(Path(sys.executable).parent / "warroom")
        argv = ["env", f"WARROOM_USER=user{index}", f"WARROOM_DB={db}", f"WARROOM_CONFIG={config}", exe]
        self.tmux("new-session", "-d", "-s", name, "-x", width, "-y", height, *argv)
        self.names.append(name)

    def screen(self, name: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", name)

    def screens(self, names: list[str]) -> dict[str, str]:
        """Every named pane's text from one tmux client (one process, not one per pane: a sweep
        over nine panes stays short on a busy machine, so a latency is not read late)."""
        args: list[str] = []
        for name in names:
            args += ["display-message", "-p", f"{MARK}{name}", ";", "capture-pane", "-p", "-t", name, ";"]
        shown: dict[str, str] = {}
        for chunk in self.tmux(*args[:-1]).split(MARK)[1:]:
            name, _, text = chunk.partition("\n")
            shown[name] = text
        return shown

    def keys(self, name: str, *keys: str) -> None:
        self.tmux("send-keys", "-t", name, *keys)

    def process(self, name: str) -> psutil.Process:
        return psutil.Process(int(self.tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip()))

    def wait_all(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(self.names)
        while waiting and time.monotonic() < deadline:
            waiting = [n for n in waiting if text not in self.screen(n)]
            time.sleep(0.2)
        if waiting:
            raise SystemExit(f"ten_screens: {text!r} never showed on {waiting}:\n{self.screen(waiting[0])}")

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env, capture_output=True, timeout=20)


def tree_cpu(proc: psutil.Process) -> float:
    """CPU seconds (user + system) of a process and everything it started that still runs."""
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def measure_cpu(screens: Screens, seconds: float) -> dict[str, float]:
    """Each screen's CPU over `seconds`, as a percentage of one core."""
    procs = {name: screens.process(name) for name in screens.names}
    before = {name: tree_cpu(p) for name, p in procs.items()}
    started = time.monotonic()
    time.sleep(seconds)
    wall = time.monotonic() - started
    return {name: 100 * (tree_cpu(p) - before[name]) / wall for name, p in procs.items()}


def note_latencies(screens: Screens) -> list[float]:
    """Type a note into each screen in turn; seconds until each other screen shows it."""
    worst: list[float] = []
    for name in screens.names:
        text = f"note from {name} {uuid.uuid4().hex[:8]}"
        screens.keys(name, "-l", text)
        screens.keys(name, "Enter")
        sent = time.monotonic()
        waiting = {n for n in screens.names if n != name}
        while waiting and time.monotonic() - sent < 10:
            for other, shown in screens.screens(sorted(waiting)).items():
                if text in shown:
                    waiting.discard(other)
                    worst.append(time.monotonic() - sent)
        if waiting:
            worst.extend([float("inf")] * len(waiting))
    return worst


def pane_latencies(screens: Screens, server: FlipServer, db: Path, probe: int = 0) -> list[float]:
    """Take probe `probe` down; from the moment its DOWN is in the database, seconds until each
    screen's health pane says DOWN (the recording screen's own poll, the others' reading of the
    record). Brings it up again afterwards."""
    before = recorded_transitions(db)[(probe, "down")]
    server.set(probe, True)
    deadline = time.monotonic() + 15
    while recorded_transitions(db)[(probe, "down")] == before and time.monotonic() < deadline:
        time.sleep(0.05)
    recorded = time.monotonic()
    row = re.compile(rf"✖ DOWN\s+svc-{probe}\b")
    waiting, seen = set(screens.names), []
    while waiting and time.monotonic() - recorded < 15:
        for name, shown in screens.screens(sorted(waiting)).items():
            if row.search(shown):
                waiting.discard(name)
                seen.append(time.monotonic() - recorded)
    time.sleep(HOLD_S)
    server.set(probe, False)
    return seen + [float("inf")] * len(waiting)


def lease_holder(db: Path) -> str | None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT holder FROM recorder_leases").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def recorded_log(db: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute(
            "SELECT at, kind, payload FROM events WHERE kind IN ('probe.down', 'probe.up') ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    return [f"{at} {kind} {payload[:80]}" for at, kind, payload in rows]


def recorded_transitions(db: Path) -> Counter[tuple[int, str]]:
    """probe.down / probe.up events in the database, per probe."""
    import json

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        rows = conn.execute("SELECT kind, payload FROM events WHERE kind IN ('probe.down', 'probe.up')").fetchall()
    finally:
        conn.close()
    seen: Counter[tuple[int, str]] = Counter()
    for kind, payload in rows:
        probe = str(json.loads(payload).get("probe", ""))
        seen[(int(probe.rsplit("-", 1)[1]), kind.split(".")[1])] += 1
    return seen


def declare(db: Path, env: dict[str, str]) -> None:
    exe = str(Path(sys.executable).parent / "warroom")
    subprocess.run(
        [exe, "declare", "Checkout 5xx", "--sev", "2"],
        env={**env, "WARROOM_DB": str(db), "WARROOM_USER": "ic"},
        check=True,
        stdout=subprocess.DEVNULL,
    )


@dataclass
class Round:
    cpu: dict[str, float]
    flips: Counter[tuple[int, str]]
    recorded: Counter[tuple[int, str]]
    notes: list[float] = field(default_factory=list)
    panes: list[float] = field(default_factory=list)  # recorded DOWN -> each screen's pane
    handed_over: bool = False
    holder: str | None = None  # the screen that held the lease during the CPU window
    probe_rate: float = 0.0  # requests per second the service saw during the CPU window

    @property
    def once(self) -> bool:
        return self.recorded == self.flips and sum(self.flips.values()) > 0


def run_round(mode: str, args: argparse.Namespace, work: Path, env: dict[str, str]) -> Round:
    server = FlipServer(args.probes)
    db = work / f"{mode}.db"
    declare(db, env)
    polling = write_config(work / f"{mode}-probes.toml", server, args.probes)
    idle = write_config(work / f"{mode}-idle.toml", None, 0)
    screens = Screens(work, args.size, env)
    try:
        for k in range(args.screens):
            screens.start(k, db, polling if mode == "ten" or k == 0 else idle)
        screens.wait_all("INC-1 Checkout 5xx")
        time.sleep(args.settle)  # first frames drawn, first polls done, the lease taken
        flipper = Flipper(server)
        flipper.start()
        holder = lease_holder(db)
        hits, started = server.hits, time.monotonic()
        cpu = measure_cpu(screens, args.seconds)
        result = Round(cpu, Counter(), Counter())
        result.probe_rate = (server.hits - hits) / (time.monotonic() - started)
        result.holder = next(
            (n for n in screens.names if holder and holder.endswith(f":{screens.process(n).pid}")), None
        )
        if mode == "ten":
            flipper.stop()
            result.notes = note_latencies(screens)
            result.panes = pane_latencies(screens, server, db)
            flipper = Flipper(server)  # flips go on through the hand-over
            flipper.start()
            holder = lease_holder(db)
            pids = {name: screens.process(name).pid for name in screens.names}
            quitting = next((n for n, pid in pids.items() if holder and holder.endswith(f":{pid}")), None)
            if quitting is not None:
                screens.keys(quitting, "C-q")  # the holder's user closes their screen
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline:
                    now = lease_holder(db)
                    if now and now != holder:
                        result.handed_over = True
                        break
                    time.sleep(0.2)
                time.sleep(sized(2 * HOLD_S, HOLD_S))  # flips go on under the new holder
        flipper.stop()
        result.flips = Counter(server.flips)
        deadline = time.monotonic() + 15
        while recorded_transitions(db) != result.flips and time.monotonic() < deadline:
            time.sleep(0.3)  # the last UP seen (two polls) and recorded
        time.sleep(2 * PROBE_INTERVAL)  # room for a second screen to record it again
        result.recorded = recorded_transitions(db)
        if not result.once:
            print(
                f"{mode}: flips and records differ; flipped:", *server.log, "recorded:", *recorded_log(db), sep="\n  "
            )
        return result
    finally:
        screens.kill()
        server.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--screens", type=int, default=sized(10, 5))
    parser.add_argument("--probes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=sized(12.0, 6.0), help="CPU window per round")
    parser.add_argument("--settle", type=float, default=sized(5.0, 2.0), help="seconds after the first frames")
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    verdict = Verdict()
    if not shutil.which("tmux"):
        verdict.check("tmux is installed", False)
        return verdict.finish()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARROOM_") and k not in {"TMUX", "TMUX_PANE"}}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="warroom-bench-ten-") as tmp:
        work = Path(tmp)
        env.update(HOME=str(work), TERM="screen-256color", XDG_DATA_HOME=str(work / "data"))
        rounds = {mode: run_round(mode, args, work, env) for mode in ("reference", "ten")}
    labels = {"reference": "one screen polls", "ten": "every screen polls"}
    ref, ten = rounds["reference"], rounds["ten"]
    n = args.screens
    ref_total, ten_total = sum(ref.cpu.values()), sum(ten.cpu.values())
    poller = ref.cpu["s0"]
    idle = [v for k, v in ref.cpu.items() if k != "s0"]
    idle_mean = sum(idle) / max(1, len(idle))
    print(
        f"ten screens ({n} warroom processes in tmux {args.size}, one database; {args.probes} probes at "
        f"{PROBE_INTERVAL:g}s each state held {HOLD_S:g}s; CPU over {args.seconds:g}s; load average "
        f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after)"
    )
    print(
        f"reference: one polling screen {poller:.1f} % + {n - 1} idle followers {sum(idle):.1f} % "
        f"({idle_mean:.1f} % each) = {ref_total:.1f} % of a core"
    )
    followers = [v for k, v in ten.cpu.items() if k != ten.holder]
    print(
        f"ten:       {n} screens with the probes {ten_total:.1f} % of a core: the recording screen "
        f"{ten.cpu.get(ten.holder or '', float('nan')):.1f} %, the {len(followers)} following it "
        f"{min(followers):.1f}-{max(followers):.1f} % each"
    )
    print(
        f"the service was probed {ten.probe_rate:.1f} times a second by the {n} screens "
        f"({ref.probe_rate:.1f} by the one polling screen of the reference)"
    )
    for label, r in rounds.items():
        flips, recorded = sum(r.flips.values()), sum(r.recorded.values())
        extra = sum((r.recorded - r.flips).values())
        missed = sum((r.flips - r.recorded).values())
        met = verdict.check(
            f"{labels[label]}: each transition recorded once",
            r.once,
            figure=f"{recorded} recorded ({extra} twice, {missed} missed)"
            + (f"; hand-over at quit: {'yes' if r.handed_over else 'no'}" if label == "ten" else ""),
            reference=f"{flips} flips",
        )
        print(
            f"{labels[label] + ':':<20}{flips} probe flips, {recorded} transitions recorded, {extra} extra, "
            f"{missed} missed  {met}"
        )
    print(f"lease hand-over when the recording screen quit: {'yes' if ten.handed_over else 'NO'}")
    worst = max(ten.notes) if ten.notes else float("inf")
    seen = sum(1 for t in ten.notes if t < float("inf"))
    met = verdict.check(
        f"note on every other screen < {TARGET_NOTE_S:g} s",
        worst < TARGET_NOTE_S,
        figure=f"worst {worst:.2f} s over {len(ten.notes)} screen pairs",
        reference=f"{TARGET_NOTE_S:g} s",
        ratio=worst / TARGET_NOTE_S,
    )
    notes = sorted(ten.notes)
    median = notes[len(notes) // 2] if notes else float("inf")
    print(
        f"notes: {seen} of {len(ten.notes)} seen; median {median:.2f} s, worst {worst:.2f} s "
        f"(target < {TARGET_NOTE_S:g} s)  {met}"
    )
    worst_pane = max(ten.panes) if ten.panes else float("inf")
    met = verdict.check(
        f"recorded DOWN in every screen's health pane < {TARGET_PANE_S:g} s",
        worst_pane < TARGET_PANE_S,
        figure=f"worst {worst_pane:.2f} s over {len(ten.panes)} screens",
        reference=f"{TARGET_PANE_S:g} s",
        ratio=worst_pane / TARGET_PANE_S,
    )
    print(
        f"health panes: a recorded DOWN shown on {sum(1 for t in ten.panes if t < float('inf'))} of "
        f"{len(ten.panes)} screens, worst {worst_pane:.2f} s after it was written (target < {TARGET_PANE_S:g} s)  {met}"
    )
    ratio = ten_total / max(ref_total, 0.01)
    met = verdict.check(
        f"CPU <= {TARGET_CPU_RATIO:g}x one polling screen + idle followers",
        ratio <= TARGET_CPU_RATIO,
        figure=f"{n} screens {ten_total:.1f} % of a core",
        reference=f"1 polling {poller:.1f} % + {n - 1} idle {sum(idle):.1f} %",
        ratio=ratio,
    )
    print(f"CPU ratio ten / reference: {ratio:.2f}x (target <= {TARGET_CPU_RATIO:g}x)  {met}")
    return verdict.finish()


if __name__ == "__main__":
    sys.exit(main())
