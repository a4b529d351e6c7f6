"""The index directory: its files, its metadata, and opening it safely.

Layout of an index directory:
- Whoosh's files (``_MAIN_<generation>.toc``, segments, ``MAIN_WRITELOCK``);
- ``meta.json``: archive root, build time, schema version and the Whoosh
  generation it describes (small: every query reads it);
- ``manifest.json``: per archive file its size, mtime, content hash and id, so
  a re-index compares stats without opening Whoosh (written by the indexer);
- ``vocab-<lang>.tsv``: word forms with document frequency, for compound
  expansion and spelling suggestions (``core.vocab``);
- ``copies-<generation>.json`` and ``.bin``: the copy clusters of that
  generation and what the next run needs to update them (``core.copies``),
  written before the generation's table of contents, so they commit with it.
All of them are replaced atomically (``core.files``).

Leftovers: a run that was killed or failed may leave files no committed
generation uses (its segment files, Whoosh's ``MAIN.tmp`` folder of pool
runs, a half-written table of contents, the temporary files of ``core.files``).
``leftovers`` names them from the newest table of contents and fixed name
patterns, and ``remove_leftovers`` deletes them; the indexer does both under
its lock, at the start of every run and when a run fails.

Damage is reported where it is found, naming what is damaged: the table of
contents (here, in ``open_index``), a posting block (``codec``), a
vocabulary (``core.vocab``), ``meta.json`` (``read_meta``); ``reading()``
turns Whoosh's own read errors on the index's files into IndexDamaged. An
index of another schema version is IndexOutdated. Anything else is a bug,
not damage, and passes through unchanged.
"""

from __future__ import annotations

import functools
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

from egovsearch.core.errors import IndexChanged, IndexDamaged, IndexMissing, IndexOutdated
from egovsearch.core.files import read_json

if TYPE_CHECKING:
    from whoosh.index import FileIndex

    from egovsearch.core.copies import Copies, Sketches

# Bump when the schema or the analysis changes in a way that needs a rebuild.
# (Here, not in schema.py, so that checking it does not import Whoosh.)
SCHEMA_VERSION = 6  # 5: the id field is indexed (short ids, prefix lookups); 6: repairs per article, copy clusters
INDEX_NAME = "MAIN"
META = "meta.json"
MANIFEST = "manifest.json"
_TOC_RE = re.compile(r"^_MAIN_(\d+)\.toc$")
# Whoosh's names (whoosh.index.TOC and codec.base.Segment, 2.7.5): a segment's
# files are "MAIN_<16 of [0-9a-z]>.<ext>", a table of contents is written as
# "_MAIN_<gen>.toc.<time()>" and renamed, a writer's pool runs go to "MAIN.tmp/".
_SEGMENT_RE = re.compile(r"^(MAIN_[0-9a-z]+)\.[A-Za-z0-9_.]+$")
_TOC_TMP_RE = re.compile(r"^_MAIN_\d+\.toc\.[0-9.]+$")
TEMP_DIR = "MAIN.tmp"
# core.files.write_atomic's temporary names of the side files: ".<name>.<pid>.tmp".
_SIDE_TMP_RE = re.compile(r"^\.(?:meta\.json|manifest\.json|vocab-[a-z]+\.tsv|copies-\d+\.(?:json|bin))\.\d+\.tmp$")
# core.copies' files of a generation (CLUSTERS_NAME, SKETCHES_NAME): those of
# any other generation than the newest are leftovers.
_COPIES_RE = re.compile(r"^copies-(\d+)\.(?:json|bin)$")


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


@dataclass(frozen=True, slots=True)
class Meta:
    archive: str | None
    built_at: str | None
    schema: int | None
    generation: int | None


