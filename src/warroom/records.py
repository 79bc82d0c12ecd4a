"""`FieldsRepr`: one `__repr__` for the frozen dataclasses read at startup.

`@dataclass` compiles a `__repr__` for every class it decorates, about half of what each class
costs to define. Config and the incident's state define some 25 of them on the way to the war
room's first frame, so they say `repr=False` and inherit this one, which prints the same thing:
`TeamConfig(name='payments', roster=('alice',))`.
"""

from __future__ import annotations

from dataclasses import fields


class FieldsRepr:
    """Base for `@dataclass(frozen=True, repr=False)` classes: the dataclass repr, shared."""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{type(self).__qualname__}({shown})"
