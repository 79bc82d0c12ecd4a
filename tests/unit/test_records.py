"""The shared dataclass repr, equality and hash behave as the generated ones would."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from warroom.config.model import Config, ProbeConfig, Secret, TeamConfig
from warroom.domain.incident import Milestones
from warroom.records import Record


@dataclass(frozen=True)
class Generated:
    name: str = "x"
    tags: tuple[str, ...] = ("a",)
    hidden: str = field(default="h", repr=False)
    ignored: int = field(default=0, compare=False)


@dataclass(frozen=True, repr=False, eq=False)
class Shared(Record):
    name: str = "x"
    tags: tuple[str, ...] = ("a",)
    hidden: str = field(default="h", repr=False)
    ignored: int = field(default=0, compare=False)


def test_repr_equality_and_hash_match_the_generated_ones():
    assert repr(Shared()) == repr(Generated()).replace("Generated", "Shared")
    assert repr(Shared()) == "Shared(name='x', tags=('a',), ignored=0)"
    for a, b in ((Shared(), Shared()), (Shared(ignored=1), Shared(ignored=2))):
        assert a == b and hash(a) == hash(b)
    assert Shared(name="y") != Shared() and Shared(hidden="y") != Shared()
    assert Shared() != Generated() and Shared() != ("x", ("a",), "h"), "only the same class is equal"
    assert replace(Shared(), name="z") == Shared(name="z")
    assert len({Shared(), Shared(), Shared(name="y")}) == 2


def test_config_and_incident_records():
    assert repr(TeamConfig(name="payments", roster=("alice",))) == (
        "TeamConfig(name='payments', status_page='', channel_prefix='#incident-', roster=('alice',), extra_roles=())"
    )
    assert TeamConfig(roster=("a",)) == TeamConfig(roster=("a",)) != TeamConfig(roster=("b",))
    assert Config() == Config() and hash(Config()) == hash(Config())
    assert repr(Milestones()).startswith("Milestones(started=None, detected=None,")


def test_a_config_repr_still_hides_secrets():
    probe = ProbeConfig(name="api", url=Secret("https://deploy:hunter2@api.example/health?token=abc123"))
    shown = repr(Config(probes=(probe,)))
    assert "ProbeConfig(name='api', url=Secret('https://***@api.example/health?token=***')" in shown
    assert "hunter2" not in shown and "abc123" not in shown
    assert Secret("${A}") == Secret("${A}") != Secret("${B}")
