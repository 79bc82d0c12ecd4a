"""`warroom list [--json]`: every incident with severity, status, start and duration."""

from __future__ import annotations

import argparse
from typing import Any

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import now_utc, open_store, warn_unreadable
from warroom.domain.events import format_ts
from warroom.domain.metrics import format_duration
from warroom.sanitize import clean, terminal_json

#: `warroom list`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("--json", action="store_true", help="machine-readable output"),
    Arg("--open", action="store_true", help="only incidents not yet resolved"),
)


def run(args: argparse.Namespace) -> int:
    now = now_utc()
    with open_store(args) as store:
        states = store.incidents()
    warn_unreadable(states)
    if args.open:
        states = [s for s in states if s.is_open]
    from warroom.domain.postmortem_due import postmortem_due

    rows: list[dict[str, Any]] = []
    for s in states:
        start = s.milestones.started or s.declared_at
        end = s.milestones.resolved or now
        rows.append(
            {
                "id": s.short_id,
                "severity": s.severity.label,
                "status": s.status.value,
                "drill": s.drill,
                "title": s.title,
                "started_at": format_ts(start),
                "duration_seconds": int((end - start).total_seconds()),
                "open": s.is_open,
                "postmortem_due": _due_json(postmortem_due(s), now),
            }
        )
    if args.json:
        print(terminal_json(rows, indent=2))
        return 0
    if not rows:
        print("no incidents yet: `warroom declare TITLE --sev N` starts one")
        return 0
    print(f"{'ID':<8} {'SEV':<6} {'STATUS':<20} {'STARTED (UTC)':<17} {'DURATION':<10} TITLE")
    for s, r in zip(states, rows):
        start = s.milestones.started or s.declared_at
        dur = format_duration((s.milestones.resolved or now) - start) + ("" if s.milestones.resolved else "+")
        status = r["status"] + (" DRILL" if s.drill else "")
        print(f"{r['id']:<8} {r['severity']:<6} {status:<20} {start:%Y-%m-%d %H:%M} {dur:<10} {clean(s.title, cap=80)}")
    print_postmortem_reminders(states, now)
    return 0


def _due_json(due: Any, now: Any) -> dict[str, Any] | None:
    """A postmortem still to write, for `--json`: its due date and days left (negative: overdue)."""
    if due is None:
        return None
    return {"due": f"{due.due:%Y-%m-%d}", "days_left": due.days_left(now.date()), "started": due.started}


def print_postmortem_reminders(states: Any, now: Any) -> None:
    """`postmortem for INC-3 due Fri 2026-12-11 (in 3 days)`, one line each, after a blank line
    (nothing when none is due). `warroom due` prints the same lines."""
    from warroom.domain.postmortem_due import reminder_lines

    lines = reminder_lines(states, now.date())
    if lines:
        print("\n" + "\n".join(lines))
