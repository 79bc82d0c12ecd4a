"""`warroom resolve [TEXT]`: users are okay again; the incident is resolved.

Before resolving it prints the checks (`domain.resolve_checks`): each probe up or down as the
record has it, the error rate now against its baseline, whether metrics recovered. A probe down,
or a resolver who is not the IC, asks again on stdin (`[y/N]`; anything but y/yes, or no input,
resolves nothing and exits 1); `--yes` resolves anyway. What was overridden is recorded.
"""

from __future__ import annotations

import argparse
import sys

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import (
    ACTOR_ARG,
    INCIDENT_ARG,
    at_arg,
    check_milestone,
    current_actor,
    load_config_for,
    now_utc,
    open_store,
    parse_at_for,
    resolve_incident,
)
from warroom.domain import catalogue
from warroom.domain.events import Kind, short_id
from warroom.domain.metrics import format_duration, incident_metrics
from warroom.errors import UserError
from warroom.sanitize import clean

#: `warroom resolve`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("text", nargs="*", help="one-line internal summary for the channel's [Resolved] update"),
    Arg(
        "--public",
        default="",
        metavar="TEXT",
        help="what customers read in the external [Resolved] update (without it they get a "
        "generic resolved sentence, never the internal summary)",
    ),
    at_arg("it was resolved"),
    Arg(
        "--yes",
        action="store_true",
        help="resolve without asking again when a probe is down or you are not the IC "
        "(what was overridden is recorded)",
    ),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def run(args: argparse.Namespace) -> int:
    text = " ".join(args.text).strip()
    public = " ".join(args.public.split())
    if args.public and not public:
        raise UserError("--public is empty: say in one line what customers should read, or leave it out")
    with open_store(args) as store:
        latest = store.latest_incident_id() if public and not args.incident and not store.open_incident_ids() else None
        if latest:
            incident_id = latest  # `--public` after resolving: the latest one, as `draft` does
        else:
            incident_id = resolve_incident(store, args.incident)
        state = store.incident(incident_id)
        if not state.is_open:
            if public and public != state.public_summary:
                # The Comms Lead often writes the customers' words after the IC resolved.
                store.append(
                    incident_id, Kind.PUBLIC_SUMMARY, catalogue.public_summary(public), actor=current_actor(args)
                )
                print(f"{short_id(incident_id)} is already resolved; public summary recorded for the external draft")
                return 0
            print(f"{short_id(incident_id)} is already resolved; nothing recorded")
            return 0
        at = parse_at_for(store, incident_id, args.at)
        check_milestone(store, incident_id, "resolved", at)
        actor = current_actor(args)
        checks = _checks(args, store, state, actor)
        for line in checks.lines():
            print(clean(line), flush=True)
        overrides = checks.overrides
        if overrides and not args.yes and not _asked_again(checks):
            print(
                f"warroom: {short_id(incident_id)} not resolved: nothing recorded "
                "(`warroom resolve --yes` resolves anyway)",
                file=sys.stderr,
            )
            return 1
        # Who resolved is the event's actor; the payload names them too when checks were overridden.
        payload = catalogue.resolved(text, public, resolved_by=actor if overrides else "", overrode=overrides)
        store.append(incident_id, Kind.RESOLVED, payload, actor=actor, at=at)
        state = store.incident(incident_id)
    mttr = format_duration(incident_metrics(state).mttr)
    print(
        f"{short_id(incident_id)} resolved after {mttr}. Confirm metrics are back to normal; "
        "keep the channel open for the postmortem."
    )
    if not public:
        print("No --public summary: the external draft says a generic resolved sentence.")
    return 0


def _checks(args: argparse.Namespace, store, state, actor: str):
    """The probes (the record's latest DOWN/UP per probe, and the configured ones), the error
    rate from the stored samples, and the last `metrics.recovered`."""
    from warroom.domain.recovery import BASELINE_WINDOW, error_rate, minute_totals
    from warroom.domain.resolve_checks import detected_at, probes_from_record, resolve_checks

    try:
        configured = [p.name for p in load_config_for(args).probes]
    except Exception:  # no usable config: the record alone says which probes there are
        configured = []
    detected = detected_at(state)
    samples = store.error_samples(state.incident_id, detected - BASELINE_WINDOW)
    rate = error_rate(minute_totals(samples), detected, now_utc()) if samples else None
    return resolve_checks(state, actor, probes_from_record(state.events, configured), rate)


def _asked_again(checks) -> bool:
    """Ask `Resolve anyway? ... [y/N]` on stdin; True only for y or yes (no input: no)."""
    title, details = checks.again()
    for line in details:
        print(clean(line))
    print(f"{clean(title)} [y/N] ", end="", flush=True)
    try:
        answer = sys.stdin.readline() if sys.stdin is not None else ""
    except (OSError, ValueError):  # stdin closed
        answer = ""
    if not answer or not _typed(sys.stdin):
        print()  # no input (EOF), or piped input the terminal did not echo: end the question's line
    return answer.strip().lower() in ("y", "yes")


def _typed(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (OSError, ValueError, AttributeError):
        return False
