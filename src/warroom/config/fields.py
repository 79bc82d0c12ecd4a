"""Typed reading of one TOML table, recording a problem (file, line, key) for every bad value.

A getter that meets a bad value records the problem and returns the default, so reading goes on
and `warroom config check` can report every problem in the file at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, overload

from warroom.config.model import Secret
from warroom.config.problems import ConfigProblem

if TYPE_CHECKING:
    from warroom.config.positions import KeyLines, Path

_REF_START = re.compile(r"\$\{")
_GOOD_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

DURATION = "a duration (seconds, or a string like 90s, 15m, 2h)"

#: Upper bounds for durations, by key: far above any sane setting, far below values that hang a
#: command (`timeout = 1e308`) or overflow a clock (`interval = "99999999999d"`). README lists them.
DURATION_LIMITS: dict[str, float] = {
    "timeout": 300.0,  # 5 minutes: no probe or command answer is worth waiting longer for
    "interval": 86400.0,  # 1 day
    "since": 30 * 86400.0,  # 30 days of deploy history
    "backfill": 365 * 86400.0,  # a year of log history: only a window on a file already there
}
#: Any other duration key.
DURATION_LIMIT = 30 * 86400.0
#: Upper bounds for counts, by key (the same reasoning as `DURATION_LIMITS`).
INTEGER_LIMITS: dict[str, int] = {
    "max_redirects": 100,
    "fail_threshold": 1000,
    "recover_threshold": 1000,
    "top": 1000,
    "spike_min": 1_000_000,
    "backfill_max_mb": 65536,  # 64 GiB read back from one file: far more than a window needs
}
#: Any other integer key.
INTEGER_LIMIT = 1_000_000_000


def limit_text(seconds: float) -> str:
    """`300 s`, `1 day`, `30 days`: how a duration limit reads in a message."""
    if seconds >= 86400 and seconds % 86400 == 0:
        days = int(seconds // 86400)
        return f"{days} day" + ("s" if days > 1 else "")
    return f"{seconds:g} s"


class Report:
    """Problems found in one file."""

    def __init__(self, file: str, text: str, environ: Mapping[str, str]) -> None:
        self.file = file
        self._text = text
        self._lines: KeyLines | None = None
        self.environ = environ
        self.problems: list[ConfigProblem] = []

    @property
    def lines(self) -> KeyLines:
        """Where each key is (`config.positions`, imported only when a problem needs a line: a
        config that loads cleanly, as every war room start does, never compiles the scanner)."""
        if self._lines is None:
            from warroom.config.positions import KeyLines

            self._lines = KeyLines(self._text)
        return self._lines

    def add(self, path: Path, message: str, fatal: bool = True, warning: bool = False) -> None:
        self.problems.append(ConfigProblem(self.file, self.lines.line(path), message, fatal, warning))

    @property
    def fatal(self) -> bool:
        return any(p.fatal for p in self.problems)


def type_name(value: Any) -> str:
    """How a TOML value's type is named in messages (never the value itself: it may be secret)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    return type(value).__name__


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to a misspelt word, if any is close enough.

    Fewest typing edits first (a swapped pair of letters counts as one), so `temas` suggests
    `team` rather than the longer `templates`; difflib's similarity breaks ties and catches
    longer words with several slips.
    """
    options = list(choices)
    low = word.lower()
    for option in options:
        if option.lower() == low:
            return option
    import difflib  # only on the error path: keeps loading fast

    def score(option: str) -> tuple[int, float]:
        ratio = difflib.SequenceMatcher(None, low, option.lower()).ratio()
        return _edits(low, option.lower()), -ratio

    best = min(options, key=score, default=None)
    if best is None:
        return None
    edits, neg_ratio = score(best)
    if (edits <= max(2, len(word) // 3) and edits < len(best)) or -neg_ratio >= 0.75:
        return best
    return None


def _edits(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, changes, adjacent swaps."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def key_text(key: str, sub: tuple[str | int, ...] = ()) -> str:
    """`headers.Authorization`, `argv[2]`, `expect_status[1]`."""
    out = key
    for part in sub:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _short_number(value: float) -> str:
    """A number for a message, short even when absurd (`1e+308`, not 309 digits)."""
    return f"{value:g}" if isinstance(value, float) or abs(value) >= 1e15 else str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Table:
    """One table (`[team]`, or the Nth `[[probe]]`) being read into a dataclass."""

    def __init__(self, report: Report, data: dict[str, Any], path: Path, label: str, known: Iterable[str]) -> None:
        self.report = report
        self.data = data
        self.path = path
        self.label = label  # '[team]' or '[[probe]] #2 "search"'
        self.known = tuple(known)
        for key in data:
            if key not in self.known:
                hint = suggest(key, self.known)
                tail = f"; did you mean '{hint}'?" if hint else f" (known keys: {', '.join(self.known)})"
                self.report.add(path + (key,), f"{label}: key '{key}' is unknown{tail}")

    # -- problems ------------------------------------------------------------------------------
    def fail(self, key: str, message: str, sub: tuple[str | int, ...] = (), fatal: bool = True) -> None:
        """A problem with one key's value: `[[probe]] #1 "api" timeout: ...`."""
        self.report.add(self.path + (key,) + sub, f"{self.label} {key_text(key, sub)}: {message}", fatal)

    def warn(self, key: str, message: str, sub: tuple[str | int, ...] = ()) -> None:
        """Something worth saying about a valid value (`config check` prints it, still exits 0)."""
        self.report.add(self.path + (key,) + sub, f"{self.label} {key_text(key, sub)}: warning: {message}", False, True)

    def fail_table(self, message: str) -> None:
        """A problem with the table as a whole, reported at its header."""
        self.report.add(self.path, f"{self.label}: {message}")

    def missing(self, key: str, hint: str = "") -> None:
        self.fail_table(f"missing required key '{key}'{hint}")

    def has(self, key: str) -> bool:
        return key in self.data

    # -- scalars -------------------------------------------------------------------------------
    @overload
    def text(self, key: str, default: str, required: bool = False, allow_empty: bool = False) -> str: ...
    @overload
    def text(self, key: str, default: None = None, required: bool = False, allow_empty: bool = False) -> str | None: ...
    def text(
        self, key: str, default: str | None = None, required: bool = False, allow_empty: bool = False
    ) -> str | None:
        if key not in self.data:
            if required:
                self.missing(key)
            return default
        value = self.data[key]
        if not isinstance(value, str):
            self.fail(key, f"expected a string, got {type_name(value)}")
            return default
        if not allow_empty and not value.strip():
            self.fail(key, "must not be empty")
            return default
        return value

    @overload
    def choice(
        self, key: str, choices: tuple[str, ...], default: str, required: bool = False, upper: bool = False
    ) -> str: ...
    @overload
    def choice(
        self, key: str, choices: tuple[str, ...], default: None = None, required: bool = False, upper: bool = False
    ) -> str | None: ...
    def choice(
        self,
        key: str,
        choices: tuple[str, ...],
        default: str | None = None,
        required: bool = False,
        upper: bool = False,
    ) -> str | None:
        value = self.text(key, None, required)
        if value is None:
            return default
        normal = value.upper() if upper else value
        if normal in choices:
            return normal
        hint = suggest(value, choices)
        tail = f"; did you mean '{hint}'?" if hint else ""
        self.fail(key, f"'{value}' is not one of {', '.join(choices)}{tail}")
        return default

    def flag(self, key: str, default: bool) -> bool:
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {type_name(value)}")
            return default
        return value

    def integer(self, key: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
        if key not in self.data:
            return default
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"expected an integer, got {type_name(value)}")
            return default
        if minimum is not None and value < minimum:
            self.fail(key, f"must be at least {minimum}, got {value}")
            return default
        maximum = INTEGER_LIMITS.get(key, INTEGER_LIMIT) if maximum is None else maximum
        if value > maximum:
            self.fail(key, f"must be at most {maximum}, got {_short_number(value)}")
            return default
        return value

    def number(self, key: str, default: float, above: float | None = None, at_most: float | None = None) -> float:
        if key not in self.data:
            return default
        value = self.data[key]
        if not _is_number(value):
            self.fail(key, f"expected a number, got {type_name(value)}")
            return default
        if not math.isfinite(value):
            self.fail(key, f"must be a finite number, got {value}")
            return default
        if above is not None and value <= above:
            self.fail(key, f"must be greater than {above:g}, got {value:g}")
            return default
        at_most = 1e6 if at_most is None else at_most  # beyond this a factor or percentage is a typo
        if value > at_most:
            self.fail(key, f"must be at most {at_most:g}, got {value:g}")
            return default
        return float(value)

    def duration(self, key: str, default: float, positive: bool = True, at_most: float | None = None) -> float:
        """Seconds as a number, or a string like `90s`, `15m`, `2h`, `1h30m`; finite, not negative,
        and at most `at_most` (by default the key's entry in `DURATION_LIMITS`)."""
        if key not in self.data:
            return default
        limit = DURATION_LIMITS.get(key, DURATION_LIMIT) if at_most is None else at_most
        value = self.data[key]
        if isinstance(value, str):
            from warroom.domain.timeparse import parse_duration

            try:
                seconds = parse_duration(value).total_seconds()
            except ValueError as exc:
                if "too long" in str(exc):
                    self.fail(key, f"must be at most {limit_text(limit)}, got '{value[:40]}'")
                else:
                    self.fail(key, f"expected {DURATION}, got '{value[:40]}'")
                return default
        elif _is_number(value):
            if not math.isfinite(value):
                self.fail(key, f"must be a finite number of seconds, got {value}")
                return default
            seconds = float(value)
        else:
            self.fail(key, f"expected {DURATION}, got {type_name(value)}")
            return default
        if seconds < 0 or (positive and seconds == 0):
            self.fail(key, f"must be {'greater than 0' if positive else 'at least 0'} seconds")
            return default
        if seconds > limit:
            got = f"'{value[:40]}'" if isinstance(value, str) else f"{_short_number(seconds)} s"
            self.fail(key, f"must be at most {limit_text(limit)}, got {got}")
            return default
        return seconds

    # -- arrays --------------------------------------------------------------------------------
    def strings(
        self,
        key: str,
        default: tuple[str, ...] = (),
        required: bool = False,
        nonempty: bool = False,
        unique: bool = False,
    ) -> tuple[str, ...]:
        """An array of non-empty strings."""
        if key not in self.data:
            if required:
                self.missing(key)
            return default
        value = self.data[key]
        if not isinstance(value, list):
            self.fail(key, f"expected an array of strings, got {type_name(value)}")
            return default
        if nonempty and not value:
            self.fail(key, "must not be empty")
            return default
        out: list[str] = []
        ok = True
        for n, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(key, f"expected a string, got {type_name(item)}", (n,))
                ok = False
            elif not item.strip():
                self.fail(key, "must not be empty", (n,))
                ok = False
            elif unique and item in out:
                self.fail(key, f"'{item}' is listed twice", (n,))
                ok = False
            else:
                out.append(item)
        return tuple(out) if ok else default

    def argv(self, key: str, required: bool = False) -> tuple[str, ...]:
        """A command as a non-empty array of strings (never a shell line); `${ENV}` checked."""
        if key not in self.data:
            if required:
                self.missing(key, ' (a command as an array of strings, e.g. ["kubectl", "get", "pods"])')
            return ()
        value = self.data[key]
        if isinstance(value, str):
            self.fail(
                key, "expected an array of strings (the command and its arguments, never a shell line), got a string"
            )
            return ()
        if not isinstance(value, list) or not value:
            got = type_name(value) if not isinstance(value, list) else "an empty array"
            self.fail(key, f"expected a non-empty array of strings, got {got}")
            return ()
        out: list[str] = []
        for n, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(key, f"expected a string, got {type_name(item)}", (n,))
                continue
            if n == 0 and not item.strip():
                self.fail(key, "the program name must not be empty", (n,))
                continue
            self.env_refs(key, item, (n,))
            out.append(item)
        return tuple(out) if len(out) == len(value) else ()

    # -- secrets -------------------------------------------------------------------------------
    def env_refs(self, key: str, value: str, sub: tuple[str | int, ...] = ()) -> bool:
        """Check the `${NAME}` references in a value that is expanded at use.

        Malformed references are fatal; a variable that is not set now is reported by
        `config check` but does not stop loading. Only names are ever printed, never values.
        Returns True when every reference can be expanded now.
        """
        good = {m.start() for m in _GOOD_REF.finditer(value)}
        for m in _REF_START.finditer(value):
            if m.start() not in good:
                self.fail(key, "malformed ${...} reference: write ${NAME} (letters, digits, _)", sub)
                return False
        complete = True
        for name in dict.fromkeys(_GOOD_REF.findall(value)):
            if name not in self.report.environ:
                self.fail(key, f"environment variable {name} is not set", sub, fatal=False)
                complete = False
        return complete

    def secret(self, key: str, value: str, sub: tuple[str | int, ...] = ()) -> Secret:
        self.env_refs(key, value, sub)
        return Secret(value)

    def url(self, key: str = "url", required: bool = True) -> Secret:
        """An http(s) URL that may hold `${ENV}` references (kept unexpanded)."""
        value = self.text(key, None, required)
        if value is None:
            return Secret("")
        expandable = self.env_refs(key, value)
        check = value
        if _GOOD_REF.search(value):
            if not expandable:
                # Can only judge what is written literally before the first reference.
                check = value[: value.index("${")]
                if not check:
                    return Secret(value)
            else:
                check = Secret(value).reveal(self.report.environ)
        expanded = expandable and check != value
        problem = _url_problem(check, partial=check != value and not expandable, expanded=expanded)
        if problem:
            self.fail(key, problem + (" (after expanding its ${...} references)" if expanded else ""))
        return Secret(value)


def _url_problem(url: str, partial: bool, expanded: bool = False) -> str | None:
    """What is wrong with a URL, naming at most its scheme (the rest may carry credentials).

    When the URL came from expanding `${ENV}` nothing of it is named: it is a variable's value.
    """
    from urllib.parse import urlsplit

    scheme, sep, _ = url.partition("://")
    if not sep:
        low = url.lower()
        if partial and ("http://".startswith(low) or "https://".startswith(low)):
            return None
        return "must be an http:// or https:// URL"
    if scheme.lower() not in ("http", "https"):
        if not expanded and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]{0,15}", scheme):
            return f"scheme '{scheme}' is not supported; use http:// or https://"
        return "must be an http:// or https:// URL"
    if partial:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "is not a valid URL"
    if not host:
        return "has no host"
    try:
        port = parts.port
    except ValueError:
        return "has a bad port (use 1-65535)"
    if port == 0:
        return "has a bad port (use 1-65535)"
    return None
