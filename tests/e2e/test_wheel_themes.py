"""The themes and runbooks live once in git (`themes/`, `runbooks/`); a built wheel carries them,
and the app installed from that wheel offers them by name and loads them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
THEMES = sorted(p.name for p in (REPO / "themes").glob("*.toml"))
RUNBOOKS = sorted(p.name for p in (REPO / "runbooks").glob("*.md"))

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (found,) = out.glob("warroom-*.whl")
    return found


def test_the_wheel_carries_every_theme_from_themes_dir(wheel: Path):
    assert len(THEMES) == 4
    with zipfile.ZipFile(wheel) as zf:
        packaged = sorted(Path(n).name for n in zf.namelist() if n.startswith("warroom/data/themes/"))
        assert packaged == THEMES
        for name in THEMES:
            assert zf.read(f"warroom/data/themes/{name}") == (REPO / "themes" / name).read_bytes()


def test_the_wheel_carries_every_runbook_from_runbooks_dir(wheel: Path):
    assert len(RUNBOOKS) >= 11
    with zipfile.ZipFile(wheel) as zf:
        packaged = sorted(Path(n).name for n in zf.namelist() if n.startswith("warroom/data/runbooks/"))
        assert packaged == RUNBOOKS
        for name in RUNBOOKS:
            assert zf.read(f"warroom/data/runbooks/{name}") == (REPO / "runbooks" / name).read_bytes()


def test_the_app_installed_from_the_wheel_loads_its_themes(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    # The installed copy comes first on the path; Textual and the rest come from this venv.
    env = {
        **os.environ,
        "PYTHONPATH": str(target),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    env.pop("WARROOM_CONFIG", None)
    env.pop("WARROOM_DB", None)
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "from warroom.config.themes import load_theme_specs as l;"
            "print('\\n'.join(f'{n} {s.path}' for n, s in l().items()))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert where.returncode == 0, where.stderr
    lines = where.stdout.split("\n")
    assert lines[0].startswith("warroom-dark "), "the default theme comes first"
    for line in filter(None, lines):
        assert line.split(" ", 1)[1].startswith(str(target)), f"{line}: not the installed copy"
    assert len(list(filter(None, lines))) == 4
    runbooks = subprocess.run(
        [
            sys.executable,
            "-c",
            "from warroom.runbooks import load_runbooks as l, runbook_dir as d;"
            "b, p = l(); print(d()); print(len(b), len(p))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert runbooks.returncode == 0, runbooks.stderr
    where_runbooks, counts = runbooks.stdout.split("\n")[:2]
    assert where_runbooks.startswith(str(target)), "the installed copy of the runbooks"
    assert counts == f"{len(RUNBOOKS)} 0"
    cli = [sys.executable, "-c", "import sys; from warroom.cli import main; sys.exit(main())"]
    wrong = subprocess.run(
        [*cli, "open", "--theme", "no-such"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert wrong.returncode != 0
    for name in ("warroom-dark", "warroom-light", "warroom-high-contrast", "warroom-colorblind"):
        assert name in wrong.stderr, wrong.stderr
    light = subprocess.run(
        [*cli, "open", "--theme", "light"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert "needs a terminal" in light.stderr, "the theme was found; only the terminal is missing"
    assert "Traceback" not in light.stderr + wrong.stderr
