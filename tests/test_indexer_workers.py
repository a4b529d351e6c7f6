"""The worker side of parallel indexing, run in-process: the term-grouped
posting pool and the segment a worker closes when its pool is full."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from indexing_support import make_archive
from whoosh.filedb.filestore import RamStorage
from whoosh.writing import PostingPool

from egovsearch.core.archive import iter_archive
from egovsearch.core.models import SearchRequest
from egovsearch.engine import writer as indexer
from egovsearch.query.run import search


def test_term_pool_yields_what_whoosh_pool_yields() -> None:
    items = [
        ("body_en", b"servic", 0, 1.0, b"\x00\x03"),
        ("body_de", b"portal", 0, 2.0, b"\x00\x01"),
        ("body_en", b"share", 0, 3.0, b"\x00\x02"),
        ("body_en", b"servic", 1, 2.0, b"\x00\x05\x02"),
        ("body_de", b"amt", 2, 1.0, b"\x01\x01\x00"),
        ("body_en", b"share", 3, 1.0, b"\x00\x09"),
    ]
    ours = indexer._TermPool()
    whoosh = PostingPool(RamStorage(), None, limitmb=1)
    for item in items:
        ours.add(item)
        whoosh.add(item)
    assert ours.postings == len(items)
    assert list(ours.iter_postings()) == list(whoosh.iter_postings())


def test_a_full_worker_closes_segments_and_keeps_every_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_archive(tmp_path / "archive")
    index_dir = tmp_path / "index"
    indexer.update_index(archive, index_dir)  # an index for the worker to open
    items = [(f.relpath, f.size, f.mtime_ns, None) for f in iter_archive(archive)]
    monkeypatch.setattr(indexer, "MAX_POSTINGS", 40)  # a few documents per segment
    monkeypatch.setattr(indexer, "_counter", multiprocessing.Value("q", 0))
    batch = indexer._worker(str(index_dir), str(archive), items)
    assert len(batch.segments) > 1
    assert sum(s.doc_count_all() for s in batch.segments) == batch.docs == len(items)


def test_parallel_build_with_small_segments_answers_like_one_segment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_archive(tmp_path / "archive")
    indexer.update_index(archive, tmp_path / "one")
    # The worker path, run in this process, with the term pool closing a
    # segment every few documents, answers like the in-process single segment.
    monkeypatch.setattr(indexer, "MAX_POSTINGS", 30)
    monkeypatch.setattr(indexer, "_counter", multiprocessing.Value("q", 0))

    def in_process(index_dir: Path, root: str, items: list, jobs: int, progress: object) -> list:
        return [indexer._worker(str(index_dir), root, items)]

    monkeypatch.setattr(indexer, "_parallel", in_process)
    monkeypatch.setattr(indexer, "PARALLEL_MIN", 1)
    indexer.update_index(archive, tmp_path / "many", jobs=2)
    for q in ("government", "Behörde", '"shared services"', "Digitalisierung", "NOT portal"):
        one = [h.id for h in search(tmp_path / "one", SearchRequest(q, limit=None)).hits]
        many = [h.id for h in search(tmp_path / "many", SearchRequest(q, limit=None)).hits]
        assert sorted(one) == sorted(many), q


def _stored_offsets_written(index_dir: Path) -> list[bool]:
    """Per segment: whether its stored-fields column holds written offsets."""
    from whoosh.codec.whoosh3 import STORED_COLUMN

    from egovsearch.engine.store import open_index

    with open_index(index_dir).reader() as r:
        leaves = [leaf for leaf, _ in r.leaf_readers()]
        return [leaf._perdoc._cached_reader("_stored", STORED_COLUMN)._child.had_stored_offsets for leaf in leaves]


def test_every_segment_stores_its_offsets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Written by the main writer and by workers (several segments), the stored
    fields need no offsets rebuilt from lengths at the first read of a segment."""
    archive = make_archive(tmp_path / "archive")
    indexer.update_index(archive, tmp_path / "index")
    assert _stored_offsets_written(tmp_path / "index") == [True]  # the main writer's one segment
    monkeypatch.setattr(indexer, "MAX_POSTINGS", 30)
    monkeypatch.setattr(indexer, "_counter", multiprocessing.Value("q", 0))
    monkeypatch.setattr(indexer, "_parallel",
                        lambda index_dir, root, items, jobs, progress: [indexer._worker(str(index_dir), root, items)])
    monkeypatch.setattr(indexer, "PARALLEL_MIN", 1)
    indexer.update_index(archive, tmp_path / "index", rebuild=True, jobs=2)
    written = _stored_offsets_written(tmp_path / "index")
    assert len(written) > 1 and all(written)
    hits = search(tmp_path / "index", SearchRequest(None, limit=None)).hits
    assert sorted(h.path for h in hits) == sorted(f.relpath for f in iter_archive(archive))


def _segment_files(index_dir: Path, segment: object) -> dict[str, bytes]:
    """A segment's files by name without its random id (several share an extension)."""
    segid = segment.segid  # type: ignore[attr-defined]
    return {f.name.replace(segid, ""): f.read_bytes() for f in index_dir.iterdir() if segid in f.name}


def test_direct_posting_writes_are_whooshs_byte_for_byte(tmp_path: Path) -> None:
    """The worker's pool writes its postings into Whoosh's posting writer itself;
    the segment files are those Whoosh's add_postings writes from the same pool:
    terms in one block and in several (300 documents: blocks hold 128), positions
    longer than 254 bytes (a word 300 times), title and lead weights, and ID fields
    without positions."""
    from whoosh.index import create_in

    from egovsearch.engine.schema import build_schema
    from egovsearch.engine.store import INDEX_NAME

    docs = []
    for i in range(300):
        body = (f"Behörde {i} digital. Verwaltung und E-Government in Köln.\n\n"
                + "portal " * (300 if i == 7 else i % 5) + f"Straße Nummer{i % 17} shared services")
        lang = "de" if i % 3 else "en"
        docs.append({"path": f"p{i}.txt", "id": f"{i:04x}", "title": "t", "language": lang,
                     "source": f"Source {i % 4}", "source_key": f"source {i % 4}", "published": 20200101 + i % 28,
                     f"body_{lang}": (body, 8, body.find("\n\n"))})
    files = []
    for direct in (False, True):
        index_dir = tmp_path / f"direct-{direct}"
        index_dir.mkdir()
        ix = create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)
        w = indexer._segment_writer(ix, direct=direct)
        for doc in docs:
            w.add_document(**doc)
        files.append(_segment_files(index_dir, w._finalize_segment()))
    whoosh, ours = files
    assert {f"{INDEX_NAME}_.trm", f"{INDEX_NAME}_.pst"} <= whoosh.keys(), sorted(whoosh)
    assert ours == whoosh
