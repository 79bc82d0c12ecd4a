"""`warroom note` and `warroom` (open) parse their common forms without argparse; whatever the
fast path accepts must mean exactly what argparse would have made of it."""

from __future__ import annotations

import pytest

from warroom.cli import COMMON_ARGS, build_parser
from warroom.commands import note, open_cmd

NOTE_LINES = [
    ["rolled", "back", "4f2a91c"],
    ["--as", "bob", "pool", "exhausted"],
    ["--at=-15m", "--incident", "INC-3", "paged", "db", "on-call"],
    ["--db", "/tmp/w.db", "--config=/tmp/w.toml", "-i", "7", "x"],
    ["--", "--not-an-option"],
]
OPEN_LINES = [
    [],
    ["INC-7"],
    ["7", "--theme", "light"],
    ["--as=carol", "--db", "/tmp/w.db", "--config", "/tmp/w.toml"],
]


@pytest.mark.parametrize(
    ("command", "module", "argv"), [("note", note, a) for a in NOTE_LINES] + [("open", open_cmd, a) for a in OPEN_LINES]
)
def test_the_fast_path_means_what_argparse_means(command, module, argv):
    fast = (COMMON_ARGS + module.ARGS).parse_fast(list(argv))
    assert fast is not None, "a common form takes the fast path"
    parser, _ = build_parser(command)
    full = vars(parser.parse_args(argv))
    assert vars(fast) == full


@pytest.mark.parametrize(
    ("module", "argv"),
    [
        (note, ["--help"]),
        (note, []),
        (note, ["--at"]),
        (note, ["--bogus", "x"]),
        (open_cmd, ["--help"]),
        (open_cmd, ["1", "2"]),
        (open_cmd, ["--theme"]),
        (open_cmd, ["-x"]),
    ],
)
def test_anything_unusual_goes_to_argparse(module, argv):
    assert (COMMON_ARGS + module.ARGS).parse_fast(argv) is None
