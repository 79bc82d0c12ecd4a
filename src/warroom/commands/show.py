"""`warroom show [ID] [--json]`: an incident's state, roles, milestones and timeline."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import now_utc, open_store, resolve_incident, warn_unreadable
from warroom.domain.describe import describe, describe_beside_label, kind_label
from warroom.domain.events import format_ts
from warroom.domain.incident import MILESTONE_NAMES, IncidentState
from warroom.domain.metrics import elapsed_milestones, format_duration, incident_metrics
from warroom.domain.provenance import origin_text
from warroom.domain.roles import IC, role_names
from warroom.errors import UserError
from warroom.sanitize import clean, terminal_json

#: `warroom show`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("incident", nargs="?", metavar="ID", help="INC-7 or 7 (default: the one open incident)"),
    Arg("--json", action="store_true", help="machine-readable output"),
)


def _hm(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S UTC") if dt else "-"


def _missed(state: IncidentState, now: datetime, cadence_config=None) -> list:
    """Silences longer than the cadence in force, derived from the record (nothing appended)."""
    from warroom.domain.cadence import UpdateCadence, missed_updates

    return missed_updates(state, now, UpdateCadence.from_config(cadence_config))


def _first_user_update(state: IncidentState, now: datetime, cadence_config=None):
    """The SEV-2 rule's trace: when the first user update was due and when it went out."""
    from warroom.domain.cadence import UpdateCadence
    from warroom.domain.user_comms import first_user_update

    return first_user_update(state, now, UpdateCadence.from_config(cadence_config))


def _handoff_json(state: IncidentState) -> dict | None:
    """The pending IC handoff (`from` stays IC until `to` acknowledges), or None."""
    pending = state.handoff
    if pending is None:
        return None
    return {
        "from": pending.outgoing,
        "to": pending.incoming,
        "proposed_at": format_ts(pending.at),
        "proposed_by": pending.by,
        "pending": True,
    }


def _handoff_text(state: IncidentState) -> str:
    """` → bob (handoff pending since 14:02 UTC: bob acknowledges with `warroom ack --as bob`)`."""
    from warroom.domain.handoff import CLI, ack_hint

    assert state.handoff is not None
    incoming = clean(state.handoff.incoming)
    return f" → {incoming} (handoff pending since {state.handoff.at:%H:%M} UTC: {ack_hint(incoming, CLI)})"


def _coach(state: IncidentState, now: datetime, cadence_config=None) -> tuple:
    """The phase guide now, and every coach warning that fired (replayed from the record)."""
    from warroom.domain.cadence import UpdateCadence
    from warroom.domain.clock_step import elapsed_view
    from warroom.domain.coach_replay import fired
    from warroom.domain.phase import guide

    cadence = UpdateCadence.from_config(cadence_config)
    state = elapsed_view(state)  # a recorded clock step (NTP) is not an hour of silence
    return guide(state, now, cadence), fired(state.events, now, cadence)


def coach_lines(state: IncidentState, now: datetime, cadence_config=None) -> list[str]:
    """`show`'s Coach section: the phase and next step, then each warning that fired, with the
    playbook's words and who dismissed it."""
    phase, warnings = _coach(state, now, cadence_config)
    lines = ["Coach", f"  phase    {clean(phase.describe())}"]
    if not warnings:
        lines.append("  no warnings fired")
    for item in warnings:
        w, d = item.warning, item.dismissal
        mark = "✗ " if w.anti_pattern else ""
        dismissed = f" · dismissed by {clean(d.actor)} at {d.at:%H:%M} UTC" if d else ""
        lines.append(f"  {item.at:%H:%M} ⚠ {clean(w.text)}{dismissed}")
        lines.append(f'        {mark}"{w.quote}"')
    return lines


def _duration(state: IncidentState, now: datetime) -> timedelta:
    """Started to resolved (or now), in elapsed time: a recorded clock step adds no hour."""
    m = elapsed_milestones(state)
    return (m.resolved or now) - (m.started or state.declared_at)


