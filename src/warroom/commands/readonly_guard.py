"""`--readonly` on the command line: a command that would write refuses before opening anything.

`warroom --readonly note x` is a mistake to be told about (exit 2), not a note silently written
nor a traceback from a read-only connection. Reading commands (`show`, `list`, `export`,
`review`, the war room itself) run as usual; the war room and `review` open the database
`mode=ro` (`store.opening.open_for_reading`).
"""

from __future__ import annotations

#: Commands that always record (or change the store's files).
WRITING = frozenset(
    {
        "declare", "note", "sev", "status", "role", "ack", "handoff", "mitigated", "resolve",
        "feature", "milestone", "run", "record", "intake", "import", "share",
    }
)  # fmt: skip


def writes(name: str, args: object) -> bool:
    """Would `warroom NAME` with `args` write to the database (or its files)?"""
    if name in WRITING:
        return True
    if name == "draft":
        return bool(getattr(args, "posted", False) or getattr(args, "post", False))
    if name == "action":
        return getattr(args, "verb", "list") != "list"
    if name == "postmortem":
        words = getattr(args, "words", None) or []
        return bool(words) and words[0] in ("edit", "done")
    if name == "mitigate":  # listing reads; running one records (mitigate.py says why it is off)
        return False
    return False


def refusal(name: str, args: object) -> str | None:
    """The one-line error for a writing command run with `--readonly`, else None."""
    if not getattr(args, "readonly", False) or not writes(name, args):
        return None
    return (
        f"--readonly: `warroom {name}` would write to the incident record; nothing was written "
        "(run it without --readonly)"
    )
