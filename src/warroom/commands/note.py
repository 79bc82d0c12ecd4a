"""`warroom note TEXT`: append a note. Kept lean: it must feel instant."""

from __future__ import annotations

from types import SimpleNamespace
TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

from warroom.commands.context import (
    add_actor_option, add_at_option, add_incident_option, current_actor, open_store, parse_at_for, resolve_incident,
    simple_args,
)
from warroom.domain import catalogue
from warroom.domain.events import Kind, short_id
from warroom.errors import UserError

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="what happened or what you saw")
    add_at_option(parser)
    add_actor_option(parser)
    add_incident_option(parser)


_VALUE_OPTIONS = {"--at": "at", "--as": "as_", "--incident": "incident", "-i": "incident", "--db": "db",
                  "--config": "config"}


def fast_args(argv: list[str]) -> SimpleNamespace | None:
    """The common forms without argparse (see `simple_args`); None for anything unusual."""
    parsed = simple_args(argv, _VALUE_OPTIONS)
    if parsed is None or not parsed[1]:
        return None
    values, words = parsed
    return SimpleNamespace(text=words, **values)


def run(args: argparse.Namespace | SimpleNamespace) -> int:
    text = " ".join(args.text).strip()
    if not text:
        raise UserError("the note is empty")
    actor = current_actor(args)  # a bad --as / $WARROOM_USER is refused before the database opens
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        at = parse_at_for(store, incident_id, args.at)
        ev = store.append(incident_id, Kind.NOTE, catalogue.note(text), actor=actor, at=at)
    print(f"{short_id(incident_id)} note #{ev.id} saved")
    return 0
