"""Snapshots of the review screen on the review incident (fixed data, frozen clock), with the
scrubber at the SEV-1 raise, at 80x24 and 120x40.

Update them after an intended change with `pytest tests/ui/test_review_snapshots.py --snapshot-update`
and look at the pictures before committing.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.incident_builder import at
from tests.ui.review_helpers import loaded, review_app, review_db


async def scrub_to_the_raise(pilot) -> None:
    screen = await loaded(pilot)
    screen.scrub_to(at(25))
    await pilot.pause(0.1)


def test_review_80x24(snap_compare, tmp_path: Path):
    assert snap_compare(review_app(review_db(tmp_path)), terminal_size=(80, 24), run_before=scrub_to_the_raise)


def test_review_120x40(snap_compare, tmp_path: Path):
    assert snap_compare(review_app(review_db(tmp_path)), terminal_size=(120, 40), run_before=scrub_to_the_raise)
