"""`warroom runbooks [QUERY]`: list the runbooks (shipped and `[runbooks] paths`), best matches first.

Each runbook is one line: its title, what it covers (alerts, probes, services) and its file.
A file that cannot be read is listed on stderr (file, line, what is wrong) and the exit is 1;
the others are still listed. Reads files only; records nothing. The war room's `r` shows the same
runbooks with their checklists.
"""

from __future__ import annotations

import argparse
import sys

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import load_config_for
from warroom.domain.runbook_match import search
from warroom.runbooks import load_library
from warroom.sanitize import clean

#: `warroom runbooks`' arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("query", nargs="*", metavar="QUERY", help="words to look for in titles, alerts, probes, services and text"),
)


def run(args: argparse.Namespace) -> int:
    config = load_config_for(args)
    library = load_library(config.runbooks.paths)
    query = " ".join(args.query)
    found = search(query, library.books)
    for book in found:
        where = "" if book.origin == "shipped" else f" ({book.origin})"
        print(clean(f"{book.title} — {book.covers()} — {book.path}{where}", cap=None))
    if not found:
        print(clean(f"no runbook matches {query!r}", cap=300), file=sys.stderr)
    for problem in library.problems:
        print(f"warroom: {clean(problem, cap=None)}", file=sys.stderr)
    return 1 if library.problems or not found else 0