def read_meta(index_dir: Path) -> Meta:
    """What ``meta.json`` records; all None when there is none.

    Raises:
        IndexDamaged: the file is there but is not egovsearch's metadata.
    """
    try:
        data = read_json(index_dir / META)
    except ValueError as e:
        raise IndexDamaged(str(index_dir), f"{META} is not valid JSON ({e}); "
                           "give --archive: the archive it recorded is lost") from None
    if data is None:
        return Meta(None, None, None, None)
    fields = {k: data.get(k) for k in ("archive", "built_at", "schema", "generation")} if isinstance(data, dict) else {}
    if (not fields or not all(isinstance(fields[k], str | None) for k in ("archive", "built_at"))
            or not all(isinstance(fields[k], int | None) for k in ("schema", "generation"))):
        raise IndexDamaged(str(index_dir), f"{META} does not hold egovsearch's index metadata; "
                           "give --archive: the archive it recorded is lost")
    return Meta(**fields)


def _inside(filename: object, index_dir: Path) -> bool:
    if not isinstance(filename, str):
        return False
    return os.path.dirname(os.path.abspath(filename)) == os.path.abspath(index_dir)


@contextmanager
def reading(index_dir: Path) -> Iterator[None]:
    """Whoosh's errors on reading the index's files become IndexDamaged.

    These are the errors a read of a short, missing or garbled file gives: a
    file of the index directory that cannot be opened or read (OSError naming
    it), data that ends early (EOFError, struct.error), does not decompress
    (zlib.error) or unpickle (UnpicklingError), and Whoosh's own check of a
    file's header (FileFormatError). Damage the engine finds itself (a posting
    block that does not decode, an unreadable table of contents) is raised as
    IndexDamaged where it is found. Everything else is not damage and passes.
    """
    from whoosh.filedb.filetables import FileFormatError

    try:
        yield
    except OSError as e:
        if not _inside(e.filename, index_dir):
            raise
        raise IndexDamaged(str(index_dir), f"cannot read {os.path.basename(e.filename)}: "
                           f"{e.strerror or type(e).__name__}") from e
    except FileFormatError as e:
        raise IndexDamaged(str(index_dir), f"a segment file has a wrong header ({e})") from e
    except (EOFError, struct.error, zlib.error, pickle.UnpicklingError) as e:
        raise IndexDamaged(str(index_dir), f"a segment file ends early or does not decode "
                           f"({type(e).__name__}: {e})") from e


def copy_names(gen: int) -> tuple[str, str]:
    """The copy files of generation `gen`: its clusters, its sketches (``core.copies``)."""
    from egovsearch.core.copies import CLUSTERS_NAME, SKETCHES_NAME

    return CLUSTERS_NAME.format(gen), SKETCHES_NAME.format(gen)


def read_clusters(index_dir: Path, gen: int) -> Copies:
    """Generation `gen`'s copy clusters. Raises OSError (FileNotFoundError when
    missing) or ValueError (garbled)."""
    from egovsearch.core.copies import clusters_from_json

    with open(index_dir / copy_names(gen)[0], "rb") as f:
        return clusters_from_json(json.loads(f.read().decode("utf-8")))


def read_sketches(index_dir: Path, gen: int) -> Sketches:
    """Generation `gen`'s sketches, for the next index run. Raises OSError or ValueError."""
    from egovsearch.core.copies import Sketches

    with open(index_dir / copy_names(gen)[1], "rb") as f:
        return Sketches.from_bytes(f.read())


def damaged_copy_files(index_dir: Path, gen: int, recorded: dict[str, Any] | None = None) -> list[str]:
    """Generation `gen`'s copy files that are missing or do not parse. A file
    whose [size, mtime_ns] is the one `recorded` (by the manifest) is taken as
    whole unread, as the vocabularies are (a no-op run then reads nothing)."""
    out = []
    for name, read in zip(copy_names(gen), (read_clusters, read_sketches), strict=True):
        try:
            st = os.stat(index_dir / name)
        except OSError:
            out.append(name)
            continue
        if recorded is not None and recorded.get(name) == [st.st_size, st.st_mtime_ns]:
            continue
        try:
            read(index_dir, gen)
        except (OSError, ValueError):
            out.append(name)
    return out


