"""Keep secrets out of everything shown or stored: URL credentials, token-ish values, headers,
and the values of the `${ENV}` variables the config uses.

Two kinds of secret are hidden:
- values known to be secret: what each `${NAME}` used anywhere in the config expands to. The
  process registers them once, when it builds its sources from the config
  (`register_config_secrets`), because a followed command, a command pane or a log file may print
  one anywhere (`echo $TOKEN`), not only where the config put it;
- values that look like credentials wherever they appear: URL userinfo, `?token=` style query
  values, `Bearer ...`, Slack webhook paths and tokens, GitHub tokens, AWS access keys, JWTs,
  `password=...`.
Everything a command prints passes `redact_bytes`/`redact_text` before it is shown, counted,
grouped, pinned or stored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)
_QUERY_SECRET = re.compile(
    r"(?P<key>[?&](?:token|access_token|api_key|apikey|key|secret|password|passwd|sig|signature|auth)=)[^&#\s]+",
    re.IGNORECASE,
)
# The value is never another scheme word: in "token Bearer sk-…" the secret follows "Bearer".
_BEARER = re.compile(
    r"(?P<key>\b(?:Bearer|Basic|Token)\s+)(?!(?:Bearer|Basic|Token)\b)[A-Za-z0-9._~+/=-]{6,}", re.IGNORECASE
)
_SLACK_HOOK = re.compile(r"(hooks\.slack\.com/services/)[A-Za-z0-9/]+")
# Credentials recognisable by their shape alone.
_TOKEN_SHAPES = re.compile(
    r"\bgh[pousr]_[A-Za-z0-9]{20,}"  # GitHub tokens
    r"|\bxox[abposr]-[A-Za-z0-9-]{8,}"  # Slack tokens
    r"|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"  # AWS access key ids
    r"|\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWTs
)
#: What every `_TOKEN_SHAPES` match begins with (the pattern is case-sensitive).
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xox", "AKIA", "ASIA", "eyJ")
_KEY_VALUE = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|secret|client_secret|api[_-]?key|private[_-]?key|token|access[_-]?token|auth[_-]?token)"
    r"\s*[=:]\s*)(?![*]{3})[\"']?[^\s\"'&,;]+",
    re.IGNORECASE,
)
#: A word each match of `_BEARER` / `_KEY_VALUE` holds (lower case): without one, they are skipped.
_BEARER_WORDS = ("bearer", "basic", "token")
_KEY_WORDS = (
    "passw",
    "pwd",
    "secret",
    "apikey",
    "api_key",
    "api-key",
    "privatekey",
    "private_key",
    "private-key",
    "token",
)
#: Letters an IGNORECASE pattern matches to an ASCII letter and `str.lower` keeps as they are
#: (dotted and dotless i, long s, Kelvin sign): a text with one is always matched in full.
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key"})
#: Shorter values are not hidden: replacing every "on" or "1" would garble all text.
MIN_SECRET_LENGTH = 4

# The secret values this process knows (longest first), and the same as bytes. Replaced as a
# whole tuple, so readers in worker threads always see a consistent set.
_known: tuple[str, ...] = ()
_known_bytes: tuple[bytes, ...] = ()


def _usable(values: Iterable[str]) -> list[str]:
    return sorted({v for v in values if v and len(v) >= MIN_SECRET_LENGTH}, key=len, reverse=True)


def register_secrets(values: Iterable[str]) -> None:
    """Add values that must never be shown (expanded `${ENV}`s) to this process's set."""
    global _known, _known_bytes
    merged = tuple(_usable([*_known, *values]))
    if merged != _known:
        _known, _known_bytes = merged, tuple(v.encode() for v in merged)


def known_secrets() -> tuple[str, ...]:
    """The secret values registered so far, longest first."""
    return _known


