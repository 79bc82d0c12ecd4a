"""The demo's application log: a real file written at a realistic rate, following the script.

A few INFO lines a second all along; before the bad deploy some warnings and a rare timeout error
(the baseline); after it a burst of ERROR and panic lines from a handful of distinct messages whose
numbers, ids and IPs vary, so the log pane's grouping has something to group; after the rollback
the errors fade out. Rates are per script second, so `--speed 20` writes 20x as many lines per wall
second. The file is rotated once mid-run (rename to `.1`, new file), the way logrotate does it.

Reproducible with `--seed`: the n-th line of each kind is due when the integral of that kind's rate
over script time reaches n (`LineSchedule`, a pure function of the phase changes' script times),
and its text is drawn from a generator seeded with (seed, kind, n). So what the file says, line for
line, does not depend on how often the writer thread woke up; only the timestamps follow the wall
clock. (If a gate in the story waits on what the real probes saw, the story itself moves, and the
log with it.)
"""

from __future__ import annotations

import math
import random
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from warroom.demo.state import Phase, WorldState

# Lines per script second.
INFO_RATE = 3.0
BASELINE_ERROR_RATE = 0.03  # about two a minute: the trailing baseline a spike is measured against
DEGRADED_WARN_RATE = 0.25
OUTAGE_ERROR_RATE = 5.0
OUTAGE_PANIC_RATE = 0.4
FADE_SECONDS = 20.0  # errors decay with this time constant after the rollback
MAX_LINES_PER_TICK = 2000  # a stalled thread catching up must not write megabytes at once

#: Line kinds, in the order lines due at the same instant are written.
KINDS = ("info", "warn", "baseline", "outage", "panic")

_WORDS = ("shoes", "socks", "jacket", "lamp", "desk", "mug", "kettle", "chair", "rug", "backpack")


