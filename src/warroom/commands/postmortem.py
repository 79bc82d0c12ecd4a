"""`warroom postmortem [ID] [-o FILE] [--check]`, `postmortem edit SECTION [TEXT]`, `postmortem done`.

- `warroom postmortem [ID]` prints the blameless postmortem in the playbook's template, made from
  the record (`domain.postmortem`), secrets redacted; `-o FILE` writes it (0600). The same record
  always gives the same document.
- `--check` prints what the postmortem lacks, one finding a line with the playbook's advice
  (`domain.postmortem_lint`), and exits 1 when there is any.
- `edit SECTION [TEXT]` records a narrative section (summary, impact, detected-by, root-cause,
  went-well, went-poorly, lucky) as an event; the latest per section wins. Without TEXT it opens
  $EDITOR on the current text when standard input is a terminal, else reads standard input. An
  empty or unchanged text records nothing, and says so.
- `done` closes the postmortem (the 5-business-day reminder stops) once `--check` finds nothing.

With no ID: the one open incident, else the latest one.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import (
    ACTOR_ARG,
    at_arg,
    current_actor,
    now_utc,
    open_store,
    parse_at_for,
    resolve_incident,
    warn_unreadable,
)
from warroom.errors import UserError

EXIT_FINDINGS = 1

#: `--incident` for the review's commands: written after resolution, so the latest is the default.
REVIEW_INCIDENT_ARG = Arg(
    "--incident", "-i", metavar="ID", help="incident id (INC-7 or 7); default: the one open incident, else the latest"
)

#: `warroom postmortem`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg(
        "words",
        nargs="*",
        metavar="ID|edit|done",
        help="an incident (INC-7 or 7) to write the postmortem of; `edit SECTION [TEXT]` records a "
        "section (summary, impact, detected-by, root-cause, went-well, went-poorly, lucky; no TEXT: "
        "$EDITOR); `done` closes the postmortem once --check finds nothing",
    ),
    Arg(
        "-o", "--output", metavar="FILE", help="write the postmortem to FILE (created 0600) instead of standard output"
    ),
    Arg(
        "--check", action="store_true", help="list what the postmortem lacks, with the playbook's advice; exit 1 if any"
    ),
    at_arg("it was written"),
    ACTOR_ARG,
    REVIEW_INCIDENT_ARG,
)


def postmortem_incident(store: Any, ref: str | None) -> int:
    """The incident named; else the one open incident; else (none open) the latest one: a
    postmortem is written after resolution."""
    if ref or store.open_incident_ids():
        return resolve_incident(store, ref)
    latest: int | None = store.latest_incident_id()
    if latest is None:
        raise UserError("no incidents yet: nothing to write a postmortem for")
    return latest


def _state(store: Any, incident_id: int) -> Any:
    """The incident folded from its redacted events (nothing secret reaches the document)."""
    from warroom.commands.export import redacted_events
    from warroom.domain.incident import fold

    state = fold(redacted_events(store, incident_id))
    if state is None:
        raise UserError(f"no incident INC-{incident_id} in {store.path}")
    return state


def _one_ref(words: list[str], incident: str | None, what: str) -> str | None:
    if len(words) > 1:
        raise UserError(f"{what} takes at most one incident id, not {' '.join(words)[:60]!r}")
    if words and incident:
        raise UserError("give the incident once: as ID or as --incident")
    return words[0] if words else incident


def _write(args: argparse.Namespace, ref: str | None) -> int:
    from warroom.commands.export import register_export_secrets, write_output
    from warroom.domain.cadence import UpdateCadence
    from warroom.redact import redact_text
    from warroom.sanitize import clean
    from warroom.services.postmortem_edits import postmortem_document, postmortem_findings, postmortem_record

    now = now_utc()
    config = register_export_secrets(args)
    cadence = UpdateCadence.from_config(config.cadence) if config is not None else UpdateCadence()
    findings: list[Any] = []
    runs = None
    with open_store(args) as store:
        incident_id = postmortem_incident(store, ref)
        # The signals counted by the store, not made events: a long incident is mostly signals.
        if args.check:
            state, findings = postmortem_findings(store, incident_id)
        else:
            state, runs = postmortem_record(store, incident_id)
        if state is None:
            raise UserError(f"no incident INC-{incident_id} in {store.path}")
    warn_unreadable([state])
    if args.check:
        for finding in findings:
            print(clean(redact_text(finding.line()), cap=None))
        if findings:
            print(f"{state.short_id} postmortem: {len(findings)} finding{'' if len(findings) == 1 else 's'}")
            return EXIT_FINDINGS
        print(f"{state.short_id} postmortem: no findings")
        return 0
    text = postmortem_document(state, now, cadence, runs)
    write_output(text, args.output)
    if args.output:
        print(f"{state.short_id} postmortem written to {args.output}")
    return 0


def edit_in_editor(current: str, section: str) -> str | None:
    """Open $EDITOR (then $VISUAL, then vi) on a private temporary file holding `current`; the
    file's text when the editor exits 0, None when it failed (`services.postmortem_edits`, which
    the review screen's postmortem panel runs too)."""
    from warroom.services.postmortem_edits import edit_in_editor as run_editor

    text, status = run_editor(current, section)
    if text is None:
        print(f"warroom: editor exited with status {status}: nothing recorded", file=sys.stderr)
    return text


