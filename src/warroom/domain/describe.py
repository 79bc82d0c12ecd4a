"""One human line per event, as `warroom show`, `warroom record` and the postmortem print it.

The words themselves are the event catalogue's (`warroom.domain.catalogue`), shared with the
timeline: this module only names the two uses that print an event outside the timeline.
"""

from __future__ import annotations

from warroom.domain.catalogue import RECORDED_LATE, label, late_text, long_text, short_text
from warroom.domain.events import Event

__all__ = ["RECORDED_LATE", "describe", "describe_beside_label", "kind_label", "late_text"]


def describe(ev: Event) -> str:
    """The event's words on their own (`mitigation applied: rolled back`), untrusted parts
    included verbatim (callers clean before display)."""
    return long_text(ev)


def describe_beside_label(ev: Event) -> str:
    """The event's words beside its `kind_label` (`MITIGATED  rolled back`), as the timeline shows them."""
    return short_text(ev)


def kind_label(ev: Event) -> str:
    """The KIND column's label, the same as the timeline's: `NOTE`, `SEV`, `PROBE ▼`, `DEPLOY`..."""
    return label(ev.kind)
