"""Incident roles from the playbook, plus any a team names in config."""

from __future__ import annotations

IC = "Incident Commander"
COMMS = "Comms Lead"
TECH = "Tech Lead"
SCRIBE = "Scribe"

#: The playbook's roles, in board order, with what each owns.
STANDARD_ROLES: dict[str, str] = {
    IC: "Coordinates, makes decisions, declares resolved. Doesn't debug.",
    COMMS: "Internal + external updates. Updates status page.",
    TECH: "Actual debugging and mitigation",
    SCRIBE: "Timeline of what happened and when, for the postmortem",
}

_ALIASES = {
    "ic": IC,
    "incident commander": IC,
    "incident-commander": IC,
    "commander": IC,
    "comms": COMMS,
    "comms lead": COMMS,
    "comms-lead": COMMS,
    "comms_lead": COMMS,
    "tech": TECH,
    "tech lead": TECH,
    "tech-lead": TECH,
    "tech_lead": TECH,
    "investigator": TECH,
    "tech lead / investigator": TECH,
    "tl": TECH,
    "scribe": SCRIBE,
}


def role_names(extra_roles: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Every role on the board: the standard four, then the configured extras."""
    names = list(STANDARD_ROLES)
    for extra in extra_roles:
        if extra not in names:
            names.append(extra)
    return names


def canonical_role(text: str, extra_roles: tuple[str, ...] | list[str] = ()) -> str:
    """Map what someone typed (`ic`, `comms-lead`, `deputy`) to the role's board name."""
    key = " ".join(text.strip().replace("_", " ").split()).lower()
    if key in _ALIASES:
        return _ALIASES[key]
    for name in role_names(extra_roles):
        if name.lower() == key or name.lower().replace(" ", "-") == text.strip().lower():
            return name
    known = ", ".join(role_names(extra_roles))
    raise ValueError(f"unknown role {text!r}: known roles are {known} (add others under [team] extra_roles)")
