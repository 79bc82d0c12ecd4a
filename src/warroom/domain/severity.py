"""Severity levels, word for word from the playbook's triage table."""

from __future__ import annotations

from enum import IntEnum

from warroom.records import Record, record


class Severity(IntEnum):
    """SEV-1 is the worst. A lower number is a *higher* severity."""

    SEV1 = 1
    SEV2 = 2
    SEV3 = 3
    SEV4 = 4

    @property
    def label(self) -> str:
        return f"SEV-{int(self)}"

    @property
    def meaning(self) -> str:
        return SEVERITY_TABLE[self].meaning

    @property
    def response(self) -> str:
        return SEVERITY_TABLE[self].response

    @classmethod
    def parse(cls, text: str | int) -> Severity:
        """Accept `1`, `SEV1`, `sev-1`, `SEV-1`."""
        t = str(text).strip().upper().replace(" ", "")
        if t.startswith("SEV"):
            t = t[3:].removeprefix("-")  # only the dash of `SEV-1`: `-1` is not a severity
        if t in {"1", "2", "3", "4"}:
            return cls(int(t))
        raise ValueError(f"unknown severity {text!r}: use 1, 2, 3 or 4 (SEV-1 is the worst)")


@record
class SeverityRow(Record):
    severity: Severity
    meaning: str
    response: str


SEVERITY_TABLE: dict[Severity, SeverityRow] = {
    Severity.SEV1: SeverityRow(
        Severity.SEV1,
        "Full outage or data loss affecting most users",
        "Page on-call, all hands, public comms",
    ),
    Severity.SEV2: SeverityRow(
        Severity.SEV2,
        "Major feature broken, significant user impact",
        "On-call leads, user comms within 30 min",
    ),
    Severity.SEV3: SeverityRow(
        Severity.SEV3,
        "Degraded experience or impacting some users",
        "Normal hours fix, internal comms",
    ),
    Severity.SEV4: SeverityRow(
        Severity.SEV4,
        "Minor issue, workaround available",
        "Ticket, fix in normal cycle",
    ),
}

#: The playbook's advice, shown wherever a severity is picked.
PICK_HIGHER = "Pick higher when in doubt. Downgrading is free; upgrading later looks bad."
