"""The review's chart: probe bands, the error rate and the markers on one time axis, drawn with
block characters as rich `Text` (no markup: probe names come from config and are cleaned).

    api      ▁▁▁▁▁▁████████▁▁▁▁▁▁▁▁      a band per probe: █ down, ▁ up, blank not yet seen
    web      ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁
    err/min  ▁▁▁▁▂▅▇█▇▆▃▁▁▁▁▁▁▁▁▁▁▁      the worst minute of each column, 0 .. peak
    events   ◆ ⚑  ◈ ✓  ↶ ✚        ◎      deploys, milestones, mitigations (catalogue glyphs)
    03:00         03:10        03:20      the time axis, UTC
             ┃                            the scrubber's column, highlighted on every row

The model (columns, bands, bins, markers) is `domain.review_chart`; this only draws it. The
model is rebuilt when the width or the record changes, never on a scrub step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from warroom.domain.events import Event
from warroom.domain.review_chart import DOWN, UP, ChartModel, build_chart
from warroom.sanitize import clean

#: The label column's width (`err/min `).
LABEL_WIDTH = 9
BLOCKS = " ▁▂▃▄▅▆▇█"
#: Probe rows shown at most; the rest are summed up in a `+N probes` line.
MAX_PROBES = 6
#: The error rate gets this many rows on a terminal at least TALL rows high (one below that).
TALL, TALL_ERROR_ROWS = 30, 3


def peak_label(peak: float) -> str:
    """The axis's left label: `peak 87`, shortened so a space always parts it from the first
    time (`peak 1023` ran into `13:35`): `1023/min`, `12k/min`; `UTC` with no errors."""
    if not peak:
        return "UTC"
    fits = LABEL_WIDTH - 1
    for text in (f"peak {peak:.0f}", f"{peak:.0f}/min", f"{peak / 1000:.0f}k/min", f"{peak:.0e}"):
        if len(text) <= fits:
            return text
    return text[:fits]


def error_cell(value: float | None, peak: float, level: int, rows: int) -> str:
    """The block for row `level` (0 = bottom) of a `rows`-high bar of `value` out of `peak`:
    a minute with any errors shows at least the lowest eighth; no sample, nothing."""
    if value is None:
        return " "
    if not peak:
        return "▁" if level == 0 else " "
    eighths = max(1, round(value / peak * 8 * rows)) - level * 8
    return BLOCKS[max(0, min(8, eighths))]


class ReviewChart(Widget):
    """See the module docstring. `show(events, samples, start, end)`, then `cursor_at(t)`."""

    COMPONENT_CLASSES = {
        "chart--label",
        "chart--down",
        "chart--up",
        "chart--error",
        "chart--marker",
        "chart--axis",
        "chart--cursor",
    }
    DEFAULT_CSS = """
    ReviewChart {
        height: auto;
        background: $surface;
        padding: 0 1;
        & > .chart--label { color: $text-muted; }
        & > .chart--down { color: $error; }
        & > .chart--up { color: $wr-good; }
        & > .chart--error { color: $warning; }
        & > .chart--marker { color: $wr-kind; text-style: bold; }
        & > .chart--axis { color: $wr-time; }
        & > .chart--cursor { background: $accent 45%; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._events: Sequence[Event] = ()
        self._samples: Sequence[tuple[str, datetime, float]] = ()
        self._span: tuple[datetime, datetime] | None = None
        self.model: ChartModel | None = None
        self.cursor: datetime | None = None
        self.message = "loading the record…"

    def show(
        self,
        events: Sequence[Event],
        samples: Sequence[tuple[str, datetime, float]],
        start: datetime,
        end: datetime,
        model: ChartModel | None = None,
    ) -> None:
        """Chart these (events in time order) from `start` to `end`; `model`, when given, was
        built for them beforehand (in a worker) at the current width."""
        self._events, self._samples, self._span = events, samples, (start, end)
        self.model = model
        self.refresh(layout=True)

    @property
    def columns(self) -> int:
        """The columns the chart draws at its current width."""
        return max(1, (self.content_region.width or self.size.width) - LABEL_WIDTH)

    def cursor_at(self, at: datetime | None) -> None:
        self.cursor = at
        self.refresh()

    def _model(self, columns: int) -> ChartModel | None:
        if self._span is None or columns < 4:
            return None
        if self.model is None or self.model.columns != columns:
            self.model = build_chart(self._events, self._samples, self._span[0], self._span[1], columns)
        return self.model

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        model = self._model(max(1, width - LABEL_WIDTH))
        if model is None:
            return 1
        probes = min(len(model.bands), MAX_PROBES) + (len(model.bands) > MAX_PROBES)
        return probes + self._error_rows() + 2

    def _error_rows(self) -> int:
        return TALL_ERROR_ROWS if self.app.size.height >= TALL else 1

    def render(self) -> Text:
        model = self._model(self.columns)
        if model is None:
            return Text(self.message)
        style = self.get_component_rich_style
        cursor_col = model.column_of(self.cursor) if self.cursor is not None else -1
        cursor = style("chart--cursor")
        lines: list[Text] = []

        def row(label: str, cells: list[tuple[str, Style]]) -> None:
            line = Text(f"{clean(label, cap=40)[: LABEL_WIDTH - 1]:<{LABEL_WIDTH}}", style("chart--label"))
            for col, (char, cell_style) in enumerate(cells):
                line.append(char, cell_style + cursor if col == cursor_col else cell_style)
            lines.append(line)

        down, up, plain = style("chart--down"), style("chart--up"), Style()
        for name, cells in model.bands[:MAX_PROBES]:
            row(name, [("█", down) if c == DOWN else ("▁", up) if c == UP else (" ", plain) for c in cells])
        if len(model.bands) > MAX_PROBES:
            lines.append(Text(f"+{len(model.bands) - MAX_PROBES} probes not drawn", style("chart--label")))
        peak = model.error_peak
        err = style("chart--error")
        rows = self._error_rows()
        for level in range(rows - 1, -1, -1):  # the top row first
            row("err/min" if level == rows - 1 else "", [(error_cell(v, peak, level, rows), err) for v in model.errors])
        marks: list[tuple[str, Style]] = [(" ", plain)] * model.columns
        for marker in model.markers:
            marks[marker.column] = (marker.glyph, style("chart--marker"))
        row("events", marks)
        lines.append(self._axis(model, style("chart--axis"), cursor_col, cursor, peak))
        return Text("\n").join(lines)

    @staticmethod
    def _axis(model: ChartModel, axis: Style, cursor_col: int, cursor: Style, peak: float) -> Text:
        """HH:MM labels every ~12 columns; the peak error rate at the left."""
        cells = [" "] * model.columns
        step = 12
        for col in range(0, model.columns - 4, step):
            label = f"{model.time_of(col):%H:%M}"
            cells[col : col + 5] = list(label)
        line = Text(f"{peak_label(peak):<{LABEL_WIDTH}}", axis)
        for col, char in enumerate(cells):
            line.append(char, axis + cursor if col == cursor_col else axis)
        return line
