"""Copy a draft somewhere the user can paste it, over SSH and tmux too, and say where.

Tried in order, stopping at the first that works:
1. pyperclip, where a local clipboard exists (X11/Wayland tools, macOS, Windows);
2. `tmux load-buffer -w -` when inside tmux (`-w` also hands it to the outer terminal's clipboard
   when tmux has `set-clipboard on`);
3. OSC 52: through Textual's `App.copy_to_clipboard` when an app is running, else written to the
   controlling terminal (`/dev/tty`) for headless commands. The terminal may ignore it, so this one
   is "sent", not proven.
Whatever happens, the draft is ALSO written to a file beside the database (mode 0600), so there is
always something to paste from. Nothing here raises.
"""

from __future__ import annotations

import asyncio
import base64
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Method = Literal["pyperclip", "tmux buffer", "OSC 52"]

#: Longest a clipboard helper (xclip, tmux) may take before we move on.
COPY_TIMEOUT = 3.0


@dataclass(frozen=True)
class CopyAttempt:
    method: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class CopyOutcome:
    """Which method worked (None: none did) and where the draft file was written."""

    method: Method | None
    path: Path | None
    attempts: tuple[CopyAttempt, ...] = field(default_factory=tuple)
    #: Why the file could not be written (None when it was).
    file_error: str | None = None

    @property
    def copied(self) -> bool:
        return self.method is not None

    def message(self) -> str:
        """One line for the user: `Copied via tmux buffer; saved to /path`."""
        if self.method == "OSC 52":
            head = "Sent to the terminal clipboard via OSC 52 (needs a terminal that allows it)"
        elif self.method:
            head = f"Copied via {self.method}"
        else:
            head = "No clipboard reachable"
        if self.path is not None:
            return f"{head}; saved to {self.path}"
        return f"{head}; could not save the draft file: {self.file_error}"


def draft_dir_for(db_path: Path | str) -> Path:
    """`<db dir>/drafts`: drafts live beside the database they belong to."""
    return Path(db_path).expanduser().parent / "drafts"


def write_draft_file(text: str, directory: Path | str, label: str = "draft", now: datetime | None = None) -> Path:
    """Write `text` to `<directory>/<label>-<UTC stamp>.txt` (mode 0600, never overwriting); in
    a store shared by `warroom share` the folder is 2770 and the file 0660 (`warroom.sharing`)."""
    from warroom.sharing import file_mode, make_folder, make_private_file

    directory = Path(directory)
    make_folder(directory)
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in label) or "draft"
    data = text if text.endswith("\n") else text + "\n"
    for n in range(1, 1000):
        path = directory / (f"{safe}-{stamp}.txt" if n == 1 else f"{safe}-{stamp}-{n}.txt")
        try:
            fd = make_private_file(path)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
        os.chmod(path, file_mode(directory))  # in case an ACL widened it
        return path
    raise OSError(f"too many drafts named {safe}-{stamp} in {directory}")


def _pyperclip_copy(text: str) -> None:
    import pyperclip

    pyperclip.copy(text)
    # Some backends (xclip with a dead display) "succeed" without copying: read it back to be sure.
    if pyperclip.paste() != text:
        raise RuntimeError("the clipboard did not keep the text")


def _try_pyperclip(text: str) -> CopyAttempt:
    outcome: list[BaseException | None] = []

    def work() -> None:
        try:
            _pyperclip_copy(text)
            outcome.append(None)
        except BaseException as exc:  # PyperclipException, missing tools, a broken display...
            outcome.append(exc)

    # A daemon thread with a deadline: a wedged clipboard tool must not hang the command.
    worker = threading.Thread(target=work, name="warroom-pyperclip", daemon=True)
    worker.start()
    worker.join(COPY_TIMEOUT)
    if not outcome:
        return CopyAttempt("pyperclip", False, f"timed out after {COPY_TIMEOUT:g}s")
    exc = outcome[0]
    if exc is None:
        return CopyAttempt("pyperclip", True)
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return CopyAttempt("pyperclip", False, f"{type(exc).__name__}: {first}"[:200])


