"""Indexer at library level (issue 3): incremental runs, junk files, the
parallel path, failures injected mid-write, lock contention and stats.

Every test builds a small archive in tmp_path from strings (tests/indexing_support.py)
and checks counts of the IndexReport, which ids queries return, and that a
failed run leaves the previous index answering exactly as before.
"""

from __future__ import annotations

import fcntl
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from indexing_support import (
    PAGES,
    SEED_NAME,
    answers,
    bump_mtime,
    make_archive,
    page,
    paths,
    unreferenced_files,
    worker_dying,
    worker_raising,
    write_page,
)
from typer.testing import CliRunner

import egovsearch.core.archive
import egovsearch.engine.schema
from egovsearch.cli.app import app
from egovsearch.core.errors import IndexLocked
from egovsearch.core.reports import IndexReport, IndexStats, Skipped
from egovsearch.engine import writer as indexer
from egovsearch.engine.store import generation
from egovsearch.engine.writer import update_index
from egovsearch.query import explore

SEED_ID = "f495089e68bd2b44"
ALL_PATHS = sorted([SEED_NAME, *PAGES])
# What the small archive answers (by construction of PAGES and the seed page).
EXPECTED = {
    "shared services": [SEED_NAME, "2020/003_00000000000000a3.txt"],
    "digital identity": ["001_00000000000000a1.txt"],
    "Verwaltung": ["2020/004_00000000000000a4.txt"],
    "Akte": ["002_00000000000000a2.txt"],
    "online": ["001_00000000000000a1.txt", "002_00000000000000a2.txt"],
    "council OR Estonia": ["001_00000000000000a1.txt", "2020/003_00000000000000a3.txt"],
}
NEW_PAGE = page(
    "The ministry opened a blockchain registry for land titles in the capital.",
    "Critics asked who would audit the registry.",
    source="Gov Tech",
    published="03.04.2022",
)


def counts(r: IndexReport) -> dict[str, int]:
    return {
        "added": r.added,
        "updated": r.updated,
        "renamed": r.renamed,
        "removed": r.removed,
        "unchanged": r.unchanged,
        "skipped": len(r.skipped),
    }


def zero(**kw: int) -> dict[str, int]:
    c = {"added": 0, "updated": 0, "renamed": 0, "removed": 0, "unchanged": 0, "skipped": 0}
    c.update(kw)
    return c


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """(archive, index) with the small archive indexed in-process."""
    archive = make_archive(tmp_path / "archive")
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    return archive, ix


