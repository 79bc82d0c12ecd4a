"""What a line typed into the war room's command line means: a note, or a slash command.

Pure: `interpret(text, state)` turns a line into a `Command` (an event to append, or something
for the screen to do) without touching the store, so every rule is testable on its own. The
events written here are exactly the ones the headless commands write (`warroom sev`, ...).
`complete(text, ...)` is the Tab completion for commands, roles and names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from typing import Any

from warroom.domain import catalogue, handoff
from warroom.domain.events import Kind
from warroom.domain.feature import parse_feature
from warroom.domain.incident import IncidentState
from warroom.domain.names import check_name
from warroom.domain.roles import IC, canonical_role, role_names
from warroom.domain.severity import Severity
from warroom.domain.status import Status
from warroom.records import Record, record

#: name -> (usage, what it does). The order is the order /help shows them in.
SLASH_COMMANDS: dict[str, tuple[str, str]] = {
    "sev": ("/sev N [reason]", "Change severity (1 is the worst). Pick higher when in doubt."),
    "status": ("/status NAME [text]", "Investigating, identified, monitoring or resolved"),
    "ic": ("/ic NAME", "Name the Incident Commander"),
    "role": ("/role ROLE NAME", "Assign a role: /role comms alice, /role tech-lead bob (- vacates it)"),
    "ack": ("/ack", "Acknowledge the incident (starts MTTA)"),
    "mitigated": ("/mitigated TEXT", "Record the mitigation that stopped the bleeding"),
    "resolve": (
        "/resolve [text] [--public TEXT]",
        "Resolve the incident (asks first); --public is what customers read",
    ),
    "feature": ("/feature TEXT", "Name what customers see affected (the external draft's <feature>)"),
    "note": ("/note TEXT", "Add a note (same as typing text without a slash)"),
    "as": ("/as NAME", "Who is typing at this keyboard (shown beside the prompt)"),
    "pin": ("/pin PANE", "Pin a pane's current output to the timeline as evidence"),
    "help": ("/help", "Show every command and key"),
    "handoff": ("/handoff NAME", "Propose NAME as the next IC: they become IC when they /ack (typed as them)"),
    "dismiss": ("/dismiss", "Dismiss the coach's warning (it returns only when the situation changes); key x"),
    "runbook": ("/runbook [QUERY]", "Open the runbooks, searching for QUERY (also r, in key mode)"),
    "mitigate": ("/mitigate", "Open the mitigation screen: the playbook's options, suspects' rollbacks first"),
}

#: The commands a read-only screen (`warroom --readonly`) offers: none of them records anything.
READ_ONLY_COMMANDS = ("help", "as", "runbook")

MAX_TEXT = 4000
MAX_NAME = 80


@record
class Append(Record):
    """Append one event. `done` is the feedback shown once the store has committed it."""

    kind: str
    payload: dict[str, Any]
    done: str
    #: When set, ask this question first (resolving is not undone by typing faster).
    confirm: str | None = None
    #: More events appended after this one, in order, as (kind, payload): the /ack that accepts
    #: an IC handoff also acknowledges the incident when nobody had.
    then: tuple[tuple[str, dict[str, Any]], ...] = ()


@record
class SetActor(Record):
    name: str


@record
class Pin(Record):
    pane: str


@record
class ShowHelp(Record):
    pass


@record
class OpenMitigations(Record):
    """Open the mitigation screen (`/mitigate`): nothing is recorded by the line itself."""


@record
class DismissWarning(Record):
    """Dismiss the warning the coach line shows now (the screen knows which: it depends on the
    clock); recorded as `coach.dismissed`."""


@record
class Invalid(Record):
    """The line cannot be run; `message` says why and how to fix it. Nothing is written."""

    message: str


@record
class Empty(Record):
    pass


@record
class Unchanged(Record):
    """The line asks for what already holds (`/sev 1` at SEV-1): nothing is written, and the
    line is still consumed (cleared, kept in history); `message` says what already holds."""

    message: str


@record
class OpenRunbooks(Record):
    """Open the runbook screen, its search box holding `query` (may be empty)."""

    query: str = ""


Command = (
    Append | SetActor | Pin | ShowHelp | Invalid | Empty | Unchanged | DismissWarning | OpenRunbooks | OpenMitigations
)


def _usage(name: str) -> str:
    return f"usage: {SLASH_COMMANDS[name][0]}"


def _name(text: str, what: str) -> str | Invalid:
    """One handle (`domain.names`): `@alice` is alice; `carol smith` or `carol/ack` is refused."""
    try:
        return check_name(text.strip().lstrip("@"), f"{what} name")
    except ValueError as exc:
        return Invalid(str(exc))


def _text(text: str) -> str | Invalid:
    text = text.strip()
    if len(text) > MAX_TEXT:
        return Invalid(f"too long: {len(text)} characters (at most {MAX_TEXT})")
    return text


def _split_role(words: list[str], extra_roles: tuple[str, ...]) -> tuple[str, str] | Invalid:
    """`comms lead alice smith` -> ("Comms Lead", "alice smith"): the longest role prefix wins."""
    for k in range(len(words) - 1, 0, -1):
        try:
            role = canonical_role(" ".join(words[:k]), extra_roles)
        except ValueError:
            continue
        return role, " ".join(words[k:])
    try:
        canonical_role(words[0], extra_roles)
    except ValueError as exc:
        return Invalid(str(exc))
    return Invalid(_usage("role"))


def _assign(state: IncidentState, role: str, raw_name: str) -> Command:
    if raw_name.strip() == "-":  # vacate, as `warroom role ROLE -` does
        if state.roles.get(role) is None:
            return Unchanged(f"{role} is already vacant: nothing recorded")
        cancel = handoff.cancel_note(state, role)
        return Append(Kind.ROLE_RELEASED, catalogue.role_released(role), f"{role} is now vacant{cancel}")
    name = _name(raw_name, role)
    if isinstance(name, Invalid):
        return name
    holder = state.roles.get(role)
    cancel = handoff.cancel_note(state, role)
    if holder is not None and holder.person == name and not cancel:
        return Unchanged(f"{name} is already {role}: nothing recorded")
    return Append(Kind.ROLE_ASSIGNED, catalogue.role_assigned(role, name), f"{name} is {role}{cancel}")


def interpret(text: str, state: IncidentState, extra_roles: Iterable[str] = (), *, actor: str = "") -> Command:
    """What the typed line asks for, checked against the incident as it stands; `actor` is who
    is typing (`/as`): their `/ack` completes an IC handoff to them."""
    try:
        return _interpret(text, state, extra_roles, actor)
    except ValueError as exc:  # a payload the catalogue's builder refused: say why, keep the line
        return Invalid(str(exc))


def _interpret(text: str, state: IncidentState, extra_roles: Iterable[str], actor: str = "") -> Command:
    extras = tuple(extra_roles)
    line = text.strip()
    if not line:
        return Empty()
    if line.startswith("//"):
        line = line[1:]  # `//etc/hosts is wrong` is a note that starts with a slash
    elif line.startswith("/"):
        return _slash(line[1:], state, extras, actor)
    body = _text(line)
    if isinstance(body, Invalid):
        return body
    return Append(Kind.NOTE, catalogue.note(body), "note saved")


def _slash(line: str, state: IncidentState, extras: tuple[str, ...], actor: str = "") -> Command:
    name, _, rest = line.partition(" ")
    name = name.lower()
    rest = rest.strip()
    if name not in SLASH_COMMANDS:
        close = [c for c in SLASH_COMMANDS if c.startswith(name[:2])] if name else []
        hint = f" (did you mean /{close[0]}?)" if len(close) == 1 else ""
        return Invalid(f"unknown command /{name}{hint}: /help lists them")

    if name == "help":
        return ShowHelp()
    if name == "as":
        person = _name(rest, "/as")
        return person if isinstance(person, Invalid) else SetActor(person)
    if name == "pin":
        return Pin(rest) if rest else Invalid(_usage("pin"))
    if name == "note":
        body = _text(rest)
        if isinstance(body, Invalid):
            return body
        return Append(Kind.NOTE, catalogue.note(body), "note saved") if body else Invalid(_usage("note"))

    closed = not state.is_open
    if name == "sev":
        level, _, reason = rest.partition(" ")
        if not level:
            return Invalid(_usage("sev"))
        try:
            new = Severity.parse(level)
        except ValueError as exc:
            return Invalid(str(exc))
        if new == state.severity:
            return Unchanged(f"already {new.label}: nothing recorded")
        reason_text = _text(reason)
        if isinstance(reason_text, Invalid):
            return reason_text
        direction = "raised" if new < state.severity else "lowered"
        return Append(
            Kind.SEVERITY,
            catalogue.severity_changed(int(state.severity), int(new), reason_text),
            f"severity {direction}: {state.severity.label} -> {new.label}",
        )
    if name == "status":
        word, _, note = rest.partition(" ")
        if not word:
            return Invalid(_usage("status"))
        try:
            new_status = Status.parse(word)
        except ValueError as exc:
            return Invalid(str(exc))
        if new_status is state.status:
            return Unchanged(f"already {new_status.value}: nothing recorded")
        note_text = _text(note)
        if isinstance(note_text, Invalid):
            return note_text
        return Append(
            Kind.STATUS,
            catalogue.status_changed(state.status.value, new_status.value, note_text),
            f"status: {state.status.value} -> {new_status.value}",
        )
    if name == "ic":
        return _assign(state, IC, rest) if rest else Invalid(_usage("ic"))
    if name == "role":
        words = rest.split()
        if len(words) < 2:
            return Invalid(_usage("role"))
        split = _split_role(words, extras)
        if isinstance(split, Invalid):
            return split
        return _assign(state, *split)
    if name == "ack":
        accepted = handoff.accept(state, actor)
        if accepted is not None:  # the incoming IC's ack completes the handoff
            (kind, payload), *more = accepted.events
            return Append(kind, payload, accepted.message, then=tuple(more))
        pending = handoff.pending_note(state)
        if state.milestones.acknowledged is not None:
            return Unchanged(
                f"already acknowledged at {state.milestones.acknowledged:%H:%M:%S} UTC: nothing recorded{pending}"
            )
        return Append(Kind.ACKNOWLEDGED, catalogue.acknowledged(), "acknowledged" + pending)
    if name == "mitigated":
        body = _text(rest)
        if isinstance(body, Invalid):
            return body
        if not body:
            return Invalid(_usage("mitigated") + " (say what stopped the bleeding)")
        return Append(Kind.MITIGATED, catalogue.mitigation_applied(body), "mitigation recorded")
    if name == "feature":
        return _feature(state, rest)
    if name == "handoff":
        return _handoff(state, rest)
    if name == "dismiss":
        return DismissWarning()
    if name == "runbook":
        query = _text(rest)
        return query if isinstance(query, Invalid) else OpenRunbooks(query)
    if name == "mitigate":
        return OpenMitigations()
    # resolve
    if closed:
        return Unchanged(f"{state.short_id} is already resolved: nothing recorded")
    internal, public = _split_public(rest)
    if public is not None and not public:
        return Invalid(_usage("resolve") + " (--public needs the words customers should read)")
    body = _text(internal)
    if isinstance(body, Invalid):
        return body
    public_text = ""
    if public:
        public_checked = _text(" ".join(public.split()))
        if isinstance(public_checked, Invalid):
            return public_checked
        public_text = public_checked
        customers = f"Customers will read: {public_text}"
    else:
        customers = "No --public summary: customers get a generic resolved sentence."
    payload = catalogue.resolved(body, public_text)
    return Append(
        Kind.RESOLVED,
        payload,
        f"{state.short_id} resolved",
        confirm=f"Resolve {state.short_id}?\nConfirm the metrics are back to normal first.\n{customers}",
    )


def _handoff(state: IncidentState, rest: str) -> Command:
    """`/handoff bob`: propose bob as the next IC (see `domain.handoff` for the rules)."""
    if not rest:
        return Invalid(_usage("handoff"))
    incoming = _name(rest, "/handoff")
    if isinstance(incoming, Invalid):
        return incoming
    decided = handoff.propose(state, incoming)
    if isinstance(decided, handoff.Refused):
        return Invalid(decided.message)
    if isinstance(decided, handoff.NoChange):
        return Unchanged(decided.message)
    (kind, payload), *more = decided.events
    return Append(kind, payload, decided.message, then=tuple(more))


def _split_public(rest: str) -> tuple[str, str | None]:
    """`error rate at baseline --public Payments work again` -> the internal summary and the
    public one (None when `--public` is not there at all, "" when it has no words after it)."""
    words = rest.split(" ")
    if "--public" not in words:
        return rest, None
    i = words.index("--public")
    return " ".join(words[:i]).strip(), " ".join(words[i + 1 :]).strip()


def _feature(state: IncidentState, rest: str) -> Command:
    """`/feature Checkout`: what customers see affected, the external draft's `<feature>`."""
    if not rest:
        return Invalid(_usage("feature") + " (what customers see affected, e.g. Checkout)")
    try:
        feature = parse_feature(rest)
    except ValueError as exc:
        return Invalid(str(exc))
    if feature == state.feature:
        return Unchanged(f"feature is already {feature}: nothing recorded")
    return Append(
        Kind.FEATURE_SET, catalogue.feature_set(feature), f"feature: {feature} (the external draft now names it)"
    )


