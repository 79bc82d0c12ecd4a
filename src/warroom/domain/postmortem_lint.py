"""The postmortem's lint: what keeps it from being done, each with the playbook's advice.

`lint(state)` returns `Finding`s (a screen lists them; `warroom postmortem --check` prints one a
line and exits non-zero when there is any). The rules, in the playbook's words:

- `empty-section`: a narrative section not written (Impact and Detected by count as written when
  the declaration gave them).
- `person-named`: a person's name (a role holder, or anyone who acted in the incident) in Root
  cause or What went poorly: "Naming people as root causes — name the missing guardrail that
  allowed the mistake". Blameless: "Names of services, not people."
- `no-action-items`: "Closing the postmortem without assigning the actions".
- `vague-item`: an item with no concrete object, only general words ("improve monitoring", "be
  more careful"): "Vague action items ("improve monitoring") — make them specific and owned".
- `item-no-owner`, `item-no-due`, `item-no-type`: "Each action item should be **assignable,
  scheduleable, and verifiable**."

Pure: a function of the folded incident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from warroom.domain.action_items import ActionItem, action_items
from warroom.domain.event_payloads import SECTION_TITLES
from warroom.domain.events import Event, Kind
from warroom.domain.incident import IncidentState
from warroom.domain.postmortem import SECTION_PROMPTS, section_option, section_texts
from warroom.records import Record, record

# The playbook's words, exactly as it writes them.
ADVICE_VAGUE = 'anti-pattern: Vague action items ("improve monitoring") — make them specific and owned'
ADVICE_ITEM = "Each action item should be **assignable, scheduleable, and verifiable**."
ADVICE_NOT_AN_ITEM = '"Be more careful" is not an action item.'
ADVICE_NO_ITEMS = "anti-pattern: Closing the postmortem without assigning the actions"
ADVICE_PEOPLE = "anti-pattern: Naming people as root causes — name the missing guardrail that allowed the mistake"

#: Sections where a person's name is blame (the playbook: "Names of services, not people").
BLAMELESS_SECTIONS = ("root_cause", "went_poorly")

#: Words that name no concrete thing: an item made only of these has no object to verify.
_GENERAL_WORDS = """
    a about again all alert alerting alerts also an and any are as at awareness be better by careful
    carefully code communicate communication consider correctly do docs document documentation does
    ensure error errors etc everything fix follow followup for forward future general going handling
    have improve improved improvement improvements improving in into investigate is issue issues it
    its look make monitor monitoring more need needs next observability of on our overall people
    performance problem problems process processes properly quality reliability resilience review
    reviews should some stability stuff sure team test testing tests that the them things think
    this time to training up visibility we with work
"""
GENERAL_WORDS = frozenset(_GENERAL_WORDS.split())


@record
class Finding(Record):
    """One thing the postmortem lacks: its rule, what is wrong, and the playbook's advice."""

    rule: str
    message: str
    advice: str
    #: The section it is about ("" when none).
    section: str = ""
    #: The action item it is about (0 when none).
    item: int = 0

    def line(self) -> str:
        """`action 2 has no owner (...) — Each action item should be ...`: one line."""
        return f"{self.message} — {self.advice}"


def is_vague(text: str) -> bool:
    """True when the item names nothing concrete: every word is a general one ("improve
    monitoring", "be more careful", "fix the issue"). A number, a path, a name of a thing
    (`checkout-api`, `p95`, `runbook`) makes it concrete."""
    words = re.findall(r"[\w./:@-]+", text.lower())
    for word in words:
        stripped = word.strip(".:-")
        if not stripped:
            continue
        if any(ch.isdigit() for ch in stripped) or any(ch in stripped for ch in "./:@_-"):
            return False
        if stripped not in GENERAL_WORDS:
            return False
    return True


def people(events: Iterable[Event], actors: Iterable[str] = ()) -> list[str]:
    """Everyone in the incident: who held a role (or was handed one), and who acted (`actors`:
    more who acted, for events not among `events`)."""
    names = {actor for actor in actors if actor and actor != "warroom"}
    for ev in events:
        if ev.actor and ev.actor != "warroom":
            names.add(ev.actor)
        p = ev.payload
        if ev.kind == Kind.ROLE_ASSIGNED and isinstance(p.get("person"), str):
            names.add(p["person"])
        if ev.kind in (Kind.HANDOFF_PROPOSED, Kind.HANDOFF_ACCEPTED):
            names.update(str(p[k]) for k in ("from", "to") if isinstance(p.get(k), str))
    return sorted(n for n in names if len(n) >= 2)


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """The names that occur in `text` as words (`alice`, `@alice`, `Alice's`), in order given."""
    found = []
    for name in names:
        pattern = rf"(?<![\w.-]){re.escape(name)}(?![\w-])"
        if re.search(pattern, text, flags=re.IGNORECASE):
            found.append(name)
    return found


def _section_findings(state: IncidentState, texts: dict[str, str]) -> list[Finding]:
    findings = []
    declared = {"impact": state.impact, "detected_by": state.detected_by}
    for section, title in SECTION_TITLES.items():
        if texts.get(section) or declared.get(section):
            continue
        findings.append(
            Finding(
                "empty-section",
                f"{title} is empty (`warroom postmortem edit {section_option(section)}`)",
                SECTION_PROMPTS[section] if section not in ("went_well", "went_poorly") else f"write {title}",
                section=section,
            )
        )
    return findings


def _people_findings(state: IncidentState, texts: dict[str, str], actors: Iterable[str]) -> list[Finding]:
    everyone = people(state.events, actors)
    findings = []
    for section in BLAMELESS_SECTIONS:
        for name in names_in(texts.get(section, ""), everyone):
            findings.append(
                Finding("person-named", f"{SECTION_TITLES[section]} names {name}", ADVICE_PEOPLE, section=section)
            )
    return findings


def _item_findings(items: list[ActionItem]) -> list[Finding]:
    if not items:
        return [
            Finding(
                "no-action-items",
                "no action items (`warroom action add TEXT --owner NAME --due YYYY-MM-DD --type prevent`)",
                ADVICE_NO_ITEMS,
            )
        ]
    findings = []
    for item in items:
        n = item.number
        if is_vague(item.text):
            findings.append(
                Finding(
                    "vague-item",
                    f"action {n} is vague ({item.text!r}): it names no concrete thing to change",
                    f"{ADVICE_VAGUE}. {ADVICE_ITEM} {ADVICE_NOT_AN_ITEM}",
                    item=n,
                )
            )
        missing = (
            ("owner", item.owner, "item-no-owner", "--owner NAME"),
            ("due date", item.due, "item-no-due", "--due YYYY-MM-DD"),
            ("type", item.type, "item-no-type", "--type prevent|detect|mitigate"),
        )
        for what, value, rule, option in missing:
            if not value:
                findings.append(
                    Finding(rule, f"action {n} has no {what} (`warroom action edit {n} {option}`)", ADVICE_ITEM, item=n)
                )
    return findings


def lint(state: IncidentState, actors: Iterable[str] = ()) -> list[Finding]:
    """Everything the postmortem still lacks, sections first, then people named, then the items.
    `actors`: who else acted, when `state` was folded without some events (the signals)."""
    texts = section_texts(state.events)
    found = _section_findings(state, texts) + _people_findings(state, texts, actors)
    return found + _item_findings(action_items(state.events))
