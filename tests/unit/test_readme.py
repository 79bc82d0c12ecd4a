"""The README's two commands are the real ones: CI runs the test command word for word."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    start, test = blocks[0], blocks[1]
    assert "warroom" in start and "pip install" in start
    assert "pytest" in test
    ci = (REPO / ".ci" / "run").read_text()
    assert test in ci
