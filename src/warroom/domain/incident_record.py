"""An incident as a readable Markdown record: `warroom export ID --format md`.

A plain record of what happened (header, milestones, the whole timeline in the catalogue's
words), not the postmortem: it has no narrative sections and no action items.
"""

from __future__ import annotations

from datetime import datetime

from warroom.domain.describe import describe
from warroom.domain.events import Event
from warroom.domain.incident import MILESTONE_NAMES, IncidentState
from warroom.domain.metrics import format_duration, incident_metrics
from warroom.domain.provenance import differs, origin_text
from warroom.domain.roles import role_names
from warroom.sanitize import clean


def _text(value: str) -> str:
    """Untrusted words on one line: no control sequences, no line breaks that would end the item."""
    return clean(value, cap=None)


def _when(dt: datetime) -> str:
    return f"{dt:%Y-%m-%d %H:%M} UTC"


def _severity_line(state: IncidentState) -> str:
    peak = state.peak_severity
    line = f"{peak.label} (highest reached)"
    first = state.severity_history[0].after if state.severity_history else state.severity
    changes = [
        f"{c.before.label if c.before else '?'} → {c.after.label} at {c.at:%H:%M} UTC"
        + (f": {_text(c.reason)}" if c.reason else "")
        for c in state.severity_history[1:]
    ]
    if changes:
        line += f"; declared {first.label}, then " + "; ".join(changes)
    if state.severity is not peak:
        line += f"; now {state.severity.label}"
    return line


def _duration_line(state: IncidentState, now: datetime) -> str:
    start = state.milestones.started or state.declared_at
    end = state.milestones.resolved
    if end is None:
        minutes = int((now - start).total_seconds() // 60)
        return f"{_when(start)} → still open ({minutes} minutes so far)"
    minutes = int((end - start).total_seconds() // 60)
    return f"{_when(start)} → {_when(end)} ({minutes} minutes)"


def timeline_line(ev: Event, day: object) -> str:
    """`- HH:MM — <the catalogue's words> (who)`, with the date when it is not the start's day."""
    when = f"{ev.at:%H:%M}" if ev.at.date() == day else f"{ev.at:%Y-%m-%d %H:%M}"
    # `(alice · root@jump1)` when the display name is not the login that wrote it (the audit trail).
    who = "" if ev.is_system else f" ({_text(ev.actor)}{f' · {_text(origin_text(ev))}' if differs(ev) else ''})"
    return f"- {when} — {_text(describe(ev))}{who}"


def markdown_record(state: IncidentState, now: datetime) -> str:
    """The whole record as Markdown (UTC throughout; `now` only for an incident still open)."""
    m = state.milestones
    start = m.started or state.declared_at
    lines = [f"# {state.short_id}: {_text(state.title)}", ""]
    if state.drill:
        lines += ["**DRILL**: a practice run, left out of metrics.", ""]
    lines += [
        f"- **Date:** {start:%Y-%m-%d}",
        f"- **Duration:** {_duration_line(state, now)}",
        f"- **Severity:** {_severity_line(state)}",
        f"- **Status:** {state.status.value}",
    ]
    if state.impact:
        lines.append(f"- **Impact:** {_text(state.impact)}")
    if state.feature:
        lines.append(f"- **Feature:** {_text(state.feature)}")
    if state.detected_by:
        lines.append(f"- **Detected by:** {_text(state.detected_by)}")
    held = [(r, state.roles[r]) for r in role_names(tuple(state.roles)) if r in state.roles]
    if held:
        lines.append("- **Roles:** " + "; ".join(f"{r}: {_text(h.person)}" for r, h in held))
    if state.public_summary:
        lines.append(f"- **Public summary:** {_text(state.public_summary)}")
    metrics = incident_metrics(state)
    lines += ["", "## Milestones (UTC)", ""]
    for name in MILESTONE_NAMES:
        value = getattr(m, name)
        lines.append(f"- {name}: {f'{value:%Y-%m-%d %H:%M:%S}' if value else '-'}")
    lines.append(
        f"- MTTD {format_duration(metrics.mttd)} · MTTA {format_duration(metrics.mtta)} · "
        f"MTTM {format_duration(metrics.mttm)} · MTTR {format_duration(metrics.mttr)}"
    )
    lines += ["", "## Timeline (UTC)", ""]
    day = start.date()
    for ev in sorted(state.events, key=lambda e: (e.at, e.id or 0)):
        lines.append(timeline_line(ev, day))
    return "\n".join(lines) + "\n"


#: The header's severity and duration lines, shared with the postmortem (`domain.postmortem`).
severity_line = _severity_line
duration_line = _duration_line
