"""A one-line text sparkline (▁▂▃▄▅▆▇█): lighter than a widget, and it survives copy/paste.

Pure functions: a pane puts the string inside its own `Content` line, so a sparkline costs one
string build per update, not a widget and a layout.
"""

from __future__ import annotations

from typing import Iterable, Sequence

BARS = "▁▂▃▄▅▆▇█"
#: Shown for a missing value (a failed probe has no latency): a gap, not a zero.
GAP = "·"


def sparkline(
    values: Iterable[float | None],
    width: int | None = None,
    *,
    floor: float | None = 0.0,
    ceiling: float | None = None,
) -> str:
    """Render values as bars, newest on the right.

    `width` keeps only the newest `width` values (and pads nothing: a short history is short).
    The scale runs from `floor` (default 0, so a flat non-zero line does not look like zero) to
    `ceiling` (default: the largest value). `None` values render as a gap.
    """
    items: Sequence[float | None] = list(values)
    if width is not None:
        items = items[-width:] if width > 0 else []
    present = [v for v in items if v is not None]
    if not present:
        return GAP * len(items)
    lo = min(present) if floor is None else min(floor, min(present))
    hi = max(present) if ceiling is None else ceiling
    span = hi - lo
    top = len(BARS) - 1
    out = []
    for value in items:
        if value is None:
            out.append(GAP)
        elif span <= 0:
            # All equal: a zero line sits on the floor, anything else at half height.
            out.append(BARS[0] if value <= 0 else BARS[top // 2])
        else:
            ratio = (min(max(value, lo), hi) - lo) / span
            index = round(ratio * top)
            # A non-zero value never draws as the bottom bar: "a little" must differ from "none".
            if index == 0 and value > lo:
                index = 1
            out.append(BARS[index])
    return "".join(out)


def bar(fraction: float, width: int = 10) -> str:
    """A horizontal gauge like `█████▌    ` for a fraction 0..1 (clamped)."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    partials = " ▏▎▍▌▋▊▉"
    text = "█" * full + (partials[part] if part and full < width else "")
    return text.ljust(width)
