"""`warroom note TEXT`: append a note. Kept lean: it must feel instant."""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

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
from warroom.domain.events import Kind, short_id
from warroom.domain.payload_checks import note as note_payload  # the catalogue's builder, without the others
from warroom.errors import UserError

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

#: `warroom note`'s arguments: argparse's parser and the fast path both read this.
ARGS = ArgSpec(
    Arg("text", nargs="+", help="what happened or what you saw"),
    at_arg(),
    ACTOR_ARG,
    INCIDENT_ARG,
    fast=True,
)


def run(args: argparse.Namespace | SimpleNamespace) -> int:
    text = " ".join(args.text).strip()
    if not text:
        raise UserError("the note is empty")
    actor = current_actor(args)  # a bad --as / $WARROOM_USER is refused before the database opens
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        at = parse_at_for(store, incident_id, args.at)
        ev = store.append(incident_id, Kind.NOTE, note_payload(text), actor=actor, at=at)
    assert ev is not None  # append returns None only for a repeated dedupe key, and a note has none
    print(f"{short_id(incident_id)} note #{ev.id} saved")
    return 0
