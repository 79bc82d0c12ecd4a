"""A log errors pane (one per `[[log]]`): the rate sparkline, the total, the top messages.

    ▁▁▂▁▃▅█▇▆▄▃▂▁▁▂ 15m · 38/min · 42 this min · 3,120 total   2s ago
    following /var/log/api/app.log
       812  ERROR db timeout after 5003ms on conn 17
       301  panic: runtime error: invalid memory address

Like the seed's `grep | sort | uniq -c | sort -rn | head`: messages grouped after masking numbers,
ids and times, each shown by its newest example line (in key mode Up/Down select one and `y`
copies it). With room to spare (a tall terminal, `z`),
a long example line continues on up to two more rows instead of ending in `…` (detail rows). Log lines are hostile by nature: they are
cleaned and rendered as plain text, never markup.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len, chop_cells
from textual.content import Content

from warroom.config.model import LogConfig
from warroom.domain.events import utc
from warroom.layout.sparkline_text import sparkline
from warroom.sanitize import clean
from warroom.sources.snapshots import LogCounts
from warroom.ui.widgets.pane_base import (
    BAD_STYLE,
    MUTED_STYLE,
    WARN_STYLE,
    Copyable,
    Detail,
    Pick,
    SourceInfo,
    SourcePane,
    age_text,
    error_row,
    freshness,
    line,
    rpad,
    seconds_since,
    untrusted,
)

#: Rows a long example line may continue on when there is room.
MORE_ROWS_PER_EXAMPLE = 2

LOG_EMPTY = (
    "No logs followed. Add to warroom.toml:\n"
    "  [[log]]\n"
    '  name = "api"\n'
    '  path = "/var/log/api/*.log"      # or argv = ["journalctl", "-fu", "api"]\n'
    '  pattern = "error|panic|fatal"\n'
    "Check: warroom config check"
)


def rate_values(counts: LogCounts) -> list[int | None]:
    """Per-minute counts, oldest first; minutes before following began are gaps, not zeros."""
    per_minute = list(counts.per_minute)
    # The current minute is always observed (it is being counted), even before a full minute.
    covered = max(1, counts.covered_minutes)
    unknown = max(0, len(per_minute) - covered)
    return [None] * unknown + per_minute[unknown:]


class LogPane(SourcePane):
    """One followed log: matching lines per minute for 15 minutes, total, top messages."""

    TITLE = "Log errors"
    EMPTY = LOG_EMPTY
    MIN_ROWS = 3
    ONE_SOURCE = True

    def __init__(self, source: SourceInfo | None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__([source] if source is not None else [], id=id, classes=classes)
        if source is not None:
            self.border_title = Content(f"Log errors · {untrusted(source.name, 40)}")

    @property
    def info(self) -> SourceInfo:
        return self.sources[0]

    def rows(self, now: datetime) -> list[Content | Detail | Pick]:
        update = self.updates.get(self.info.key)
        if update is None:
            pattern = untrusted(self.info.config.pattern if isinstance(self.info.config, LogConfig) else "", 80)
            return [
                line(
                    ("waiting for the first count", MUTED_STYLE),
                    (f" · pattern {pattern}" if pattern else "", MUTED_STYLE),
                )
            ]
        counts = update.snapshot if isinstance(update.snapshot, LogCounts) else update.last_good
        out: list[Content | Detail | Pick] = []
        stale = freshness(update, now)
        if counts is None:
            out.append(error_row(update, now))
            if stale:
                out.append(line(stale))
            return out
        age = age_text(seconds_since(counts.taken_at, now))
        values = rate_values(counts)
        head: list[str | tuple[str, str]] = [
            sparkline(values, 15),
            (" 15m", MUTED_STYLE),
            f" · {counts.last_full_minute:,}/min · {counts.current_minute:,} this min · {counts.total:,} total",
            (f"  {age} ago", MUTED_STYLE),
        ]
        if stale:
            head.append(("  " + stale[0], stale[1]))
        out.append(line(*head))
        if counts.error:
            out.append(line(("✖ ", BAD_STYLE), untrusted(counts.error)))
        elif counts.message:
            out.append(line((untrusted(counts.message), WARN_STYLE if counts.waiting else MUTED_STYLE)))
        if counts.coverage is not None:  # a backfill cut short: the counts are not the whole window
            out += [
                line((untrusted(text, 300), WARN_STYLE)) for text in counts.coverage.lines(counts.taken_at, short=True)
            ]
        if not counts.top:
            out.append(line((f"no lines matching {untrusted(counts.pattern, 80)} yet", MUTED_STYLE)))
        width = max(5, len(f"{counts.top[0].count:,}")) if counts.top else 5
        room = self.size.width - width - 2
        for group in counts.top:
            example = untrusted(group.example, 500)
            copy = Copyable(clean(group.example, cap=None), f"log line from {untrusted(self.info.name, 40)}")
            out.append(Pick(line(rpad(f"{group.count:,}", width), "  ", example), copy, group.pattern_key))
            out += [Detail(line(" " * (width + 2), (rest, MUTED_STYLE))) for rest in continuation(example, room)]
        return out

    def pin_text(self, key: str) -> str:
        update = self.updates.get(key)
        if update is None:
            return "no count yet"
        counts = update.snapshot
        if not isinstance(counts, LogCounts):
            return f"error: {update.error}"
        return counts.as_text()


def continuation(text: str, room: int, most: int = MORE_ROWS_PER_EXAMPLE) -> list[str]:
    """What a row `room` cells wide cuts off `text` (it shows `room - 1` cells and `…`), `room`
    cells a row, at most `most` rows (the last ends in `…` when even that is not all)."""
    if room < 10 or cell_len(text) <= room:
        return []
    rest = text[len(chop_cells(text, room - 1)[0]) :]
    out: list[str] = []
    while rest and len(out) < most:
        piece = chop_cells(rest, room)[0]
        rest = rest[len(piece) :]
        if rest and len(out) == most - 1:
            piece = chop_cells(piece, room - 1)[0] + "…"
        out.append(piece)
    return out


def log_text(counts: LogCounts) -> str:
    """A log count as plain text for evidence: the rate, the total, `uniq -c` style top lines."""
    lines = [
        f"log {counts.name}: {counts.source} (pattern {counts.pattern}) at {utc(counts.taken_at):%Y-%m-%d %H:%M:%S} UTC",
        "per minute, oldest first: " + " ".join(str(n) for n in counts.per_minute),
        f"total {counts.total}",
    ]
    if counts.error:
        lines.append(f"error: {counts.error}")
    elif counts.message:
        lines.append(counts.message)
    if counts.coverage is not None:
        lines += counts.coverage.lines(counts.taken_at, short=True)
    lines += [f"{g.count:>7} {g.example}" for g in counts.top]
    return "\n".join(lines)
