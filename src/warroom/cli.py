"""The `warroom` command: a table of subcommands, each imported only when it runs.

Headless commands never import Textual, and `warroom note` imports only the store and the domain,
so it starts about as fast as Python itself.
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms

from warroom import __version__
from warroom.commands.argspec import Arg, ArgSpec
from warroom.errors import UserError

if TYPE_CHECKING:
    import argparse

# name -> (module, one-line help). Each module has `run(args) -> int` and declares its arguments
# once, as `ARGS` (an `ArgSpec`, which argparse's parser and, for `note` and `open`, the fast path
# both read); `config`, whose actions are argparse subcommands, has `add_arguments(parser)`.
COMMANDS: dict[str, tuple[str, str]] = {
    "open": ("warroom.commands.open_cmd", "Open the war room on an incident (the default)"),
    "demo": ("warroom.commands.demo_cmd", "Watch a live demo incident unfold, nothing to configure"),
    "declare": ("warroom.commands.declare", "Declare an incident; prints its id (INC-N)"),
    "note": ("warroom.commands.note", "Add a note to the timeline"),
    "sev": ("warroom.commands.sev", "Change severity (SEV-1 worst .. SEV-4)"),
    "status": ("warroom.commands.status_cmd", "Set status: investigating, identified, monitoring, resolved"),
    "role": ("warroom.commands.role", "Assign a role: warroom role ic alice"),
    "ack": ("warroom.commands.ack", "Acknowledge the incident (MTTA)"),
    "handoff": ("warroom.commands.handoff", "Propose the next IC: warroom handoff bob (bob acks to take over)"),
    "mitigated": ("warroom.commands.mitigated", "Record the mitigation that stopped the bleeding"),
    "resolve": ("warroom.commands.resolve", "Resolve the incident"),
    "feature": ("warroom.commands.feature", "Name what customers see affected (the external draft's <feature>)"),
    "milestone": ("warroom.commands.milestone", "Back-date a milestone: warroom milestone started --at 02:50"),
    "review": ("warroom.commands.review", "Review an incident read-only: timeline, filters, time scrubber, chart"),
    "show": ("warroom.commands.show", "Show an incident: state, roles, milestones, timeline"),
    "list": ("warroom.commands.list_cmd", "List every incident"),
    "run": ("warroom.commands.run_cmd", "Run a command here and record it: warroom run -- kubectl get pods"),
    "mitigate": ("warroom.commands.mitigate", "List mitigation options, or run one: warroom mitigate NAME [--yes]"),
    "check": ("warroom.commands.check", "Probe URLs now, like curl: status=200 time=0.042s"),
    "snapshot": ("warroom.commands.snapshot", "Run every configured source once and print the results"),
    "record": ("warroom.commands.record", "Run the sources headless and record what changes"),
    "intake": ("warroom.commands.intake_cmd", "Receive Alertmanager's webhook and record the alerts"),
    "draft": ("warroom.commands.draft", "Write (copy, mark posted, post) a status update draft"),
    "due": ("warroom.commands.due", "Time to the next required update (exit 1 when overdue)"),
    "stats": ("warroom.commands.stats", "MTTD/MTTA/MTTM/MTTR by severity, month: warroom stats --since 90d"),
    "export": (
        "warroom.commands.export",
        "An incident as Markdown, JSON or JSONL event log, secrets redacted",
    ),
    "import": (
        "warroom.commands.import_cmd",
        "Load a JSONL export into this database, without duplicates",
    ),
    "postmortem": (
        "warroom.commands.postmortem",
        "The blameless postmortem from the record: print, --check, edit SECTION, done",
    ),
    "action": (
        "warroom.commands.action",
        "Postmortem action items: add TEXT --owner --due --type, list, done N, edit N",
    ),
    "share": ("warroom.commands.share", "Share this store with a team on one host: warroom share --group oncall"),
    "config": ("warroom.commands.config_cmd", "Check warroom.toml: warroom config check [PATH]"),
    "runbooks": ("warroom.commands.runbooks_cmd", "List the runbooks, best matches first: warroom runbooks 5xx"),
}


#: The options every command takes.
COMMON_ARGS = ArgSpec(
    Arg("--db", metavar="PATH", help="database file (default $WARROOM_DB, then $XDG_DATA_HOME/warroom/warroom.db)"),
    Arg(
        "--config",
        metavar="PATH",
        help="config file (default $WARROOM_CONFIG, ./warroom.toml, $XDG_CONFIG_HOME/warroom/warroom.toml)",
    ),
    Arg(
        "--readonly",
        action="store_true",
        help="as [ui] readonly = true: the war room records nothing and every mitigation is off",
    ),
)


def _top_help() -> str:
    width = max(len(n) for n in COMMANDS)
    lines = [
        "usage: warroom [--db PATH] [--config PATH] [--readonly] [--theme NAME] [COMMAND] ...",
        "",
        "A full-screen terminal war room for production incidents.",
        "With no command, opens the war room on the open incident (or a declare dialog).",
        "",
        "commands:",
    ]
    lines += [f"  {name:<{width}}  {help_}" for name, (_, help_) in COMMANDS.items()]
    lines += ["", "Run `warroom COMMAND --help` for a command's options.", f"warroom {__version__}"]
    return "\n".join(lines)


def _split(argv: list[str]) -> tuple[str, list[str]]:
    """Find the subcommand: the first word that is not an option or an option's value."""
    takes_value = {"--db", "--config", "--theme", "--as"}
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in takes_value:
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        if word in COMMANDS:
            return word, argv[:i] + argv[i + 1 :]
        if not _looks_like_incident(word):
            raise UserError(f"unknown command {word!r}: run `warroom --help` for the list")
        break
    return "open", argv


