"""`warroom export ID --format md|json|jsonl [-o FILE]`: an incident as a file, secrets redacted.

- `jsonl`: the raw event log, one stored event a line (every field, its origin included), keys
  sorted: diffable, and what `warroom import` loads into another database.
- `json`: one document: the incident's summary (as `warroom show --json`), its events (each with
  the catalogue's words) and its samples.
- `md`: a readable Markdown record: header, milestones and the timeline as `- HH:MM — event`.

Every export passes `redact.redact_json` / `redact_text`: the config's `${ENV}` values, URL
credentials, tokens and sensitive headers never leave the database in a file.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import now_utc, open_store, resolve_incident, warn_unreadable
from warroom.errors import UserError

FORMATS = ("md", "json", "jsonl")

#: `warroom export`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("incident", metavar="ID", help="INC-7 or 7"),
    Arg(
        "--format",
        "-f",
        choices=FORMATS,
        default="md",
        help="md: a readable record; json: one document (summary, events, samples); "
        "jsonl: the raw event log, one event a line, for `warroom import` (default md)",
    ),
    Arg("-o", "--output", metavar="FILE", help="write to FILE (created 0600) instead of standard output"),
)


def register_export_secrets(args: argparse.Namespace) -> Any:
    """Register the config's `${ENV}` values as secrets and return the config (None if it
    cannot be loaded). A config with mistakes still has its `${NAME}` references read from the
    raw file, so a typo elsewhere in it never lets a token into an export."""
    import re

    from warroom.commands.context import load_config_for
    from warroom.redact import register_config_secrets, register_secrets

    try:
        config = load_config_for(args)
    except (UserError, OSError, ValueError):
        from warroom.paths import find_config_path

        try:
            path = find_config_path(getattr(args, "config", None), None, None)
            text = path.read_text(encoding="utf-8", errors="replace") if path else ""
        except (UserError, OSError, ValueError):
            text = ""
        names = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", text))
        register_secrets(os.environ[n] for n in names if n in os.environ)
        return None
    register_config_secrets(config)
    return config


def jsonl_export(store: Any, incident_id: int) -> str:
    """The incident's event log, one redacted event a line, in id order."""
    from warroom.domain.event_log import dump_line, event_record
    from warroom.redact import redact_json

    return "".join(dump_line(redact_json(event_record(ev))) + "\n" for ev in store.events(incident_id))


def json_export(store: Any, incident_id: int, now: Any, config: Any) -> str:
    """One redacted document: the summary `warroom show --json` prints, the raw events with
    their words, and the samples (the charts' data)."""
    from warroom.commands.show import state_json
    from warroom.domain.describe import describe
    from warroom.domain.event_log import event_record
    from warroom.domain.provenance import origin_text
    from warroom.redact import redact_json
    from warroom.sanitize import terminal_json

    state = store.incident(incident_id)
    summary = state_json(state, now, config.cadence if config is not None else None)
    summary.pop("timeline", None)  # the events below are the timeline, with every stored field
    document = {
        "format": "warroom-incident",
        "version": 1,
        "incident": summary,
        "events": [event_record(ev) | {"text": describe(ev), "origin_text": origin_text(ev)} for ev in state.events],
        "samples": [{"series": s, "at": at, "value": v} for s, at, v in store.samples(incident_id)],
    }
    return terminal_json(redact_json(document), indent=2, sort_keys=True) + "\n"


def redacted_event(ev: Any) -> Any:
    """`ev` with secrets redacted from its actor and payload (`redact.redacted_event`)."""
    from warroom.redact import redacted_event as redact_one

    return redact_one(ev)


def redacted_events(store: Any, incident_id: int) -> list[Any]:
    """The incident's events with secrets redacted from every actor and payload (the md export
    and the postmortem fold these, so a secret in a note never reaches a title or a line)."""
    return [redacted_event(ev) for ev in store.events(incident_id)]


def md_export(store: Any, incident_id: int, now: Any) -> str:
    """The readable Markdown record, folded from the redacted events (so a secret in a note
    never reaches the title, impact or timeline lines), then checked once more as a whole."""
    from warroom.domain.incident import fold
    from warroom.domain.incident_record import markdown_record
    from warroom.redact import redact_text

    state = fold(redacted_events(store, incident_id))
    if state is None:
        raise UserError(f"no incident INC-{incident_id} in {store.path}")
    return redact_text(markdown_record(state, now))


def write_output(text: str, path: str | None) -> None:
    """Print `text`, or write it to `path` (created 0600: an export is the incident's record)."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = os.path.expanduser(path)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None


def run(args: argparse.Namespace) -> int:
    now = now_utc()
    config = register_export_secrets(args)
    with open_store(args) as store:
        incident_id = resolve_incident(store, args.incident)
        warn_unreadable([store.incident(incident_id)])
        if args.format == "jsonl":
            text = jsonl_export(store, incident_id)
        elif args.format == "json":
            text = json_export(store, incident_id, now, config)
        else:
            text = md_export(store, incident_id, now)
    write_output(text, args.output)
    if args.output:
        from warroom.domain.events import short_id

        print(f"{short_id(incident_id)} exported as {args.format} to {args.output}")
    return 0
