"""`warroom due`: time to the next required update; exit 1 when one is overdue.

Made for cron and tmux status lines as much as for people:
    INC-7 SEV-2: next update due in 12m 30s (03:45 UTC)
    INC-7 SEV-1: update OVERDUE by 4m — silent for 19m
`--short` prints a few characters (`INC-7 12m30s`, `INC-7 LATE 4m`). With no --incident every open
incident gets a line; with none open it prints `no open incident` and exits 0 (nothing is due).
Then, without --incident or --short, the postmortems due or overdue (`domain.postmortem_due`):
    postmortem for INC-3 due Fri 2026-12-11 (in 3 days)
They never change the exit code, which is about status updates.
"""

from __future__ import annotations

import argparse

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import (
    INCIDENT_ARG,
    load_config_for,
    now_utc,
    open_store,
    parse_at,
    resolve_incident,
    warn_unreadable,
)
from warroom.domain.clock_step import elapsed_view
from warroom.domain.events import short_id

EXIT_OVERDUE = 1


#: `warroom due`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("--short", "-s", action="store_true", help="one short word per incident, for a tmux status line"),
    Arg("--at", metavar="TIME", help="as of TIME instead of now (ISO 8601, HH:MM UTC, -15m): replay the clock"),
    INCIDENT_ARG,
)


def _cadence(args: argparse.Namespace, cadence_type):
    """The configured cadence; with no config file, the playbook's without loading the config
    machinery (a tmux status line runs this every few seconds)."""
    from warroom.paths import find_config_path

    if find_config_path(getattr(args, "config", None)) is None:
        return cadence_type()
    return cadence_type.from_config(load_config_for(args).cadence)


def run(args: argparse.Namespace) -> int:
    from warroom.domain.cadence import UpdateCadence, next_update, user_comms_due
    from warroom.domain.metrics import format_duration

    cadence = _cadence(args, UpdateCadence)
    now = now_utc()
    at = parse_at(args.at, now, allow_future=True) or now  # an "as of" query may look ahead
    with open_store(args) as store:
        if args.incident:
            ids = [resolve_incident(store, args.incident)]
        else:
            ids = store.open_incident_ids()
        states = [store.incident(i) for i in ids]
        # Postmortems still to write (resolved incidents), when asked about everything due: not
        # with --incident (one incident's countdown), nor --short (a tmux status line, run every
        # few seconds, shows only the countdown).
        reviews = [] if args.short or args.incident else store.incidents()
    warn_unreadable(states)
    if not states:
        print("" if args.short else "no open incident: no update due")
        _print_reminders(reviews, at)
        return 0

    overdue = False
    lines: list[str] = []
    for state in states:
        counted = elapsed_view(state)  # a recorded clock step (NTP) moves no deadline
        due = next_update(counted, at, cadence)
        users = user_comms_due(counted, at, cadence)
        overdue = overdue or due.overdue or users.phase == "overdue"
        name = short_id(state.incident_id) + (" DRILL" if state.drill else "")
        if args.short:
            if due.overdue or users.phase != "overdue":
                lines.append(f"{name} {due.short()}")
            else:
                lines.append(f"{name} users LATE {format_duration(-users.remaining).replace(' ', '')}")  # type: ignore[operator]
            continue
        lines.append(f"{name} {due.severity.label}: {due.describe()}")
        if users.phase in ("ok", "soon", "overdue"):
            lines.append(f"{name} {due.severity.label}: {users.describe()}")
    print(("  " if args.short else "\n").join(lines))
    _print_reminders(reviews, at)
    return EXIT_OVERDUE if overdue else 0


def _print_reminders(states, at) -> None:
    """The postmortems due or overdue (5 business days after resolution), as `warroom list`
    prints them; they never change the exit code, which is about status updates."""
    from warroom.commands.list_cmd import print_postmortem_reminders

    print_postmortem_reminders(states, at)
