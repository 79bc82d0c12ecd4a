"""Only the skips listed in tests/allowed_skips.py may happen; any other skip, an xfail, or a
missing `requires` tool fails the run (checked by running pytest on a small test file)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from tests.allowed_skips import ALLOWED_SKIPS, allowed_skip

REPO = Path(__file__).resolve().parents[2]

SAMPLE = """
import pytest

def test_skips_for_the_weather():
    pytest.skip("the network is slow today")

def test_skips_as_root():
    pytest.skip("root reads files whatever their mode (uid 0)")

@pytest.mark.skipif(True, reason="needs tmux")
def test_skipif_a_tool_is_missing():
    pass

@pytest.mark.requires("warroom-no-such-tool")
def test_requires_a_missing_tool():
    pass

@pytest.mark.requires("sh")
def test_requires_a_present_tool():
    pass

@pytest.mark.xfail(reason="flaky")
def test_xfail():
    assert False
"""


def _run_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.support.skip_guard",
            "-p",
            "no:cacheprovider",
            "-rs",
            "-q",
            "-c",
            str(tmp_path / "pytest.ini"),
            "--rootdir",
            str(tmp_path),
            *args,
            str(tmp_path / "test_sample.py"),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def _assert_only_the_listed_skip_passes(run: subprocess.CompletedProcess[str]) -> None:
    out = run.stdout
    assert run.returncode == 1, out
    assert "2 failed, 1 passed, 1 skipped, 2 errors" in out, out
    assert "skipped for a reason not listed in tests/allowed_skips.py: 'the network is slow today'" in out
    assert "skipped for a reason not listed in tests/allowed_skips.py: 'needs tmux'" in out
    assert "warroom-no-such-tool required by this test and not on PATH" in out
    assert "an xfail hides a failure" in out
    assert "SKIPPED [1]" in out and "root reads files whatever their mode (uid 0)" in out


def test_an_unlisted_skip_an_xfail_and_a_missing_tool_fail_the_run(tmp_path: Path):
    _assert_only_the_listed_skip_passes(_run_pytest(tmp_path))


def test_the_guard_holds_under_xdist_workers(tmp_path: Path):
    _assert_only_the_listed_skip_passes(_run_pytest(tmp_path, "-n", "2"))


def _skip_reasons_in(path: Path) -> list[tuple[int, str]]:
    """(line, leading literal text) of every pytest.skip(...) and skipif(reason=...) in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        if name.endswith("importorskip") or name.endswith("mark.xfail"):
            found.append((node.lineno, f"<{name}>"))
        elif name.endswith("pytest.skip") and node.args:
            found.append((node.lineno, _leading_text(node.args[0])))
        elif name.endswith("mark.skipif"):
            reason = next((k.value for k in node.keywords if k.arg == "reason"), None)
            found.append((node.lineno, _leading_text(reason) if reason is not None else "<no reason>"))
    return found


def _leading_text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    return f"<computed: {ast.unparse(node)}>"


def test_every_skip_written_in_the_tests_gives_a_listed_reason():
    """Also the skips this machine never takes (a clipboard elsewhere, no IPv6)."""
    unlisted = [
        f"{path.relative_to(REPO)}:{line}: {reason!r}"
        for path in sorted((REPO / "tests").rglob("*.py"))
        if path.name != "test_allowed_skips.py"
        for line, reason in _skip_reasons_in(path)
        if allowed_skip(reason) is None
    ]
    assert unlisted == []
    assert len({entry.reason for entry in ALLOWED_SKIPS}) == len(ALLOWED_SKIPS)
    assert all(entry.why for entry in ALLOWED_SKIPS)