def _ts(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


class LogLines:
    """Builds log lines; every varying number comes from the seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    @classmethod
    def nth(cls, seed: int | str, kind: str, n: int) -> str:
        """The n-th line of `kind` for this seed: always the same text, whatever came before."""
        makers = {
            "info": cls.info,
            "warn": cls.warn,
            "baseline": cls.baseline_error,
            "outage": cls.outage_error,
            "panic": cls.panic,
        }
        return makers[kind](cls(random.Random(f"{seed}:logs:{kind}:{n}")))

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
            return (
                f"INFO  [http] GET /api/search?q={r.choice(_WORDS)} 200 {r.randrange(8, 40)}ms "
                f"client={self._ip()} req_id={self._hex()}"
            )
        if pick < 0.75:
            return (
                f"INFO  [http] POST /api/checkout 200 {r.randrange(60, 140)}ms client={self._ip()} req_id={self._hex()}"
            )
        if pick < 0.9:
            return "INFO  [http] GET /health 200 1ms client=127.0.0.1"
        return f"INFO  [worker] settled {r.randrange(1, 40)} payouts in {r.randrange(20, 300)}ms batch={self._hex()}"

    def warn(self) -> str:
        r = self.rng
        return (
            f"WARN  [checkout] payment provider slow: {r.randrange(520, 1900)}ms (budget 500ms) "
            f"order_id={r.randrange(100000, 999999)}"
        )

    def baseline_error(self) -> str:
        r = self.rng
        return (
            f"ERROR [checkout] payment provider timeout after 2000ms "
            f"order_id={r.randrange(100000, 999999)} req_id={self._hex()}"
        )

    def outage_error(self) -> str:
        r = self.rng
        pick = r.random()
        if pick < 0.45:
            return (
                f"ERROR [checkout] payment call failed after 5 retries: upstream timeout after "
                f"{r.randrange(1800, 2400)}ms order_id={r.randrange(100000, 999999)} req_id={self._hex()}"
            )
        if pick < 0.8:
            return (
                f"ERROR [db] connection pool exhausted: {r.randrange(47, 51)}/50 in use, waited "
                f"{r.randrange(500, 3000)}ms for a connection req_id={self._hex()}"
            )
        return (
            f"ERROR [http] POST /api/checkout 502 in {r.randrange(900, 2100)}ms "
            f"client={self._ip()} req_id={self._hex()}"
        )

    def panic(self) -> str:
        r = self.rng
        n = r.randrange(3, 9)
        return (
            f"ERROR [worker] panic: runtime error: index out of range [{n}] with length {n} "
            f"goroutine={r.randrange(100, 9000)} retry.go:88"
        )


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


def _rate_shape(phase: Phase, kind: str) -> tuple[float, bool]:
    """(lines per script second at the phase's start, whether it fades with the phase's age)."""
    fading = phase is Phase.RECOVERED and kind in ("outage", "panic")
    return rates(phase, 0.0)[kind], fading


class LineSchedule:
    """When each line is due, in script seconds, from the phase changes alone.

    The n-th line of a kind (n = 1, 2, ...) is due when the integral of its rate since script time 0
    reaches n. `changes` is `WorldState.phase_timeline()`'s list: (script time, phase), in order; a
    change stamped at `c` applies after `c`. The last phase lasts for ever (until another change).
    """

    def __init__(self, changes: list[tuple[float, Phase]]) -> None:
        # (start, end, phase, integral of each kind at start, at end) per segment.
        self._segments: list[tuple[float, float, Phase, dict[str, float], dict[str, float]]] = []
        total = dict.fromkeys(KINDS, 0.0)
        for i, (start, phase) in enumerate(changes):
            start = max(0.0, start)
            end = max(start, changes[i + 1][0]) if i + 1 < len(changes) else math.inf
            after = {kind: total[kind] + self._integral(phase, kind, end - start) for kind in KINDS}
            self._segments.append((start, end, phase, total, after))
            total = after

    @staticmethod
    def _integral(phase: Phase, kind: str, length: float) -> float:
        rate, fading = _rate_shape(phase, kind)
        if fading:
            return rate * FADE_SECONDS * (1.0 - math.exp(-length / FADE_SECONDS))
        return rate * length

    def count(self, kind: str, t: float) -> float:
        """The integral of `kind`'s rate from 0 to script time `t` (lines due so far, fractional)."""
        for start, end, phase, before, _ in self._segments:
            if t <= end:
                return before[kind] + self._integral(phase, kind, max(0.0, t - start))
        return 0.0  # unreachable: the last segment never ends

    def time_of(self, kind: str, n: int) -> float:
        """Script time the n-th line of `kind` is due (inf when it never is)."""
        for start, end, phase, before, after in self._segments:
            if not before[kind] < n <= after[kind]:
                continue
            rate, fading = _rate_shape(phase, kind)
            need = n - before[kind]
            if fading:
                ceiling = rate * FADE_SECONDS
                length = math.inf if need >= ceiling else -FADE_SECONDS * math.log(1.0 - need / ceiling)
            else:
                length = need / rate
            return min(start + length, end)  # rounding never pushes a line past its segment
        return math.inf

    def between(self, after: float, until: float) -> list[tuple[float, str, int]]:
        """Every (script time, kind, n) due in (after, until], in writing order."""
        due: list[tuple[float, str, int]] = []
        for kind in KINDS:
            # The counts only bound the search; each line's own time decides, so the answer does not
            # depend on where the window boundaries fall (float rounding included).
            first = max(1, int(self.count(kind, after)))
            last = int(self.count(kind, until)) + 1
            for n in range(first, last + 1):
                t = self.time_of(kind, n)
                if after < t <= until:
                    due.append((t, kind, n))
        due.sort(key=lambda d: (d[0], KINDS.index(d[1]), d[2]))
        return due


class LogWriter:
    """Appends lines to `path` as script time passes; `tick()` does one step, `run()` loops.

    Lines are written up to the script time the story has settled (`WorldState.phase_timeline`), so
    a phase change the scenario thread makes a moment late still lands at its scripted time.
    """

    def __init__(self, path: Path, state: WorldState, seed: int = 0, poll: float = 0.25) -> None:
        self.path = Path(path)
        self.state = state
        self.seed = seed
        self.poll = poll
        self._lock = threading.Lock()
        self._done = 0.0  # script time every line up to (inclusive) has been written
        self._fh: TextIO | None = None
        self.written = 0
        self.errors_written = 0
        self.rotated_to: Path | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _open(self) -> TextIO:
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8", newline="\n")  # noqa: SIM115 - held until close()
        return self._fh

    def write_history(self, minutes: float = 15.0) -> int:
        """Back-dated lines for the last `minutes` (thinned), so a backfill has a baseline."""
        rng = random.Random(f"{self.seed}:logs:history")
        lines = LogLines(rng)
        end = self.state.clock.now()
        at = end - timedelta(minutes=minutes)
        out: list[str] = []
        while at < end:
            roll = rng.random()
            if roll < 0.015:
                out.append(f"{_ts(at)} {lines.baseline_error()}")
            elif roll < 0.08:
                out.append(f"{_ts(at)} {lines.warn()}")
            else:
                out.append(f"{_ts(at)} {lines.info()}")
            at += timedelta(seconds=rng.uniform(0.5, 3.0))
        with self._lock:
            fh = self._open()
            fh.write("\n".join(out) + "\n")
            fh.flush()
        self.written += len(out)
        return len(out)

    def restart(self) -> None:
        """The script clock (re)started: lines are due from its script time 0."""
        with self._lock:
            self._done = 0.0

    def _write_until(self, until: float, changes: list[tuple[float, Phase]]) -> int:
        """Write every line due in (done, until]; the caller holds the lock."""
        if until <= self._done:
            return 0
        due = LineSchedule(changes).between(self._done, until)
        if len(due) > MAX_LINES_PER_TICK:
            # Catch up over several ticks instead of writing megabytes at once; nothing is skipped.
            cut = due[MAX_LINES_PER_TICK - 1][0]
            due = [d for d in due if d[0] <= cut]
            until = cut
        self._done = until
        if not due:
            return 0
        elapsed, now = self.state.clock.elapsed(), self.state.clock.now()
        text: list[str] = []
        for t, kind, n in due:
            # Stamped at its own script time, so lines keep their order and look organic.
            at = now - timedelta(seconds=self.state.clock.wall_seconds(max(0.0, elapsed - t)))
            line = LogLines.nth(self.seed, kind, n)
            if "ERROR" in line:
                self.errors_written += 1
            text.append(f"{_ts(at)} {line}")
        fh = self._open()
        fh.write("\n".join(text) + "\n")
        fh.flush()
        self.written += len(text)
        return len(text)

    def tick(self) -> int:
        """Write the lines due since the last tick, up to what the story has settled; how many."""
        settled, changes = self.state.phase_timeline()
        until = min(self.state.clock.elapsed(), settled)
        with self._lock:
            return self._write_until(until, changes)

    def rotate(self, at: float | None = None) -> Path:
        """Rename the live file to `NAME.1` and start a new one, like logrotate without copytruncate.

        With `at` (script seconds, the story's step time) every line due up to `at` is written to
        the old file first, so the split falls on the same line whatever the thread timing.
        """
        target = self.path.with_name(self.path.name + ".1")
        with self._lock:
            if at is not None:
                _, changes = self.state.phase_timeline()
                while self._done < at and self._write_until(at, changes):
                    pass  # more than one tick's worth: keep going, the split must fall at `at`
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
