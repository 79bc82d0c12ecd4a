"""Imports go one way: `lint-imports` keeps the contracts in pyproject.toml (ARCHITECTURE.md).

The first test runs the real checker on the project, as `.ci/run` does; the second plants an
upward import in a copy of the package and sees the checker fail, naming the broken contract, so
a contract that checked nothing could not pass here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def run_lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_keeps_its_import_contracts():
    result = run_lint_imports(REPO, REPO / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    for contract in ("Layers", "imports Textual or rich", "domain/ imports only", "no import cycles"):
        assert contract in result.stdout, f"contract {contract!r} is not checked"


def test_textual_in_the_domain_or_config_importing_ui_breaks_the_contracts(tmp_path: Path):
    shutil.copytree(
        REPO / "src" / "warroom", tmp_path / "src" / "warroom", ignore=shutil.ignore_patterns("__pycache__", "data")
    )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "src" / "warroom" / "domain" / "planted_widget.py").write_text("from textual.widgets import Static\n")
    (tmp_path / "src" / "warroom" / "config" / "planted_upward.py").write_text("from warroom.ui import app\n")
    result = run_lint_imports(tmp_path, tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert "warroom.domain.planted_widget -> textual" in broken.replace("\n", " ")
    assert "warroom.config.planted_upward -> warroom.ui" in broken.replace("\n", " ")
    assert "Layers" in broken and "imports Textual or rich" in broken
