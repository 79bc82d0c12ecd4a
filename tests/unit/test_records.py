"""`@record` classes construct, compare, hash, print and refuse assignment as the generated
frozen dataclasses would."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, asdict, dataclass, field, fields, replace

import pytest

from warroom.config.model import Config, ProbeConfig, Secret, TeamConfig
from warroom.domain.incident import Milestones
from warroom.records import Record, record


@dataclass(frozen=True)
class Generated:
    name: str = "x"
    tags: tuple[str, ...] = ("a",)
    hidden: str = field(default="h", repr=False)
    ignored: int = field(default=0, compare=False)


@record
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


def full_class(decorate, bases: tuple[type, ...]) -> type:
    """One class body, made a generated frozen dataclass or a @record, to compare the two."""

    class Full(*bases):  # type: ignore[misc]
        name: str
        tags: list[str] = field(default_factory=list)
        count: int = 0
        derived: str = field(init=False, default="")
        made: list[str] = field(init=False, default_factory=list)

        def __post_init__(self) -> None:
            object.__setattr__(self, "derived", f"{self.name}:{self.count}")

    return decorate(Full)


GeneratedFull = full_class(dataclass(frozen=True), ())
SharedFull = full_class(record, (Record,))


def test_the_constructor_behaves_as_the_generated_one():
    for cls in (GeneratedFull, SharedFull):
        a = cls("api", count=2)
        assert (a.name, a.tags, a.count, a.derived, a.made) == ("api", [], 2, "api:2", [])
        assert cls("api").tags is not cls("api").tags, "a fresh default_factory value each time"
        assert asdict(cls("x", ["t"], 1)) == {"name": "x", "tags": ["t"], "count": 1, "derived": "x:1", "made": []}
        assert replace(a, count=3).derived == "api:3"
        assert [f.name for f in fields(cls)] == ["name", "tags", "count", "derived", "made"]
        with pytest.raises(TypeError, match="missing"):
            cls()
        with pytest.raises(TypeError, match="unexpected keyword argument 'derived'"):
            cls("x", derived="no")
        with pytest.raises(TypeError, match="multiple values for argument 'name'"):
            cls("x", name="y")
        with pytest.raises(TypeError, match="positional arguments"):
            cls("x", [], 1, "extra")
        with pytest.raises(FrozenInstanceError, match="cannot assign to field 'name'"):
            a.name = "changed"  # type: ignore[misc]
        with pytest.raises(FrozenInstanceError, match="cannot delete field 'name'"):
            del a.name  # type: ignore[misc]
    with pytest.raises(TypeError, match="Record subclass"):
        record(GeneratedFull)


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
