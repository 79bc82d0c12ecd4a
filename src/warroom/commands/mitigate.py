"""`warroom mitigate [NAME] [--yes]`: the mitigation options, and running one from any shell.

With no NAME it lists the options in the playbook's order (`domain.mitigation.mitigation_options`):
a rollback for every deploy in the 30 minutes before detection (read from the `[[deploys]]`
sources now, nearest first), then the `[[mitigation]]` entries by kind, each with its full argv,
what it captures first, and why it cannot be run when it cannot.

With NAME (an option's name, any case, or a suspect's sha) it shows the full command and asks
"Run? [y/N]" on stdin (EOF or anything but y/yes: nothing runs, nothing is recorded, exit 1;
`--yes` skips this question only). Then it captures state first when the option says how, runs the
command without a shell (`services.mitigation_run.run_mitigation`), streams its output here, and
appends a `mitigation` event (kind, name, redacted command, exit code, duration, output tail,
capture). Last it shows what the record says about users (each probe's latest state, each log's
latest error rate) and asks "Users okay? [y/N]": yes records the mitigated milestone. That is a
human judgement, so `--yes` never answers it; with no answer it is not recorded and the output
says how to record it later (`warroom mitigated TEXT`).

Exit code: the command's own (0 when it exited 0); 124 when it timed out; 127 when it could not
start; 130 when Ctrl+C stopped it (its process group is killed and the stop is recorded). Read-only (`--readonly`, `[ui] readonly = true`): the list says mitigations are off and
running one is refused before anything runs.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import (
    ACTOR_ARG,
    INCIDENT_ARG,
    current_actor,
    load_config_for,
    open_store,
    resolve_incident,
)
from warroom.errors import UserError

if TYPE_CHECKING:
    import argparse

    from warroom.domain.mitigation import MitigationOption
    from warroom.services.mitigation_run import MitigationOutcome

ARGS = ArgSpec(
    Arg("name", nargs="*", metavar="NAME", help="the option to run (its name, or a suspect deploy's sha); none: list"),
    Arg("--yes", "-y", action="store_true", help='run without asking "Run?" ("Users okay?" is still asked)'),
    ACTOR_ARG,
    INCIDENT_ARG,
)

#: Exit codes when the command has none of its own.
EXIT_TIMED_OUT = 124
EXIT_NOT_STARTED = 127
EXIT_NOT_RUN = 1
EXIT_INTERRUPTED = 130

READ_ONLY = "read-only (--readonly or [ui] readonly = true)"


def _say(text: str = "") -> None:
    print(text, flush=True)


def _ask(question: str) -> bool:
    """Ask on stdout, read one line from stdin: only y or yes is yes (EOF is no)."""
    print(f"{question} [y/N] ", end="", flush=True)
    answer = sys.stdin.readline()
    if not answer or not sys.stdin.isatty():
        _say()  # EOF or piped: end the prompt's line (a terminal echoed the typed Enter)
    return answer.strip().lower() in ("y", "yes")


def _incident(args: argparse.Namespace, *, required: bool) -> tuple[int | None, datetime | None, str]:
    """(incident id, its detection time, its short id) or, for a listing, (None, None, why none)."""
    from warroom.domain.events import short_id

    with open_store(args) as store:
        try:
            incident_id = resolve_incident(store, args.incident)
        except UserError as exc:
            if required:
                raise
            return None, None, f"no suspects: {exc}"
        return incident_id, store.incident(incident_id).milestones.detected, short_id(incident_id)


def _options(
    args: argparse.Namespace, config, detected_at: datetime | None
) -> tuple[list[MitigationOption], list[str]]:
    import asyncio

    from warroom.domain.mitigation import mitigation_options
    from warroom.services.mitigation_run import collect_deploys

    deploys, errors = asyncio.run(collect_deploys(config, detected_at, datetime.now(UTC))) if detected_at else ([], [])
    return mitigation_options(config.mitigations, deploys, detected_at), errors


def _clean(text: str) -> str:
    from warroom.redact import redact_text
    from warroom.sanitize import clean

    return redact_text(clean(text, cap=None))


def _shown(argv: tuple[str, ...]) -> str:
    import shlex

    from warroom.redact import redact_argv

    return _clean(shlex.join(redact_argv(argv)[0]))


def _listing(options: list[MitigationOption], *, readonly: bool, where: str, errors: list[str]) -> None:
    from warroom.domain.mitigation import kind_option

    if readonly:
        _say(f"Mitigations are off: {READ_ONLY}. Listed only; nothing can be run.")
    for line in errors:
        _say(f"warning: {_clean(line)} (its suspects are missing)")
    if not options:
        _say(
            f"No mitigation options ({where}): no suspect deploy before detection and no [[mitigation]] in the config."
        )
        return
    _say(f"Mitigation options ({where}), in the playbook's order:")
    for option in options:
        _say()
        _say(f"  {_clean(option.name)}  [{option.kind}: {kind_option(option.kind)}]")
        if option.title != option.name:
            _say(f"    {_clean(option.title)}")
        if option.capture_argv:
            _say(f"    capture first: $ {_shown(option.capture_argv)}")
        if option.argv:
            _say(f"    $ {_shown(option.argv)}" + (f"   (in {_clean(option.cwd)})" if option.cwd else ""))
        if not option.runnable:
            _say(f"    not runnable: {_clean(option.not_runnable)}")
    _say()
    if not readonly:
        _say("Run one: warroom mitigate NAME  (NAME as listed, any case, or a suspect's sha; it asks first)")


def _unknown(name: str, options: list[MitigationOption]) -> UserError:
    from warroom.sanitize import visible

    names = ", ".join(f'"{visible(o.name)}"' for o in options) or "none (no suspect deploy, no [[mitigation]])"
    return UserError(f"no mitigation named {visible(name)!r}: the options are {names}")


def _users_check(args: argparse.Namespace, incident_id: int) -> list[str]:
    from warroom.domain.mitigation import users_signals

    with open_store(args) as store:
        events = store.events(incident_id)
        samples = store.samples(incident_id)
    signals = users_signals(events, samples)
    if not signals:
        return ["no probe state or error rate recorded yet: look at your dashboards"]
    return [("✖ " if s.bad else "  ") + _clean(s.line()) for s in signals]


def _exit_code(outcome: MitigationOutcome) -> int:
    if outcome.interrupted:
        return EXIT_INTERRUPTED
    if outcome.timed_out:
        return EXIT_TIMED_OUT
    if outcome.exit_code is None:
        return EXIT_NOT_STARTED
    return outcome.exit_code if 0 <= outcome.exit_code < 256 else 1


def _run_one(args: argparse.Namespace, option: MitigationOption, incident_id: int, where: str) -> int:
    import asyncio

    from warroom.domain import catalogue
    from warroom.domain.events import Kind
    from warroom.redact import known_secrets
    from warroom.services.mitigation_run import interrupted_outcome, record_mitigation, run_mitigation

    actor = current_actor(args)
    _say(f"{where}: {_clean(option.title)}  [{option.kind}]")
    if option.advice:
        _say(f"  playbook: {option.advice}")
    if option.capture_argv:
        _say(f"  capture first: $ {_shown(option.capture_argv)}")
    _say(f"  $ {_shown(option.argv)}" + (f"   (in {_clean(option.cwd)})" if option.cwd else ""))
    _say(f"  timeout {option.timeout:g}s, no shell")
    if not args.yes and not _ask("Run?"):
        _say("Not run; nothing recorded.")
        return EXIT_NOT_RUN

    def line(text: str) -> None:  # already cleaned and redacted
        print(text, flush=True)

    started = time.monotonic()
    try:
        outcome = asyncio.run(run_mitigation(option, on_line=line, secrets=known_secrets()))
    except KeyboardInterrupt:  # Ctrl+C: asyncio cancelled the run, which killed the command's group
        outcome = interrupted_outcome(option, time.monotonic() - started)
    with open_store(args) as store:
        ev = record_mitigation(store, incident_id, option, outcome, actor=actor)
    code = _exit_code(outcome)
    verdict = outcome.describe()
    if outcome.capture is not None and not outcome.capture.ok:
        _say(f"(the capture did not succeed: {outcome.capture.error or f'exit {outcome.capture.exit_code}'})")
    recorded = f"recorded as #{ev.id}" if ev is not None else "recorded"
    _say(f"{where}: mitigation {_clean(option.name)}: {verdict}; {recorded}" + (f" (exit {code})" if code else ""))
    later = f'when users are okay: warroom mitigated "{option.title}"'
    if not outcome.ok:
        _say(f"The command did not succeed, so the mitigated milestone is not asked for; {later}")
        return code or 1
    _say("Confirm metrics, not the mitigation. What the record says now:")
    for text in _users_check(args, incident_id):
        _say(f"  {text}")
    if not _ask("Users okay?"):
        _say(f"Mitigated milestone not recorded; {later}")
        return code
    with open_store(args) as store:
        store.append(incident_id, Kind.MITIGATED, catalogue.mitigation_applied(option.title), actor=actor)
    _say(f"{where}: mitigation recorded: {_clean(option.title)}")
    return code


def run(args: argparse.Namespace) -> int:
    from warroom.domain.mitigation import find_option
    from warroom.redact import register_config_secrets

    name = " ".join(args.name or ()).strip()
    config = load_config_for(args)
    readonly = config.ui.readonly
    if name and readonly:
        raise UserError(f"mitigations are off: {READ_ONLY}; nothing run")
    register_config_secrets(config)
    incident_id, detected_at, where = _incident(args, required=bool(name or args.incident))
    options, errors = _options(args, config, detected_at)
    if not name:
        _listing(options, readonly=readonly, where=where, errors=errors)
        return 0
    option = find_option(options, name)
    if option is None:
        for line in errors:
            print(f"warroom: warning: {_clean(line)}", file=sys.stderr)
        raise _unknown(name, options)
    if not option.runnable:
        raise UserError(f"{option.name} cannot be run: {option.not_runnable}")
    assert incident_id is not None
    return _run_one(args, option, incident_id, where)
