"""Screens: the war room, the declare dialog, help, confirm, too-small (and issue 6's draft)."""
