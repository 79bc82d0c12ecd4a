"""Following log files like `tail -F`, without losing lines.

Plain, synchronous file reading (callers run `poll()` in a thread): each poll costs a `stat` of
the name, an `fstat` and a 64-byte `pread` per open file, plus reading the new bytes.

What a poll handles, and how:
- appended data: read from the last position to the current size (at most POLL_BUDGET per poll);
- rename rotation (the name now points at another inode) and deletion: the old descriptor is
  drained to its end first, then kept open and drained on every poll until it has not grown for
  `retire_grace` seconds, so a writer that still holds the old file loses nothing (`tail -F`
  stops reading it and loses those late writes); the new file is read from its start;
- copytruncate (the size fell below our position, or the bytes just before our position
  changed: truncated and rewritten past it between two polls): read again from 0;
- a file that does not exist yet, or was deleted: "waiting for PATH" until it appears, then
  read from its start; permission denied / not a regular file: an error naming the path,
  retried on every poll;
- a glob: every matching file is followed, new matches are picked up (from their start, or
  from where we left off if it is a file we already read under another name).
"""

from __future__ import annotations

import glob
import os
import stat
import time
from collections.abc import Callable
from datetime import datetime

from warroom.sources.logscan import READ_BLOCK, LineScanner, Matcher

POLL_BUDGET = 64 * 1024 * 1024  # bytes read from one file per poll; the rest waits for the next
CHECK_BYTES = 64  # bytes before our position re-read each poll to notice truncate-and-regrow
MAX_RETIRED = 16  # rotated descriptors kept open per path at most
RETIRE_GRACE = 5.0  # seconds a rotated/deleted file must stay unchanged before we let go

Hit = tuple[bytes, datetime | None]  # a matching line and its time, when it has one
Emit = Callable[[list[Hit]], None]  # receives matching lines as each block is scanned
FileId = tuple[int, int]  # (st_dev, st_ino)


def has_magic(path: str) -> bool:
    return glob.has_magic(path)


def end_of_complete_lines(fd: int, size: int) -> int:
    """Where following starts: just after the last newline (a half-written last line is read
    when it is finished), looking back at most one read block."""
    if size == 0:
        return 0
    start = max(0, size - READ_BLOCK)
    block = os.pread(fd, size - start, start)
    nl = block.rfind(b"\n")
    if nl >= 0:
        return start + nl + 1
    return 0 if start == 0 else size


class _OpenFile:
    """One open descriptor and how far we have read it."""

    def __init__(self, fd: int, fid: FileId, pos: int, matcher: Matcher, now: float) -> None:
        self.fd, self.id, self.pos = fd, fid, pos
        self.scanner = LineScanner(matcher)
        self.check = os.pread(fd, min(CHECK_BYTES, pos), pos - min(CHECK_BYTES, pos)) if pos else b""
        self.last_growth = now
        self.truncations = 0

    def read(self, emit: Emit, now: float) -> None:
        """Read what was appended since the last call (from 0 again if it was truncated)."""
        size = os.fstat(self.fd).st_size
        n = len(self.check)
        if size < self.pos or (n and os.pread(self.fd, n, self.pos - n) != self.check):
            self.pos, self.check = 0, b""
            self.scanner.reset()
            self.truncations += 1
        start, budget = self.pos, POLL_BUDGET
        while self.pos < size and budget > 0:
            block = os.pread(self.fd, min(READ_BLOCK, size - self.pos), self.pos)
            if not block:
                break
            emit(self.scanner.feed(block))
            self.pos += len(block)
            budget -= len(block)
        if self.pos != start:
            n = min(CHECK_BYTES, self.pos)
            self.check = os.pread(self.fd, n, self.pos - n)
            self.last_growth = now

    def close(self, emit: Emit) -> None:
        """Done with this file: its unfinished last line counts as a line."""
        emit(self.scanner.finish())
        os.close(self.fd)


