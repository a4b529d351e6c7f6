"""The benchmark corpus generator: deterministic, and its pages parse to what it put in."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import PHRASE, CorpusSummary, generate

N = 300  # enough pages that every format variant occurs at least once with seed 0


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CorpusSummary]:
    root = tmp_path_factory.mktemp("corpus")
    return root, generate(N, root, seed=0)


def test_same_seed_same_bytes(corpus: tuple[Path, CorpusSummary], tmp_path: Path) -> None:
    root, summary = corpus
    again = generate(N, tmp_path / "again", seed=0)
    assert again == summary
    assert _files(tmp_path / "again") == _files(root)


def test_other_seed_other_pages(corpus: tuple[Path, CorpusSummary], tmp_path: Path) -> None:
    root, _ = corpus
    generate(N, tmp_path / "other", seed=1)
    assert set(_files(tmp_path / "other").values()).isdisjoint(_files(root).values())


def test_layout_names_and_summary(corpus: tuple[Path, CorpusSummary]) -> None:
    root, summary = corpus
    files = _files(root)
    assert sorted(files) == sorted(p.path for p in summary.pages)
    assert summary.bytes == sum(len(b) for b in files.values())
    for rel, data in files.items():
        number, hex16 = Path(rel).stem.split("_")
        assert len(number) >= 3 and number.isdigit()
        assert hex16 == hashlib.blake2b(data, digest_size=8).hexdigest()
        assert not data.endswith(b"\n")
    assert {rel.count("/") for rel in files} == {0, 1, 2}  # top level, year, year/month


def test_variants_all_present(corpus: tuple[Path, CorpusSummary]) -> None:
    root, summary = corpus
    pages = summary.pages
    data = [(root / p.path).read_bytes() for p in pages]
    assert {p.encoding for p in pages} == {"utf-8", "utf-8-sig", "cp1252"}
    assert any(p.crlf for p in pages) and not all(p.crlf for p in pages)
    assert any(p.source is None for p in pages)
    assert any(p.source is not None and p.published is None for p in pages)
    assert {p.language for p in pages} == {"de", "en"}
    assert 0.3 < sum(p.language == "de" for p in pages) / N < 0.5
    assert 0 < summary.phrase_pages < N // 10
    for label in (b"\nQuelle/Source: ", b"\nQuelle: ", b"\nSource: "):
        assert any(label in d for d in data)
    text = b"".join(data)
    assert b"\xc3\x9f" in text and b"\xef\xbb\xbf" in text  # UTF-8 ß, BOM
    for form in (
        rb", \d\d\.\d\d\.\d{4}\r?\n",
        rb", \d\.\d\.\d{4}\r?\n",
        rb", \d\d\.\d\d\.\d\d\r?\n",
        rb", \d{4}-\d\d-\d\d\r?\n",
    ):
        assert any(re.search(form, d) for d in data), form


def test_pages_parse_to_what_was_generated(corpus: tuple[Path, CorpusSummary]) -> None:
    if importlib.util.find_spec("egovsearch.core.archive") is None:
        pytest.skip("egovsearch.core.archive not written yet")
    from egovsearch.core.archive import parse_file

    root, summary = corpus
    for page in summary.pages:
        article = parse_file(root / page.path, root)
        got = (
            article.path,
            article.source,
            article.published,
            article.crawled,
            article.language,
            PHRASE in article.body,
        )
        want = (page.path, page.source, page.published, page.crawled, page.language, page.has_phrase)
        assert got == want
        assert article.id == Path(page.path).stem.split("_")[1]
        assert 200 <= article.words <= 620
