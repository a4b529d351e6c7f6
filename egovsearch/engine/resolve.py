"""Which index and archive a command uses, and the bundled sample's own index.

The rule (README, Use): ``--index``/``EGOVSEARCH_INDEX``; else ``./index`` where
it holds an index; else the bundled sample archive's index in the user's cache
directory (``$XDG_CACHE_HOME/egovsearch/sample-index``, by default
``~/.cache/egovsearch/sample-index``), built on first use. Only
``egovsearch index`` creates ``./index`` (or the ``--index`` it is given),
from ``--archive``/``EGOVSEARCH_ARCHIVE`` or the archive the index records.

The sample's index is the one index egovsearch makes without being asked, so it
also keeps it current itself: it is rebuilt when it no longer matches the
installed package (another schema version, another install's sample, changed
sample files). Otherwise an upgrade would meet "rebuild needed: run
'egovsearch index --rebuild'", which rebuilds ./index, not this one.
The check reads meta.json and manifest.json and stats the sample's few files;
no Whoosh, and the indexer is imported only when there is something to build.
"""

from __future__ import annotations

import os
from pathlib import Path

from egovsearch.core.errors import ArchiveError, IndexDamaged, IndexNotWritable
from egovsearch.core.files import read_json
from egovsearch.engine.store import MANIFEST, META, SCHEMA_VERSION, generation, read_meta

LOCAL_INDEX = Path("index")
SAMPLE_INDEX = Path("egovsearch", "sample-index")  # below the cache directory


def bundled_archive() -> Path:
    """The bundled sample archive: ``egovsearch/seeds`` inside an installed
    package (the wheel puts it there, pyproject.toml), else the checkout's ``seeds/``."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "seeds"
    return inside if inside.is_dir() else package.parent / "seeds"


def cache_home() -> Path:
    """The user's cache directory: $XDG_CACHE_HOME, else ~/.cache (the XDG base
    directory rule: a relative $XDG_CACHE_HOME is invalid and ignored)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"


def sample_index_dir() -> Path:
    """Where the bundled sample's index lives."""
    return cache_home() / SAMPLE_INDEX


def holds_index(index_dir: Path) -> bool:
    """Whether `index_dir` holds an egovsearch index, from file names only: a
    committed generation, or the metadata of one (a damaged index is still one,
    so that its damage is reported, not passed over for the sample)."""
    return generation(index_dir) is not None or (index_dir / META).is_file()


def chosen(given: Path | None) -> Path | None:
    """The index a reading command uses: `given` (--index/EGOVSEARCH_INDEX), else
    ./index where it holds an index; None means the bundled sample."""
    if given is not None:
        return given
    return LOCAL_INDEX if holds_index(LOCAL_INDEX) else None


def building_index(given: Path | None) -> Path:
    """The index `egovsearch index` builds or updates: `given`, else ./index."""
    return given if given is not None else LOCAL_INDEX


def archive_to_index(index_dir: Path, given: Path | None) -> Path:
    """The archive `egovsearch index` reads: `given`, else the one the index at
    `index_dir` was built from.

    Raises:
        ArchiveError: neither (no archive is guessed: the bundled sample has
            its own index, and a folder's pages are not indexed unasked).
        IndexDamaged: the index's metadata is garbled (its message says to give --archive).
    """
    if given is not None:
        return given
    recorded = read_meta(index_dir).archive
    if recorded:
        return Path(recorded)
    where = "./index" if index_dir == LOCAL_INDEX else str(index_dir)
    if holds_index(index_dir):
        raise ArchiveError(f"give --archive DIR: the index at {where} records no archive to update from")
    raise ArchiveError(f"give --archive DIR, the folder of archive pages to index into {where} "
                       "(later runs of 'egovsearch index' update it from the same folder)")


def _sample_files(archive: Path) -> dict[str, os.stat_result] | None:
    """The sample's archive files (the indexer's rule for a flat folder: visible
    ``*.txt`` files, any case) with their stats; None if it cannot be read."""
    try:
        with os.scandir(archive) as it:
            return {e.name: e.stat() for e in it
                    if not e.name.startswith(".") and e.name.lower().endswith(".txt") and e.is_file()}
    except OSError:
        return None


def current_articles(index_dir: Path, archive: Path) -> int | None:
    """The number of articles of the sample's index when it is current: built by
    this schema version from this `archive` (a resolved path), and recording each
    of its files with their present size and mtime. None when it needs a build.

    Files the indexer skipped count as recorded (they are, in the manifest's
    "skipped"); anything unexpected reads as "build", which at worst is an
    update that finds nothing to do."""
    gen = generation(index_dir)
    if gen is None:
        return None
    try:
        meta = read_meta(index_dir)
        manifest = read_json(index_dir / MANIFEST)
    except (IndexDamaged, ValueError, OSError):
        return None
    if meta.schema != SCHEMA_VERSION or meta.archive != str(archive):
        return None
    if not isinstance(manifest, dict) or manifest.get("generation") != gen:
        return None
    files, skipped = manifest.get("files"), manifest.get("skipped", {})
    if not isinstance(files, dict) or not isinstance(skipped, dict):
        return None
    present = _sample_files(archive)
    recorded = {**skipped, **files}
    if present is None or set(present) != set(recorded):
        return None
    for name, st in present.items():
        entry = recorded[name]
        if not isinstance(entry, list) or entry[:2] != [st.st_size, st.st_mtime_ns]:
            return None
    return len(files)


def sample_index() -> tuple[Path, int]:
    """The bundled sample's index, built or rebuilt first when it is not current,
    and its number of articles."""
    archive = bundled_archive().resolve()
    index_dir = sample_index_dir()
    count = current_articles(index_dir, archive)
    if count is None:
        from egovsearch.engine.writer import update_index

        try:
            report = update_index(archive, index_dir, jobs=1)  # a few files: no worker processes
        except IndexNotWritable as e:
            raise IndexNotWritable(f"{e}; the bundled sample's index is kept in the cache directory: "
                                   "set XDG_CACHE_HOME to a writable folder, or give --index") from None
        count = report.added + report.updated + report.renamed + report.unchanged
    return index_dir, count
