"""The event store: one SQLite file, append-only events, down-sampled samples.

`sync.EventStore` (stdlib sqlite3) serves the CLI; `aio.AsyncEventStore` (the same rules on a thread of its own) serves the UI.
"""
