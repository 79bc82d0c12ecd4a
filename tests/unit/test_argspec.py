"""One declaration per command: argparse's parser and the fast path for `warroom note` and
`warroom open` both come from the command's `ARGS`, so they cannot drift apart."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import pytest

from warroom.cli import COMMON_ARGS, build_parser
from warroom.commands import note, open_cmd
from warroom.commands.argspec import Arg, ArgSpec

SPEC = ArgSpec(
    Arg("status"),
    Arg("text", nargs="*", help="what changed"),
    Arg("--json", action="store_true"),
    Arg("--as", dest="as_", metavar="NAME"),
    Arg("--detected-by", default=""),
    Arg("--speed", type=float, default=1.0),
)


def argparse_of(spec: ArgSpec) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="t", exit_on_error=False)
    spec.add_to(parser)
    return parser


@pytest.mark.parametrize(
    "argv",
    [
        ["identified"],
        ["identified", "bad", "deploy"],
        ["--json", "monitoring"],
        ["resolved", "--as=bob", "--detected-by", "synthetic probe"],
        ["identified", "--", "-x", "--json"],
    ],
)
def test_what_the_fast_path_reads_argparse_reads_the_same_from_the_same_declaration(argv):
    fast = SPEC.parse_fast(list(argv))
    assert fast is not None
    assert vars(fast) == vars(argparse_of(SPEC).parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        [],  # a required positional missing: argparse says so
        ["--speed", "2", "x"],  # an option only argparse converts
        ["x", "--json=1"],
        ["x", "--as"],
        ["x", "--unknown"],
        ["x", "-h"],
    ],
)
def test_lines_only_argparse_can_judge_are_left_to_it(argv):
    assert SPEC.parse_fast(argv) is None


def test_note_and_open_declare_their_arguments_once():
    for command, module in (("note", note), ("open", open_cmd)):
        assert not hasattr(module, "fast_args") and not hasattr(module, "add_arguments")
        parser, _ = build_parser(command)
        declared = {a.dest for a in (COMMON_ARGS + module.ARGS).args}
        assert declared == set(vars(parser.parse_args(["7"] if command == "open" else ["x"])))
    help_text = build_parser("note")[0].format_help()
    for flag in ("--at", "--as", "--incident", "--db", "--config"):
        assert flag in help_text


def test_warroom_note_never_imports_argparse_and_its_help_still_comes_from_it(tmp_path):
    env = {**os.environ, "WARROOM_DB": str(tmp_path / "w.db"), "WARROOM_USER": "alice"}
    code = (
        "import sys; from warroom.cli import main; rc = main(sys.argv[1:]); "
        "print('argparse' in sys.modules, rc, file=sys.stderr)"
    )
    declared = subprocess.run(
        [sys.executable, "-c", code, "declare", "t", "--sev", "3"], env=env, capture_output=True, text=True, timeout=60
    )
    assert declared.returncode == 0, declared.stderr
    saved = subprocess.run(
        [sys.executable, "-c", code, "note", "--as", "bob", "rolled", "back"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "note #" in saved.stdout and "saved" in saved.stdout
    assert saved.stderr.strip().endswith("False 0"), saved.stderr
    helped = subprocess.run(
        [sys.executable, "-c", code, "note", "--help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert "--incident" in helped.stdout and "what happened or what you saw" in helped.stdout


def test_every_command_declares_its_arguments_the_same_way():
    import importlib

    from warroom.cli import COMMANDS

    for name, (module_name, _) in COMMANDS.items():
        module = importlib.import_module(module_name)
        if name == "config":  # its actions are argparse subcommands
            assert hasattr(module, "add_arguments") and not hasattr(module, "ARGS")
            continue
        assert isinstance(module.ARGS, ArgSpec) and not hasattr(module, "add_arguments"), name
        assert module.ARGS.fast == (name in ("note", "open")), name
        build_parser(name)  # argparse takes the declaration as it is
