"""`warroom ack`: someone has the incident (the MTTA milestone)."""

from __future__ import annotations

import argparse

from warroom.commands.context import (
    add_actor_option, check_milestone, add_at_option, add_incident_option, current_actor, open_store, parse_at, resolve_incident,
)
from warroom.domain.events import Kind, short_id


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_at_option(parser, "it was acknowledged")
    add_actor_option(parser)
    add_incident_option(parser)


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        if store.incident(incident_id).milestones.acknowledged is not None:
            print(f"{short_id(incident_id)} was already acknowledged; nothing recorded")
            return 0
        check_milestone(store, incident_id, "acknowledged", parse_at(args.at))
        store.append(incident_id, Kind.ACKNOWLEDGED, {}, actor=current_actor(args), at=parse_at(args.at))
    print(f"{short_id(incident_id)} acknowledged")
    return 0
