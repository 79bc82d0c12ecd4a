"""`warroom status STATUS [TEXT]`: Investigating -> Identified -> Monitoring -> Resolved."""

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
from warroom.domain.status import Status
from warroom.errors import UserError

#: `warroom status`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("status", help="investigating | identified | monitoring | resolved"),
    Arg("text", nargs="*", help="what changed"),
    at_arg(),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    try:
        new = Status.parse(args.status)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    text = " ".join(args.text).strip()
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        state = store.incident(incident_id)
        if new == state.status and not text:
            print(f"{short_id(incident_id)} is already {new.value}; nothing recorded")
            return 0
        if new is Status.RESOLVED:
            store.append(
                incident_id,
                Kind.RESOLVED,
                catalogue.resolved(text),
                actor=current_actor(args),
                at=parse_at_for(store, incident_id, args.at),
            )
        else:
            payload = catalogue.status_changed(state.status.value, new.value, text)
            store.append(
                incident_id,
                Kind.STATUS,
                payload,
                actor=current_actor(args),
                at=parse_at_for(store, incident_id, args.at),
            )
    back = " (stepped back)" if new.order < state.status.order else ""
    print(f"{short_id(incident_id)} {state.status.value} -> {new.value}{back}")
    return 0
