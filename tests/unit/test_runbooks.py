"""The shipped runbooks (`runbooks/*.md`) parse, and each is a real runbook for this tool."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from warroom.errors import UserError
from warroom.runbooks import REPO_RUNBOOKS, Runbook, load_runbooks, parse_runbook, runbook_dir

EXPECTED = {
    "triage.md",
    "mitigation.md",
    "in-flight-commands.md",
    "communication.md",
    "postmortem.md",
    "high-5xx-rate.md",
    "latency-spike.md",
    "disk-full.md",
    "db-connections-exhausted.md",
    "certificate-expiry.md",
    "third-party-outage.md",
}

#: Commands and keys the README documents (what a runbook may point at).
REAL = [
    r"warroom declare",
    r"warroom show",
    r"warroom due",
    r"warroom draft",
    r"warroom snapshot",
    r"warroom check",
    r"warroom milestone",
    r"warroom list",
    r"/sev\b",
    r"/status\b",
    r"/ic\b",
    r"/role\b",
    r"/ack\b",
    r"/mitigated\b",
    r"/resolve\b",
    r"/pin PANE",
    r"/note\b",
    r"/feature\b",
    r"`d`",
    r"`z`",
    r"warroom mitigate",
    r"warroom run --",
    r"warroom handoff",
    r"/handoff\b",
    r"/mitigate\b",
    r"`m`",
    r"`y`",
    r"`r`",
    r"`x`",
    r"warroom postmortem",
    r"warroom action",
]
#: Commands that do not exist (yet): a runbook must not send anyone to them.
MISSING = ["warroom review"]


def _books() -> list[Runbook]:
    books, problems = load_runbooks(REPO_RUNBOOKS)
    assert problems == []
    return books


def test_the_source_tree_reads_its_own_runbooks():
    assert runbook_dir() == REPO_RUNBOOKS
    assert {p.name for p in REPO_RUNBOOKS.glob("*.md")} == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_runbook_is_a_real_runbook_for_warroom(name: str):
    (book,) = [b for b in _books() if b.path.name == name]
    assert book.title
    assert book.alerts or book.probes or book.services
    assert len(book.text.split()) >= 150, f"{name}: only {len(book.text.split())} words"
    named = [p for p in REAL if re.search(p, book.text)]
    assert len(named) >= 2, f"{name}: names {named}"
    for missing in MISSING:
        assert missing not in book.text, f"{name} mentions {missing!r}, which does not exist"
    assert not book.text.startswith("---")


def test_triage_carries_the_severity_table():
    (triage,) = [b for b in _books() if b.path.name == "triage.md"]
    for sev in ("SEV-1", "SEV-2", "SEV-3", "SEV-4"):
        assert f"| {sev} |" in triage.text


def test_front_matter_forms(tmp_path: Path):
    path = tmp_path / "x.md"
    book = parse_runbook(
        path,
        "---\ntitle: \"Disk: full\"\nalerts: [a, 'b']\nprobes:\n  - p1\n  - p2\nservices: []\n---\n\n# Body\n",
    )
    assert book == Runbook("Disk: full", ("a", "b"), ("p1", "p2"), (), path, "# Body\n")
    with pytest.raises(AttributeError):
        book.title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("# no front matter\n", "no front matter"),
        ("---\ntitle: x\n", "not closed"),
        ("---\nalerts: [a]\n---\n", "`title` is required"),
        ("---\ntitle: x\nalerts: a\n---\n", "`alerts` must be a list"),
        ("---\ntitle: x\nalerts: [a\n---\n", "unclosed list"),
        ("---\n- a\ntitle: x\n---\n", "line 2: a list item outside a list"),
        ("---\ntitle x\n---\n", "line 2: expected `key: value`"),
        ("---\ntitle: x\ntitle: y\n---\n", "given twice"),
    ],
)
def test_broken_front_matter_is_refused_with_a_clear_message(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.md"
    with pytest.raises(UserError, match=re.escape(message)) as info:
        parse_runbook(path, content)
    assert str(path) in str(info.value)


def test_load_skips_a_broken_file_and_says_why(tmp_path: Path):
    (tmp_path / "good.md").write_text("---\ntitle: Good\nalerts: [a]\n---\ntext\n", encoding="utf-8")
    (tmp_path / "bad.md").write_text("no front matter\n", encoding="utf-8")
    books, problems = load_runbooks(tmp_path)
    assert [b.title for b in books] == ["Good"]
    assert len(problems) == 1 and "bad.md" in problems[0] and "no front matter" in problems[0]
    assert load_runbooks(tmp_path / "absent") == ([], [])


def _write(folder: Path, name: str, content: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def test_library_reads_shipped_then_each_folder_and_a_later_file_replaces_by_name_or_title(tmp_path: Path):
    from warroom.runbooks import SHIPPED, load_library

    first, second = tmp_path / "first", tmp_path / "second"
    _write(first, "high-5xx-rate.md", "---\ntitle: Our 5xx\nalerts: [http-5xx]\n---\nours\n")
    _write(first, "queue.md", "---\ntitle: Queue backlog\nservices: [worker]\n---\nfirst\n")
    _write(second, "queue-v2.md", "---\ntitle: queue BACKLOG\nservices: [worker]\n---\nsecond\n")
    _write(second, "bad.md", "---\ntitle: x\nprobes: api\n---\n")
    library = load_library([str(first), str(second), str(tmp_path / "absent")])
    by_title = {b.title: b for b in library.books}
    assert "High 5xx rate" not in by_title  # replaced by the team's file of the same name
    ours = by_title["Our 5xx"]
    assert ours.origin == str(first) and ours.replaces == REPO_RUNBOOKS / "high-5xx-rate.md"
    assert "Queue backlog" not in by_title  # replaced by a later folder's file of the same title
    later = by_title["queue BACKLOG"]
    assert later.origin == str(second) and later.replaces == first / "queue.md" and later.text == "second\n"
    assert by_title["Disk full"].origin == SHIPPED and by_title["Disk full"].replaces is None
    assert len(library.books) == len(EXPECTED) + 1
    assert library.problems == (
        f"runbook {second / 'bad.md'}: line 3: `probes` must be a list",
        f"runbooks folder {tmp_path / 'absent'} ([runbooks] paths) does not exist: nothing read from it",
    )


def test_every_broken_front_matter_message_names_a_line(tmp_path: Path):
    for content in ("# none\n", "---\ntitle: x\n", "---\nalerts: [a]\n---\n", "---\ntitle: x\nalerts: a\n---\n"):
        with pytest.raises(UserError, match=r": line \d+: "):
            parse_runbook(tmp_path / "bad.md", content)


def test_checklist_segments_keep_items_in_place_with_continuation_lines():
    from warroom.runbooks import ChecklistItem, checklist_items, checklist_segments

    body = (
        "# Title\n\nIntro.\n\n- [ ] First `cmd`\n  goes on here.\n- [x] Second\n- plain bullet\n"
        "\n## Next\n\n* [ ] Third\n"
    )
    assert checklist_segments(body) == [
        "# Title\n\nIntro.",
        ChecklistItem("First `cmd` goes on here.", 5),
        ChecklistItem("Second", 7),
        "- plain bullet\n\n## Next",
        ChecklistItem("Third", 12),
    ]
    assert [i.text for i in checklist_items(body)] == ["First `cmd` goes on here.", "Second", "Third"]
    shipped = parse_runbook(REPO_RUNBOOKS / "high-5xx-rate.md")
    assert len(checklist_items(shipped.text)) == 10
