"""The war room's first frame needs none of the heavy source libraries: they load with the panes
(and aiosqlite with the async store, which opens while the first frame is drawn)."""

from __future__ import annotations

import subprocess
import sys


def test_opening_the_war_room_imports_no_httpx_psutil_or_aiosqlite_before_the_panes():
    code = (
        "import sys, warroom.cli, warroom.commands.open_cmd, warroom.ui.app, warroom.ui.screens.warroom, "
        "warroom.ui.screens.declare, warroom.ui.widgets.countdown; "
        "print(' '.join(m for m in ('httpx', 'psutil', 'pyperclip', 'aiosqlite') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == ""


def test_the_open_command_module_does_not_import_textual():
    code = "import sys, warroom.commands.open_cmd; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False", "argument errors are reported before Textual loads"
