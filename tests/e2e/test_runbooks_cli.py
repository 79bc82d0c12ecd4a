"""`warroom runbooks [QUERY]` (the installed command): title, what it covers and the file, best
match first, with the `[runbooks] paths` folders and a broken file named on stderr."""

from __future__ import annotations

from pathlib import Path


def test_lists_the_shipped_runbooks_best_match_first(run_warroom):
    result = run_warroom("runbooks", "5xx")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("High 5xx rate — alerts: high-5xx-rate")
    assert "probes: health, api" in first and first.endswith("high-5xx-rate.md")
    everything = run_warroom("runbooks").stdout.splitlines()
    assert len(everything) == 11
    missing = run_warroom("runbooks", "no-such-words")
    assert missing.returncode == 1 and "no runbook matches 'no-such-words'" in missing.stderr


def test_configured_folder_adds_runbooks_and_a_broken_file_is_named(run_warroom, tmp_path: Path):
    folder = tmp_path / "ours"
    folder.mkdir()
    (folder / "queue.md").write_text(
        "---\ntitle: Queue backlog\nalerts: [queue-high]\nservices: [worker]\n---\n# Q\n", encoding="utf-8"
    )
    (folder / "broken.md").write_text("---\ntitle broken\n---\n", encoding="utf-8")
    config = tmp_path / "warroom.toml"
    config.write_text(f'[runbooks]\npaths = ["{folder}"]\n', encoding="utf-8")
    result = run_warroom("runbooks", "queue-high", "--config", str(config))
    assert result.stdout.splitlines() == [
        f"Queue backlog — alerts: queue-high · services: worker — {folder / 'queue.md'} ({folder})"
    ]
    assert result.returncode == 1  # a file could not be read: said, and the others still listed
    assert f"{folder / 'broken.md'}: line 2: expected `key: value`" in result.stderr
    assert "Traceback" not in result.stderr