def _looks_like_incident(word: str) -> bool:
    """`warroom INC-7` / `warroom 7` opens that incident; anything else is a mistyped command."""
    w = word.upper()
    return w.isdigit() or (w.startswith("INC-") and w[4:].isdigit())


def _valid_text(arg: str) -> str:
    try:
        arg.encode("utf-8")
        return arg
    except UnicodeEncodeError:
        return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _print(text: str) -> int:
    try:
        print(text, flush=True)
    except BrokenPipeError:  # `warroom --help | head`
        _silence_stdout()
    return 0


def _silence_stdout() -> None:
    """The reader went away: send what is left to /dev/null so exit does not complain."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _is_relative_time(word: str) -> bool:
    """`-15m`, `-2h`, `-1h30m`, `-90s` (checked by hand: `re` is not imported on the fast path)."""
    return len(word) > 2 and word[0] == "-" and word[1].isdigit() and word[-1].lower() in "dhms"


def _join_relative_times(argv: list[str]) -> list[str]:
    """`--at -15m` -> `--at=-15m`: argparse would otherwise take `-15m` for an option."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":  # what follows is not ours (`warroom run -- ARGV...`)
            out += argv[i:]
            break
        if word.startswith("--") and "=" not in word and i + 1 < len(argv) and _is_relative_time(argv[i + 1]):
            out.append(f"{word}={argv[i + 1]}")
            i += 2
            continue
        out.append(word)
        i += 1
    return out


def build_parser(name: str, module: object = None) -> tuple[argparse.ArgumentParser, object]:
    """The command's argparse parser, built from its declared arguments, and its module."""
    import argparse

    class OneLineErrors(argparse.ArgumentParser):
        """A bad flag value is one line like every other mistake (the usage is one --help away)."""

        def error(self, message: str):  # type: ignore[override]
            from warroom.sanitize import clean

            self.exit(2, f"{self.prog}: error: {clean(message, cap=300)} (see `{self.prog} --help`)\n")

    module_name, help_ = COMMANDS[name]
    if module is None:
        module = importlib.import_module(module_name)
    # A module's `EPILOG` (definitions, worked examples) is printed after the options as written.
    epilog = getattr(module, "EPILOG", None)
    formatter = argparse.RawDescriptionHelpFormatter if epilog else argparse.HelpFormatter
    parser = OneLineErrors(prog=f"warroom {name}", description=help_, epilog=epilog, formatter_class=formatter)
    COMMON_ARGS.add_to(parser.add_argument_group("common options"))
    spec = getattr(module, "ARGS", None)
    if spec is not None:
        spec.add_to(parser)
    else:
        module.add_arguments(parser)  # type: ignore[attr-defined]
    return parser, module


def parse_arguments(name: str, argv: list[str]) -> tuple[object, object]:
    """The command's module and its arguments. A command whose `ARGS` are marked `fast` has its
    common forms read without argparse (`ArgSpec.parse_fast`); any other line, and every other
    command, goes to the argparse parser built from the same declaration (`build_parser`)."""
    module = importlib.import_module(COMMANDS[name][0])
    spec = getattr(module, "ARGS", None)
    if spec is not None and spec.fast:
        fast = (COMMON_ARGS + spec).parse_fast(argv)
        if fast is not None:
            return module, fast
    parser, _ = build_parser(name, module)
    return module, parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    # Arguments that are not valid UTF-8 (a pasted log line) arrive as surrogates, which
    # SQLite and JSON cannot store: keep the text, replacing only the bad bytes.
    argv = [_valid_text(a) for a in (sys.argv[1:] if argv is None else argv)]
    if argv and argv[0] in {"-h", "--help", "help"}:
        return _print(_top_help())
    if argv and argv[0] == "--version":
        return _print(f"warroom {__version__}")
    try:
        from warroom.environment import environment_problem

        if (problem := environment_problem()) is not None:
            raise UserError(problem)
        name, rest = _split(argv)
        rest = _join_relative_times(rest)
        module, args = parse_arguments(name, rest)
        if getattr(args, "readonly", False):
            from warroom.commands.readonly_guard import refusal

            if (refused := refusal(name, args)) is not None:
                raise UserError(refused)
        return int(module.run(args) or 0)  # type: ignore[attr-defined]
    except UserError as exc:
        from warroom.sanitize import visible

        # Errors quote config keys, paths and values: never let them drive the terminal.
        print(f"warroom: error: {visible(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("warroom: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
