"""The timeline's prefix before each event's text, in three widths (rich segments, no Textual).

    full     `14:12:18 MITIGATED bob        rolled back deploy/payments`   (text keeps >= 48 cells)
    compact  `14:12 ✚ bob      mitigated: rolled back deploy/payments`      (the war room at 120x40)
    short    `14:12 rolled back deploy/payments`                           (a very narrow pane)

The compact prefix has no KIND column: a glyph per kind (`KIND_GLYPHS`), and the kinds whose
text does not say what happened lead with a word (`COMPACT_WORDS`, added by the timeline).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style

from warroom.domain.events import Event
from warroom.sanitize import clean
from warroom.ui.widgets.timeline_text import ALARM_KINDS, GOOD_KINDS, KIND_GLYPHS, KIND_LABELS, fit_cells

TIME_WIDTH = 8
KIND_WIDTH = 9
ACTOR_WIDTH = 10
PREFIX_WIDTH = TIME_WIDTH + 1 + KIND_WIDTH + 1 + ACTOR_WIDTH + 1
SHORT_PREFIX_WIDTH = 6  # `HH:MM ` when the pane is too narrow for the columns
COMPACT_ACTOR_WIDTH = 8
#: `HH:MM • actor    `: time, a kind glyph and the actor, when the full columns would leave the
#: text fewer than FULL_TEXT_MIN cells (the war room's right column at 120x40).
COMPACT_PREFIX_WIDTH = 5 + 1 + 1 + 1 + COMPACT_ACTOR_WIDTH + 1
FULL_TEXT_MIN = 48

#: The glyph between the time and the kind of an event added later (a space otherwise).
LATE_MARK = "↶"


def indent_for(width: int) -> int:
    """The prefix for a pane `width` cells wide: full columns when the text keeps FULL_TEXT_MIN
    cells beside them, else the compact one (time, glyph, actor), else the time alone."""
    if width >= PREFIX_WIDTH + FULL_TEXT_MIN:
        return PREFIX_WIDTH
    return COMPACT_PREFIX_WIDTH if width >= COMPACT_PREFIX_WIDTH + 20 else SHORT_PREFIX_WIDTH


def prefix_segments(
    event: Event,
    late: bool,
    indent: int,
    base: Style,
    style: Callable[[str], Style],
    actor: Callable[[str, int], str],
) -> list[Segment]:
    """The first line's prefix for `event` (`style` gives a component class's style, `actor`
    the cleaned actor fitted to a width)."""
    mark = Segment(LATE_MARK, base + style("timeline--late")) if late else Segment(" ", base)
    system = event.is_system
    if indent == SHORT_PREFIX_WIDTH:
        return [Segment(event.at.strftime("%H:%M"), base + style("timeline--time")), mark]
    kind = event.kind
    kind_style = base + style(
        "timeline--alarm"
        if kind in ALARM_KINDS
        else "timeline--good"
        if kind in GOOD_KINDS
        else "timeline--system"
        if system
        else "timeline--kind"
    )
    time_style = base + style("timeline--system" if system else "timeline--time")
    actor_style = base + style("timeline--system" if system else "timeline--actor")
    if indent == COMPACT_PREFIX_WIDTH:
        return [
            Segment(event.at.strftime("%H:%M"), time_style),
            mark,
            Segment(KIND_GLYPHS.get(kind, "·") + " ", kind_style),
            Segment(actor(event.actor, COMPACT_ACTOR_WIDTH) + " ", actor_style),
        ]
    label = KIND_LABELS.get(kind) or clean(kind, cap=KIND_WIDTH)
    return [
        Segment(event.at.strftime("%H:%M:%S"), time_style),
        mark,
        Segment(fit_cells(label, KIND_WIDTH) + " ", kind_style),
        Segment(actor(event.actor, ACTOR_WIDTH) + " ", actor_style),
    ]
