"""`warroom feature TEXT`: name what customers see affected (the external draft's `<feature>`)."""

from __future__ import annotations

import argparse

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import ACTOR_ARG, INCIDENT_ARG, current_actor, open_store, resolve_incident
from warroom.domain import catalogue
from warroom.domain.events import Kind, short_id
from warroom.domain.feature import parse_feature
from warroom.errors import UserError
from warroom.sanitize import clean

#: `warroom feature`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("text", nargs="+", help="what customers see affected, in their words (e.g. Checkout)"),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    try:
        feature = parse_feature(" ".join(args.text))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        if store.incident(incident_id).feature == feature:
            print(f"{short_id(incident_id)} feature is already {clean(feature)!r}; nothing recorded")
            return 0
        store.append(incident_id, Kind.FEATURE_SET, catalogue.feature_set(feature), actor=current_actor(args))
    print(
        f"{short_id(incident_id)} feature: {clean(feature)} "
        f'(the external draft now says "an issue affecting {clean(feature)}")'
    )
    return 0
