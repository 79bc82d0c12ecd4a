"""The checks every payload builder shares, and the note's builder itself.

Apart from `event_payloads` (~600 lines) so that `warroom note`, which must feel instant,
compiles a few lines instead of every builder: with no bytecode cache (an editable install
under PYTHONDONTWRITEBYTECODE) that module alone cost it ~3 ms a run.
"""

from __future__ import annotations


def checked_text(value: object, field: str, *, required: bool = False) -> str:
    """`value` when it is text (non-blank when `required`); a ValueError with a sentence otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"{field} must be text, not {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{field} is empty")
    return value


def note(text: str) -> dict[str, str]:
    """`note`: what somebody saw or did, in their words."""
    return {"text": checked_text(text, "the note", required=True)}
