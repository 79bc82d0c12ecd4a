"""`warroom sev N [--reason TEXT]`: raise or lower severity, recorded with a reason."""

from __future__ import annotations

import argparse

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import (
    ACTOR_ARG,
    INCIDENT_ARG,
    at_arg,
    current_actor,
    open_store,
    parse_at_for,
    resolve_incident,
)
from warroom.domain import catalogue
from warroom.domain.events import Kind, short_id
from warroom.domain.severity import Severity
from warroom.errors import UserError

#: `warroom sev`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("severity", metavar="N", help="1-4 (SEV-1 worst)"),
    Arg("--reason", default="", metavar="TEXT", help="why it changed"),
    at_arg(),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    try:
        new = Severity.parse(args.severity)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        state = store.incident(incident_id)
        if new == state.severity:
            print(f"{short_id(incident_id)} is already {new.label}; nothing recorded")
            return 0
        payload = catalogue.severity_changed(int(state.severity), int(new), args.reason.strip())
        store.append(
            incident_id, Kind.SEVERITY, payload, actor=current_actor(args), at=parse_at_for(store, incident_id, args.at)
        )
    direction = "raised" if new < state.severity else "lowered"
    note = " (a late upgrade stays visible in the postmortem)" if new < state.severity else ""
    print(f"{short_id(incident_id)} {direction} {state.severity.label} -> {new.label}{note}")
    return 0
