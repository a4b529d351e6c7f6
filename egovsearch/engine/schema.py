"""The Whoosh schema: the one place that names the index's fields.

Text is indexed once, in the article's own language field ``body_<lang>``;
occurrences in the title sentence and the lead weigh more (``LangText``). The
body is not stored: snippets and ``show`` re-read the archive file (README,
design notes, has the figures).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from whoosh.columns import BitColumn
from whoosh.fields import ID, NUMERIC, STORED, Schema

from egovsearch.core.models import Article
from egovsearch.core.textfold import fold_name
from egovsearch.engine.analysis import LANGUAGES, LangText


def build_schema() -> Schema:
    fields: dict[str, Any] = {
        "path": ID(stored=True, unique=True),  # the unique key: ids may repeat (copies)
        # Derived from the path; indexed (one term) so that its lexicon is the sorted
        # id list: id prefixes resolve and the table's shortest unique prefixes are
        # found with one seek each. Copies of a page share an id. A column too:
        # --collapse reads the ids of every match (~5 us a document against
        # ~22-40 us for its stored fields; 16 bytes an article).
        "id": ID(stored=True, sortable=True),
        "title": STORED(),
        "source": ID(stored=True, sortable=True),  # display name, for facets
        "source_key": ID(),  # folded name, for case/umlaut-insensitive filters
        "language": ID(stored=True, sortable=True),
        # yyyymmdd; shift_step=16 indexes 2 terms per value instead of 8 (smaller
        # index; a range query then walks at most a few thousand day terms).
        "published": NUMERIC(int, bits=32, signed=False, stored=True, sortable=True, shift_step=16),
        "crawled": STORED(),
        "fp": STORED(),  # "size mtime_ns hash": lets the manifest be rebuilt from the index
        # What the reader repaired ("entities=3 mojibake=2"); only on articles that needed it.
        "repairs": Repairs(),
    }
    for lang in LANGUAGES:
        fields[f"body_{lang}"] = LangText(lang)
    return Schema(**fields)


class Repairs(STORED):  # type: ignore[misc]
    """A stored field whose documents are also marked in a bit column (a bit per
    document, ~2.5 KB per 20,000): doctor finds the repaired articles there and
    reads the stored fields of those only (reading all 20,000 costs 0.19 s CPU)."""

    def __init__(self) -> None:
        self.column_type = BitColumn()

    def to_column_value(self, value: Any) -> bool:
        return True  # (only documents holding the field reach the column)

    def from_column_value(self, value: Any) -> bool:
        return bool(value)


def pack_repairs(repairs: tuple[tuple[str, int], ...]) -> str:
    """Article.repairs as stored: "kind=n" words, in the record's (kind) order."""
    return " ".join(f"{kind}={n}" for kind, n in repairs)


def unpack_repairs(stored: str) -> tuple[tuple[str, int], ...]:
    """The stored repairs back as (kind, count) pairs; a word that does not read is dropped."""
    out = []
    for word in stored.split():
        kind, _, n = word.rpartition("=")
        if kind and n.isdigit():
            out.append((kind, int(n)))
    return tuple(out)


def date_to_int(d: date | None) -> int | None:
    return d.year * 10000 + d.month * 100 + d.day if d is not None else None


def int_to_date(n: int | None) -> date | None:
    if not n:
        return None
    try:
        return date(n // 10000, n // 100 % 100, n % 100)
    except ValueError:
        return None


def document(article: Article, fp: str) -> dict[str, Any]:
    """The Whoosh document of an article; unknown fields are left out, never invented."""
    lang = article.language if article.language in LANGUAGES else "en"
    lead_end = article.body.find("\n\n")
    title_end = len(article.title.rstrip("…"))
    doc: dict[str, Any] = {
        "path": article.path,
        "id": article.id,
        "title": article.title,
        "language": lang,
        "fp": fp,
        f"body_{lang}": (article.body, title_end, lead_end if lead_end >= 0 else len(article.body)),
    }
    if article.source:
        doc["source"] = article.source
        doc["source_key"] = fold_name(article.source)
    if article.published:
        doc["published"] = date_to_int(article.published)
    if article.crawled:
        doc["crawled"] = date_to_int(article.crawled)
    if article.repairs:  # left out for a clean page: the index does not grow
        doc["repairs"] = pack_repairs(article.repairs)
    return doc
