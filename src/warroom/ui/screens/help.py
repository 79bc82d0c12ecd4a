"""`?` or `/help`: every slash command, every key, the roles and the severity table."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from warroom.domain.roles import STANDARD_ROLES
from warroom.domain.severity import PICK_HIGHER, SEVERITY_TABLE
from warroom.domain.slash import help_lines

KEYS: list[tuple[str, str]] = [
    ("Esc", "leave the command line for the keys below (KEYS shows by the prompt); only Esc or a click on a pane does"),
    (": or Enter", "back to the command line (so does any letter that is not a key below)"),
    ("Tab / Shift+Tab", "next / previous pane (in the command line: complete)"),
    ("Up / Down", "command history (in the command line)"),
    ("Paste", "several lines become one note (⏎ marks each break until Enter saves it)"),
    ("z", "zoom the focused pane (Esc or z again to restore)"),
    ("p", "pause / resume live updates"),
    ("t", "next theme"),
    ("d", "draft a status update"),
    ("x", "dismiss the coach line's warning (recorded; it returns when the situation changes)"),
    ("r", "runbooks: search, read, tick checklist items (Space)"),
    (
        "Up / Down, y",
        "in a focused pane: select a row; y copies it (a deploy's rollback command or SHA, a log line, a probe URL, a command's output line, a timeline event)",
    ),
    (
        "m",
        "mitigation screen: the playbook's options, suspects' rollbacks first; running one asks first (also /mitigate)",
    ),
    ("/", "filter the focused timeline: kind:note actor:bob words (Esc leaves the line; Esc again clears it)"),
    ("?", "this help"),
    ("Ctrl+P", "command palette: every action by name"),
    (
        "Ctrl+C",
        "as in a shell: copy the selection, else clear the command line (Up brings it back); "
        "on an empty line press twice within 2 s to quit (exit status 130)",
    ),
    (
        "Ctrl+Q",
        "quit, exit status 0. With text not in the database (NOT SAVED, saving…, half-typed) "
        "any quit asks first and can write it to a file beside the database",
    ),
]


def _table(title: str, rows: Sequence[tuple[str, ...]], headers: tuple[str, ...] = ()) -> Table:
    table = Table(title=title, title_justify="left", show_header=bool(headers), box=None, expand=True, padding=(0, 1))
    for i, header in enumerate(headers or ("",) * len(rows[0])):
        table.add_column(header, style="bold" if i == 0 else "", no_wrap=i == 0)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "app.pop_screen", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 90%; padding: 0 1;
        background: $panel; border: round $primary;
    }
    HelpScreen Static { margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "warroom help · Esc to close"
            read_only = bool(getattr(getattr(getattr(self.app, "config", None), "ui", None), "readonly", False))
            if read_only:
                yield Static(Text("READ-ONLY screen (--readonly): nothing is recorded. Commands start with /."))
            else:
                yield Static(Text("Type text and Enter to add a note. Commands start with /."))
            yield Static(_table("Commands", [tuple(row) for row in help_lines(read_only)]))
            yield Static(_table("Keys", KEYS))
            yield Static(_table("Roles", list(STANDARD_ROLES.items())))
            sev = [(row.severity.label, row.meaning, row.response) for row in SEVERITY_TABLE.values()]
            yield Static(_table("Severity", sev, ("Severity", "Meaning", "Response")))
            yield Static(Text(PICK_HIGHER, style="bold"))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
