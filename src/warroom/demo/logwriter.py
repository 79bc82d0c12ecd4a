"""The demo's application log: a real file written at a realistic rate, following the script.

A few INFO lines a second all along; before the bad deploy some warnings and a rare timeout error
(the baseline); after it a burst of ERROR and panic lines from a handful of distinct messages whose
numbers, ids and IPs vary, so the log pane's grouping has something to group; after the rollback
the errors fade out. Rates are per script second, so `--speed 20` writes 20x as many lines per wall
second. The file is rotated once mid-run (rename to `.1`, new file), the way logrotate does it.
"""

from __future__ import annotations

import math
import random
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from warroom.demo.state import Phase, WorldState

# Lines per script second.
INFO_RATE = 3.0
BASELINE_ERROR_RATE = 0.03  # about two a minute: the trailing baseline a spike is measured against
DEGRADED_WARN_RATE = 0.25
OUTAGE_ERROR_RATE = 5.0
OUTAGE_PANIC_RATE = 0.4
FADE_SECONDS = 20.0  # errors decay with this time constant after the rollback
MAX_LINES_PER_TICK = 2000  # a stalled thread catching up must not write megabytes at once

_WORDS = ("shoes", "socks", "jacket", "lamp", "desk", "mug", "kettle", "chair", "rug", "backpack")


