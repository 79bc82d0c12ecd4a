"""The terminal driver: Textual's Linux driver, which stops writing once the terminal is gone.

When the terminal vanishes (the SSH session dropped, the emulator closed), Textual's writer
thread dies on its first write to it, and every later write (frames, then restoring the
terminal on the way out) waits on that dead thread's full queue: the exit would block forever.
This driver drops output from the moment the terminal is gone, seen either by the app (which
sets `terminal_gone`) or by the driver itself (its output is no longer a terminal). It uses
only Textual's public driver interface: `App.get_driver_class`, `Driver.write`, `Driver.close`.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from textual.drivers.linux_driver import LinuxDriver


def output_fd() -> int | None:
    """The descriptor Textual's Linux driver writes to (the process's original stderr)."""
    try:
        return sys.__stderr__.fileno() if sys.__stderr__ is not None else None
    except (OSError, ValueError):
        return None


class TerminalDriver(LinuxDriver):
    """`LinuxDriver` that writes nothing more once the terminal has gone."""

    def __init__(self, app: Any, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        #: Set once the terminal is gone: from then on output is dropped. The app's own event
        #: when it has one (`terminal_gone`), so the app can say so too.
        self.terminal_gone: threading.Event = getattr(app, "terminal_gone", None) or threading.Event()
        fd = output_fd()
        # Output redirected to a file was never a terminal: that is not a hangup.
        self._watched_fd = fd if fd is not None and os.isatty(fd) else None

    def _output_gone(self) -> bool:
        if self.terminal_gone.is_set():
            return True
        if self._watched_fd is not None and not os.isatty(self._watched_fd):
            self.terminal_gone.set()
            return True
        return False

    def write(self, data: str) -> None:
        """Write `data` to the terminal, or drop it when the terminal is gone."""
        if not self._output_gone():
            super().write(data)

    def close(self) -> None:
        """Stop the writer thread, unless the terminal is gone: then it died on its first
        write there (a daemon thread, it holds nothing up) and stopping it would wait forever."""
        if not self._output_gone():
            super().close()
