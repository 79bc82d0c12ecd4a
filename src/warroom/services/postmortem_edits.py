"""The postmortem's reading and writing that `warroom postmortem`, `warroom action` and the review
screen's postmortem panel share (no Textual here: the screen calls these from worker threads).

- `postmortem_view(path, incident_id, now)`: what the panel shows: each section's text, the
  "from the record" hints, the action items and the lint findings, folded from the redacted
  record through a read-only connection.
- `postmortem_record(store, incident_id)`: the incident as the document needs it, its signals
  counted by the store; `postmortem_document(state, now, cadence, runs)`: the Markdown
  `warroom postmortem` prints (coach warnings replayed, secrets redacted); `write_postmortem_file` puts it beside the database as
  `INC-N-postmortem.md`, 0600.
- `PostmortemWriter`: the reviewer's explicit edits, each one event built by the catalogue's
  builders the commands use (`postmortem_section`, `action_added`, `action_done`,
  `action_edited`). The review opens the file read-only; the writer opens a write connection
  only at the first edit, and a file that cannot be written raises `NotWritable` (nothing lost:
  the caller still holds the text).
- `edit_in_editor`: $EDITOR on a private temporary file holding the current text (an argv, never
  a shell); the review screen runs it inside Textual's suspend.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from warroom.domain.action_items import ActionItem, action_items, find_item, owner_handle
from warroom.domain.cadence import UpdateCadence
from warroom.domain.events import Kind, short_id
from warroom.domain.incident import IncidentState, fold
from warroom.domain.postmortem import SECTION_TITLES, section_texts
from warroom.domain.postmortem_lint import Finding, lint
from warroom.domain.postmortem_signals import SignalRun
from warroom.errors import UserError
from warroom.records import Record, record


class NotWritable(UserError):
    """The database cannot be written (a read-only copy, a full disk): nothing was recorded."""


@record
class PostmortemView(Record):
    """What the postmortem panel shows, folded from the redacted record."""

    state: IncidentState
    #: Each written section's text (the latest `postmortem.section` per section).
    texts: dict[str, str]
    items: tuple[ActionItem, ...]
    findings: tuple[Finding, ...]
    went_well: tuple[str, ...]
    went_poorly: tuple[str, ...]


def fold_redacted(events: Sequence[Any]) -> IncidentState | None:
    """The incident folded from its events with secrets redacted (nothing secret is shown or written)."""
    from warroom.redact import redacted_events

    return fold(redacted_events(events))


def postmortem_view(
    path: Path | str, incident_id: int, now: datetime, cadence: UpdateCadence | None = None
) -> PostmortemView:
    """Read the incident through a read-only connection and make the panel's view of it."""
    from warroom.domain.postmortem_hints import fired_coach_warnings, went_poorly_hints, went_well_hints
    from warroom.store.reader import ReviewReader

    with ReviewReader(path) as reader:
        events = reader.events(incident_id)
    state = fold_redacted(events)
    if state is None:
        raise UserError(f"no incident {short_id(incident_id)} in {path}")
    end = state.milestones.resolved or now
    coach = fired_coach_warnings(state.events, end, cadence)
    return PostmortemView(
        state,
        section_texts(state.events),
        tuple(action_items(state.events)),
        tuple(lint(state)),
        tuple(went_well_hints(state)),
        tuple(went_poorly_hints(state, now, cadence, coach)),
    )


