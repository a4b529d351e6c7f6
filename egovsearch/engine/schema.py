"""The Whoosh schema: the one place that names the index's fields.

Text is indexed once, in the article's own language field ``body_<lang>``;
occurrences in the title sentence and the lead weigh more (``LangText``). The
body is not stored: snippets and ``show`` re-read the archive file (README,
design notes, has the figures).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from whoosh.fields import ID, NUMERIC, STORED, Schema

from egovsearch.core.models import Article
from egovsearch.core.textfold import fold_name
from egovsearch.engine.analysis import LANGUAGES, LangText


def build_schema() -> Schema:
    fields: dict[str, Any] = {
        "path": ID(stored=True, unique=True),  # the unique key: ids may repeat (copies)
        # Derived from the path; indexed (one term) so that its lexicon is the sorted
        # id list: id prefixes resolve and the table's shortest unique prefixes are
        # found with one seek each. Copies of a page share an id.
        "id": ID(stored=True),
        "title": STORED(),
        "source": ID(stored=True, sortable=True),  # display name, for facets
        "source_key": ID(),  # folded name, for case/umlaut-insensitive filters
        "language": ID(stored=True, sortable=True),
        # yyyymmdd; shift_step=16 indexes 2 terms per value instead of 8 (smaller
        # index; a range query then walks at most a few thousand day terms).
        "published": NUMERIC(int, bits=32, signed=False, stored=True, sortable=True, shift_step=16),
        "crawled": STORED(),
        "fp": STORED(),  # "size mtime_ns hash": lets the manifest be rebuilt from the index
    }
    for lang in LANGUAGES:
        fields[f"body_{lang}"] = LangText(lang)
    return Schema(**fields)


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
    return doc