class KnownFiles:
    """How far each file (by device and inode) has been read, so a rotated file that shows up
    again under a new name matching the glob is not counted twice. An entry is only trusted
    if the bytes just before that position are still the ones we read (inode numbers of
    deleted files get reused), and deleted files are not remembered at all."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._pos: dict[FileId, tuple[int, bytes]] = {}

    def remember(self, f: _OpenFile) -> None:
        self._pos.pop(f.id, None)
        try:
            if os.fstat(f.fd).st_nlink == 0:
                return  # deleted: it cannot come back under any name
        except OSError:
            return
        self._pos[f.id] = (f.pos, f.check)
        while len(self._pos) > self.limit:
            del self._pos[next(iter(self._pos))]

    def resume_at(self, fid: FileId, fd: int, size: int) -> int | None:
        """Where to continue reading this file, if it is one we already read."""
        known = self._pos.get(fid)
        if known is None:
            return None
        pos, check = known
        if pos > size or (check and os.pread(fd, len(check), pos - len(check)) != check):
            return None
        return pos


class FileFollower:
    """Follows one path through rotation, truncation, deletion and re-creation."""

    def __init__(
        self,
        path: str,
        matcher: Matcher,
        *,
        at_end: bool = True,
        known: KnownFiles | None = None,
        retire_grace: float = RETIRE_GRACE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self.matcher = matcher
        self.known = known if known is not None else KnownFiles()
        self.retire_grace = retire_grace
        self.clock = clock
        self.error: str | None = None
        self.waiting = False
        self.rotations = 0  # times the name moved to a new file (rename or delete + re-create)
        #: Set on the first poll if the file existed: (position following starts at, size).
        self.started_at: int | None = None
        self._at_end = at_end
        self._cur: _OpenFile | None = None
        self._retired: list[_OpenFile] = []

    @property
    def is_open(self) -> bool:
        return self._cur is not None

    @property
    def truncations(self) -> int:
        return (self._cur.truncations if self._cur else 0) + sum(r.truncations for r in self._retired)

    def open_ids(self) -> set[FileId]:
        """Files this follower holds open (current and rotated-away)."""
        return {f.id for f in ([self._cur] if self._cur else []) + self._retired}

    @property
    def idle(self) -> bool:
        """Nothing open at all: the path is gone and every rotated file was let go."""
        return self._cur is None and not self._retired

    def poll(self, emit: Emit | None = None) -> list[Hit]:
        """Read whatever is new; never raises for file problems (they land in `error`).
        Matching lines go to `emit` as they are found, else they are returned."""
        hits: list[Hit] = []
        emit = emit or hits.extend
        now = self.clock()
        self._drain_retired(emit, now)
        st: os.stat_result | None = None
        problem: str | None = None
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            pass
        except PermissionError:
            problem = f"permission denied: {self.path}"
        except OSError as exc:
            problem = f"{exc.strerror or exc}: {self.path}"
        if self._cur is not None:
            # Whatever happened to the name, what was written to the file we hold counts.
            self._cur.read(emit, now)
            if st is None or (st.st_dev, st.st_ino) != self._cur.id:
                self._retire(self._cur, emit)
                self._cur = None
                self.rotations += 1
        if self._cur is None:
            self._open(st, problem, emit, now)
        at_end, self._at_end = self._at_end, False
        if at_end and self._cur is not None:
            self.started_at = self._cur.pos
        return hits

    def _open(self, st: os.stat_result | None, problem: str | None, emit: Emit, now: float) -> None:
        self.error, self.waiting = problem, False
        if st is None:
            self.waiting = problem is None
            return
        if stat.S_ISDIR(st.st_mode):
            self.error = f"is a directory, not a log file: {self.path}"
            return
        if not stat.S_ISREG(st.st_mode):
            self.error = f"not a regular file: {self.path}"
            return
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            self.waiting = True  # deleted between stat and open
            return
        except PermissionError:
            self.error = f"permission denied: {self.path}"
            return
        except OSError as exc:
            self.error = f"{exc.strerror or exc}: {self.path}"
            return
        fst = os.fstat(fd)
        fid = (fst.st_dev, fst.st_ino)
        if fid in {r.id for r in self._retired}:  # renamed back: keep reading where we were
            old = next(r for r in self._retired if r.id == fid)
            self._retired.remove(old)
            os.close(fd)
            self._cur = old
        else:
            known = self.known.resume_at(fid, fd, fst.st_size)
            if known is not None:
                pos = known
            elif self._at_end:
                pos = end_of_complete_lines(fd, fst.st_size)
            else:
                pos = 0
            self._cur = _OpenFile(fd, fid, pos, self.matcher, now)
        self._cur.read(emit, now)

    def _retire(self, f: _OpenFile, emit: Emit) -> None:
        f.last_growth = self.clock()  # the grace period for late writes starts now
        self._retired.append(f)
        while len(self._retired) > MAX_RETIRED:
            self._let_go(self._retired.pop(0), emit)

    def _let_go(self, f: _OpenFile, emit: Emit) -> None:
        self.known.remember(f)
        f.close(emit)

    def _drain_retired(self, emit: Emit, now: float) -> None:
        for f in list(self._retired):
            f.read(emit, now)
            if now - f.last_growth >= self.retire_grace:
                self._retired.remove(f)
                self._let_go(f, emit)

    def close(self) -> list[Hit]:
        """Stop following; returns the last unfinished lines."""
        hits: list[Hit] = []
        for f in ([self._cur] if self._cur else []) + self._retired:
            self._let_go(f, hits.extend)
        self._cur, self._retired = None, []
        return hits


class FileSet:
    """Every file a configured `path` names: one path, or all matches of a glob."""

    def __init__(
        self,
        pattern: str,
        matcher: Matcher,
        *,
        retire_grace: float = RETIRE_GRACE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pattern = os.path.expanduser(pattern)
        self.matcher = matcher
        self.is_glob = has_magic(self.pattern)
        self.known = KnownFiles()
        self.retire_grace = retire_grace
        self.clock = clock
        self.followers: dict[str, FileFollower] = {}
        self._first = True
        self._matches: set[str] = set()
        if not self.is_glob:
            self.followers[self.pattern] = self._follower(self.pattern, at_end=True)

    def _follower(self, path: str, at_end: bool) -> FileFollower:
        return FileFollower(
            path,
            self.matcher,
            at_end=at_end,
            known=self.known,
            retire_grace=self.retire_grace,
            clock=self.clock,
        )

    def poll(self, emit: Emit | None = None) -> list[Hit]:
        """One pass over every file; the first pass starts existing files at their end.
        Matching lines go to `emit` as they are found, else they are returned."""
        first, self._first = self._first, False
        if self.is_glob:
            self._discover(at_end=first)
        hits: list[Hit] = []
        emit = emit or hits.extend
        for path, f in list(self.followers.items()):
            f.poll(emit)
            if self.is_glob and f.idle and (f.waiting or f.error) and path not in self._matches:
                del self.followers[path]
        return hits

    def _discover(self, at_end: bool) -> None:
        self._matches = set(glob.glob(self.pattern, recursive=True))
        held = set().union(*(f.open_ids() for f in self.followers.values())) if self.followers else set()
        for path in sorted(self._matches - self.followers.keys()):
            try:
                st = os.stat(path)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode) or (st.st_dev, st.st_ino) in held:
                continue  # a directory, or a rotated file another follower is still draining
            self.followers[path] = self._follower(path, at_end=at_end)

    @property
    def files(self) -> tuple[str, ...]:
        """Paths with a file open now."""
        return tuple(sorted(p for p, f in self.followers.items() if f.is_open))

    @property
    def errors(self) -> tuple[str, ...]:
        return tuple(f.error for f in self.followers.values() if f.error)

    @property
    def waiting_for(self) -> str | None:
        """What we are waiting for, if nothing is open: "waiting for /var/log/x.log"."""
        if self.files:
            return None
        if self.is_glob:
            return f"waiting for {self.pattern}" if not self.errors else None
        f = self.followers[self.pattern]
        return f"waiting for {self.pattern}" if f.waiting else None

    def close(self) -> list[Hit]:
        hits: list[Hit] = []
        for f in self.followers.values():
            hits.extend(f.close())
        return hits