def postmortem_record(store: Any, incident_id: int) -> tuple[IncidentState | None, list[SignalRun] | None]:
    """What `warroom postmortem` writes from, secrets redacted: the incident folded from its
    events but the machine's signals, and those signals as the timeline's runs, counted by the
    store without an event each (`store.signal_runs`: a long incident is mostly signals). When
    the store cannot summarise them exactly, the incident folded from all its events and None.
    (None, None) when there is no such incident."""
    from warroom.domain.catalogue import long_text
    from warroom.domain.events import Event
    from warroom.domain.postmortem_signals import signal_subject, timeline_cuts
    from warroom.redact import redacted_event, redacted_events
    from warroom.store.signal_runs import signal_runs

    events, signals = store.postmortem_rows(incident_id)
    state = fold_redacted(events)
    if state is None:
        return None, None
    memo: dict[Any, Any] = {}

    def describe(kind: str, payload: dict[str, Any]) -> tuple[tuple[str, ...], str]:
        ev = redacted_event(Event(incident_id, state.declared_at, kind, "", payload), memo)
        return signal_subject(kind, ev.payload), long_text(ev)

    runs = signal_runs(signals, timeline_cuts(state), describe)
    if runs is None:  # a signal row the store reads otherwise than as written: make the events
        return fold(redacted_events(store.events(incident_id))), None
    return state, runs


def postmortem_findings(store: Any, incident_id: int) -> tuple[IncidentState | None, list[Finding]]:
    """`warroom postmortem --check`: the incident (as `postmortem_record` reads it) and what its
    postmortem lacks (`postmortem_lint.lint`), the signals' writers counted among its people."""
    from warroom.redact import redact_json

    state, runs = postmortem_record(store, incident_id)
    if state is None:
        return None, []
    actors = [] if runs is None else [redact_json(actor) for actor in store.signal_actors(incident_id)]
    return state, lint(state, actors)


def postmortem_document(
    state: IncidentState,
    now: datetime,
    cadence: UpdateCadence | None = None,
    signal_runs: Sequence[SignalRun] | None = None,
) -> str:
    """The postmortem in the playbook's template, as `warroom postmortem` prints it (redacted);
    `signal_runs` when `state` was folded without the signals (`postmortem_record`)."""
    from warroom.domain.postmortem import fired_coach_warnings, postmortem_markdown
    from warroom.redact import redact_text

    end = state.milestones.resolved or now
    coach = fired_coach_warnings(state.events, end, cadence)
    return redact_text(postmortem_markdown(state, now, cadence, coach, signal_runs))


def postmortem_file_name(incident_id: int) -> str:
    """`INC-7-postmortem.md`."""
    return f"{short_id(incident_id)}-postmortem.md"


def write_postmortem_file(db_path: Path | str, incident_id: int, text: str) -> Path:
    """Write `text` to `<db folder>/INC-N-postmortem.md` (0600, replacing an older copy: the record
    regenerates it identically); its path. OSError when the folder cannot be written."""
    target = Path(db_path).resolve().parent / postmortem_file_name(incident_id)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an older copy made with looser bits is tightened too
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            fd = -1
            out.write(text)
    finally:
        if fd >= 0:
            os.close(fd)
    return target


def check_owner(text: str) -> str:
    """An owner as the commands take it (`bob` or `@bob`) -> the handle; ValueError when it is not one."""
    from warroom.domain.names import check_name

    return check_name(owner_handle(text), "owner")