def old_copy_files(index_dir: Path, gen: int) -> list[str]:
    """The copy files of generations before `gen` (gone once `gen` is committed)."""
    return [n for n in _names(index_dir) if (m := _COPIES_RE.match(n)) and int(m.group(1)) < gen]


def load_copies(index_dir: Path, gen: int | None) -> Copies:
    """The copy clusters of generation `gen` for a command; none for an index
    without a generation.

    Raises:
        IndexChanged: the file is gone because an index run committed a newer
            generation meanwhile (and removed it): nothing is damaged.
        IndexDamaged: the generation's ``copies-<gen>.json`` is missing or garbled.
    """
    from egovsearch.core.copies import Copies

    if gen is None:
        return Copies(())
    name = copy_names(gen)[0]
    try:
        return read_clusters(index_dir, gen)
    except FileNotFoundError:
        if generation(index_dir) not in (None, gen):
            raise IndexChanged(f"the index at {index_dir} was updated while this command read it; "
                               "run it again") from None
        raise IndexDamaged(str(index_dir), f"{name} (the copy clusters) is missing; "
                           "run 'egovsearch index' to make it again") from None
    except ValueError as e:
        raise IndexDamaged(str(index_dir), f"{name} (the copy clusters) is garbled ({e}); "
                           "run 'egovsearch index' to make it again") from None
    except OSError as e:
        raise IndexDamaged(str(index_dir), f"cannot read {name}: {e.strerror or e}") from None


def check_schema(index_dir: Path, meta: Meta | None = None) -> None:
    """Raise IndexOutdated when meta.json names another schema version."""
    meta = meta if meta is not None else read_meta(index_dir)
    if meta.schema is not None and meta.schema != SCHEMA_VERSION:
        raise IndexOutdated(str(index_dir), meta.schema, SCHEMA_VERSION)


@functools.cache
def _index_class() -> type[FileIndex]:
    """Whoosh's FileIndex, except that an index without segments (built from an
    empty archive) reads like a segment without documents: Whoosh's EmptyReader
    raises NotImplementedError for every column read (source, published...)."""
    from whoosh.columns import EmptyColumnReader, TranslatingColumnReader
    from whoosh.index import FileIndex
    from whoosh.reading import EmptyReader

    class NoDocumentsReader(EmptyReader):  # type: ignore[misc]
        def column_reader(self, fieldname: str, column: Any = None, reverse: bool = False,
                          translate: bool = True) -> Any:
            # What SegmentReader.column_reader gives for a segment without the column.
            fieldobj = self.schema[fieldname]
            column = column or fieldobj.column_type
            if not column:
                raise ValueError(f"the field {fieldname!r} has no column")
            reader = EmptyColumnReader(column.default_value(reverse), 0)
            return TranslatingColumnReader(reader, fieldobj.from_column_value) if translate else reader

    class Index(FileIndex):  # type: ignore[misc]
        @classmethod
        def _reader(cls, storage: Any, schema: Any, segments: list[Any], generation: int,
                    reuse: Any = None) -> Any:
            if not segments and not reuse:
                return NoDocumentsReader(schema)
            return super()._reader(storage, schema, segments, generation, reuse=reuse)

    return Index


