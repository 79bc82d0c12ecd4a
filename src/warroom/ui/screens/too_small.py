"""Below 60x15 the war room does not fit: say so, and still show SEV, status and the countdown.

The command line keeps the focus while this view is up (typing goes on into it, and nothing
typed fires a key): the last line here shows what it holds, so nobody types blind.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import var
from textual.widgets import Static

from warroom.domain.incident import IncidentState
from warroom.sanitize import clean

MIN_WIDTH = 60
MIN_HEIGHT = 15


class TooSmall(Vertical):
    """Shown by the war room screen's CSS when the terminal is narrower or shorter than the minimum.
    Its `incident` is bound from the screen (`data_bind(WarRoomScreen.incident)`)."""

    #: The folded incident: severity, status and IC are shown.
    incident: var[IncidentState | None] = var(None, always_update=True)

    DEFAULT_CSS = """
    TooSmall {
        height: 1fr;
        padding: 0 1;
        background: $surface;
        & > Static { height: auto; width: 1fr; }
        & > #too-small-sev { text-style: bold; width: auto; }
        & > #too-small-sev.sev-1 { background: $wr-sev1; color: $wr-sev1-text; }
        & > #too-small-sev.sev-2 { background: $wr-sev2; color: $wr-sev2-text; }
        & > #too-small-sev.sev-3 { background: $wr-sev3; color: $wr-sev3-text; }
        & > #too-small-sev.sev-4 { background: $wr-sev4; color: $wr-sev4-text; }
        & > #too-small-message { color: $warning; text-style: bold; margin-bottom: 1; }
        & > #too-small-slot { height: auto; }
        & > #too-small-typing { color: $text-muted; margin-top: 1; }
    }
    """

    def on_mount(self) -> None:
        self.watch_incident(self.incident)

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Terminal too small: need {MIN_WIDTH}x{MIN_HEIGHT}"), id="too-small-message")
        yield Static("", id="too-small-sev", markup=False)
        yield Static("", id="too-small-status", markup=False)
        yield Static("", id="too-small-ic", markup=False)
        yield Vertical(id="too-small-slot")
        yield Static(self._typing(""), id="too-small-typing")

    def on_resize(self) -> None:
        width, height = self.app.size
        self.query_one("#too-small-message", Static).update(
            Text(f"Terminal too small ({width}x{height}): need {MIN_WIDTH}x{MIN_HEIGHT}")
        )

    @staticmethod
    def _typing(text: str) -> Text:
        if not text:
            return Text("typing goes to the command line")
        return Text(f"› {clean(text, cap=200)}")

    def show_typing(self, text: str) -> None:
        """What the (hidden) command line holds, as it is typed."""
        self.query_one("#too-small-typing", Static).update(self._typing(text))

    def watch_incident(self, state: IncidentState | None) -> None:
        if state is None or not self.is_mounted:
            return
        sev = self.query_one("#too-small-sev", Static)
        sev.update(Text(f" {state.severity.label} {state.short_id} "))
        sev.set_classes(f"sev-{int(state.severity)}")
        self.query_one("#too-small-status", Static).update(Text(state.status.value))
        ic = state.commander
        self.query_one("#too-small-ic", Static).update(Text("IC " + clean(ic, cap=40) if ic else "⚠ NO IC"))
