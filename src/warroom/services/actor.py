"""Who is acting: the one rule the command line and the war room screen share."""

from __future__ import annotations

import os

from warroom.errors import UserError


def acting_name(explicit: str | None = None) -> str:
    """`explicit` (from `--as`), then $WARROOM_USER, then the login name. A given name must be a
    handle (`domain.names`): anything else is a one-line UserError, before anything is written."""
    from warroom.domain.names import check_name

    try:
        if explicit is not None:
            return check_name(explicit, "--as name")
        env = os.environ.get("WARROOM_USER", "").strip()
        if env:
            return check_name(env, "$WARROOM_USER")
    except ValueError as exc:
        raise UserError(str(exc)) from None
    from warroom.store.rows import origin

    return origin()["user"]
