"""The header countdown to the next required status update ("Silence = panic").

It only renders: `domain.cadence.next_update(state, now)` decides the deadline and the phase.
A 1 s interval repaints this one line. Phases read in words and symbols, not colour alone:

    ok        ◷ next update in 12m 30s
    soon      ▲ UPDATE DUE in 1m 45s            (amber, last 2 minutes)
    overdue   ✖ UPDATE OVERDUE 4m · silent 34m  (red; rings the terminal bell once)
    none      SEV-4: no scheduled updates / no update due (resolved)
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from warroom.domain.cadence import UpdateCadence, UpdateDue, format_duration, next_update
from warroom.ui.pane_messages import CountdownPhaseChanged

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState

Clock = Callable[[], datetime]
PHASES = ("ok", "soon", "overdue", "none")


def countdown_text(due: UpdateDue | None) -> str:
    """The words the header shows for a countdown (plain text; the widget adds the colour)."""
    if due is None:
        return "◷ no incident"
    if due.phase == "none":
        if due.cadence_minutes is None and int(due.severity) == 4:
            return f"{due.severity.label}: no scheduled updates"
        return "no update due (resolved)"
    if due.phase == "overdue":
        return f"✖ UPDATE OVERDUE {format_duration(due.overdue_by)} · silent {format_duration(due.silent_for)}"
    assert due.remaining is not None
    if due.phase == "soon":
        return f"▲ UPDATE DUE in {format_duration(due.remaining)}"
    return f"◷ next update in {format_duration(due.remaining)}"


class Countdown(Static):
    """Time to the next required update; amber in the last 2 min; red, silent-for and one bell when overdue.

    Mount it in the header (`#countdown-slot`) and call `set_incident(state)` whenever the
    incident's state is refolded. `clock` defaults to the app's `clock` attribute (if any) so
    snapshot tests freeze time; `cadence` to the app config's `[cadence]`. Pass `bell=False` to a
    second copy (the "terminal too small" view) so the room hears one bell, not two.
    """

    DEFAULT_CSS = """
    Countdown {
        width: auto;
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
    }
    Countdown.-soon {
        background: $warning;
        color: $text;
        text-style: bold;
    }
    Countdown.-overdue {
        background: $error;
        color: $text;
        text-style: bold;
    }
    Countdown.-none {
        color: $text-muted;
    }
    """

    def __init__(
        self,
        state: "IncidentState | None" = None,
        *,
        cadence: Any | None = None,
        clock: Clock | None = None,
        bell: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", name=name, id=id, classes=classes, markup=False)
        self._state = state
        self._cadence_arg = cadence
        self._clock_arg = clock
        self.rings_bell = bell
        self.due: UpdateDue | None = None
        self.phase: str | None = None
        self.bells_rung = 0
        self._rung_for: datetime | None = None
        self._watched_phase: str | None = None
        self._text = ""

    # --- inputs ------------------------------------------------------------------------------

    def set_incident(self, state: "IncidentState | None") -> None:
        """Give the countdown the latest folded state (a post or a severity change moves it)."""
        self._state = state
        if self.is_mounted:
            self.tick()

    @property
    def cadence(self) -> UpdateCadence:
        source = self._cadence_arg
        if source is None:
            config = getattr(self.app, "config", None)
            source = getattr(config, "cadence", None)
        if isinstance(source, UpdateCadence):
            return source
        return UpdateCadence.from_config(source)

    def now(self) -> datetime:
        clock = self._clock_arg or getattr(self.app, "clock", None)
        if callable(clock):
            return clock()
        return datetime.now(timezone.utc)

    # --- repaint -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """Recompute from (state, now) and repaint if the text or phase changed."""
        state = self._state
        due = next_update(state, self.now(), self.cadence) if state is not None else None
        self.due = due
        phase = due.phase if due is not None else "none"
        text = countdown_text(due)
        if phase != self.phase:
            for name in PHASES:
                self.set_class(name == phase, f"-{name}")
            self.phase = phase
            self.post_message(CountdownPhaseChanged(phase, text))
        if due is not None:
            # Ring only on a transition watched live: opening a screen that is already overdue
            # shows red without a bell, and one deadline never rings twice.
            watched = self._watched_phase
            self._watched_phase = phase
            if phase == "overdue" and watched not in (None, "overdue") and self._rung_for != due.due_at:
                self._rung_for = due.due_at
                if self.rings_bell:
                    self.bells_rung += 1
                    self.app.bell()
        if text != self._text and not self._hidden():
            previous, self._text = self._text, text
            # width is auto: only a change in length needs a layout pass.
            self.update(Content(text), layout=len(text) != len(previous))

    def on_show(self) -> None:
        self.tick()

    def _hidden(self) -> bool:
        """Hidden by CSS (the header below 60x15, the too-small view otherwise): repainting a
        widget nobody sees makes Textual rebuild its whole map, so only the bell logic runs."""
        node: Any = self
        while isinstance(node, Widget) and not isinstance(node, Screen):
            if not node.display:
                return True
            node = node.parent
        return False
