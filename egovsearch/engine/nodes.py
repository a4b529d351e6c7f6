"""Engine-neutral query nodes: what ``query.compile`` builds and
``engine.search`` translates to Whoosh queries when it runs them.

Frozen (hashable) dataclasses, standard library only: a compiled query can be
printed, compared and tested without an index, and nothing of Whoosh leaves
the engine. Each node names the Whoosh query it becomes; the tree's shape is
kept exactly, because Whoosh's scores (BM25F sums, boosts) follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Term:
    """One indexed term of a field (``whoosh.query.Term``)."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Documents matching any item; scores add up (``Or``)."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    """Documents matching every item; scores add up (``And``). A `Not` item
    excludes, and adds 1.0 to the score as Whoosh's inverse matcher does."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Every document not matching the item (``Not``)."""

    item: Node


@dataclass(frozen=True, slots=True)
class DisMax:
    """Any item; a document's score is its best item's (``DisjunctionMax``)."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Phrase:
    """Terms in this order, each 1..slop positions after the previous one
    (the engine's FastPhrase, a faster ``Phrase``)."""

    field: str
    words: tuple[str, ...]
    slop: int = 1


@dataclass(frozen=True, slots=True)
class Sequence:
    """Items (alternatives of one word each) in this order, as `Phrase`
    (``Sequence``). Known to fail inside Whoosh for alternatives (issue 14)."""

    items: tuple[Node, ...]
    slop: int = 1


@dataclass(frozen=True, slots=True)
class Prefix:
    """Terms of a field starting with `text` (``Prefix``)."""

    field: str
    text: str


@dataclass(frozen=True, slots=True)
class Wildcard:
    """Terms of a field matching a ``*``/``?`` pattern (``Wildcard``)."""

    field: str
    pattern: str


@dataclass(frozen=True, slots=True)
class DateRange:
    """Articles published from `low` to `high` (inclusive; None: open);
    undated articles never match (``NumericRange`` on ``published``)."""

    low: date | None
    high: date | None


@dataclass(frozen=True, slots=True)
class Every:
    """Every live document (``Every``)."""


@dataclass(frozen=True, slots=True)
class TitleWords:
    """What a document's title must hold, in the document's language: every
    word (a tuple of alternative terms) shares a term with the title's terms."""

    lang: str
    words: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class InTitle:
    """The documents matching `inner` whose stored title holds the words.

    The index has no title field: candidates are the documents where `inner`
    matches within the first `scan` positions (title words come first; 0 to
    take every match, for wildcards), checked against their stored titles
    when the query runs. Either `words` (per language) or `prefix` (a folded
    wildcard stem) says what the title must hold.
    """

    inner: Node
    scan: int
    words: tuple[TitleWords, ...] = ()
    prefix: str | None = None


Node = Term | AnyOf | AllOf | Not | DisMax | Phrase | Sequence | Prefix | Wildcard | DateRange | Every | InTitle
