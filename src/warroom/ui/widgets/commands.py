"""Command panes (one per `[[command]]`): the output of a command run every interval, like `watch`.

    ╭ long queries ─────────────────────────────────────────╮
    │ ✔ exit 0 in 0.12s · 5s ago · every 15s                 │
    │ $ psql -XAtc 'SELECT pid, now() - query_start ...'     │
    │ 4711|00:03:12|active|UPDATE orders SET ...             │
    ╰────────────────────────────────────────────────────────╯

When the column is short the output comes first: the status line and the first output lines
(a table's header and its first rows) are the pane's minimum, and the `$ command` line is a
detail shown only with a row to spare.

In key mode Up/Down select an output line and `y` copies it (the command itself before any output).

Output is untrusted (a query can return anything): it arrives cleaned from the source, is cleaned
again here and is shown as plain text in one widget that repaints only when the output changed.
"""

from __future__ import annotations

import shlex
from datetime import datetime

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from warroom.config.model import CommandConfig
from warroom.sanitize import clean
from warroom.sources.snapshots import CommandOutput
from warroom.ui.widgets.pane_base import (
    BAD_STYLE,
    MUTED_STYLE,
    OK_STYLE,
    SELECTED_STYLE,
    WARN_STYLE,
    Copyable,
    Detail,
    SourceInfo,
    SourcePane,
    age_text,
    freshness,
    line,
    seconds_since,
    untrusted,
)

COMMAND_EMPTY = (
    "No command panes. Add to warroom.toml, e.g. long-running queries:\n"
    "  [[command]]\n"
    '  name = "long queries"\n'
    '  argv = ["psql", "-XAtc", "SELECT pid, state, left(query, 80) FROM pg_stat_activity"]\n'
    "  interval = 15"
)


class CommandPane(SourcePane):
    """One periodic command: status (exit code, duration, age), the command line, the output."""

    TITLE = "Commands"
    EMPTY = COMMAND_EMPTY
    MIN_ROWS = 3
    #: Output lines the pane keeps however short the column: a table's header, rule and 2 rows.
    MIN_OUTPUT = 4

    DEFAULT_CSS = """
    CommandPane > .command-output { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    ONE_SOURCE = True

    def __init__(self, source: SourceInfo | None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__([source] if source is not None else [], id=id, classes=classes)
        self._output = ""
        self._output_lines = 0
        #: The output line `y` copies (Up/Down move it in key mode).
        self.selected_line = 0
        if source is not None:
            self.border_title = Content(untrusted(source.name, 60))

    def compose(self) -> ComposeResult:
        yield from super().compose()
        if self.configured:
            yield Static("", classes="command-output", markup=False)

    def rows(self, now: datetime) -> list[Content | Detail]:
        info = self.sources[0]
        update = self.updates.get(info.key)
        argv = tuple(info.config.argv) if isinstance(info.config, CommandConfig) else ()
        command = untrusted(shlex.join(argv), 300) if argv else ""
        if update is None:
            self._set_output("")
            return [
                line(("waiting for the first run", MUTED_STYLE), (f" · every {info.interval:g}s", MUTED_STYLE)),
                Detail(line(("$ ", MUTED_STYLE), command)),
            ]
        out = update.snapshot
        shown = out if isinstance(out, CommandOutput) else update.last_good
        age = age_text(seconds_since(out.taken_at, now))
        if out.error or not isinstance(out, CommandOutput):
            status: tuple[str, str] = (f"✖ {untrusted(out.error)}", BAD_STYLE)
        elif out.exit_code == 0:
            status = (f"✔ exit 0 in {out.duration:.2f}s", OK_STYLE)
        else:
            status = (f"▲ exit {out.exit_code} in {out.duration:.2f}s", WARN_STYLE)
        head: list[str | tuple[str, str]] = [status, (f" · {age} ago · every {info.interval:g}s", MUTED_STYLE)]
        stale = freshness(update, now)
        if stale:
            head.append(("  " + stale[0], stale[1]))
        rows: list[Content | Detail] = [
            line(*head),
            Detail(
                line(
                    ("$ ", MUTED_STYLE),
                    untrusted((out.command_line if isinstance(out, CommandOutput) else "") or command, 300),
                )
            ),
        ]
        text = ""
        if shown is not None:
            text = clean(shown.stdout, cap=None, keep_newlines=True)
            if shown.more_lines:
                text += f"\n[… {shown.more_lines} more lines]"
            if shown.stderr_tail:
                text += "\nstderr:\n" + clean(shown.stderr_tail, cap=None, keep_newlines=True)
            if not text.strip():
                text = "(no output)"
        self._set_output(text.strip("\n"))
        return rows

    def _set_output(self, text: str) -> None:
        if text == self._output or not self.is_mounted:
            return
        self._output = text
        self._paint_output()

    def _paint_output(self) -> None:
        """Show the output, the selected line in reverse while the pane has the focus."""
        if not self.is_mounted or not self.configured:
            return
        text = self._output
        lines = text.count("\n") + 1 if text else 0
        content = Content(text)
        if self.has_focus and lines:
            index = self._selected_index(lines)
            start = sum(len(piece) + 1 for piece in text.split("\n")[:index])
            end = start + len(text.split("\n")[index])
            content = content.stylize(SELECTED_STYLE, start, end)
        output = self.query_one(".command-output", Static)
        output.update(content, layout=lines != self._output_lines)
        self._output_lines = lines

    # --- selection: an output line (Up/Down), copied by `y` ----------------------------------

    def _selected_index(self, lines: int) -> int:
        return max(0, min(lines - 1, self.selected_line))

    def action_select(self, step: int) -> None:
        lines = self._output.split("\n") if self._output else []
        if lines:
            self.selected_line = self._selected_index(len(lines)) + step
            self.selected_line = self._selected_index(len(lines))
            self._paint_output()

    def copy_item(self) -> Copyable | None:
        """The selected output line; the command itself while there is no output yet."""
        name = untrusted(self.sources[0].name, 40) if self.configured else ""
        lines = self._output.split("\n") if self._output else []
        if lines:
            return Copyable(lines[self._selected_index(len(lines))], f"output line of {name}")
        argv = (
            self.sources[0].config.argv if self.configured and isinstance(self.sources[0].config, CommandConfig) else ()
        )
        return Copyable(shlex.join(argv), f"command of {name}") if argv else None

    def _repaint_selection(self) -> None:
        super()._repaint_selection()
        self._paint_output()

    def wanted_rows(self) -> int:
        return super().wanted_rows() + self._output_lines

    def min_rows(self) -> int:
        """The status line and the output's first lines (a header alone tells nobody anything)."""
        if not self.configured:
            return super().min_rows()
        return 1 + min(self._output_lines, self.MIN_OUTPUT)

    def extra_rows(self) -> int:
        return self._output_lines

    def rows_that_fit(self) -> int | None:
        """The status line always; the `$ command` line only when the output fits below it too."""
        if self.has_class("-maximized"):
            return None
        if self.size.height <= 0:
            return 1
        return max(1, self.size.height - self.extra_rows())

    def pin_text(self, key: str) -> str:
        update = self.updates.get(key)
        if update is None:
            return "no run yet"
        return update.snapshot.as_text()
