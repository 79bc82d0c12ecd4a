"""Declare an incident: title, severity from the playbook's table, impact, feature, detected by.

Shown when `warroom` opens and no incident is open. The severity table is shown in full with
the playbook's advice; keys 1-4 pick a row. Dismisses with the new incident's id (or None).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from warroom.domain import catalogue
from warroom.domain.events import Kind
from warroom.domain.feature import parse_feature
from warroom.domain.names import check_name
from warroom.domain.roles import IC
from warroom.domain.severity import PICK_HIGHER, SEVERITY_TABLE, Severity
from warroom.unsaved import Unsaved

if TYPE_CHECKING:
    from warroom.ui.host import WarRoomHost


def severity_prompt(sev: Severity) -> Table:
    """One row of the playbook's table: the level, what it means, and the response it calls for."""
    row = SEVERITY_TABLE[sev]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(Text(f" {sev.label} ", style="bold reverse"), Text(row.meaning, style="bold"))
    grid.add_row(Text(""), Text(f"→ {row.response}"))
    return grid


class DrillCheckbox(Checkbox):
    """A checkbox whose mark says on/off in the glyph itself (✓ or blank), not only in colour."""

    BUTTON_INNER = " "

    def watch_value(self) -> None:
        """The mark follows the value (Textual draws `BUTTON_INNER` inside the button)."""
        self.BUTTON_INNER = "✓" if self.value else " "
        super().watch_value()


#: Postmortems due listed above the form at most (then "… and N more"), so the form stays in view.
POSTMORTEM_LINES = 3


