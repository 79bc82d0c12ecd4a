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
from typing import TYPE_CHECKING

from textual.content import Content

from warroom.config.model import ResourcesConfig
from warroom.domain.deploy_rules import deploys_before
from warroom.domain.probe_rules import ProbeState, streak_words
from warroom.layout.sparkline_text import sparkline
from warroom.sources import registry
from warroom.sources.observers import ProbeStatus
from warroom.sources.snapshots import (
    CommandOutput,
    DeployList,
    LogCounts,
    ProbeResult,
    ResourceSnapshot,
    StatusPageResult,
)
from warroom.ui.widgets.deploys import when_text
from warroom.ui.widgets.logs import rate_values
from warroom.ui.widgets.pane_base import (
    BAD_STYLE,
    MUTED_STYLE,
    OK_STYLE,
    WARN_STYLE,
    SourceInfo,
    age_text,
    line,
    pad,
    seconds_since,
    untrusted,
)
from warroom.ui.widgets.probes import INDICATORS, PROBE_STATES, latency_text

if TYPE_CHECKING:
    from warroom.scheduler import SourceUpdate

STATE_W = 10
NAME_W = 14


Row = Content | None

#: The summary's height at most (its CSS `max-height` in the war room screen): with more sources
#: than this the healthy ones share a line, so no source falls silently below the edge.
MAX_SUMMARY_ROWS = 8
HEALTHY_MARK = "✔"


def fold_healthy_rows(rows: list[Content], names: list[str], budget: int) -> list[Content]:
    """`rows` fitted into `budget` lines. When there are too many, healthy rows (those starting
    with ✔), the last first, fold into one `✔ OK      3 more: login, db sessions, …` line, so a
    source in trouble always keeps its own line. Rows that fit are left as they are."""
    if len(rows) <= budget:
        return rows
    healthy = [i for i, row in enumerate(rows) if row.plain.lstrip().startswith(HEALTHY_MARK)]
    fold = set(healthy[-(len(rows) - budget + 1) :])
    if len(fold) < 2:
        return rows  # nothing to gain: the screen's max-height cuts what does not fit
    kept = [row for i, row in enumerate(rows) if i not in fold]
    folded = ", ".join(names[i] for i in sorted(fold))
    return [*kept, line((pad("✔ OK", STATE_W), OK_STYLE), f"{len(fold)} more: {untrusted(folded, 200)}")]


def summary_row(
    info: SourceInfo,
    update: SourceUpdate | None,
    now: datetime,
    *,
    detected_at: datetime | None = None,
) -> Content:
    """The one line `SourceSummary` shows for `info`: its kind's row (`registry` names the
    function), or what went wrong when the source has nothing to show."""
    name = pad(untrusted(info.name, NAME_W), NAME_W)
    if update is None:
        return line((pad("? WAITING", STATE_W), MUTED_STYLE), name, ("  no result yet", MUTED_STYLE))
    age = (f" · {age_text(seconds_since(update.snapshot.taken_at, now))} ago", MUTED_STYLE)
    stale = ("  STALE", WARN_STYLE) if update.stale else ""
    kind = registry.kind_of(info.kind)
    if kind is not None:
        row = registry.imported(kind.summary)(
            info, update, now, name=name, age=age, stale=stale, detected_at=detected_at
        )
        if row is not None:
            return row
    return line((pad("✖ ERROR", STATE_W), BAD_STYLE), name, f" {untrusted(update.error, 120)}", stale, age)


Part = str | tuple[str, str]


def probe_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: Part,
    stale: Part,
    detected_at: datetime | None,
) -> Row:
    snap = update.snapshot
    if not isinstance(snap, ProbeResult) or snap.failure == "config":
        return None
    status = update.status if isinstance(update.status, ProbeStatus) else None
    state = status.state if status is not None else (ProbeState.UP if snap.ok else ProbeState.DOWN)
    word, style = PROBE_STATES[state]
    code = snap.status_text if snap.status_code is not None else "---"
    what = code if snap.status_code is not None else untrusted(snap.failure or "error", 20)
    disagreeing = streak_words(state, status.streak, snap.ok, what) if status is not None else None
    if disagreeing:  # `▲ UP · 1 failure (503)`, not a ✔ beside a failure
        word, style = f"▲ {disagreeing} ", WARN_STYLE
    detail = "" if snap.ok else f" · {untrusted(snap.error, 120)}"
    latency = latency_text(snap.elapsed) if snap.status_code is not None else "-"
    return line((pad(word, STATE_W), style), name, f" {code} {latency}{detail}", age)


