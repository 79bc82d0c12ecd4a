"""The screen and `warroom show` word every kind of event the same way: the catalogue's words.

One event of each catalogued kind is written to a real database; the timeline widget (in a Pilot
app) and the installed `warroom show` then print them. Beside the KIND column both show the same
label and the same short words; where there is no KIND column (the compact timeline,
`show --json`) both say the same long words.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from textual.app import ComposeResult

from tests.support.event_samples import AT, SAMPLES
from warroom.domain.catalogue import CATALOGUE
from warroom.domain.events import Kind
from warroom.store.sync import EventStore
from warroom.ui.app import ThemedApp
from warroom.ui.widgets.timeline import COMPACT_PREFIX_WIDTH, KIND_WIDTH, PREFIX_WIDTH, TIME_WIDTH, Timeline


class TimelineApp(ThemedApp):
    def compose(self) -> ComposeResult:
        yield Timeline()


def _write_samples(db: Path) -> list:
    """Declare with the sample's fields, then append one event of every other kind, a second apart."""
    with EventStore.open(db) as store:
        _, declared = SAMPLES[Kind.DECLARED]
        ev = store.declare(declared["title"], declared["severity"], actor="alice", impact=declared["impact"], at=AT)
        kinds = [k for k in SAMPLES if k != Kind.DECLARED]
        for i, kind in enumerate(kinds, start=1):
            actor, payload = SAMPLES[kind]
            store.append(ev.incident_id, kind, payload, actor=actor, at=AT + timedelta(seconds=i))
        events = store.incident(ev.incident_id).events
    assert {e.kind for e in events} == set(CATALOGUE), "one stored event of every catalogued kind"
    return sorted(events, key=lambda e: (e.at, e.id))


async def _screen_lines(events: list, width: int) -> list[str]:
    app = TimelineApp()
    async with app.run_test(size=(width, len(events) + 4)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.add_events(events)
        await pilot.pause()
        assert timeline.line_count == len(events), "each sample's words fit on one line"
        return [timeline.render_line(y).text.rstrip() for y in range(len(events))]


async def test_screen_and_show_word_each_kind_the_same(run_warroom, tmp_path):
    db = tmp_path / "catalogue.db"
    events = _write_samples(db)

    shown = run_warroom("show", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    show_rows = out[out.index("Timeline (UTC)") :].splitlines()[1:]
    assert len(show_rows) == len(events)

    wide = await _screen_lines(events, 200)  # the full columns: time, KIND, actor, words
    for ev, screen, show in zip(events, wide, show_rows):
        label = screen[TIME_WIDTH + 1 : TIME_WIDTH + 1 + KIND_WIDTH].strip()
        words = screen[PREFIX_WIDTH:]
        # show: `  14:00:01 SEV        bob          SEV-2 → SEV-1 (raised): all regions`
        # the actor column is the display name (`show --json` carries the login@host beside it)
        who = ev.actor
        show_label, show_words = show[11:21].strip(), show[22 + max(12, len(who)) + 1 :]
        assert label == show_label == CATALOGUE[ev.kind].label, (ev.kind, screen, show)
        assert words == show_words, (ev.kind, screen, show)
        assert words.strip(), f"{ev.kind} has no words"

    data = json.loads(run_warroom("show", "--db", str(db), "--json").stdout)["timeline"]
    narrow = await _screen_lines(events, 77)  # the compact prefix: no KIND column, the long words
    for ev, screen, item in zip(events, narrow, data):
        assert item["kind"] == ev.kind
        assert screen[COMPACT_PREFIX_WIDTH:] == item["text"], (ev.kind, screen, item["text"])
    by_kind = {item["kind"]: item["text"] for item in data}
    assert by_kind[Kind.MITIGATED] == "mitigation applied: rolled back a1b2c3d"
    assert by_kind[Kind.SEVERITY] == "severity SEV-2 → SEV-1 (raised): all regions"