@pytest.fixture
def no_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the indexer reads (and still read it)."""
    seen: list[str] = []
    real = egovsearch.core.archive.read_article

    def read(root: str, rel: str) -> object:
        seen.append(rel)
        return real(root, rel)

    monkeypatch.setattr(egovsearch.core.archive, "read_article", read)
    return seen


@contextmanager
def forbidden(obj: object, name: str) -> Iterator[None]:
    """`obj.name` raises while the block runs (searches afterwards may read files again)."""

    def fail(*a: object, **k: object) -> None:
        raise AssertionError(f"{name} must not be called")

    with pytest.MonkeyPatch.context() as m:
        m.setattr(obj, name, fail)
        yield


# -- incremental runs ---------------------------------------------------------------------------


def test_first_build_counts_and_answers(tmp_path: Path) -> None:
    archive = make_archive(tmp_path / "archive")
    r = update_index(archive, tmp_path / "index", jobs=1)
    assert counts(r) == zero(added=5)
    assert r.rebuilt is True
    for q, expected in EXPECTED.items():
        assert paths(tmp_path / "index", q) == expected, q
    assert explore.stats(tmp_path / "index").articles == len(ALL_PATHS)


def test_noop_rerun_reads_nothing(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = built
    before, gen = answers(ix), generation(ix)
    with forbidden(egovsearch.core.archive, "read_article"):
        r = update_index(archive, ix, jobs=1)
    assert counts(r) == zero(unchanged=5)
    assert r.rebuilt is False
    assert generation(ix) == gen
    assert answers(ix) == before


def test_add_file_reads_only_the_new_one(built: tuple[Path, Path], no_reads: list[str]) -> None:
    archive, ix = built
    write_page(archive, "2022/005_00000000000000a5.txt", NEW_PAGE)
    r = update_index(archive, ix, jobs=1)
    assert counts(r) == zero(added=1, unchanged=5)
    assert no_reads == ["2022/005_00000000000000a5.txt"]
    assert paths(ix, "blockchain registry") == ["2022/005_00000000000000a5.txt"]
    for q, expected in EXPECTED.items():
        assert paths(ix, q) == expected, q


def test_changed_content_is_reindexed(built: tuple[Path, Path]) -> None:
    archive, ix = built
    rel = "001_00000000000000a1.txt"
    write_page(archive, rel, PAGES[rel].replace("Estonia", "Finland"))
    r = update_index(archive, ix, jobs=1)
    assert counts(r) == zero(updated=1, unchanged=4)
    assert paths(ix, "Estonia") == []
    assert paths(ix, "Finland") == [rel]
    assert paths(ix, "digital identity") == [rel]  # one document, not two
    assert explore.stats(ix).articles == 5


def test_touched_file_is_unchanged_and_not_reindexed(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = built
    bump_mtime(archive / "001_00000000000000a1.txt")
    before = answers(ix)
    with forbidden(egovsearch.engine.schema, "document"):
        r = update_index(archive, ix, jobs=1)
    assert counts(r) == zero(unchanged=5)
    assert answers(ix) == before
    # The new mtime was recorded: the next run does not read the file again.
    with forbidden(egovsearch.core.archive, "read_article"):
        assert counts(update_index(archive, ix, jobs=1)) == zero(unchanged=5)


def test_deleted_file_leaves_the_index(built: tuple[Path, Path]) -> None:
    archive, ix = built
    (archive / "002_00000000000000a2.txt").unlink()
    r = update_index(archive, ix, jobs=1)
    assert counts(r) == zero(removed=1, unchanged=4)
    assert paths(ix, "Akte") == []
    assert paths(ix, "online") == ["001_00000000000000a1.txt"]
    assert explore.stats(ix).articles == 4


def test_renamed_file_is_found_under_its_new_path(built: tuple[Path, Path], no_reads: list[str]) -> None:
    archive, ix = built
    old, new = "2020/003_00000000000000a3.txt", "2021/003_00000000000000a3.txt"
    (archive / "2021").mkdir()
    (archive / old).rename(archive / new)
    r = update_index(archive, ix, jobs=1)
    assert counts(r) == zero(renamed=1, unchanged=4)
    assert no_reads == [new]
    assert paths(ix, "shared services") == [SEED_NAME, new]
    assert paths(ix, "council") == [new]
    assert explore.stats(ix).articles == 5


def test_rebuild_starts_from_scratch(built: tuple[Path, Path]) -> None:
    archive, ix = built
    before = answers(ix)
    r = update_index(archive, ix, rebuild=True, jobs=1)
    assert r.rebuilt is True
    assert counts(r) == zero(added=5)
    assert answers(ix) == before
    assert unreferenced_files(ix) == set()


JUNK = {
    "empty.txt": (b"", "empty file"),
    "binary.txt": (bytes(range(256)) * 20, "binary file"),
    "header-only.txt": (page("").split("\n\n\n")[0].encode(), "no article text"),
}


def test_junk_files_are_skipped_with_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_archive(tmp_path / "archive")
    for rel, (data, _) in JUNK.items():
        write_page(archive, rel, data)
    ix = tmp_path / "index"
    r = update_index(archive, ix, jobs=1)
    expected = tuple(sorted((Skipped(rel, why) for rel, (_, why) in JUNK.items()), key=lambda s: s.path))
    assert r.skipped == expected
    assert counts(r) == zero(added=5, skipped=3)
    assert explore.stats(ix).articles == 5
    assert paths(ix, "shared") == [SEED_NAME, "2020/003_00000000000000a3.txt"]
    # Still reported on the next run, without being read again.
    with forbidden(egovsearch.core.archive, "read_article"):
        r2 = update_index(archive, ix, jobs=1)
    assert r2.skipped == expected
    assert counts(r2) == zero(unchanged=5, skipped=3)


def test_good_file_turned_junk_leaves_the_index(built: tuple[Path, Path]) -> None:
    archive, ix = built
    rel = "001_00000000000000a1.txt"
    write_page(archive, rel, b"")
    r = update_index(archive, ix, jobs=1)
    assert r.skipped == (Skipped(rel, "empty file"),)
    assert paths(ix, "digital identity") == []
    assert paths(ix, "online") == ["002_00000000000000a2.txt"]
    assert explore.stats(ix).articles == 4
    # and comes back when it is an article again
    write_page(archive, rel, PAGES[rel])
    r = update_index(archive, ix, jobs=1)
    assert r.skipped == ()
    assert paths(ix, "digital identity") == [rel]


def test_stats_exact(built: tuple[Path, Path]) -> None:
    archive, ix = built
    st = explore.stats(ix)
    on_disk = sum(e.stat().st_size for e in os.scandir(ix) if e.is_file())
    assert st == IndexStats(
        articles=5,
        languages={"de": 2, "en": 3},
        sources=4,
        published_min=date(2011, 6, 6),
        published_max=date(2021, 7, 8),
        index_bytes=on_disk,
        built_at=st.built_at,
        archive=str(archive.resolve()),
    )
    assert st.built_at is not None
    built_at = datetime.fromisoformat(st.built_at)
    assert abs(datetime.now(UTC) - built_at) < timedelta(minutes=10)


# -- the parallel path --------------------------------------------------------------------------


def more_pages(n: int) -> dict[str, str]:
    """`n` further pages, each with its own word (``topicNNN``) and the word 'budget'."""
    return {
        f"extra/{i:03d}_{i:016x}.txt": page(
            f"The agency published its budget for topic{i:03d} and the digital identity programme.",
            f"Number {i} of a series of short reports.",
            source=f"Source {i % 3}",
            published=f"{(i % 28) + 1:02d}.0{(i % 9) + 1}.20{10 + i % 10}",
        )
        for i in range(1, n + 1)
    }


def parallel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(indexer, "PARALLEL_MIN", 1)


QUERIES = ("budget", "digital identity", "topic007", "shared services", "Verwaltung", "online")


def sorted_answers(ix: Path) -> dict[str, list[str]]:
    return {q: sorted(v) for q, v in answers(ix, QUERIES).items()}


def test_parallel_equals_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_archive(tmp_path / "archive", {**PAGES, **more_pages(20)})
    serial, par = tmp_path / "serial", tmp_path / "parallel"
    r1 = update_index(archive, serial, jobs=1)
    parallel(monkeypatch)
    r2 = update_index(archive, par, jobs=2)
    assert counts(r1) == counts(r2) == zero(added=25)
    assert sorted_answers(par) == sorted_answers(serial)
    assert len(sorted_answers(par)["budget"]) == 20
    s1, s2 = explore.stats(serial), explore.stats(par)
    assert (s2.articles, s2.languages, s2.sources, s2.published_min, s2.published_max) == (
        s1.articles,
        s1.languages,
        s1.sources,
        s1.published_min,
        s1.published_max,
    )
    # An incremental parallel run: one added, one changed, one deleted, one renamed.
    write_page(archive, "2022/005_00000000000000a5.txt", NEW_PAGE)
    write_page(archive, "001_00000000000000a1.txt", PAGES["001_00000000000000a1.txt"].replace("Estonia", "Finland"))
    (archive / "002_00000000000000a2.txt").unlink()
    (archive / "extra/001_0000000000000001.txt").rename(archive / "001_0000000000000001.txt")
    r3 = update_index(archive, par, jobs=2)
    monkeypatch.setattr(indexer, "PARALLEL_MIN", 10_000)
    r4 = update_index(archive, serial, jobs=1)
    assert counts(r3) == counts(r4) == zero(added=1, updated=1, renamed=1, removed=1, unchanged=22)
    assert sorted_answers(par) == sorted_answers(serial)
    assert paths(par, "Finland") == ["001_00000000000000a1.txt"]
    assert paths(par, "topic001") == ["001_0000000000000001.txt"]
    assert explore.stats(par).articles == 25
    assert unreferenced_files(par) == set()


# -- failures injected mid-write ----------------------------------------------------------------


def change_archive(archive: Path) -> None:
    """Two new pages, one changed, one deleted."""
    write_page(archive, "2022/005_00000000000000a5.txt", NEW_PAGE)
    write_page(archive, "2022/006_00000000000000a6.txt", NEW_PAGE.replace("blockchain", "quantum"))
    write_page(archive, "001_00000000000000a1.txt", PAGES["001_00000000000000a1.txt"].replace("Estonia", "Finland"))
    (archive / "002_00000000000000a2.txt").unlink()


def check_recovers(archive: Path, ix: Path, before: dict[str, list[str]], jobs: int) -> None:
    assert answers(ix) == before
    assert explore.stats(ix).articles == 5
    r = update_index(archive, ix, jobs=jobs)
    assert counts(r) == zero(added=2, updated=1, removed=1, unchanged=3)
    assert paths(ix, "blockchain OR quantum") == ["2022/005_00000000000000a5.txt", "2022/006_00000000000000a6.txt"]
    assert paths(ix, "Estonia OR Akte") == []
    assert explore.stats(ix).articles == 6
    assert unreferenced_files(ix) == set()


def test_failure_mid_write_in_process_keeps_previous_index(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive, ix = built
    before = answers(ix)
    change_archive(archive)
    real = egovsearch.engine.schema.document
    calls = 0

    def document(article: object, fp: str) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise RuntimeError("injected failure")
        return real(article, fp)  # type: ignore[arg-type]

    with monkeypatch.context() as m:
        m.setattr(egovsearch.engine.schema, "document", document)
        with pytest.raises(RuntimeError, match="injected failure"):
            update_index(archive, ix, jobs=1)
    assert calls == 3
    check_recovers(archive, ix, before, jobs=1)


@pytest.mark.parametrize("worker", [worker_raising, worker_dying], ids=["raising", "dying"])
def test_failure_in_a_worker_keeps_previous_index(
    built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, worker: object
) -> None:
    archive, ix = built
    before = answers(ix)
    change_archive(archive)
    parallel(monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(indexer, "_worker", worker)
        with pytest.raises(Exception) as exc:
            update_index(archive, ix, jobs=2)
    if worker is worker_raising:
        assert "injected failure in a worker" in str(exc.value)
    check_recovers(archive, ix, before, jobs=2)


# -- lock contention ----------------------------------------------------------------------------


@pytest.fixture
def held_lock(built: tuple[Path, Path]) -> Iterator[tuple[Path, Path]]:
    """The index's lock held by someone else (another open file description)."""
    archive, ix = built
    fd = os.open(ix / indexer.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        yield archive, ix
    finally:
        os.close(fd)


def test_lock_contention_raises_index_locked(held_lock: tuple[Path, Path]) -> None:
    archive, ix = held_lock
    before = answers(ix)
    write_page(archive, "2022/005_00000000000000a5.txt", NEW_PAGE)
    with pytest.raises(IndexLocked, match=r"^another 'egovsearch index' is writing "):
        update_index(archive, ix, lock_timeout=0.3)
    assert answers(ix) == before  # queries are not blocked by the lock


def test_lock_released_after_a_run(built: tuple[Path, Path]) -> None:
    _archive, ix = built
    fd = os.open(ix / indexer.LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if the run kept it
    finally:
        os.close(fd)


def test_lock_contention_cli_one_line_exit_2(held_lock: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = held_lock
    monkeypatch.setattr(indexer, "update_index", functools.partial(update_index, lock_timeout=0.3))
    result = CliRunner().invoke(app, ["index", "--archive", str(archive), "--index", str(ix), "--quiet"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: another 'egovsearch index' is writing {ix}; ")
    assert result.stdout == ""