def open_index(index_dir: Path, *, check_version: bool = True, check_segments: bool = True) -> FileIndex:
    """Open an existing index for reading, with user-facing errors. Without
    `check_segments` the segments are left for the caller to open inside
    reading() (a searcher opens them all anyway: ~5 ms a query on 100,000)."""
    from whoosh.filedb.filestore import FileStorage

    gen = generation(index_dir)
    if gen is None:
        if os.path.exists(index_dir / META) or any(
                n.startswith("MAIN_") and not n.endswith("WRITELOCK") for n in _names(index_dir)):
            raise IndexDamaged(str(index_dir), "its table of contents is missing")
        raise IndexMissing(str(index_dir))
    if check_version:
        check_schema(index_dir)
    storage = FileStorage(str(index_dir))
    opened: list[Any] = []

    def open_file(name: str, *args: Any, **kwargs: Any) -> Any:
        opened.append(f := FileStorage.open_file(storage, name, *args, **kwargs))
        return f

    storage.open_file = open_file  # while the table of contents is read: Whoosh leaves it open on errors
    try:
        ix = storage.open_index(INDEX_NAME, indexclass=_index_class())
    except Exception as e:  # noqa: BLE001
        # Opening reads and unpickles the table of contents and does nothing
        # else: whatever it raises, the file is not one (unpickling garbage
        # alone raises some ten kinds of error).
        for f in opened:
            f.close()
        raise IndexDamaged(str(index_dir), f"its table of contents _{INDEX_NAME}_{gen}.toc cannot be read "
                           f"({type(e).__name__}: {e})") from e
    finally:
        del storage.open_file
    if check_segments:
        with reading(index_dir):
            ix.doc_count()  # reads every segment's header
    return ix


def segment_ids(index_dir: Path) -> set[str] | None:
    """The segments the newest table of contents uses ("MAIN_<id>"); None when it
    cannot be read (then nothing may be taken for a leftover)."""
    try:
        ix = open_index(index_dir, check_version=False, check_segments=False)
        return {seg.segment_id() for seg in ix._segments()}
    except Exception:  # noqa: BLE001 - damaged, missing, another version: nothing is known
        return None


def leftovers(index_dir: Path, known_segments: set[str] | None = None) -> list[str]:
    """Names in `index_dir` that no committed generation needs: temporary files,
    older tables of contents, and segment files the newest one does not list.

    Only names of the patterns above count, so nothing else (a user's file, a
    file of another program) is ever named; segment files only when the newest
    table of contents can be read. `known_segments` (from the manifest, which
    records the committed segments) saves opening Whoosh when every segment
    file is one of them: whenever something would be removed, the table of
    contents itself decides. Callers hold the indexer's lock.
    """
    names = _names(index_dir)
    gen = generation(index_dir)
    found = [n for n in names if _TOC_TMP_RE.match(n) or _SIDE_TMP_RE.match(n) or n == TEMP_DIR]
    found += [n for n in names if (m := _COPIES_RE.match(n)) and int(m.group(1)) != gen]
    if gen is None:
        return sorted(found)
    segs = {n: m.group(1) for n in names if (m := _SEGMENT_RE.match(n))}
    old_tocs = [n for n in names if (m := _TOC_RE.match(n)) and int(m.group(1)) != gen]
    if not old_tocs and known_segments is not None and set(segs.values()) <= known_segments:
        return sorted(found)  # nothing else to check: Whoosh stays unloaded
    used = segment_ids(index_dir)
    if used is None:
        return sorted(found)
    found += old_tocs
    found += [n for n, seg in segs.items() if seg not in used]
    return sorted(found)


def remove_leftovers(index_dir: Path, names: list[str]) -> int:
    """Delete these entries of `index_dir` (from ``leftovers``); return how many went.

    A name that is a symbolic link loses the link only; the temporary folder
    is emptied of its files (it has no subfolders) and removed. A file that
    cannot be deleted stays for a later run.
    """
    removed = 0
    for name in names:
        path = os.path.join(index_dir, name)
        try:
            if name == TEMP_DIR and not os.path.islink(path) and os.path.isdir(path):
                for inner in os.listdir(path):
                    try:
                        os.unlink(os.path.join(path, inner))
                    except OSError:
                        pass
                os.rmdir(path)
            else:
                os.unlink(path)
            removed += 1
        except FileNotFoundError:
            pass
        except OSError:
            pass
    return removed


def index_bytes(index_dir: Path) -> int:
    total = 0
    for entry in os.scandir(index_dir):
        if entry.is_file(follow_symlinks=False):
            total += entry.stat().st_size
    return total
