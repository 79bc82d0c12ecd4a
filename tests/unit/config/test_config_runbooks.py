"""`[runbooks] paths`: `~` expands, relative folders are the config file's, a missing folder warns."""

from __future__ import annotations

from pathlib import Path

from tests.unit.config.config_helpers import messages
from warroom.config.loader import check_config, load_config


def test_paths_expand_home_and_resolve_from_the_config_folder(tmp_path: Path, monkeypatch):
    home = tmp_path / "home"
    (home / "runbooks").mkdir(parents=True)
    (tmp_path / "etc" / "team").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    config_file = tmp_path / "etc" / "warroom.toml"
    config_file.write_text('[runbooks]\npaths = ["~/runbooks", "team"]\n', encoding="utf-8")
    config = load_config(config_file)
    assert config.runbooks.paths == (str(home / "runbooks"), str(tmp_path / "etc" / "team"))
    assert check_config(config_file) == []


def test_a_folder_that_is_not_there_is_a_warning_naming_file_line_and_key(tmp_path: Path):
    config_file = tmp_path / "warroom.toml"
    config_file.write_text(f'[team]\nname = "x"\n\n[runbooks]\npaths = ["{tmp_path}/nope"]\n', encoding="utf-8")
    config = load_config(config_file)  # loads: the screen says which folder it could not read
    assert config.runbooks.paths == (f"{tmp_path}/nope",)
    (problem,) = check_config(config_file)
    assert not problem.fatal
    assert str(problem).endswith(
        f"warroom.toml:5: [runbooks] paths[0]: warning: {tmp_path}/nope does not exist: no runbooks are read from it"
    )
    assert messages("[runbooks]\npaths = [3]\n") == [
        "warroom.toml:2: [runbooks] paths[0]: expected a string, got an integer"
    ]
    assert messages('[runbooks]\npath = ["/x"]\n')[0].startswith("warroom.toml:2: [runbooks]: key 'path' is unknown")


def test_config_check_prints_the_warning_and_still_passes(run_warroom, tmp_path: Path):
    config_file = tmp_path / "warroom.toml"
    config_file.write_text('[runbooks]\npaths = ["~/no-such-runbooks"]\n', encoding="utf-8")
    result = run_warroom("config", "check", str(config_file))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "[runbooks] paths[0]: warning:" in result.stderr and "no-such-runbooks does not exist" in result.stderr
