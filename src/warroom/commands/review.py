"""`warroom review [ID]`: the read-only review screen (timeline, scrubber, chart).

Opens any incident, resolved or not (default: the newest), without starting a source or writing
anything: the database is opened read-only (`store.reader`). Works on a copied database with no
config and no network, and on one another process is still writing (new events appear).
The postmortem panel (`p`) records what the reviewer explicitly writes (sections, action items),
opening a write connection at the first save.
"""

from __future__ import annotations

import sys

from warroom.commands.argspec import Arg, ArgSpec
from warroom.commands.context import db_path, incident_ref, load_config_for
from warroom.errors import UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

ARGS = ArgSpec(
    Arg("incident", nargs="?", metavar="ID", help="incident to review (INC-7 or 7); default: the newest"),
    Arg(
        "--theme",
        metavar="NAME",
        help="warroom-dark (default), warroom-light, warroom-high-contrast, warroom-colorblind",
    ),
)

EPILOG = """keys:
  ← / →           move the scrubber a minute (Shift: 10 minutes); Home / End: first / last moment
  [ / ]           previous / next milestone (declared, acknowledged, mitigated, resolved, severity)
  /               filter the timeline: kind:mitigation actor:alice words (Esc clears it)
  s               show / hide system events (probes, logs, deploys, source errors)
  ↑ / ↓           previous / next event shown (the scrubber follows)
  PgUp PgDn       scroll the timeline        q, Ctrl+Q   quit
  p               the postmortem panel: sections, action items, lint
                  (e edit here, E in $EDITOR, a add item, d done, w write INC-N-postmortem.md;
                  the first save opens the database for writing)
"""


def run(args: argparse.Namespace | SimpleNamespace) -> int:
    incident_id = incident_ref(args.incident)
    config = load_config_for(args)
    from warroom.config.themes import resolve_theme_name
    from warroom.domain.cadence import UpdateCadence
    from warroom.services.review_load import first_view

    theme = resolve_theme_name(args.theme or config.ui.theme)
    path = db_path(args)
    first_view(path, incident_id, rows=1)  # a missing file or incident is said before the screen opens
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise UserError("the review screen needs a terminal; for scripts use `warroom show` or `warroom export`")
    from warroom.ui.review_app import ReviewApp

    app = ReviewApp(
        path,
        incident_id,
        cadence=UpdateCadence.from_config(config.cadence),
        theme=theme,
        readonly=config.ui.readonly,
    )
    app.run()
    return int(app.return_code or 0)
