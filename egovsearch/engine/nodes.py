"""Engine-neutral query nodes: what ``query.compile`` builds and
``engine.search`` translates to Whoosh queries when it runs them.

Immutable, hashable records, standard library only: a compiled query can be
printed, compared and tested without an index, and nothing of Whoosh leaves
the engine. Each node names the Whoosh query it becomes; the tree's shape is
kept exactly, because Whoosh's scores (BM25F sums, boosts) follow it.

They are `Frozen` records (``core.records``) rather than frozen dataclasses,
for start-up time.
"""

from __future__ import annotations

from datetime import date

from egovsearch.core.records import Frozen

__all__ = ["Frozen"]  # re-exported: the records of query.compile and engine.search build on it


class Term(Frozen):
    """One indexed term of a field (``whoosh.query.Term``)."""

    __slots__ = ("field", "text", "boost")
    field: str
    text: str
    boost: float

    def __init__(self, field: str, text: str, boost: float = 1.0) -> None:
        self._init(field, text, boost)


class AnyOf(Frozen):
    """Documents matching any item; scores add up (``Or``)."""

    __slots__ = ("items",)
    items: tuple[Node, ...]

    def __init__(self, items: tuple[Node, ...]) -> None:
        self._init(items)


class AllOf(Frozen):
    """Documents matching every item; scores add up (``And``). A `Not` item
    excludes, and adds 1.0 to the score as Whoosh's inverse matcher does."""

    __slots__ = ("items",)
    items: tuple[Node, ...]

    def __init__(self, items: tuple[Node, ...]) -> None:
        self._init(items)


class Not(Frozen):
    """Every document not matching the item (``Not``)."""

    __slots__ = ("item",)
    item: Node

    def __init__(self, item: Node) -> None:
        self._init(item)


class DisMax(Frozen):
    """Any item; a document's score is its best item's (``DisjunctionMax``)."""

    __slots__ = ("items",)
    items: tuple[Node, ...]

    def __init__(self, items: tuple[Node, ...]) -> None:
        self._init(items)


class Phrase(Frozen):
    """Terms in this order (the engine's FastPhrase, a faster ``Phrase``).

    With `offsets` (one per word after the first), each word stands exactly
    that many positions after the previous one: a phrase's stop words keep
    their places ("Digitalisierung der Verwaltung": offsets (2,)). Without,
    each word is 1..slop positions after the previous one.
    """

    __slots__ = ("field", "words", "slop", "offsets")
    field: str
    words: tuple[str, ...]
    slop: int
    offsets: tuple[int, ...]

    def __init__(self, field: str, words: tuple[str, ...], slop: int = 1, offsets: tuple[int, ...] = ()) -> None:
        if offsets and len(offsets) != len(words) - 1:
            raise ValueError("a phrase needs one offset per word after the first")
        self._init(field, words, max(offsets, default=slop), offsets)


class Prefix(Frozen):
    """Terms of a field starting with `text` (``Prefix``)."""

    __slots__ = ("field", "text")
    field: str
    text: str

    def __init__(self, field: str, text: str) -> None:
        self._init(field, text)


class Wildcard(Frozen):
    """Terms of a field matching a ``*``/``?`` pattern (``Wildcard``)."""

    __slots__ = ("field", "pattern")
    field: str
    pattern: str

    def __init__(self, field: str, pattern: str) -> None:
        self._init(field, pattern)


class DateRange(Frozen):
    """Articles published from `low` to `high` (inclusive; None: open);
    undated articles never match (``NumericRange`` on ``published``)."""

    __slots__ = ("low", "high")
    low: date | None
    high: date | None

    def __init__(self, low: date | None, high: date | None) -> None:
        self._init(low, high)


class Every(Frozen):
    """Every live document (``Every``)."""

    __slots__ = ()


class TitleWords(Frozen):
    """What a document's title must hold, in the document's language: every
    word (a tuple of alternative terms) shares a term with the title's terms."""

    __slots__ = ("lang", "words")
    lang: str
    words: tuple[tuple[str, ...], ...]

    def __init__(self, lang: str, words: tuple[tuple[str, ...], ...]) -> None:
        self._init(lang, words)


class InTitle(Frozen):
    """The documents matching `inner` whose stored title holds the words.

    The index has no title field: candidates are the documents where `inner`
    matches within the first `scan` positions (title words come first; 0 to
    take every match, for wildcards), checked against their stored titles
    when the query runs. Either `words` (per language) or `prefix` (a folded
    wildcard stem) says what the title must hold.
    """

    __slots__ = ("inner", "scan", "words", "prefix")
    inner: Node
    scan: int
    words: tuple[TitleWords, ...]
    prefix: str | None

    def __init__(self, inner: Node, scan: int, words: tuple[TitleWords, ...] = (), prefix: str | None = None) -> None:
        self._init(inner, scan, words, prefix)


Node = Term | AnyOf | AllOf | Not | DisMax | Phrase | Prefix | Wildcard | DateRange | Every | InTitle
