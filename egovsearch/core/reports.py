"""Frozen records about the index: what an index run did, what the index holds.
Their fields are the JSON/CSV contract (see ``models``, which holds the
article and search records a query needs; these stay off its start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from egovsearch.core.models import iso


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not indexed, and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one `egovsearch index` run did."""

    added: int
    updated: int
    renamed: int
    removed: int
    unchanged: int
    skipped: tuple[Skipped, ...]
    seconds: float
    rebuilt: bool = False
    repaired: tuple[str, ...] = ()  # side files rewritten because they were missing or garbled
    cleaned: int = 0  # leftover files of earlier killed or failed runs, removed


@dataclass(frozen=True, slots=True)
class IndexStats:
    """What `egovsearch stats` reports. Field names are the JSON keys."""

    articles: int
    languages: dict[str, int]
    sources: int
    published_min: date | None
    published_max: date | None
    index_bytes: int
    built_at: str | None  # ISO 8601 timestamp (UTC) of the last commit
    archive: str | None
    copy_clusters: int = 0  # clusters of near-copies (core.copies)
    copied_articles: int = 0  # articles in one of them

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "languages": dict(self.languages),
            "sources": self.sources,
            "published_min": iso(self.published_min),
            "published_max": iso(self.published_max),
            "index_bytes": self.index_bytes,
            "built_at": self.built_at,
            "archive": self.archive,
            "copy_clusters": self.copy_clusters,
            "copied_articles": self.copied_articles,
        }


@dataclass(frozen=True, slots=True)
class SourceCount:
    """One publication in `egovsearch sources`."""

    source: str
    count: int
    first: date | None
    last: date | None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "count": self.count, "first": iso(self.first), "last": iso(self.last)}


@dataclass(frozen=True, slots=True)
class Timeline:
    """Matching articles per period ("YYYY" or "YYYY-MM"); undated ones apart."""

    periods: tuple[tuple[str, int], ...]
    undated: int
    total: int


@dataclass(frozen=True, slots=True)
class SourceRepairs:
    """The repairs of one publication's articles (`doctor`)."""

    source: str | None  # None: articles whose source line was unreadable
    articles: int  # the publication's articles in the index
    repaired: int  # of them, those that needed at least one repair
    counts: tuple[tuple[str, int], ...]  # (kind, repairs) summed over them, by kind

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "articles": self.articles, "repaired": self.repaired,
                "counts": dict(self.counts)}


@dataclass(frozen=True, slots=True)
class Repairs:
    """What the reader repaired in the indexed articles (Article.repairs), summed."""

    repaired: int  # articles that needed at least one repair
    counts: tuple[tuple[str, int], ...]  # (kind, repairs) over all articles, by kind
    # The publications with at least one repaired article: most repairs first
    # (then most repaired articles, then by name).
    by_source: tuple[SourceRepairs, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"recorded": True, "repaired": self.repaired, "counts": dict(self.counts),
                "by_source": [s.to_dict() for s in self.by_source]}


@dataclass(frozen=True, slots=True)
class Health:
    """How the index compares with the archive (`egovsearch doctor`)."""

    archive: str
    articles: int
    missing: tuple[str, ...]  # in the archive, not in the index
    stale: tuple[str, ...]  # changed since indexing
    orphaned: tuple[str, ...]  # in the index, gone from the archive
    skipped: int
    # The index's side files that are missing or garbled ("vocab-de.tsv",
    # "manifest.json"): 'egovsearch index' rebuilds them.
    damaged: tuple[str, ...] = ()
    # None: not recorded (an index built before repairs were counted), never zeros.
    repairs: Repairs | None = None
    # The schema version of an index built by another version of egovsearch
    # (it needs a rebuild): its files are then not compared (missing, stale,
    # orphaned and skipped are null in JSON), its repairs not recorded.
    outdated: int | None = None

    @property
    def in_sync(self) -> bool:
        return not (self.missing or self.stale or self.orphaned or self.damaged or self.outdated is not None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of `doctor -f json`: the verdict first, then the lists."""
        compared = self.outdated is None
        return {"archive": self.archive, "articles": self.articles, "in_sync": self.in_sync,
                "outdated": self.outdated is not None,
                "missing": list(self.missing) if compared else None,
                "stale": list(self.stale) if compared else None,
                "orphaned": list(self.orphaned) if compared else None,
                "damaged": list(self.damaged), "skipped": self.skipped if compared else None,
                "repairs": self.repairs.to_dict() if self.repairs is not None else {"recorded": False}}
