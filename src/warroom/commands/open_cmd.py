"""`warroom` / `warroom open [ID] [--theme NAME]`: the full-screen war room.

With no ID it opens the open incident (the newest, if several are open), or the declare
dialog when none is. Textual is imported only here, after the arguments are checked.
"""

from __future__ import annotations

import gc
import sys

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import ACTOR_ARG, current_actor, db_path, incident_ref, load_config_for
from warroom.errors import UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

#: `warroom [open] [ID] [--theme T]`: argparse's parser and the fast path (the war room's first
#: frame waits for every import) both read this.
ARGS = ArgSpec(
    Arg("incident", nargs="?", metavar="ID", help="incident to open (INC-7 or 7); default: the open one"),
    Arg(
        "--theme",
        metavar="NAME",
        help="warroom-dark (default), warroom-light, warroom-high-contrast, warroom-colorblind "
        "(the warroom- prefix may be left out); default: [ui] theme in warroom.toml",
    ),
    ACTOR_ARG,
    fast=True,
)


def run(args: argparse.Namespace | SimpleNamespace) -> int:
    # No garbage collection until the first frame is drawn (`WarRoomApp.run` says why): the
    # imports and the config below allocate most of the ~100k objects the process keeps, and
    # collecting while they are made cost ~30 ms of the startup here, for nothing to free.
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.enable()


def _run(args: argparse.Namespace | SimpleNamespace) -> int:
    incident_id = incident_ref(args.incident)
    config = load_config_for(args)
    from warroom.config.themes import resolve_theme_name

    theme = resolve_theme_name(args.theme or config.ui.theme)
    path = db_path(args)
    if incident_id is not None:
        # Check before the screen takes the terminal, so the reason is printed where it is seen.
        from warroom.store.sync import EventStore

        with EventStore.open(path) as store:
            store.incident(incident_id)  # a UserError naming the incident and the file if absent
            notices = store.notices  # shown on the screen (this check opened the file first)
    else:
        notices = []
    actor = current_actor(args)  # a bad --as / $WARROOM_USER is said before the screen opens
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise UserError("the war room needs a terminal; for scripts use `warroom show` or `warroom list`")
    from warroom.ui.app import WarRoomApp

    app = WarRoomApp(path, config, incident_id, theme=theme, actor=actor)
    app.store_notices += notices
    app.run()
    if getattr(app, "pending_events_note", None):  # source events the database never took
        try:
            print(app.pending_events_note, file=sys.stderr)
        except OSError:  # the terminal hung up: the file is there all the same
            pass
    return int(app.return_code or 0)
