"""Finding matching log lines fast, in bounded memory.

The pattern (default `error|panic|fatal`, always case-insensitive) is searched in lower-cased
windows of about 64 KiB with `bytes.find` for each literal alternative when the pattern is a
plain alternation of literals; any other pattern falls back to one compiled bytes regex. Lines
are only split around matches, so the cost is close to one pass of `bytes.lower` + `find`.

`LineScanner` keeps the state of a stream (the line still being written). A single line of many
megabytes is counted once: only its first `keep` bytes are held for display, and whether it
matched is decided piece by piece (with an overlap, so a literal split between two reads is still
found; a regex match longer than the overlap inside such a giant line may be missed).

`describe` turns a matching line into its display text (cleaned, capped) and group key.
`scan_file_range` / `logpool.run_pieces` are the backfill's building blocks: a byte range of a
file, and big ranges cut at line boundaries over worker processes (see `logbackfill`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from functools import partial

from warroom.domain.log_rules import TIMESTAMP_SCAN, WordMasker
from warroom.records import Record, record
from warroom.sanitize import clean_bytes
from warroom.sources.logpool import PARALLEL_MIN as PARALLEL_MIN
from warroom.sources.logpool import PIECE_MIN as PIECE_MIN
from warroom.sources.logpool import run_pieces
from warroom.sources.logpool import split_range as split_range
from warroom.sources.logstamp import Stamper
from warroom.sources.logstamp import stamp_bytes as stamp_bytes  # re-exported: older callers import it here

DEFAULT_PATTERN = "error|panic|fatal"
WINDOW = 64 * 1024  # bytes lower-cased and searched at a time
READ_BLOCK = 1024 * 1024  # bytes per read from a file
LINE_KEEP = 64 * 1024  # bytes of one line kept (for display and grouping) however long it is
REGEX_OVERLAP = 4096  # bytes carried between pieces of a giant line for a regex match
LOOKBACK_LINES = 16  # an untimed matching line takes the time of a line at most this far above
EXAMPLE_CAP = 500  # characters of a matching line kept for display

_META = set(".^$*+?{}[]()|\\")

Stamp = Callable[[bytes], "datetime | None"]


class PatternError(ValueError):
    """The configured pattern is not a valid regular expression."""


class Matcher:
    """Decides which lines match, case-insensitively. Picklable (only holds the pattern)."""

    def __init__(self, pattern: str = DEFAULT_PATTERN) -> None:
        self.pattern = pattern
        self.literals = self._literals(pattern)
        try:
            self.regex = re.compile(pattern.encode("utf-8"), re.IGNORECASE | re.MULTILINE)
        except re.error as exc:
            raise PatternError(f"invalid pattern {pattern!r}: {exc}") from None
        self.overlap = max(map(len, self.literals)) - 1 if self.literals else REGEX_OVERLAP
        self.table, self.keys = _fold(self.literals or ())
        self.literal_set = frozenset(self.literals or ())

    @staticmethod
    def _literals(pattern: str) -> tuple[bytes, ...] | None:
        alts = pattern.split("|")
        if any(not a or not a.isascii() or _META.intersection(a) for a in alts):
            return None
        # Longest first so an alternative contained in another is still found at the same spot
        # (then in a fixed order, so `_fold` folds the same way in every process).
        return tuple(sorted({a.lower().encode() for a in alts}, key=lambda a: (-len(a), a)))

    def __getstate__(self) -> tuple[str]:
        return (self.pattern,)

    def __setstate__(self, state: tuple[str]) -> None:
        self.__init__(state[0])  # type: ignore[misc]

    def search(self, data: bytes) -> bool:
        """Does `data` (any bytes, newlines or not) contain a match?"""
        if self.literals is not None:
            low = data.lower()
            return any(lit in low for lit in self.literals)
        return self.regex.search(data) is not None

    def line_spans(self, buf: bytes, start: int, end: int) -> list[tuple[int, int]]:
        """(start, end) of each matching line in `buf[start:end]`, which holds whole lines
        (end is just after a newline or the end of the data); `end` excludes the newline."""
        spans: list[tuple[int, int]] = []
        if self.literals is None:
            rx = self.regex
            pos = start
            while pos < end:
                m = rx.search(buf, pos, end)
                if m is None:
                    break
                ls = max(buf.rfind(b"\n", start, m.start()) + 1, start)
                le = buf.find(b"\n", m.start(), end)
                le = end if le < 0 else le
                spans.append((ls, le))
                pos = le + 1
            return spans
        table, keys, literal_set = self.table, self.keys, self.literal_set
        one = keys[0][0] if len(keys) == 1 and not keys[0][1] else None
        p = start
        while p < end:
            q = min(end, p + WINDOW)
            if q < end:  # end the window at a line end so no line is cut in two
                nl = buf.find(b"\n", q - 1, end)
                q = end if nl < 0 else nl + 1
            low = buf[p:q].translate(table)
            n = q - p
            if one is not None:
                i = low.find(one)
                while i >= 0:
                    ls = low.rfind(b"\n", 0, i) + 1
                    le = low.find(b"\n", i)
                    le = n if le < 0 else le
                    spans.append((p + ls, p + le))
                    i = low.find(one, le + 1)
            else:
                # Each search key on its own, then the lines in file order: a line holding several
                # matches is one span (keyed by where it starts). A folded key's finds are checked
                # against the literals themselves (`_fold`).
                found: dict[int, int] = {}
                for key, check in keys:
                    size = len(key)
                    i = low.find(key)
                    while i >= 0:
                        if check and buf[p + i : p + i + size].lower() not in literal_set:
                            i = low.find(key, i + 1)
                            continue
                        ls = low.rfind(b"\n", 0, i) + 1
                        le = low.find(b"\n", i)
                        le = n if le < 0 else le
                        found[ls] = le
                        i = low.find(key, le + 1)
                spans += [(p + ls, p + found[ls]) for ls in sorted(found)]
            p = q
        return spans


_LOWER = bytes.maketrans(bytes(range(65, 91)), bytes(range(97, 123)))


def _fold(literals: tuple[bytes, ...]) -> tuple[bytes, tuple[tuple[bytes, bool], ...]]:
    """A translate table (lower case, plus some folding) and the keys to find in translated text:
    fewer keys than literals, so fewer passes over the data. A literal folds into an earlier key of
    the same length when every byte where they differ occurs in no other literal (so no other
    literal changes): `panic` folds into `fatal` (p->f, n->t, i->a, c->l), and one pass finds
    both. A folded key also finds other words (`final`), so its finds are `(key, True)`: checked
    against the literals before they count. Newlines are never folded (lines are cut on them).
    `error` keeps a pass of its own and is not checked (no byte translates into its letters)."""
    table = bytearray(_LOWER)
    keys: list[list] = []  # [key, folded]
    for lit in literals:
        others = b"".join(other for other in literals if other != lit)
        for entry in keys:
            key = entry[0]
            if len(key) != len(lit):
                continue
            remap: dict[int, int] = {}
            for x, y in zip(lit, key):
                if table[x] == y or remap.get(x) == y:
                    continue
                if x in remap or x in others or x in b"\n\r" or table[x] != _LOWER[x]:
                    break
                remap[x] = y
            else:
                for x, y in remap.items():
                    table[x] = y
                    if 97 <= x <= 122:
                        table[x - 32] = y  # the upper-case letter too
                entry[1] = True
                break
        else:
            keys.append([lit, False])
    # A key holding a byte that something else now translates to can be found where its literal
    # is not (`cd` reads `ad` once `cb` folded into `ab`): checked too.
    targets = {table[x] for x in range(256) if table[x] != _LOWER[x]}
    return bytes(table), tuple((key, folded or bool(targets.intersection(key))) for key, folded in keys)


def _strip_cr(line: bytes) -> bytes:
    return line[:-1] if line.endswith(b"\r") else line


class LineScanner:
    """Turns a byte stream into the matching lines, keeping the unfinished last line between
    calls (at most `keep` bytes of it). Each hit is `(line bytes, stamp)`; stamp is None unless
    a `stamp` function was given (the backfill uses it to place lines in time)."""

    def __init__(self, matcher: Matcher, *, keep: int = LINE_KEEP, stamp: Stamp | None = None) -> None:
        self.matcher = matcher
        self.keep = keep
        self.stamp = stamp
        self.reset()

    def reset(self) -> None:
        """Forget the unfinished line (the file was truncated or replaced)."""
        self._head = b""  # first `keep` bytes of the unfinished line
        self._length = 0  # its full length so far
        self._tail = b""  # last `overlap` bytes, to find a match split across pieces
        self._matched = False

    @property
    def pending_bytes(self) -> int:
        """Length of the line still being written (0 if the stream ended with a newline)."""
        return self._length

    def _extend(self, piece: bytes) -> None:
        if not piece:
            return
        was = self._length
        self._length += len(piece)
        if self._length > self.keep and not self._matched:
            # Too long to hold whole: judge what we have now; later pieces with the end of
            # the previous one, so a match split between two pieces is still seen.
            self._matched = self.matcher.search((self._head if was <= self.keep else self._tail) + piece)
        if len(self._head) < self.keep:
            self._head += piece[: self.keep - len(self._head)]
        ov = self.matcher.overlap
        self._tail = (self._tail + piece[-ov:])[-ov:] if ov else b""

    def _finish(self, hits: list) -> None:
        if self._length:
            if self._length <= self.keep:
                matched = self.matcher.search(self._head)
            else:
                matched = self._matched
            if matched:
                line = _strip_cr(self._head)
                hits.append((line, self.stamp(line) if self.stamp else None))
        self.reset()

    def feed(self, data: bytes) -> list[tuple[bytes, datetime | None]]:
        """Scan more of the stream; return the matching lines it completed."""
        hits: list[tuple[bytes, datetime | None]] = []
        last_nl = data.rfind(b"\n")
        if last_nl < 0:
            self._extend(data)
            return hits
        start = 0
        if self._length:
            first_nl = data.find(b"\n")
            self._extend(data[:first_nl])
            self._finish(hits)
            start = first_nl + 1
        keep, stamp = self.keep, self.stamp
        append = hits.append
        for ls, le in self.matcher.line_spans(data, start, last_nl + 1):
            # _strip_cr(data[ls : min(le, ls + keep)]), inlined: this runs once per matching line.
            line = data[ls:le] if le - ls <= keep else data[ls : ls + keep]
            if line[-1:] == b"\r":
                line = line[:-1]
            if stamp is None:
                append((line, None))
                continue
            when = stamp(line)
            k, tries = ls, 0
            while when is None and k > start and tries < LOOKBACK_LINES:
                prev = max(data.rfind(b"\n", start, k - 1) + 1, start)
                when = stamp(data[prev : min(k - 1, prev + TIMESTAMP_SCAN)])
                k, tries = prev, tries + 1
            append((line, when))
        self._extend(data[last_nl + 1 :])
        return hits

    def finish(self) -> list[tuple[bytes, datetime | None]]:
        """The stream ended: the unfinished line counts as a line."""
        hits: list[tuple[bytes, datetime | None]] = []
        self._finish(hits)
        return hits


# --- what a matching line becomes: display text and group key ---------------------------------

# C0, DEL, C1 (ESC, CSI, OSC...), and in UTF-8 the characters `sanitize` shows as <U+XXXX>: ALM,
# zero-width and bidi marks, U+2028/U+2029, bidi embeddings/overrides/isolates, word joiner, BOM.
_NEEDS_CLEAN = re.compile(
    rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa0-\xa9]|\xef\xbb\xbf"
)
SHAPE_DIGITS = bytes.maketrans(b"123456789", b"000000000")


def line_shape(head: bytes) -> bytes:
    """What a line's group key depends on: the line with every digit turned into 0 (masking
    cares where digits are, not which), or the line itself when that would make a `0x` (which
    starts a hex number where `1x1` is two numbers)."""
    shape = head.translate(SHAPE_DIGITS)
    return head if b"0x" in shape or b"0X" in shape else shape


SHAPE_BYTES = EXAMPLE_CAP * 4  # bytes of a line its display text and group key are made from
_KEYS: dict[bytes, str] = {}
#: How many line shapes `describe` remembers. Lines carrying ids with letters in them (hex, UUIDs)
#: all have shapes of their own: a bigger cache only holds more memory in a long incident (8,192
#: held ~3 MB after 6 hours of the demo) for no more hits.
KEY_CACHE_ENTRIES = 1024
#: A shape not seen before is masked word by word, its words remembered (~100 KB at most): a line
#: unlike any other because of its ids still shares most of its words with the rest.
_MASK = WordMasker(memo_size=2048)


def display_text(line: bytes, cap: int = EXAMPLE_CAP) -> str:
    """`sanitize.clean_bytes(line, cap=cap)`, skipping its regex passes when nothing needs it."""
    head = line[: cap * 4]
    if _NEEDS_CLEAN.search(head) is None:
        text = head.decode("utf-8", errors="replace")
        return text if len(text) <= cap else text[: cap - 1] + "…"
    return clean_bytes(head, cap=cap)


def describe(line: bytes) -> tuple[str, str]:
    """(display text, group key) of a matching line. Masking only cares where digits are, not
    which (see `line_shape`), so keys are cached by the line's shape: repeated messages cost a
    dictionary lookup, not a regex pass; a new shape costs the masking of its new words only
    (`WordMasker`)."""
    head = line[:SHAPE_BYTES]
    text = display_text(head)
    shape = line_shape(head)
    key = _KEYS.get(shape)
    if key is None:
        key = _MASK(text)
        if len(_KEYS) >= KEY_CACHE_ENTRIES:
            _KEYS.clear()
        _KEYS[shape] = key
    return text, key


# --- backfill: a byte range of a file ----------------------------------------------------------


@record
class RangeScan(Record):
    """The matching lines of one byte range, in file order."""

    hits: list[tuple[bytes, datetime | None]]
    scanned: int  # bytes read


def _line_start_at_or_after(fd: int, pos: int) -> int:
    """`pos` if a line starts there, else the position after the next newline."""
    if pos <= 0:
        return 0
    while True:
        block = os.pread(fd, READ_BLOCK, pos - 1)
        if not block:  # no line starts at or after `pos`
            return pos
        nl = block.find(b"\n")
        if nl >= 0:
            return pos + nl
        pos += len(block)


Emit = Callable[[list[tuple[bytes, "datetime | None"]]], None]


def scan_file_range(
    path: str,
    start: int,
    end: int,
    matcher: Matcher,
    now: datetime | None = None,
    local: tzinfo = UTC,
    emit: Emit | None = None,
) -> RangeScan:
    """The matching lines that START in [start, end) of `path` (a line running past `end` is
    read to its newline). With `now`, each hit carries its leading timestamp (or one from up to
    LOOKBACK_LINES lines above it). With `emit`, hits are handed over block by block instead of
    collected (so memory stays bounded however many lines match)."""
    stamp = Stamper(now, local) if now is not None else None
    scanner = LineScanner(matcher, stamp=stamp)
    hits: list[tuple[bytes, datetime | None]] = []
    emit = emit or hits.extend
    fd = os.open(path, os.O_RDONLY)
    try:
        pos = _line_start_at_or_after(fd, start)
        scanned = 0
        while pos < end:
            block = os.pread(fd, min(READ_BLOCK, end - pos), pos)
            if not block:
                break
            emit(scanner.feed(block))
            pos += len(block)
            scanned += len(block)
        while scanner.pending_bytes:  # finish the line that started before `end`
            block = os.pread(fd, READ_BLOCK, pos)
            if not block:
                emit(scanner.finish())
                break
            nl = block.find(b"\n")
            piece = block if nl < 0 else block[: nl + 1]
            emit(scanner.feed(piece))
            pos += len(piece)
            scanned += len(piece)
        return RangeScan(hits, scanned)
    finally:
        os.close(fd)


def scan_ranges_parallel(
    jobs: list[tuple[str, int, int]],
    matcher: Matcher,
    now: datetime | None = None,
    local: tzinfo = UTC,
    **kw,
) -> list[RangeScan]:
    """`scan_file_range` for each (path, start, end), split over worker processes when big."""
    job = partial(_scan_job, matcher=matcher, now=now, local=local)
    return [
        RangeScan([h for r in pieces for h in r.hits], sum(r.scanned for r in pieces))
        for pieces in run_pieces(jobs, job, **kw)
    ]


def _scan_job(path: str, start: int, end: int, *, matcher: Matcher, now: datetime | None, local: tzinfo) -> RangeScan:
    return scan_file_range(path, start, end, matcher, now, local)
