"""`warroom resolve [TEXT]`: users are okay again; the incident is resolved."""

from __future__ import annotations

import argparse

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import (
    ACTOR_ARG,
    INCIDENT_ARG,
    at_arg,
    check_milestone,
    current_actor,
    open_store,
    parse_at_for,
    resolve_incident,
)
from warroom.domain import catalogue
from warroom.domain.events import Kind, short_id
from warroom.domain.metrics import format_duration, incident_metrics
from warroom.errors import UserError

#: `warroom resolve`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("text", nargs="*", help="one-line internal summary for the channel's [Resolved] update"),
    Arg(
        "--public",
        default="",
        metavar="TEXT",
        help="what customers read in the external [Resolved] update (without it they get a "
        "generic resolved sentence, never the internal summary)",
    ),
    at_arg("it was resolved"),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    text = " ".join(args.text).strip()
    public = " ".join(args.public.split())
    if args.public and not public:
        raise UserError("--public is empty: say in one line what customers should read, or leave it out")
    with open_store(args) as store:
        latest = store.latest_incident_id() if public and not args.incident and not store.open_incident_ids() else None
        if latest:
            incident_id = latest  # `--public` after resolving: the latest one, as `draft` does
        else:
            incident_id = resolve_incident(store, args.incident)
        state = store.incident(incident_id)
        if not state.is_open:
            if public and public != state.public_summary:
                # The Comms Lead often writes the customers' words after the IC resolved.
                store.append(
                    incident_id, Kind.PUBLIC_SUMMARY, catalogue.public_summary(public), actor=current_actor(args)
                )
                print(f"{short_id(incident_id)} is already resolved; public summary recorded for the external draft")
                return 0
            print(f"{short_id(incident_id)} is already resolved; nothing recorded")
            return 0
        at = parse_at_for(store, incident_id, args.at)
        check_milestone(store, incident_id, "resolved", at)
        payload = catalogue.resolved(text, public)
        store.append(incident_id, Kind.RESOLVED, payload, actor=current_actor(args), at=at)
        state = store.incident(incident_id)
    mttr = format_duration(incident_metrics(state).mttr)
    print(
        f"{short_id(incident_id)} resolved after {mttr}. Confirm metrics are back to normal; "
        "keep the channel open for the postmortem."
    )
    if not public:
        print("No --public summary: the external draft says a generic resolved sentence.")
    return 0
