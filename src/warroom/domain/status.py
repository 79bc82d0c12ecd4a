"""Incident status: the playbook's template progression."""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """Investigating -> Identified -> Monitoring -> Resolved. Stepping back is allowed."""

    INVESTIGATING = "Investigating"
    IDENTIFIED = "Identified"
    MONITORING = "Monitoring"
    RESOLVED = "Resolved"

    @property
    def order(self) -> int:
        return list(Status).index(self)

    @classmethod
    def parse(cls, text: str) -> Status:
        t = text.strip().lower()
        for status in cls:
            if status.value.lower() == t or (len(t) >= 3 and status.value.lower().startswith(t)):
                return status
        names = ", ".join(s.value.lower() for s in cls)
        raise ValueError(f"unknown status {text!r}: use one of {names}")
