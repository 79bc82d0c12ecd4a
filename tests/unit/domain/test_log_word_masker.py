"""`WordMasker` gives exactly `mask_message`'s group keys (it only gets there faster), whatever the
line: timestamps with spaces, syslog and common-log dates, IPv6, hex, UUIDs, odd whitespace."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.domain.log_rules import GROUP_KEY_CAP, WordMasker, mask_message

PIECES = st.sampled_from(
    [
        "2024-05-01", "2024/05/01", "T", " ", "  ", "\t", "\u00a0", "\u2028", "\x1c", "12:00:00", ".123", ",5",
        "Z", "+02:00", "-0530", "May", "Dec", " 1", "01/May/2024:12:00:00", " +0000", "10.0.0.1", ":8080",
        "fe80::1", "::", ":", "dead", "beef", "deadbeef", "0x1F", "abc123", "3fa9b0c1-1234-4abc-8def-0123456789ab",
        "ERROR", "error", "=", "-", "/", "[", "]", "x", "7", "42", "٣", "café", "é", "_", "a", "f", "0",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(PIECES, max_size=40))
def test_word_by_word_masking_gives_the_whole_line_key(pieces: list[str]) -> None:
    text = "".join(pieces)
    masker = WordMasker(memo_size=16)
    assert masker(text) == mask_message(text)
    assert masker(text) == mask_message(text)  # and again, from the memo


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_the_whole_line_key(text: str) -> None:
    assert WordMasker()(text) == mask_message(text)


def test_long_lines_are_cut_like_the_whole_line_key() -> None:
    text = " ".join(f"word{n} 0x{n:x}" for n in range(400))
    assert len(mask_message(text)) == GROUP_KEY_CAP
    assert WordMasker()(text) == mask_message(text)
