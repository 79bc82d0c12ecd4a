"""The war room's layout by terminal size: its grid, the breakpoint classes, and setting them
before the first layout (the sizes are described in `warroom.py`'s docstring)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warroom.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH

if TYPE_CHECKING:
    from textual.dom import DOMNode

#: Columns and rows from which the signal panes stack in one narrower column (see the docstring).
XWIDE = 192
XTALL = 50

HORIZONTAL_BREAKPOINTS = [
    (0, "-w-tiny"),
    (MIN_WIDTH, "-narrow"),
    (100, "-medium"),
    (160, "-wide"),
    (XWIDE, "-xwide"),
]
VERTICAL_BREAKPOINTS = [(0, "-h-tiny"), (MIN_HEIGHT, "-short"), (30, "-tall"), (XTALL, "-xtall")]


def breakpoint_class(dimension: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class Textual gives a screen for `dimension` cells: that of the largest breakpoint not
    above it (Textual's documented rule for `HORIZONTAL_BREAKPOINTS`/`VERTICAL_BREAKPOINTS`)."""
    reached = [(at, name) for at, name in breakpoints if dimension >= at]
    return max(reached)[1] if reached else None


def apply_breakpoints(screen: DOMNode, width: int, height: int) -> None:
    """Set the breakpoint classes for this size on `screen` now, before the first layout.

    Textual sets them on the screen's first Resize, which comes after the first frame: that
    frame would be laid out for no breakpoint (a one-line header at 120 columns), and every
    widget restyled, laid out and drawn a second time. Set here, the Resize finds nothing
    to change.
    """
    chosen = {
        breakpoint_class(width, HORIZONTAL_BREAKPOINTS),
        breakpoint_class(height, VERTICAL_BREAKPOINTS),
    }
    every = {name for _, name in HORIZONTAL_BREAKPOINTS + VERTICAL_BREAKPOINTS}
    screen.update_classes({name: name in chosen for name in every}, update=False)


#: The war room screen's DEFAULT_CSS.
WARROOM_CSS = """
/* A grid, not rows of containers: every widget on the first frame costs Textual a few ms.
   Header and command line span both columns; the footer docks below. */
WarRoomScreen {
    layout: grid; grid-size: 2 4; grid-columns: 1fr 54%; grid-rows: auto 1fr auto auto;
    background: $background;
}
WarRoomScreen IncidentHeader, WarRoomScreen CommandLine, WarRoomScreen CoachLine { column-span: 2; }
/* Until the panes mount (just after the first frame): a title, not a widget of its own. */
WarRoomScreen #signal-column.-starting { border-top: solid $primary 40%; border-title-color: $text-muted; }
WarRoomScreen #signal-panes { height: 1fr; }
WarRoomScreen #timeline { height: 1fr; min-height: 4; }
WarRoomScreen .section {
    border-top: solid $primary 40%; border-title-color: $text-muted; border-title-style: bold;
    border-subtitle-color: $warning; border-subtitle-style: bold;
}
WarRoomScreen .section:focus-within { border-top: heavy $primary; border-title-color: $foreground; }
/* z: the zoomed pane fills the screen (a role board is as tall as its roles otherwise). */
WarRoomScreen.-maximized-view .-maximized { width: 1fr; height: 1fr; }
WarRoomScreen #source-summary { display: none; height: auto; max-height: 8; }  /* MAX_SUMMARY_ROWS */
WarRoomScreen .empty-state { padding: 1 2; color: $text-muted; height: auto; }
WarRoomScreen #source-summary.empty-state { padding: 0 1; }
WarRoomScreen TooSmall { display: none; }

WarRoomScreen.-narrow { grid-size: 1 4; grid-columns: 1fr; }
WarRoomScreen.-narrow IncidentHeader, WarRoomScreen.-narrow CommandLine, WarRoomScreen.-narrow CoachLine {
    column-span: 1;
}
WarRoomScreen.-narrow #signal-column { display: none; }
WarRoomScreen.-narrow #source-summary { display: block; }
/* Below 160 columns the header stacks: the title alone, then the state and the countdown. */
WarRoomScreen.-narrow IncidentHeader, WarRoomScreen.-medium IncidentHeader {
    grid-size: 2 2; grid-columns: 1fr auto; height: 2;
}
/* The countdown keeps its whole width; the state line beside it shortens its words. */
WarRoomScreen.-narrow #incident-state, WarRoomScreen.-medium #incident-state { width: 1fr; }
WarRoomScreen.-narrow #incident-title, WarRoomScreen.-medium #incident-title { column-span: 2; }
WarRoomScreen.-wide, WarRoomScreen.-xwide { grid-columns: 1fr 84; }
/* Stacked panes under SignalPanes' side-by-side width (110): each pane a full ~106 columns. */
WarRoomScreen.-xwide.-xtall { grid-columns: 108 1fr; }

WarRoomScreen.-w-tiny, WarRoomScreen.-h-tiny { layout: vertical; }
WarRoomScreen.-w-tiny #signal-column, WarRoomScreen.-h-tiny #signal-column,
WarRoomScreen.-w-tiny #incident-column, WarRoomScreen.-h-tiny #incident-column,
WarRoomScreen.-w-tiny IncidentHeader, WarRoomScreen.-h-tiny IncidentHeader,
WarRoomScreen.-w-tiny CommandLine, WarRoomScreen.-h-tiny CommandLine,
WarRoomScreen.-w-tiny CoachLine, WarRoomScreen.-h-tiny CoachLine,
WarRoomScreen.-w-tiny Footer, WarRoomScreen.-h-tiny Footer { display: none; }
WarRoomScreen.-w-tiny TooSmall, WarRoomScreen.-h-tiny TooSmall { display: block; }
"""
