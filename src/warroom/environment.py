"""The environment variables warroom reads, checked once before any command runs.

A bad value is a user mistake like a bad flag: one line naming the variable and what is
expected, exit 2, never a traceback deep inside whichever module happened to read it first.
Kept import-free (only `os`): `warroom note` pays for every import.

Where each one is used: WARROOM_DB (`paths.default_db_file`; folder rules live with the store),
WARROOM_CONFIG (`paths.find_config_path`), WARROOM_USER (`commands.context.current_actor`),
WARROOM_BUSY_TIMEOUT_MS (`store.schema`), XDG_DATA_HOME / XDG_CONFIG_HOME (`paths`, where the
spec's rule applies: a relative value is ignored).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

#: WARROOM_BUSY_TIMEOUT_MS: how long a write waits for a lock held by another process.
BUSY_TIMEOUT_DEFAULT_MS = 5000
BUSY_TIMEOUT_MAX_MS = 300_000  # 5 minutes, the same bound as every other timeout


def busy_timeout_ms(environ: Mapping[str, str] | None = None) -> int:
    """$WARROOM_BUSY_TIMEOUT_MS as milliseconds; ValueError naming the variable when it is bad."""
    env = os.environ if environ is None else environ
    text = env.get("WARROOM_BUSY_TIMEOUT_MS", "").strip()
    if not text:
        return BUSY_TIMEOUT_DEFAULT_MS
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= BUSY_TIMEOUT_MAX_MS:
        raise ValueError(
            f"WARROOM_BUSY_TIMEOUT_MS={text[:40]!r}: expected whole milliseconds from 1 to {BUSY_TIMEOUT_MAX_MS}"
        )
    return int(text)


def environment_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """The first thing wrong with the warroom variables that are set, as one line; None if fine.

    An empty variable means "not set" (the shell idiom `WARROOM_USER= warroom ...`); one that is
    only spaces, or holds control characters, is a mistake."""
    env = os.environ if environ is None else environ
    try:
        busy_timeout_ms(env)
    except ValueError as exc:
        return str(exc)
    for name in ("WARROOM_DB", "WARROOM_CONFIG", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        value = env.get(name)
        if value is None or value == "":
            continue
        if not value.strip():
            return f"{name} is set to spaces only: unset it or name a path"
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            return f"{name} holds a control character: name a path"
    user = env.get("WARROOM_USER", "").strip()
    if user:
        from warroom.domain.names import name_problem  # the one rule for names (import-free too)

        problem = name_problem(user)
        if problem:
            return f"WARROOM_USER={user[:40]!a}: {problem}"
    return None