def _ts(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


class LogLines:
    """Builds log lines; every varying number comes from the seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _hex(self, n: int = 8) -> str:
        # Real request ids mix letters and digits; an all-digit or all-letter one would group
        # apart from its siblings (masked as a number, or not at all), so draw again.
        while True:
            text = f"{self.rng.getrandbits(4 * n):0{n}x}"
            if not text.isdigit() and any(c.isdigit() for c in text):
                return text

    def _ip(self) -> str:
        r = self.rng
        return f"10.{r.randrange(0, 8)}.{r.randrange(0, 255)}.{r.randrange(2, 254)}"

    def info(self) -> str:
        r = self.rng
        pick = r.random()
        if pick < 0.45:
            return (f"INFO  [http] GET /api/search?q={r.choice(_WORDS)} 200 {r.randrange(8, 40)}ms "
                    f"client={self._ip()} req_id={self._hex()}")
        if pick < 0.75:
            return (f"INFO  [http] POST /api/checkout 200 {r.randrange(60, 140)}ms "
                    f"client={self._ip()} req_id={self._hex()}")
        if pick < 0.9:
            return "INFO  [http] GET /health 200 1ms client=127.0.0.1"
        return f"INFO  [worker] settled {r.randrange(1, 40)} payouts in {r.randrange(20, 300)}ms batch={self._hex()}"

    def warn(self) -> str:
        r = self.rng
        return (f"WARN  [checkout] payment provider slow: {r.randrange(520, 1900)}ms (budget 500ms) "
                f"order_id={r.randrange(100000, 999999)}")

    def baseline_error(self) -> str:
        r = self.rng
        return (f"ERROR [checkout] payment provider timeout after 2000ms "
                f"order_id={r.randrange(100000, 999999)} req_id={self._hex()}")

    def outage_error(self) -> str:
        r = self.rng
        pick = r.random()
        if pick < 0.45:
            return (f"ERROR [checkout] payment call failed after 5 retries: upstream timeout after "
                    f"{r.randrange(1800, 2400)}ms order_id={r.randrange(100000, 999999)} req_id={self._hex()}")
        if pick < 0.8:
            return (f"ERROR [db] connection pool exhausted: {r.randrange(47, 51)}/50 in use, waited "
                    f"{r.randrange(500, 3000)}ms for a connection req_id={self._hex()}")
        return (f"ERROR [http] POST /api/checkout 502 in {r.randrange(900, 2100)}ms "
                f"client={self._ip()} req_id={self._hex()}")

    def panic(self) -> str:
        r = self.rng
        n = r.randrange(3, 9)
        return (f"ERROR [worker] panic: runtime error: index out of range [{n}] with length {n} "
                f"goroutine={r.randrange(100, 9000)} retry.go:88")


def rates(phase: Phase, phase_age: float) -> dict[str, float]:
    """Lines per script second of each kind, for the phase and how long it has lasted."""
    out = {"info": INFO_RATE, "warn": 0.0, "baseline": BASELINE_ERROR_RATE, "outage": 0.0, "panic": 0.0}
    if phase is Phase.DEGRADED:
        out["warn"] = DEGRADED_WARN_RATE
    elif phase is Phase.OUTAGE:
        out["outage"] = OUTAGE_ERROR_RATE
        out["panic"] = OUTAGE_PANIC_RATE
    else:
        fade = math.exp(-phase_age / FADE_SECONDS)
        out["outage"] = OUTAGE_ERROR_RATE * fade
        out["panic"] = OUTAGE_PANIC_RATE * fade
        out["baseline"] = BASELINE_ERROR_RATE / 3
    return out


class LogWriter:
    """Appends lines to `path` as script time passes; `tick()` does one step, `run()` loops."""

    def __init__(self, path: Path, state: WorldState, seed: int = 0, poll: float = 0.25) -> None:
        self.path = Path(path)
        self.state = state
        self.poll = poll
        self.lines = LogLines(random.Random(f"{seed}:logs"))
        self._lock = threading.Lock()
        self._carry: dict[str, float] = {}
        self._last = state.clock.elapsed()
        self._fh = None
        self.written = 0
        self.errors_written = 0
        self.rotated_to: Path | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _open(self) -> None:
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8", newline="\n")

    def write_history(self, minutes: float = 15.0) -> int:
        """Back-dated lines for the last `minutes` (thinned), so a backfill has a baseline."""
        rng = self.lines.rng
        end = self.state.clock.now()
        at = end - timedelta(minutes=minutes)
        out: list[str] = []
        while at < end:
            roll = rng.random()
            if roll < 0.015:
                out.append(f"{_ts(at)} {self.lines.baseline_error()}")
            elif roll < 0.08:
                out.append(f"{_ts(at)} {self.lines.warn()}")
            else:
                out.append(f"{_ts(at)} {self.lines.info()}")
            at += timedelta(seconds=rng.uniform(0.5, 3.0))
        with self._lock:
            self._open()
            self._fh.write("\n".join(out) + "\n")
            self._fh.flush()
        self.written += len(out)
        return len(out)

    def due(self, script_seconds: float) -> list[Callable[[], str]]:
        """Which line makers to call for `script_seconds` of story at the current phase."""
        makers = {"info": self.lines.info, "warn": self.lines.warn, "baseline": self.lines.baseline_error,
                  "outage": self.lines.outage_error, "panic": self.lines.panic}
        todo: list[Callable[[], str]] = []
        for kind, rate in rates(self.state.phase, self.state.phase_age()).items():
            carry = self._carry.get(kind, 0.0) + rate * script_seconds
            n = int(carry)
            self._carry[kind] = carry - n
            todo.extend([makers[kind]] * n)
        self.lines.rng.shuffle(todo)
        return todo[:MAX_LINES_PER_TICK]

    def restart(self) -> None:
        """Count from now: the world calls this when the script clock starts."""
        self._last = self.state.clock.elapsed()

    def tick(self) -> int:
        """Write the lines due since the last tick; returns how many."""
        now_script = self.state.clock.elapsed()
        step, self._last = max(0.0, now_script - self._last), now_script
        makers = self.due(step)
        if not makers:
            return 0
        now = self.state.clock.now()
        wall = self.state.clock.wall_seconds(step)
        text: list[str] = []
        for i, make in enumerate(makers):
            # Spread the stamps over the tick so lines keep their order and look organic.
            at = now - timedelta(seconds=wall * (1 - (i + 1) / len(makers)))
            line = make()
            if "ERROR" in line:
                self.errors_written += 1
            text.append(f"{_ts(at)} {line}")
        with self._lock:
            self._open()
            self._fh.write("\n".join(text) + "\n")
            self._fh.flush()
        self.written += len(text)
        return len(text)

    def rotate(self) -> Path:
        """Rename the live file to `NAME.1` and start a new one, like logrotate without copytruncate."""
        target = self.path.with_name(self.path.name + ".1")
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None
            if self.path.exists():
                self.path.replace(target)
            self._open()
        self.rotated_to = target
        return target

    def run(self) -> None:
        """Tick until the world stops; a write error ends the writer, never the demo."""
        try:
            while not self.state.stop.wait(self.poll):
                self.tick()
        except OSError:
            pass
        finally:
            self.close()

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None
