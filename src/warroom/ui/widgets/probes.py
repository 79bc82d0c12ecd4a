"""The health pane: one row per probe (state, code, latency, sparkline) and per status page.

    ✔ UP       checkout-api  200   42ms ▂▂▃▂▂▅▂▂▂▂▃▂  4s ago
    ✖ DOWN     search        503  120ms ▂▂▃▂▅██▇███·  3s ago  503 (expected 200-399)
    ? UNKNOWN  payments      ---      - ·              -      waiting for the first result
    ▲ MINOR    provider      Minor Service Outage · Card API: degraded_performance  1m ago

With room to spare (a tall terminal, `z`), each probe gets a detail row (`↳ GET url · body: …`)
and each status page one row per degraded component and open incident. In key mode Up/Down
select a row and `y` copies its URL (as shown: secrets redacted).

The UP/DOWN state is the domain's flap-damped `ProbeTracker` (2 failures in a row = DOWN,
2 successes = UP) as the recorder runs it: each update carries its `ProbeStatus`, so the pane and
the timeline agree and the rule runs once.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content

from warroom.config.model import ProbeConfig
from warroom.domain.events import utc
from warroom.domain.probe_rules import ProbeState, streak_words
from warroom.layout.sparkline_text import sparkline
from warroom.sources.observers import ProbeStatus
from warroom.sources.registry import PROBE, STATUSPAGE
from warroom.sources.snapshots import ProbeResult, StatusPageResult
from warroom.ui.widgets.pane_base import (
    BAD_STYLE,
    MUTED_STYLE,
    OK_STYLE,
    WARN_STYLE,
    Copyable,
    Detail,
    Pick,
    SourceInfo,
    SourcePane,
    age_text,
    freshness,
    line,
    pad,
    rpad,
    seconds_since,
    untrusted,
)

if TYPE_CHECKING:
    from warroom.scheduler import SourceUpdate

HISTORY = 120  # latencies kept per probe (the sparkline shows the newest that fit)

PROBE_STATES = {
    ProbeState.UP: ("✔ UP", OK_STYLE),
    ProbeState.DOWN: ("✖ DOWN", BAD_STYLE),
    ProbeState.UNKNOWN: ("? UNKNOWN", MUTED_STYLE),
}
INDICATORS = {
    "none": ("✔ OK", OK_STYLE),
    "minor": ("▲ MINOR", WARN_STYLE),
    "major": ("✖ MAJOR", BAD_STYLE),
    "critical": ("✖ CRITICAL", BAD_STYLE),
}
STATE_WIDTH = 11


def latency_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"


class _ProbeHistory:
    """What the pane remembers of one probe: the latencies its sparkline draws."""

    def __init__(self) -> None:
        self.latencies: deque[float | None] = deque(maxlen=HISTORY)
        self.last_taken: datetime | None = None


class ProbesPane(SourcePane):
    """Health probes and third-party status pages, one row each."""

    TITLE = "Health"
    EMPTY = (
        "No health probes configured. Add to warroom.toml:\n"
        "  [[probe]]\n"
        '  name = "api"\n'
        '  url = "https://api.example.com/health"\n'
        "Third-party status pages: [[statuspage]] with name and url\n"
        "(Atlassian Statuspage /api/v2/summary.json). Check: warroom config check"
    )
    MIN_ROWS = 3
    WHOLE = True

    def __init__(self, sources: list[SourceInfo], *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(sources, id=id, classes=classes)
        self.history = {s.key: _ProbeHistory() for s in sources if s.kind == PROBE}
        self._state_w = STATE_WIDTH

    def received(self, update: SourceUpdate, now: datetime) -> None:
        history = self.history.get(update.key)
        result = update.snapshot
        if history is None or not isinstance(result, ProbeResult) or result.taken_at == history.last_taken:
            return
        history.last_taken = result.taken_at
        if result.failure == "config":
            return  # a broken config says nothing about the endpoint
        history.latencies.append(result.elapsed if result.status_code is not None else None)

    def status_of(self, key: str) -> ProbeStatus:
        """The probe's damped state after its newest shown poll (UNKNOWN before any)."""
        update = self.updates.get(key)
        status = update.status if update is not None else None
        return status if isinstance(status, ProbeStatus) else ProbeStatus(ProbeState.UNKNOWN)

    def state_of(self, key: str) -> ProbeState:
        return self.status_of(key).state

    def rows(self, now: datetime) -> list[Content | Detail | Pick]:
        names = [untrusted(s.name, cap=24) for s in self.sources]
        name_w = max((len(n) for n in names), default=4)
        self._state_w = max([STATE_WIDTH, *(cell_len(w) + 3 for w in map(self._state_words, self.sources) if w)])
        # The sparkline takes what is left (none in a narrow column: the age must not be cut).
        spark_w = min(24, self.size.width - 2 - (self._state_w + name_w + 2 + 4 + 7 + 1 + 1 + 9))
        spark_w = spark_w if spark_w >= 4 else 0
        out: list[Content | Detail | Pick] = []
        for info, name in zip(self.sources, names):
            update = self.updates.get(info.key)
            if info.kind == STATUSPAGE:
                row = self._page_row(info, name, name_w, update, now)
            else:
                row = self._probe_row(info, name, name_w, spark_w, update, now)
            stale = freshness(update, now)
            shown = line(row, ("  " + stale[0], stale[1])) if stale else row
            out.append(Pick(shown, self._url_copy(info, update), info.key))
            out += [Detail(d) for d in self._details(info, update)]
        return out

    @staticmethod
    def _url_copy(info: SourceInfo, update: SourceUpdate | None) -> Copyable:
        """What `y` copies for a probe or status page: its URL as shown (secrets redacted)."""
        snap = update.snapshot if update is not None else None
        url = getattr(snap, "url", None) or ""
        if not url:
            configured = getattr(info.config, "url", None)
            url = configured.redacted() if configured is not None else ""
        kind = "status page" if info.kind == STATUSPAGE else "probe"
        return Copyable(untrusted(url, 2000), f"{kind} URL of {untrusted(info.name, 40)}")

    def _state_words(self, info: SourceInfo) -> str | None:
        """`UP · 1 failure (503)` while the newest result disagrees with the damped state."""
        update = self.updates.get(info.key)
        result = update.snapshot if update is not None else None
        if not isinstance(result, ProbeResult) or result.failure == "config":
            return None
        status = self.status_of(info.key)
        what = result.status_text if result.status_code is not None else untrusted(result.failure or "error", 20)
        return streak_words(status.state, status.streak, result.ok, what)

    def _details(self, info: SourceInfo, update: SourceUpdate | None) -> list[Content]:
        """What the one-line row cuts short: the probe's request and body; the page's components."""
        indent = " " * self._state_w
        snap = update.snapshot if update is not None else None
        if info.kind == STATUSPAGE:
            if not isinstance(snap, StatusPageResult) or snap.error:
                return []
            out = [
                line(indent, ("↳ ", MUTED_STYLE), f"{untrusted(c.name, 60)}: ", (untrusted(c.status, 40), WARN_STYLE))
                for c in snap.components
            ]
            out += [
                line(
                    indent,
                    ("↳ incident: ", MUTED_STYLE),
                    untrusted(i.name, 120),
                    (f" ({untrusted(i.status, 30)})", MUTED_STYLE),
                )
                for i in snap.incidents
            ]
            return out
        cfg = info.config if isinstance(info.config, ProbeConfig) else None
        result = snap if isinstance(snap, ProbeResult) else None
        method = untrusted((cfg.method if cfg else None) or (result.method if result else None) or "GET", 10)
        url = (result.url if result else None) or (cfg.url.redacted() if cfg else "")
        parts: list[str | tuple[str, str]] = [indent, ("↳ ", MUTED_STYLE), f"{method} {untrusted(url, 200)}"]
        if result is not None and not result.ok and result.body_excerpt:
            parts += [(" · body: ", MUTED_STYLE), untrusted(result.body_excerpt, 200)]
        return [line(*parts)]

    def _probe_row(
        self, info: SourceInfo, name: str, name_w: int, spark_w: int, update: SourceUpdate | None, now: datetime
    ) -> Content:
        history = self.history[info.key]
        if update is None:
            return line(
                pad("? UNKNOWN", self._state_w), pad(name, name_w), ("  waiting for the first result", MUTED_STYLE)
            )
        result = update.snapshot
        if not isinstance(result, ProbeResult) or result.failure == "config":
            age = age_text(seconds_since(result.taken_at, now))
            return line(
                (pad("✖ ERROR", self._state_w), BAD_STYLE),
                pad(name, name_w),
                "  ",
                untrusted(result.error),
                (f"  {age} ago", MUTED_STYLE),
            )
        word, style = PROBE_STATES[self.state_of(info.key)]
        disagreeing = self._state_words(info)
        if disagreeing:  # no ✔ beside a failure: `▲ UP · 1 failure (503)`, amber
            word, style = f"▲ {disagreeing}", WARN_STYLE
        code = result.status_text if result.status_code is not None else "---"
        code_style = OK_STYLE if result.ok else BAD_STYLE
        spark = sparkline(history.latencies, spark_w)
        age = age_text(seconds_since(result.taken_at, now))
        parts: list[str | tuple[str, str]] = [
            (pad(word, self._state_w), style),
            pad(name, name_w),
            "  ",
            (code, code_style),
            " ",
            rpad(latency_text(result.elapsed if result.status_code is not None else None), 7),
            *((" ", pad(spark, spark_w)) if spark_w else ()),
            (f"  {age} ago", MUTED_STYLE),
        ]
        if result.error:
            parts.append(("  " + untrusted(result.error), BAD_STYLE if not result.ok else WARN_STYLE))
        return line(*parts)

    def _page_row(
        self, info: SourceInfo, name: str, name_w: int, update: SourceUpdate | None, now: datetime
    ) -> Content:
        if update is None:
            return line(
                pad("? UNKNOWN", self._state_w), pad(name, name_w), ("  waiting for the first answer", MUTED_STYLE)
            )
        page = update.snapshot
        age = age_text(seconds_since(page.taken_at, now))
        if page.error or not isinstance(page, StatusPageResult):
            return line(
                (pad("? ERROR", self._state_w), BAD_STYLE),
                pad(name, name_w),
                "  ",
                untrusted(page.error),
                (f"  {age} ago", MUTED_STYLE),
            )
        word, style = INDICATORS.get(page.indicator or "", (f"? {untrusted(page.indicator, 10).upper()}", WARN_STYLE))
        broken = [f"{untrusted(c.name, 40)}: {untrusted(c.status, 30)}" for c in page.components]
        incidents = [f"incident: {untrusted(i.name, 60)} ({untrusted(i.status, 20)})" for i in page.incidents]
        detail = " · ".join([untrusted(page.description, 80), *broken, *incidents])
        return line((pad(word, self._state_w), style), pad(name, name_w), "  ", detail, (f"  {age} ago", MUTED_STYLE))

    def pin_text(self, key: str) -> str:
        """The result as `warroom snapshot` prints it, plus the flap-damped state the pane shows."""
        update = self.updates.get(key)
        if update is None:
            return "no result yet"
        snap = update.snapshot
        if isinstance(snap, ProbeResult):
            return probe_text(snap, self.state_of(key))
        if isinstance(snap, StatusPageResult):
            return snap.as_text()
        return f"error: {snap.error}"


def probe_text(result: ProbeResult, state: ProbeState = ProbeState.UNKNOWN) -> str:
    """A probe result as plain text for evidence: the snapshot's own text (curl line, error,
    body) and the pane's state (`state: DOWN`: 2 failures in a row, not just this result)."""
    return "\n".join(
        [
            f"probe {result.name} at {utc(result.taken_at):%Y-%m-%d %H:%M:%S} UTC",
            result.as_text(),
            f"state: {state.value.upper()} (as the war room shows it)",
        ]
    )


def statuspage_text(page: StatusPageResult) -> str:
    """A status page result as plain text for evidence."""
    lines = [f"status page {page.name}: {page.url} at {utc(page.taken_at):%Y-%m-%d %H:%M:%S} UTC"]
    if page.error:
        lines.append(f"error: {page.error}")
    else:
        lines.append(f"indicator: {page.indicator} — {page.description}")
        lines += [f"component {c.name}: {c.status}" for c in page.components]
        lines += [f"incident {i.name}: {i.status} (impact {i.impact})" for i in page.incidents]
    return "\n".join(lines)
