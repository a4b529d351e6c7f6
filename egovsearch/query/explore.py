"""Exploring the index: stats, sources, timelines, single articles, similar
articles, export, and the index-versus-archive check behind ``doctor``.

Like ``search``, every function returns plain records and closes its searcher
before returning.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egovsearch.engine import boot as _whoosh  # noqa: F401  (first: trims Whoosh start-up)

# isort: split
from whoosh import query as wq

from egovsearch.core.archive import article_id, parse_file
from egovsearch.core.errors import AmbiguousId, ArticleNotFound, EgovsearchError
from egovsearch.core.models import Article, SearchRequest, SearchResult
from egovsearch.core.reports import IndexStats, SourceCount, Timeline
from egovsearch.engine.analysis import analysis
from egovsearch.engine.schema import int_to_date
from egovsearch.engine.scoring import best_first, matches
from egovsearch.engine.store import index_bytes, read_meta
from egovsearch.query.run import _hit, _searcher, compile_request, match_spans

SIMILAR_TERMS = 25  # key terms of the reference article that make the similarity query


def _date_value(v: int | None) -> int:
    """A published column value, 0 for undated (Whoosh fills gaps with 2**32-1)."""
    return v if v and v <= 99991231 else 0


def _columns(s: Any) -> Iterator[tuple[str | None, int, str]]:
    """(source, published yyyymmdd or 0, language) of every live document."""
    reader = s.reader()
    src = reader.column_reader("source") if reader.has_column("source") else None
    pub = reader.column_reader("published")
    lang = reader.column_reader("language")
    for docnum in reader.all_doc_ids():
        source = src[docnum] if src is not None else None
        yield (source or None), _date_value(pub[docnum]), lang[docnum]


def stats(index_dir: Path) -> IndexStats:
    """What the index holds."""
    meta = read_meta(index_dir)
    with _searcher(index_dir) as (s, _):
        langs: Counter[str] = Counter()
        sources: set[str] = set()
        dates: list[int] = []
        n = 0
        for source, published, lang in _columns(s):
            n += 1
            langs[lang] += 1
            if source:
                sources.add(source)
            if published:
                dates.append(published)
    return IndexStats(articles=n, languages=dict(sorted(langs.items())), sources=len(sources),
                      published_min=int_to_date(min(dates)) if dates else None,
                      published_max=int_to_date(max(dates)) if dates else None,
                      index_bytes=index_bytes(index_dir), built_at=meta.built_at, archive=meta.archive)


def sources(index_dir: Path) -> list[SourceCount]:
    """Every publication with its article count and first/last date, most articles first."""
    with _searcher(index_dir) as (s, _):
        count: Counter[str] = Counter()
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for source, published, _lang in _columns(s):
            if not source:
                continue
            count[source] += 1
            if published:
                first[source] = min(first.get(source, published), published)
                last[source] = max(last.get(source, published), published)
    return [SourceCount(src, n, int_to_date(first.get(src)), int_to_date(last.get(src)))
            for src, n in sorted(count.items(), key=lambda kv: (-kv[1], kv[0].lower()))]


def timeline(index_dir: Path, request: SearchRequest, by: str = "year") -> Timeline:
    """Matching articles per year or month; undated ones counted apart."""
    width = 4 if by == "year" else 6
    with _searcher(index_dir) as (s, _):
        c = compile_request(s, index_dir, request)
        q, flt = c.runnable()
        docnums = s.search(q, filter=flt, limit=None, scored=False, terms=False).docs()
        pub = s.reader().column_reader("published")
        periods: Counter[str] = Counter()
        undated = 0
        for d in docnums:
            v = _date_value(pub[d])
            if v:
                key = str(v)[:width]
                periods[key if by == "year" else f"{key[:4]}-{key[4:]}"] += 1
            else:
                undated += 1
    rows = tuple(sorted(periods.items()))
    return Timeline(periods=rows, undated=undated, total=sum(periods.values()) + undated)


@dataclass(frozen=True, slots=True)
class _Ref:
    docnum: int
    fields: dict[str, Any]


def _resolve(s: Any, archive: str, ref: str) -> _Ref:
    """An article by id, unique id prefix, or path (relative to the archive or absolute)."""
    rel = ref
    if os.path.isabs(ref) and archive:
        rel = os.path.relpath(ref, archive)
    docnum = s.document_number(path=rel.replace(os.sep, "/"))
    if docnum is not None:
        return _Ref(docnum, s.stored_fields(docnum))
    key = ref.lower()
    if not key or any(ch not in "0123456789abcdef" for ch in key):
        raise ArticleNotFound(f"no article with the id or path '{ref}'")
    # Ids come from file names: scan the path lexicon (no separate id field).
    matches: dict[str, list[str]] = {}
    for raw in s.lexicon("path"):
        path = raw.decode("utf-8")
        aid = article_id(path)
        if aid.startswith(key):
            matches.setdefault(aid, []).append(path)
    if not matches:
        raise ArticleNotFound(f"no article with the id or path '{ref}'")
    if len(matches) > 1:
        raise AmbiguousId(ref, sorted(matches))
    paths = next(iter(matches.values()))
    if len(paths) > 1:  # the same page stored twice: name both paths
        raise AmbiguousId(ref, sorted(paths))
    docnum = s.document_number(path=paths[0])
    return _Ref(docnum, s.stored_fields(docnum))


def _read(archive: str, rel: str) -> Article:
    try:
        return parse_file(os.path.join(archive, rel), archive)
    except EgovsearchError as e:
        raise ArticleNotFound(f"the file of this article cannot be read any more ({e}); "
                              "run 'egovsearch index'") from None


def article(index_dir: Path, ref: str, highlight: str | None = None
            ) -> tuple[Article, tuple[tuple[int, int], ...], str]:
    """The whole article, spans of `highlight`'s terms in its body, and its absolute path."""
    with _searcher(index_dir) as (s, archive):
        r = _resolve(s, archive, ref)
        art = _read(archive, r.fields["path"])
        marks: tuple[tuple[int, int], ...] = ()
        if highlight:
            c = compile_request(s, index_dir, SearchRequest(query=highlight))
            marks = tuple(match_spans(art.body, art.language, c.terms.get(art.language, set())))
    return art, marks, os.path.join(archive, r.fields["path"])


