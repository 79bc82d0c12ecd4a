"""What the review screen reads, in two steps so a long incident's first frame is quick.

`first_view` (on the way to the first frame): the declaration, the newest events (what the
timeline shows at the bottom first) and the count. `full_record` (in a worker thread): every
event, the logs' error samples, and the state index the scrubber answers from. All through a
read-only connection (`store.reader`): reviewing changes nothing in the file.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from warroom.domain.cadence import UpdateCadence
from warroom.domain.events import Event, short_id
from warroom.domain.review_index import ReviewIndex
from warroom.errors import UserError
from warroom.records import Record, record
from warroom.store.reader import ReviewReader

#: Events read for the first frame: more than any terminal shows at once.
FIRST_ROWS = 300


@record
class FirstView(Record):
    """Enough for the first frame."""

    incident_id: int
    declaration: Event
    newest: tuple[Event, ...]
    total: int


@record
class FullRecord(Record):
    """The whole record, indexed."""

    #: In id order, as recorded (the timeline places each by its time).
    events: tuple[Event, ...]
    samples: tuple[tuple[str, datetime, float], ...]
    index: ReviewIndex
    last_id: int


def first_view(path: Path | str, requested: int | None, rows: int = FIRST_ROWS) -> FirstView:
    """The incident asked for (default: the newest one), or a UserError saying what is wrong."""
    with ReviewReader(path) as reader:
        incident_id = requested if requested is not None else reader.latest_incident_id()
        if incident_id is None:
            raise UserError(f"no incidents in {path}: nothing to review")
        declaration = reader.declaration(incident_id)
        if declaration is None:
            raise UserError(f"no incident {short_id(incident_id)} in {path}")
        return FirstView(incident_id, declaration, tuple(reader.newest(incident_id, rows)), reader.count(incident_id))


def full_record(path: Path | str, incident_id: int, cadence: UpdateCadence | None = None) -> FullRecord:
    """Every event and error sample of the incident, and the state index (seconds for 100k
    events on a slow disk: call it from a worker thread)."""
    with ReviewReader(path) as reader:
        events = reader.events(incident_id)
        samples = reader.error_samples(incident_id)
    index = ReviewIndex(events, cadence)
    last_id = max((e.id or 0 for e in events), default=0)
    return FullRecord(tuple(events), tuple(samples), index, last_id)


def chart_span(
    index: ReviewIndex, samples: tuple[tuple[str, datetime, float], ...], now: datetime
) -> tuple[datetime, datetime]:
    """The chart's axis: the first event or sample to the last, or to `now` while the incident is
    open (it is still being written); at least a minute."""
    times = [t for t in (index.start, index.end) if t is not None] + [s[1] for s in samples[:1] + samples[-1:]]
    start, end = min(times), max(times)
    final = index.state_at(end)
    if final is not None and final.is_open and now > end:
        end = now
    return start, max(end, start + timedelta(minutes=1))
