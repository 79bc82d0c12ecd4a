"""Widgets: header, timeline, role board, command line (and the signal panes, countdown)."""
