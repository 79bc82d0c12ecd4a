"""`[intake]`: where the Alertmanager webhook receiver listens, its credentials, its declare rule.

```toml
[intake]
listen = "127.0.0.1:9095"
token = "${WARROOM_INTAKE_TOKEN}"                   # or user = "am" / password = "${PW}" (basic)
declare = { match = { severity = "critical" }, sev = 2 }
```

Listening beyond loopback without a token or basic auth is an error: anyone who can reach the
port could write into the incident record.
"""

from __future__ import annotations

import ipaddress

from warroom.config.fields import Table, type_name
from warroom.config.model import IntakeConfig

INTAKE_KEYS = ("listen", "token", "user", "password", "declare", "interval")
DECLARE_KEYS = ("match", "sev")


def loopback(host: str) -> bool:
    """Is `host` this machine only (`127.0.0.1`, `::1`, `localhost`)?"""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen_problem(listen: str) -> str | None:
    """Why `listen` is not `HOST:PORT` (None when it is)."""
    host, sep, port = listen.rpartition(":")
    if not sep or not host.strip("[]"):
        return f"expected HOST:PORT (like 127.0.0.1:9095), got {listen!r}"
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        return f"the port must be a number 0-65535, got {port!r}"
    return None


def read_intake(t: Table) -> IntakeConfig:
    d = IntakeConfig()
    listen = t.text("listen", d.listen)
    problem = listen_problem(listen)
    if problem:
        t.fail("listen", problem)
        listen = d.listen
    token_text = t.text("token")
    token = t.secret("token", token_text) if token_text is not None else None
    user = t.text("user", "")
    password_text = t.text("password", allow_empty=True)
    password = t.secret("password", password_text) if password_text is not None else None
    if user and password is None:
        t.fail("user", 'basic auth needs a password too (password = "${NAME}")')
    if password is not None and not user:
        t.fail("password", "basic auth needs a user too")
    if token is not None and user:
        t.fail("token", "use a token or basic auth (user/password), not both")
    host = listen.rpartition(":")[0].strip("[]")
    if not loopback(host) and token is None and not (user and password is not None):
        t.fail(
            "listen",
            f'{listen} listens beyond this machine: set token = "${{NAME}}" (bearer) or user/password '
            "(basic auth), or listen on 127.0.0.1",
        )
    match: tuple[tuple[str, str], ...] = ()
    sev: int | None = None
    if t.has("declare"):
        rule = t.data["declare"]
        if not isinstance(rule, dict):
            t.fail(
                "declare",
                f'expected a table like {{ match = {{ severity = "critical" }}, sev = 2 }}, got {type_name(rule)}',
            )
        else:
            for key in rule:
                if key not in DECLARE_KEYS:
                    t.fail("declare", f"key '{key}' is unknown (known keys: match, sev)", (key,))
            raw_match = rule.get("match", {})
            if not isinstance(raw_match, dict):
                t.fail("declare", f'expected a table of label = "value", got {type_name(raw_match)}', ("match",))
            else:
                pairs = []
                for label, value in raw_match.items():
                    if not isinstance(value, str):
                        t.fail("declare", f"expected a string, got {type_name(value)}", ("match", label))
                    else:
                        pairs.append((str(label), value))
                match = tuple(pairs)
            raw_sev = rule.get("sev")
            if raw_sev is None:
                t.fail("declare", "missing 'sev': the severity (1-4) of the incident it declares", ("sev",))
            elif isinstance(raw_sev, bool) or not isinstance(raw_sev, int) or not 1 <= raw_sev <= 4:
                t.fail("declare", f"expected a severity 1-4, got {raw_sev!r}", ("sev",))
            else:
                sev = raw_sev
    return IntakeConfig(
        listen=listen,
        token=token,
        user=user,
        password=password,
        declare_match=match,
        declare_sev=sev,
        interval=t.duration("interval", d.interval),
    )
