"""A fresh clone is complete: nothing in the project (code, tests, benchmarks, CI, README) reads
or points at files outside the repository, such as a `shared/` folder beside the checkout."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCANNED = ("src", "tests", "benchmarks", ".ci")
TEXT_SUFFIXES = {".py", ".sh", ".toml", ".cfg", ".ini", ".txt", ".md", ".json", ""}

# A `shared` folder as a path: "../shared/x", "/work/shared/x", REPO.parent / "shared".
OUTSIDE_PATTERNS = (
    re.compile(r"(?:\.\./|/)shared/"),
    re.compile(r"""/\s*["']shared["']"""),
    re.compile(r"""["']\.\./"""),  # a string starting in the parent folder
)
# Paths built from this file's location: where they land must be inside the repository.
FROM_FILE = re.compile(r"Path\(__file__\)\.resolve\(\)(?:\.parents\[(\d+)\])?((?:\.parent\b)*)")


def project_files() -> list[Path]:
    files = [REPO / "README.md", REPO / "pyproject.toml"]
    for top in SCANNED:
        for path in sorted((REPO / top).rglob("*")):
            if (
                path.is_file()
                and path.suffix in TEXT_SUFFIXES
                and "__pycache__" not in path.parts
                and ".egg-info" not in str(path)
                and path.resolve() != Path(__file__).resolve()
            ):
                files.append(path)
    return files


def test_the_scan_sees_the_project():
    names = {p.relative_to(REPO).as_posix() for p in project_files()}
    assert {
        "README.md",
        "tests/conftest.py",
        "tests/unit/config/config_helpers.py",
        ".ci/run",
        "src/warroom/cli.py",
        "src/warroom/data/warroom.example.toml",
    } <= names


def test_nothing_points_at_a_folder_beside_the_repository():
    found = []
    for path in project_files():
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if any(p.search(line) for p in OUTSIDE_PATTERNS):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


def test_paths_built_from_a_files_location_stay_inside_the_repository():
    escaping = []
    for path in project_files():
        if path.suffix != ".py":
            continue
        text = path.read_text(encoding="utf-8")
        for m in FROM_FILE.finditer(text):
            target = path.resolve()
            if m.group(1) is not None:
                target = target.parents[int(m.group(1))]
            for _ in range(m.group(2).count(".parent")):
                target = target.parent
            if not target.is_relative_to(REPO):
                escaping.append(f"{path.relative_to(REPO)}: {m.group(0)} -> {target}")
    assert escaping == []


def test_the_config_tests_read_the_example_shipped_in_the_package():
    from tests.unit.config.config_helpers import EXAMPLE
    from warroom.config.render import example_text

    assert EXAMPLE.is_relative_to(REPO) and EXAMPLE.read_text(encoding="utf-8") == example_text()