def env_names_in(obj: Any) -> set[str]:
    """Every `${NAME}` referenced by any string in a config object (dataclasses, tuples,
    dicts, `Secret`s), wherever it is used."""
    names: set[str] = set()
    seen: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if "${" in value:
                names.update(_ENV_REF.findall(value))
        elif isinstance(value, (tuple, list, set, frozenset)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif hasattr(value, "__dataclass_fields__") and id(value) not in seen:
            seen.add(id(value))
            for name in value.__dataclass_fields__:
                walk(getattr(value, name, None))

    walk(obj)
    return names


def register_config_secrets(config: Any, environ: Mapping[str, str] | None = None) -> None:
    """Register the value of every environment variable the config references as `${NAME}`."""
    env = os.environ if environ is None else environ
    register_secrets(env[name] for name in env_names_in(config) if name in env)


def _redact_known_and_urls(text: str) -> str:
    """What `redact_text` and `redact_typed` both hide: the config's `${ENV}` values, URL userinfo
    and `?token=`-style query values."""
    for value in _known:
        if value in text:
            text = text.replace(value, "***")
    # A pattern that needs a literal (case-sensitive) piece is skipped when the text lacks it:
    # the same result, and a long document (a postmortem of 100,000 events) is scanned less.
    if "://" in text:
        text = _USERINFO.sub(lambda m: m.group("scheme") + "***@", text)
    if "=" in text:
        text = _QUERY_SECRET.sub(lambda m: m.group("key") + "***", text)
    return text


def redact_text(text: str) -> str:
    """Hide known secret values and credentials that may sit inside a URL, header or line."""
    if not text:
        return text
    text = _redact_known_and_urls(text)
    # The case-insensitive patterns likewise, when the text lacks each of their words in any case.
    lower = "" if any(c in text for c in _FOLDS_TO_ASCII) else text.lower()
    if not lower or any(word in lower for word in _BEARER_WORDS):
        text = _BEARER.sub(lambda m: m.group("key") + "***", text)
    if "hooks.slack.com/services/" in text:
        text = _SLACK_HOOK.sub(lambda m: m.group(1) + "***", text)
    if any(prefix in text for prefix in _TOKEN_PREFIXES):
        text = _TOKEN_SHAPES.sub("***", text)
    if not lower or any(word in lower for word in _KEY_WORDS):
        text = _KEY_VALUE.sub(lambda m: m.group("key") + "***", text)
    return text


def redact_bytes(data: bytes, extra: Iterable[bytes] = ()) -> bytes:
    """Replace known secret values (and `extra` ones) in raw output, before it is decoded,
    split into lines, matched or kept. Credential shapes are hidden later by `redact_text`."""
    values = _known_bytes
    more = [v for v in extra if v and len(v) >= MIN_SECRET_LENGTH]
    if more:
        values = tuple(sorted({*values, *more}, key=len, reverse=True))
    for value in values:
        if value in data:
            data = data.replace(value, b"***")
    return data


def redact_values(text: str, secrets: list[str] | tuple[str, ...]) -> str:
    """Replace each known secret value (expanded `${ENV}`s) wherever it appears."""
    for value in _usable(secrets):
        text = text.replace(value, "***")
    return redact_text(text)


def redact_output(data: bytes, secrets: Iterable[str] = ()) -> str:
    """What a command printed, as text with every secret hidden: the known values and `secrets`
    (matched in the raw bytes, before decoding), then credential shapes and sensitive header values."""
    extra = [s for s in secrets if s]
    text = redact_bytes(data, [s.encode() for s in extra]).decode("utf-8", "replace")
    return redact_headers(redact_values(text, extra))


# --- a command line: `warroom run -- ARGV...` records the argv it ran ------------------------------

#: An option or `NAME=value` whose name says its value is a secret (`--token`, `--db-password`,
#: `PGPASSWORD=`, `--client-secret`, `--api-key`, `--auth`).
_SECRET_NAME = re.compile(
    r"(?:token|passw|secret|api[-_]?key|credential|private[-_]?key)|(?:^|[-_])(?:auth|pwd|pass|pw)$",
    re.IGNORECASE,
)
#: Option names that are secret-ish but take no secret value (`docker login --password-stdin`).
_NOT_A_VALUE = re.compile(r"[-_](?:stdin|file|path|env)$", re.IGNORECASE)
#: `Authorization: Bearer x`, `Cookie: a=b`: a sensitive header and its value, inside any text.
_SECRET_HEADER = re.compile(
    r"(?P<key>\b(?:" + "|".join(re.escape(h) for h in sorted(SENSITIVE_HEADERS)) + r")\s*:\s*)[^\r\n]+",
    re.IGNORECASE,
)
#: curl's and friends' `-u user:password` / `--user user:password`.
_USER_OPTIONS = frozenset({"-u", "--user", "--proxy-user", "-U"})


def _secret_name(name: str) -> bool:
    name = name.lstrip("-")
    return bool(name) and bool(_SECRET_NAME.search(name)) and not _NOT_A_VALUE.search(name)


def redact_headers(text: str) -> str:
    """Hide the value of every sensitive header (`Authorization: ***`) in `text`."""
    return _SECRET_HEADER.sub(lambda m: m.group("key") + "***", text)


def redact_argv(argv: list[str] | tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A command line with its secrets hidden, and the secret values it held (to hide them in
    what the command prints too). Hidden: the value of a secret-named option (`--token=x`,
    `--password x`) or assignment (`password=x`, `PGPASSWORD=x`), `-u user:pass`'s password,
    sensitive header values (`-H 'Authorization: Bearer x'`), and everything `redact_text` hides
    (URL credentials `https://user:pass@host`, token shapes, the config's `${ENV}` values)."""
    out: list[str] = []
    values: list[str] = []
    hide_next = ""  # "all" (the value of `--password`) or "password" (the `:pass` of `-u user:pass`)
    for word in argv:
        if hide_next:
            if hide_next == "password" and ":" in word:
                user, _, secret = word.partition(":")
                values.append(secret)
                word = f"{user}:***"
            elif hide_next == "all":
                values.append(word)
                word = "***"
            hide_next = ""
        elif word.startswith("-") and "=" not in word:
            if word in _USER_OPTIONS:
                hide_next = "password"
            elif word.startswith("--") and _secret_name(word):
                hide_next = "all"
        else:
            name, eq, value = word.partition("=")
            if eq and value and name and " " not in name and _secret_name(name):
                values.append(value)
                word = f"{name}=***"
            elif word.startswith("-u") and len(word) > 2 and ":" in word and not word.startswith("--"):
                user, _, secret = word[2:].partition(":")
                values.append(secret)
                word = f"-u{user}:***"
        header = _SECRET_HEADER.search(word)
        if header:
            values.append(word[header.end("key") :].strip())
        out.append(redact_headers(redact_values(word, values)))
    return out, [v for v in values if v and v != "***"]


# --- a stored record: `warroom export` writes events and payloads as data ---------------------------


def redact_json(value: Any) -> Any:
    """A copy of JSON-like data with every secret hidden: each string through `redact_text` and
    `redact_headers` (known `${ENV}` values, URL credentials, tokens, `Authorization: ...`), and
    the whole value of a key named like a secret or a sensitive header (`token`, `password`,
    `Authorization`, `Cookie`). Idempotent: redacting an export again changes nothing."""
    if isinstance(value, str):
        return redact_headers(redact_text(value))
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if _hidden_key(key) and item is not None and not isinstance(item, (bool, int, float, dict, list)):
                out[key] = "***"
            else:
                out[key] = redact_json(item)
        return out
    if isinstance(value, (list, tuple)):
        return [redact_json(item) for item in value]
    return value


def _hidden_key(key: Any) -> bool:
    """Whether a JSON key is named like a secret or a sensitive header (its value is hidden)."""
    name = str(key)
    return name.lower() in SENSITIVE_HEADERS or _secret_name(name)


#: In a `_redacted_or_same` memo: the string holds no secret (equal strings of different rows
#: are different objects, so the value itself is returned, not the first one seen).
_SAME = object()
#: Marks a memo key that is a whole flat dict's items (never equal to a string or a key's tuple).
_WHOLE = object()


def _redacted_or_same(value: Any, memo: dict[Any, Any]) -> Any:
    """`redact_json(value)` with the memo of one batch (each distinct string and key judged once),
    or `value` itself when that would equal it (no secret in it): most events hold none, and copying 100,000 payloads to change nothing is the cost. Only
    plain JSON (str, dict, list, numbers) can come back as itself; a tuple comes back a list."""
    if isinstance(value, str):
        done = memo.get(value)
        if done is None:
            done = redact_headers(redact_text(value))
            memo[value] = done = _SAME if done == value else done
        return value if done is _SAME else done
    if type(value) is dict:
        whole: tuple[Any, ...] | None
        try:  # a flat payload seen before, as a whole: one lookup instead of one per field
            whole = (_WHOLE, *value.items())
            known = memo.get(whole)
        except TypeError:  # a list or dict inside: judged field by field
            whole = known = None
        if known is _SAME:
            return value
        changed = False
        out: dict[Any, Any] = {}
        for key, item in value.items():
            hidden = memo.get((key,))
            if hidden is None:
                hidden = memo[(key,)] = _hidden_key(key)
            if hidden and item is not None and not isinstance(item, (bool, int, float, dict, list)):
                done = "***"
            else:
                done = _redacted_or_same(item, memo)
            out[key] = done
            changed = changed or done is not item
        if whole is not None and not changed:
            memo[whole] = _SAME
        return out if changed else value
    if type(value) is list:
        items = [_redacted_or_same(item, memo) for item in value]
        return items if any(a is not b for a, b in zip(items, value)) else value
    if value is None or type(value) in (bool, int, float):
        return value
    return redact_json(value)


def redacted_event(ev: Any, memo: dict[Any, Any] | None = None) -> Any:
    """`ev` (a domain Event) with secrets redacted from its actor and payload, everything else
    kept as stored: what an export, the postmortem and the review's postmortem panel fold.
    With a `memo` (see `redacted_events`), an event holding no secret comes back as itself
    (events are immutable), not as an equal copy."""
    from warroom.domain.events import Event

    if memo is not None:
        actor = _redacted_or_same(ev.actor, memo)
        payload = (
            _redacted_or_same(ev.payload, memo)
            if type(ev.payload) is dict
            else redact_json(dict(ev.payload))  # a read-only mapping: always a redacted copy
        )
        if actor is ev.actor and payload is ev.payload:
            return ev
        if payload is ev.payload:
            payload = dict(payload)  # a copy, as `redact_json` gives, so the original stays unshared
    else:
        actor = redact_json(ev.actor)
        payload = redact_json(dict(ev.payload))
    return Event(
        ev.incident_id,
        ev.at,
        ev.kind,
        actor,
        payload,
        ev.id,
        ev.recorded_at,
        ev.origin,
        ev.dedupe_key,
        ev.problem,
    )


def redacted_events(events: Iterable[Any]) -> list[Any]:
    """Each event through `redacted_event`, sharing one memo for the batch: a long incident's
    repeated texts and keys are redacted once each (the same result, a fraction of the time)."""
    memo: dict[Any, Any] = {}
    return [redacted_event(ev, memo) for ev in events]


# --- what a person typed: a note, a reason, a title ----------------------------------------------

#: `Bearer x` in typed prose hides only a value that looks like a credential (a digit, 8+
#: characters): "Bearer tokens rotated" is a sentence, "Bearer eyJ0eXAi1..." is a secret.
_TYPED_BEARER = re.compile(
    r"(?P<key>\b(?:Bearer|Basic|Token)\s+)(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE
)


def redact_typed(text: str) -> str:
    """Text a person typed (a note pasted from a terminal, a reason), as it may be stored: the
    config's `${ENV}` values and credentials recognisable by where they stand (URL userinfo,
    `?token=`/`&password=` query values, `Bearer <credential>`, Slack hooks, token shapes) are
    hidden. Unlike `redact_text`, `password: on rotation` or `token expired` stay as typed:
    prose is not a key/value list, and typed words are not dropped on a guess."""
    if not text:
        return text
    text = _redact_known_and_urls(text)
    text = _TYPED_BEARER.sub(lambda m: m.group("key") + "***", text)
    text = _SLACK_HOOK.sub(lambda m: m.group(1) + "***", text)
    return _TOKEN_SHAPES.sub("***", text)


def redact_typed_json(value: Any) -> Any:
    """`redact_typed` on every string inside JSON-like data (keys kept); the same object when
    nothing changed, so the common payload costs no copy."""
    if isinstance(value, str):
        return redact_typed(value)
    if isinstance(value, dict):
        out = {key: redact_typed_json(item) for key, item in value.items()}
        return value if all(out[k] is value[k] for k in value) else out
    if isinstance(value, (list, tuple)):
        items = [redact_typed_json(item) for item in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return type(value)(items) if isinstance(value, tuple) else items
    return value
