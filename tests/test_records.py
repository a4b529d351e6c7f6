"""core.records.Frozen: immutable, equal and hashed by type and fields, shown like a dataclass."""

from __future__ import annotations

import pytest

from egovsearch.core.records import Frozen
from egovsearch.query.parse import Not, Phrase, Word


class Pair(Frozen):
    __slots__ = ("a", "b")
    a: int
    b: str

    def __init__(self, a: int, b: str = "x") -> None:
        self._init(a, b)


def test_fields_equality_hash_and_repr() -> None:
    assert Pair(1).b == "x" and Pair(1, "y").a == 1
    assert Pair(1) == Pair(1, "x") and Pair(1) != Pair(2) and hash(Pair(1)) == hash(Pair(1, "x"))
    assert repr(Pair(1, "y")) == "Pair(a=1, b='y')"
    assert Word("a") != Phrase("a")  # same fields, another type
    assert len({Word("a"), Word("a"), Not(Word("a"))}) == 2


def test_immutable() -> None:
    p = Pair(1)
    with pytest.raises(AttributeError, match="immutable"):
        p.a = 2  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del p.a
    with pytest.raises(AttributeError):
        p.c = 3  # type: ignore[attr-defined]  # slots: no other attributes


def test_one_value_per_field() -> None:
    with pytest.raises(ValueError):
        Pair._init(Pair.__new__(Pair), 1, "x", "extra")
