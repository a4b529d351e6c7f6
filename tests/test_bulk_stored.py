"""Reader.stored_many reads the stored fields of many documents per segment at
once: the same records as Reader.stored one by one, in the order asked, over an
index of several segments with deleted documents, whichever way a segment is
read (the span at once, document by document, or through Whoosh)."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from egovsearch.core.models import SearchRequest
from egovsearch.engine import search as engine
from egovsearch.engine.search import Reader, open_reader
from egovsearch.engine.store import open_index
from egovsearch.engine.writer import update_index
from egovsearch.query import run
from egovsearch.query.compile import compile_request


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bulk")
    archive, index = root / "archive", root / "index"
    generate(120, archive, seed=3)
    update_index(archive, index, jobs=1)
    pages = sorted(archive.rglob("*.txt"))
    for page in pages[::5]:  # deleted documents in the first segment
        page.unlink()
    for page in [p for p in pages[1::9] if p.exists()]:  # changed ones: deleted there, added to a second
        page.write_bytes(page.read_bytes().replace(b"the", b"the the", 1))
    shutil.copyfile(pages[2], archive / "copy_00000000000000ff.txt")
    update_index(archive, index, jobs=1)
    assert len(open_index(index)._segments()) >= 2
    return index


@pytest.fixture
def reader(ix: Path) -> Iterator[Reader]:
    with open_reader(ix) as r:
        yield r


def _all_docnums(reader: Reader) -> list[int]:
    """Every document number, live or deleted, of every segment."""
    return list(range(reader._s.doc_count_all()))


def _live(reader: Reader) -> list[int]:
    return list(reader._s.reader().all_doc_ids())


def test_the_fixture_has_deleted_documents(reader: Reader) -> None:
    assert reader._s.doc_count_all() > reader.doc_count() > 0


def test_same_records_as_one_by_one(reader: Reader) -> None:
    docnums = _all_docnums(reader)
    random.Random(1).shuffle(docnums)
    docnums += docnums[:7]  # some twice
    assert reader.stored_many(docnums) == [reader.stored(d) for d in docnums]


def test_every_live_document_in_index_order(reader: Reader) -> None:
    live = _live(reader)
    records = reader.stored_many(live)
    assert records == [reader.stored(d) for d in live]
    assert len({r.path for r in records}) == len(live)  # a live path once


@pytest.mark.parametrize("pick", [slice(0, 1), slice(-1, None), slice(None, None, 17)])
def test_a_few_documents_of_some_segments(reader: Reader, pick: slice) -> None:
    docnums = _live(reader)[pick]
    assert reader.stored_many(docnums) == [reader.stored(d) for d in docnums]


def test_nothing_asked_nothing_read(reader: Reader) -> None:
    assert reader.stored_many([]) == []


def test_one_read_each_when_the_span_is_sparse(reader: Reader, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_SPAN_MIN", 0)
    monkeypatch.setattr(engine, "_SPAN_FACTOR", 0)
    docnums = _all_docnums(reader)[::3]
    assert reader.stored_many(docnums) == [reader.stored(d) for d in docnums]


def test_another_column_is_read_through_whoosh(reader: Reader, monkeypatch: pytest.MonkeyPatch) -> None:
    class Other:
        """Not the column reader stored_many knows."""

    monkeypatch.setattr(engine, "PickleColumn", type("PickleColumn", (), {"Reader": Other}))
    docnums = _all_docnums(reader)
    assert reader.stored_many(docnums) == [reader.stored(d) for d in docnums]


def test_a_document_past_the_last_segment(reader: Reader) -> None:
    with pytest.raises(IndexError):
        reader.stored_many([0, reader._s.doc_count_all()])


def test_a_listing_of_every_hit_is_the_one_by_one_listing(ix: Path) -> None:
    request = SearchRequest("digital OR Verwaltung OR services", limit=None)
    with run.Session(ix) as session:
        bulk = session.search(request, snippets=False, suggest=False).hits
    with open_reader(ix) as reader:
        c = compile_request(ix, request)
        q, flt = c.runnable()
        _, top = reader.ranked(q, flt, limit=None)
        single = tuple(run.hit(reader, d, score, c.terms, snippets=False) for score, d in top)
    assert len(bulk) > 20
    assert bulk == single
