"""Live signals. Plain Python, no Textual: each source returns immutable snapshots and never raises."""
