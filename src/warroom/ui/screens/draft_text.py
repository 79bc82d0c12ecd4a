"""The draft screen's words: audience labels, key hints, one-line copy results, the diff view.

Pure text helpers (Textual's `Content` for the diff only); untrusted parts are cleaned here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rich.cells import cell_len, chop_cells
from textual.content import Content

from warroom.sanitize import clean

AUDIENCE_LABELS = {
    "internal": "Internal (chat channel)",
    "external": "External (status page)",
    "tactical": "Tactical (Conditions / Actions / Needs)",
}
#: The same, for terminals narrower than NARROW (all three tabs fit in 80 columns).
SHORT_AUDIENCE_LABELS = {
    "internal": "1 Internal (chat)",
    "external": "2 External (status page)",
    "tactical": "3 Tactical (C/A/N)",
}
NARROW = 110

#: The key hint under the editor: the long form when it fits, else the short one.
HINTS = {
    "keys": (
        "KEYS: 1/2/3 or ←/→ audience · e edit · c copy · p mark posted · P post to webhook · Esc back",
        "KEYS: 1/2/3 audience · e edit · c copy · p mark posted · P webhook · Esc back",
    ),
    "editing": (
        "Typing into the draft — Esc for the keys: c copy · p mark posted · P post · r re-render",
        "Typing into the draft — Esc for the keys (c/p/P/r)",
    ),
    # `--readonly`: nothing is marked posted or sent, so those keys are not named.
    "keys-readonly": (
        "READ-ONLY · KEYS: 1/2/3 or ←/→ audience · e edit · c copy · Esc back",
        "READ-ONLY · 1/2/3 audience · e edit · c copy · Esc back",
    ),
    "editing-readonly": (
        "Typing into the draft (read-only: copy only) — Esc for the keys: c copy · r re-render",
        "Typing into the draft — Esc for the keys (c/r)",
    ),
}

_URL = re.compile(r"\b\w+://\S+")
_EXC_PREFIX = re.compile(r"^[A-Za-z_][\w.]*(?:Exception|Error): ")


def short_reason(detail: str, cap: int = 40) -> str:
    """A copy method's failure in a few words: no exception class, no URL, first sentence only
    (pyperclip's own message is a paragraph with a link in it)."""
    text = clean(detail or "failed", cap=400)
    if "copy/paste mechanism" in text:
        return "no local clipboard"
    text = _EXC_PREFIX.sub("", _URL.sub("", text)).strip()
    text = re.split(r"(?<=[^.])\. ", text, maxsplit=1)[0].rstrip(". ") or "failed"
    return text if len(text) <= cap else text[: cap - 1].rstrip() + "…"


def fit_path(path: Path | str, width: int) -> str:
    """A path in at most `width` cells: the folders give way first (`…/drafts/INC-1-internal-….txt`
    keeps the file name whole when it can), then the middle of the file name's stem."""
    text = str(path)
    if cell_len(text) <= width or width <= 8:
        return text
    name = Path(text).name
    if cell_len(name) + 2 <= width:
        return "…" + text[-(width - 1) :]
    suffix = Path(name).suffix
    keep = max(1, width - len(suffix) - 1)
    return chop_cells(Path(name).stem, keep)[0] + "…" + suffix


def copy_lines(outcome: Any, width: int) -> tuple[str, str]:
    """Two short lines for a copy: what worked and where the file is; one word per method tried.

    Copied via tmux buffer · saved to /srv/warroom/drafts/INC-1-internal-….txt
    tried: ✖ pyperclip (no local clipboard) · ✔ tmux buffer
    """
    method = outcome.method
    if method == "OSC 52":
        head = "Sent via OSC 52 (if the terminal allows it)"
    elif method:
        head = f"Copied via {method}"
    else:
        head = "No clipboard reachable"
    if outcome.path is not None:
        lead = f"{head} · saved to "
        first = lead + fit_path(outcome.path, max(8, width - cell_len(lead)))
    else:
        first = f"{head} · could not save the draft file: {short_reason(outcome.file_error or '', 60)}"
    tried = [f"✔ {a.method}" if a.ok else f"✖ {a.method} ({short_reason(a.detail)})" for a in outcome.attempts]
    return first, "tried: " + " · ".join(tried)


def diff_content(lines: list[str]) -> Content:
    """Unified-diff lines as plain text with +/- kept (not colour alone), styled by kind."""
    if not lines:
        return Content("No change since the last posted update.")
    parts: list[tuple[str, str] | str] = []
    for raw in lines:
        line = clean(raw, cap=500)
        if raw.startswith(("---", "+++")):
            style = "bold"
        elif raw.startswith("@@"):
            style = "$text-muted"
        elif raw.startswith("+"):
            style = "$text-success"
        elif raw.startswith("-"):
            style = "$text-error"
        else:
            style = ""
        parts.append((line + "\n", style) if style else line + "\n")
    return Content.assemble(*parts).rstrip("\n")


def _size(text: str) -> str:
    lines = len(text.splitlines()) or 1
    return f"{lines} line{'s' if lines != 1 else ''}, {len(text)} characters, exactly as in the editor"


def mark_posted_question(
    audience: str, text: str, actor: str, severity: str, minutes: int | None
) -> tuple[str, list[str]]:
    """What `p` asks before recording an update as posted: which audience, the text, and that
    the countdown restarts (nothing is sent anywhere)."""
    from warroom.ui.screens.confirm import first_line

    restart = (
        f"The update countdown restarts: the next {severity} update is due in {minutes} min."
        if minutes
        else f"The update countdown restarts (no scheduled updates at {severity})."
    )
    return f"Mark the {audience} update as posted?", [
        f"Audience: {AUDIENCE_LABELS.get(audience, audience)}",
        f"First line: {first_line(text)}",
        f"Size: {_size(text)}",
        f"Records that {clean(actor, cap=40)} posted it now; nothing is sent anywhere.",
        restart,
    ]


def post_question(audience: str, text: str, targets: list[str]) -> tuple[str, list[str]]:
    """What `P` asks before sending the draft to every `[[notify]]` webhook: where (name and
    host only: the URL holds the token), which audience, and the text."""
    from warroom.ui.screens.confirm import first_line

    count = len(targets)
    return f"Post the {audience} update to {count} webhook{'s' if count != 1 else ''}?", [
        *(f"To: {target}" for target in targets),
        f"Audience: {AUDIENCE_LABELS.get(audience, audience)}",
        f"First line: {first_line(text)}",
        f"Size: {_size(text)}",
        "Each result is recorded; the update is not marked posted until you press p.",
    ]
