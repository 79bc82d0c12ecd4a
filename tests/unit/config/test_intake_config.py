"""`[intake]`: the receiver's address, credentials and declare rule; every mistake names file,
line and key, and listening beyond loopback without credentials is refused."""

from __future__ import annotations

import pytest

from warroom.config.loader import parse_config
from warroom.config.model import Secret


def problems(text: str, environ: dict[str, str] | None = None) -> list[str]:
    _, found = parse_config(text, "warroom.toml", environ or {})
    return [str(p) for p in found if p.fatal]


def test_the_documented_section_loads() -> None:
    text = (
        '[intake]\nlisten = "127.0.0.1:9095"\ntoken = "${WARROOM_INTAKE_TOKEN}"\n'
        'declare = { match = { severity = "critical" }, sev = 2 }\n'
    )
    config, found = parse_config(text, "warroom.toml", {"WARROOM_INTAKE_TOKEN": "abc"})
    assert found == []
    assert config.intake is not None
    assert config.intake.listen == "127.0.0.1:9095" and config.intake.port == 9095
    assert config.intake.token == Secret("${WARROOM_INTAKE_TOKEN}")
    assert config.intake.declare_match == (("severity", "critical"),) and config.intake.declare_sev == 2


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[intake]\nlisten = "0.0.0.0:9095"\n', "warroom.toml:2: [intake] listen: 0.0.0.0:9095 listens beyond"),
        ('[intake]\nlisten = "9095"\n', "warroom.toml:2: [intake] listen: expected HOST:PORT"),
        ('[intake]\nlisten = "127.0.0.1:99999"\n', "warroom.toml:2: [intake] listen: the port must be"),
        (
            '[intake]\n\ndeclare = { match = { severity = "critical" }, sev = 9 }\n',
            "warroom.toml:3: [intake] declare.sev: expected a severity 1-4, got 9",
        ),
        (
            "[intake]\ndeclare = { match = { severity = 2 }, sev = 2 }\n",
            "warroom.toml:2: [intake] declare.match.severity",
        ),
        (
            '[intake]\ndeclare = { match = { severity = "critical" } }\n',
            "warroom.toml:2: [intake] declare.sev: missing",
        ),
        ('[intake]\nuser = "am"\n', "warroom.toml:2: [intake] user: basic auth needs a password"),
        ('[intake]\nlisten_on = "x"\n', "warroom.toml:2: [intake]: key 'listen_on' is unknown; did you mean 'listen'?"),
    ],
)
def test_mistakes_name_file_line_and_key(toml: str, expected: str) -> None:
    found = problems(toml)
    assert any(p.startswith(expected) for p in found), found


def test_beyond_loopback_with_a_token_or_basic_auth_is_fine() -> None:
    assert problems('[intake]\nlisten = "0.0.0.0:9095"\ntoken = "${T}"\n', {"T": "x"}) == []
    assert problems('[intake]\nlisten = "[::]:9095"\nuser = "am"\npassword = "${P}"\n', {"P": "x"}) == []
