"""Pinning what the team saw: any pane's current output as an `evidence.pinned` event.

The payload keeps the command (if any), its exit code, the UTC time the output was taken and
the output itself, capped (`[… N more lines]` marks what was cut), so the postmortem can show
exactly what was on screen. Works for any snapshot with `as_text()` and `taken_at` (command
panes, probes, logs, deploys, resources) through `evidence_from_snapshot`.

Inputs are expected to be cleaned already (sources clean untrusted text); escape and control
characters are stripped again here anyway so a pinned payload can never drive a terminal.
Secrets: redact before recording (the store's recorder applies `warroom.redact`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from warroom.domain import catalogue
from warroom.domain.events import Kind, utc
from warroom.domain.signals import SignalEvent

DEFAULT_CAP = 4000
_ESC = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _plain(text: str) -> str:
    text = _ESC.sub("", text.replace("\r\n", "\n")).replace("\t", "    ")
    return _CTRL.sub("", text)


def cap_output(text: str, cap: int = DEFAULT_CAP) -> tuple[str, int]:
    """Keep whole lines up to `cap` characters; returns (text, lines cut) with a marker line."""
    lines = _plain(text).rstrip("\n").split("\n") if text else []
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + (1 if kept else 0) > cap:
            break
        used += len(line) + (1 if kept else 0)
        kept.append(line)
    if not kept and lines:  # one enormous first line: keep its start
        kept = [lines[0][: max(cap - 1, 0)] + "…"]
    cut = len(lines) - len(kept)
    out = "\n".join(kept)
    if cut:
        out += f"\n[… {cut} more line{'s' if cut != 1 else ''}]"
    return out, cut


def evidence_from_output(
    pane: str,
    command_line: str,
    exit_code: int | None,
    taken_at: datetime,
    output: str,
    cap: int = DEFAULT_CAP,
    *,
    source_kind: str = "command",
    error: str | None = None,
    pinned_at: datetime | None = None,
) -> SignalEvent:
    """The event for pinning one pane's output.

    Text: `pinned command "long queries" (exit 0 at 03:12:09 UTC)`; without an exit code
    `pinned deploys "api" (at 03:12:09 UTC)`; a failed run names its error instead
    (`timed out after 5s at ...`). Dated `pinned_at` (default: when the output was taken).
    """
    taken_at = utc(taken_at)
    capped, cut = cap_output(output, cap)
    clock = f"{taken_at:%H:%M:%S} UTC"
    if error:
        short = _plain(error).replace("\n", " ")
        status = f"{short if len(short) <= 80 else short[:79] + '…'} at {clock}"
    elif exit_code is not None:
        status = f"exit {exit_code} at {clock}"
    else:
        status = f"at {clock}"
    payload = catalogue.evidence_pinned(
        pane=pane,
        source_kind=source_kind,
        command=command_line,
        exit_code=exit_code,
        error=error,
        at=taken_at,
        output=capped,
        lines_cut=cut,
    )
    return SignalEvent(
        kind=Kind.EVIDENCE,
        text=f'pinned {source_kind} "{_plain(pane)}" ({status})',
        at=utc(pinned_at) if pinned_at else taken_at,
        payload=payload,
    )


def evidence_from_snapshot(
    pane: str,
    snapshot: Any,
    *,
    source_kind: str,
    pinned_at: datetime | None = None,
    cap: int = DEFAULT_CAP,
) -> SignalEvent:
    """Pin any snapshot that has `as_text()` and `taken_at` (plus `command_line`/`exit_code`
    when it is a command's output)."""
    return evidence_from_output(
        pane,
        getattr(snapshot, "command_line", "") or "",
        getattr(snapshot, "exit_code", None),
        snapshot.taken_at,
        snapshot.as_text(),
        cap,
        source_kind=source_kind,
        # A command's failure is its status; other panes show their error inside the text.
        error=getattr(snapshot, "error", None) if hasattr(snapshot, "exit_code") else None,
        pinned_at=pinned_at,
    )
