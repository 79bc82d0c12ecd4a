"""Person names are handles: one word of letters, digits, `.`, `_`, `-` and `@`.

A role holder, the Incident Commander, `--as`, `$WARROOM_USER`, `/as` and the config's roster
all go through `check_name`, so a name never carries a space, a slash or a control character:
`/role comms carol/ack` (a line glued onto the one before it) is refused instead of recorded.
Names already in a database are read as stored; only new input is checked.

Pure and cheap to import (no `re`): `warroom note` checks its `--as` on the fast path.
"""

from __future__ import annotations

#: The rule, in the words every refusal ends with.
NAME_RULE = "a name is one word of letters, digits, . _ - @"
MAX_NAME = 80
_PUNCTUATION = frozenset("._-@")


def name_problem(text: str) -> str | None:
    """Why `text` is not a valid name (one line), or None when it is.

    Letters and digits are Unicode ones (`josé` is a name); everything else but `. _ - @` is
    refused, including spaces, slashes, quotes, control and invisible characters."""
    if not text:
        return "a name is needed"
    if len(text) > MAX_NAME:
        return f"names are at most {MAX_NAME} characters"
    if not all(ch.isalnum() or ch in _PUNCTUATION for ch in text):
        return NAME_RULE
    if not any(ch.isalnum() for ch in text):  # `-`, `.`, `@`: punctuation is not a person
        return "a name needs at least one letter or digit"
    return None


def shown(text: str, cap: int = 40) -> str:
    """The refused name, quoted and safe to print: control and invisible characters escaped."""
    head = text if len(text) <= cap else text[: cap - 1] + "…"
    return repr(head)


def check_name(text: str, what: str = "name") -> str:
    """`text` (surrounding whitespace dropped) if it is a valid name; else ValueError with a
    one-line reason naming it: `name 'carol/ack' refused: a name is one word of letters, ...`."""
    name = text.strip()
    problem = name_problem(name)
    if problem is None:
        return name
    if not name:
        raise ValueError(f"{what}: {problem}")
    raise ValueError(f"{what} {shown(name)} refused: {problem}")
