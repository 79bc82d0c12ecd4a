"""`warroom milestone NAME --at TIME`: back-date a milestone learned later (impact began earlier...)."""

from __future__ import annotations

import argparse

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import (
    ACTOR_ARG,
    INCIDENT_ARG,
    check_milestone,
    current_actor,
    now_utc,
    open_store,
    parse_at_for,
    resolve_incident,
)
from warroom.domain import catalogue
from warroom.domain.events import Kind, short_id
from warroom.domain.incident import MILESTONE_NAMES

#: `warroom milestone`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("name", choices=MILESTONE_NAMES, help="which milestone"),
    Arg("--at", dest="time", required=True, metavar="TIME", help="when: ISO 8601, HH:MM (UTC) or -15m"),
    Arg("--reason", default="", metavar="TEXT", help="how we know"),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    now = now_utc()
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        when = parse_at_for(store, incident_id, args.time, now)
        assert when is not None  # TIME is a required argument, and only a missing one gives None
        check_milestone(store, incident_id, args.name, when)
        payload = catalogue.milestone_set(args.name, when, args.reason.strip())
        store.append(incident_id, Kind.MILESTONE, payload, actor=current_actor(args))
    print(f"{short_id(incident_id)} {args.name} set to {when:%Y-%m-%d %H:%M:%S} UTC")
    return 0
