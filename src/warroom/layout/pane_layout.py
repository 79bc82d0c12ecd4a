"""Sharing a column's height between stacked signal panes (pure arithmetic, no Textual).

`share_heights` gives each pane its ordinary rows when they fit and shares fairly when not;
`grow_heights` then hands what is left to panes with detail rows to show.
"""

from __future__ import annotations


def share_heights(available: int, wants: list[int], mins: list[int], first: list[bool] | None = None) -> list[int]:
    """Heights for stacked panes: everyone's want if it fits. Else each gets its minimum, the
    `first` panes (short, worth seeing whole: health, resources) their whole want, up to half the
    height and leaving the rest their minimum, and what is left is shared out evenly (water-filling) so a
    long pane cannot starve the short ones."""
    if sum(wants) <= available:
        return list(wants)
    alloc = [min(m, w) for m, w in zip(mins, wants)]
    for i, is_first in enumerate(first or []):
        if is_first:
            alloc[i] = max(alloc[i], min(wants[i], available // 2, available - (sum(alloc) - alloc[i])))
    return _share_evenly(alloc, wants, available - sum(alloc))


def grow_heights(available: int, heights: list[int], mosts: list[int]) -> list[int]:
    """Room left after `heights` goes to the panes with more to show (their `Detail` rows, up to
    `mosts`), shared evenly, so a tall terminal shows more processes, rollbacks and log lines
    instead of blank rows."""
    return _share_evenly(list(heights), mosts, available - sum(heights))


def _share_evenly(alloc: list[int], limits: list[int], left: int) -> list[int]:
    """Hand `left` rows out evenly to the entries still below their limit (in place)."""
    active = [i for i, limit in enumerate(limits) if limit > alloc[i]]
    while left > 0 and active:
        share = max(1, left // len(active))
        for i in list(active):
            give = min(share, limits[i] - alloc[i], left)
            alloc[i] += give
            left -= give
            if alloc[i] >= limits[i]:
                active.remove(i)
            if left <= 0:
                break
    return alloc