def _try_tmux(text: str, env: Mapping[str, str]) -> CopyAttempt:
    if not env.get("TMUX"):
        return CopyAttempt("tmux buffer", False, "not inside tmux")
    from warroom.runner import run_argv_sync

    data = text.encode("utf-8")
    result = run_argv_sync(["tmux", "load-buffer", "-w", "-"], timeout=COPY_TIMEOUT, env=dict(env), stdin=data)
    if not result.ok and result.exit_code not in (None, 0):
        # tmux < 3.2 has no -w: the buffer alone still lets the user paste inside tmux.
        result = run_argv_sync(["tmux", "load-buffer", "-"], timeout=COPY_TIMEOUT, env=dict(env), stdin=data)
    if result.ok:
        return CopyAttempt("tmux buffer", True)
    return CopyAttempt("tmux buffer", False, result.describe_failure()[:200])


def osc52_sequence(text: str) -> bytes:
    """The OSC 52 "set clipboard" escape for `text`."""
    return b"\x1b]52;c;" + base64.b64encode(text.encode("utf-8")) + b"\x07"


def _on_an_event_loop() -> bool:
    """True on a thread running an asyncio loop: the app's own (the only loop in the process),
    where its methods are called directly; elsewhere they go through `call_from_thread`."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _try_osc52(text: str, app: Any | None) -> CopyAttempt:
    if app is not None:
        try:
            if _on_an_event_loop() or not app.is_running:
                app.copy_to_clipboard(text)
            else:
                app.call_from_thread(app.copy_to_clipboard, text)
        except Exception as exc:
            return CopyAttempt("OSC 52", False, f"the app could not send it: {exc}"[:200])
        return CopyAttempt("OSC 52", True)
    try:
        fd = os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        return CopyAttempt("OSC 52", False, f"no terminal to send it to ({exc.strerror or exc})")
    try:
        if not os.isatty(fd):
            return CopyAttempt("OSC 52", False, "/dev/tty is not a terminal")
        os.write(fd, osc52_sequence(text))
    except OSError as exc:
        return CopyAttempt("OSC 52", False, f"could not write to the terminal ({exc.strerror or exc})")
    finally:
        os.close(fd)
    return CopyAttempt("OSC 52", True)


def copy_text(
    text: str,
    *,
    db_path: Path | str | None = None,
    draft_dir: Path | str | None = None,
    label: str = "draft",
    now: datetime | None = None,
    app: Any | None = None,
    environ: Mapping[str, str] | None = None,
    use_pyperclip: bool = True,
) -> CopyOutcome:
    """Copy `text` by the first method that works and always save it beside the database.

    `label` names the file (e.g. `INC-7-external`); `draft_dir` wins over `db_path`'s folder.
    Blocking (it may run xclip or tmux): from a Textual app call `copy_text_async` or run it in a
    thread worker; with `app` given, OSC 52 goes through `app.copy_to_clipboard` on the app's thread.
    """
    env = os.environ if environ is None else environ
    attempts: list[CopyAttempt] = []
    method: Method | None = None
    tries = []
    if use_pyperclip:
        tries.append(lambda: _try_pyperclip(text))
    tries += [lambda: _try_tmux(text, env), lambda: _try_osc52(text, app)]
    for attempt_fn in tries:
        try:
            attempt = attempt_fn()
        except Exception as exc:  # belt and braces: copying never crashes anything
            attempt = CopyAttempt("?", False, str(exc)[:200])
        attempts.append(attempt)
        if attempt.ok:
            method = attempt.method  # type: ignore[assignment]
            break

    path: Path | None = None
    file_error: str | None = None
    directory = Path(draft_dir) if draft_dir is not None else (draft_dir_for(db_path) if db_path is not None else None)
    if directory is None:
        file_error = "no database or draft folder given"
    else:
        try:
            path = write_draft_file(text, directory, label, now)
        except OSError as exc:
            file_error = f"{directory}: {exc.strerror or exc}"
    return CopyOutcome(method, path, tuple(attempts), file_error)


async def copy_text_async(text: str, **kwargs: Any) -> CopyOutcome:
    """`copy_text` in a worker thread, so a running app's event loop never waits on xclip or tmux."""
    return await asyncio.to_thread(copy_text, text, **kwargs)
