"""matching.scored finds the documents Whoosh's own search finds, with the same
scores, for every kind of query the compiler builds (translated by the
engine's reader); on an index of several segments, one with deleted documents,
and with filters."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.corpus import PHRASE, generate
from egovsearch.core.models import SearchRequest
from egovsearch.engine import nodes
from egovsearch.engine import scoring as matching
from egovsearch.engine.search import open_reader
from egovsearch.engine.store import open_index
from egovsearch.engine.writer import update_index
from egovsearch.query import run as search
from egovsearch.query.compile import compile_request
from egovsearch.query.snippets import match_spans


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("matching")
    archive, index = root / "archive", root / "index"
    generate(500, archive, seed=5)
    update_index(archive, index, jobs=1)
    pages = sorted(archive.rglob("*.txt"))
    for page in pages[::7]:  # deleted documents in the first segment
        page.unlink()
    for page in [p for p in pages[1::50] if p.exists()]:  # and changed ones in a second
        page.write_bytes(page.read_bytes().replace(b"the", b"the the", 1))
    shutil.copyfile(pages[2], archive / "copy_00000000000000ff.txt")
    update_index(archive, index, jobs=1)
    assert len(open_index(index)._segments()) >= 2
    return index


@contextmanager
def _whoosh(ix: Path, request: SearchRequest) -> Iterator[tuple[Any, Any, Any]]:
    """(searcher, query, filter): the request compiled, and its nodes as the
    engine's reader translates them to Whoosh queries."""
    with open_reader(ix) as reader:
        q, flt = compile_request(ix, request).runnable()
        yield reader._s, reader._query(q), (reader._query(flt) if flt is not None else None)


QUERIES = [
    "services", "Verwaltung", "digital portal", "digital OR portal", "services NOT digital",
    "NOT services", "services OR NOT digital", f'"{PHRASE}"', f'"{PHRASE}" OR Verwaltung',
    "E-Government", "servic*", "title:services", "source:ZDNet services", "published:[2015 TO 2020] digital",
    "(digital OR Verwaltung) AND NOT portal", "Behörde", "Bürger", "government cloud",
]


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("language", [None, "de"])
def test_same_documents_and_scores_as_whoosh(ix: Path, text: str, language: str | None) -> None:
    with _whoosh(ix, SearchRequest(text, language=language)) as (s, q, flt):
        whoosh = {hit.docnum: hit.score for hit in s.search(q, limit=None, filter=flt)}
        allow = set(s.docs_for_query(flt)) if flt is not None else None
        total, ours = matching.scored(s, q, allow)
        assert total == len(ours)
        assert matching.scored(s, q, allow, limit=5) == (total, ours[:5])
    assert {d for _, d in ours} == set(whoosh), text
    for score, d in ours:
        assert math.isclose(score, whoosh[d], rel_tol=1e-12), (text, d)
    assert ours == sorted(ours, key=lambda item: (-item[0], item[1]))
    if language is None and text not in ("NOT services", "servic*"):
        assert ours, text  # the query finds something in the generated archive


def test_search_ranks_as_whoosh_did(ix: Path) -> None:
    """search() with the scored path: the ranked ids of Whoosh's search."""
    for text in ("services", "digital OR portal", f'"{PHRASE}"'):
        result = search.search(ix, SearchRequest(text, limit=10))
        with _whoosh(ix, SearchRequest(text)) as (s, q, _):
            # (Whoosh's optimised top-N search skips blocks by an estimate that can
            # lose documents; the exact ranking is the unlimited one.)
            every = s.search(q, limit=None)
            expected = [s.stored_fields(hit.docnum)["id"] for hit in list(every)[:10]]
            total = len(every)
        assert [h.id for h in result.hits] == expected, text
        assert result.total == total > 10, text


def _match_spans_reference(text: str, lang: str, terms: set[str]) -> list[tuple[int, int]]:
    """snippets.match_spans before its first-letter pre-check: analyse every word."""
    from egovsearch.engine.analysis import WORD_RE, analysis

    ana = analysis(lang)
    out: list[tuple[int, int]] = []
    for m in WORD_RE.finditer(text):
        word = m.group()
        if "-" in word or "\u2010" in word or "\u2011" in word:
            out += [(a + m.start(), b + m.start()) for a, b, ts in ana.spans(word) if terms.intersection(ts)]
        elif terms.intersection(ana.word_terms(word)):
            out.append((m.start(), m.end()))
    return out


WORDS = ["Behörde", "Behoerde", "BEHORDE", "Äpfel", "Ärger", "Übersicht", "Uebersicht", "ßtraße", "Straße",
         "İstanbul", "éclair", "Eclair", "services", "Services", "shared", "E-Government", "2020", "x"]


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12), st.lists(st.sampled_from(WORDS), max_size=3),
       st.sampled_from(["en", "de"]))
def test_snippet_marks_are_those_of_every_word_analysed(words: list[str], query: list[str], lang: str) -> None:
    from egovsearch.engine.analysis import analysis

    text = " ".join(words)
    terms = {t for w in query for t in analysis(lang).query_terms(w)}
    assert match_spans(text, lang, terms) == _match_spans_reference(text, lang, terms)


@pytest.mark.parametrize("text", ["services", "digital OR portal", f'"{PHRASE}"', "NOT services"])
@pytest.mark.parametrize("newest", [True, False])
def test_date_order_is_that_of_whoosh_sorting(ix: Path, text: str, newest: bool) -> None:
    """by_date orders as Whoosh's sorting collector did: dated first (newest or
    oldest first), undated last, equal dates in index order."""
    from whoosh import sorting

    with open_reader(ix) as reader:
        s = reader._s
        q = reader._query(compile_request(ix, SearchRequest(text)).runnable()[0])
        dated = sorting.QueryFacet({0: reader._query(nodes.DateRange(None, None))}, other=1)
        facets = [dated, sorting.FieldFacet("published", reverse=newest)]
        whoosh = [hit.docnum for hit in s.search(q, limit=None, sortedby=facets)]
        found = matching.matches(s, q)
        ours = [d for _, d in matching.by_date(s, found, newest)]
        assert matching.by_date(s, found, newest, limit=7) == matching.by_date(s, found, newest)[:7]
        published = [s.stored_fields(d).get("published") for d in ours]
    assert ours == whoosh, text
    assert None in published and published[-1] is None  # the archive has undated pages
