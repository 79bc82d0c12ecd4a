"""Snapshots of the review's postmortem panel (`p`) on the review incident with one section
written and one vague item (fixed data, frozen clock), at 80x24 and 120x40.

Update them after an intended change with
`pytest tests/ui/test_review_postmortem_snapshots.py --snapshot-update` and look at the pictures.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.incident_builder import at
from tests.ui.review_helpers import loaded, review_app, review_db
from warroom.domain import catalogue as c
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.screens.postmortem_panel import PostmortemPanel


def written_db(tmp_path: Path) -> Path:
    db = review_db(tmp_path)
    with EventStore.open(db) as store:
        store.append(
            1,
            Kind.POSTMORTEM_SECTION,
            c.postmortem_section(
                "summary", "Checkout failed for 20 minutes after a deploy shrank the payments-db pool."
            ),
            actor="carol",
            at=at(120),
        )
        store.append(1, Kind.ACTION_ADDED, c.action_added("improve monitoring", owner="bob"), actor="carol", at=at(121))
    return db


async def open_the_panel(pilot) -> None:
    await loaded(pilot)
    await pilot.press("p")
    for _ in range(300):
        screen = pilot.app.screen
        if isinstance(screen, PostmortemPanel) and screen.view is not None:
            break
        await pilot.pause(0.02)
    await pilot.press("down", "down", "down", "down", "down")  # What went poorly: the record's hints
    await pilot.pause(0.1)


def test_postmortem_panel_80x24(snap_compare, tmp_path: Path):
    assert snap_compare(review_app(written_db(tmp_path)), terminal_size=(80, 24), run_before=open_the_panel)


def test_postmortem_panel_120x40(snap_compare, tmp_path: Path):
    assert snap_compare(review_app(written_db(tmp_path)), terminal_size=(120, 40), run_before=open_the_panel)
