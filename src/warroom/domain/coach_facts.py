"""What the phase guide and the coach read from an incident's record: suspect deploys, the
mitigations tried, and what the team's notes speak of (a root cause, a fix forward).

Pure functions of the folded incident and a `now`: only record entries at or before `now`
count, so replaying the record to any moment gives what the room saw then.

Words are matched reasonably, not cleverly: a question ("root cause?"), a deferral ("root cause
later") or a negation ("not sure it's caused by the deploy") names no root cause, and "because"
or "caused by" counts only in a sentence about a failure ("500s because the pool is exhausted",
not "paging bob because he owns the db").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from warroom.domain.deploy_rules import RECENT, Deploy, deploys_before
from warroom.domain.events import Event, Kind, parse_ts
from warroom.domain.incident import IncidentState, fold
from warroom.domain.mitigation import rollback_target
from warroom.domain.postmortem_due import POSTMORTEM_KINDS
from warroom.domain.roles import IC

#: The kind `warroom mitigate` and the mitigation screen write (a mitigation that was run:
#: payload `kind` rollback | flag | failover | restart | block, `name`, `argv`, `exit_code`).
MITIGATION_RUN = Kind.MITIGATION

#: Words that name a rollback in a recorded command or a mitigation's text.
_ROLLBACK = re.compile(r"\b(roll(?:ed|ing)?[\s-]?back|rollback|undo|revert(?:ed|ing)?)\b", re.IGNORECASE)

#: Words that name a cause.
_ROOT_CAUSE = re.compile(r"\broot[\s-]?caus\w*|\bRCA\b", re.IGNORECASE)
_CAUSAL = re.compile(r"\b(caused\s+by|because(?:\s+of)?|due\s+to)\b", re.IGNORECASE)
#: "because" and "caused by" count in a sentence about a failure only.
_FAILURE = re.compile(
    r"\b(error|errors|5\d\d|5xx|fail\w*|down|broke\w*|break\w*|crash\w*|timeout\w*|timing\s+out|slow\w*|"
    r"latency|leak\w*|outage|spike\w*|exhaust\w*|full|bug\w*|panic\w*|oom|deadlock\w*|saturat\w*|"
    r"overload\w*|regression|degrad\w*|500s|400s|404s|refus\w*|reject\w*)\b",
    re.IGNORECASE,
)
#: A cause not named but put off, doubted or asked about.
_DEFERRED = re.compile(
    r"\b(no|not|unknown|unclear|unsure|later|after|until|postmortem|post-mortem|review|tbd|yet|maybe|"
    r"might|possibly|investigate|find|look\s+for|don'?t\s+know|no\s+idea)\b",
    re.IGNORECASE,
)
_NEGATED_BEFORE = re.compile(r"\b(not|isn'?t|wasn'?t|no)\s*$", re.IGNORECASE)

#: Talk of fixing forward: a hotfix, a patch, a fix to push.
_FIX = re.compile(
    r"\b(hot[\s-]?fix\w*|fix(?:ing)?[\s-]forward|patch(?:ing|ed)?\s+(?:it|prod|the)|push(?:ing)?\s+a\s+fix|"
    r"ship(?:ping)?\s+a\s+fix|deploy(?:ing)?\s+a\s+fix|the\s+fix|a\s+fix|fix\s+it|fixing\s+it|fixing\s+the)\b",
    re.IGNORECASE,
)
_FIX_REFUSED = re.compile(r"\b(don'?t|do\s+not|no|not|instead\s+of|rather\s+than)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)

_SENTENCES = re.compile(r"[^.!?;\n]+[.!?;\n]*")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCES.findall(text) if s.strip()]


@lru_cache(maxsize=4096)
def names_root_cause(text: str) -> bool:
    """True when `text` names a cause as found: "root cause is the pool change", "500s caused
    by the cache deploy". Not for a question, a deferral or a doubt."""
    if not _ROOT_CAUSE.search(text) and not _CAUSAL.search(text):
        return False  # no sentence can name one (most notes: a quick answer for long records)
    for sentence in _sentences(text):
        if sentence.endswith("?"):
            continue
        if _ROOT_CAUSE.search(sentence):
            if not _DEFERRED.search(sentence):
                return True
            continue
        for match in _CAUSAL.finditer(sentence):
            before = sentence[: match.start()]
            if _NEGATED_BEFORE.search(before) or _DEFERRED.search(before):
                continue
            if _FAILURE.search(sentence):
                return True
    return False


