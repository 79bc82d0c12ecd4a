"""Errors a user can cause and fix. The CLI prints them as one line, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in what was typed or configured; the message says what and how to fix it."""

    exit_code = 2


class StoreBusyError(UserError):
    """The database stayed locked by another process for longer than the busy timeout."""

    exit_code = 3
