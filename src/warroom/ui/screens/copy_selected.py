"""`y` in the war room's key mode: copy the selected item of the focused pane.

The item is the pane's (`copy_item()`: a deploy's rollback command or SHA, a log line, a probe
URL, a command pane's output line, a timeline event's text). It goes through the same chain as
the draft screen's `c` (`warroom.clipboard`: pyperclip, the tmux buffer, OSC 52) in a worker
thread, and is also saved to a file beside the database, so there is always something to paste
from. The command line says what was copied and how ("copied rollback command for api a1b2c3d ·
Sent via OSC 52 …"); with no clipboard reachable it says so and where the file is. Never raises.
"""

from __future__ import annotations

from typing import Any

from warroom.ui.screens.draft_text import copy_lines
from warroom.ui.widgets.selection import Copyable

#: Width the feedback line's file path is fitted to.
FEEDBACK_WIDTH = 160


def selected_item(widget: Any) -> Copyable | None:
    """What the focused widget has selected to copy (None: nothing, or not a pane)."""
    get = getattr(widget, "copy_item", None)
    item = get() if callable(get) else None
    return item if isinstance(item, Copyable) and item.text else None


def pane_name(widget: Any) -> str:
    """A pane's title as its user reads it (`Deploys`, `Roles`), for "nothing to copy in …"."""
    title = getattr(widget, "border_title", None) or getattr(widget, "TITLE", None) or "this pane"
    return str(title).split(" · ")[0]


async def copy_selected(screen: Any) -> None:
    """Copy the focused pane's selected item and say so on the command line. `screen` is the
    war room screen (not imported here: it imports this module)."""
    from warroom.clipboard import copy_text_async

    app = screen.wapp
    widget = screen.focused
    item = selected_item(widget)
    if item is None:
        screen.feedback(f"nothing to copy in {pane_name(widget)}: select a row in a pane (Tab, then ↑↓) and press y")
        return
    label = f"INC-{screen.incident_id}-copied"
    try:
        outcome = await copy_text_async(item.text, db_path=app.db_path, label=label, now=app.clock(), app=screen.app)
    except Exception as exc:  # copy_text never raises; a worker must not die with a traceback regardless
        screen.feedback(f"could not copy {item.what}: {exc}", "error")
        return
    first, _tried = copy_lines(outcome, FEEDBACK_WIDTH)
    if outcome.copied:
        screen.feedback(f"copied {item.what} · {first}", "saved")
    else:
        screen.feedback(f"could not copy {item.what}: {first}", "error")
