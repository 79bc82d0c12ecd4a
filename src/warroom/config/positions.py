"""Line numbers for TOML keys, which `tomllib` does not give.

`KeyLines(text).line(path)` answers "on which line is this key?" for a path like
`("probe", 1, "headers", "Authorization")`: table names and keys as strings, array positions
(the Nth `[[probe]]`, the Nth element of `argv = [...]`) as ints. The text is scanned only on the
first question, so a config that loads cleanly never pays for it.

The scanner assumes the text already parsed with `tomllib` (so it is valid TOML) and never raises:
if something surprises it, it keeps what it found so far and answers from that.
"""

from __future__ import annotations

import re
from bisect import bisect_right

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = frozenset(",]}\n#")


class _Stop(Exception):
    """The scanner met something it does not understand; keep what was found."""


class KeyLines:
    """Lazily computed map from key paths to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._found: dict[Path, int] | None = None

    def line(self, path: Path) -> int | None:
        """The line of `path`, else of its nearest recorded parent, else None."""
        if self._found is None:
            self._found = _Scanner(self._text).scan()
        p = tuple(path)
        while p:
            if p in self._found:
                return self._found[p]
            p = p[:-1]
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.t = text
        self.n = len(text)
        self.i = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.found: dict[Path, int] = {}
        self.array_counts: dict[Path, int] = {}  # resolved [[array]] path -> entries seen

    def scan(self) -> dict[Path, int]:
        try:
            self._document()
        except (_Stop, IndexError, ValueError, AttributeError):
            pass
        return self.found

    # -- helpers -------------------------------------------------------------------------------
    def _note(self, path: Path, pos: int) -> None:
        self.found.setdefault(path, bisect_right(self.line_starts, pos))

    def _peek(self, s: str) -> bool:
        return self.t.startswith(s, self.i)

    def _expect(self, s: str) -> None:
        if not self._peek(s):
            raise _Stop
        self.i += len(s)

    def _blank(self) -> None:
        """Spaces and tabs."""
        while self.i < self.n and self.t[self.i] in " \t":
            self.i += 1

    def _blank_lines(self) -> None:
        """Whitespace, newlines and comments."""
        while self.i < self.n:
            c = self.t[self.i]
            if c in " \t\r\n":
                self.i += 1
            elif c == "#":
                end = self.t.find("\n", self.i)
                self.i = self.n if end < 0 else end
            else:
                return

    # -- grammar -------------------------------------------------------------------------------
    def _document(self) -> None:
        table: Path = ()
        while True:
            self._blank_lines()
            if self.i >= self.n:
                return
            start = self.i
            if self._peek("[["):
                self.i += 2
                keys = self._keys()
                self._blank()
                self._expect("]]")
                table = self._resolve(keys, start, array=True)
            elif self._peek("["):
                self.i += 1
                keys = self._keys()
                self._blank()
                self._expect("]")
                table = self._resolve(keys, start, array=False)
            else:
                keys = self._keys()
                self._blank()
                self._expect("=")
                self._assign(table, keys, start)
            if self.i == start:
                raise _Stop

    def _resolve(self, keys: tuple[str, ...], pos: int, array: bool) -> Path:
        """A header's path, with the current index of every array of tables on the way."""
        path: Path = ()
        for n, key in enumerate(keys):
            path += (key,)
            self._note(path, pos)
            if array and n == len(keys) - 1:
                count = self.array_counts.get(path, 0)
                self.array_counts[path] = count + 1
                path += (count,)
            elif path in self.array_counts:
                path += (self.array_counts[path] - 1,)
        self._note(path, pos)
        return path

    def _assign(self, base: Path, keys: tuple[str, ...], pos: int) -> None:
        path = base
        for key in keys:
            path += (key,)
            self._note(path, pos)
        self._value(path)

    def _keys(self) -> tuple[str, ...]:
        """A dotted key: bare, "basic" or 'literal' parts joined by dots."""
        keys: list[str] = []
        while True:
            self._blank()
            c = self.t[self.i]
            if c == '"':
                end = self._basic_string_end(self.i)
                keys.append(_decode_basic(self.t[self.i : end]))
                self.i = end
            elif c == "'":
                end = self.t.index("'", self.i + 1)
                keys.append(self.t[self.i + 1 : end])
                self.i = end + 1
            else:
                m = _BARE_KEY.match(self.t, self.i)
                if not m:
                    raise _Stop
                keys.append(m.group())
                self.i = m.end()
            self._blank()
            if self._peek("."):
                self.i += 1
                continue
            return tuple(keys)

    def _value(self, path: Path) -> None:
        self._blank()
        t, i = self.t, self.i
        if t.startswith('"""', i):
            self.i = self._multiline_end(i, '"', escapes=True)
        elif t.startswith("'''", i):
            self.i = self._multiline_end(i, "'", escapes=False)
        elif t[i] == '"':
            self.i = self._basic_string_end(i)
        elif t[i] == "'":
            self.i = t.index("'", i + 1) + 1
        elif t[i] == "[":
            self._array(path)
        elif t[i] == "{":
            self._inline_table(path)
        else:
            while self.i < self.n and t[self.i] not in _SCALAR_END:
                self.i += 1

    def _array(self, path: Path) -> None:
        self.i += 1
        index = 0
        while True:
            self._blank_lines()
            if self._peek("]"):
                self.i += 1
                return
            start = self.i
            self._note(path + (index,), start)
            self._value(path + (index,))
            self._blank_lines()
            if self._peek(","):
                self.i += 1
            index += 1
            if self.i == start:
                raise _Stop

    def _inline_table(self, path: Path) -> None:
        self.i += 1
        while True:
            self._blank_lines()
            if self._peek("}"):
                self.i += 1
                return
            start = self.i
            keys = self._keys()
            self._blank()
            self._expect("=")
            self._assign(path, keys, start)
            self._blank_lines()
            if self._peek(","):
                self.i += 1
            if self.i == start:
                raise _Stop

    def _basic_string_end(self, i: int) -> int:
        """Index just past a "basic string" starting at i."""
        j = i + 1
        while self.t[j] != '"':
            j += 2 if self.t[j] == "\\" else 1
        return j + 1

    def _multiline_end(self, i: int, quote: str, escapes: bool) -> int:
        """Index just past a triple-quoted string; up to two extra quotes belong to it."""
        fence = quote * 3
        j = i + 3
        while True:
            if escapes and self.t[j] == "\\":
                j += 2
            elif self.t.startswith(fence, j):
                j += 3
                extra = 0
                while extra < 2 and j < self.n and self.t[j] == quote:
                    j += 1
                    extra += 1
                return j
            else:
                j += 1


def _decode_basic(raw: str) -> str:
    """A quoted key with escapes, decoded by tomllib itself (rare, so its cost does not matter)."""
    import tomllib

    try:
        return tomllib.loads(f"k = {raw}")["k"]
    except (tomllib.TOMLDecodeError, KeyError):
        return raw.strip('"')
