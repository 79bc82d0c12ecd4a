"""One line per source, for the small-terminal summary (`SourceSummary`, 80x24).

    ✔ UP      checkout-api   200 42ms ▂▂▃▂▅▂ · 4s ago
    ✖ DOWN    search         503 · 503 (expected 200-399)
    ▲ MINOR   provider       Minor Service Outage · Card API: degraded_performance
    ● LOG     api            38/min · 3,120 total ▁▂▅█▇
    ● DEPLOY  api            a1b2c3d 14:02 Bump pool size ◆ before detection
    ● HOST    resources      cpu 37% · mem 61% · / 42% · /var 96% ▲ FULL
    ✔ EXIT 0  long queries   12 lines · 5s ago

Every state in words and a symbol; untrusted text cleaned and plain.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.content import Content

from warroom.domain.deploy_rules import deploys_before
from warroom.domain.probe_rules import ProbeState, streak_words
from warroom.ui.widgets.deploys import when_text
from warroom.ui.widgets.logs import rate_values
from warroom.ui.widgets.pane_base import (
    BAD_STYLE, MUTED_STYLE, OK_STYLE, WARN_STYLE, SourceInfo, age_text, line, pad, seconds_since, untrusted,
)
from warroom.ui.widgets.probes import INDICATORS, PROBE_STATES, latency_text
from warroom.layout.sparkline_text import sparkline

STATE_W = 10
NAME_W = 14


def summary_row(
    info: SourceInfo,
    update: Any | None,
    now: datetime,
    *,
    tracker: Any | None = None,
    detected_at: datetime | None = None,
) -> Content:
    """The one line `SourceSummary` shows for `info`."""
    name = pad(untrusted(info.name, NAME_W), NAME_W)
    if update is None:
        return line((pad("? WAITING", STATE_W), MUTED_STYLE), name, ("  no result yet", MUTED_STYLE))
    snap = update.snapshot
    age = (f" · {age_text(seconds_since(getattr(snap, 'taken_at', None), now))} ago", MUTED_STYLE)
    stale = ("  STALE", WARN_STYLE) if update.stale else ""
    kind = info.kind
    if kind == "probe" and hasattr(snap, "ok") and snap.failure != "config":
        state = tracker.state if tracker is not None else (ProbeState.UP if snap.ok else ProbeState.DOWN)
        word, style = PROBE_STATES[state]
        code = snap.status_text if snap.status_code is not None else "---"
        what = code if snap.status_code is not None else untrusted(snap.failure or "error", 20)
        disagreeing = streak_words(state, tracker.streak, snap.ok, what) if tracker is not None else None
        if disagreeing:  # `▲ UP · 1 failure (503)`, not a ✔ beside a failure
            word, style = f"▲ {disagreeing} ", WARN_STYLE
        detail = "" if snap.ok else f" · {untrusted(snap.error, 120)}"
        latency = latency_text(snap.elapsed) if snap.status_code is not None else "-"
        return line((pad(word, STATE_W), style), name, f" {code} {latency}{detail}", age)
    if kind == "statuspage" and hasattr(snap, "indicator") and not snap.error:
        word, style = INDICATORS.get(snap.indicator or "", ("? " + untrusted(snap.indicator, 8).upper(), WARN_STYLE))
        broken = "".join(f" · {untrusted(c.name, 30)}: {untrusted(c.status, 24)}" for c in snap.components[:2])
        return line((pad(word, STATE_W), style), name, f" {untrusted(snap.description, 60)}{broken}", age)
    if kind == "log" and hasattr(snap, "per_minute"):
        text = f" {snap.last_full_minute:,}/min · {snap.total:,} total "
        err = (f" · ✖ {untrusted(snap.error, 80)}", BAD_STYLE) if snap.error else ""
        return line((pad("● LOG", STATE_W), WARN_STYLE if snap.last_full_minute else MUTED_STYLE), name, text,
                    sparkline(rate_values(snap), 10), err, age)
    if kind == "deploys" and hasattr(snap, "deploys") and (snap.deploys or not snap.error):
        if not snap.deploys:
            return line(pad("● DEPLOY", STATE_W), name, (" no deploys in the window", MUTED_STYLE), stale, age)
        newest = snap.deploys[0]
        suspects = deploys_before(snap.deploys, detected_at) if detected_at is not None else []
        mark = (f" ◆ {len(suspects)} before detection ·", "bold $text-warning") if suspects else ""
        what = untrusted(newest.subject, 60) or untrusted(newest.image, 60)
        return line(pad("● DEPLOY", STATE_W), name, mark,
                    f" {untrusted(newest.short, 12)} {when_text(newest.at, now)} {what}", stale, age)
    if kind == "resources" and hasattr(snap, "cpu_percent") and snap.cpu_percent is not None:
        parts: list[str | tuple[str, str]] = [pad("● HOST", STATE_W), name, f" cpu {snap.cpu_percent:.0f}%"]
        cfg = info.config
        if snap.memory is not None:
            high = snap.memory.percent >= getattr(cfg, "memory_threshold", 95.0)
            parts.append((f" · mem {snap.memory.percent:.0f}%" + (" ▲ HIGH" if high else ""), BAD_STYLE if high else ""))
        for d in snap.disks:
            if d.error is None:
                full = d.percent >= getattr(cfg, "disk_threshold", 95.0)
                parts.append((f" · {untrusted(d.mount, 20)} {d.use_text}" + (" ▲ FULL" if full else ""), BAD_STYLE if full else ""))
        return line(*parts, stale, age)
    if kind == "command" and hasattr(snap, "stdout"):
        if snap.error:
            return line((pad("✖ FAILED", STATE_W), BAD_STYLE), name, f" {untrusted(snap.error, 80)}", stale, age)
        lines = snap.stdout.count("\n") + 1 if snap.stdout else 0
        word = f"{'✔' if snap.exit_code == 0 else '▲'} EXIT {snap.exit_code}"
        return line((pad(word, STATE_W), OK_STYLE if snap.exit_code == 0 else WARN_STYLE), name,
                    f" {lines} line{'s' if lines != 1 else ''}", age)
    return line((pad("✖ ERROR", STATE_W), BAD_STYLE), name, f" {untrusted(update.error, 120)}", stale, age)