class PostmortemWriter:
    """Appends the reviewer's edits to the database, opening it for writing at the first one."""

    def __init__(self, db_path: Path | str, incident_id: int, actor: str) -> None:
        self.db_path = Path(db_path)
        self.incident_id = incident_id
        self.actor = actor
        self._store: Any = None

    def _writable(self) -> Any:
        from warroom.store.sync import EventStore

        if self._store is None:
            store = EventStore.open(self.db_path)  # the first edit: only now a write connection
            if store.read_only:
                reason = store.read_only
                store.close()
                raise NotWritable(f"{self.db_path} cannot be written ({reason}): nothing was recorded")
            self._store = store
        return self._store

    def _append(self, kind: str, payload: dict[str, Any], now: datetime) -> list[ActionItem]:
        store = self._writable()
        try:
            store.append(self.incident_id, kind, payload, actor=self.actor, at=now)
        except UserError as exc:
            raise NotWritable(f"{exc}") from None
        return action_items(store.events(self.incident_id))

    def save_section(self, section: str, text: str, now: datetime) -> str:
        """Record `section`'s text (as `warroom postmortem edit` does); the sentence saying what happened."""
        from warroom.domain import catalogue

        title = SECTION_TITLES[section]
        text = text.replace("\r\n", "\n").strip()
        if not text:
            return f"{title} left as it was: the text is empty, nothing recorded"
        store = self._writable()
        if section_texts(store.events(self.incident_id)).get(section, "") == text:
            return f"{title} unchanged, nothing recorded"
        self._append(Kind.POSTMORTEM_SECTION, catalogue.postmortem_section(section, text), now)
        return f"{title} recorded"

    def add_item(self, text: str, owner: str, due: str, type_: str, now: datetime) -> ActionItem:
        """`warroom action add`: ValueError (a sentence) for bad words, owner, date or type."""
        from warroom.domain import catalogue

        payload = catalogue.action_added(
            text, owner=check_owner(owner) if owner.strip() else "", due=due.strip(), type=type_.strip()
        )
        return self._append(Kind.ACTION_ADDED, payload, now)[-1]

    def mark_done(self, number: int, now: datetime) -> tuple[ActionItem, bool]:
        """`warroom action done N`: the item, and False when it was already done (nothing recorded)."""
        from warroom.domain import catalogue

        item = find_item(action_items(self._writable().events(self.incident_id)), number)
        if not item.is_open:
            return item, False
        items = self._append(Kind.ACTION_DONE, catalogue.action_done(number), now)
        return find_item(items, number), True

    def edit_item(self, item: ActionItem, text: str, owner: str, due: str, type_: str, now: datetime) -> ActionItem:
        """`warroom action edit N` with the fields that changed; ValueError when none did or one is bad."""
        from warroom.domain import catalogue

        def changed(new: str, old: str) -> str | None:
            new = new.strip()
            return new if new and new != old else None

        new_owner = changed(owner.removeprefix("@"), item.owner)
        payload = catalogue.action_edited(
            item.number,
            text=changed(" ".join(text.split()), item.text),
            owner=check_owner(new_owner) if new_owner else None,
            due=changed(due, item.due),
            type=changed(type_.lower(), item.type),
        )
        return find_item(self._append(Kind.ACTION_EDITED, payload, now), item.number)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


# --- $EDITOR ---------------------------------------------------------------------------------


def editor_argv(environ: dict[str, str] | None = None) -> list[str]:
    """$EDITOR, then $VISUAL, then vi, split as a shell would split words (never run by one)."""
    env = os.environ if environ is None else environ
    editor = env.get("EDITOR") or env.get("VISUAL") or "vi"
    try:
        argv = shlex.split(editor)
    except ValueError as exc:
        raise UserError(f"cannot read $EDITOR {editor[:60]!r}: {exc}") from None
    if not argv:
        raise UserError("$EDITOR is empty: set it to your editor, or write the text here")
    return argv


def edit_in_editor(current: str, section: str, run: Callable[..., Any] = subprocess.run) -> tuple[str | None, int]:
    """Open $EDITOR on a private temporary file (0600, in its own 0700 folder) holding `current`;
    (the file's text, 0) when the editor exits 0, else (None, its status). The folder is removed."""
    argv = editor_argv()
    folder = tempfile.mkdtemp(prefix="warroom-postmortem-")
    path = os.path.join(folder, f"{section.replace('_', '-')}.md")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(current + ("\n" if current else ""))
        try:
            finished = run([*argv, path], check=False)
        except OSError as exc:
            raise UserError(f"cannot run $EDITOR {argv[0][:60]!r}: {exc.strerror or exc}") from None
        if finished.returncode != 0:
            return None, int(finished.returncode)
        with open(path, encoding="utf-8", errors="replace") as edited:
            return edited.read(), 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
