"""Installing on a jump host with no internet (README, "Installing with no internet").

On a connected machine `pip wheel . -w wheelhouse` gathers warroom and every dependency as wheels
in one folder; on the air-gapped host `pip install --no-index --find-links wheelhouse warroom`
installs from that folder alone. This test does both for real: it builds the wheelhouse once (the
only step that may use the network, or the local pip cache and mirror), then installs into a fresh
virtual environment with every route to the network closed (no index, no pip config, HTTP(S)
proxies pointing at a closed port, so any download attempt fails), and runs the live demo from
that environment. It takes about 20-30 s here: 5 s for the wheelhouse, 10 s for the install,
the rest the 5 s demo.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from warroom.domain.events import Kind
from warroom.store.sync import EventStore

REPO = Path(__file__).resolve().parents[2]
#: A port nothing listens on: a proxy there refuses every connection at once.
DEAD_PROXY = "http://127.0.0.1:9"
#: What pip -vv logs when it opens a connection (urllib3's debug line).
CONNECTION_LOG = "Starting new HTTP"

pytestmark = pytest.mark.e2e


def offline_env(base: dict[str, str]) -> dict[str, str]:
    """`base` with the network closed to pip: no index, no config file, a dead proxy for everything."""
    env = {k: v for k, v in base.items() if not k.startswith("PIP_") and k.lower() not in {"no_proxy"}}
    env.update(
        PIP_NO_INDEX="1",
        PIP_CONFIG_FILE=os.devnull,  # no mirror or find-links from this machine's pip.conf
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        HTTPS_PROXY=DEAD_PROXY,
        HTTP_PROXY=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        ALL_PROXY=DEAD_PROXY,
    )
    return env


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CONNECTED STEP: warroom and its dependencies as wheels in one folder, as on a machine with internet.

    This is the one step allowed to reach an index (or the local pip cache/mirror); everything after
    it runs with the network closed.
    """
    folder = tmp_path_factory.mktemp("wheelhouse")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "-w", str(folder), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    return folder


@pytest.fixture(scope="module")
def offline_venv(wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with warroom installed from the wheelhouse alone, network closed."""
    root = tmp_path_factory.mktemp("jumphost")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True, clear=True)
    install = subprocess.run(
        [str(env_dir / "bin" / "pip"), "install", "-vv", "--no-index", "--find-links", str(wheelhouse), "warroom"],
        capture_output=True,
        text=True,
        cwd=root,
        env=offline_env(dict(os.environ)),
        timeout=300,
    )
    assert install.returncode == 0, install.stdout[-2000:] + install.stderr[-3000:]
    assert "Successfully installed" in install.stdout and "warroom-" in install.stdout, install.stdout
    # pip logs every connection it opens at -vv (the guard test below shows the line): none here.
    assert CONNECTION_LOG not in install.stdout + install.stderr
    return env_dir


def test_the_wheelhouse_is_one_folder_of_wheels_with_every_dependency(wheelhouse: Path):
    names = {p.name.split("-")[0].lower().replace("_", "-") for p in wheelhouse.glob("*.whl")}
    for needed in ("warroom", "textual", "rich", "httpx", "psutil", "pyperclip"):
        assert needed in names, f"{needed} missing from the wheelhouse: {sorted(names)}"
    assert all(p.suffix == ".whl" for p in wheelhouse.iterdir()), "only wheels: nothing to compile on the jump host"


def test_the_closed_network_really_is_closed(tmp_path: Path, offline_venv: Path):
    """The install's guard is real: with the same environment, asking pip for an index fails."""
    env = offline_env(dict(os.environ))
    env.pop("PIP_NO_INDEX")
    attempt = subprocess.run(
        [
            str(offline_venv / "bin" / "pip"),
            "download",
            "-vv",
            "--retries",
            "0",
            "--timeout",
            "3",
            "-d",
            str(tmp_path),
            "--index-url",
            "https://pypi.org/simple",
            "idna",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert attempt.returncode != 0, attempt.stdout
    said = attempt.stdout + attempt.stderr
    assert CONNECTION_LOG in said and "Cannot connect to proxy" in said, said[-3000:]
    assert not list(tmp_path.glob("*.whl"))


def test_the_offline_install_runs_the_demo_and_records_events(tmp_path: Path, offline_venv: Path):
    python = offline_venv / "bin" / "python"
    where = subprocess.run(
        [str(python), "-c", "import warroom, textual; print(warroom.__file__); print(textual.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert where.returncode == 0, where.stderr
    for path in where.stdout.split():
        assert path.startswith(str(offline_venv)), f"{path}: not the offline install"

    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in offline_env(dict(os.environ)).items() if not k.startswith("WARROOM_")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"))
    env.pop("PYTHONPATH", None)
    keep = tmp_path / "kept"
    demo = subprocess.run(
        [str(offline_venv / "bin" / "warroom"), "demo", "--headless", "--duration", "5", "--keep", str(keep)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert "Traceback" not in demo.stderr
    assert "Timeline (UTC)" in demo.stdout and "SEV-2 declared:" in demo.stdout, demo.stdout[-2000:]
    with EventStore.open(keep / "warroom.db") as store:
        (incident_id,) = store.open_incident_ids() or [1]
        kinds = {e.kind for e in store.events(incident_id)}
    # declared and noted by the script, the deploy seen by the live git source
    assert {Kind.DECLARED, Kind.DEPLOY, Kind.NOTE} <= kinds, kinds
