"""The demo's command pane: `python -m warroom.demo.activity URL` prints the service's sessions.

It asks the demo service for `/debug/activity` and prints it the way `psql` prints
`pg_stat_activity` (the seed's "long-running queries"), longest-running first, then the HTTP
requests in flight. Standard library only: it runs as a separate process every few seconds.
"""

from __future__ import annotations

import json
import sys
import urllib.request


def _age(seconds: float) -> str:
    """`interval` the way psql prints an age: 00:00:31.2 (to the tenth)."""
    tenths = round(max(0.0, float(seconds)) * 10)
    whole, tenth = divmod(tenths, 10)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{tenth}"


def summary(activity: dict) -> str:
    """One line first, so even a two-line pane says what matters: how busy the database is."""
    sessions = activity.get("sessions", [])
    states: dict[str, int] = {}
    for s in sessions:
        states[str(s.get("state", ""))] = states.get(str(s.get("state", "")), 0) + 1
    parts = ", ".join(f"{n} {state}" for state, n in sorted(states.items(), key=lambda kv: -kv[1]))
    inflight = activity.get("inflight", [])
    slow = sum(1 for r in inflight if float(r.get("age", 0)) >= 0.5)
    line = f"db sessions: {len(sessions)}" + (f" ({parts})" if parts else "")
    line += f" · http in flight: {len(inflight)}" + (f", {slow} over 0.5s" if slow else "")
    return line


def render(activity: dict, limit: int = 8) -> str:
    """The summary line, then a psql-style aligned table of the longest-running sessions."""
    sessions = sorted(activity.get("sessions", []), key=lambda s: -float(s.get("age", 0)))[:limit]
    rows = [
        (str(s.get("pid", "")), _age(s.get("age", 0)), str(s.get("state", "")), str(s.get("query", ""))[:48])
        for s in sessions
    ]
    head = ("pid", "age", "state", "query")
    widths = [max([len(head[i])] + [len(r[i]) for r in rows]) for i in range(4)]
    lines = [summary(activity)]
    lines.append(" " + " | ".join(h.center(w) if i < 3 else h for i, (h, w) in enumerate(zip(head, widths))))
    lines.append("-" + "-+-".join("-" * w for w in widths) + "-")
    for r in rows:
        lines.append(
            " " + " | ".join(c.ljust(w) if i else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
        )
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m warroom.demo.activity BASE_URL", file=sys.stderr)
        return 2
    url = args[0].rstrip("/") + "/debug/activity"
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            activity = json.loads(resp.read().decode("utf-8"))
    except Exception as exc:  # any failure is this pane's output, with a non-zero exit
        print(f"cannot reach the demo service at {url}: {exc}", file=sys.stderr)
        return 2
    print(render(activity))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