# ---------------------------------------------------------------------------------------------
# Tab completion


@record
class Completion(Record):
    """The new input text, and the candidates to show when more than one still fits."""

    text: str
    candidates: tuple[str, ...] = field(default=())


def role_words(extra_roles: Iterable[str] = ()) -> list[str]:
    """The words /role accepts, as one token each: `ic`, `comms-lead`, `deputy`, ..."""
    words = ["ic", "comms-lead", "tech-lead", "scribe"]
    for name in role_names(tuple(extra_roles))[4:]:
        words.append(name.lower().replace(" ", "-"))
    return words


def _common_prefix(words: list[str]) -> str:
    first, last = min(words, key=str.lower), max(words, key=str.lower)
    i = 0
    while i < min(len(first), len(last)) and first[i].lower() == last[i].lower():
        i += 1
    return first[:i]


def _fill(head: str, partial: str, options: Iterable[str]) -> Completion:
    seen: dict[str, None] = {}
    for option in options:
        if option.lower().startswith(partial.lower()):
            seen.setdefault(option)
    matches = list(seen)
    if not matches:
        return Completion(head + partial)
    if len(matches) == 1:
        return Completion(head + matches[0] + " ")
    prefix = _common_prefix(matches)
    return Completion(head + (prefix if len(prefix) > len(partial) else partial), tuple(matches))


