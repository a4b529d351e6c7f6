"""`Frozen`: immutable records that are cheap to define.

Every query process defines the query language's tree nodes and the engine's
query nodes (about 20 classes). ``@dataclass(frozen=True, slots=True)`` makes
each one by generating and compiling five methods and a second class (measured
~1.2 ms a class on this machine: `query.parse`'s seven nodes took 8.9 ms of a
query's start-up, `-X importtime`); a plain class with ``__slots__`` on this
base takes ~20 µs. The records that cross into output and JSON
(``core.models``) stay dataclasses: their fields are the JSON/CSV contract and
they need ``dataclasses.replace``. Standard library only.
"""

from __future__ import annotations

from typing import Any


class Frozen:
    """An immutable record: its fields are its ``__slots__``, set once by
    `_init`; equal (and hashed) by type and fields, shown like a dataclass."""

    __slots__: tuple[str, ...] = ()

    def _init(self, *values: Any) -> None:
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")
