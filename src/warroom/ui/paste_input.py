"""Bracketed pastes that arrive whole and in order, even with escape sequences inside them.

Textual's input parser leaves a bracketed paste at the first ESC inside it: the rest of the
paste is replayed as key presses *before* the paste itself arrives, so a pasted log line with a
colour code came out reordered, and a line break after it arrived as Enter and submitted the
line. `PasteFilter` sits in front of the parser and removes escape sequences between the paste
markers (ESC [200~ ... ESC [201~), keeping everything else in order; `install()` makes
Textual's terminal driver use `PasteSafeParser`, the parser with the filter in front.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from warroom.sanitize import clean

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
#: An escape sequence held back this long without ending is dropped (a paste of binary junk).
MAX_PENDING = 4096
#: A CSI sequence still waiting for its final byte.
_CSI_OPEN = re.compile(r"\x1b\[[0-?]*[ -/]*")


class PasteFilter:
    """Feed it the terminal's input as it comes; it returns the same input with every escape
    sequence inside a bracketed paste removed (the paste markers themselves kept)."""

    def __init__(self) -> None:
        self.in_paste = False
        self._pending = ""  # inside a paste: an escape sequence (or end marker) cut off by a read
        self._tail = ""  # outside: the end of the last chunk, to find a start marker cut in two

    def feed(self, data: str) -> str:
        out: list[str] = []
        data = self._pending + data
        self._pending = ""
        i = 0
        while i < len(data):
            if not self.in_paste:
                seen = self._tail + data[i:]
                start = seen.find(PASTE_START)
                if start == -1:
                    out.append(data[i:])
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    break
                end_of_marker = start + len(PASTE_START) - len(self._tail) + i
                out.append(data[i:end_of_marker])
                self._tail = ""
                self.in_paste = True
                i = end_of_marker
                continue
            end = data.find(PASTE_END, i)
            if end == -1:
                segment = data[i:]
                cut = segment.rfind("\x1b")
                if cut != -1 and self._unfinished(segment[cut:]):
                    self._pending, segment = segment[cut:], segment[:cut]
                    if len(self._pending) > MAX_PENDING:
                        self._pending = ""
                out.append(_without_escapes(segment))
                break
            out.append(_without_escapes(data[i:end]) + PASTE_END)
            self.in_paste = False
            i = end + len(PASTE_END)
        return "".join(out)

    @staticmethod
    def _unfinished(text: str) -> bool:
        """`text` starts with ESC: is it the start of a sequence (or end marker) not yet complete?"""
        if len(text) == 1 or PASTE_END.startswith(text):
            return True
        kind = text[1]
        if kind == "[":  # CSI: parameters, then one final byte
            return _CSI_OPEN.fullmatch(text) is not None
        if kind == "]":  # OSC: until BEL or ST
            return "\x07" not in text and "\x1b\\" not in text[1:]
        if kind in "PX^_":  # DCS, SOS, PM, APC: until ST
            return "\x1b\\" not in text[1:]
        return " " <= kind <= "/" and len(text) == 2  # ESC, an intermediate byte, then a final one


def _without_escapes(text: str) -> str:
    # Line breaks as LF (terminals paste them as CR); clean() removes escapes and other controls.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return clean(text, cap=None, keep_newlines=True)


def paste_safe_parser_class() -> type:
    """Textual's XTermParser with a PasteFilter in front of it (imported lazily: Textual)."""
    from textual._xterm_parser import XTermParser

    class PasteSafeParser(XTermParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._paste_filter = PasteFilter()

        def feed(self, data: str) -> Iterable[Any]:
            if not data:  # end of input: the parser's own
                return super().feed(data)
            filtered = self._paste_filter.feed(data)
            return super().feed(filtered) if filtered else ()

    return PasteSafeParser


def install() -> None:
    """Make Textual's Linux/macOS driver parse input with PasteSafeParser (once)."""
    try:
        from textual.drivers import linux_driver
    except ImportError:  # another platform: its driver parses as it does
        return
    if not getattr(linux_driver.XTermParser, "warroom_paste_safe", False):
        parser = paste_safe_parser_class()
        parser.warroom_paste_safe = True  # type: ignore[attr-defined]
        linux_driver.XTermParser = parser  # type: ignore[misc,assignment]