def statuspage_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: Part,
    stale: Part,
    detected_at: datetime | None,
) -> Row:
    snap = update.snapshot
    if not isinstance(snap, StatusPageResult) or snap.error:
        return None
    word, style = INDICATORS.get(snap.indicator or "", ("? " + untrusted(snap.indicator, 8).upper(), WARN_STYLE))
    broken = "".join(f" · {untrusted(c.name, 30)}: {untrusted(c.status, 24)}" for c in snap.components[:2])
    return line((pad(word, STATE_W), style), name, f" {untrusted(snap.description, 60)}{broken}", age)


def log_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: Part,
    stale: Part,
    detected_at: datetime | None,
) -> Row:
    snap = update.snapshot
    if not isinstance(snap, LogCounts):
        return None
    text = f" {snap.last_full_minute:,}/min · {snap.total:,} total "
    err = (f" · ✖ {untrusted(snap.error, 80)}", BAD_STYLE) if snap.error else ""
    return line(
        (pad("● LOG", STATE_W), WARN_STYLE if snap.last_full_minute else MUTED_STYLE),
        name,
        text,
        sparkline(rate_values(snap), 10),
        err,
        age,
    )


def deploys_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: Part,
    stale: Part,
    detected_at: datetime | None,
) -> Row:
    snap = update.snapshot
    if not isinstance(snap, DeployList) or not (snap.deploys or not snap.error):
        return None
    if not snap.deploys:
        return line(pad("● DEPLOY", STATE_W), name, (" no deploys in the window", MUTED_STYLE), stale, age)
    newest = snap.deploys[0]
    suspects = deploys_before(snap.deploys, detected_at) if detected_at is not None else []
    mark = (f" ◆ {len(suspects)} before detection ·", "bold $text-warning") if suspects else ""
    what = untrusted(newest.subject, 60) or untrusted(newest.image, 60)
    return line(
        pad("● DEPLOY", STATE_W),
        name,
        mark,
        f" {untrusted(newest.short, 12)} {when_text(newest.at, now)} {what}",
        stale,
        age,
    )


def resources_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: Part,
    stale: Part,
    detected_at: datetime | None,
) -> Row:
    snap = update.snapshot
    if not isinstance(snap, ResourceSnapshot) or snap.cpu_percent is None:
        return None
    parts: list[Part] = [pad("● HOST", STATE_W), name, f" cpu {snap.cpu_percent:.0f}%"]
    cfg = info.config if isinstance(info.config, ResourcesConfig) else ResourcesConfig()
    if snap.memory is not None:
        high = snap.memory.percent >= cfg.memory_threshold
        parts.append((f" · mem {snap.memory.percent:.0f}%" + (" ▲ HIGH" if high else ""), BAD_STYLE if high else ""))
    for d in snap.disks:
        if d.error is None:
            full = d.percent >= cfg.disk_threshold
            parts.append(
                (f" · {untrusted(d.mount, 20)} {d.use_text}" + (" ▲ FULL" if full else ""), BAD_STYLE if full else "")
            )
    return line(*parts, stale, age)


def command_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: Part,
    stale: Part,
    detected_at: datetime | None,
) -> Row:
    snap = update.snapshot
    if not isinstance(snap, CommandOutput):
        return None
    if snap.error:
        return line((pad("✖ FAILED", STATE_W), BAD_STYLE), name, f" {untrusted(snap.error, 80)}", stale, age)
    lines = snap.stdout.count("\n") + 1 if snap.stdout else 0
    word = f"{'✔' if snap.exit_code == 0 else '▲'} EXIT {snap.exit_code}"
    return line(
        (pad(word, STATE_W), OK_STYLE if snap.exit_code == 0 else WARN_STYLE),
        name,
        f" {lines} line{'s' if lines != 1 else ''}",
        age,
    )


def alerts_row(
    info: SourceInfo,
    update: SourceUpdate,
    now: datetime,
    *,
    name: str,
    age: Part,
    stale: Part,
    detected_at: datetime | None,
) -> Row:
    """`▲ FIRING  intake  2 firing: HighErrorRate, DiskFull` (or `✔ ALERTS  none firing`)."""
    from warroom.sources.snapshots import AlertsSnapshot

    snap = update.snapshot
    if not isinstance(snap, AlertsSnapshot) or snap.error:
        return None
    firing = snap.firing
    if not firing:
        return line((pad("✔ ALERTS", STATE_W), OK_STYLE), name, (" none firing", MUTED_STYLE), stale)
    names = ", ".join(dict.fromkeys(untrusted(a.name, 30) for a in firing))
    return line(
        (pad("▲ FIRING", STATE_W), BAD_STYLE),
        name,
        f" {len(firing)} firing: {untrusted(names, 80)}",
        stale,
    )
