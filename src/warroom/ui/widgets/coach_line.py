"""The coach line: one line above the command line for what the room should hear now.

    ⚠ SEV-2 with no Incident Commander: /ic NAME · "For SEV-1/2, name explicit roles." · x dismiss
    ⚠ fix talk, no rollback tried: roll back api 0aaf9da first? · ✗ "Fix-forward when rollback would…" · x dismiss

It shows, in this order of precedence:
1. the coach's current warning (`domain.coach.current`): what is wrong, the playbook's words
   (✗ marks an anti-pattern) and how to dismiss it (`x` in key mode, `/dismiss`);
2. else a suggestion another part of the screen passes in (`set_suggestion(text)`: a runbook
   that matches what just happened, say);
3. else nothing, and the line takes no room.

Re-evaluated on every event (its `incident` is bound to the screen's) and every second (`tick`,
from the screen): a deadline passing with nothing recorded is a new warning. The time is the
app's `clock()`, so a frozen clock freezes it. Untrusted words (names, notes) are plain Content.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.app import RenderResult
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget

from warroom.sanitize import clean
from warroom.ui.widgets.interval_clock import interval_now

if TYPE_CHECKING:
    # The rules (the coach, its facts, the deploy/mitigation/postmortem rules, the cadence) are
    # imported when they first run (`tick`): a long incident's first frame is drawn before its
    # older events are in, when the coach waits anyway, so the war room does not compile them first.
    from warroom.domain.coach import CoachWarning
    from warroom.domain.incident import IncidentState

#: Columns of the playbook's words kept on a narrow line before the warning's own text is cut.
QUOTE_ROOM = 22
WARN_STYLE = "bold $warning"
QUOTE_STYLE = "italic"
HINT_STYLE = "$text-muted"


def warning_content(warning: CoachWarning, width: int | None = None, *, dismissable: bool = True) -> Content:
    """`⚠ text · "quote" · x dismiss`, fitted to `width`: the quote gives way first (with an
    ellipsis) down to `QUOTE_ROOM` columns, then the text; the dismiss hint always stays (and is
    left out on a `--readonly` screen, where `x` records nothing: not `dismissable`)."""
    mark = "✗ " if warning.anti_pattern else ""
    head = Content.assemble(("⚠ ", WARN_STYLE), (clean(warning.text, cap=200), WARN_STYLE))
    quote = Content.assemble((f'{mark}"{warning.quote}"', QUOTE_STYLE))
    tail = (
        Content.assemble((" · ", HINT_STYLE), ("x", "bold"), (" dismiss", HINT_STYLE)) if dismissable else Content("")
    )
    sep = Content.assemble((" · ", HINT_STYLE))
    full = Content.assemble(" ", head, sep, quote, tail)
    if width is None or full.cell_length <= width:
        return full
    fixed = 1 + sep.cell_length + tail.cell_length
    quote_room = width - fixed - head.cell_length
    if quote_room < QUOTE_ROOM:  # the text gives way too, keeping the start of the quote
        head_room = width - fixed - QUOTE_ROOM
        if head_room < 12:
            return Content.assemble(" ", head.truncate(max(width - 1 - tail.cell_length, 1), ellipsis=True), tail)
        head = head.truncate(head_room, ellipsis=True)
        quote_room = QUOTE_ROOM
    return Content.assemble(" ", head, sep, quote.truncate(quote_room, ellipsis=True), tail).truncate(width)


class CoachLine(Widget):
    """The coach's current warning, else a suggestion, else nothing (hidden)."""

    #: The folded incident (bound from the screen: `data_bind(WarRoomScreen.incident)`).
    incident: var[IncidentState | None] = var(None, always_update=True)

    DEFAULT_CSS = """
    CoachLine { height: 1; display: none; background: $panel; text-wrap: nowrap; }
    CoachLine.-shown { display: block; }
    CoachLine.-warning { background: $warning 15%; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The warning shown now (None when there is none).
        self.warning: CoachWarning | None = None
        self._suggestion: Content | None = None
        #: Dismissed here and being recorded: hidden before the record comes back.
        self._dismissing: set[tuple[str, str]] = set()

    # --- inputs --------------------------------------------------------------------------------

    def set_suggestion(self, text: str | Content | None) -> None:
        """Show `text` when the coach has no warning (None clears it). A str is untrusted: shown
        plain, control sequences stripped."""
        if text is None or (isinstance(text, str) and not text.strip()):
            self._suggestion = None
        elif isinstance(text, Content):
            self._suggestion = text
        else:
            self._suggestion = Content(clean(text, cap=300))
        self._update_display()

    def dismissing(self, warning: CoachWarning) -> None:
        """Hide `warning` now: its dismissal is being recorded (the record keeps it hidden after)."""
        self._dismissing.add((warning.rule, warning.key))
        self.tick()

    def watch_incident(self) -> None:
        if self.is_mounted:
            self.tick()

    def on_mount(self) -> None:
        self.tick()

    def _dismissable(self) -> bool:
        """`x` dismisses (and records) here: not on a `--readonly` screen."""
        config = getattr(self.app, "config", None)
        return not getattr(getattr(config, "ui", None), "readonly", False)

    def now(self) -> datetime:
        """The screen's interval clock: a stepped wall clock moves no deadline."""
        return interval_now(self)

    def tick(self) -> None:
        """Re-evaluate the coach's rules as of the app's clock (every second, every event)."""
        state = self.incident
        warning = None
        # A long incident's older events are still loading: the rules read the whole record.
        if state is not None and not getattr(self.screen, "history_pending", False):
            from warroom.domain.cadence import UpdateCadence
            from warroom.domain.coach import active

            config = getattr(self.app, "config", None)
            cadence = UpdateCadence.from_config(getattr(config, "cadence", None))
            found = [w for w in active(state, self.now(), cadence) if (w.rule, w.key) not in self._dismissing]
            warning = found[0] if found else None
        if warning != self.warning:
            self.warning = warning
            self._update_display()

    # --- drawing -------------------------------------------------------------------------------

    @property
    def plain(self) -> str:
        """What the line says in full (the warning's whole words, or the suggestion)."""
        if self.warning is not None:
            return warning_content(self.warning, dismissable=self._dismissable()).plain
        return self._suggestion.plain if self._suggestion is not None else ""

    def _update_display(self) -> None:
        shown = self.warning is not None or self._suggestion is not None
        self.set_class(shown, "-shown")
        self.set_class(self.warning is not None, "-warning")
        self.refresh()

    def get_content_height(self, container, viewport, width: int) -> int:
        # One line whatever the words: the screen's grid sizes an `auto` row by asking this at
        # its first column's width, where long words would otherwise count as two lines.
        return 1

    def render(self) -> RenderResult:
        width = self.content_region.width or None
        if self.warning is not None:
            return warning_content(self.warning, width, dismissable=self._dismissable())
        if self._suggestion is not None:
            line = Content.assemble(" ", self._suggestion)
            return line.truncate(width, ellipsis=True) if width else line
        return Content("")
