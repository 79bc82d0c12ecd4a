"""Untrusted text is never markup and never drives the terminal.

Everything from outside (log lines, HTTP bodies, command output, git subjects, notes) passes
through `clean()` before display: ANSI/OSC/DCS escape sequences and C0/C1 control characters are
removed (tab becomes spaces), and long lines are capped. Render the result as `Text`/`Content`.
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

DISPLAY_CAP = 2000


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    # Compiled on the first text that needs them (~3 ms, on the way to the first frame otherwise).
    return re.compile(_ESCAPES), re.compile(_CONTROLS)


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
    if cap is not None and len(text) > cap:
        text = text[: cap - 1] + "…"
    return text


def clean_bytes(data: bytes, *, cap: int | None = DISPLAY_CAP, keep_newlines: bool = False) -> str:
    """Decode arbitrary bytes (invalid UTF-8 replaced) and clean them."""
    if cap is not None and len(data) > cap * 4:
        data = data[: cap * 4]
    return clean(data.decode("utf-8", errors="replace"), cap=cap, keep_newlines=keep_newlines)
