"""Small archives written from strings, and helpers shared by the indexer and
reliability tests (not a test module: pytest does not collect it).

Pages follow the layout of the bundled seed page ``000_f495089e68bd2b44.txt``
(visitor counters, crawl line, slogan, paragraphs, source line, footer).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from egovsearch.core.models import SearchRequest
from egovsearch.query import run as search

FIXTURES = Path(__file__).parent / "fixtures"
SEED_NAME = "000_f495089e68bd2b44.txt"
SEED = FIXTURES / "archive" / SEED_NAME

_HEADER = (
    "Today 1078\n\nYesterday 1557\n\nAll 39534380\n\n{crawled}\n"
    "eGovernment Forschung seit 2001 | eGovernment Research since 2001\n"
)
_FOOTER = "\n\n\nQuelle/Source: {source}, {published}\n\nBitte besuchen Sie/Please visit:\n\nGo to top"


def page(
    *paragraphs: str, source: str = "Public Service", published: str = "06.06.2011", crawled: str = "Monday, 16.09.2024"
) -> str:
    """The text of one archive page with these paragraphs."""
    return (
        _HEADER.format(crawled=crawled) + "\n\n".join(paragraphs) + _FOOTER.format(source=source, published=published)
    )


# A small bilingual archive: relpath -> page text. Words chosen so that each
# query below has a known set of hits.
PAGES: dict[str, str] = {
    "001_00000000000000a1.txt": page(
        "Estonia extends its digital identity cards to every resident of the country.",
        "The cabinet said the cards would also sign tax returns and prescriptions online.",
        source="Computer Weekly",
        published="12.03.2015",
    ),
    "002_00000000000000a2.txt": page(
        "Die Behörde führt die elektronische Akte in allen Ämtern des Landes ein.",
        "Nach Angaben des Ministeriums sollen die Bürger ihre Anträge künftig online stellen können.",
        source="Heise Online",
        published="01.02.2019",
    ),
    "2020/003_00000000000000a3.txt": page(
        "The council moved its shared services for payroll into a cloud platform run by a supplier.",
        "Officials said the move would cut costs for every department within two years.",
        source="Public Service",
        published="05.05.2020",
    ),
    "2020/004_00000000000000a4.txt": page(
        "Die Digitalisierung der Verwaltung kommt in den Kommunen nur langsam voran.",
        "Viele Ämter arbeiten nach wie vor mit Papier, heißt es in dem Bericht der Kommission.",
        source="eGovernment Computing",
        published="08.07.2021",
    ),
}
QUERIES = ("shared services", "digital identity", "Verwaltung", "Akte", "online", "council OR Estonia")


def write_page(root: Path, rel: str, text: str | bytes) -> Path:
    """Write one page (creating folders); return its path."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def make_archive(root: Path, pages: dict[str, str] | None = None, seed: bool = True) -> Path:
    """A small archive under `root`: the seed page plus `pages` (default PAGES)."""
    root.mkdir(parents=True, exist_ok=True)
    if seed:
        shutil.copyfile(SEED, root / SEED_NAME)
    for rel, text in (PAGES if pages is None else pages).items():
        write_page(root, rel, text)
    return root


def ids(index_dir: Path, query: str | None, **kw: object) -> list[str]:
    """Ids of every hit of `query`, in rank order."""
    return [h.id for h in search.search(index_dir, SearchRequest(query=query, limit=None, **kw)).hits]  # type: ignore[arg-type]


def paths(index_dir: Path, query: str | None) -> list[str]:
    """Sorted paths of every hit of `query`."""
    return sorted(h.path for h in search.search(index_dir, SearchRequest(query=query, limit=None)).hits)


def answers(index_dir: Path, queries: tuple[str, ...] = QUERIES) -> dict[str, list[str]]:
    """Query -> ranked hit ids, for comparing an index before and after a fault."""
    return {q: ids(index_dir, q) for q in queries}


def bump_mtime(path: Path, seconds: int = 10) -> None:
    """Move the file's mtime by `seconds` (content untouched)."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def index_files(index_dir: Path) -> set[str]:
    """Names of the files in an index directory."""
    return set(os.listdir(index_dir))


KNOWN_FILES = {".egovsearch.lock", "MAIN_WRITELOCK", "manifest.json", "meta.json", "vocab-en.tsv", "vocab-de.tsv"}


def unreferenced_files(index_dir: Path) -> set[str]:
    """Files of the index directory that the current generation does not use:
    temporary files, old tables of contents, orphaned segment files."""
    from egovsearch.engine.store import generation, open_index

    segids = [seg.segment_id() for seg in open_index(index_dir)._segments()]
    gen = generation(index_dir)
    keep = KNOWN_FILES | {f"_MAIN_{gen}.toc", f"copies-{gen}.json", f"copies-{gen}.bin"}
    return {n for n in index_files(index_dir) if n not in keep and not any(n.startswith(f"{s}.") for s in segids)}


# Stand-ins for egovsearch.engine.writer._worker, run inside the forkserver workers
# (they are pickled by reference, so they must live in an importable module).


def worker_raising(index_dir: str, root: str, items: list[tuple[str, int, int, str | None]]) -> object:
    """The real worker, but its second document raises (the first is written)."""
    import egovsearch.engine.schema
    from egovsearch.engine import writer as indexer

    real = egovsearch.engine.schema.document
    calls = 0

    def document(article: object, fp: str) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise RuntimeError("injected failure in a worker")
        return real(article, fp)  # type: ignore[arg-type]

    egovsearch.engine.schema.document = document  # type: ignore[assignment]
    return indexer._worker(index_dir, root, items)


def worker_dying(index_dir: str, root: str, items: list[tuple[str, int, int, str | None]]) -> object:
    """The real worker, but the process dies abruptly at its second document."""
    import egovsearch.engine.schema
    from egovsearch.engine import writer as indexer

    real = egovsearch.engine.schema.document
    calls = 0

    def document(article: object, fp: str) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls > 1:
            os._exit(3)
        return real(article, fp)  # type: ignore[arg-type]

    egovsearch.engine.schema.document = document  # type: ignore[assignment]
    return indexer._worker(index_dir, root, items)


def worker_no_space(index_dir: str, root: str, items: list[tuple[str, int, int, str | None]]) -> object:
    """The real worker, but the disk is full at its second document (its segment
    files are open and partly written)."""
    import errno

    import egovsearch.engine.schema
    from egovsearch.engine import writer as indexer

    real = egovsearch.engine.schema.document
    calls = 0

    def document(article: object, fp: str) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise OSError(errno.ENOSPC, "No space left on device", os.path.join(index_dir, "MAIN_x.pst"))
        return real(article, fp)  # type: ignore[arg-type]

    egovsearch.engine.schema.document = document  # type: ignore[assignment]
    return indexer._worker(index_dir, root, items)
