"""Frozen records of articles and searches that cross module borders. Their
fields are the JSON/CSV contract. Records about the index itself (an index
run's report, stats, sources, timelines) are in ``reports``, which a search
does not load.

Standard library only. Dates are ``datetime.date``; ``to_dict`` gives the JSON
shape (ISO ``YYYY-MM-DD`` strings, ``None`` for an unknown field).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def iso(d: date | None) -> str | None:
    """``YYYY-MM-DD`` or None."""
    return d.isoformat() if d is not None else None


@dataclass(frozen=True, slots=True)
class Article:
    """One article page of the archive, cleaned of the page's noise."""

    id: str  # the 16-hex part of the file name, else a stable hash of `path`
    path: str  # relative to the archive root, '/'-separated
    title: str  # the lead's first sentence, cut at a word boundary near 120 chars
    body: str  # the article's paragraphs only, separated by blank lines
    source: str | None  # the original publication, None when unreadable
    published: date | None  # the original publication's date
    crawled: date | None  # the day the page was crawled
    language: str  # "de" or "en"
    words: int  # number of words in body
    # What the reader repaired in the page, (kind, count) sorted by kind: "mojibake",
    # "entities", "tags", "comments", "escapes", "controls" (core.archive.REPAIR_KINDS)
    # and ("encoding:<name>", 1) for a legacy encoding; () for a clean UTF-8 page.
    # Not part of to_dict (the parse/show/export contract); doctor reports them.
    repairs: tuple[tuple[str, int], ...] = ()
    # export --collapse: the ids of the other members of its cluster of
    # near-copies (() when none). None otherwise, and then no key.
    duplicates: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "source": self.source,
            "published": iso(self.published),
            "crawled": iso(self.crawled),
            "language": self.language,
            "words": self.words,
            "body": self.body,
        }
        if self.duplicates is not None:
            d["duplicates"] = list(self.duplicates)
        return d


HIT_FIELDS = ("id", "path", "title", "source", "published", "crawled", "language", "score", "snippet")


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result. `marks` are (start, end) spans of matched terms in `snippet`;
    they drive terminal highlighting and, like `short_id`, are not part of the JSON/CSV contract."""

    id: str
    path: str  # relative to the archive root
    title: str
    source: str | None
    published: date | None
    crawled: date | None
    language: str
    score: float  # relevance (BM25F); 0.0 when the query had no text terms
    snippet: str  # plain text, one or two lines' worth, around the best match
    marks: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    # The shortest prefix of `id` (8 hex digits or more) that no other article's
    # id starts with, which show and similar accept: the table's id column. ""
    # when not worked out (outputs other than the table print the whole id).
    short_id: str = field(default="", compare=False)
    # With --sort hybrid: the score blended with recency (the order of the
    # hits); `score` stays the relevance. None otherwise, and then no JSON key.
    hybrid: float | None = None
    # With --collapse: the ids of the other members of the hit's cluster of
    # near-copies (() when it has none). None otherwise, and then no JSON key.
    duplicates: tuple[str, ...] | None = None
    # Their publications, in the same order: the table's "+N copies (sources)".
    duplicate_sources: tuple[str | None, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "source": self.source,
            "published": iso(self.published),
            "crawled": iso(self.crawled),
            "language": self.language,
            "score": round(self.score, 4),
            "snippet": self.snippet,
        }
        if self.hybrid is not None:
            d["hybrid"] = round(self.hybrid, 4)
        if self.duplicates is not None:
            d["duplicates"] = list(self.duplicates)
        return d


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What to search for. `query` None or "" with filters: every article passing them."""

    query: str | None = None
    sources: tuple[str, ...] = ()  # OR; case-, umlaut-insensitive exact names
    since: date | None = None  # inclusive
    until: date | None = None  # inclusive
    language: str | None = None  # "de" | "en"
    sort: str = "relevance"  # "relevance" | "newest" | "oldest" | "hybrid"
    # --sort hybrid: score * 0.5 ** (age in days / half_life_days)
    half_life_days: float = 2 * 365.25
    limit: int | None = 10  # None: all
    offset: int = 0
    collapse: bool = False  # each cluster of near-copies once (limit, offset and total count clusters)
    cross_language: bool = False  # -x: each word and phrase also through its glossary translations
    glossary: str | None = None  # with cross_language: a file of the user's own entries


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Hits of one search plus what the CLI needs around them."""

    total: int  # all matching articles, not just the returned page
    hits: tuple[Hit, ...]
    archive: str  # absolute archive root the index was built from
    suggestion: str | None = None  # "Did you mean" text when nothing matched
