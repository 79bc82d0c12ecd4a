"""`warroom note TEXT`: append a note. Kept lean: it must feel instant."""

from __future__ import annotations

from types import SimpleNamespace
TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

from warroom.commands.context import (
    add_actor_option, add_at_option, add_incident_option, current_actor, open_store, parse_at, resolve_incident,
)
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
    """Parse the common forms without argparse (about 10 ms of imports on every note).

    Returns None for anything unusual (--help, an unknown option), and argparse takes over.
    """
    values: dict[str, object] = {"at": None, "as_": None, "incident": None, "db": None, "config": None}
    words: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            words += argv[i + 1 :]
            break
        name, eq, value = word.partition("=")
        if name in _VALUE_OPTIONS:
            if not eq:
                if i + 1 >= len(argv):
                    return None
                value = argv[i + 1]
                i += 1
            values[_VALUE_OPTIONS[name]] = value
        elif word.startswith("-") and len(word) > 1:
            return None
        else:
            words.append(word)
        i += 1
    if not words:
        return None
    return SimpleNamespace(text=words, **values)


def run(args: argparse.Namespace | SimpleNamespace) -> int:
    text = " ".join(args.text).strip()
    if not text:
        raise UserError("the note is empty")
    at = parse_at(args.at)
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        ev = store.append(incident_id, Kind.NOTE, {"text": text}, actor=current_actor(args), at=at)
    print(f"{short_id(incident_id)} note #{ev.id} saved")
    return 0
