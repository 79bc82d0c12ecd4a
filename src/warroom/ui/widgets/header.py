"""The war room's header: incident, SEV badge, status, elapsed, IC, and the update countdown.

    SEV-2  INC-7 checkout returns 500s                 ◌ Investigating  elapsed 12m 05s  IC alice  ◷ next…

One line from 160 columns; below that the title gets a line of its own and the state, with the
countdown after it, the second (the war room screen's CSS stacks them by its breakpoints). Every
state is in words and symbols as well as colour: `SEV-2`, `DRILL`, `⏸ PAUSED`, `✓ Resolved`,
`⚠ NO IC · /ic NAME`.

Two widgets that each draw one line of styled text, not a row of Statics: the header is on the
first frame, and every widget there costs Textual a few milliseconds to mount and style. Span
colours are theme variables (`$wr-sev2`), resolved when drawn (a theme switch redraws them).
The screen mounts issue 6's `Countdown` into the header itself, after the first frame.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import RenderResult
from textual.containers import Container
from textual.content import Content
from textual.widget import Widget

from warroom.domain.incident import IncidentState
from warroom.domain.metrics import format_duration
from warroom.domain.status import Status
from warroom.sanitize import clean

STATUS_SYMBOL = {
    Status.INVESTIGATING: "◌",
    Status.IDENTIFIED: "◎",
    Status.MONITORING: "◉",
    Status.RESOLVED: "✓",
}
NO_IC = "⚠ NO IC · /ic NAME"


def elapsed_text(state: IncidentState, now: datetime) -> str:
    """`elapsed 12m 05s` since the incident started; `lasted 1h 04m` once resolved."""
    start = state.milestones.started or state.declared_at
    if state.milestones.resolved is not None and not state.is_open:
        return f"lasted {format_duration(state.milestones.resolved - start)}"
    return f"elapsed {format_duration(now - start)}"


def ic_text(state: IncidentState) -> str:
    commander = state.commander
    return f"IC {clean(commander, cap=40)}" if commander else NO_IC


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
    if state is None:
        return Content("")
    status = f"{STATUS_SYMBOL.get(state.status, '•')} {state.status.value}"
    resolved = state.status is Status.RESOLVED
    ic = ("IC ", "bold"), (clean(state.commander, cap=40), "bold")
    if state.commander is None:
        ic = ((f" {NO_IC} ", "bold $wr-alarm-text on $wr-alarm"),)
    return Content.assemble(
        " ", (status, "bold $wr-good" if resolved else ""), "  ",
        (elapsed_text(state, now), "$wr-time"), "  ", *ic, " ",
    )


class HeaderLine(Widget):
    """One line of the header, drawn from an incident (`show`); `plain` is what it says."""

    DEFAULT_CSS = """
    HeaderLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._content = Content("")

    def show(self, content: Content) -> None:
        """Repaint only when the words or their styles changed (the tick calls this every second)."""
        if content != self._content or content.spans != self._content.spans:
            width_changed = content.cell_length != self._content.cell_length
            self._content = content
            self.refresh(layout=width_changed)

    @property
    def content(self) -> Content:
        return self._content

    @property
    def plain(self) -> str:
        return self._content.plain

    def render(self) -> RenderResult:
        return self._content

    def get_content_width(self, container, viewport) -> int:  # noqa: ANN001
        return self._content.cell_length


class IncidentHeader(Container):
    """The top of the war room. Feed it with `set_incident`, `tick` and `set_paused`."""

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

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._state: IncidentState | None = None
        self._now: datetime | None = None
        self._paused = False
        self._read_only = False

    def compose(self):  # noqa: ANN201
        yield HeaderLine(id="incident-title")
        yield HeaderLine(id="incident-state")

    @property
    def title_text(self) -> str:
        return self.query_one("#incident-title", HeaderLine).plain

    @property
    def state_text(self) -> str:
        return self.query_one("#incident-state", HeaderLine).plain

    @property
    def no_ic(self) -> bool:
        """The loud no-IC warning is showing."""
        return self._state is not None and self._state.commander is None

    def set_incident(self, state: IncidentState, now: datetime) -> None:
        self._state, self._now = state, now
        self._show()

    def tick(self, state: IncidentState, now: datetime) -> None:
        """Repaint the elapsed time (called every second; repaints only when the text changes)."""
        self._state, self._now = state, now
        self.query_one("#incident-state", HeaderLine).show(state_line(state, now))

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self._show()

    def set_read_only(self, read_only: bool) -> None:
        """Show the READ-ONLY badge: the database cannot be written, nothing here is recorded."""
        self._read_only = read_only
        self._show()

    def _show(self) -> None:
        if self._state is None or self._now is None:
            return
        self.query_one("#incident-title", HeaderLine).show(title_line(self._state, self._paused, self._read_only))
        self.query_one("#incident-state", HeaderLine).show(state_line(self._state, self._now))
