"""Untrusted text is never markup and never drives the terminal.

Everything from outside (log lines, HTTP bodies, command output, git subjects, notes) passes
through `clean()` before display: ANSI/OSC/DCS escape sequences and C0/C1 control characters are
removed (tab becomes spaces), characters that make a line read differently from what it holds
(bidi overrides and isolates, zero-width characters, the Unicode line and paragraph separators)
are shown escaped as `<U+202E>`, and long lines are capped. Render the result as `Text`/`Content`.

The store keeps the original text: escaping happens only here, at display.
"""

from __future__ import annotations

import re
from functools import cache

# CSI ... final byte; OSC ... BEL or ST; DCS/SOS/PM/APC ... ST; lone two-byte ESC sequences.
_ESCAPES = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x1b[ -/][@-~]?"
)
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
# Bidi embeddings/overrides/isolates and marks, zero-width characters, word joiner, BOM, and the
# line/paragraph separators: invisible, or reorder what follows, so they are shown by code point.
_INVISIBLE = "[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\u2028\u2029\ufeff]"

DISPLAY_CAP = 2000


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Compiled on the first text that needs them (~3 ms, on the way to the first frame otherwise).
    return re.compile(_ESCAPES), re.compile(_CONTROLS)


@cache
def _invisible() -> re.Pattern[str]:
    return re.compile(_INVISIBLE)


def escape_invisible(text: str) -> str:
    """Show bidi controls, zero-width characters and U+2028/U+2029 as `<U+202E>`, so a line
    reads on screen exactly as it is stored (everything else is left as it is)."""
    if text.isprintable():  # none of those characters is printable: nothing to do
        return text
    return _invisible().sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def clean(text: str, *, cap: int | None = DISPLAY_CAP, keep_newlines: bool = False) -> str:
    """Strip escape sequences and control characters; cap the length with an ellipsis."""
    if not text:
        return ""
    # Printable text has no ESC, C0/C1 controls, tabs or newlines: nothing to strip (the common case).
    if not text.isprintable():
        escapes, controls = _patterns()
        text = escapes.sub("", text)
        text = text.replace("\t", "    ")
        if keep_newlines:
            text = text.replace("\r\n", "\n")
            text = "\n".join(controls.sub("", line) for line in text.split("\n"))
        else:
            text = controls.sub("", text.replace("\r\n", " ").replace("\n", " "))
        text = _invisible().sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
    if cap is not None and len(text) > cap:
        text = text[: cap - 1] + "…"
    return text


def visible(text: str) -> str:
    """Text from a file the user must fix (config keys, names), on one line with every control
    character shown as `\\x1b` and invisible ones as `<U+202E>`: nothing reaches the terminal
    raw, and the user can still see which key is meant."""
    if text.isprintable():
        return text
    text = "".join(c if c.isprintable() or c == " " or not _is_control(c) else f"\\x{ord(c):02x}" for c in text)
    return _invisible().sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def _is_control(c: str) -> bool:
    return ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F


def terminal_json(obj: object, **kwargs: object) -> str:
    """`json.dumps(obj, ensure_ascii=False)` for printing: readable UTF-8, but any character that
    is not printable (C1 controls, bidi overrides, zero-width ones) is written as a `\\uXXXX`
    escape, so the data is exact and the terminal never receives it raw."""
    import json

    text = json.dumps(obj, ensure_ascii=False, **kwargs)  # type: ignore[arg-type]
    if text.replace("\n", "").isprintable():
        return text

    def escape(c: str) -> str:
        if c == "\n" or c.isprintable():
            return c
        return json.dumps(c)[1:-1]  # ensure_ascii's escape, a surrogate pair beyond the BMP

    return "".join(escape(c) for c in text)


def clean_bytes(data: bytes, *, cap: int | None = DISPLAY_CAP, keep_newlines: bool = False) -> str:
    """Decode arbitrary bytes (invalid UTF-8 replaced) and clean them."""
    if cap is not None and len(data) > cap * 4:
        data = data[: cap * 4]
    return clean(data.decode("utf-8", errors="replace"), cap=cap, keep_newlines=keep_newlines)
