"""`warroom ack`: someone has the incident (the MTTA milestone)."""

from __future__ import annotations

import argparse

from warroom.commands.argspec import ArgSpec
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

#: `warroom ack`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    at_arg("it was acknowledged"),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        if store.incident(incident_id).milestones.acknowledged is not None:
            print(f"{short_id(incident_id)} was already acknowledged; nothing recorded")
            return 0
        at = parse_at_for(store, incident_id, args.at)
        check_milestone(store, incident_id, "acknowledged", at)
        store.append(incident_id, Kind.ACKNOWLEDGED, catalogue.acknowledged(), actor=current_actor(args), at=at)
    print(f"{short_id(incident_id)} acknowledged")
    return 0
