"""Screens: the war room, the declare dialog, help, confirm, too-small, and the status update draft."""