def complete(
    text: str,
    *,
    names: Iterable[str] = (),
    extra_roles: Iterable[str] = (),
    panes: Iterable[str] = (),
    read_only: bool = False,
) -> Completion:
    """Complete the last word of `text`: a command, then its argument (role, name, pane...);
    `read_only` offers only the commands that record nothing (`READ_ONLY_COMMANDS`)."""
    if not text.startswith("/") or text.startswith("//"):
        return Completion(text)
    words = text[1:].split(" ")
    if len(words) == 1:
        return _fill("/", words[0], READ_ONLY_COMMANDS if read_only else SLASH_COMMANDS)
    if read_only and words[0].lower() not in READ_ONLY_COMMANDS:
        return Completion(text)
    command = words[0].lower()
    partial = words[-1]
    head = text[: len(text) - len(partial)]
    position = len(words) - 1  # 1 = first argument
    people = sorted(set(names), key=str.lower)
    if command == "sev" and position == 1:
        return _fill(head, partial, ["1", "2", "3", "4"])
    if command == "status" and position == 1:
        return _fill(head, partial, [s.value.lower() for s in Status])
    if command in {"ic", "as", "handoff"} and position == 1:
        return _fill(head, partial, people)
    if command == "role":
        if position == 1:
            return _fill(head, partial, role_words(extra_roles))
        if position == 2:
            return _fill(head, partial, people)
    if command == "pin" and position == 1:
        return _fill(head, partial, panes)
    return Completion(text)


def help_lines(read_only: bool = False) -> list[tuple[str, str]]:
    """(usage, description) for each command, in help order (`read_only`: only those that
    record nothing)."""
    return [SLASH_COMMANDS[name] for name in SLASH_COMMANDS if not read_only or name in READ_ONLY_COMMANDS]


def read_only_refusal(text: str) -> str | None:
    """On a read-only screen: why `text` (a typed line) is refused, or None when it records
    nothing and may run (`/help`, `/as NAME`, `/runbook`)."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.startswith("/") and not stripped.startswith("//"):
        name = stripped[1:].split(" ", 1)[0].lower()
        if name in READ_ONLY_COMMANDS:
            return None
        return f"read-only: /{name} is not available here (viewing only): nothing recorded; /help, /as"
    return "read-only screen: nothing recorded (viewing only); /help, /as"
