"""`warroom draft`: write a status update; copy it, mark it posted, post it to a webhook.

The draft goes to stdout (so `warroom draft > update.txt` works); what happened to it (copied how,
saved where, posted or not) goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import (
    ACTOR_ARG,
    INCIDENT_ARG,
    current_actor,
    load_config_for,
    now_utc,
    open_store,
    resolve_incident,
)
from warroom.domain import catalogue
from warroom.domain.events import Kind, short_id
from warroom.errors import UserError

AUDIENCE_CHOICES = ("internal", "external", "can", "tactical")


#: `warroom draft`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg(
        "--audience",
        "-a",
        default="internal",
        choices=AUDIENCE_CHOICES,
        help="internal (chat channel), external (status page) or can (Conditions / Actions / Needs); default internal",
    ),
    Arg("--copy", "-c", action="store_true", help="copy it (pyperclip, tmux buffer or OSC 52) and save it to a file"),
    Arg("--posted", "-p", action="store_true", help="mark it posted: records the exact text and resets the countdown"),
    Arg("--post", "-P", action="store_true", help="send it to every [[notify]] webhook and record the result"),
    Arg("--diff", action="store_true", help="also show what changed since the last posted update"),
    Arg("--text-file", metavar="PATH", help="use this (edited) text instead of the rendered draft; - reads stdin"),
    ACTOR_ARG,
    INCIDENT_ARG,
)


def _read_text(spec: str) -> str:
    try:
        text = sys.stdin.read() if spec == "-" else Path(spec).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {spec}: {getattr(exc, 'strerror', None) or exc}") from None
    text = text.rstrip("\n")
    if not text.strip():
        raise UserError(f"{spec} holds no text to use as the update")
    return text


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from warroom.domain.cadence import UpdateCadence, next_update
    from warroom.domain.drafts import changes_since_last_post, normalize_audience, render_draft
    from warroom.sanitize import clean, escape_invisible

    audience = normalize_audience(args.audience)
    config = load_config_for(args)
    cadence = UpdateCadence.from_config(config.cadence)
    if args.post and not config.notify:
        where = config.path or "warroom.toml"
        raise UserError(
            f'--post needs a [[notify]] webhook in {where} (kind = "slack", url = "${{SLACK_INCIDENT_WEBHOOK}}")'
        )
    edited = _read_text(args.text_file) if args.text_file else None
    actor = current_actor(args)
    now = now_utc()
    with open_store(args) as store:
        incident_id = _pick_incident(store, args.incident)
        state = store.incident(incident_id)
        if edited is not None:
            text = edited
        else:
            # Record text shows invisible characters as <U+202E>: a draft must read as it will be posted.
            text = escape_invisible(render_draft(state, audience, now, cadence, config.team, config.templates).text)
        # The exact text is what gets copied, posted and recorded; the terminal gets a cleaned copy.
        print(clean(text, cap=None, keep_newlines=True))
        if args.diff:
            diff = changes_since_last_post(state, audience, text)
            _say(
                "\n".join(clean(line, cap=None) for line in diff)
                if diff
                else "(no change since the last posted update)"
            )

        label = f"{short_id(incident_id)}-{audience}"
        saved: Path | None = None
        if args.copy:
            from warroom.clipboard import copy_text

            outcome = copy_text(text, db_path=store.path, label=label, now=now)
            saved = outcome.path
            _say(outcome.message())

        failed = []
        if args.post:
            from warroom.notify import post_webhook

            for target in config.notify:
                result = post_webhook(target, text)
                payload = catalogue.notify_sent(audience, text, result.to_payload())
                store.append(incident_id, Kind.NOTIFY_SENT, payload, actor=actor)
                _say(result.describe())
                if not result.ok:
                    failed.append(result)
        if failed:
            if saved is None:
                saved = _keep(text, store.path, label, now)
            _say(
                f"{len(failed)} of {len(config.notify)} webhook(s) failed; the draft is kept"
                + (f" in {saved}" if saved else "")
                + ("; not marked posted" if args.posted else "")
            )
            return 1

        if args.posted:
            store.append(incident_id, Kind.COMMS_POSTED, catalogue.comms_posted(audience, text), actor=actor, at=now)
            due = next_update(store.incident(incident_id), now, cadence)
            _say(f"{short_id(incident_id)} {audience} update marked posted at {now:%H:%M} UTC; {due.describe()}")
        elif args.post:
            _say("(not marked posted: add --posted to record it as the update and reset the countdown)")
    return 0


def _pick_incident(store, ref: str | None) -> int:
    """The named or single open incident; right after `warroom resolve`, the one just resolved
    (the playbook's next step is its `[Resolved] <summary>` update)."""
    if ref is None and not store.open_incident_ids():
        latest = store.latest_incident_id()
        if latest is not None:
            _say(f"(no open incident: drafting for {short_id(latest)}, the latest)")
            return latest
    return resolve_incident(store, ref)


def _keep(text: str, db_path: Path, label: str, now) -> Path | None:
    """Save the draft beside the database so a failed post loses nothing."""
    from warroom.clipboard import draft_dir_for, write_draft_file

    try:
        return write_draft_file(text, draft_dir_for(db_path), label, now)
    except OSError as exc:
        _say(f"could not save the draft beside the database: {exc}")
        return None
