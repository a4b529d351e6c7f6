"""Saved searches run through the query pipeline: what is new since a watch's last run.

A watch is stored (``core.watches``) with its query and filters as typed; each
run evaluates its dates anew (``--since "last week"`` moves with the calendar),
searches like ``query --all --sort newest`` (compile, ``Reader.ranked``, the
records of ``query.run.hit``), and keeps only the articles whose ids the watch
has not shown yet. Those are recorded as seen one by one, when the caller says
their record has reached the reader (:meth:`Run.streamed`), so that a run that
is killed or loses its reader shows the rest again next time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from dataclasses import replace as replaced
from datetime import date
from pathlib import Path

from egovsearch.core.dates import user_range
from egovsearch.core.errors import WatchError, shown
from egovsearch.core.models import Hit, SearchRequest, SearchResult
from egovsearch.core.watches import SeenLog, Watch, WatchStore, check_name, now
from egovsearch.engine.search import open_reader
from egovsearch.query.compile import compile_request
from egovsearch.query.run import CopyKeys, first_of_each, hit, with_duplicates

SORT = "newest"  # new articles of a topic, latest first (undated ones last)


def _today() -> date:
    """The day relative dates count from (a function, so tests can move it)."""
    return date.today()


def request_of(w: Watch, today: date | None = None) -> SearchRequest:
    """The search a watch makes on `today`: its dates evaluated now, every hit, newest first."""
    lo, hi = user_range(w.since, w.until, today=today or _today())
    return SearchRequest(query=w.query, sources=w.sources, since=lo, until=hi, language=w.language,
                         sort=SORT, limit=None, collapse=w.collapse, cross_language=w.cross_language,
                         glossary=w.glossary)


def new_hits(index_dir: Path, request: SearchRequest, seen: Set[str], *, snippets: bool) -> SearchResult:
    """The hits of `request` whose ids are not in `seen` (`total` counts every
    match); snippets are made for those only, with `snippets`.

    With `request.collapse`, each cluster of near-copies is one hit (its
    newest matching member, with the others' ids as `duplicates`), new only
    when no member of the cluster is in `seen`; `total` counts clusters."""
    with open_reader(index_dir) as reader:
        c = compile_request(index_dir, request)
        query, flt = c.runnable()
        total, top = reader.ranked(query, flt, sort=request.sort, limit=None)
        if request.collapse:
            keys = CopyKeys(reader)
            firsts = [top[i] for i in first_of_each(keys.keys([d for _, d in top]))]
            total = len(firsts)
            fresh = []
            for (score, d), f in zip(firsts, reader.stored_many([d for _, d in firsts]), strict=True):
                cluster = keys.copies.cluster_of(f.id)
                if seen.isdisjoint(cluster.ids if cluster is not None else (f.id,)):
                    fresh.append((score, d))
        else:
            fresh = [(score, d) for score, d in top if reader.stored(d).id not in seen]
        # Without text terms nothing is relevant: the filters' own scores mean nothing (as query.run).
        hits = tuple(hit(reader, d, score if c.query is not None else 0.0, c.terms, snippets=snippets)
                     for score, d in fresh)
        if request.collapse:
            hits = with_duplicates(keys.copies, hits)
        archive = reader.archive
    return SearchResult(total=total, hits=hits, archive=archive)


def add(state: Path, index_dir: Path, w: Watch, *, from_start: bool = False, replace: bool = False,
        wait: float = 5.0) -> tuple[Watch, int]:
    """Save `w` (its `seen` ignored): its current hits count as seen unless
    `from_start`. Returns the saved watch and how many articles match now.

    Raises:
        WatchError: a bad name, or the name is taken (without `replace`).
        QueryError, DateError, IndexMissing...: the search cannot run.
    """
    check_name(w.name)
    store = WatchStore(state, index_dir)
    if w.name in store.load() and not replace:  # (said before searching; checked again below, locked)
        raise _taken(store, w.name)
    current = new_hits(index_dir, request_of(w), frozenset(), snippets=False)
    saved = replaced(w, created=now(), last_run=None,
                     seen=frozenset() if from_start else frozenset(i for h in current.hits for i in _ids(h)))
    with store.locked(wait):
        watches = store.load()
        if w.name in watches and not replace:
            raise _taken(store, w.name)
        watches[w.name] = saved
        store.save(watches)
    return saved, current.total


def _ids(h: Hit) -> tuple[str, ...]:
    """The ids a shown hit makes seen: its own and (--collapse) its copies'."""
    return (h.id, *h.duplicates) if h.duplicates else (h.id,)


def _taken(store: WatchStore, name: str) -> WatchError:
    return WatchError(f"a saved search named '{name}' exists already for {store.index}; "
                      "give --replace to replace it")


def remove(state: Path, index_dir: Path, name: str, *, wait: float = 5.0) -> Watch:
    """Delete a watch; return it. WatchError if there is none of that name."""
    store = WatchStore(state, index_dir)
    with store.locked(wait):
        watches = store.load()
        _check_known(store, watches, [name])
        gone = watches.pop(name)
        store.save(watches)
    return gone


def listing(state: Path, index_dir: Path) -> list[Watch]:
    """Every watch of the index, in name order (nothing is locked or written)."""
    return list(WatchStore(state, index_dir).load().values())


def _check_known(store: WatchStore, watches: dict[str, Watch], names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in watches]
    if unknown:
        known = ", ".join(watches) or "none yet"
        raise WatchError(f"no saved search named '{shown(unknown[0])}' for {store.index} "
                         f"(saved: {known}; see 'egovsearch watch list')")


@dataclass
class Run:
    """The new hits of a run, per watch, while the run holds the watches' lock.

    A hit counts as seen only once :meth:`record` is called for it (by
    :meth:`streamed` after the caller's flush): the caller decides when a
    record has reached its reader."""

    results: list[tuple[Watch, SearchResult]]
    _log: SeenLog
    _recorded: dict[str, int] = field(default_factory=dict)

    @property
    def new(self) -> int:
        """New hits over every watch of the run."""
        return sum(len(r.hits) for _, r in self.results)

    def record(self, w: Watch, h: Hit) -> None:
        """`h` has been shown for `w`: it is not new again, nor (--collapse)
        any of its copies."""
        for aid in _ids(h):
            self._log.record(w.name, aid)
        self._recorded[w.name] = self._recorded.get(w.name, 0) + 1

    def record_all(self) -> None:
        """Every new hit has been shown (a table drawn at once)."""
        for w, result in self.results:
            for h in result.hits:
                self.record(w, h)

    def streamed(self, flush: Callable[[], None]) -> Iterator[tuple[Watch, SearchResult]]:
        """The new hits one at a time, each as its own result. A hit is
        recorded when the next is asked for (or the stream ends), after
        `flush` returned: the writer has written it by then, and the flush
        has passed it on (a closed pipe raises there, and it stays new)."""
        for w, result in self.results:
            for h in result.hits:
                yield w, SearchResult(total=result.total, hits=(h,), archive=result.archive)
                flush()
                self.record(w, h)

    def finished(self) -> list[str]:
        """The watches of the run whose every new hit has been recorded."""
        return [w.name for w, r in self.results if self._recorded.get(w.name, 0) >= len(r.hits)]


@contextmanager
def run(state: Path, index_dir: Path, names: Sequence[str] = (), *, wait: float = 5.0,
        snippets: bool = True) -> Iterator[Run]:
    """Run the watches of `names` (all, in name order, when empty) and hold
    their lock while the caller shows the new hits. On leaving, even by an
    exception, what was recorded is saved, and the watches whose new hits were
    all shown get this run as their last.

    Raises:
        WatchLocked: another run holds the lock for more than `wait` seconds.
        WatchError: an unknown name.
    """
    store = WatchStore(state, index_dir)
    with store.locked(wait):
        watches = store.load()
        wanted = list(dict.fromkeys(names)) if names else list(watches)
        _check_known(store, watches, wanted)
        today = _today()  # one day for every watch of the run
        # Every search runs before the first hit is shown: a failing one stops the run with nothing printed.
        results = [(watches[n], new_hits(index_dir, request_of(watches[n], today), watches[n].seen,
                                         snippets=snippets)) for n in wanted]
        started = now()
        with store.journal_writer() as log:
            current = Run(results, log)
            try:
                yield current
            finally:
                _save_run(store, current, started)


def _save_run(store: WatchStore, done: Run, started: str) -> None:
    """Merge what a run recorded into the file; a watch shown in full gets `started` as its last run."""
    watches = store.load()  # (the journal holds what was recorded)
    for name in done.finished():
        if name in watches:
            watches[name] = replaced(watches[name], last_run=started)
    store.save(watches)
