"""The war room's header: incident, SEV badge, status, elapsed, IC, countdown slot.

    SEV-1  INC-7 checkout returns 500s     ◌ Investigating  12m 05s  IC alice  [countdown]

One line when the terminal is wide enough; below 160 columns the title gets a line of its own
(the war room screen's CSS stacks the two halves). Every state is in words as well as colour. The countdown
is mounted by the screen into the container with id `countdown-slot` (issue 6's `Countdown`).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

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


def elapsed_text(state: IncidentState, now: datetime) -> str:
    """`elapsed 12m 05s` since the incident started; `lasted 1h 04m` once resolved."""
    start = state.milestones.started or state.declared_at
    if state.milestones.resolved is not None and not state.is_open:
        return f"lasted {format_duration(state.milestones.resolved - start)}"
    return f"elapsed {format_duration(now - start)}"


def ic_text(state: IncidentState) -> str:
    commander = state.commander
    return f"IC {clean(commander, cap=40)}" if commander else "⚠ NO IC · /ic NAME"


def sev_badge(state: IncidentState) -> str:
    return f"{state.severity.label}"


class IncidentHeader(Horizontal):
    """The top of the war room. Feed it with `set_incident` and `tick`."""

    DEFAULT_CSS = """
    IncidentHeader {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
        & > Horizontal { height: 1; }
        & > #header-incident { width: 1fr; }
        & > #header-state { width: auto; }
        & Static { width: auto; height: 1; padding: 0 1; text-wrap: nowrap; }
        & #incident-title { width: 1fr; text-overflow: ellipsis; text-style: bold; }
        & #sev-badge { text-style: bold; }
        & #sev-badge.sev-1 { background: $wr-sev1; color: $wr-sev1-text; }
        & #sev-badge.sev-2 { background: $wr-sev2; color: $wr-sev2-text; }
        & #sev-badge.sev-3 { background: $wr-sev3; color: $wr-sev3-text; }
        & #sev-badge.sev-4 { background: $wr-sev4; color: $wr-sev4-text; }
        & #drill-badge { background: $wr-drill; color: $wr-drill-text; text-style: bold; display: none; }
        & #drill-badge.-drill { display: block; }
        & #status.-resolved { color: $wr-good; text-style: bold; }
        & #elapsed { color: $wr-time; }
        & #ic { text-style: bold; }
        & #ic.-no-ic { background: $wr-alarm; color: $wr-alarm-text; text-style: bold reverse; }
        & #paused { background: $warning; color: $background; text-style: bold; display: none; }
        & #paused.-paused { display: block; }
        & #countdown-slot { width: auto; height: 1; }
    }
    """

    _elapsed = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="header-incident"):
            yield Static("SEV-?", id="sev-badge", markup=False)
            yield Static("DRILL", id="drill-badge", markup=False)
            yield Static("", id="incident-title", markup=False)
            yield Static("⏸ PAUSED", id="paused", markup=False)
        with Horizontal(id="header-state"):
            yield Static("", id="status", markup=False)
            yield Static("", id="elapsed", markup=False)
            yield Static("", id="ic", markup=False)
            yield Horizontal(id="countdown-slot")

    def set_incident(self, state: IncidentState, now: datetime) -> None:
        sev = self.query_one("#sev-badge", Static)
        sev.update(Text(sev_badge(state)))
        sev.set_classes(f"sev-{int(state.severity)}")
        self.query_one("#drill-badge").set_class(state.drill, "-drill")
        title = self.query_one("#incident-title", Static)
        title.update(Text(f"{state.short_id} {clean(state.title, cap=300)}"))
        status = self.query_one("#status", Static)
        status.update(Text(f"{STATUS_SYMBOL.get(state.status, '•')} {state.status.value}"))
        status.set_class(state.status is Status.RESOLVED, "-resolved")
        ic = self.query_one("#ic", Static)
        ic.update(Text(ic_text(state)))
        ic.set_class(state.commander is None, "-no-ic")
        self.tick(state, now)

    def tick(self, state: IncidentState, now: datetime) -> None:
        """Repaint the elapsed time (called every second; repaints only when the text changes)."""
        text = elapsed_text(state, now)
        if text != self._elapsed:
            self._elapsed = text
            self.query_one("#elapsed", Static).update(Text(text))

    def set_paused(self, paused: bool) -> None:
        self.query_one("#paused").set_class(paused, "-paused")
