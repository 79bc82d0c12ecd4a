"""The header countdown to the next required status update ("Silence = panic").

It only renders: `domain.cadence.next_update(state, now)` decides the update deadline and
`domain.cadence.user_comms_due` the SEV-2 rule (users hear from us within 30 min). The header
shows whichever is more urgent (overdue before soon before ok, then the earlier deadline).
A 1 s interval repaints this one line. Phases read in words and symbols, not colour alone:

    ok        ◷ next update in 12m 30s          ◷ user comms due in 9m
    soon      ▲ UPDATE DUE in 1m 45s            ▲ USER COMMS DUE in 1m 30s    (amber, last 2 min)
    overdue   ✖ UPDATE OVERDUE 4m · silent 34m  ✖ USER COMMS LATE 1m · next update in 19m
              (red; each deadline rings the terminal bell once when it passes)
    none      SEV-4: no scheduled updates / no required updates (SEV-3 cadence off) /
              no update due (resolved)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from warroom.domain.cadence import (
    UpdateCadence,
    UpdateDue,
    UserCommsDue,
    next_update,
    user_comms_due,
)
from warroom.domain.metrics import format_duration
from warroom.domain.severity import Severity
from warroom.ui.widgets.interval_clock import interval_now

if TYPE_CHECKING:
    from warroom.domain.incident import IncidentState

Clock = Callable[[], datetime]
PHASES = ("ok", "soon", "overdue", "none")
_RANK = {"none": 0, "met": 0, "ok": 1, "soon": 2, "overdue": 3}


def _update_text(due: UpdateDue, is_open: bool) -> str:
    if due.phase == "none":
        if not is_open:
            return "no update due (resolved)"
        if due.severity is Severity.SEV4:  # the playbook's own "none"
            return f"{due.severity.label}: no scheduled updates"
        # The cadence for this severity is switched off in config: open, but nothing required.
        return f"no required updates ({due.severity.label} cadence off)"
    if due.phase == "overdue":
        return f"✖ UPDATE OVERDUE {format_duration(due.overdue_by)} · silent {format_duration(due.silent_for)}"
    assert due.remaining is not None
    if due.phase == "soon":
        return f"▲ UPDATE DUE in {format_duration(due.remaining)}"
    return f"◷ next update in {format_duration(due.remaining)}"


def _users_text(users: UserCommsDue) -> str:
    assert users.remaining is not None
    if users.phase == "overdue":
        return f"✖ USER COMMS LATE {format_duration(users.remaining)}"
    if users.phase == "soon":
        return f"▲ USER COMMS DUE in {format_duration(users.remaining)}"
    return f"◷ user comms due in {format_duration(users.remaining)}"


def users_first(due: UpdateDue | None, users: UserCommsDue | None) -> bool:
    """True when the SEV-2 user-comms deadline is the one to show: more urgent, or as urgent
    and not later than the next update (one external post meets both; say which one counts)."""
    if users is None or users.phase not in ("ok", "soon", "overdue") or users.due_at is None:
        return False
    update_rank = _RANK[due.phase] if due is not None else 0
    if _RANK[users.phase] != update_rank:
        return _RANK[users.phase] > update_rank
    return due is None or due.due_at is None or users.due_at <= due.due_at


def countdown_variants(due: UpdateDue | None, users: UserCommsDue | None = None, *, is_open: bool = True) -> list[str]:
    """The words the header shows, longest first: the widget uses the longest that fits its line
    (at 80 columns the second deadline or the silence gives way; the urgent words never do)."""
    if due is None:
        return ["◷ no incident"]
    update = _update_text(due, is_open)
    if users is not None and users.phase == "overdue" and due.phase == "overdue":
        # Both late: the update countdown leads, users named so nobody thinks one post fixes both.
        late = f"users LATE {format_duration(users.remaining or timedelta(0))}"
        short = f"✖ UPDATE OVERDUE {format_duration(due.overdue_by)}"
        return [f"{update} · {late}", f"{short} · {late}", f"{short} · users LATE"]
    if users_first(due, users):
        assert users is not None
        text = _users_text(users)
        if users.phase == "overdue" and due.phase in ("ok", "soon") and due.remaining is not None:
            return [f"{text} · next update in {format_duration(due.remaining)}", text]
        return [text]
    if due.phase == "overdue":
        return [update, f"✖ UPDATE OVERDUE {format_duration(due.overdue_by)}"]
    return [update]


def countdown_phase(due: UpdateDue | None, users: UserCommsDue | None = None) -> str:
    """The colour class: the more urgent of the two deadlines (`met` counts as nothing due)."""
    phase = due.phase if due is not None else "none"
    if users is not None and users.phase in ("ok", "soon", "overdue") and _RANK[users.phase] > _RANK[phase]:
        return users.phase
    return phase


class Countdown(Static):
    """Time to the next required update (or to SEV-2 user comms, when that is more urgent);
    amber in the last 2 min; red, silent-for and one bell per missed deadline when overdue.

    Mount it in the header (`IncidentHeader`) with its `incident` bound to the screen's
    (`data_bind(WarRoomScreen.incident)`): a refolded incident moves it at once. `clock` defaults to the app's `clock` attribute (if any) so
    snapshot tests freeze time; `cadence` to the app config's `[cadence]`. Pass `bell=False` to a
    second copy (the "terminal too small" view) so the room hears one bell, not two.
    """

    class PhaseChanged(Message):
        """The countdown moved between ok / soon / overdue / none (bubbles to the app)."""

        def __init__(self, phase: str, text: str) -> None:
            super().__init__()
            self.phase = phase
            self.text = text

    #: The folded incident it counts for (bound from the screen, or set directly).
    incident: var[IncidentState | None] = var(None, always_update=True)

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
        state: IncidentState | None = None,
        *,
        cadence: Any | None = None,
        clock: Clock | None = None,
        bell: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", name=name, id=id, classes=classes, markup=False)
        self.set_reactive(Countdown.incident, state)
        self._cadence_arg = cadence
        self._clock_arg = clock
        self.rings_bell = bell
        self.due: UpdateDue | None = None
        self.users: UserCommsDue | None = None
        self.phase: str | None = None
        self.bells_rung = 0
        # Per deadline ("update", "users"): the due time already rung for, the phase last seen.
        self._rung_for: dict[str, datetime | None] = {}
        self._watched: dict[str, str] = {}
        self._text = ""
        self.variants: list[str] = []
        self._level = 0  # which of `variants` is shown: 0 the longest
        self._shape: tuple[Any, ...] = ()

    @property
    def text(self) -> str:
        """The words shown now (plain)."""
        return self._text

    # --- inputs ------------------------------------------------------------------------------

    def watch_incident(self) -> None:
        """A post or a severity change moves the countdown."""
        if self.is_mounted:
            self.tick()

    def use_clock_and_cadence(self, clock: Clock | None, cadence: Any | None) -> None:
        """Read the time from `clock` and the update cadence from `cadence` (config's or an
        `UpdateCadence`); None for either: the app's."""
        self._clock_arg = clock
        self._cadence_arg = cadence

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
        """The clock it was given, else the screen's interval clock (steady across clock steps)."""
        if self._clock_arg is not None:
            return self._clock_arg()
        return interval_now(self)

    # --- repaint -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """Recompute from (state, now) and repaint if the text or phase changed."""
        state = self.incident
        now = self.now()
        due = users = None
        if state is not None:
            cadence = self.cadence
            due = next_update(state, now, cadence)
            # Users need telling while the incident is open; after resolution it is history.
            users = user_comms_due(state, now, cadence) if state.is_open else None
        self.due, self.users = due, users
        phase = countdown_phase(due, users)
        variants = countdown_variants(due, users, is_open=state.is_open if state is not None else True)
        shape = (phase, len(variants), variants[-1][:6], self.app.size.width)
        if shape != self._shape:  # another kind of message or another terminal width: try the longest
            self._shape, self._level = shape, 0
        self.variants = variants
        text = variants[min(self._level, len(variants) - 1)]
        if phase != self.phase:
            for name in PHASES:
                self.set_class(name == phase, f"-{name}")
            self.phase = phase
            self.post_message(self.PhaseChanged(phase, text))
        if due is not None:
            self._maybe_ring("update", due.phase, due.due_at)
            if users is not None:
                self._maybe_ring("users", users.phase, users.due_at)
        if text != self._text and not self._hidden():
            previous, self._text = self._text, text
            # width is auto: only a change in length needs a layout pass.
            self.update(Content(text), layout=len(text) != len(previous))
            if self._level < len(variants) - 1:
                self.call_after_refresh(self._shorten_if_cut)

    def on_resize(self) -> None:
        # The first size arrives after the first tick (and a new one with every terminal size).
        self._shorten_if_cut()

    def _shorten_if_cut(self) -> None:
        """Cut off (past the right edge of the terminal, or given less room than the words need
        by the header's grid on a narrow line): use the next shorter words."""
        if not self.is_attached or not self.region.width or self._level >= len(self.variants) - 1:
            return  # (detached: a call queued just before the app quit)
        needed = Content(self._text).cell_length
        if self.content_size.width > needed:
            return  # laid out for longer words still: the resize that follows decides again
        past_edge = self.region.right > self.screen.size.width
        squeezed = self.content_size.width < needed
        if past_edge or squeezed or self._crowds_the_state_line():
            self._level += 1
            self.tick()

    def _crowds_the_state_line(self) -> bool:
        """On the header's second line (below 160 columns) the state line beside it keeps
        `STATE_ROOM` columns (symbol, elapsed, IC or the NO IC warning): longer words give way."""
        from warroom.ui.widgets.header import STATE_ROOM, IncidentHeader

        parent = self.parent
        return isinstance(parent, IncidentHeader) and 0 <= self.region.x - parent.region.x < STATE_ROOM

    def _maybe_ring(self, which: str, phase: str, due_at: datetime | None) -> None:
        """Ring only on a transition watched live: opening a screen that is already overdue
        shows red without a bell, and one deadline never rings twice."""
        watched = self._watched.get(which)
        self._watched[which] = phase
        if phase == "overdue" and watched not in (None, "overdue") and self._rung_for.get(which) != due_at:
            self._rung_for[which] = due_at
            if self.rings_bell:
                self.bells_rung += 1
                self.app.bell()

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
