"""Pinning a pane's output keeps command, exit code, UTC time and a capped copy of the output."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from warroom.domain.events import Kind
from warroom.domain.evidence import cap_output, evidence_from_output, evidence_from_snapshot

TAKEN = datetime(2026, 11, 26, 3, 12, 9, 500000, tzinfo=UTC)


def test_pinned_command_text_and_payload():
    ev = evidence_from_output("long queries", "psql -XAtc 'SELECT 1'", 0, TAKEN, "1\n")
    assert ev.kind == Kind.EVIDENCE
    assert ev.text == 'pinned command "long queries" (exit 0 at 03:12:09 UTC)'
    assert ev.at == TAKEN
    assert ev.payload["pane"] == "long queries"
    assert ev.payload["command"] == "psql -XAtc 'SELECT 1'"
    assert ev.payload["exit_code"] == 0
    assert ev.payload["at"] == "2026-11-26T03:12:09.500000Z"
    assert ev.payload["output"] == "1"
    assert ev.payload["lines_cut"] == 0


def test_output_is_capped_with_a_marker_naming_what_was_cut():
    output = "\n".join(f"row {i:04d} " + "x" * 40 for i in range(1000))
    ev = evidence_from_output("long queries", "psql", 0, TAKEN, output, cap=4000)
    text = ev.payload["output"]
    kept, marker = text.rsplit("\n", 1)
    assert len(kept) <= 4000
    kept_lines = kept.split("\n")
    assert kept_lines[0].startswith("row 0000")
    assert marker == f"[… {1000 - len(kept_lines)} more lines]"
    assert ev.payload["lines_cut"] == 1000 - len(kept_lines)


def test_one_enormous_line_is_cut_inside_the_cap():
    text, cut = cap_output("y" * 100_000 + "\nsecond", cap=100)
    assert text.startswith("y" * 99 + "…")
    assert text.endswith("[… 1 more line]")
    assert cut == 1


def test_escape_sequences_never_reach_the_payload():
    ev = evidence_from_output("p", "cmd", 0, TAKEN, "\x1b]0;pwned\x07\x1b[31mred\x1b[0m [bold]kept[/bold]\r\n")
    assert ev.payload["output"] == "red [bold]kept[/bold]"


def test_failed_run_and_pin_time():
    pinned = TAKEN + timedelta(minutes=2)
    ev = evidence_from_output("db", "psql", None, TAKEN, "", error="timed out after 5s", pinned_at=pinned)
    assert ev.text == 'pinned command "db" (timed out after 5s at 03:12:09 UTC)'
    assert ev.at == pinned
    assert ev.payload["at"] == "2026-11-26T03:12:09.500000Z"  # what was seen, and when


@dataclass(frozen=True)
class _Pane:
    taken_at: datetime
    error: str | None = None

    def as_text(self) -> str:
        return "deploys api (git, last 2h)\na1b2c3d  2026-11-26 03:02:00 UTC  main  alice  Bump pool size"


def test_any_snapshot_with_as_text_can_be_pinned():
    ev = evidence_from_snapshot("api", _Pane(TAKEN, error="partial"), source_kind="deploys")
    assert ev.text == 'pinned deploys "api" (at 03:12:09 UTC)'
    assert ev.payload["command"] == "" and ev.payload["exit_code"] is None
    assert "Bump pool size" in ev.payload["output"]
