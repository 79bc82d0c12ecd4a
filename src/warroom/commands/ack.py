"""`warroom ack`: someone has the incident (the MTTA milestone).

Typed by the person a pending IC handoff names (`--as bob`, $WARROOM_USER), it also completes
the handoff: they become IC (and the incident is acknowledged too if nobody had)."""

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
from warroom.domain import catalogue, handoff
from warroom.domain.events import Kind, short_id
from warroom.errors import UserError
from warroom.sanitize import clean

#: `warroom ack`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    at_arg("it was acknowledged"),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    actor = current_actor(args)
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        state = store.incident(incident_id)
        accepted = handoff.accept(state, actor)
        if accepted is not None:  # the incoming IC's ack completes a pending handoff to them
            at = parse_at_for(store, incident_id, args.at)
            proposed = state.handoff.at if state.handoff is not None else None
            if at is not None and proposed is not None and at < proposed:
                raise UserError(
                    f"--at {at:%Y-%m-%d %H:%M:%S} UTC is before the handoff was proposed "
                    f"({proposed:%Y-%m-%d %H:%M:%S} UTC): nothing recorded"
                )
            if state.milestones.acknowledged is None:
                check_milestone(store, incident_id, "acknowledged", at)
            for kind, payload in accepted.events:
                store.append(incident_id, kind, payload, actor=actor, at=at)
            print(f"{short_id(incident_id)} {clean(accepted.message)}")
            return 0
        pending = clean(handoff.pending_note(state, handoff.CLI))
        if state.milestones.acknowledged is not None:
            print(f"{short_id(incident_id)} was already acknowledged; nothing recorded{pending}")
            return 0
        at = parse_at_for(store, incident_id, args.at)
        check_milestone(store, incident_id, "acknowledged", at)
        store.append(incident_id, Kind.ACKNOWLEDGED, catalogue.acknowledged(), actor=actor, at=at)
    print(f"{short_id(incident_id)} acknowledged{pending}")
    return 0
