"""`warroom handoff NAME`: propose NAME as the next Incident Commander.

The handoff completes only when NAME acknowledges it (`warroom ack --as NAME`, or `/ack` typed
as NAME in the war room); until then the current IC stays IC and `show` says a handoff is
pending. The rules (nobody IC, proposing the IC, a second proposal) are `domain.handoff`'s.
"""

from __future__ import annotations

import argparse

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import ACTOR_ARG, INCIDENT_ARG, current_actor, open_store, resolve_incident
from warroom.domain import handoff
from warroom.domain.events import short_id
from warroom.domain.names import check_name
from warroom.errors import UserError
from warroom.sanitize import clean

#: `warroom handoff`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("name", help="who should be the next IC (they become IC when they acknowledge)"),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    try:
        incoming = check_name(args.name.strip().lstrip("@"), "handoff name")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    actor = current_actor(args)
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        decided = handoff.propose(store.incident(incident_id), incoming, handoff.CLI)
        if isinstance(decided, handoff.Refused):
            raise UserError(f"{short_id(incident_id)}: {decided.message}")
        if isinstance(decided, handoff.Step):
            for kind, payload in decided.events:
                store.append(incident_id, kind, payload, actor=actor)
    print(f"{short_id(incident_id)} {clean(decided.message)}")
    return 0
