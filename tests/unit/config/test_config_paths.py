"""Where the database lives and which config file is used."""

from __future__ import annotations

from pathlib import Path

import pytest

from warroom.errors import UserError
from warroom.paths import default_db_path, find_config_path


def test_db_path_order(tmp_path: Path):
    home = {"HOME": str(tmp_path)}
    assert default_db_path(home) == tmp_path / ".local/share/warroom/warroom.db"
    assert default_db_path({**home, "XDG_DATA_HOME": "/data"}) == Path("/data/warroom/warroom.db")
    assert (
        default_db_path({**home, "XDG_DATA_HOME": "relative/ignored"}) == tmp_path / ".local/share/warroom/warroom.db"
    )
    env = {**home, "XDG_DATA_HOME": "/data", "WARROOM_DB": "/x/incidents.db"}
    assert default_db_path(env) == Path("/x/incidents.db")


@pytest.fixture
def places(tmp_path: Path) -> dict[str, Path]:
    home, work = tmp_path / "home", tmp_path / "work"
    (home / ".config" / "warroom").mkdir(parents=True)
    work.mkdir()
    return {
        "home": home,
        "work": work,
        "user": home / ".config" / "warroom" / "warroom.toml",
        "cwd": work / "warroom.toml",
    }


def test_config_is_found_in_order_explicit_env_cwd_xdg(places, tmp_path: Path):
    env = {"HOME": str(places["home"])}
    work = places["work"]
    assert find_config_path(None, env, work) is None
    places["user"].write_text("")
    assert find_config_path(None, env, work) == places["user"]
    xdg = tmp_path / "xdg"
    (xdg / "warroom").mkdir(parents=True)
    (xdg / "warroom" / "warroom.toml").write_text("")
    assert find_config_path(None, {**env, "XDG_CONFIG_HOME": str(xdg)}, work) == xdg / "warroom" / "warroom.toml"
    places["cwd"].write_text("")
    assert find_config_path(None, env, work) == places["cwd"]
    named = tmp_path / "from-env.toml"
    named.write_text("")
    env["WARROOM_CONFIG"] = str(named)
    assert find_config_path(None, env, work) == named
    explicit = work / "other.toml"
    explicit.write_text("")
    assert find_config_path("other.toml", env, work) == explicit


def test_named_config_that_does_not_exist_is_an_error(places, tmp_path: Path):
    env = {"HOME": str(places["home"])}
    places["cwd"].write_text("")  # would be found, but a named file takes precedence
    with pytest.raises(UserError, match=r"^config file nope.toml does not exist$"):
        find_config_path("nope.toml", env, places["work"])
    with pytest.raises(UserError, match=r"\(from \$WARROOM_CONFIG\) does not exist"):
        find_config_path(None, {**env, "WARROOM_CONFIG": str(tmp_path / "gone.toml")}, places["work"])
    with pytest.raises(UserError, match="is a directory"):
        find_config_path(str(tmp_path), env, places["work"])
