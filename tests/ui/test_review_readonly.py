"""`warroom review --readonly`: the postmortem panel offers no key that records and never opens a
write connection; the database file stays as it was."""

from __future__ import annotations

from pathlib import Path

from tests.support.incident_builder import at
from tests.ui.review_helpers import file_stamp, review_db
from tests.ui.test_review_postmortem import open_panel
from warroom.ui.review_app import ReviewApp


async def test_readonly_review_has_no_postmortem_writing_keys(tmp_path: Path):
    db = review_db(tmp_path)
    stamp = file_stamp(db)
    app = ReviewApp(db, clock=lambda: at(90), readonly=True)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot)
        keys = {b.binding.key for b in panel.active_bindings.values() if b.enabled}
        assert not keys & {"e", "E", "a", "d"}, keys
        await pilot.press("e", "a", "d")
        await pilot.pause(0.3)
        assert app.screen is panel and panel.writer is None, "no dialog, no write connection"
    assert file_stamp(db) == stamp


async def test_a_plain_review_still_offers_the_postmortem_keys(tmp_path: Path):
    app = ReviewApp(review_db(tmp_path), clock=lambda: at(90))
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot)
        keys = {b.binding.key for b in panel.active_bindings.values() if b.enabled}
        assert {"e", "a", "d"} <= keys
