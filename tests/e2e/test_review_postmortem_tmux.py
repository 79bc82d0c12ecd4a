"""The review's postmortem panel through the installed command in tmux: `E` hands the terminal
to $EDITOR (Textual's suspend; a fake editor script that shows itself, sees the current text
and rewrites it), the section is saved as an event, and `warroom postmortem` prints it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import warroom_executable
from tests.e2e.test_tmux_warroom import Tmux, tmux  # noqa: F401  (the fixture)
from tests.support.review_db import checkout_incident, error_samples, write_incident

pytestmark = [pytest.mark.e2e, pytest.mark.requires("tmux")]


def test_E_edits_a_section_in_EDITOR_through_suspend_and_warroom_postmortem_prints_it(tmux: Tmux, tmp_path: Path):
    db = tmp_path / "laptop" / "incident.db"
    db.parent.mkdir()
    write_incident(db, checkout_incident().events, error_samples())
    seen = tmp_path / "editor-saw.txt"
    editor = tmp_path / "fake-editor"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import sys, time, shutil\n"
        f"shutil.copy(sys.argv[1], {str(seen)!r})\n"
        "print('FAKE EDITOR ON THE TERMINAL', flush=True)\n"
        "time.sleep(1.5)\n"
        "open(sys.argv[1], 'w').write('A deploy shrank the payments-db pool; nothing alerted on pool use.\\n')\n"
    )
    editor.chmod(0o700)
    tmux.env["EDITOR"] = str(editor)
    tmux.start([str(warroom_executable()), "review", "--db", str(db)], width=100, height=30)
    tmux.wait_for("REVIEW INC-1")
    tmux.wait_for("SEV-1 · Resolved")
    tmux.keys("p")
    tmux.wait_for("POSTMORTEM INC-1")
    # The lint box shows as many findings as fit; its title counts them all.
    tmux.wait_for("Lint · 8 findings")
    tmux.keys("Down", "Down", "Down")  # Root cause
    tmux.keys("E")
    tmux.wait_for("FAKE EDITOR ON THE TERMINAL")
    tmux.wait_for("Root cause recorded", timeout=20)
    tmux.wait_for("Root cause: A deploy shrank")
    shown = tmux.wait_for("Lint · 7 findings")  # the lint follows the save
    assert "Root cause is empty" not in shown
    assert seen.read_text() == "", "the editor got the current (empty) text"
    tmux.keys("q")
    assert tmux.exit_status() == 0
    out = subprocess.run(
        [str(warroom_executable()), "--db", str(db), "postmortem"],
        capture_output=True,
        text=True,
        env=tmux.env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "## Root cause\n\nA deploy shrank the payments-db pool; nothing alerted on pool use.\n" in out.stdout
