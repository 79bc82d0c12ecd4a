"""`warroom action add|list|done|edit`: the postmortem's action items, each an event.

    warroom action add Alert on db pool use above 80% --owner bob --due 2026-12-18 --type detect
    warroom action list [--open]
    warroom action done 2
    warroom action edit 2 [--text TEXT] [--owner NAME] [--due YYYY-MM-DD] [--type TYPE]

N is the item's number within the incident (`action list` shows it). Owners are handles (`bob`
or `@bob`); dates are YYYY-MM-DD; the type is prevent, detect or mitigate. Owner, date and type
may be left for later: `warroom postmortem --check` asks for them. With no --incident: the one
open incident, else the latest one.
"""

from __future__ import annotations

import argparse

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import ACTOR_ARG, at_arg, current_actor, open_store, parse_at_for
from warroom.commands.postmortem import REVIEW_INCIDENT_ARG, postmortem_incident
from warroom.errors import UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from warroom.domain.action_items import ActionItem

VERBS = ("add", "list", "done", "edit")

#: `warroom action`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("verb", nargs="?", choices=VERBS, default="list", help="add TEXT, list, done N, edit N (default list)"),
    Arg("words", nargs="*", metavar="TEXT | N", help="the item's words (add), or its number (done, edit)"),
    Arg("--owner", metavar="NAME", help="who owns it: a handle, e.g. bob or @bob"),
    Arg("--due", metavar="YYYY-MM-DD", help="when it is due"),
    Arg("--type", metavar="TYPE", help="prevent, detect or mitigate"),
    Arg("--text", metavar="TEXT", help="edit: the item's new words"),
    Arg("--open", action="store_true", help="list: only the items not done"),
    at_arg("it was recorded"),
    ACTOR_ARG,
    REVIEW_INCIDENT_ARG,
)


def _owner(text: str | None) -> str | None:
    if text is None:
        return None
    from warroom.domain.action_items import owner_handle
    from warroom.domain.names import check_name

    try:
        return check_name(owner_handle(text), "owner")
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _number(words: list[str], verb: str) -> int:
    if len(words) != 1 or not words[0].isascii() or not words[0].lstrip("#").isdigit():
        raise UserError(f"`warroom action {verb} N`: N is the item's number (`warroom action list` shows them)")
    return int(words[0].lstrip("#"))


def _fields(item: ActionItem) -> str:
    """The item in the catalogue's words: `Alert on pool use · @bob · due 2026-12-11 · detect`."""
    from warroom.domain.catalogue import short_text
    from warroom.domain.events import Event, Kind

    payload = {"text": item.text, "owner": item.owner, "due": item.due, "type": item.type}
    at = item.added_at or item.done_at
    assert at is not None
    return short_text(Event(0, at, Kind.ACTION_ADDED, "", payload))


def _missing(item: ActionItem) -> str:
    gaps = [what for what, value in (("owner", item.owner), ("due date", item.due), ("type", item.type)) if not value]
    return f" (no {', no '.join(gaps)} yet: `warroom action edit {item.number}`)" if gaps else ""


def _list(items: list[ActionItem], only_open: bool, short: str) -> int:
    from warroom.sanitize import clean

    shown = [item for item in items if item.is_open or not only_open]
    if not shown:
        what = "open action items" if only_open and items else "action items"
        print(f"{short} has no {what} (`warroom action add TEXT --owner NAME --due YYYY-MM-DD --type prevent`)")
        return 0
    print(f"{'#':<3} {'STATUS':<16} {'OWNER':<14} {'DUE':<10} {'TYPE':<8} ITEM")
    for item in shown:
        status = f"done {item.done_at:%Y-%m-%d}" if item.done_at else "open"
        owner = f"@{item.owner}" if item.owner else "-"
        print(
            f"{item.number:<3} {status:<16} {clean(owner, cap=14):<14} {item.due or '-':<10} "
            f"{item.type or '-':<8} {clean(item.text, cap=200)}"
        )
    return 0


def run(args: argparse.Namespace) -> int:
    from warroom.domain import catalogue
    from warroom.domain.action_items import action_items, find_item
    from warroom.domain.events import Kind, short_id
    from warroom.sanitize import clean

    verb, words = args.verb, list(args.words)
    with open_store(args) as store:
        incident_id = postmortem_incident(store, args.incident)
        short = short_id(incident_id)
        items = action_items(store.events(incident_id))
        if verb == "list":
            if words:
                raise UserError("`warroom action list` takes no words (use --open for the open items)")
            return _list(items, args.open, short)
        at = parse_at_for(store, incident_id, args.at)
        actor = current_actor(args)
        try:
            if verb == "add":
                if args.text is not None:
                    raise UserError("`action add` takes the item's words as TEXT; --text is for `action edit N`")
                payload = catalogue.action_added(
                    " ".join(words), owner=_owner(args.owner) or "", due=args.due or "", type=args.type or ""
                )
                store.append(incident_id, Kind.ACTION_ADDED, payload, actor=actor, at=at)
                item = action_items(store.events(incident_id))[-1]
                print(f"{short} action {item.number} added: {clean(_fields(item), cap=300)}{_missing(item)}")
                return 0
            number = _number(words, verb)
            item = find_item(items, number)
            if verb == "done":
                if not item.is_open:
                    print(f"{short} action {number} was already done on {item.done_at:%Y-%m-%d}; nothing recorded")
                    return 0
                store.append(incident_id, Kind.ACTION_DONE, catalogue.action_done(number), actor=actor, at=at)
                print(f"{short} action {number} done: {clean(item.text, cap=200)}")
                return 0
            payload = catalogue.action_edited(
                number, text=args.text, owner=_owner(args.owner), due=args.due, type=args.type
            )
        except ValueError as exc:  # a builder's or find_item's sentence: bad date, type, number
            raise UserError(str(exc)) from None
        store.append(incident_id, Kind.ACTION_EDITED, payload, actor=actor, at=at)
        item = find_item(action_items(store.events(incident_id)), number)
    print(f"{short} action {number} now: {clean(_fields(item), cap=300)}{_missing(item)}")
    return 0
