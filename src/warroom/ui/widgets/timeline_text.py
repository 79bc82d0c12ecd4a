"""The timeline's words for an event, and wrapping them to a width (no Textual).

The words, labels, glyphs and tones are the event catalogue's (`warroom.domain.catalogue`), the
same `warroom show` prints; this module adds what only a terminal layout needs: fitting and
wrapping to cells.
"""

from __future__ import annotations

from rich.cells import cell_len, chop_cells

from warroom.domain.catalogue import CATALOGUE, long_text, short_text

#: The KIND column's label per kind (`MITIGATED`), from the catalogue.
KIND_LABELS: dict[str, str] = {name: kind.label for name, kind in CATALOGUE.items()}

#: One cell per kind for the compact prefix (`14:08 • bob      text`) of a narrow timeline.
KIND_GLYPHS: dict[str, str] = {name: kind.glyph for name, kind in CATALOGUE.items()}

#: With the compact prefix there is no KIND column: the catalogue's long form leads with these
#: words (`mitigation applied: rolled back …`); the other kinds' text already says what happened.
COMPACT_WORDS: dict[str, str] = {name: kind.lead for name, kind in CATALOGUE.items() if kind.lead}

#: Kinds drawn in the "alarm" / "good" colours (always with their words too).
ALARM_KINDS = frozenset(name for name, kind in CATALOGUE.items() if kind.tone == "alarm")
GOOD_KINDS = frozenset(name for name, kind in CATALOGUE.items() if kind.tone == "good")

#: The words beside the KIND column (`describe`) and standing alone (`describe_alone`).
describe = short_text
describe_alone = long_text


def text_cells(text: str) -> int:
    """`cell_len(text)`: printable ASCII (most of a timeline) is one cell a character, counted
    without rich's look-up (a timeline of 100,000 events measures every row as it arrives)."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


def fit_cells(text: str, width: int) -> str:
    """Pad or cut (with an ellipsis) to exactly `width` cells (a wide character that would
    straddle the edge is left out and the gap padded)."""
    n = text_cells(text)
    if n <= width:
        return text + " " * (width - n)
    cut = chop_cells(text, width - 1)[0] + "…"
    return cut + " " * (width - cell_len(cut))


def wrap_cells(text: str, width: int) -> list[str]:
    """Word-wrap to `width` cells; words longer than a line are cut. Always at least one line."""
    if width < 1:
        return [text]
    if text.isascii() and text.isprintable():
        return _wrap_ascii(text, width)
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if cell_len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while cell_len(word) > width:
            head = chop_cells(word, width)[0]
            lines.append(head)
            word = word[len(head) :]
        current = word
    lines.append(current)
    return lines


def _wrap_ascii(text: str, width: int) -> list[str]:
    """`wrap_cells` for printable ASCII, where a character is a cell: the same lines, found by
    counting characters instead of measuring each longer candidate line again."""
    lines: list[str] = []
    current = ""
    used = 0  # len(current)
    for word in text.split(" "):
        size = len(word)
        if current:
            if used + 1 + size <= width:
                current += " " + word
                used += 1 + size
                continue
            lines.append(current)
        elif size <= width:
            current, used = word, size
            continue
        while size > width:
            lines.append(word[:width])
            word = word[width:]
            size -= width
        current, used = word, size
    lines.append(current)
    return lines
