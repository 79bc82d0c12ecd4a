"""The affected feature: what customers see broken, in their words (the external draft's `<feature>`).

Its own field, never the internal title ("Checkout returns 500" names a symptom and maybe a
system; customers read "an issue affecting Checkout"). Set at declaration (`declare --feature`,
the declare dialog) or later (`warroom feature`, `/feature`, a `feature.set` event); until then
the external draft keeps the playbook's blank `<feature>` for the Comms Lead to fill.
"""

from __future__ import annotations

#: Longer than any feature name, short enough to stay one readable line on a status page.
MAX_FEATURE = 120


def parse_feature(text: str) -> str:
    """The feature as typed, on one line (inner whitespace collapsed); ValueError with a one-line
    reason when it is empty, has control characters, or is too long."""
    feature = " ".join(str(text).split())
    if not feature:
        raise ValueError("the feature is empty: name what customers see affected, e.g. Checkout")
    if not feature.isprintable():
        raise ValueError("the feature cannot contain control characters")
    if len(feature) > MAX_FEATURE:
        raise ValueError(f"the feature is {len(feature)} characters: at most {MAX_FEATURE} (a name, not a report)")
    return feature
