"""`@record` and `Record`: frozen dataclasses without the per-class generated methods.

`@dataclass(frozen=True)` compiles six methods with `exec` for every class it decorates (about
0.7 ms a class here), and config and the incident's state define some 25 classes on the way to
the war room's first frame. A class written

    @record
    class TeamConfig(Record):
        name: str = ""

is a dataclass (`fields()`, `replace()`, `asdict()` work as before) whose `__init__`, repr,
equality, hash and frozenness are `Record`'s, shared by every such class and behaving as the
generated ones do: the same constructor (positional or keyword, defaults, `default_factory`,
`__post_init__`), the same repr (`TeamConfig(name='payments', roster=('alice',))`), equal only
to the same class with equal fields, hashable by those fields, and `FrozenInstanceError` on
assignment. Only `__post_init__` may set fields, with `object.__setattr__`, as usual.

`record` is marked `typing.dataclass_transform`, so type checkers read these classes as frozen
dataclasses: their constructors are checked field by field, as `@dataclass(frozen=True)`'s are.

The one way to write a value type in warroom is `@record`. Objects that change as they work
(trackers, sources, accumulators) are plain classes with an `__init__`. `domain.events.Event` is
the one exception, written by hand: `warroom note` imports it and must not pay for `dataclasses`.
"""

from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T", bound=type)


@dataclass_transform(eq_default=True, frozen_default=True, field_specifiers=(field,))
def record(cls: T) -> T:
    """Make `cls` (a `Record` subclass) a frozen dataclass through `Record`'s shared methods."""
    if not issubclass(cls, Record):
        raise TypeError(f"@record needs a Record subclass, not {cls.__name__}")
    cls = dataclass(init=False, repr=False, eq=False)(cls)
    spec = tuple((f.name, f.init, f.default, f.default_factory) for f in fields(cls))
    cls._record_spec = spec  # type: ignore[attr-defined]
    cls._record_init = tuple(name for name, init, _d, _f in spec if init)  # type: ignore[attr-defined]
    return cls


class Record:
    """Base for `@record` classes: their constructor, repr, equality, hash and frozenness."""

    __slots__ = ()
    _record_spec: tuple[tuple[str, bool, Any, Any], ...] = ()
    _record_init: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        names = cls._record_init
        if len(args) > len(names):
            raise TypeError(f"{cls.__name__}() takes {len(names)} positional arguments but {len(args)} were given")
        values = dict(zip(names, args))
        for key, value in kwargs.items():
            if key in values:
                raise TypeError(f"{cls.__name__}() got multiple values for argument {key!r}")
            if key not in names:
                raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {key!r}")
            values[key] = value
        setter = object.__setattr__
        for name, init, default, factory in cls._record_spec:
            if init and name in values:
                value = values[name]
            elif default is not MISSING:
                value = default
            elif factory is not MISSING:
                value = factory()
            elif init:
                raise TypeError(f"{cls.__name__}() missing required argument: {name!r}")
            else:
                continue
            setter(self, name, value)
        post_init = getattr(self, "__post_init__", None)
        if post_init is not None:
            post_init()

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

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
