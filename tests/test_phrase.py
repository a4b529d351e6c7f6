"""matching.FastPhrase finds exactly what Whoosh's Phrase finds, with the same
scores and spans: on posting lists of several blocks (Whoosh writes 128
postings a block), one-posting lists (stored inline), segments with deleted
documents, gaps for stop words, repeated words and three-word phrases."""

from __future__ import annotations

from pathlib import Path

import pytest
from indexing_support import page, write_page

from egovsearch.core.models import SearchRequest
from egovsearch.engine import scoring as matching
from egovsearch.engine.store import open_index
from egovsearch.engine.writer import update_index
from egovsearch.query import run as search


# Paragraph of page i: every page says "services"; some say "shared services",
# some "shared" away from it, some with a stop word between, one alone says
# "unique shared phrase" (a one-posting word).
def _text(i: int) -> str:
    words = ["Officials", "reviewed", "the", "services", "of", "department", str(i % 7)]
    if i % 37 == 0:
        words += ["and", "shared", "services", "shared", "services", "again"]
    elif i % 11 == 0:
        words += ["and", "shared", "the", "services"]
    elif i % 13 == 0:
        words += ["services", "were", "shared"]
    if i == 250:
        words += ["a", "unique", "shared", "phrase", "services", "services"]
    return " ".join(words) + "."


PHRASES = ["shared services", "shared the services", "services services", "unique shared phrase",
           "shared services shared", "department services", "were shared", "reviewed the services"]


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("phrase")
    archive, index = root / "archive", root / "index"
    for i in range(600):
        write_page(archive, f"{i:03d}_{i:016x}.txt", page(f"Report {i}.", _text(i)))
    update_index(archive, index, jobs=1)
    for i in range(0, 600, 9):  # deletions in the written segment
        (archive / f"{i:03d}_{i:016x}.txt").unlink()
    for i in range(600, 700):  # and a second segment
        write_page(archive, f"{i:03d}_{i:016x}.txt", page(f"Report {i}.", _text(i)))
    update_index(archive, index, jobs=1)
    return index


def _run(index: Path, query: object) -> tuple[list[tuple[int, float, list[tuple[int, int]]]], list[tuple[int, float]]]:
    """Per segment: (docnum, score, spans) of every match; and the ranked hits of a search."""
    with open_index(index).searcher() as s:
        matches = []
        for sub, offset in s.leaf_searchers():
            m = query.matcher(sub)  # type: ignore[attr-defined]
            while m.is_active():
                matches.append((offset + m.id(), m.score(), sorted((sp.start, sp.end) for sp in m.spans())))
                m.next()
        ranked = [(r.docnum, r.score) for r in s.search(query, limit=None)]
    return matches, ranked


@pytest.mark.parametrize("text", PHRASES)
@pytest.mark.parametrize("slop", [1, 2, 3])
def test_same_matches_scores_and_spans_as_whoosh(ix: Path, text: str, slop: int) -> None:
    from whoosh.query import Phrase

    from egovsearch.engine.analysis import analysis

    words = [ts[-1] for ts in analysis("en").phrase_terms(text) if ts]
    fast = _run(ix, matching.FastPhrase("body_en", words, slop=slop))
    assert fast == _run(ix, Phrase("body_en", words, slop=slop))


def test_counts_through_search(ix: Path) -> None:
    def total(q: str) -> int:
        return search.search(ix, SearchRequest(query=q, limit=None)).total

    live = [i for i in range(700) if i % 9 or i >= 600]
    assert total('"shared services"') == sum(1 for i in live if i % 37 == 0)
    assert total('"unique shared phrase"') == 1
    # a stop word keeps its place: exactly one word between (issue 14), as in "shared phrase services"
    assert total('"shared the services"') == sum(1 for i in live if (i % 11 == 0 and i % 37) or i == 250)
