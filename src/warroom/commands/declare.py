"""`warroom declare TITLE --sev N`: start an incident and print its id."""

from __future__ import annotations

import argparse

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import ACTOR_ARG, current_actor, now_utc, open_store, parse_at
from warroom.domain import catalogue
from warroom.domain.events import Kind, short_id
from warroom.domain.feature import parse_feature
from warroom.domain.roles import IC
from warroom.domain.severity import PICK_HIGHER, Severity
from warroom.errors import UserError

#: `warroom declare`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("title", help="one-line summary of what users see"),
    Arg("--sev", required=True, metavar="N", help=f"severity 1-4 (SEV-1 worst). {PICK_HIGHER}"),
    Arg("--impact", default="", metavar="TEXT", help="who is affected and how"),
    Arg(
        "--feature",
        default="",
        metavar="TEXT",
        help="what customers see affected, e.g. Checkout (the external draft's <feature>)",
    ),
    Arg("--detected-by", default="", metavar="TEXT", help="alert / user report / synthetic / dashboard"),
    Arg("--started-at", metavar="TIME", help="when impact began (ISO 8601, HH:MM UTC, -15m); default now"),
    Arg("--detected-at", metavar="TIME", help="when it was detected; default now"),
    Arg("--drill", action="store_true", help="a practice run: labelled everywhere, left out of metrics"),
    Arg("--ic", metavar="NAME", help="name the Incident Commander at once"),
    ACTOR_ARG,
)


def run(args: argparse.Namespace) -> int:
    title = " ".join(args.title.split())
    if not title:
        raise UserError("the title is empty: say in one line what users see")
    try:
        severity = Severity.parse(args.sev)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    feature = ""
    if args.feature:  # "" is "not given"; only spaces is a mistake worth saying
        try:
            feature = parse_feature(args.feature)
        except ValueError as exc:
            raise UserError(f"--feature: {exc}") from None
    now = now_utc()
    started = parse_at(args.started_at, now, option="--started-at")
    detected = parse_at(args.detected_at, now, option="--detected-at")
    if started and detected and started > detected:
        raise UserError("--started-at is after --detected-at: impact starts before anyone can detect it")
    actor = current_actor(args)
    ic = _ic_name(args.ic)
    with open_store(args) as store:
        ev = store.declare(
            title,
            int(severity),
            actor=actor,
            impact=args.impact.strip(),
            detected_by=args.detected_by.strip(),
            started_at=started,
            detected_at=detected,
            drill=args.drill,
            feature=feature,
        )
        if ic:
            store.append(ev.incident_id, Kind.ROLE_ASSIGNED, catalogue.role_assigned(IC, ic), actor=actor)
    print(short_id(ev.incident_id))
    return 0


def _ic_name(text: str | None) -> str | None:
    """`--ic` as a checked handle (`@alice` is alice), or None when not given."""
    if text is None:
        return None
    from warroom.domain.names import check_name

    try:
        return check_name(text.strip().lstrip("@"), "--ic name")
    except ValueError as exc:
        raise UserError(str(exc)) from None
