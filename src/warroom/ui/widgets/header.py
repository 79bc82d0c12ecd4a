"""The war room's header: incident, SEV badge, the phase guide, status, elapsed, IC, and the
update countdown.

    SEV-2  INC-7 checkout returns 500s   MITIGATE 3/6 ▸ mitigate: roll back api 0aaf9da?   ◌ Investigating  elapsed 12m 05s  IC alice  ◷ next…

The phase guide (where the incident stands and the one next step, `domain.phase`) sits at the
right of the title's line, and shortens before the title loses more than its start
(`phase_line.py`).

One line from 160 columns; below that the title gets a line of its own and the state, with the
countdown after it, the second (the war room screen's CSS stacks them by its breakpoints). Every
state is in words and symbols as well as colour: `SEV-2`, `DRILL`, `⏸ PAUSED`, `✓ Resolved`,
`⚠ NO IC · /ic NAME`, `IC alice → bob (pending ack)` while a handoff waits for bob's ack.

Two widgets that each draw one line of styled text, not a row of Statics: the header is on the
first frame, and every widget there costs Textual a few milliseconds to mount and style. Span
colours are theme variables (`$wr-sev2`), resolved when drawn (a theme switch redraws them).
The screen mounts the update `Countdown` into the header itself, after the first frame.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import RenderResult
from textual.containers import Container
from textual.content import Content
from textual.reactive import var
from textual.widget import Widget

from warroom.domain.incident import IncidentState
from warroom.domain.metrics import format_duration
from warroom.domain.status import Status
from warroom.sanitize import clean
from warroom.ui.widgets.interval_clock import interval_now

STATUS_SYMBOL = {
    Status.INVESTIGATING: "◌",
    Status.IDENTIFIED: "◎",
    Status.MONITORING: "◉",
    Status.RESOLVED: "✓",
}
NO_IC = "⚠ NO IC · /ic NAME"
#: Columns the state line keeps beside the countdown on a narrow header (`◌ 12m 05s  ⚠ NO IC`):
#: a countdown with longer words uses its shorter ones (never cut) rather than crowd it out.
STATE_ROOM = 21


def elapsed_text(state: IncidentState, now: datetime) -> str:
    """`elapsed 12m 05s` since the incident started; `lasted 1h 04m` once resolved."""
    start = state.milestones.started or state.declared_at
    if state.milestones.resolved is not None and not state.is_open:
        return f"lasted {format_duration(state.milestones.resolved - start)}"
    return f"elapsed {format_duration(now - start)}"


def sev_badge(state: IncidentState) -> str:
    return f"{state.severity.label}"


#: The header's badge while the database cannot be written (full disk, read-only mount).
READ_ONLY_BADGE = " READ-ONLY "


def title_line(state: IncidentState | None, paused: bool = False, read_only: bool = False) -> Content:
    """`SEV-2  DRILL  ⏸ PAUSED  INC-7 title`: the markers first, so a long title never hides them."""
    if state is None:
        return Content("")
    sev = int(state.severity)
    parts: list[str | tuple[str, str]] = [(f" {sev_badge(state)} ", f"bold $wr-sev{sev}-text on $wr-sev{sev}")]
    if state.drill:
        parts.append((" DRILL ", "bold $wr-drill-text on $wr-drill"))
    if paused:
        parts.append((" ⏸ PAUSED ", "bold $background on $warning"))
    if read_only:
        parts.append((READ_ONLY_BADGE, "bold $background on $error"))
    # Content, not markup: a title like "[b]x[/b]" is shown as typed.
    parts += [" ", (f"{state.short_id} {clean(state.title, cap=300)}", "bold")]
    return Content.assemble(*parts)


def state_line(state: IncidentState | None, now: datetime) -> Content:
    """`◌ Investigating  elapsed 12m 05s  IC alice`, or the loud no-IC warning."""
    return state_variants(state, now)[0]


def state_variants(state: IncidentState | None, now: datetime) -> list[Content]:
    """The state line, longest first: a narrow header shows the longest that fits beside the
    countdown, which is never cut (the words go first: `elapsed`, the `/ic NAME` hint, the
    elapsed time, the status word; the symbols and the IC's name stay)."""
    if state is None:
        return [Content("")]
    symbol = STATUS_SYMBOL.get(state.status, "•")
    status_style = "bold $wr-good" if state.status is Status.RESOLVED else ""
    elapsed = elapsed_text(state, now)
    short_elapsed = elapsed.split(" ", 1)[1]
    if state.commander is None:
        ic_long: tuple = ((f" {NO_IC} ", "bold $wr-alarm-text on $wr-alarm"),)
        ic_short: tuple = ((" ⚠ NO IC ", "bold $wr-alarm-text on $wr-alarm"),)
    else:
        ic_long = ic_short = (("IC ", "bold"), (clean(state.commander, cap=40), "bold"))
        if state.handoff is not None:  # the IC stays IC until the incoming person acknowledges
            incoming = clean(state.handoff.incoming, cap=40)
            ic_long += ((f" → {incoming} (pending ack)", "bold $wr-vacant"),)
            ic_short += ((f" → {incoming}?", "bold $wr-vacant"),)

    def assemble(status: str, time: str | None, ic: tuple) -> Content:
        parts: list = [" ", (status, status_style), "  "]
        if time is not None:
            parts += [(time, "$wr-time"), "  "]
        return Content.assemble(*parts, *ic)

    full_status = f"{symbol} {state.status.value}"
    return [
        assemble(full_status, elapsed, ic_long),
        assemble(full_status, short_elapsed, ic_long),
        assemble(full_status, short_elapsed, ic_short),
        assemble(full_status, None, ic_short),
        assemble(symbol, short_elapsed, ic_short),
        assemble(symbol, None, ic_short),
    ]


class HeaderLine(Widget):
    """One line of the header, drawn from an incident (`show`); `plain` is what it says in full.

    Given shorter variants too (`show(long, shorter, ...)`), it draws the longest that fits its
    width: the state line gives way to the countdown beside it, which is never cut.
    """

    DEFAULT_CSS = """
    HeaderLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")
        self._variants: tuple[Content, ...] = (self._content,)

    def show(self, content: Content, *shorter: Content) -> None:
        """Repaint only when the words or their styles changed (the tick calls this every second)."""
        variants = (content, *shorter)
        if len(variants) != len(self._variants) or any(
            new != old or new.spans != old.spans for new, old in zip(variants, self._variants)
        ):
            width_changed = content.cell_length != self._content.cell_length
            self._content, self._variants = content, variants
            self.refresh(layout=width_changed)

    @property
    def content(self) -> Content:
        return self._content

    @property
    def plain(self) -> str:
        return self._content.plain

    @property
    def shown(self) -> Content:
        """The variant drawn at the current width (the longest that fits, else the shortest)."""
        width = self.content_region.width if self.is_mounted else 0
        if width <= 0:
            return self._content
        for variant in self._variants:
            if variant.cell_length <= width:
                return variant
        return self._variants[-1]

    def render(self) -> RenderResult:
        return self.shown

    def get_content_width(self, container, viewport) -> int:
        return self._content.cell_length


class TitleLine(HeaderLine):
    """The title's line with the phase guide right-aligned on it (`show_phase`, `phase_line.py`).

    `content`/`plain` stay the title alone; `shown` is the whole line as drawn at this width."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._phase: tuple[Content, ...] = ()

    def show_phase(self, *variants: Content) -> None:
        """Show these phase-guide forms (longest first); repaint only when they changed."""
        if len(variants) != len(self._phase) or any(
            new != old or new.spans != old.spans for new, old in zip(variants, self._phase)
        ):
            self._phase = variants
            self.refresh()

    def _width(self) -> int:
        return self.content_region.width if self.is_mounted else 0

    @property
    def phase_shown(self) -> Content:
        """The phase-guide form drawn at the current width (empty when none is set)."""
        from warroom.ui.widgets.phase_line import fit_phase

        parent = self.parent
        state = parent.query_one("#incident-state") if isinstance(parent, IncidentHeader) else None
        shared_row = state is not None and state.region.height > 0 and state.region.y == self.region.y
        return fit_phase(self.content, self._phase, self._width(), shared_row=shared_row)

    @property
    def shown(self) -> Content:
        from warroom.ui.widgets.phase_line import title_with_phase

        return title_with_phase(super().shown, self.phase_shown, self._width())


class IncidentHeader(Container):
    """The top of the war room: `incident` and `paused` are bound from the screen
    (`data_bind(WarRoomScreen.incident, WarRoomScreen.paused)`); `tick` moves the elapsed time."""

    #: The folded incident shown.
    incident: var[IncidentState | None] = var(None, always_update=True)
    #: Live updates paused: the title says so.
    paused: var[bool] = var(False)

    DEFAULT_CSS = """
    IncidentHeader {
        layout: grid;
        grid-size: 3 1;
        grid-columns: 1fr auto auto;
        height: 1;
        background: $panel;
        color: $foreground;
        & > #incident-title { width: 1fr; }
        & > #incident-state { width: auto; }
        & > Countdown { width: auto; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._now: datetime | None = None
        self._read_only = False

    def compose(self):
        yield TitleLine(id="incident-title")
        yield HeaderLine(id="incident-state")

    def on_mount(self) -> None:
        self._show()

    @property
    def title_text(self) -> str:
        return self.query_one("#incident-title", HeaderLine).plain

    @property
    def state_text(self) -> str:
        return self.query_one("#incident-state", HeaderLine).plain

    @property
    def shown_text(self) -> str:
        """The whole header line(s) as drawn now: title, the state variant that fits, countdown."""
        parts = [
            self.query_one("#incident-title", HeaderLine).shown.plain,
            self.query_one("#incident-state", HeaderLine).shown.plain,
        ]
        parts += [str(getattr(c, "text", "")) for c in self.query(".countdown")]
        return " ".join(parts)

    @property
    def phase_text(self) -> str:
        """The phase guide as drawn now (`MITIGATE 3/6 ▸ mitigate: roll back api 0aaf9da?`)."""
        return self.query_one("#incident-title", TitleLine).phase_shown.plain.strip()

    @property
    def no_ic(self) -> bool:
        """The loud no-IC warning is showing."""
        return self.incident is not None and self.incident.commander is None

    def watch_incident(self) -> None:
        self._now = interval_now(self)
        self._show()

    def watch_paused(self) -> None:
        self._show()

    def tick(self, now: datetime) -> None:
        """Repaint the elapsed time (called every second; repaints only when the text changes)."""
        self._now = now
        if self.incident is not None:
            self.query_one("#incident-state", HeaderLine).show(*state_variants(self.incident, now))
            if not getattr(self.screen, "history_pending", False):
                self._show_phase(self.incident, now)

    def set_read_only(self, read_only: bool) -> None:
        """Show the READ-ONLY badge: the database cannot be written, nothing here is recorded."""
        self._read_only = read_only
        self._show()

    def _show(self) -> None:
        state = self.incident
        if state is None or self._now is None or not self.is_mounted:
            return
        self.query_one("#incident-title", HeaderLine).show(title_line(state, self.paused, self._read_only))
        self.query_one("#incident-state", HeaderLine).show(*state_variants(state, self._now))
        if not getattr(self.screen, "history_pending", False):  # the phase reads the whole record
            self._show_phase(state, self._now)

    def _show_phase(self, state: IncidentState, now: datetime) -> None:
        """The phase guide beside the title: the domain's phase and next step as of `now`."""
        from warroom.domain.cadence import UpdateCadence
        from warroom.domain.phase import guide
        from warroom.ui.widgets.phase_line import phase_variants

        cadence = UpdateCadence.from_config(getattr(getattr(self.app, "config", None), "cadence", None))
        self.query_one("#incident-title", TitleLine).show_phase(*phase_variants(guide(state, now, cadence)))
