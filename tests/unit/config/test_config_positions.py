"""Line numbers for TOML keys: what makes `warroom.toml:14:` point at the right line."""

from __future__ import annotations

from warroom.config.positions import KeyLines

TEXT = '''\
# a comment with [[probe]] in it
title = "x"  # top-level key

[[probe]]
name = "one"
headers = { Authorization = "Bearer ${T}", "X-Quoted.Key" = 'v' }

[[probe]]
name = "two"
note = """
[[probe]]
name = "not a real probe"
"""
argv = [
  "kubectl",  # first
  'logs',
  [1, 2],
]

[team]
a.b.c = 1
"quoted key" = 'lit'

[[deploys]]
kind = "git"
[[deploys.extra]]
x = 1
[[deploys]]
kind = "kubectl"
[[deploys.extra]]
x = 2
[[deploys.extra]]
x = 3
'''


def test_arrays_of_tables_are_counted_by_header():
    lines = KeyLines(TEXT)
    assert lines.line(("title",)) == 2
    assert lines.line(("probe", 0)) == 4
    assert lines.line(("probe", 0, "name")) == 5
    assert lines.line(("probe", 1)) == 8
    assert lines.line(("probe", 1, "name")) == 9


def test_inline_tables_and_quoted_keys():
    lines = KeyLines(TEXT)
    assert lines.line(("probe", 0, "headers", "Authorization")) == 6
    assert lines.line(("probe", 0, "headers", "X-Quoted.Key")) == 6


def test_multiline_strings_do_not_look_like_headers():
    lines = KeyLines(TEXT)
    assert lines.line(("probe", 1, "note")) == 10
    # The [[probe]] inside the string is text, not a third table: asking for one falls back to
    # the section's first header rather than line 11.
    assert lines.line(("probe", 2)) == 4
    assert lines.line(("probe", 1, "argv")) == 14


def test_array_elements_have_their_own_lines():
    lines = KeyLines(TEXT)
    assert [lines.line(("probe", 1, "argv", i)) for i in range(3)] == [15, 16, 17]
    assert lines.line(("probe", 1, "argv", 2, 1)) == 17


def test_dotted_and_quoted_keys_in_tables():
    lines = KeyLines(TEXT)
    assert lines.line(("team",)) == 20
    assert lines.line(("team", "a", "b", "c")) == 21
    assert lines.line(("team", "quoted key")) == 22


def test_nested_arrays_of_tables_follow_their_parent_entry():
    lines = KeyLines(TEXT)
    assert lines.line(("deploys", 0, "kind")) == 25
    assert lines.line(("deploys", 0, "extra", 0, "x")) == 27
    assert lines.line(("deploys", 1, "kind")) == 29
    assert lines.line(("deploys", 1, "extra", 0, "x")) == 31
    assert lines.line(("deploys", 1, "extra", 1, "x")) == 33


def test_unknown_paths_fall_back_to_the_nearest_parent():
    lines = KeyLines(TEXT)
    assert lines.line(("probe", 1, "missing_key")) == 8
    assert lines.line(("nowhere", "at", "all")) is None
