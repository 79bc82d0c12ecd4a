"""Find runbooks: search by words, and suggest one for an event (a probe down, a log spike, a note).

Pure: runbooks come in as anything with a `title`, `text` and the front matter's `alerts`,
`probes` and `services` (`warroom.runbooks.Runbook`), so the search and the coach line's
suggestion are testable without files.

- `search(query, books)`: every word of the query must be found in the title, the front matter
  or the text; title and front matter hits rank above text hits, best first. An empty query
  keeps the given order.
- `suggest(event, books)`: the runbooks whose front matter covers the event, best first: a
  `probe.down` for a probe a runbook lists in `probes`, a `log.spike` from a log a runbook lists
  in `services`, an `alert.firing` whose alert is one of a runbook's `alerts` (`HighErrorRate`
  is `high-error-rate`), any event whose words name one of them (or its title). A name that many
  runbooks list (`health`) counts for less than one that few list (`api`).
- `suggest_latest(events, books)`: the coach line's offer, from the newest event that points at
  one runbook (three or more tied at the top point at none).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar

from warroom.domain.events import Event, Kind


class Covering(Protocol):
    """What a runbook must offer to be searched and suggested."""

    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def alerts(self) -> tuple[str, ...]: ...
    @property
    def probes(self) -> tuple[str, ...]: ...
    @property
    def services(self) -> tuple[str, ...]: ...


B = TypeVar("B", bound=Covering)

_WORD = re.compile(r"[\w.@/-]+")


def _fold(text: str) -> str:
    return text.casefold()


def _score_word(word: str, book: Covering) -> int:
    """How well one query word matches a runbook (0: not at all)."""
    title = _fold(book.title)
    names = [_fold(n) for n in book.alerts + book.probes + book.services]
    score = 0
    if word in _WORD.findall(title):
        score += 12
    elif word in title:
        score += 8
    if word in names:
        score += 10
    elif any(word in n for n in names):
        score += 6
    hits = _fold(book.text).count(word)
    if hits:
        score += 1 + min(hits, 5)
    return score


def search(query: str, books: Sequence[B]) -> list[B]:
    """The runbooks every word of `query` is found in (title, alerts, probes, services, text),
    best matches first; all of them, in order, for an empty query."""
    words = [_fold(w) for w in query.split()]
    if not words:
        return list(books)
    scored: list[tuple[int, int, B]] = []
    for index, book in enumerate(books):
        scores = [_score_word(w, book) for w in words]
        if all(scores):
            scored.append((-sum(scores), index, book))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [book for _, _, book in scored]


# -- suggestion --------------------------------------------------------------------------------


def _mentions(text: str, name: str) -> bool:
    """`name` (an alert like `high-5xx-rate`) appears in `text` as words: hyphens and spaces alike."""
    parts = [re.escape(p) for p in re.split(r"[-_\s]+", name.strip()) if p]
    if not parts:
        return False
    pattern = r"(?<![\w])" + r"[-_\s]+".join(parts) + r"(?![\w])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _squash(name: str) -> str:
    """An alert's name without case or separators: `HighErrorRate` and `high-error-rate` alike."""
    return re.sub(r"[-_\s]+", "", name).casefold()


def _event_words(event: Event) -> str:
    p = event.payload
    return " ".join(
        str(p[k]) for k in ("text", "title", "impact", "summary", "description", "reason") if isinstance(p.get(k), str)
    )


def _spread(books: Sequence[Covering], field: str) -> dict[str, int]:
    """How many runbooks list each name in `field`: a common name says less."""
    counts: dict[str, int] = {}
    for book in books:
        for name in {_fold(n) for n in getattr(book, field)}:
            counts[name] = counts.get(name, 0) + 1
    return counts


def suggest(event: Event, books: Sequence[B]) -> list[B]:
    """The runbooks whose front matter covers `event`, best first (empty when none does)."""
    return [book for _, book in _ranked(event, books)]


def _ranked(event: Event, books: Sequence[B]) -> list[tuple[float, B]]:
    """`suggest` with each runbook's score, best first."""
    p = event.payload
    probe = p.get("probe") if event.kind in (Kind.PROBE_DOWN, Kind.PROBE_UP) else None
    log = p.get("log") if event.kind == Kind.LOG_SPIKE else None
    alert_name = p.get("alert") if event.kind == Kind.ALERT_FIRING else None
    words = _event_words(event)
    probes, services = _spread(books, "probes"), _spread(books, "services")
    scored: list[tuple[float, int, B]] = []
    for index, book in enumerate(books):
        score = 0.0
        if isinstance(probe, str) and probe:
            name = _fold(probe)
            if name in {_fold(n) for n in book.probes}:
                score += 10 / probes.get(name, 1)
            elif name in {_fold(n) for n in book.services}:
                score += 5 / services.get(name, 1)
        if isinstance(log, str) and log:
            name = _fold(log)
            if name in {_fold(n) for n in book.services}:
                score += 10 / services.get(name, 1)
            elif name in {_fold(n) for n in book.probes}:
                score += 5 / probes.get(name, 1)
        if isinstance(alert_name, str) and alert_name:
            # Alertmanager names alerts in CamelCase (`HighErrorRate`), runbooks in kebab-case
            # (`high-error-rate`): the same name once case and separators are set aside.
            score += sum(10 for alert in book.alerts if _squash(alert) == _squash(alert_name))
        if words:
            score += sum(8 for alert in book.alerts if _mentions(words, alert))
            if _mentions(words, book.title):
                score += 8
        if score > 0:
            scored.append((-score, index, book))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [(-score, book) for score, _, book in scored]


def suggest_latest(events: Sequence[Event], books: Sequence[B], look_back: int = 50) -> tuple[Event, B] | None:
    """The newest of the last `look_back` events that suggests one runbook above the others, with
    that runbook: what the coach line offers ("runbook: High 5xx rate — press r")."""
    for event in reversed(events[-look_back:]):
        if event.kind not in _SUGGESTING:
            continue
        ranked = _ranked(event, books)
        # Three or more runbooks tied at the top (a log spike on `api`, which five list) say
        # nothing about which one fits: offering the first by file order sent the room to
        # "Certificate expiry". Two tied (a probe two runbooks list) is still a fair pointer.
        if ranked and sum(score == ranked[0][0] for score, _ in ranked) < _TOO_COMMON:
            return event, ranked[0][1]
    return None


#: How many runbooks tied at the top make an event's suggestion a guess rather than a pointer.
_TOO_COMMON = 3


#: The kinds whose arrival may suggest a runbook: trouble, and what people write about it.
_SUGGESTING = frozenset(
    {Kind.PROBE_DOWN, Kind.LOG_SPIKE, Kind.NOTE, Kind.STATUSPAGE, Kind.RESOURCE, Kind.DECLARED, Kind.ALERT_FIRING}
)
