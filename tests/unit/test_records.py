"""The shared dataclass repr prints what `@dataclass` itself would have printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from warroom.config.model import Config, ProbeConfig, Secret, TeamConfig
from warroom.domain.incident import Milestones
from warroom.records import FieldsRepr


def test_the_shared_repr_matches_the_generated_one():
    @dataclass(frozen=True)
    class Generated:
        name: str = "x"
        tags: tuple[str, ...] = ("a",)
        hidden: str = field(default="h", repr=False)

    @dataclass(frozen=True, repr=False)
    class Generated(FieldsRepr):  # noqa: F811  the same class, with the shared repr
        name: str = "x"
        tags: tuple[str, ...] = ("a",)
        hidden: str = field(default="h", repr=False)

    assert repr(Generated()) == "test_the_shared_repr_matches_the_generated_one.<locals>.Generated(name='x', tags=('a',))"
    assert repr(TeamConfig(name="payments", roster=("alice",))) == (
        "TeamConfig(name='payments', status_page='', channel_prefix='#incident-', roster=('alice',), extra_roles=())"
    )
    assert repr(Milestones()).startswith("Milestones(started=None, detected=None,")


def test_a_config_repr_still_hides_secrets():
    probe = ProbeConfig(name="api", url=Secret("https://deploy:hunter2@api.example/health?token=abc123"))
    shown = repr(Config(probes=(probe,)))
    assert "ProbeConfig(name='api', url=Secret('https://***@api.example/health?token=***')" in shown
    assert "hunter2" not in shown and "abc123" not in shown
