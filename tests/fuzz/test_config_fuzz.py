"""Random, truncated and mistyped config files: `load_config` either loads or raises a
`ConfigError` whose every problem names the file and a line, never a traceback (property-based).
A few named cases go through the installed `warroom config check`."""

from __future__ import annotations

import json
import math
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.config.config_helpers import EXAMPLE, EXAMPLE_ENV
from warroom.config.loader import ARRAYS, TABLES, ConfigError, load_config, parse_config

# Every section the loader knows, with its keys: a section added later is fuzzed too.
TABLE_KEYS = {name: keys for name, (keys, _) in TABLES.items()}
ARRAY_KEYS = {name: keys for name, (_, keys, _) in ARRAYS.items()}


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, plus DEL, which TOML forbids raw."""
    return json.dumps(text).replace("\x7f", "\\u007f")


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


# Values of every TOML type, the plausible ones for these keys among them, and the absurd.
plausible = st.sampled_from(
    ["30s", "15m", "2h", "0s", "-5s", "1e400s", "99999999999d", "https://127.0.0.1:1/x", "${TOKEN}", "${", "GET",
     "200", "a|b", "(", "[", "*", "kubectl", "git", "slack", "./logs/app.log", "~/x", "sev1", "", " "]
)  # fmt: skip
scalars = st.one_of(
    plausible,
    st.text(max_size=40),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.just("x" * 100_000),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def table(draw: st.DrawFn, keys: tuple[str, ...]) -> dict[str, object]:
    known = draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True))
    unknown = draw(st.lists(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), max_size=2))
    return {key: draw(values) for key in [*known, *unknown]}


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines: list[str] = []
    for name in draw(st.lists(st.sampled_from(sorted(TABLE_KEYS)), max_size=3, unique=True)):
        lines.append(f"[{name}]")
        lines += [f"{toml_string(k)} = {toml_value(v)}" for k, v in draw(table(TABLE_KEYS[name])).items()]
    for name in draw(st.lists(st.sampled_from(sorted(ARRAY_KEYS)), max_size=4)):
        lines.append(f"[[{name}]]")
        lines += [f"{toml_string(k)} = {toml_value(v)}" for k, v in draw(table(ARRAY_KEYS[name])).items()]
    if draw(st.booleans()):
        lines.insert(0, f"{toml_string(draw(st.text(min_size=1, max_size=10)))} = {toml_value(draw(values))}")
    return "\n".join(lines) + "\n"


def assert_loads_or_names_the_problem(path: Path, env: dict[str, str]) -> None:
    try:
        load_config(path, env)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(f"{path.name}:") or message.startswith(f"{path}:"), message
        assert "\n" not in message and "Traceback" not in message
        for problem in exc.problems:
            assert problem.file and problem.message
            assert problem.line is not None and problem.line >= 1, str(problem)


@given(text=documents())
def test_random_documents_load_or_name_file_line_and_key(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("cfg") / "warroom.toml"
    path.write_text(text, encoding="utf-8")
    assert_loads_or_names_the_problem(path, {"TOKEN": "t0ken-value"})


@given(cut=st.integers(min_value=0, max_value=len(EXAMPLE.read_bytes())), junk=st.binary(max_size=8))
def test_the_example_truncated_anywhere_or_with_bytes_spliced_in(tmp_path_factory, cut: int, junk: bytes) -> None:
    path = tmp_path_factory.mktemp("cfg") / "warroom.toml"
    path.write_bytes(EXAMPLE.read_bytes()[:cut] + junk)
    assert_loads_or_names_the_problem(path, EXAMPLE_ENV)


@given(text=st.text(max_size=300))
def test_arbitrary_text_is_read_or_each_problem_has_a_line(text: str) -> None:
    _, problems = parse_config(text, "warroom.toml", {})
    for problem in problems:
        assert str(problem).startswith("warroom.toml:") and problem.line is not None, str(problem)


# --- named cases through the installed command ---------------------------------------------------

NAMED = {
    "truncated mid-table": ('[[probe]]\nname = "api"\nurl = "https://127.0.0.1:1/h', 3, "syntax"),
    "wrong type": ('[[probe]]\nname = "api"\nurl = "https://127.0.0.1:1/h"\ninterval = [1, 2]\n', 4, "interval"),
    "huge value": ('[[command]]\nname = "w"\nargv = ["true"]\ntimeout = 1e308\n', 4, "timeout"),
    "huge integer": ('[resources]\ntop = 99999999999999999\n', 2, "top"),
    "unknown key": ('[team]\nname = "pay"\nrostr = ["a"]\n', 3, "rostr"),
    "escape in a key": ('[team]\n"\\u001b[31mRED" = 1\n', 2, "\\x1b[31mRED"),
}  # fmt: skip


def test_named_broken_configs_through_warroom_config_check(tmp_path: Path, run_warroom) -> None:
    for case, (text, line, key) in NAMED.items():
        path = tmp_path / "warroom.toml"
        path.write_text(text)
        result = run_warroom("config", "check", str(path))
        out = result.stdout + result.stderr
        assert result.returncode == 1, (case, out)
        assert "Traceback" not in out and "\x1b" not in out, (case, out)
        assert f"warroom.toml:{line}:" in out and key in out, (case, out)
    path.write_bytes(b'[team]\nname = "pay\xff"\n')
    result = run_warroom("config", "check", str(path))
    assert result.returncode == 1 and "warroom.toml:2: the file is not UTF-8 text" in result.stdout + result.stderr
