"""Pure rules that turn probe and status-page results into timeline events and samples.

- `ProbeTracker`: flap damping. `fail_threshold` failures in a row make a probe DOWN
  (`probe api DOWN: 503 in 0.12s`), `recover_threshold` successes make it UP again
  (`probe api UP after 7m`, timed from the DOWN event). A probe's first state, if UP, is not
  news: the first success takes it from UNKNOWN to UP silently.
- `StatusPageTracker`: a third-party status page changed its indicator or its set of broken
  components (`status page payments-provider: major — Partial System Outage (Card API: major_outage)`).

Results are read by attribute (duck-typed) so the domain does not import `sources`: a probe result
needs `ok, status_code, elapsed, failure, error`; a status page result needs
`indicator, description, components` (pairs of name and status) and `error`.

Dedupe keys: each event carries `probe:<name>:<down|up>:<UTC time the streak began>` (status
pages: `statuspage:<name>:<indicator>:<components>:<time>`). They stop one process recording the
same transition twice; two processes see the same endpoint at different instants, so their keys
differ: one record per transition across processes comes from the store's recorder lease.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from warroom.domain import catalogue
from warroom.domain.events import Kind, format_ts
from warroom.domain.metrics import format_duration
from warroom.domain.signals import Sample, SignalEvent


class ProbeState(str, Enum):
    UNKNOWN = "unknown"
    UP = "up"
    DOWN = "down"


class ProbeOutcome(Protocol):
    """The fields of a probe result the rules read (sources.probes.ProbeResult has them all)."""

    # Read-only properties: a frozen result record matches them.
    @property
    def ok(self) -> bool: ...
    @property
    def status_code(self) -> int | None: ...
    @property
    def elapsed(self) -> float: ...
    @property
    def failure(self) -> str | None: ...
    @property
    def error(self) -> str | None: ...


def describe_failure(status_code: int | None, elapsed: float, failure: str | None, error: str | None) -> str:
    """What went wrong, as the DOWN line says it: `503 in 0.12s`, `timeout after 5s`, ..."""
    if failure == "unexpected status" and status_code is not None:
        return f"{status_code} in {elapsed:.2f}s"
    if failure == "body mismatch" and status_code is not None:
        return f"body mismatch ({status_code} in {elapsed:.2f}s)"
    return error or failure or "failed"


def streak_words(state: ProbeState, streak: int, ok: bool, what: str) -> str | None:
    """A state that the newest results disagree with, as the health pane says it:
    `UP · 1 failure (503)` (not yet DOWN: flap damping waits for more), `DOWN · 1 success (200)`;
    None when the newest result agrees with the state. `what` is the result in a word or two
    (a status code, `timeout`)."""
    if state is ProbeState.UP and not ok:
        count = f"{streak} failure" + ("s" if streak != 1 else "")
    elif state is ProbeState.DOWN and ok:
        count = f"{streak} success" + ("es" if streak != 1 else "")
    else:
        return None
    return f"{state.value.upper()} · {count} ({what})" if what else f"{state.value.upper()} · {count}"


class ProbeTracker:
    """Up/down state of one probe with flap damping. Feed every result to `observe`."""

    def __init__(self, name: str, fail_threshold: int = 2, recover_threshold: int = 2) -> None:
        if fail_threshold < 1 or recover_threshold < 1:
            raise ValueError("thresholds must be at least 1")
        self.name = name
        self.fail_threshold = fail_threshold
        self.recover_threshold = recover_threshold
        self.state = ProbeState.UNKNOWN
        #: When the current state was entered (None while UNKNOWN).
        self.since: datetime | None = None
        self._streak_ok: bool | None = None
        self._streak = 0
        self._streak_start: datetime | None = None

    @property
    def streak(self) -> int:
        """How many results in a row agree with the latest one."""
        return self._streak

    def observe(
        self,
        *,
        ok: bool,
        status_code: int | None,
        elapsed: float,
        failure: str | None,
        error: str | None,
        now: datetime,
    ) -> SignalEvent | None:
        """Take one result; return an event when the damped state changes, else None."""
        if ok is self._streak_ok:
            self._streak += 1
        else:
            self._streak_ok, self._streak, self._streak_start = ok, 1, now
        # From UNKNOWN one success is enough: going UP then is silent, there is nothing to damp.
        needed = 1 if self.state is ProbeState.UNKNOWN else self.recover_threshold
        if ok and self._streak >= needed and self.state is not ProbeState.UP:
            return self._go_up(elapsed, status_code, now)
        if not ok and self._streak >= self.fail_threshold and self.state is not ProbeState.DOWN:
            return self._go_down(status_code, elapsed, failure, error, now)
        return None

    def adopt(self, state: ProbeState, since: datetime) -> bool:
        """Take the state another process recorded (`probe.down`/`probe.up` on the timeline) as
        this tracker's own, from `since`; the next results start a new streak from it. True when
        the state changed. A screen that follows the recording screen polls seldom, and its pane
        should say what the timeline says at once rather than after two polls of its own."""
        if state is self.state or state is ProbeState.UNKNOWN:
            return False
        self.state, self.since = state, since
        self._streak_ok, self._streak, self._streak_start = None, 0, None
        return True

    def observe_result(self, result: ProbeOutcome, now: datetime) -> SignalEvent | None:
        """`observe` with the fields read from a probe result."""
        return self.observe(
            ok=result.ok,
            status_code=result.status_code,
            elapsed=result.elapsed,
            failure=result.failure,
            error=result.error,
            now=now,
        )

    def _go_down(
        self, status_code: int | None, elapsed: float, failure: str | None, error: str | None, now: datetime
    ) -> SignalEvent:
        previous = self.state
        self.state, self.since = ProbeState.DOWN, now
        what = describe_failure(status_code, elapsed, failure, error)
        return SignalEvent(
            kind=Kind.PROBE_DOWN,
            text=f"probe {self.name} DOWN: {what}",
            at=now,
            payload=catalogue.probe_down(
                probe=self.name,
                status_code=status_code,
                elapsed=elapsed,
                failure=failure,
                error=error,
                previous=previous.value,
                failures=self._streak,
                first_failure_at=_ts(self._streak_start),
            ),
            dedupe_key=f"probe:{self.name}:down:{_ts(self._streak_start)}",
        )

    def _go_up(self, elapsed: float, status_code: int | None, now: datetime) -> SignalEvent | None:
        previous, went_down = self.state, self.since
        self.state, self.since = ProbeState.UP, now
        if previous is ProbeState.UNKNOWN:
            return None  # first sight of a healthy probe is not news
        down_for = now - went_down if went_down is not None else None
        return SignalEvent(
            kind=Kind.PROBE_UP,
            text=f"probe {self.name} UP after {format_duration(down_for)}",
            at=now,
            payload=catalogue.probe_up(
                probe=self.name,
                status_code=status_code,
                elapsed=elapsed,
                down_seconds=down_for.total_seconds() if down_for else None,
                down_since=_ts(went_down),
                first_success_at=_ts(self._streak_start),
            ),
            dedupe_key=f"probe:{self.name}:up:{_ts(self._streak_start)}",
        )

    def samples(self, result: Any, now: datetime) -> list[Sample]:
        """`probe.<name>.up` (1/0) always; `probe.<name>.latency_ms` when a response arrived."""
        out = [Sample(f"probe.{self.name}.up", 1.0 if result.ok else 0.0, now)]
        if result.status_code is not None:
            out.append(Sample(f"probe.{self.name}.latency_ms", round(result.elapsed * 1000.0, 3), now))
        return out


def _ts(at: datetime | None) -> str | None:
    return format_ts(at) if at is not None else None


# -- status pages -------------------------------------------------------------------------------

#: How many broken components an event line names before "+N more".
MAX_COMPONENTS_IN_TEXT = 5


def status_page_text(name: str, indicator: str, description: str, components: Iterable[tuple[str, str]]) -> str:
    """`status page NAME: major — Partial System Outage (Card API: major_outage, ...)`."""
    parts = [f"{c}: {s}" for c, s in components]
    shown = parts[:MAX_COMPONENTS_IN_TEXT]
    if len(parts) > len(shown):
        shown.append(f"+{len(parts) - len(shown)} more")
    text = f"status page {name}: {indicator} — {description}"
    return f"{text} ({', '.join(shown)})" if shown else text


class StatusPageTracker:
    """Remembers a status page's last indicator and broken components; events on change only.

    Results with an `error` (page unreachable, unparseable) change nothing: the provider's state
    is unknown, not changed; the pane shows the error.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.indicator: str | None = None
        self.components: frozenset[tuple[str, str]] | None = None

    def observe(
        self,
        *,
        indicator: str | None,
        description: str,
        components: Iterable[tuple[str, str]],
        error: str | None,
        now: datetime,
    ) -> SignalEvent | None:
        if error is not None or indicator is None:
            return None
        comps = tuple(sorted(set(components)))
        first = self.indicator is None
        changed = indicator != self.indicator or frozenset(comps) != self.components
        self.indicator, self.components = indicator, frozenset(comps)
        if not changed or (first and indicator == "none" and not comps):
            return None
        key_comps = ",".join(f"{c}={s}" for c, s in comps)
        return SignalEvent(
            kind=Kind.STATUSPAGE,
            text=status_page_text(self.name, indicator, description, comps),
            at=now,
            payload=catalogue.statuspage_changed(
                page=self.name,
                indicator=indicator,
                description=description,
                components=[list(c) for c in comps],
                first=first,
            ),
            dedupe_key=f"statuspage:{self.name}:{indicator}:{key_comps}:{format_ts(now)}",
        )

    def observe_result(self, result: Any, now: datetime) -> SignalEvent | None:
        """`observe` with the fields read from a StatusPageResult (components: name/status pairs)."""
        comps = [(c.name, c.status) if hasattr(c, "name") else tuple(c) for c in result.components]
        return self.observe(
            indicator=result.indicator,
            description=result.description or "",
            components=comps,
            error=result.error,
            now=now,
        )