def similar(index_dir: Path, ref: str, limit: int = 10) -> SearchResult:
    """Articles most like the given one: its key terms (tf-idf) as a ranked OR query."""
    with _searcher(index_dir) as (s, archive):
        r = _resolve(s, archive, ref)
        art = _read(archive, r.fields["path"])
        lang = r.fields.get("language", "en")
        fname = f"body_{lang}"
        poses, _ = analysis(lang).postings(art.body)
        n = s.doc_count()
        weighted = []
        for term, plist in poses.items():
            df = s.doc_frequency(fname, term)
            if df > 1 and len(term) > 2 and not term.isdigit():
                weighted.append((len(plist) * math.log(n / df), term))
        top = sorted(weighted, reverse=True)[:SIMILAR_TERMS]
        if not top:
            return SearchResult(total=0, hits=(), archive=archive)
        best = top[0][0]
        q = wq.Or([wq.Term(fname, t, boost=w / best) for w, t in top])
        found = [(score, d) for score, d in matches(s, q) if d != r.docnum]
        c = compile_request(s, index_dir, SearchRequest())
        c.terms[lang] = {t for _, t in top}
        hits = tuple(_hit(s, d, score, archive, c) for score, d in best_first(found, limit))
        return SearchResult(total=len(found), hits=hits, archive=archive)


def export(index_dir: Path, request: SearchRequest) -> Iterator[Article]:
    """Every matching article with its body, read from the archive, in path order."""
    with _searcher(index_dir) as (s, archive):
        c = compile_request(s, index_dir, request)
        q, flt = c.runnable()
        paths = sorted(s.stored_fields(d)["path"]
                       for d in s.search(q, filter=flt, limit=None, scored=False, terms=False).docs())
    for rel in paths:
        try:
            yield parse_file(os.path.join(archive, rel), archive)
        except EgovsearchError:
            continue  # gone since indexing; `egovsearch doctor` reports it