@lru_cache(maxsize=4096)
def speaks_of_fix(text: str) -> bool:
    """True when `text` talks of fixing forward: "pushing a hotfix", "I'll patch prod"."""
    return any(not _FIX_REFUSED.search(text[: match.start()]) for match in _FIX.finditer(text))


def names_rollback(text: str) -> bool:
    """True when `text` (a command, a mitigation's words) names a rollback, an undo or a revert."""
    return bool(_ROLLBACK.search(text))


# --- the record, as of `now` ----------------------------------------------------------------


def events_until(events: Iterable[Event], now: datetime) -> list[Event]:
    """The record entries at or before `now`, in time order."""
    return sorted((e for e in events if e.at <= now), key=lambda e: (e.at, e.id if e.id is not None else 0))


def as_of(state: IncidentState, now: datetime) -> IncidentState:
    """The incident as its record stood at `now` (the record may hold later entries: a replay,
    or an entry another process dated a little ahead)."""
    if all(e.at <= now for e in state.events):
        return state
    earlier = fold(e for e in state.events if e.at <= now)
    return earlier if earlier is not None else state


def _text(payload: Mapping[str, Any]) -> str:
    return str(payload.get("text") or "")


def _argv_text(payload: Mapping[str, Any]) -> str:
    argv = payload.get("argv")
    if isinstance(argv, list | tuple):
        return " ".join(str(a) for a in argv)
    return str(argv or "")


def notes(events: Iterable[Event]) -> list[Event]:
    """The people's notes."""
    return [e for e in events if e.kind == Kind.NOTE]


def mitigations_run(events: Iterable[Event]) -> list[Event]:
    """Mitigations that were run (`mitigation` events), oldest first."""
    return [e for e in events if e.kind == MITIGATION_RUN]


def mitigation_recorded(events: Iterable[Event]) -> bool:
    """Anything that says the team mitigated or tried to: a mitigation run, `/mitigated`, or the
    mitigated milestone set by hand."""
    for e in events:
        if e.kind in (MITIGATION_RUN, Kind.MITIGATED):
            return True
        if e.kind == Kind.MILESTONE and e.payload.get("name") == "mitigated":
            return True
    return False


def rollback_tried(events: Iterable[Event]) -> bool:
    """A rollback was tried: a `mitigation` of kind rollback, or a mitigation or a recorded
    command (`warroom run`) whose words name a rollback, an undo or a revert."""
    for e in events:
        p = e.payload
        if e.kind == MITIGATION_RUN:
            if str(p.get("kind") or "").lower() == "rollback":
                return True
            if names_rollback(f"{p.get('name') or ''} {_argv_text(p)} {_text(p)}"):
                return True
        elif e.kind == Kind.MITIGATED:
            if names_rollback(_text(p)):
                return True
        elif e.kind == Kind.COMMAND_RUN and names_rollback(_argv_text(p)):
            return True
    return False


def _deploy(payload: Mapping[str, Any]) -> Deploy | None:
    """A `deploy.seen` payload back as a `Deploy` (None when it is too damaged to read)."""
    try:
        at = parse_ts(str(payload["at"]))
        revision = payload.get("revision")
        return Deploy(
            source=str(payload.get("source") or ""),
            ident=str(payload.get("ident") or ""),
            short=str(payload.get("short") or payload.get("ident") or "")[:40],
            at=at,
            subject=str(payload.get("subject") or ""),
            author=str(payload.get("author") or ""),
            ref=str(payload.get("ref") or ""),
            revision=revision if isinstance(revision, int) and not isinstance(revision, bool) else None,
            rollback_command=str(payload.get("rollback_command") or ""),
        )
    except (KeyError, ValueError, TypeError, OverflowError):
        return None


def suspect_deploys(events: Iterable[Event], detected_at: datetime | None, window: timedelta = RECENT) -> list[Deploy]:
    """Deploys seen in the window before detection, nearest to it first: the usual suspects."""
    if detected_at is None:
        return []
    deploys = [d for e in events if e.kind == Kind.DEPLOY and (d := _deploy(e.payload)) is not None and d.short]
    return deploys_before(deploys, detected_at, window)


def deploy_name(deploy: Deploy) -> str:
    """`api 0aaf9da`, `checkout rev 6`: what to roll back, as people say it (and as the
    mitigation options name it)."""
    return f"{rollback_target(deploy)} {deploy.short}".strip()


# --- the same facts, kept up to date one entry at a time ---------------------------------------


