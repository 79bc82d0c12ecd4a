"""`warroom import FILE`: load a JSONL export (`warroom export ID --format jsonl`) into this database.

Nothing is duplicated: an incident already here (the same declaration, matched by its natural
key, whatever its number) gets only the events it lacks, so importing twice changes nothing. The
whole file is checked before anything is written, then merged in one transaction: a bad line
names the file and line number, and nothing of the file is imported.
"""

from __future__ import annotations

import argparse
import os
import sys

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import open_store
from warroom.domain.events import Event, Kind, short_id
from warroom.errors import UserError

#: `warroom import`'s arguments (argparse's parser is built from them).
ARGS = ArgSpec(
    Arg("file", metavar="FILE", help="a JSONL export: one event a line, as `warroom export ID --format jsonl` writes"),
)

#: A line longer than this is not an event anyone wrote (a whole file on one line, a binary).
MAX_LINE = 16 * 1024 * 1024


def read_events(path: str) -> list[list[Event]]:
    """Every incident of the file, its events in file order; UserError naming file and line."""
    from warroom.commands.export import redacted_event
    from warroom.domain.event_log import LineError, parse_line

    try:
        with open(os.path.expanduser(path), "rb") as handle:
            raw_lines = handle.read().split(b"\n")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    by_incident: dict[int, list[Event]] = {}
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue  # the file's final newline, or a blank line between incidents
        where = f"{path} line {number}"
        if len(raw) > MAX_LINE:
            raise UserError(f"{where}: longer than {MAX_LINE // (1024 * 1024)} MiB; nothing was imported")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(f"{where}: not UTF-8 text; nothing was imported") from None
        try:
            ev = parse_line(text)
        except LineError as exc:
            if number == 1 and text.strip() == "{":
                raise UserError(
                    f"{path} looks like a `--format json` document: import reads the JSONL event log "
                    "(`warroom export ID --format jsonl`); nothing was imported"
                ) from None
            raise UserError(f"{where}: {exc}; nothing was imported") from None
        # A hand-made log may carry what an export would have hidden: store it redacted too.
        ev = redacted_event(ev)
        by_incident.setdefault(ev.incident_id, []).append(ev)
    if not by_incident:
        raise UserError(f"{path}: no events in it (expected one JSON event a line); nothing was imported")
    for incident_id, events in by_incident.items():
        declarations = sum(1 for ev in events if ev.kind == Kind.DECLARED)
        if declarations != 1:
            problem = "no incident.declared line" if not declarations else f"{declarations} incident.declared lines"
            raise UserError(
                f"{path}: {short_id(incident_id)} has {problem} (export the whole incident with "
                "`warroom export ID --format jsonl`); nothing was imported"
            )
    return list(by_incident.values())


def run(args: argparse.Namespace) -> int:
    incidents = read_events(args.file)
    with open_store(args) as store:
        results = store.import_incidents(incidents)
    for result in results:
        name = short_id(result.incident_id)
        origin = "" if result.source_id == result.incident_id else f" (INC-{result.source_id} in the file)"
        if result.new:
            line = f"{name}{origin} imported: {result.added} events"
        elif result.added:
            line = f"{name}{origin} was already here: {result.added} missing events added"
        else:
            line = f"{name}{origin} was already here with every event: nothing changed"
        if result.deduplicated:
            line += f"; {result.deduplicated} skipped (the same signal is already recorded)"
        print(line)
        if result.out_of_order:
            print(
                f"warroom: {name}: {result.out_of_order} of the added events come before events already here in "
                f"{args.file}, yet fold after them (events fold in the order they were added): its state may "
                "differ from the file's; import the whole file into a fresh database to keep its order",
                file=sys.stderr,
            )
    return 0
