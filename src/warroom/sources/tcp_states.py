"""TCP socket counts by state, with the names `ss -tan` prints (ESTAB, TIME-WAIT, ...).

On Linux /proc/net/tcp and tcp6 give the same sockets `ss -tan` shows, with no privilege
needed; elsewhere `psutil.net_connections` does, and may need root. Both are blocking reads:
the resources source calls them from its own worker thread.
"""

from __future__ import annotations

import psutil

# /proc/net/tcp state codes -> the names `ss` prints.
PROC_TCP_STATES = {
    "01": "ESTAB",
    "02": "SYN-SENT",
    "03": "SYN-RECV",
    "04": "FIN-WAIT-1",
    "05": "FIN-WAIT-2",
    "06": "TIME-WAIT",
    "07": "UNCONN",
    "08": "CLOSE-WAIT",
    "09": "LAST-ACK",
    "0A": "LISTEN",
    "0B": "CLOSING",
    "0C": "SYN-RECV",
}
# psutil's names -> the names `ss` prints.
PSUTIL_TCP_STATES = {
    "ESTABLISHED": "ESTAB",
    "SYN_SENT": "SYN-SENT",
    "SYN_RECV": "SYN-RECV",
    "FIN_WAIT1": "FIN-WAIT-1",
    "FIN_WAIT2": "FIN-WAIT-2",
    "TIME_WAIT": "TIME-WAIT",
    "CLOSE": "UNCONN",
    "CLOSE_WAIT": "CLOSE-WAIT",
    "LAST_ACK": "LAST-ACK",
    "LISTEN": "LISTEN",
    "CLOSING": "CLOSING",
    "NONE": "UNCONN",
}


def tcp_states_from_proc(paths: tuple[str, ...] = ("/proc/net/tcp", "/proc/net/tcp6")) -> dict[str, int]:
    """Count sockets by `ss` state name from /proc/net/tcp-format files (raises OSError)."""
    counts: dict[str, int] = {}
    read_any = False
    for path in paths:
        try:
            with open(path, "rb") as f:
                next(f, None)  # header
                for line in f:
                    parts = line.split(None, 4)
                    if len(parts) < 4:
                        continue
                    code = parts[3].decode("ascii", "replace").upper()
                    state = PROC_TCP_STATES.get(code, f"UNKNOWN-{code}")
                    counts[state] = counts.get(state, 0) + 1
            read_any = True
        except FileNotFoundError:
            continue  # no IPv6 on this host
    if not read_any:
        raise FileNotFoundError(paths[0])
    return counts


def tcp_states_from_psutil() -> dict[str, int]:
    """Count TCP sockets by `ss` state name through psutil (may raise psutil.AccessDenied)."""
    counts: dict[str, int] = {}
    for conn in psutil.net_connections(kind="tcp"):
        state = PSUTIL_TCP_STATES.get(conn.status, conn.status.replace("_", "-"))
        counts[state] = counts.get(state, 0) + 1
    return counts