def _edit(args: argparse.Namespace, words: list[str]) -> int:
    from warroom.domain import catalogue
    from warroom.domain.events import Kind
    from warroom.domain.postmortem import SECTION_TITLES, parse_section, section_texts
    from warroom.domain.postmortem_due import postmortem_started_at

    if not words:
        raise UserError("say which section: summary, impact, detected-by, root-cause, went-well, went-poorly or lucky")
    try:
        section = parse_section(words[0])
    except ValueError as exc:
        raise UserError(str(exc)) from None
    title = SECTION_TITLES[section]
    with open_store(args) as store:
        incident_id = postmortem_incident(store, args.incident)
        current = section_texts(store.events(incident_id)).get(section, "")
    if len(words) > 1:
        text = " ".join(words[1:])
    elif sys.stdin.isatty():
        edited = edit_in_editor(current, section)
        if edited is None:
            return 1
        text = edited
    else:
        text = sys.stdin.read()
    text = text.replace("\r\n", "\n").strip()
    short = f"INC-{incident_id}"
    if not text:
        print(f"{short} postmortem: {title} left as it was: the text is empty, nothing recorded")
        return 0
    if text == current:
        print(f"{short} postmortem: {title} unchanged, nothing recorded")
        return 0
    with open_store(args) as store:
        at = parse_at_for(store, incident_id, args.at)
        started = postmortem_started_at(store.events(incident_id)) is not None
        store.append(
            incident_id,
            Kind.POSTMORTEM_SECTION,
            catalogue.postmortem_section(section, text),
            actor=current_actor(args),
            at=at,
        )
    print(f"{short} postmortem: {title} recorded" + ("" if started else " (postmortem started)"))
    return 0


def _done(args: argparse.Namespace, words: list[str]) -> int:
    from warroom.domain import catalogue
    from warroom.domain.events import Kind
    from warroom.domain.postmortem_due import postmortem_done_at
    from warroom.domain.postmortem_lint import lint
    from warroom.sanitize import clean

    with open_store(args) as store:
        incident_id = postmortem_incident(store, _one_ref(words, args.incident, "postmortem done"))
        state = _state(store, incident_id)
        if state.is_open:
            raise UserError(f"{state.short_id} is still open: resolve it before closing its postmortem")
        if postmortem_done_at(state.events) is not None:
            print(f"{state.short_id} postmortem is already done; nothing recorded")
            return 0
        findings = lint(state)
        if findings:
            for finding in findings:
                print(clean(finding.line(), cap=None))
            print(f"{state.short_id} postmortem not closed: {len(findings)} finding{'' if len(findings) == 1 else 's'}")
            return EXIT_FINDINGS
        at = parse_at_for(store, incident_id, args.at)
        store.append(incident_id, Kind.POSTMORTEM_DONE, catalogue.postmortem_done(), actor=current_actor(args), at=at)
    print(f"{state.short_id} postmortem done")
    return 0


def run(args: argparse.Namespace) -> int:
    words = list(args.words)
    if words and words[0] == "edit":
        return _edit(args, words[1:])
    if words and words[0] == "done":
        return _done(args, words[1:])
    return _write(args, _one_ref(words, args.incident, "warroom postmortem"))