class DeclareScreen(Screen[int | None]):
    """The declare dialog. Ctrl+S or the button declares; Esc cancels."""

    AUTO_FOCUS = "#declare-title"
    BINDINGS = [
        Binding("ctrl+s", "declare", "Declare"),
        Binding("escape", "cancel", "Cancel"),
        Binding("1", "pick(1)", "SEV-1", show=False),
        Binding("2", "pick(2)", "SEV-2", show=False),
        Binding("3", "pick(3)", "SEV-3", show=False),
        Binding("4", "pick(4)", "SEV-4", show=False),
    ]
    DEFAULT_CSS = """
    DeclareScreen { align: center top; background: $background; }
    DeclareScreen > VerticalScroll { width: 96; max-width: 100%; height: 1fr; padding: 0 1; }
    DeclareScreen #declare-heading { text-style: bold; color: $primary; }
    DeclareScreen #declare-postmortems { height: auto; color: $warning; display: none; }
    DeclareScreen .row { height: 1; }
    DeclareScreen .label { width: 13; color: $text-muted; }
    DeclareScreen .row Input { width: 1fr; }
    DeclareScreen #declare-severity { height: auto; max-height: 8; border: none; padding: 0; background: $surface; }
    DeclareScreen #declare-severity:focus { background-tint: $foreground 5%; }
    DeclareScreen #declare-advice { color: $warning; text-style: bold; }
    DeclareScreen #declare-chosen { height: 1; }
    DeclareScreen #declare-drill { margin-top: 1; }
    DeclareScreen #declare-error { color: $error; text-style: bold; height: auto; }
    DeclareScreen #declare-buttons { height: auto; margin-top: 1; }
    DeclareScreen #declare-buttons Button { margin-right: 2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.severity: Severity | None = None

    def unsaved_text(self) -> list[Unsaved]:
        """What was typed into the dialog and not declared yet: quitting must not drop it."""
        fields = (
            ("title", "#declare-title"),
            ("impact", "#declare-impact"),
            ("feature", "#declare-feature"),
            ("detected by", "#declare-detected-by"),
            ("IC", "#declare-ic"),
        )
        typed = [(label, self.query_one(selector, Input).value.strip()) for label, selector in fields]
        if not any(value for _, value in typed):
            return []
        text = "\n".join(f"{label}: {value}" for label, value in typed if value)
        return [Unsaved("declare dialog filled in, not declared", text)]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("No open incident. Declare one:"), id="declare-heading")
            yield Static("", id="declare-postmortems", markup=False)
            with Horizontal(classes="row"):
                yield Static(Text("Title"), classes="label")
                yield Input(id="declare-title", compact=True, placeholder="one line: what users see")
            yield Static(Text("Severity: keys 1-4, or arrows and Enter"), classes="label-wide")
            yield OptionList(*(Option(severity_prompt(s), id=f"sev{int(s)}") for s in Severity), id="declare-severity")
            yield Static(Text(PICK_HIGHER), id="declare-advice")
            yield Static(Text("Chosen: none yet"), id="declare-chosen")
            with Horizontal(classes="row"):
                yield Static(Text("Impact"), classes="label")
                yield Input(id="declare-impact", compact=True, placeholder="who is affected and how")
            with Horizontal(classes="row"):
                yield Static(Text("Feature"), classes="label")
                yield Input(
                    id="declare-feature", compact=True, placeholder="what customers see affected, e.g. Checkout"
                )
            with Horizontal(classes="row"):
                yield Static(Text("Detected by"), classes="label")
                yield Input(
                    id="declare-detected-by", compact=True, placeholder="alert / user report / synthetic / dashboard"
                )
            with Horizontal(classes="row"):
                yield Static(Text("IC"), classes="label")
                yield Input(id="declare-ic", compact=True, placeholder="Incident Commander's handle (optional): alice")
            yield DrillCheckbox(
                Text("Drill (a practice run: labelled everywhere, left out of metrics)"),
                id="declare-drill",
                compact=True,
            )
            yield Static("", id="declare-error", markup=False)
            with Horizontal(id="declare-buttons"):
                yield Button(Text("Declare (Ctrl+S)"), id="declare-ok", variant="error", compact=True)
                yield Button(Text("Cancel (Esc)"), id="declare-cancel", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = None
        self.run_worker(self._show_postmortems(), exclusive=True, group="declare-postmortems")

    async def _show_postmortems(self) -> None:
        """The postmortems due or overdue (5 business days after resolution), read off the UI
        loop: "It's working again, let's skip the postmortem" is an anti-pattern."""
        from warroom.domain.postmortem_due import reminder_lines

        app: WarRoomHost = self.app  # type: ignore[assignment]
        store = getattr(app, "store", None)
        if store is None:
            return
        try:
            states = await store.incidents()
        except Exception:  # a reminder is not worth an error over the declare dialog
            return
        lines = reminder_lines(states, app.clock().date(), limit=POSTMORTEM_LINES)
        if lines:
            shown = self.query_one("#declare-postmortems", Static)
            shown.update(Text("\n".join(lines)))
            shown.display = True

    def action_pick(self, level: int) -> None:
        if isinstance(self.focused, Input):
            return  # a digit typed into a field is just a digit (binding never fires there anyway)
        self._choose(Severity(level))

    def _choose(self, sev: Severity) -> None:
        self.severity = sev
        self.query_one(OptionList).highlighted = int(sev) - 1
        row = SEVERITY_TABLE[sev]
        self.query_one("#declare-chosen", Static).update(Text(f"Chosen: {sev.label} ({row.meaning})", style="bold"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(Severity(event.option_index + 1))
        self.query_one("#declare-impact").focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.query_one(OptionList).has_focus:
            self._choose(Severity(event.option_index + 1))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = [
            "declare-title",
            "declare-severity",
            "declare-impact",
            "declare-feature",
            "declare-detected-by",
            "declare-ic",
            "declare-ok",
        ]
        current = event.input.id or ""
        if current == "declare-ic":
            self.run_worker(self.action_declare())
            return
        self.query_one(f"#{order[order.index(current) + 1]}").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "declare-ok":
            self.run_worker(self.action_declare())
        else:
            self.action_cancel()

    def _error(self, text: str) -> None:
        self.query_one("#declare-error", Static).update(Text(text))

    async def action_declare(self) -> None:
        app: WarRoomHost = self.app  # type: ignore[assignment]
        title = " ".join(self.query_one("#declare-title", Input).value.split())
        if not title:
            self._error("A title is needed: one line saying what users see.")
            self.query_one("#declare-title").focus()
            return
        if self.severity is None:
            self._error("Pick a severity (1-4). Pick higher when in doubt.")
            self.query_one(OptionList).focus()
            return
        ic = self.query_one("#declare-ic", Input).value.strip().lstrip("@")
        if ic:
            try:
                ic = check_name(ic, "IC name")
            except ValueError as exc:  # one handle: `alice`, not `alice smith`
                self._error(str(exc))
                self.query_one("#declare-ic").focus()
                return
        feature = ""
        if self.query_one("#declare-feature", Input).value.strip():
            try:
                feature = parse_feature(self.query_one("#declare-feature", Input).value)
            except ValueError as exc:
                self._error(f"Feature: {exc}")
                self.query_one("#declare-feature").focus()
                return
        try:
            event = await app.store.declare(
                title,
                int(self.severity),
                actor=app.actor,
                impact=self.query_one("#declare-impact", Input).value.strip(),
                detected_by=self.query_one("#declare-detected-by", Input).value.strip(),
                drill=self.query_one(Checkbox).value,
                at=app.clock(),
                feature=feature,
            )
        except Exception as exc:  # a locked database: say so, keep everything typed
            self._error(f"NOT DECLARED: {exc} (everything typed is kept; try again)")
            return
        if ic:
            try:
                await app.store.append(
                    event.incident_id,
                    Kind.ROLE_ASSIGNED,
                    catalogue.role_assigned(IC, ic),
                    actor=app.actor,
                    at=app.clock(),
                )
            except Exception as exc:  # declared; only naming the IC failed: say so on the war room
                app.notify(f"{IC} not recorded: {exc} (type /ic {ic})", severity="error")
        self.dismiss(event.incident_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