def state_json(state: IncidentState, now: datetime, cadence_config=None) -> dict:
    metrics = incident_metrics(state)
    lasted = _duration(state, now)
    phase, warnings = _coach(state, now, cadence_config)
    return {
        "id": state.short_id,
        "number": state.incident_id,
        "title": state.title,
        "severity": state.severity.label,
        "status": state.status.value,
        "drill": state.drill,
        "impact": state.impact,
        "feature": state.feature,
        "public_summary": state.public_summary,
        "detected_by": state.detected_by,
        "declared_at": format_ts(state.declared_at),
        "duration_seconds": int(lasted.total_seconds()),
        "roles": {r: {"person": h.person, "since": format_ts(h.since)} for r, h in state.roles.items()},
        "handoff": _handoff_json(state),
        "milestones": {n: (format_ts(v) if (v := getattr(state.milestones, n)) else None) for n in MILESTONE_NAMES},
        "metrics": {
            n: (int(v.total_seconds()) if (v := getattr(metrics, n)) is not None else None)
            for n in ("mttd", "mtta", "mttm", "mttr")
        },
        "severity_upgrades": [
            {
                "at": format_ts(c.at),
                "from": c.before.label if c.before else None,
                "to": c.after.label,
                "reason": c.reason,
            }
            for c in state.upgrades
        ],
        "updates_posted": [{"at": format_ts(p.at), "audience": p.audience, "actor": p.actor} for p in state.comms],
        "first_user_update": _first_user_update(state, now, cadence_config).to_json(format_ts),
        "missed_updates": [
            {
                "start": format_ts(m.start),
                "end": format_ts(m.end),
                "due_at": format_ts(m.due_at),
                "minutes_silent": int(m.length.total_seconds() // 60),
                "cadence_minutes": m.cadence_minutes,
                "severity": m.severity.label,
                "ongoing": m.ongoing,
                "text": m.describe(),
            }
            for m in _missed(state, now, cadence_config)
        ],
        "phase": {"phase": phase.phase, "next_step": phase.next_step, "done": list(phase.done)},
        "coach": [item.to_json() for item in warnings],
        "timeline": [
            ev.to_json() | {"text": describe(ev), "origin_text": origin_text(ev)}
            for ev in sorted(state.events, key=lambda e: (e.at, e.id or 0))
        ],
    }


def render_text(state: IncidentState, extra_roles: tuple[str, ...], now: datetime, cadence_config=None) -> str:
    m = state.milestones
    metrics = incident_metrics(state)
    lines = [
        f"{state.short_id} {state.severity.label} [{state.status.value}]{' DRILL' if state.drill else ''} "
        f"{clean(state.title)}",
        f"  started  {_hm(m.started)}   duration {format_duration(_duration(state, now))}"
        + ("" if m.resolved else " (open)"),
    ]
    if state.impact:
        lines.append(f"  impact   {clean(state.impact)}")
    if state.feature:
        lines.append(f"  feature  {clean(state.feature)} (what customers see affected)")
    if state.public_summary:
        lines.append(f"  public summary  {clean(state.public_summary)}")
    if state.detected_by:
        lines.append(f"  detected by {clean(state.detected_by)}")
    for change in state.upgrades:
        lines.append(
            f"  ! raised {change.before.label if change.before else '?'} -> {change.after.label} at "
            f"{change.at:%H:%M} UTC{': ' + clean(change.reason) if change.reason else ''}"
        )
    lines.append("")
    lines.append("Roles")
    for role in role_names(extra_roles + tuple(r for r in state.roles if r not in extra_roles)):
        holder = state.roles.get(role)
        who = f"{clean(holder.person)} (since {holder.since:%H:%M} UTC)" if holder else "— VACANT"
        if role == IC and state.handoff is not None:
            who += _handoff_text(state)
        lines.append(f"  {role:<20} {who}")
    lines.append("")
    lines.append("Milestones")
    for name in MILESTONE_NAMES:
        lines.append(f"  {name:<13} {_hm(getattr(m, name))}")
    lines.append(
        f"  MTTD {format_duration(metrics.mttd)}  MTTA {format_duration(metrics.mtta)}  "
        f"MTTM {format_duration(metrics.mttm)}  MTTR {format_duration(metrics.mttr)}"
        + ("  (drill: left out of metrics)" if state.drill else "")
    )
    lines.append("")
    lines.append("Communication")
    if state.comms:
        by_audience: dict[str, int] = {}
        for post in state.comms:
            by_audience[post.audience] = by_audience.get(post.audience, 0) + 1
        counts = ", ".join(f"{n} {audience}" for audience, n in by_audience.items())
        lines.append(f"  updates posted: {counts}; last at {state.comms[-1].at:%H:%M} UTC")
    else:
        lines.append("  no update marked posted yet")
    first = _first_user_update(state, now, cadence_config)
    lines.append(f"  {'! ' if first.outcome in ('late', 'overdue', 'missed') else ''}{first.describe()}")
    for miss in _missed(state, now, cadence_config):
        span = f"{miss.start:%H:%M}–{'now' if miss.ongoing else format(miss.end, '%H:%M')} UTC"
        lines.append(f"  ! {miss.describe()}, {span}")
    lines.append("")
    lines += coach_lines(state, now, cadence_config)
    lines.append("")
    lines.append("Timeline (UTC)")
    day = (m.started or state.declared_at).date()
    for ev in sorted(state.events, key=lambda e: (e.at, e.id or 0)):
        # A time on another day than the start carries its date: a bare 23:59 would read as tonight.
        when = f"{ev.at:%H:%M:%S}" if ev.at.date() == day else f"{ev.at:%Y-%m-%d %H:%M:%S}"
        # The display name only: the column's shape is what scripts read; the real login@host
        # (the audit trail) is `show --json`'s `origin_text`, the exports' and the review's.
        by = ev.actor
        prefix = f"  {when} {clean(kind_label(ev), cap=10):<10} {clean(by, cap=80):<12} "
        # A pasted note keeps its lines: each further line starts under the text column.
        text = clean(describe_beside_label(ev), keep_newlines=True).replace("\n", "\n" + " " * len(prefix))
        lines.append(prefix + text)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    now = now_utc()
    with open_store(args) as store:
        incident_id: int | None
        if args.incident or store.open_incident_ids():
            incident_id = resolve_incident(store, args.incident)
        else:  # nothing open: show the most recent incident
            incident_id = store.latest_incident_id()
            if incident_id is None:
                raise UserError("no incidents yet: `warroom declare TITLE --sev N` starts one")
        state = store.incident(incident_id)
    warn_unreadable([state])
    from warroom.commands.context import load_config_for

    config = load_config_for(args)
    if args.json:
        print(terminal_json(state_json(state, now, config.cadence), indent=2))
        return 0
    print(render_text(state, tuple(config.team.extra_roles), now, config.cadence))
    return 0
