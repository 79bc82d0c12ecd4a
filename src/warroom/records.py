"""`Record`: the repr, equality and hash of the frozen dataclasses read at startup, shared.

`@dataclass(frozen=True)` compiles five or six methods for every class it decorates (about 1 ms
each class here); config and the incident's state define some 25 classes on the way to the war
room's first frame. They say `@dataclass(frozen=True, repr=False, eq=False)` and inherit these
three instead, which behave as the generated ones do: the same repr
(`TeamConfig(name='payments', roster=('alice',))`), equal only to the same class with equal
fields, and hashable by those fields. `fields()`, `replace()` and `asdict()` work as before.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any


class Record:
    """Base for `@dataclass(frozen=True, repr=False, eq=False)` classes."""

    __slots__ = ()

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.compare)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._compared())
