"""`warroom config check [PATH]`, `config show [PATH]`, `config path`, `config example`.

`check` prints every problem (file:line: section key: what is wrong) to stderr and exits 1, or a
one-line summary to stdout and exits 0 (warnings, such as a `[runbooks]` folder not on this
machine, are printed too but do not fail the check). `show` prints the effective config as TOML with secrets
redacted. `path` prints which file is in use. `example` prints the example config shipped with
warroom (`warroom config example > warroom.toml`). No value of an `${ENV}` variable is ever
printed, and text from the file (keys, names, paths) is cleaned of control sequences first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from warroom.errors import UserError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(
        dest="action", metavar="{check,show,path,example}", title="actions (default: check)"
    )
    check = actions.add_parser(
        "check",
        help="validate the config; exit 1 and list every problem",
        description="Validate warroom.toml: every problem names file, line and key; exit 1 if there is any.",
    )
    check.add_argument("path", nargs="?", metavar="PATH", help="file to check (default: the config warroom would use)")
    show = actions.add_parser(
        "show",
        help="print the effective config, secrets redacted",
        description="Print the effective config (defaults filled in) as "
        "TOML; ${ENV} references are shown by name only.",
    )
    show.add_argument("path", nargs="?", metavar="PATH", help="file to show (default: the config warroom would use)")
    where = actions.add_parser(
        "path",
        help="print the config file in use",
        description="Print the config file warroom would use; exit 1 if there is none (all defaults).",
    )
    example = actions.add_parser(
        "example",
        help="print an example warroom.toml to start from",
        description="Print the example config shipped with warroom: warroom config example > warroom.toml",
    )
    for sub in (check, show, where, example):
        # Also accept the common options after the action; SUPPRESS keeps a value given before it.
        sub.add_argument(
            "--config",
            metavar="PATH",
            default=argparse.SUPPRESS,
            help="config file (default $WARROOM_CONFIG, ./warroom.toml, $XDG_CONFIG_HOME/warroom/warroom.toml)",
        )
        sub.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _looked_at() -> str:
    from warroom.paths import config_search_paths

    return " and ".join(str(p) for p in config_search_paths())


def _target(args: argparse.Namespace) -> Path:
    """The file named by PATH, else the one warroom would use; an error if there is none."""
    from warroom.paths import find_config_path

    path = find_config_path(getattr(args, "path", None) or getattr(args, "config", None))
    if path is None:
        raise UserError(
            f"no config file found (looked at {_looked_at()}); "
            "name one: warroom config check PATH, --config PATH or $WARROOM_CONFIG"
        )
    return path


def _check(args: argparse.Namespace) -> int:
    from warroom.config.loader import display_name, inspect_config
    from warroom.config.render import summary
    from warroom.sanitize import visible

    path = _target(args)
    config, problems = inspect_config(path)
    name = visible(display_name(path))
    for problem in problems:
        print(visible(str(problem)), file=sys.stderr)
    errors = [p for p in problems if not p.warning]
    if errors:
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        print(f"{name}: {count}", file=sys.stderr)
        return 1
    print(f"{name}: OK — {summary(config)}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from warroom.config.loader import defaults, load_config
    from warroom.config.render import render_toml
    from warroom.paths import find_config_path

    path = find_config_path(getattr(args, "path", None) or getattr(args, "config", None))
    config = defaults() if path is None else load_config(path)
    sys.stdout.write(render_toml(config))
    return 0


def _path(args: argparse.Namespace) -> int:
    from warroom.paths import find_config_path

    path = find_config_path(getattr(args, "config", None))
    if path is None:
        print(f"warroom: no config file found (looked at {_looked_at()}); using the defaults", file=sys.stderr)
        return 1
    from warroom.sanitize import visible

    print(visible(str(path)))
    return 0


def _example(args: argparse.Namespace) -> int:
    from warroom.config.render import example_text

    sys.stdout.write(example_text())
    return 0


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "action", None) or "check"
    return {"check": _check, "show": _show, "path": _path, "example": _example}[action](args)
