"""A command's arguments, declared once and read two ways.

    ARGS = ArgSpec(
        Arg("text", nargs="+", help="what happened or what you saw"),
        Arg("--as", dest="as_", metavar="NAME", help="who is acting"),
    )

`ArgSpec.add_to(parser)` hands every `Arg` to argparse as `parser.add_argument(*flags, **options)`:
`--help`, error messages and every unusual form come from there. `ArgSpec.parse_fast(argv)` reads
the common forms of the same declaration without importing argparse (about 4 ms of imports, paid
by every `warroom note` and every war room launch): `--opt VALUE`, `--opt=VALUE`, `--flag` for a
`store_true` option, and plain words for the positionals. It returns None for anything else
(`--help`, an unknown option, a missing value, a word count argparse would refuse), and the caller
lets argparse take over with its full messages. Whatever it accepts means what argparse would
have made of it (tests/unit/test_fast_args.py holds it to that).

Kept free of `typing`, `dataclasses` and `argparse` imports: `warroom note` loads this module.
"""

from __future__ import annotations

from types import SimpleNamespace

TYPE_CHECKING = False  # not `typing`: its import costs `warroom note` ~3 ms
if TYPE_CHECKING:
    import argparse
    from typing import Any

#: Options the fast path reads itself; anything else (`action="append"`, `type=`, `choices=`,
#: `required=`...) on an option that is given sends the line to argparse.
_FAST_OPTION_KEYS = frozenset({"dest", "metavar", "help", "default"})
_FAST_POSITIONAL_KEYS = frozenset({"nargs", "metavar", "help", "default"})


class Arg:
    """One `parser.add_argument(*flags, **options)` call, kept as data."""

    __slots__ = ("flags", "options")

    def __init__(self, *flags: str, **options: Any) -> None:
        self.flags = flags
        self.options = options

    @property
    def is_option(self) -> bool:
        return self.flags[0].startswith("-")

    @property
    def dest(self) -> str:
        """The attribute argparse stores it under (its own rule: `dest`, else the first long flag)."""
        if "dest" in self.options:
            return self.options["dest"]
        if not self.is_option:
            return self.flags[0]
        long = next((f for f in self.flags if f.startswith("--")), self.flags[0])
        return long.lstrip("-").replace("-", "_")

    @property
    def is_flag(self) -> bool:
        return self.options.get("action") == "store_true"

    @property
    def fast(self) -> bool:
        """Whether `parse_fast` reads this argument (else a line that uses it goes to argparse)."""
        if self.is_flag:
            return set(self.options) <= _FAST_OPTION_KEYS | {"action"}
        if self.is_option:
            return set(self.options) <= _FAST_OPTION_KEYS
        return set(self.options) <= _FAST_POSITIONAL_KEYS and self.options.get("nargs") in (None, "?", "+", "*")

    @property
    def default(self) -> Any:
        if self.is_flag:
            return self.options.get("default", False)
        if not self.is_option and self.options.get("nargs") == "*":
            return self.options.get("default", [])
        return self.options.get("default")


class ArgSpec:
    """A command's arguments in order: positionals and options, as argparse would take them.
    `fast=True` (the commands typed most under pressure, `note` and `open`): the command line
    reads the common forms with `parse_fast` before building the argparse parser."""

    __slots__ = ("args", "fast")

    def __init__(self, *args: Arg, fast: bool = False) -> None:
        self.args = args
        self.fast = fast

    def __add__(self, other: ArgSpec) -> ArgSpec:
        return ArgSpec(*self.args, *other.args, fast=self.fast or other.fast)

    def add_to(self, parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
        """Declare every argument to argparse (a parser or an argument group)."""
        for arg in self.args:
            parser.add_argument(*arg.flags, **arg.options)

    def parse_fast(self, argv: list[str]) -> SimpleNamespace | None:
        """The common forms of `argv` as argparse's namespace would hold them; None otherwise."""
        options: dict[str, Arg] = {}
        positionals: list[Arg] = []
        values: dict[str, Any] = {}
        for arg in self.args:
            values[arg.dest] = arg.default
            if arg.is_option:
                for flag in arg.flags:
                    options[flag] = arg
            else:
                positionals.append(arg)
        words: list[str] = []
        i = 0
        while i < len(argv):
            word = argv[i]
            if word == "--":
                words += argv[i + 1 :]
                break
            name, eq, value = word.partition("=")
            arg = options.get(name)
            if arg is not None and arg.fast:
                if arg.is_flag:
                    if eq:
                        return None  # `--json=x`: argparse says what is wrong
                    values[arg.dest] = True
                else:
                    if not eq:
                        if i + 1 >= len(argv):
                            return None
                        value = argv[i + 1]
                        i += 1
                    values[arg.dest] = value
            elif word.startswith("-") and len(word) > 1:
                return None  # unknown, `--help`, or an option only argparse reads
            else:
                words.append(word)
            i += 1
        if not _fill_positionals(positionals, words, values):
            return None
        return SimpleNamespace(**values)


def _fill_positionals(positionals: list[Arg], words: list[str], values: dict[str, Any]) -> bool:
    """Share `words` out as argparse would; False when it would refuse them (or only it can tell).
    A variable count (`?`, `+`, `*`) is read only on the last positional."""
    if any(not p.fast for p in positionals) or any(p.options.get("nargs") for p in positionals[:-1]):
        return False
    fixed = positionals[:-1] if positionals and positionals[-1].options.get("nargs") else positionals
    if len(words) < len(fixed):
        return False
    for arg, word in zip(fixed, words):
        values[arg.dest] = word
    rest = words[len(fixed) :]
    if len(fixed) == len(positionals):
        return not rest
    last = positionals[-1]
    nargs = last.options["nargs"]
    if nargs == "?":
        if len(rest) > 1:
            return False
        if rest:
            values[last.dest] = rest[0]
    elif nargs == "+":
        if not rest:
            return False
        values[last.dest] = rest
    else:  # "*"
        if rest:
            values[last.dest] = rest
    return True
