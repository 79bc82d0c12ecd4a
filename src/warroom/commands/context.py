"""What every headless command needs: the store, the incident, the actor, the config."""

from __future__ import annotations

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms
from datetime import UTC, datetime

from warroom.commands.argspec import Arg
from warroom.domain.events import parse_incident_ref, short_id
from warroom.errors import UserError
from warroom.store.sync import EventStore

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable
    from pathlib import Path
    from types import SimpleNamespace

    from warroom.domain.incident import IncidentState


def db_file(args: argparse.Namespace | SimpleNamespace) -> str:
    """`--db`, else $WARROOM_DB, else the XDG default, as a string (no pathlib on the note path).
    A file named by --db or $WARROOM_DB must be in an existing folder (a typo is an error)."""
    from warroom.paths import db_file_checked

    return db_file_checked(getattr(args, "db", None))


def db_path(args: argparse.Namespace | SimpleNamespace) -> Path:
    from pathlib import Path

    return Path(db_file(args))


def open_store(args: argparse.Namespace | SimpleNamespace) -> EventStore:
    """The store for a headless command; a one-time notice (the file was open to others) goes
    to stderr as one line, so stdout stays what the command prints."""
    # `--readonly` (only reading commands get this far): `mode=ro`, the file left as it is.
    store = EventStore.open(db_file(args), for_reading=bool(getattr(args, "readonly", False)))
    if store.notices:
        import sys

        for line in store.notices:
            print(f"warroom: {line}", file=sys.stderr)
    return store


def current_actor(args: argparse.Namespace | SimpleNamespace | None = None) -> str:
    """`--as`, then $WARROOM_USER, then the login name (`services.actor.acting_name`)."""
    from warroom.services.actor import acting_name

    return acting_name(getattr(args, "as_", None) if args is not None else None)


#: The options most commands share, declared once (entries of the commands' `ArgSpec`s).
INCIDENT_ARG = Arg("--incident", "-i", metavar="ID", help="incident id (INC-7 or 7); default: the one open incident")
ACTOR_ARG = Arg("--as", dest="as_", metavar="NAME", help="who is acting (default $WARROOM_USER, then login name)")


def at_arg(what: str = "it happened") -> Arg:
    """`--at TIME`: when the recorded thing happened."""
    return Arg("--at", metavar="TIME", help=f"when {what}: ISO 8601, HH:MM (UTC) or -15m (default now)")


def incident_ref(ref: str | None) -> int | None:
    """The incident number `--incident`/ID names (`INC-7`, `7`), None when not given; a
    UserError for anything else."""
    if not ref:
        return None
    try:
        return parse_incident_ref(ref)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def resolve_incident(store: EventStore, ref: str | None) -> int:
    """The incident named, or the single open one; a clear error otherwise."""
    incident_id = incident_ref(ref)
    if incident_id is not None:
        store.incident(incident_id)  # raises a UserError naming it if absent
        return incident_id
    open_ids = store.open_incident_ids()
    if len(open_ids) == 1:
        return open_ids[0]
    if not open_ids:
        raise UserError("no open incident: declare one with `warroom declare TITLE --sev N`")
    listing = "; ".join(
        f"{short_id(s.incident_id)} {s.severity.label} {s.title!r}" for s in (store.incident(i) for i in open_ids)
    )
    raise UserError(f"{len(open_ids)} incidents are open, pick one with --incident: {listing}")


def now_utc() -> datetime:
    return datetime.now(UTC)


def parse_at(
    text: str | None,
    now: datetime | None = None,
    *,
    started: datetime | None = None,
    allow_future: bool = False,
    option: str = "--at",
) -> datetime | None:
    """A time the user gave, checked by `timeparse.parse_time` (not before 2000, not more than
    5 minutes ahead, a bare HH:MM not more than 12 h before `started`); a one-line UserError
    naming `option` otherwise. None when nothing was given."""
    if not text:
        return None
    from warroom.domain.timeparse import parse_time

    try:
        return parse_time(text, now or now_utc(), started=started, allow_future=allow_future)
    except ValueError as exc:
        raise UserError(f"{option}: {exc}") from None


def parse_at_for(
    store: EventStore, incident_id: int, text: str | None, now: datetime | None = None, *, option: str = "--at"
) -> datetime | None:
    """`parse_at` for an event of an existing incident: a bare HH:MM is checked against the
    incident's start (the fold is paid only for that form, so `warroom note` stays fast)."""
    if not text:
        return None
    started = None
    if ":" in text and len(text.strip()) <= 8:  # HH:MM[:SS]; timeparse decides exactly
        from warroom.domain.timeparse import is_clock_time

        if is_clock_time(text):
            started = store.incident(incident_id).milestones.started
    return parse_at(text, now, started=started, option=option)


def warn_unreadable(states: Iterable[IncidentState], limit: int = 5) -> None:
    """One stderr line per stored row that could not be read as written (a bad time or payload,
    see `store.rows.row_to_event`): the command still answers, and nobody misses the damage."""
    import sys

    from warroom.sanitize import clean

    problems = [f"{short_id(s.incident_id)} {ev.problem}" for s in states for ev in s.events if ev.problem]
    for line in problems[:limit]:
        print(f"warroom: warning: unreadable row: {clean(line, cap=160)}", file=sys.stderr)
    if len(problems) > limit:
        print(
            f"warroom: warning: {len(problems) - limit} more unreadable rows (`warroom show --json` lists them)",
            file=sys.stderr,
        )


def load_config_for(args: argparse.Namespace | SimpleNamespace):
    """The config named by --config / $WARROOM_CONFIG / ./warroom.toml / XDG, or defaults."""
    from warroom.config.loader import load

    config = load(getattr(args, "config", None))
    if getattr(args, "readonly", False) and not config.ui.readonly:  # `--readonly` is `[ui] readonly = true`
        from dataclasses import replace

        config = replace(config, ui=replace(config.ui, readonly=True))
    return config


def check_milestone(store: EventStore, incident_id: int, name: str, when: datetime | None) -> None:
    """Refuse a back-dated milestone that contradicts the others (MTTx would be nonsense)."""
    from warroom.domain.incident import milestone_order_problem

    problem = milestone_order_problem(store.incident(incident_id), name, when or now_utc())
    if problem:
        raise UserError(problem)
