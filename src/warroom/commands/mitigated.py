"""`warroom mitigated TEXT`: what stopped the bleeding (the MTTM milestone)."""

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
from warroom.errors import UserError

#: `warroom mitigated`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("text", nargs="+", help="the mitigation, e.g. 'rolled back deploy a1b2c3d'"),
    at_arg("it took effect"),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    text = " ".join(args.text).strip()
    if not text:
        raise UserError("say what the mitigation was")
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        at = parse_at_for(store, incident_id, args.at)
        check_milestone(store, incident_id, "mitigated", at)
        store.append(incident_id, Kind.MITIGATED, catalogue.mitigation_applied(text), actor=current_actor(args), at=at)
    print(f"{short_id(incident_id)} mitigation recorded")
    return 0
