"""Exploring the index: stats, sources, timelines, single articles, similar
articles and export.

Every function runs through the same reader (``engine.search``) and query
runner (``query.run``) as ``search``, returns plain records, and closes the
index before returning (``export`` before yielding its first article).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from egovsearch.core.archive import parse_file
from egovsearch.core.copies import Copies, Copy
from egovsearch.core.errors import AmbiguousId, ArticleNotFound, EgovsearchError, shown
from egovsearch.core.models import Article, SearchRequest, SearchResult
from egovsearch.core.reports import IndexStats, SourceCount, Timeline
from egovsearch.engine import nodes as n
from egovsearch.engine.analysis import analysis
from egovsearch.engine.schema import int_to_date
from egovsearch.engine.scoring import best_first
from egovsearch.engine.search import Reader, Stored, open_reader
from egovsearch.engine.store import index_bytes, read_meta
from egovsearch.query.compile import compile_request
from egovsearch.query.run import CopyKeys, first_of_each, hit, matching, with_short_ids

SIMILAR_TERMS = 25  # key terms of the reference article that make the similarity query


def stats(index_dir: Path) -> IndexStats:
    """What the index holds."""
    meta = read_meta(index_dir)
    with open_reader(index_dir) as r:
        copies = r.copies()
        langs: Counter[str] = Counter()
        sources: set[str] = set()
        dates: list[int] = []
        count = 0
        for source, published, lang in r.columns():
            count += 1
            langs[lang] += 1
            if source:
                sources.add(source)
            if published:
                dates.append(published)
    return IndexStats(articles=count, languages=dict(sorted(langs.items())), sources=len(sources),
                      published_min=int_to_date(min(dates)) if dates else None,
                      published_max=int_to_date(max(dates)) if dates else None,
                      index_bytes=index_bytes(index_dir), built_at=meta.built_at, archive=meta.archive,
                      copy_clusters=len(copies), copied_articles=copies.articles)


def sources(index_dir: Path, request: SearchRequest | None = None) -> list[SourceCount]:
    """Every publication with its article count and first/last date, most articles first.

    With a `request` (a query or filters), only its matching articles count,
    and the dates are theirs: the facets of a search. Publications none of
    them is from are left out, as are articles without a source."""
    with open_reader(index_dir) as r:
        rows = (((src, pub) for src, pub, _ in r.columns()) if request is None
                else _matching_columns(r, index_dir, request))
        count: Counter[str] = Counter()
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for source, published in rows:
            if not source:
                continue
            count[source] += 1
            if published:
                first[source] = min(first.get(source, published), published)
                last[source] = max(last.get(source, published), published)
    return [SourceCount(src, n, int_to_date(first.get(src)), int_to_date(last.get(src)))
            for src, n in sorted(count.items(), key=lambda kv: (-kv[1], kv[0].lower()))]


def _matching_columns(r: Reader, index_dir: Path, request: SearchRequest) -> Iterator[tuple[str | None, int]]:
    """(source, published yyyymmdd or 0) of every article matching `request`.

    From the columns, not the stored fields (~20 against ~100 us an article,
    measured on 1,500): `columns` reads every live document in document-number
    order, the order `Every` matches them in, so the two zip (strictly: a
    difference in length is a bug, not a wrong count)."""
    wanted = set(matching(r, index_dir, request))
    if not wanted:
        return
    every = sorted(docnum for _, docnum in r.matches(n.Every()))
    for docnum, (source, published, _lang) in zip(every, r.columns(), strict=True):
        if docnum in wanted:
            yield source, published


def _period_number(d: date, by: str) -> int:
    """A period as a number that counts up by one per period: the year,
    12 * year + month - 1, or the ISO week's Monday as weeks since 0001-01-01
    (a Monday, so consecutive weeks are consecutive numbers)."""
    if by == "year":
        return d.year
    if by == "month":
        return d.year * 12 + d.month - 1
    return (d.toordinal() - 1) // 7


def _period_label(number: int, by: str) -> str:
    """2024, 2024-03, or the ISO week 2024-W12 (whose year may differ from its Monday's)."""
    if by == "year":
        return f"{number:04d}"
    if by == "month":
        return f"{number // 12:04d}-{number % 12 + 1:02d}"
    year, week, _ = date.fromordinal(number * 7 + 1).isocalendar()
    return f"{year:04d}-W{week:02d}"


def _value_period(v: int, by: str) -> int:
    """The period of a yyyymmdd column value (year and month by arithmetic: no date objects)."""
    if by == "year":
        return v // 10000
    if by == "month":
        return v // 10000 * 12 + v // 100 % 100 - 1
    return _period_number(date(v // 10000, v // 100 % 100, v % 100), by)


def timeline(index_dir: Path, request: SearchRequest, by: str = "year") -> Timeline:
    """Matching articles per year, month or ISO week; undated ones counted apart.

    Every period from the first to the last with a dated hit is listed, those
    without any as 0 (a chart and a spreadsheet then show the gaps); the
    request's `since` and `until`, when given, are the ends instead (both
    given: every period between them, even when nothing matched).
    """
    with open_reader(index_dir) as r:
        counts: Counter[int] = Counter()
        undated = 0
        found = matching(r, index_dir, request)
        dates = r.published(found)
        if request.collapse:
            dates = _cluster_dates(CopyKeys(r).keys(found), dates)
        for v in dates:
            if v:
                counts[_value_period(v, by)] += 1
            else:
                undated += 1
    lo = _period_number(request.since, by) if request.since else min(counts, default=None)
    hi = _period_number(request.until, by) if request.until else max(counts, default=None)
    rows: tuple[tuple[str, int], ...] = ()  # (one end given and nothing dated found: no rows)
    if lo is not None and hi is not None:
        rows = tuple((_period_label(p, by), counts[p]) for p in range(lo, hi + 1))
    return Timeline(periods=rows, undated=undated, total=sum(counts.values()) + undated)


def _cluster_dates(keys: list[int], dates: list[int]) -> list[int]:
    """One date (yyyymmdd, 0 when undated) per cluster of near-copies among
    documents (their `keys`: ``CopyKeys``): its earliest dated member's."""
    earliest: dict[int, int] = {}
    for key, v in zip(keys, dates, strict=True):
        if key not in earliest:
            earliest[key] = v
        elif v and (not earliest[key] or v < earliest[key]):
            earliest[key] = v
    return list(earliest.values())


@dataclass(frozen=True, slots=True)
class _Ref:
    docnum: int
    stored: Stored
    paths: tuple[str, ...]  # every indexed path with this article's id (copies), this one first


def _ref(r: Reader, docnum: int) -> _Ref:
    stored = r.stored(docnum)
    others = [r.stored(d).path for d in r.docs_with_id(stored.id) if d != docnum]
    return _Ref(docnum, stored, (stored.path, *others))


def _resolve(r: Reader, ref: str) -> _Ref:
    """An article by id, unique id prefix, or path (relative to the archive or absolute).

    Byte-identical copies (the same id in two files) are one article: its
    record names every path.
    """
    missing = ArticleNotFound(f"no article with the id or path '{shown(ref)}'")
    if not ref.strip():
        raise missing
    rel = ref
    if os.path.isabs(ref) and r.archive:
        rel = os.path.relpath(ref, r.archive)
    docnum = r.document_number(rel.replace(os.sep, "/"))
    if docnum is not None:
        return _ref(r, docnum)
    key = ref.lower()
    if any(ch not in "0123456789abcdef" for ch in key):
        raise missing
    ids = r.ids_with_prefix(key)  # the id lexicon is sorted: a seek, then the ids with that prefix
    if not ids:
        raise missing
    if len(ids) > 1:
        raise AmbiguousId(ref, ids)
    return _ref(r, r.docs_with_id(ids[0])[0])


def _read(archive: str, rel: str) -> Article:
    try:
        return parse_file(os.path.join(archive, rel), archive)
    except EgovsearchError as e:
        raise ArticleNotFound(f"the file of this article cannot be read any more ({e}); "
                              "run 'egovsearch index'") from None


def article(index_dir: Path, ref: str, highlight: str | None = None
            ) -> tuple[Article, tuple[tuple[int, int], ...], tuple[str, ...], tuple[Copy, ...]]:
    """The whole article, spans of `highlight`'s terms in its body, its
    absolute paths (the one asked for first, then any byte-identical copies:
    the same id), and its near-copies: the other members of its cluster, the
    cluster's first member first, each with its resemblance to that member."""
    with open_reader(index_dir) as r:
        found = _resolve(r, ref)
        art = _read(r.archive, found.stored.path)
        marks: tuple[tuple[int, int], ...] = ()
        if highlight:
            from egovsearch.query.snippets import match_spans

            terms = compile_request(index_dir, SearchRequest(query=highlight)).terms_of(art.language)
            marks = tuple(match_spans(art.body, art.language, terms))
        archive = r.archive
        cluster = r.copies().cluster_of(found.stored.id)
    copies = cluster.others(found.stored.id) if cluster is not None else ()
    return art, marks, tuple(os.path.join(archive, p) for p in found.paths), copies


def similar(index_dir: Path, ref: str, limit: int = 10) -> SearchResult:
    """Articles most like the given one: its key terms (tf-idf) as a ranked OR query."""
    with open_reader(index_dir) as r:
        found = _resolve(r, ref)
        art = _read(r.archive, found.stored.path)
        lang = found.stored.language
        fname = f"body_{lang}"
        poses, _ = analysis(lang).postings(art.body)
        total = r.doc_count()
        weighted = []
        for term, plist in poses.items():
            df = r.doc_frequency(fname, term)
            if df > 1 and len(term) > 2 and not term.isdigit():
                weighted.append((len(plist) * math.log(total / df), term))
        top = sorted(weighted, reverse=True)[:SIMILAR_TERMS]
        if not top:
            return SearchResult(total=0, hits=(), archive=r.archive)
        best = top[0][0]
        query = n.AnyOf(tuple(n.Term(fname, t, boost=w / best) for w, t in top))
        others = [(score, d) for score, d in r.matches(query) if d != found.docnum]
        terms = {lang: frozenset(t for _, t in top)}
        hits = with_short_ids(r, tuple(hit(r, d, score, terms) for score, d in best_first(others, limit)))
        return SearchResult(total=len(others), hits=hits, archive=r.archive)


def export(index_dir: Path, request: SearchRequest) -> Iterator[Article]:
    """Every matching article with its body, read from the archive, in path order.

    With `request.collapse`, each cluster of near-copies once: its first
    matching member in path order, with the ids of the others as `duplicates`."""
    with open_reader(index_dir) as r:
        found = matching(r, index_dir, request)
        rows = sorted(zip(r.paths(found), found, strict=True))
        copies: Copies | None = None
        if request.collapse:
            keys = CopyKeys(r)
            copies = keys.copies
            rows = [rows[i] for i in first_of_each(keys.keys([d for _, d in rows]))]
        archive = r.archive
    for rel, _ in rows:
        try:
            art = parse_file(os.path.join(archive, rel), archive)
        except EgovsearchError:
            continue  # gone since indexing; `egovsearch doctor` reports it
        if copies is not None:
            cluster = copies.cluster_of(art.id)
            art = replace(art, duplicates=tuple(m.id for m in cluster.others(art.id))
                          if cluster is not None else ())
        yield art
