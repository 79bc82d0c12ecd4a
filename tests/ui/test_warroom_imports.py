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


def test_the_first_frame_compiles_no_rules_it_does_not_draw_with(tmp_path):
    """The coach's rules, the phase rules, the config's key-line scanner and the `/` filter's
    parser wait until they run: with no bytecode cache every module costs the start its compile."""
    config = tmp_path / "warroom.toml"
    config.write_text('[team]\nroster = ["alice"]\n\n[[probe]]\nname = "api"\nurl = "http://127.0.0.1:9/health"\n')
    code = (
        "import sys, warroom.cli, warroom.commands.open_cmd, warroom.ui.app, warroom.ui.screens.warroom; "
        "from warroom.config.loader import load; "
        f"load({str(config)!r}); "
        "print(' '.join(m for m in ('warroom.domain.coach', 'warroom.domain.coach_facts', 'warroom.domain.phase', "
        "'warroom.domain.cadence', 'warroom.config.positions', 'warroom.domain.review_filter') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == ""


def test_warroom_note_compiles_the_note_builder_alone():
    code = "import sys, warroom.cli, warroom.commands.note; print('warroom.domain.event_payloads' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False", "the catalogue's ~600 lines of builders are not on the note path"
