"""What every headless command needs: the store, the incident, the actor, the config."""

from __future__ import annotations

import os
TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms
from datetime import datetime, timezone

from warroom.domain.events import parse_incident_ref, short_id
from warroom.errors import UserError
from warroom.store.sync import EventStore

if TYPE_CHECKING:
    import argparse
    from pathlib import Path


def simple_args(argv: list[str], options: dict[str, str]) -> tuple[dict[str, str | None], list[str]] | None:
    """The common forms of a command line, parsed without argparse (~4 ms of imports, paid by
    every `warroom note` and every war room launch): `--opt VALUE`, `--opt=VALUE` for the
    `options` given (name -> attribute), and plain words. None for anything else (`--help`, an
    unknown option, a missing value), and argparse takes over with its full messages."""
    values: dict[str, str | None] = dict.fromkeys(options.values())
    words: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            words += argv[i + 1 :]
            break
        name, eq, value = word.partition("=")
        if name in options:
            if not eq:
                if i + 1 >= len(argv):
                    return None
                value = argv[i + 1]
                i += 1
            values[options[name]] = value
        elif word.startswith("-") and len(word) > 1:
            return None
        else:
            words.append(word)
        i += 1
    return values, words


def db_file(args: "argparse.Namespace") -> str:
    """`--db`, else $WARROOM_DB, else the XDG default, as a string (no pathlib on the note path)."""
    if getattr(args, "db", None):
        return os.path.expanduser(args.db)
    from warroom.paths import default_db_file

    return default_db_file()


def db_path(args: "argparse.Namespace") -> "Path":
    from pathlib import Path

    return Path(db_file(args))


def open_store(args: argparse.Namespace) -> EventStore:
    return EventStore.open(db_file(args))


def current_actor(args: argparse.Namespace | None = None) -> str:
    """`--as`, then $WARROOM_USER, then the login name. A given name must be a handle
    (`domain.names`): anything else is a one-line UserError, before anything is written."""
    from warroom.domain.names import check_name

    explicit = getattr(args, "as_", None) if args is not None else None
    try:
        if explicit is not None:
            return check_name(explicit, "--as name")
        env = os.environ.get("WARROOM_USER", "").strip()
        if env:
            return check_name(env, "$WARROOM_USER")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    from warroom.store.rows import origin

    return origin()["user"]


def add_incident_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--incident", "-i", metavar="ID", help="incident id (INC-7 or 7); default: the one open incident")


def add_actor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as", dest="as_", metavar="NAME", help="who is acting (default $WARROOM_USER, then login name)")


def add_at_option(parser: argparse.ArgumentParser, what: str = "it happened") -> None:
    parser.add_argument("--at", metavar="TIME", help=f"when {what}: ISO 8601, HH:MM (UTC) or -15m (default now)")


def resolve_incident(store: EventStore, ref: str | None) -> int:
    """The incident named, or the single open one; a clear error otherwise."""
    if ref:
        try:
            incident_id = parse_incident_ref(ref)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        store.incident(incident_id)  # raises a UserError naming it if absent
        return incident_id
    open_ids = store.open_incident_ids()
    if len(open_ids) == 1:
        return open_ids[0]
    if not open_ids:
        raise UserError("no open incident: declare one with `warroom declare TITLE --sev N`")
    listing = "; ".join(f"{short_id(s.incident_id)} {s.severity.label} {s.title!r}" for s in
                        (store.incident(i) for i in open_ids))
    raise UserError(f"{len(open_ids)} incidents are open, pick one with --incident: {listing}")


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def parse_at(text: str | None, now: datetime | None = None) -> datetime | None:
    if not text:
        return None
    from warroom.domain.timeparse import parse_time

    try:
        return parse_time(text, now or now_utc())
    except ValueError as exc:
        raise UserError(str(exc)) from None


def load_config_for(args: argparse.Namespace):
    """The config named by --config / $WARROOM_CONFIG / ./warroom.toml / XDG, or defaults."""
    from warroom.config.loader import load

    return load(getattr(args, "config", None))


def check_milestone(store: EventStore, incident_id: int, name: str, when: datetime | None) -> None:
    """Refuse a back-dated milestone that contradicts the others (MTTx would be nonsense)."""
    from warroom.domain.incident import milestone_order_problem

    problem = milestone_order_problem(store.incident(incident_id), name, when or now_utc())
    if problem:
        raise UserError(problem)
