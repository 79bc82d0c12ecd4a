"""`warroom resolve [TEXT]`: users are okay again; the incident is resolved."""

from __future__ import annotations

import argparse

from warroom.commands.context import (
    add_actor_option, check_milestone, add_at_option, add_incident_option, current_actor, open_store, parse_at_for, resolve_incident,
)
from warroom.domain.events import Kind, short_id
from warroom.domain.metrics import format_duration, incident_metrics


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="*", help="one-line summary for the [Resolved] update")
    add_at_option(parser, "it was resolved")
    add_actor_option(parser)
    add_incident_option(parser)


def run(args: argparse.Namespace) -> int:
    text = " ".join(args.text).strip()
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        if not store.incident(incident_id).is_open:
            print(f"{short_id(incident_id)} is already resolved; nothing recorded")
            return 0
        at = parse_at_for(store, incident_id, args.at)
        check_milestone(store, incident_id, "resolved", at)
        store.append(incident_id, Kind.RESOLVED, {"text": text}, actor=current_actor(args), at=at)
        state = store.incident(incident_id)
    mttr = format_duration(incident_metrics(state).mttr)
    print(f"{short_id(incident_id)} resolved after {mttr}. Confirm metrics are back to normal; "
          "keep the channel open for the postmortem.")
    return 0