#: A note can speak of a fix or name a cause only if one of these matches somewhere in it.
_NOTE_WORDS = re.compile("|".join(p.pattern for p in (_FIX, _ROOT_CAUSE, _CAUSAL)), re.IGNORECASE)


def _may_name_fix_or_cause(text: str) -> bool:
    """False only when no note words can match. Every match holds "fix" or "patch" (a fix),
    "caus" (root cause, caused by, because), "rca" or "due" (due to), in any case: an ASCII
    text lowered compares as the patterns' IGNORECASE does; others ask the patterns."""
    if text.isascii():
        lowered = text.lower()
        return "fix" in lowered or "patch" in lowered or "caus" in lowered or "rca" in lowered or "due" in lowered
    return _NOTE_WORDS.search(text) is not None


#: The kinds any fact is read from.
FACT_KINDS = frozenset(
    {
        Kind.NOTE,
        Kind.DEPLOY,
        Kind.ROLE_RELEASED,
        MITIGATION_RUN,
        Kind.MITIGATED,
        Kind.MILESTONE,
        Kind.COMMAND_RUN,
        *POSTMORTEM_KINDS,
    }
)


class RecordFacts:
    """What the coach's rules read from the record's entries, kept up to date one entry at a
    time: `RecordFacts.of(events)` for a record as of `now`, or `add` entry by entry as a replay
    goes forward (each fact is what the functions above say of the entries added so far, in the
    order they were added). `version` changes whenever a fact may have changed, so a replay can
    tell that its rules' answers can only have moved with the clock."""

    __slots__ = (
        "version",
        "mitigation_recorded",
        "rollback_tried",
        "fix_talk",
        "root_cause_named",
        "ic_released_at",
        "postmortem_started",
        "_deploys",
        "_suspects",
    )

    def __init__(self) -> None:
        self.version = 0
        #: `mitigation_recorded(entries)`.
        self.mitigation_recorded = False
        #: `rollback_tried(entries)`.
        self.rollback_tried = False
        #: A note speaks of fixing forward (`speaks_of_fix`).
        self.fix_talk = False
        #: A note names a root cause (`names_root_cause`).
        self.root_cause_named = False
        #: When the IC role was last released (None: never).
        self.ic_released_at: datetime | None = None
        #: `postmortem_due.postmortem_started_at(entries)`.
        self.postmortem_started: datetime | None = None
        self._deploys: list[Deploy] = []
        self._suspects: tuple[datetime | None, int, list[Deploy]] | None = None

    @classmethod
    def of(cls, events: Iterable[Event]) -> RecordFacts:
        """The facts of `events`, taken in their order."""
        found = cls()
        for e in events:
            found.add(e)
        return found

    def add(self, e: Event) -> None:
        """Take one more entry into account."""
        kind = e.kind
        if kind not in FACT_KINDS:
            return  # signals, posts, role changes...: the state holds what the rules read of them
        if kind == Kind.NOTE:
            if self.fix_talk and self.root_cause_named:
                return
            text = _text(e.payload)
            if not _may_name_fix_or_cause(text):
                return  # neither a fix nor a cause is mentioned (most notes)
            if not self.fix_talk and speaks_of_fix(text):
                self.fix_talk = True
                self.version += 1
            if not self.root_cause_named and names_root_cause(text):
                self.root_cause_named = True
                self.version += 1
            return
        if kind == Kind.DEPLOY:
            deploy = _deploy(e.payload)
            if deploy is not None and deploy.short:
                self._deploys.append(deploy)
                self.version += 1
            return
        if kind == Kind.ROLE_RELEASED and e.payload.get("role") == IC:
            self.ic_released_at = e.at
            self.version += 1
            return
        if kind in POSTMORTEM_KINDS:
            if self.postmortem_started is None or e.at < self.postmortem_started:
                self.postmortem_started = e.at
                self.version += 1
            return
        if not self.mitigation_recorded and mitigation_recorded((e,)):
            self.mitigation_recorded = True
            self.version += 1
        if not self.rollback_tried and rollback_tried((e,)):
            self.rollback_tried = True
            self.version += 1

    def suspects(self, detected_at: datetime | None) -> list[Deploy]:
        """`suspect_deploys(entries, detected_at)`."""
        if detected_at is None:
            return []
        cached = self._suspects
        if cached is None or cached[0] != detected_at or cached[1] != len(self._deploys):
            cached = (detected_at, len(self._deploys), deploys_before(self._deploys, detected_at, RECENT))
            self._suspects = cached
        return cached[2]
