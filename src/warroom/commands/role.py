"""`warroom role ROLE NAME`: assign or hand off a role (`-` vacates it)."""

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
from warroom.domain import catalogue, handoff
from warroom.domain.events import Kind, short_id
from warroom.domain.names import check_name
from warroom.domain.roles import canonical_role
from warroom.errors import UserError
from warroom.sanitize import clean

#: `warroom role`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("role", help="ic, comms, tech, scribe, or a role from [team] extra_roles"),
    Arg("name", help="who holds it now ('-' to vacate)"),
    at_arg(),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def _extra_roles(args: argparse.Namespace) -> tuple[str, ...]:
    from warroom.commands.context import load_config_for

    return tuple(load_config_for(args).team.extra_roles)


def run(args: argparse.Namespace) -> int:
    try:
        role = canonical_role(args.role, _extra_roles(args))
    except ValueError as exc:
        raise UserError(str(exc)) from None
    person = args.name.strip()
    if person != "-":
        try:
            person = check_name(person.lstrip("@"), f"{role} name")
        except ValueError as exc:
            raise UserError(str(exc)) from None
    actor = current_actor(args)
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        cancel = clean(handoff.cancel_note(store.incident(incident_id), role))
        if person == "-":
            store.append(
                incident_id,
                Kind.ROLE_RELEASED,
                catalogue.role_released(role),
                actor=actor,
                at=parse_at_for(store, incident_id, args.at),
            )
            print(f"{short_id(incident_id)} {role} is now vacant{cancel}")
            return 0
        store.append(
            incident_id,
            Kind.ROLE_ASSIGNED,
            catalogue.role_assigned(role, person),
            actor=actor,
            at=parse_at_for(store, incident_id, args.at),
        )
    print(f"{short_id(incident_id)} {role}: {clean(person)}{cancel}")
    return 0
