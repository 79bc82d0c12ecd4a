"""The header's phase guide: where the incident stands and the one next step, beside the title.

    SEV-2  INC-7 Checkout returns 500s…   ✓Detect › ✓Triage › MITIGATE › Communicate › Resolve › Review ▸ mitigate: roll back api 0aaf9da?
    SEV-2  INC-7 Checkout returns 500s…                            MITIGATE 3/6 ▸ mitigate: roll back api 0aaf9da?

The domain decides (`domain.phase.guide`); this module builds the words, and the header's
`TitleLine` draws them on the title's line, right-aligned, in
the longest form that leaves the title `TITLE_ROOM` columns (its whole length on the one-line
header of wide terminals): the six phases with the current one
marked, then `MITIGATE 3/6`, then `MITIGATE` (`COMMS` for Communicate), then the step alone. The step is never cut (its
"due in 4 min" is a countdown); the title gives way first, with an ellipsis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from warroom.sanitize import clean

if TYPE_CHECKING:
    from warroom.domain.phase import PhaseGuide

#: Columns the title keeps (badges, id and the start of the title) before the phase shortens.
TITLE_ROOM = 40

CURRENT_STYLE = "bold reverse"
#: The current phase's name where every column counts (80 columns with a long step).
SHORT_NAMES = {"Communicate": "COMMS"}
DONE_STYLE = "$text-muted"
STEP_STYLE = "bold"


def phase_variants(guide: PhaseGuide) -> list[Content]:
    """The phase guide's words, longest first; every form ends with the whole next step."""
    # Here, not at the top: the header draws its title with `fit_phase` from the first frame, and
    # the phase rules (the coach's facts, the cadence) are needed only once the record is in.
    from warroom.domain.phase import PHASES

    # The step may name a deploy from a source's output: plain text, control sequences stripped.
    step = Content.assemble(("▸ ", "bold"), (clean(guide.next_step, cap=160), STEP_STYLE), " ")
    current = guide.phase.upper()
    parts: list[str | tuple[str, str]] = []
    for phase in PHASES:
        if parts:
            parts.append((" › ", DONE_STYLE))
        if phase == guide.phase:
            parts.append((f" {current} ", CURRENT_STYLE))
        elif phase in guide.done:
            parts.append((f"✓{phase}", DONE_STYLE))
        else:
            parts.append((phase, DONE_STYLE))
    six = Content.assemble(*parts, " ", step)
    numbered = Content.assemble(
        (f" {current} ", CURRENT_STYLE), (f" {guide.position}/{len(PHASES)} ", DONE_STYLE), step
    )
    named = Content.assemble((f" {current} ", CURRENT_STYLE), " ", step)
    short = Content.assemble((SHORT_NAMES.get(guide.phase, current), CURRENT_STYLE), " ", step)
    return [six, numbered, named, short, step]


def fit_phase(title: Content, variants: tuple[Content, ...], width: int, *, shared_row: bool = False) -> Content:
    """The phase-guide form drawn beside `title` at `width`: the longest that leaves the title
    `TITLE_ROOM` columns (or all of a shorter title), else the step alone.

    `shared_row`: the one-line header (160 columns and more), where the title shares its row
    with the state and the countdown: there the whole title stays, and the phase guide shows
    only in a form that fits beside it (none, for a title that fills the row)."""
    if not variants:
        return Content("")
    if width <= 0:
        return variants[0]
    title_room = title.cell_length if shared_row else min(title.cell_length, TITLE_ROOM)
    for variant in variants:
        if variant.cell_length + 1 + title_room <= width:
            return variant
    return Content("") if shared_row else variants[-1]


def title_with_phase(title: Content, phase: Content, width: int) -> Content:
    """The title, cut with an ellipsis where it must, and the phase guide right-aligned after it."""
    if width <= 0 or not phase.cell_length:
        return title
    room = max(width - phase.cell_length - 1, 0)
    left = title.truncate(room, ellipsis=True, pad=True) if room else Content("")
    return Content.assemble(left, " ", phase).truncate(width)
