"""Untrusted text, fuzzed with markup, escape sequences, C0/C1 controls, bidi and zero-width
characters and invalid UTF-8, through each parser and cleaner that stands between a source and
the screen: nothing crashes, and nothing that reaches display text can drive the terminal or
reorder what the user reads."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from warroom.domain.alerts import Notification, PayloadError, parse_notification
from warroom.sanitize import clean, clean_bytes
from warroom.sources.deploys_git import SEP, parse_git_log
from warroom.sources.intake import scrub
from warroom.sources.logscan import describe, display_text
from warroom.sources.statuspage import parse_statuspage

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)

FRAGMENTS = [
    "\x1b]0;PWNED\x07", "\x1b]8;;https://evil.example\x1b\\", "\x1b[31m", "\x1b[2J", "\x1b[?1049h", "\x1bP1$q\x1b\\",
    "\x1b_apc\x1b\\", "\x1bc", "\x1b", "\x9b31m", "\x9d0;x\x9c", "\x90dcs\x9c", "\x85", "\x07", "\x08", "\r", "\x00",
    "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\u2028", "\u061c", "[bold]", "[/]", "[link=https://e.x]", "[@click=app.quit]",
    "ERROR", "ok", " ", "é", "🔥",
]  # fmt: skip
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=12).map("".join)
hostile_bytes = st.one_of(
    hostile.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=64),
    st.lists(
        st.sampled_from([b"\xff", b"\xc0", b"\x9b", b"\xc2\x9b", b"\xe2\x80\xae", b"\x1b[", b"ERROR "]), max_size=10
    ).map(b"".join),
)

# What display text may never hold: C0 (but tab/newline where asked), DEL, C1, bidi controls,
# zero-width characters, BOM, line/paragraph separators.
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\u2028\u2029\ufeff]")


def assert_inert(text: str) -> None:
    found = FORBIDDEN.search(text)
    assert found is None, f"{found.group()!r} in {text!r}"


@given(text=hostile)
def test_clean_leaves_nothing_that_drives_the_terminal(text: str) -> None:
    assert_inert(clean(text))
    assert_inert(clean(text, cap=None))
    for line in clean(text, keep_newlines=True).split("\n"):
        assert_inert(line)
    assert len(clean(text, cap=50)) <= 50


@given(data=hostile_bytes)
def test_bytes_from_a_command_or_a_log_are_cleaned_whatever_their_encoding(data: bytes) -> None:
    assert_inert(clean_bytes(data))
    assert_inert(display_text(data))
    shown, key = describe(b"ERROR " + data)
    assert_inert(shown)
    assert_inert(key)


def test_a_ten_megabyte_line_is_cut_to_the_display_cap() -> None:
    line = b"ERROR " + b"\x1b]0;PWNED\x07[bold]" * 700_000
    shown, _ = describe(line)
    assert_inert(shown) and len(shown) <= 2000
    assert "[bold]" in shown and "PWNED" not in shown


@given(name=hostile, description=hostile, component=hostile, status=hostile, indicator=hostile)
def test_status_page_json_parses_or_is_refused(name, description, component, status, indicator) -> None:
    doc = {
        "page": {"name": name},
        "status": {"indicator": indicator, "description": description},
        "components": [{"name": component, "status": status}, {"name": None}, "x"],
        "incidents": [{"name": name, "status": status, "impact": description}, 7],
    }
    parsed = parse_statuspage(json.dumps(doc).encode())
    assert parsed is not None
    for value in (parsed["indicator"], parsed["description"], parsed["page_name"]):
        assert_inert(value)
    for comp in parsed["components"]:
        assert_inert(comp.name) and assert_inert(comp.status)
    for inc in parsed["incidents"]:
        assert_inert(inc.name)


@given(body=hostile_bytes)
def test_any_http_body_as_a_status_page_is_parsed_or_refused(body: bytes) -> None:
    parsed = parse_statuspage(body)
    assert parsed is None or isinstance(parsed, dict)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(hostile, inner, max_size=3)),
    max_leaves=10,
)


@st.composite
def alert_bodies(draw: st.DrawFn) -> object:
    alert = {
        "status": draw(st.sampled_from(["firing", "resolved", "odd"])),
        "labels": draw(st.dictionaries(hostile, st.one_of(hostile, json_values), max_size=4)) | {"alertname": draw(hostile)},
        "annotations": draw(st.dictionaries(hostile, hostile, max_size=3)),
        "startsAt": draw(st.one_of(hostile, st.just("2026-12-06T05:12:30Z"), st.just("9999-99-99"))),
        "endsAt": "0001-01-01T00:00:00Z",
        "fingerprint": draw(hostile),
        "generatorURL": draw(hostile),
    }  # fmt: skip
    body = {"version": "4", "status": "firing", "receiver": draw(hostile), "groupLabels": {}, "commonLabels": {},
            "commonAnnotations": {}, "externalURL": draw(hostile), "truncatedAlerts": draw(st.integers()),
            "alerts": [alert]}  # fmt: skip
    return draw(st.one_of(st.just(body), json_values))


@given(body=alert_bodies())
def test_alert_payloads_parse_into_inert_text_or_are_refused(body: object) -> None:
    try:
        notification = parse_notification(body, scrub)
    except PayloadError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert isinstance(notification, Notification)
    for alert in notification.alerts:
        for key, value in [*alert.labels.items(), *alert.annotations.items()]:
            assert_inert(key)
            assert_inert(value)


@given(subjects=st.lists(hostile, min_size=1, max_size=4), author=hostile)
def test_git_subjects_and_authors_are_cleaned(subjects: list[str], author: str) -> None:
    lines = [
        SEP.join([f"{i:040x}", "", author, "2026-12-06T09:00:00+00:00", "2026-12-06T09:00:00+00:00", "HEAD", subject])
        for i, subject in enumerate(subjects, 1)
    ]
    deploys = parse_git_log("app", "/repo", "\n".join(lines))
    for deploy in deploys:
        assert_inert(deploy.subject)
        assert_inert(deploy.author)
