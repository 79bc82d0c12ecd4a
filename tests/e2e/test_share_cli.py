"""A team on one jump host, through the installed `warroom`: private by default, `warroom share
--group GROUP` opens a store to a real OS group, and a second real user writes and reads it."""

from __future__ import annotations

import grp
import json
import os
import shutil
import stat
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from tests.conftest import warroom_executable


def _mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _command_for(user: str, group: str) -> list[str]:
    """How `user` runs this warroom: the installed script when they can execute its interpreter;
    else (a pyenv Python under root's 0700 home) a system Python of the same version on the same
    installed code (the venv's site-packages and the source tree the editable install points at)."""
    exe = str(warroom_executable())
    try:
        if subprocess.run([exe, "--version"], user=user, group=group, capture_output=True).returncode == 0:
            return [exe]
    except PermissionError:
        pass
    import sys
    import sysconfig

    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")
    if system is None:
        pytest.fail(f"{user} cannot run {sys.executable} and there is no system {version}")
    paths = [str(Path(__file__).resolve().parents[2] / "src"), sysconfig.get_paths()["purelib"]]
    return ["/usr/bin/env", f"PYTHONPATH={os.pathsep.join(paths)}", system, "-m", "warroom"]


def test_a_new_store_and_its_drafts_are_the_owners_alone(run_warroom, home_env):
    assert run_warroom("declare", "db down", "--sev", "2").returncode == 0
    db = Path(home_env["XDG_DATA_HOME"]) / "warroom" / "warroom.db"
    assert _mode(db) == 0o600 and _mode(db.parent) == 0o700
    r = run_warroom("draft", "--copy")
    assert r.returncode in (0, 1), r.stderr
    drafts = db.parent / "drafts"
    files = list(drafts.iterdir())
    assert _mode(drafts) == 0o700 and files and all(_mode(f) == 0o600 for f in files)


def test_share_needs_a_group_that_exists_and_that_you_are_in(run_warroom, tmp_path: Path):
    db = tmp_path / "w.db"
    assert run_warroom("--db", str(db), "declare", "x", "--sev", "2").returncode == 0
    r = run_warroom("share", "--group", f"no-such-{uuid.uuid4().hex[:6]}", "--db", str(db))
    assert r.returncode == 2 and "no group" in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1
    assert _mode(db) == 0o600  # nothing changed


@pytest.fixture
def team():
    """A real group `wrtNNNN` with a real user in it (and root, who shares); removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("a real second user and group need root (groupadd/useradd)")
    suffix = uuid.uuid4().hex[:6]
    group, user = f"wrt{suffix}", f"wru{suffix}"
    subprocess.run(["groupadd", group], check=True)
    try:
        subprocess.run(["useradd", "-M", "-N", "-g", group, "-s", "/bin/sh", user], check=True)
        subprocess.run(["gpasswd", "-a", "root", group], check=True, capture_output=True)
        yield group, user
    finally:
        subprocess.run(["userdel", user], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)


def test_a_second_user_notes_into_a_shared_store_and_reads_it(team, home_env):
    group, user = team
    gid = grp.getgrnam(group).gr_gid
    base = Path(tempfile.mkdtemp(prefix="warroom-share-"))
    try:
        base.chmod(0o755)
        store = base / "store"
        store.mkdir(mode=0o700)
        db = store / "warroom.db"
        exe = str(warroom_executable())
        env = home_env | {"WARROOM_USER": "root-ic"}
        assert subprocess.run([exe, "--db", str(db), "declare", "api 5xx", "--sev", "1"], env=env).returncode == 0

        shared = subprocess.run(
            [exe, "share", "--group", group, "--db", str(db)], env=env, capture_output=True, text=True
        )
        assert shared.returncode == 0, shared.stderr
        assert f"shared with group {group}" in shared.stdout
        assert _mode(store) == 0o2770 and os.stat(store).st_gid == gid
        assert _mode(db) == 0o660 and os.stat(db).st_gid == gid
        assert _mode(store / "drafts") == 0o2770 and os.stat(store / "drafts").st_gid == gid
        again = subprocess.run(
            [exe, "share", "--group", group, "--db", str(db)], env=env, capture_output=True, text=True
        )
        assert again.returncode == 0 and "nothing changed" in again.stdout

        # The second user: their own home, a umask that would shut the group out, WARROOM_USER unset.
        home = base / "home"
        home.mkdir()
        shutil.chown(home, user, group)
        theirs = {k: v for k, v in env.items() if not k.startswith("WARROOM_")} | {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "USER": "someone-else",
            "LOGNAME": "someone-else",
        }

        command = _command_for(user, group)

        def as_user(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [*command, "--db", str(db), *args],
                env=theirs,
                user=user,
                group=group,
                extra_groups=[],
                umask=0o077,
                capture_output=True,
                text=True,
                cwd=str(home),
                timeout=60,
            )

        r = as_user("note", "restarted api-7 from the second seat")
        assert r.returncode == 0, r.stderr
        r = as_user("show", "--json")
        assert r.returncode == 0, r.stderr
        timeline = json.loads(r.stdout)["timeline"]
        note = next(e for e in timeline if "second seat" in json.dumps(e))
        assert note["origin"]["user"] == user  # the real login, not $USER/$LOGNAME
        copied = as_user("draft", "--copy")
        assert copied.returncode in (0, 1), copied.stderr

        # What warroom made later in the shared folder kept the group's access despite umask 077.
        for path in [db, *store.glob("warroom.db-*"), *(store / "drafts").iterdir()]:
            assert _mode(path) & 0o660 == 0o660, (path, oct(_mode(path)))
            assert os.stat(path).st_gid == gid, path
        assert any(p.owner() == user for p in (store / "drafts").iterdir())
        # And the owner reads the second user's note.
        mine = subprocess.run([exe, "--db", str(db), "show"], env=env, capture_output=True, text=True)
        assert "second seat" in mine.stdout
    finally:
        shutil.rmtree(base, ignore_errors=True)
