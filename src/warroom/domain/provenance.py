"""Who wrote an event: the display name (`actor`, from `--as`, `/as` or $WARROOM_USER: a
convenience anyone can set) beside the origin (`login@host` of the process that wrote it: the
real OS login, the audit trail). Every reader of the record shows both where they differ."""

from __future__ import annotations

from warroom.domain.events import Event


def origin_text(ev: Event) -> str:
    """`root@jump1`: the OS login and host that wrote `ev` ("" when the event carries none)."""
    login = str(ev.origin.get("user", "") or "")
    host = str(ev.origin.get("host", "") or "")
    if login and host:
        return f"{login}@{host}"
    return login or (f"@{host}" if host else "")


def differs(ev: Event) -> bool:
    """Is the display name something other than the login that wrote the event?"""
    login = str(ev.origin.get("user", "") or "")
    return bool(login) and ev.actor != login


def written_by(ev: Event) -> str:
    """`alice (root@jump1)` when the display name is not the login, else `alice`."""
    return f"{ev.actor} ({origin_text(ev)})" if differs(ev) else ev.actor
