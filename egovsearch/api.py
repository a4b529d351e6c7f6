"""What the commands call: one function per job, taking and returning records.

The CLI (and any script) uses only this module; everything behind it may
move. Each function imports its implementation when called, so that importing
``egovsearch.api`` loads neither Whoosh nor Rich (``parse`` never needs them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from egovsearch.core.copies import Copy
    from egovsearch.core.models import Article, SearchRequest, SearchResult
    from egovsearch.core.reports import Health, IndexReport, IndexStats, SourceCount, Timeline
    from egovsearch.query.run import Session as Session  # (re-exported for the CLI's annotations)

Progress = Callable[[str, int, int], None]  # (phase, done, total); total 0: no count


def search(index_dir: Path, request: SearchRequest, *, snippets: bool = True,
           suggest: bool = True, short_ids: bool = False) -> SearchResult:
    """Run one search. Snippets are made only with `snippets`, a "Did you
    mean" only with `suggest`, each hit's shortest unique id prefix only with
    `short_ids` (for outputs that print them)."""
    from egovsearch.query import run

    return run.search(index_dir, request, snippets=snippets, suggest=suggest, short_ids=short_ids)


def explain(index_dir: Path, request: SearchRequest) -> list[str]:
    """How a request is understood: terms per language, compounds, filters."""
    from egovsearch.query import run

    return run.explain(index_dir, request)


def timeline(index_dir: Path, request: SearchRequest, by: str = "year") -> Timeline:
    """Matching articles per period; undated ones counted apart."""
    from egovsearch.query import explore

    return explore.timeline(index_dir, request, by)


def unknown_sources(index_dir: Path, names: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The --source `names` no article has (compared as the filter does), each
    with the nearest publication names of the index."""
    from egovsearch.query import run

    return run.unknown_sources(index_dir, names)


def sources(index_dir: Path) -> list[SourceCount]:
    """Every publication with its article count and first and last date."""
    from egovsearch.query import explore

    return explore.sources(index_dir)


def stats(index_dir: Path) -> IndexStats:
    """What the index holds."""
    from egovsearch.query import explore

    return explore.stats(index_dir)


def article(index_dir: Path, ref: str, highlight: str | None = None
            ) -> tuple[Article, tuple[tuple[int, int], ...], tuple[str, ...], tuple[Copy, ...]]:
    """One article by id, unique id prefix or path: (article, highlight spans,
    absolute paths: the one asked for first, then its byte-identical copies,
    its near-copies: the other members of its cluster, each with its
    resemblance to the cluster's first member; () when it has none)."""
    from egovsearch.query import explore

    return explore.article(index_dir, ref, highlight)


def similar(index_dir: Path, ref: str, limit: int = 10) -> SearchResult:
    """The articles most like the given one."""
    from egovsearch.query import explore

    return explore.similar(index_dir, ref, limit)


def export(index_dir: Path, request: SearchRequest) -> Iterator[Article]:
    """Every matching article with its body, in path order (with
    `request.collapse`: each cluster of near-copies once, with `duplicates`)."""
    from egovsearch.query import explore

    return explore.export(index_dir, request)


def health(index_dir: Path) -> Health:
    """The index compared with its archive (`doctor`); nothing is written."""
    from egovsearch.engine import health as check

    return check.health(index_dir)


def update_index(archive: Path, index_dir: Path, *, rebuild: bool = False, jobs: int | None = None,
                 progress: Progress | None = None, lock_timeout: float = 5.0,
                 force: bool = False) -> IndexReport:
    """Build or update the index of `archive` at `index_dir`. A run that would
    remove most of the index raises WouldRemoveMost unless `force`."""
    from egovsearch.engine import writer

    return writer.update_index(archive, index_dir, rebuild=rebuild, jobs=jobs, progress=progress,
                               lock_timeout=lock_timeout, force=force)


def parse_paths(paths: Iterable[Path], on_skip: Callable[[str, str], None]) -> Iterator[Article]:
    """Read archive pages (files or folders) into records; no index needed."""
    from egovsearch.core import archive

    return archive.parse_paths(paths, on_skip)


def reading_index(given: Path | None, *, build: bool = True) -> tuple[Path, int | None]:
    """The index a reading command searches: `given` (--index/EGOVSEARCH_INDEX),
    else ./index where it holds an index, else the bundled sample's index in the
    user's cache directory, built or rebuilt first when it is not current (not
    with `build` false). With the sample, its number of articles; else None."""
    from egovsearch.engine import resolve

    index_dir = resolve.chosen(given)
    if index_dir is not None:
        return index_dir, None
    if not build:
        return resolve.sample_index_dir(), None
    return resolve.sample_index()


def index_to_build(given: Path | None, archive: Path | None) -> tuple[Path, Path]:
    """What `egovsearch index` works on: (archive, index directory). The index is
    `given`, else ./index; the archive is `archive`, else the one that index
    records (ArchiveError when there is neither)."""
    from egovsearch.engine import resolve

    index_dir = resolve.building_index(given)
    return resolve.archive_to_index(index_dir, archive), index_dir


def recorded_archive(index_dir: Path) -> Path | None:
    """The archive an existing index was built from, as its metadata records it (None if unknown)."""
    from egovsearch.engine import store

    recorded = store.read_meta(index_dir).archive
    return Path(recorded) if recorded else None


def session(index_dir: Path) -> Session:
    """The index opened once for many searches (a context manager): a script
    running many queries calls ``session.search(request)`` for each; the
    reader, filters and repeated compilations are kept between them."""
    from egovsearch.query import run

    return run.Session(index_dir)


def source_facets(index_dir: Path, request: SearchRequest) -> list[SourceCount]:
    """The articles matching `request` counted per publication, with their first
    and last dates, most first (`sources QUERY`); publications without a match are left out."""
    from egovsearch.query import explore

    return explore.sources(index_dir, request)


# --- saved searches (watch) -------------------------------------------------------------
# `state` is the user's state directory; None: $XDG_STATE_HOME/egovsearch, else
# ~/.local/state/egovsearch (core.watches.state_dir).

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from egovsearch.core.watches import Watch
    from egovsearch.query.watch import Run


def _state(state: Path | None) -> Path:
    from egovsearch.core.watches import state_dir

    return state if state is not None else state_dir()


def watch_add(index_dir: Path, watch: Watch, *, from_start: bool = False, replace: bool = False,
              wait: float = 5.0, state: Path | None = None) -> tuple[Watch, int]:
    """Save a search of `index_dir` (query and filters as typed); its current
    hits count as seen unless `from_start`. Returns the saved watch and its
    current number of hits."""
    from egovsearch.query import watch as w

    return w.add(_state(state), index_dir, watch, from_start=from_start, replace=replace, wait=wait)


def watch_run(index_dir: Path, names: Sequence[str] = (), *, wait: float = 5.0, snippets: bool = True,
              state: Path | None = None) -> AbstractContextManager[Run]:
    """Run saved searches (all without `names`): a context holding their lock,
    whose `Run` gives the hits new since each one's last run and records
    those the caller confirms as shown."""
    from egovsearch.query import watch as w

    return w.run(_state(state), index_dir, names, wait=wait, snippets=snippets)


def watch_list(index_dir: Path, *, state: Path | None = None) -> list[Watch]:
    """The saved searches of `index_dir`, in name order."""
    from egovsearch.query import watch as w

    return w.listing(_state(state), index_dir)


def watch_remove(index_dir: Path, name: str, *, wait: float = 5.0, state: Path | None = None) -> Watch:
    """Delete a saved search; return it."""
    from egovsearch.query import watch as w

    return w.remove(_state(state), index_dir, name, wait=wait)
