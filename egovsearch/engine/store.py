"""The index directory: its files, its metadata, and opening it safely.

Layout of an index directory:
- Whoosh's files (``_MAIN_<generation>.toc``, segments, ``MAIN_WRITELOCK``);
- ``meta.json``: archive root, build time, schema version and the Whoosh
  generation it describes (small: every query reads it);
- ``manifest.json``: per archive file its size, mtime, content hash and id, so
  a re-index compares stats without opening Whoosh (written by the indexer);
- ``vocab-<lang>.tsv``: word forms with document frequency, for compound
  expansion and spelling suggestions.
All of them are replaced atomically (write a temporary file, then rename).
"""

from __future__ import annotations

import json
import os
import pickle
import re
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from egovsearch.core.errors import EgovsearchError, IndexDamaged, IndexMissing

if TYPE_CHECKING:
    from whoosh.index import FileIndex

# Bump when the schema or the analysis changes in a way that needs a rebuild.
# (Here, not in schema.py, so that checking it does not import Whoosh.)
SCHEMA_VERSION = 3
INDEX_NAME = "MAIN"
META = "meta.json"
MANIFEST = "manifest.json"
_TOC_RE = re.compile(r"^_MAIN_(\d+)\.toc$")


def generation(index_dir: Path) -> int | None:
    """The newest committed Whoosh generation, read from file names only."""
    try:
        names = os.listdir(index_dir)
    except (FileNotFoundError, NotADirectoryError):
        return None
    gens = [int(m.group(1)) for n in names if (m := _TOC_RE.match(n))]
    return max(gens) if gens else None


def _names(index_dir: Path) -> list[str]:
    try:
        return os.listdir(index_dir)
    except OSError:
        return []


def write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    """The JSON content, or None when the file is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Meta:
    archive: str | None
    built_at: str | None
    schema: int | None
    generation: int | None


def read_meta(index_dir: Path) -> Meta:
    data = read_json(index_dir / META) or {}
    if not isinstance(data, dict):
        data = {}
    return Meta(data.get("archive"), data.get("built_at"), data.get("schema"), data.get("generation"))


# Whoosh signals damaged files with many unrelated exception types: reading
# postings can fail with these; unpickling the table of contents with more.
_DAMAGE = (OSError, EOFError, ValueError, struct.error, zlib.error, pickle.UnpicklingError)
_DAMAGE_ON_OPEN = (*_DAMAGE, KeyError, IndexError, TypeError, AttributeError, ImportError)


def _raised_in_whoosh(e: BaseException) -> bool:
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and f"{os.sep}whoosh{os.sep}" in tb.tb_frame.f_code.co_filename


@contextmanager
def reading(index_dir: Path, damage: tuple[type[BaseException], ...] = _DAMAGE) -> Iterator[None]:
    """Turn any failure while reading the index into IndexDamaged.

    Whoosh reports broken files with many exception types, some of them a bare
    Exception ("Block tag error"): anything raised inside Whoosh counts, and
    the `damage` types wherever they are raised.
    """
    from egovsearch.engine import boot as _whoosh  # noqa: F401  (trims Whoosh start-up)
    # isort: split
    from whoosh.index import IndexError as WhooshIndexError

    try:
        yield
    except EgovsearchError:
        raise
    except (*damage, WhooshIndexError) as e:
        raise IndexDamaged(str(index_dir), type(e).__name__) from e
    except Exception as e:
        if not _raised_in_whoosh(e):
            raise
        raise IndexDamaged(str(index_dir), type(e).__name__) from e


def open_index(index_dir: Path, *, check_version: bool = True, check_segments: bool = True) -> FileIndex:
    """Open an existing index for reading, with user-facing errors. Without
    `check_segments` the segments are left for the caller to open inside
    reading() (a searcher opens them all anyway: ~5 ms a query on 100,000)."""
    from egovsearch.engine import boot as _whoosh  # noqa: F401  (trims Whoosh start-up)
    # isort: split
    from whoosh.index import open_dir

    if generation(index_dir) is None:
        if os.path.exists(index_dir / META) or any(
                n.startswith("MAIN_") and not n.endswith("WRITELOCK") for n in _names(index_dir)):
            raise IndexDamaged(str(index_dir), "its table of contents is missing")
        raise IndexMissing(str(index_dir))
    meta = read_meta(index_dir)
    if check_version and meta.schema is not None and meta.schema != SCHEMA_VERSION:
        raise IndexDamaged(str(index_dir), "built by another version of egovsearch")
    with reading(index_dir, _DAMAGE_ON_OPEN):
        ix = open_dir(str(index_dir), indexname=INDEX_NAME)
        if check_segments:
            ix.doc_count()  # reads every segment's header
    return ix


def index_bytes(index_dir: Path) -> int:
    total = 0
    for entry in os.scandir(index_dir):
        if entry.is_file(follow_symlinks=False):
            total += entry.stat().st_size
    return total
