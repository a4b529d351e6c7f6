"""Build and update the index: incremental, parallel, and safe to interrupt.

How a run works:
1. Take the project's lock (``.egovsearch.lock``, waiting ``lock_timeout`` s).
2. Walk the archive and compare each file with the manifest (``changed``, the
   one rule ``doctor`` uses too): an equal size and mtime is unchanged; an
   equal size with another mtime is read and its content hash decides (a
   touched file is unchanged, and its new mtime is recorded). A run that would
   remove most of the index (an unmounted share) stops here unless forced
   (``WouldRemoveMost``). Leftovers of earlier killed or failed runs are
   removed (``store.leftovers``). With nothing to do, Whoosh is never imported.
3. Parse and index the files to read: in ``jobs`` worker processes for big
   batches, each writing its own Whoosh segment into the index directory
   (files no table of contents refers to yet), or in this process.
4. Check that every segment holds exactly the documents fed to it, delete the
   replaced and removed documents, and commit one new table of contents.
   Whoosh's commit is a rename of that file, so an interrupted run leaves the
   previous generation whole; its orphaned files go at the next commit.
5. Check the committed document count, then write the vocabularies, the
   manifest (which records the vocabularies' size and mtime and the committed
   segments) and meta.

A run that fails (disk full, permission lost, a worker killed) removes its
own partial files before the error leaves ``update_index``, and says in one
line what happened (``IndexWriteFailed``); the previous index stays whole.
Progress is reported per phase (``PHASES``), so that the minutes after the
last article was fed (workers writing their segments, the commit, the
vocabularies) are named on the bar.

The side files are checked like the archive's files: a vocabulary whose size
or mtime is not the recorded one is read and checked whole, and one that is
missing or garbled is rebuilt, with nothing else to do too, by reading the
archive again: the index holds stems, not the word forms a vocabulary lists,
and no bodies, so this is the only source (on 2,000 generated articles with
2 processes it took 1.7 s, 17 % of the build's 9.7 s; medians of 3). A
manifest that had to be recovered from the index is written too.

Whoosh's own multiprocess writer is not used: it drops a crashed worker's
documents silently (../shared/notes/WHOOSH.md §4). Here a worker's failure
is an exception in the parent and nothing is committed.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MethodType
from typing import Any, NamedTuple

from egovsearch.core import archive as arc
from egovsearch.core import copies as copying
from egovsearch.core import vocab as vocabulary
from egovsearch.core.errors import (
    ArchiveError,
    EgovsearchError,
    IndexDamaged,
    IndexIncomplete,
    IndexLocked,
    IndexNotWritable,
    IndexOutdated,
    IndexWriteFailed,
    NotAnArticle,
    WouldRemoveMost,
)
from egovsearch.core.files import read_json, wait_for_lock, write_atomic, write_json
from egovsearch.core.reports import IndexReport, Skipped
from egovsearch.engine.store import (
    INDEX_NAME,
    MANIFEST,
    META,
    SCHEMA_VERSION,
    copy_names,
    damaged_copy_files,
    generation,
    leftovers,
    old_copy_files,
    read_clusters,
    read_meta,
    read_sketches,
    remove_leftovers,
    segment_ids,
)

# progress(phase, done, total): `total` 0 when the phase has no count.
Progress = Callable[[str, int, int], None]
READING = "reading"  # walking the archive, comparing it with the manifest
INDEXING = "indexing"  # parsing and indexing articles (done/total files)
SEGMENTS = "writing segments"  # workers writing their postings after the last article
COPIES = "finding copies"  # pairing up the new articles with every other (core.copies)
COMMITTING = "committing"  # deleting old versions, merging, the new table of contents
COUNTING = "counting words"  # reading the archive again for a vocabulary rebuild
SAVING = "writing vocabulary"  # vocabularies, manifest, meta
PHASES = (READING, INDEXING, SEGMENTS, COPIES, COMMITTING, COUNTING, SAVING)
# A run that would remove more than half of the index's articles, and more
# than this many, stops unless forced (an unmounted share looks empty).
REMOVE_FREELY = 20
LANGS = ("en", "de")  # languages with a vocabulary (engine.analysis.LANGUAGES, without Whoosh)
LOCK_FILE = ".egovsearch.lock"
PARALLEL_MIN = 400  # fewer files than this are indexed in-process (pool start-up costs ~0.3 s)
LIMIT_MB = 96  # Whoosh pool memory of the in-process writer
MAX_POSTINGS = 3_000_000  # a worker closes its segment here and starts another (~190 MB peak)
# Separate segment files, not one compound file: Whoosh reads a compound
# segment by copying each of its parts into memory (BytesIO over an mmap
# slice) at every open, which costs every query time proportional to the index.
COMPOUND = False


@contextmanager
def _locked(index_dir: Path, timeout: float) -> Iterator[None]:
    """Exclusive lock for one index run; waits up to `timeout` seconds."""
    try:
        fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise IndexNotWritable(f"cannot write to the index directory {index_dir}: {e.strerror}") from e
    try:
        if not wait_for_lock(fd, timeout):
            raise IndexLocked(f"another 'egovsearch index' is writing {index_dir}; "
                              f"waited {timeout:g} s, try again when it has finished")
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def _term_as_interrupt() -> Iterator[None]:
    """SIGTERM takes the same clean-up path as Ctrl-C (cancel, keep the old index)."""
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt
    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


class ToRead(NamedTuple):
    """An archive file an index run reads (a NamedTuple: lists of them are pickled
    to the workers, and a tuple pickles fastest)."""

    rel: str  # path relative to the archive, with "/"
    size: int
    mtime: int  # st_mtime_ns
    old_hash: str | None  # content hash of the indexed version; None: not indexed yet


class ManifestEntry(NamedTuple):
    """An indexed file in ``manifest.json``, where it is the list [size, mtime, hash, id]
    (a NamedTuple is written to JSON as that list)."""

    size: int
    mtime: int
    hash: str
    id: str

    def pack(self) -> str:
        # A worker holds one entry per file until it returns: a string costs a
        # third of a four-item tuple.
        return f"{self.size} {self.mtime} {self.hash} {self.id}"

    @classmethod
    def unpack(cls, packed: str) -> ManifestEntry:
        size, mtime, digest, aid = packed.split(" ")
        return cls(int(size), int(mtime), digest, aid)


class SkipEntry(NamedTuple):
    """A file that is not an article, in ``manifest.json`` as [size, mtime, reason]."""

    size: int
    mtime: int
    reason: str


@dataclass
class _Batch:
    """What one writer (worker or in-process) did with its share of files."""

    added: dict[str, str] = field(default_factory=dict)  # rel -> ManifestEntry.pack()
    same: dict[str, str] = field(default_factory=dict)  # stat changed, content did not
    skipped: dict[str, SkipEntry] = field(default_factory=dict)
    vocab: dict[str, Counter[str]] = field(default_factory=lambda: {lang: Counter() for lang in LANGS})
    segments: list[Any] = field(default_factory=list)  # Whoosh segments a worker wrote
    docs: int = 0
    # rel -> (bands, yyyymmdd or 0, source) of each added article (core.copies)
    sketch: dict[str, tuple[bytes, int, str | None]] = field(default_factory=dict)


def _feed(add: Callable[..., None], root: str, items: list[ToRead],
          tick: Callable[[], None], delete: Callable[[str], None] | None = None) -> _Batch:
    """Parse the files of `items` and add their documents."""
    from egovsearch.engine.schema import date_to_int, document

    batch = _Batch()
    for rel, size, mtime, old_hash in items:
        tick()
        try:
            art, digest = arc.read_article(root, rel)
        except NotAnArticle as e:
            batch.skipped[rel] = SkipEntry(size, mtime, e.reason)
            continue
        entry = ManifestEntry(size, mtime, digest, art.id).pack()
        if digest == old_hash:
            batch.same[rel] = entry
            continue
        if delete is not None and old_hash is not None:
            delete(rel)
        add(**document(art, f"{size} {mtime} {digest}"))
        batch.docs += 1
        batch.added[rel] = entry
        batch.sketch[rel] = (copying.bands(copying.shingles(art.body)), date_to_int(art.published) or 0, art.source)
        batch.vocab[art.language].update(vocabulary.words(art.body, art.language))
    return batch


_counter: Any = None


def _worker_init(counter: Any, indexer_pid: int) -> None:
    global _counter
    _counter = counter
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us

    def watch() -> None:
        # A killed indexing process cannot stop its workers: they stop themselves.
        while True:
            time.sleep(0.5)
            try:
                os.kill(indexer_pid, 0)
            except ProcessLookupError:
                os._exit(1)

    import threading

    threading.Thread(target=watch, daemon=True).start()


class _TermPool:
    """Whoosh's posting pool, replaced in workers by one that groups postings
    by term as they arrive.

    Whoosh's pool keeps a ~200-byte tuple per posting, sorts them all, and
    spills pickled sorted runs to disk when its memory limit is reached, which
    made a third of the indexing time at 10,000 documents per worker. Documents
    arrive in document-number order, so each term's postings are already
    sorted: only the distinct terms need sorting. A term keeps two compact
    buffers: (document number, weight x 100) pairs, and its encoded positions
    with a length prefix each; a posting costs about 12 bytes.
    """

    def __init__(self) -> None:
        self._fields: dict[str, dict[bytes, tuple[array[int], bytearray]]] = {}
        self.postings = 0
        self.fieldnames: set[str] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        try:  # a term seen before: most postings
            numbers, data = self._fields[fieldname][tbytes]
        except KeyError:
            numbers, data = self._fields.setdefault(fieldname, {})[tbytes] = (array("I"), bytearray())
        numbers.extend((docnum, round(weight * 100)))  # weights here are sums of 1, 2 and 3
        n = len(vbytes) if vbytes else 0
        if n < 255:
            data.append(n)
        else:
            data += b"\xff" + n.to_bytes(4, "little")
        if n:
            data += vbytes
        self.postings += 1

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for tbytes in sorted(terms):
                numbers, data = terms[tbytes]
                pos = 0
                for i in range(0, len(numbers), 2):
                    n = data[pos]
                    pos += 1
                    if n == 255:
                        n = int.from_bytes(data[pos:pos + 4], "little")
                        pos += 4
                    yield fieldname, tbytes, numbers[i], numbers[i + 1] / 100, bytes(data[pos:pos + n])
                    pos += n

    def write(self, fieldwriter: Any, schema: Any, lengths: Any, doccount: int) -> None:
        """Write every term's postings straight into Whoosh's posting writer, a
        block at a time: what Whoosh's ``FieldWriter.add_postings`` does with
        ``iter_postings()``, byte for byte (tested), without its per-posting
        calls (out-of-order checks, a field-length lookup through a column
        reader, type asserts): 43 % of a worker's time under cProfile before."""
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            if not terms:
                continue
            # Field lengths as Whoosh's add_postings reads them (quantised to a
            # byte), once per document instead of once per posting.
            if lengths:
                flen = [lengths.doc_field_length(d, fieldname) for d in range(doccount)]
            else:
                flen = [0] * doccount
            fieldwriter.start_field(fieldname, schema[fieldname])
            for tbytes in sorted(terms):
                numbers, data = terms[tbytes]
                fieldwriter.start_term(tbytes)
                pw = fieldwriter._postwriter
                limit = pw._blocklimit
                docs = numbers[0::2]
                weights = [w / 100 for w in numbers[1::2]]
                values: list[bytes] = []
                pos = 0
                for _ in range(len(docs)):
                    n = data[pos]
                    pos += 1
                    if n == 255:
                        n = int.from_bytes(data[pos:pos + 4], "little")
                        pos += 4
                    values.append(bytes(data[pos:pos + n]))
                    pos += n
                for start in range(0, len(docs), limit):
                    if start:  # add_posting writes a full block before the next posting
                        pw._write_block()
                    end = start + limit
                    ids = docs[start:end]
                    ws = weights[start:end]
                    pw._ids.extend(ids)
                    pw._weights.extend(ws)
                    pw._values.extend(v for v in values[start:end] if v)
                    top = max(ws)
                    if top > pw._maxweight:
                        pw._maxweight = top
                    lens = [ln for ln in (flen[d] for d in ids) if ln]
                    if lens:
                        low, high = min(lens), max(lens)
                        if pw._minlength is None or low < pw._minlength:
                            pw._minlength = low
                        if high > pw._maxlength:
                            pw._maxlength = high
                fieldwriter.finish_term()
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self._fields = {}


def _flush_segment(self: Any) -> None:
    """Whoosh's ``SegmentWriter._flush_segment`` with the pool writing its postings itself."""
    self.perdocwriter.close()
    pdr = self.per_document_reader() if self.codec.length_stats else None
    self.pool.write(self.fieldwriter, self.schema, pdr, self.docnum)
    self.fieldwriter.close()
    if pdr:
        pdr.close()


def _segment_writer(ix: Any, direct: bool = True) -> Any:
    """A worker's writer of one new segment, its pool a _TermPool that writes its
    postings directly (`direct`; else through Whoosh's add_postings, as tests compare)."""
    from whoosh.writing import SegmentWriter

    from egovsearch.engine.codec import BlockCodec

    # _lk=False: the parent holds the write lock; this writer only writes new files.
    w = SegmentWriter(ix, _lk=False, compound=COMPOUND, codec=BlockCodec())
    w.pool = _TermPool()
    if direct:
        w._flush_segment = MethodType(_flush_segment, w)
    return w


def _worker(index_dir: str, root: str, shared: list[tuple[str, int, int, str | None]]) -> _Batch:
    """Index a share of the files (ToRead fields) into new segments of its own (worker process)."""
    from whoosh.index import open_dir

    ix = open_dir(index_dir, indexname=INDEX_NAME)
    segments: list[Any] = []
    writer: Any = None

    def new_writer() -> Any:
        return _segment_writer(ix)

    def add(**fields: Any) -> None:
        nonlocal writer
        if writer is None:
            writer = new_writer()
        writer.add_document(**fields)
        if writer.pool.postings >= MAX_POSTINGS:  # bound memory: close this segment
            segments.append(writer._finalize_segment())
            writer = None

    def tick() -> None:
        with _counter.get_lock():
            _counter.value += 1

    batch = _feed(add, root, [ToRead._make(t) for t in shared], tick)
    if writer is not None:
        segments.append(writer._finalize_segment())
    batch.segments = segments
    return batch


def _chunks(items: list[ToRead], n: int) -> list[list[ToRead]]:
    """Split into n contiguous runs of about equal bytes."""
    total = sum(i.size for i in items) or 1
    out: list[list[ToRead]] = [[] for _ in range(n)]
    acc = 0
    for item in items:
        out[min(n - 1, acc * n // total)].append(item)
        acc += item.size
    return [c for c in out if c]


def _parallel(index_dir: Path, root: str, items: list[ToRead], jobs: int,
              progress: Progress | None) -> list[_Batch]:
    import multiprocessing as mp
    from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # forkserver: children inherit no lock file descriptors from this process.
    ctx = mp.get_context("forkserver")
    # No preload: the fork server stays small; each worker imports what it needs.
    counter = ctx.Value("q", 0)
    chunks = _chunks(items, jobs)
    pool = ProcessPoolExecutor(len(chunks), mp_context=ctx, initializer=_worker_init,
                               initargs=(counter, os.getpid()))
    try:
        # As plain tuples: 20,000 NamedTuples pickle in 167 ms, tuples in 40 ms.
        futures = [pool.submit(_worker, str(index_dir), root, [(t.rel, t.size, t.mtime, t.old_hash) for t in c])
                   for c in chunks]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_EXCEPTION)
            if progress:
                fed = counter.value
                if fed < len(items):
                    progress(INDEXING, fed, len(items))
                else:  # every article fed: the workers write their postings
                    progress(SEGMENTS, 0, 0)
            for f in done:
                f.result()  # a worker's exception stops the run here, before any commit
        return [f.result() for f in futures]
    except BrokenProcessPool:
        raise IndexIncomplete("a worker process died; nothing was committed, "
                              "the previous index is unchanged") from None
    except BaseException:
        for p in list(getattr(pool, "_processes", {}).values()):
            p.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _verify(batches: list[_Batch]) -> None:
    for b in batches:
        written = sum(seg.doc_count_all() for seg in b.segments)
        if written != b.docs:
            raise IndexIncomplete(
                f"a worker wrote {written} of {b.docs} articles; "
                "nothing was committed, the previous index is unchanged")


@dataclass
class Plan:
    """What an index run would do, from the walk and the manifest alone."""

    to_read: list[ToRead]
    removed: dict[str, str]  # rel -> content hash of files gone from the archive
    # Entries as read from manifest.json ([size, mtime, hash, id] and [size,
    # mtime, reason] lists): written back as they are, and not made records one
    # by one, which would cost a no-op run on 20,000 files ~6 %.
    unchanged: dict[str, list[Any]]
    still_skipped: dict[str, list[Any]]
    walk_skips: list[Skipped]
    rebuild: bool
    # Side files an incremental run rewrites even with nothing else to do:
    # vocabularies (lang -> why) that are missing or garbled, and a manifest
    # that had to be recovered from the index.
    vocab_repair: dict[str, str] = field(default_factory=dict)
    manifest_repair: bool = False
    # The committed generation's copy files are missing: made again by reading every page.
    copies_repair: bool = False
    # Touched files: stat changed, content did not (in `unchanged` with the new
    # mtime, which the manifest records so that the next run reads them no more).
    refreshed: int = 0
    # The segments of the committed generation as the manifest records them
    # (None: unknown); they spare a no-op run opening Whoosh to look for leftovers.
    segments: set[str] | None = None
    committed: bool = False  # set once this run's table of contents is in place

    def reindexed(self) -> set[str]:
        """Files to read that the index holds already (their old version goes)."""
        return {t.rel for t in self.to_read if t.old_hash is not None}


def _load_manifest(index_dir: Path, archive: Path) -> tuple[dict[str, Any] | None, bool, bool]:
    """The manifest if it describes the current index generation of this archive,
    whether it had to be recovered from the index (it needs writing), and
    whether it is an intact one of an older generation: a run committed and
    then was killed or failed before its side files were written, so the
    vocabularies miss that run's words."""
    gen = generation(index_dir)
    try:
        meta = read_meta(index_dir)
    except IndexDamaged:
        return None, False, False  # a garbled meta.json: rebuild
    if gen is None or meta.schema != SCHEMA_VERSION or meta.archive != str(archive):
        return None, False, False
    try:
        data = read_json(index_dir / MANIFEST)
    except ValueError:
        data = None  # garbled: the index's stored fingerprints rebuild it
    if not isinstance(data, dict) or data.get("generation") != gen or not isinstance(data.get("files"), dict):
        recovered = _manifest_from_index(index_dir)  # killed between commit and manifest write, or garbled
        older = (isinstance(data, dict) and isinstance(data.get("files"), dict)
                 and isinstance(data.get("generation"), int) and data["generation"] < gen)
        return recovered, recovered is not None, recovered is not None and older
    return data, False, False


def _stat(path: Path) -> list[int] | None:
    """[size, mtime_ns] of a side file as the manifest records it; None when missing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _vocab_stat(index_dir: Path, lang: str) -> list[int] | None:
    return _stat(vocabulary.path_for(index_dir, lang))


def _vocab_repairs(index_dir: Path, manifest: dict[str, Any]) -> dict[str, str]:
    """Vocabularies that need a rebuild, lang -> why. A file whose size and
    mtime are those recorded when it was written is taken as intact, like an
    archive file (reading both files to check them would cost a no-op run on
    20,000 files ~2 %); any other is read and checked."""
    recorded = manifest.get("vocab")
    recorded = recorded if isinstance(recorded, dict) else {}
    repairs = {}
    for lang in LANGS:
        stat = _vocab_stat(index_dir, lang)
        if stat is not None and stat == recorded.get(lang):
            continue
        why = vocabulary.check(index_dir, lang)
        if why is not None:
            repairs[lang] = why
    return repairs


def _manifest_from_index(index_dir: Path) -> dict[str, Any] | None:
    """Rebuild the manifest from the fingerprints stored in the index."""
    from egovsearch.engine.store import open_index, reading

    try:
        ix = open_index(index_dir)
    except EgovsearchError:
        return None
    files: dict[str, list[Any]] = {}
    with reading(index_dir), ix.searcher() as s:
        for fields in s.all_stored_fields():
            size, mtime, digest = fields["fp"].split()
            files[fields["path"]] = [int(size), int(mtime), digest, fields["id"]]
    return {"generation": generation(index_dir), "files": files, "skipped": {}}


def changed(root: Path | str, rel: str, size: int, mtime: int, recorded: list[Any] | ManifestEntry) -> bool:
    """Whether an archive file differs from its indexed version: the one rule of
    ``index`` and ``doctor``. An equal size and mtime is unchanged, unread; another
    size is changed, unread; an equal size with another mtime is read, and the
    content hash decides (a touched or copied file is unchanged). A file that
    cannot be read is changed: the index run reads it and says why."""
    old_size, old_mtime, old_hash, _id = recorded
    if size != old_size:
        return True
    if mtime == old_mtime:
        return False
    try:
        with open(os.path.join(root, rel), "rb") as f:
            data = f.read(size + 1)
    except OSError:
        return True
    return len(data) != size or arc.content_hash(data) != old_hash


def plan(archive: Path, index_dir: Path, *, rebuild: bool = False, force: bool = False) -> Plan:
    """Compare the archive with the index's manifest. Only files whose size is
    the recorded one but not their mtime are read (``changed``).

    Raises:
        WouldRemoveMost: unless `force`, when the run would remove more than
            half of the index's articles, and more than REMOVE_FREELY; or is a
            rebuild from an archive without a single file while the index
            holds articles.
    """
    manifest, recovered, behind = (None, False, False) if rebuild else _load_manifest(index_dir, archive)
    old: dict[str, list[Any]] = manifest["files"] if manifest else {}
    old_skipped: dict[str, list[Any]] = manifest.get("skipped", {}) if manifest else {}
    walk_skips: list[Skipped] = []
    p = Plan([], {}, {}, {}, walk_skips, manifest is None, manifest_repair=recovered)
    if manifest is not None:
        p.vocab_repair = _vocab_repairs(index_dir, manifest)
        if behind:
            p.vocab_repair = {lang: "older than the index" for lang in LANGS}
        gen = generation(index_dir)
        recorded = manifest.get("copies")
        p.copies_repair = gen is not None and bool(
            damaged_copy_files(index_dir, gen, recorded if isinstance(recorded, dict) else None))
        recorded_segments = manifest.get("segments")
        if isinstance(recorded_segments, list) and all(isinstance(x, str) for x in recorded_segments):
            p.segments = set(recorded_segments)
    seen: set[str] = set()
    root = str(archive)
    for f in arc.iter_archive(archive, on_skip=lambda rel, why: walk_skips.append(Skipped(rel, why))):
        seen.add(f.relpath)
        old_hash = None
        e = old.get(f.relpath)
        if e is not None:
            size, mtime, old_hash, aid = e  # a ManifestEntry's fields
            if size == f.size and mtime == f.mtime_ns:
                p.unchanged[f.relpath] = e
                continue
            if not changed(root, f.relpath, f.size, f.mtime_ns, e):
                p.unchanged[f.relpath] = [size, f.mtime_ns, old_hash, aid]
                p.refreshed += 1
                continue
        s = old_skipped.get(f.relpath)
        if s is not None:
            size, mtime, _reason = s  # a SkipEntry's fields
            if size == f.size and mtime == f.mtime_ns:
                p.still_skipped[f.relpath] = s
                continue
        p.to_read.append(ToRead(f.relpath, f.size, f.mtime_ns, old_hash))
    p.removed = {rel: ManifestEntry(*old[rel]).hash for rel in sorted(set(old) - seen)}
    if not force:
        _refuse_mass_removal(archive, index_dir, p, old, seen)
    return p


def _refuse_mass_removal(archive: Path, index_dir: Path, p: Plan, old: dict[str, list[Any]],
                         seen: set[str]) -> None:
    """Raise WouldRemoveMost for a run that would empty most of the index.

    A rebuild (asked for, or implied by another archive or schema) is judged
    by the files the index's last manifest lists, whatever its generation: a
    rebuild from another archive would replace them too. Files that look moved
    (a new file with the id and size of a removed one; ids come from the file
    names) are not counted: moving the archive's folders around is no reason
    to ask.
    """
    removed: list[str] = list(p.removed)
    if p.rebuild:
        held = _committed_articles(index_dir)
        if not seen and held > 0:
            raise WouldRemoveMost(str(archive), held, held, rebuild=True)
        old = _listed_files(index_dir) if held > REMOVE_FREELY else {}
        removed = [rel for rel in old if rel not in seen]
    if len(removed) <= REMOVE_FREELY:
        return
    arrived = Counter((arc.article_id(t.rel), t.size) for t in p.to_read if t.old_hash is None)
    count = 0
    for rel in removed:
        size, _mtime, _hash, aid = old[rel]
        if arrived[(aid, size)] > 0:
            arrived[(aid, size)] -= 1
        else:
            count += 1
    if count > REMOVE_FREELY and count * 2 > len(old):
        raise WouldRemoveMost(str(archive), count, len(old))


def _listed_files(index_dir: Path) -> dict[str, list[Any]]:
    """The indexed files the manifest lists, of whatever generation; {} if it cannot be read."""
    try:
        data = read_json(index_dir / MANIFEST)
    except (ValueError, OSError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {rel: e for rel, e in files.items() if isinstance(e, list) and len(e) == 4}


def _committed_articles(index_dir: Path) -> int:
    """The articles of the committed index, as meta.json records them (0 if unknown)."""
    if generation(index_dir) is None:
        return 0
    try:
        data = read_json(index_dir / META)
    except (ValueError, OSError):
        return 0
    n = data.get("articles") if isinstance(data, dict) else None
    return n if isinstance(n, int) else 0


def update_index(archive: Path, index_dir: Path, *, rebuild: bool = False, jobs: int | None = None,
                 progress: Progress | None = None, lock_timeout: float = 5.0,
                 force: bool = False) -> IndexReport:
    """Bring the index at `index_dir` in line with `archive`; see the module docstring.

    Raises:
        WouldRemoveMost: the run would remove most of the index (unless `force`).
        IndexWriteFailed: writing failed (disk full...); this run's files are gone.
    """
    t0 = time.monotonic()
    archive = Path(archive).resolve()
    if not archive.is_dir():
        what = "is not a directory" if archive.exists() else "does not exist"
        raise ArchiveError(f"the archive {archive} {what}")
    index_dir = Path(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise IndexNotWritable(f"cannot create the index directory {index_dir}: {e.strerror}") from e
    if not os.access(index_dir, os.W_OK):
        raise IndexNotWritable(f"the index directory {index_dir} is not writable")
    with _locked(index_dir, lock_timeout), _term_as_interrupt():
        if progress:
            progress(READING, 0, 0)
        p = plan(archive, index_dir, rebuild=rebuild, force=force)
        cleaned = remove_leftovers(index_dir, leftovers(index_dir, p.segments))
        record_segments = False
        if p.segments is None and not p.rebuild and not p.manifest_repair:
            # A manifest written before it recorded the segments: recorded now
            # (once), so that later no-op runs need not open Whoosh to look for leftovers.
            p.segments = segment_ids(index_dir)
            record_segments = p.segments is not None
        jobs = jobs or os.cpu_count() or 1
        try:
            if not p.to_read and not p.removed and not p.rebuild:
                if p.copies_repair:
                    _repair_copies(archive, index_dir, p, progress)
                if p.vocab_repair or p.manifest_repair or p.refreshed or record_segments or p.copies_repair:
                    # only side files
                    _save_state(archive, index_dir, p, [], jobs, progress, committed=False)
                return _report(p, [], time.monotonic() - t0, cleaned)
            batches = _write(archive, index_dir, p, jobs, progress, lock_timeout)
        except BaseException as e:
            # Workers have stopped by now (_parallel waits for them): what this
            # run wrote and no committed generation uses goes before the error.
            remove_leftovers(index_dir, leftovers(index_dir))
            if isinstance(e, OSError):
                raise _write_failed(e, index_dir, committed=p.committed) from e
            raise
        return _report(p, batches, time.monotonic() - t0, cleaned)


def _write_failed(e: OSError, index_dir: Path, *, committed: bool) -> IndexWriteFailed:
    """The one line for a failed write, saying what became of the index."""
    where = f"while writing the index at {index_dir}"
    state = ("the new index was committed, but not all of its side files; run 'egovsearch index' again"
             if committed else "the previous index is unchanged")
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "no space left" if e.errno == errno.ENOSPC else "disk quota exceeded"
        return IndexWriteFailed(f"{what} on {_device(index_dir)} {where}; {state}")
    name = f" ({os.path.basename(e.filename)})" if isinstance(e.filename, str) else ""
    reason = e.strerror or str(e) or type(e).__name__
    reason = reason[:1].lower() + reason[1:]  # "Permission denied" -> "permission denied ..."
    return IndexWriteFailed(f"{reason}{name} {where}; {state}")


def _device(index_dir: Path) -> str:
    """The device holding `index_dir` ("/dev/sdb1"), else its mount point (tmpfs and
    the like have no device file); found in /proc/self/mounts where there is one."""
    path = os.path.realpath(index_dir)
    best = ("", "")
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as f:
            for line in f:
                fields = line.split()
                if len(fields) < 2:
                    continue
                source, point = (re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), x)
                                 for x in fields[:2])
                inside = path == point or path.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= len(best[1]):
                    best = (source, point)
    except OSError:
        pass
    source, point = best
    if source.startswith("/"):
        return source
    return point or path


def _write(archive: Path, index_dir: Path, p: Plan, jobs: int, progress: Progress | None,
           lock_timeout: float) -> list[_Batch]:
    from whoosh.index import LockError, create_in
    from whoosh.writing import CLEAR, MERGE_SMALL

    from egovsearch.engine.codec import BlockCodec
    from egovsearch.engine.schema import build_schema
    from egovsearch.engine.store import open_index

    # A rebuild of a readable index keeps it until the commit (mergetype CLEAR
    # drops its segments in the same atomic step). Only an index that cannot
    # be read anyway (damaged, another version) is replaced by an empty one.
    ix = None
    if generation(index_dir) is not None:
        try:
            ix = open_index(index_dir)
        except EgovsearchError:
            if not p.rebuild:
                raise
    if ix is not None and _fields(ix.schema) != _fields(build_schema()):
        # Whoosh keeps the schema an index was created with: one of other
        # fields or columns (a development build of this schema version) is
        # replaced whole by a rebuild and refused by an update.
        if not p.rebuild:
            raise IndexOutdated(str(index_dir), f"{SCHEMA_VERSION} with other fields", SCHEMA_VERSION)
        ix = None
    if ix is None:
        ix = create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)
    opened: list[Any] = []
    _record_files(ix.storage, opened)
    try:
        writer = ix.writer(timeout=lock_timeout, limitmb=LIMIT_MB, compound=COMPOUND, codec=BlockCodec())
    except LockError:
        raise IndexLocked(f"the index at {index_dir} is locked by another writer") from None
    before = 0 if p.rebuild else ix.doc_count()
    deleted = 0
    try:
        if len(p.to_read) >= PARALLEL_MIN and jobs > 1:
            batches = _parallel(index_dir, str(archive), p.to_read, jobs, progress)
            if progress:
                progress(COMMITTING, 0, 0)
            _verify(batches)
            if not p.rebuild:  # replaced versions of files that were indexed before
                indexed = p.reindexed()
                for b in batches:
                    for rel in [*b.added, *b.skipped]:
                        if rel in indexed:
                            deleted += writer.delete_by_term("path", rel)
        else:
            done = 0

            def tick() -> None:
                nonlocal done
                done += 1
                if progress and (done % 50 == 0 or done == len(p.to_read)):
                    progress(INDEXING, done, len(p.to_read))

            def delete(rel: str) -> None:
                nonlocal deleted
                deleted += writer.delete_by_term("path", rel)

            batch = _feed(writer.add_document, str(archive), p.to_read, tick,
                          None if p.rebuild else delete)
            if progress:  # the in-process writer writes its segment in the commit
                progress(COMMITTING, 0, 0)
            if not p.rebuild:
                for rel in p.reindexed() & batch.skipped.keys():  # became unreadable: it leaves
                    deleted += writer.delete_by_term("path", rel)
            batches = [batch]
        if not p.rebuild:
            for rel in p.removed:
                deleted += writer.delete_by_term("path", rel)
        if progress:
            progress(COPIES, 0, 0)
        _write_copies(archive, index_dir, p, batches, ix, writer.generation)
        if progress:
            progress(COMMITTING, 0, 0)
        segments = writer._merge_segments(CLEAR if p.rebuild else MERGE_SMALL, None, None)
        segments += [seg for b in batches for seg in b.segments]
        if writer._added:
            segments.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(segments)
        p.committed = True
        writer._finish()
    except BaseException:
        _abandon(writer, opened)
        raise
    _remove_old_copies(index_dir, writer.generation)
    expected = before - deleted + sum(b.docs for b in batches)
    ix = open_index(index_dir, check_version=False)  # meta.json is rewritten below
    if ix.doc_count() != expected:
        raise IndexIncomplete(f"the index holds {ix.doc_count()} articles, expected {expected}; "
                              "run 'egovsearch index --rebuild'")
    p.segments = {seg.segment_id() for seg in ix._segments()}
    _save_state(archive, index_dir, p, batches, jobs, progress)
    return batches


def _fields(schema: Any) -> set[tuple[str, str, bool]]:
    """A schema's fields as far as an index holds them: name, type, column or not."""
    return {(name, type(f).__name__, f.column_type is not None) for name, f in schema.items()}


def _current_ids(p: Plan, batches: list[_Batch]) -> dict[str, str]:
    """Archive path -> id of every article the index holds after this run."""
    current = {rel: e[3] for rel, e in p.unchanged.items()}
    for b in batches:
        for packed in (b.same, b.added):
            current.update((rel, ManifestEntry.unpack(e).id) for rel, e in packed.items())
    return current


def _old_copies(index_dir: Path, p: Plan) -> tuple[copying.Sketches | None, copying.Copies]:
    """The copy data of the committed generation, for an incremental run; (None,
    no clusters) for a rebuild or when it is missing or garbled (then every
    article is paired up again)."""
    gen = generation(index_dir)
    if p.rebuild or gen is None:
        return None, copying.Copies(())
    try:
        return read_sketches(index_dir, gen), read_clusters(index_dir, gen)
    except (OSError, ValueError):
        return None, copying.Copies(())


def _write_copies(archive: Path, index_dir: Path, p: Plan, batches: list[_Batch], ix: Any, gen: int) -> None:
    """Pair up this run's articles with every other and write generation
    `gen`'s copy files (before its table of contents: they commit with it)."""
    from egovsearch.engine.schema import date_to_int, int_to_date

    old, old_clusters = _old_copies(index_dir, p)
    current = _current_ids(p, batches)
    fresh: dict[str, tuple[bytes, int]] = {}
    sources: dict[str, tuple[str | None, int]] = {}
    touched = {arc.article_id(rel) for rel in p.removed}
    for b in batches:
        for rel, (bands, day, source) in b.sketch.items():
            fresh[rel] = (bands, day)
            sources[arc.article_id(rel)] = (source, day)
        touched.update(arc.article_id(rel) for rel in (*b.added, *b.skipped))
    root = str(archive)

    def read(rel: str) -> tuple[str, int] | None:
        try:
            art, _ = arc.read_article(root, rel)
        except NotAnArticle:
            return None
        return art.body, date_to_int(art.published) or 0

    up = copying.update(old, current, fresh, touched, read)
    searcher = None
    members: list[copying.Cluster] = []
    try:
        for cl in up.clusters:
            row = []
            for aid, r in cl:
                if aid in sources:
                    source, day = sources[aid]
                elif (known := old_clusters.cluster_of(aid)) is not None:
                    m = next(m for m in known.members if m.id == aid)
                    source, day = m.source, date_to_int(m.published) or 0
                else:  # an article indexed before, with its first copy now
                    if searcher is None:
                        searcher = ix.searcher()
                    stored = searcher.document(id=aid) or {}
                    source, day = stored.get("source"), stored.get("published") or 0
                published = int_to_date(day)
                row.append(copying.Copy(aid, source, published, r))
            members.append(copying.Cluster(tuple(row)))
    finally:
        if searcher is not None:
            searcher.close()
    clusters_name, sketches_name = copy_names(gen)
    write_atomic(index_dir / sketches_name, up.sketches.to_bytes())
    write_json(index_dir / clusters_name, copying.clusters_to_json(members))


def _repair_copies(archive: Path, index_dir: Path, p: Plan, progress: Progress | None) -> None:
    """Make the committed generation's missing copy files again (every page is read)."""
    from egovsearch.engine.store import open_index

    gen = generation(index_dir)
    if gen is None:
        return
    if progress:
        progress(COPIES, 0, 0)
    _write_copies(archive, index_dir, p, [], open_index(index_dir, check_version=False), gen)


def _remove_old_copies(index_dir: Path, gen: int) -> None:
    """The copy files of generations before `gen`, once `gen` is committed."""
    for name in old_copy_files(index_dir, gen):
        try:
            os.unlink(index_dir / name)
        except FileNotFoundError:
            pass


def _record_files(storage: Any, opened: list[Any]) -> None:
    """Collect every file the writer creates in `storage` and its temporary
    storages (segment files, column and pool temporaries) in `opened`."""
    create_file, temp_storage = storage.create_file, storage.temp_storage

    def create(name: str, *args: Any, **kwargs: Any) -> Any:
        opened.append(f := create_file(name, *args, **kwargs))
        return f

    def temp(*args: Any, **kwargs: Any) -> Any:
        t = temp_storage(*args, **kwargs)
        _record_files(t, opened)
        return t

    storage.create_file, storage.temp_storage = create, temp


def _abandon(writer: Any, opened: list[Any]) -> None:
    """Cancel a writer after a failure without raising again: on a full disk,
    closing its files fails too (their buffers cannot be flushed), and the
    first error is the one to report. Every file it created is closed all the
    same (an open descriptor would keep a deleted file's space in use), and
    Whoosh's write lock is released; the files go with the leftovers."""
    if writer.is_closed:
        return
    try:
        writer.cancel()
        return
    except Exception:  # noqa: BLE001, S110 - the original error is on its way
        pass
    for f in opened:
        try:  # the raw file, not StructFile.close: its callbacks would write again
            f.file.close()  # a buffered file closes its descriptor even when the flush fails
        except Exception:  # noqa: BLE001, S110
            pass
    try:
        writer._tempstorage.destroy()
    except Exception:  # noqa: BLE001, S110
        pass
    try:
        if writer.writelock:
            writer.writelock.release()
    except Exception:  # noqa: BLE001, S110
        pass
    writer.is_closed = True


def _save_state(archive: Path, index_dir: Path, p: Plan, batches: list[_Batch], jobs: int,
                progress: Progress | None = None, *, committed: bool = True) -> None:
    """Write vocabularies, manifest and (after a commit) meta."""
    files: dict[str, Any] = dict(p.unchanged)
    skipped: dict[str, Any] = dict(p.still_skipped)
    fresh: set[str] = set()
    for b in batches:
        for packed in (b.same, b.added):
            files.update((rel, ManifestEntry.unpack(e)) for rel, e in packed.items())
        skipped.update(b.skipped)
        fresh.update(b.added)
    counts = {lang: Counter[str]() for lang in LANGS}
    for b in batches:
        for lang in LANGS:
            counts[lang].update(b.vocab[lang])
    repair = set() if p.rebuild else set(p.vocab_repair)
    if repair:
        # A vocabulary holds unstemmed word forms, which the index does not
        # keep (it has stems; bodies are not stored): the archive is read again.
        if progress:
            progress(COUNTING, 0, 0)
        again = _count_words(str(archive), [rel for rel in files if rel not in fresh], jobs)
        for lang in repair:
            counts[lang].update(again[lang])
    if progress:
        progress(SAVING, 0, 0)
    for lang in LANGS:
        if lang in repair:
            vocabulary.write_vocabulary(vocabulary.path_for(index_dir, lang), counts[lang])
        else:
            vocabulary.update(index_dir, lang, counts[lang], replace=p.rebuild)
    gen = generation(index_dir)
    vocab_stats = {lang: stat for lang in LANGS if (stat := _vocab_stat(index_dir, lang)) is not None}
    manifest: dict[str, Any] = {"generation": gen, "files": files, "skipped": skipped, "vocab": vocab_stats}
    if gen is not None:
        manifest["copies"] = {name: stat for name in copy_names(gen) if (stat := _stat(index_dir / name)) is not None}
    if p.segments is not None:
        manifest["segments"] = sorted(p.segments)
    write_json(index_dir / MANIFEST, manifest)
    if committed:
        write_json(index_dir / META, {
            "archive": str(archive), "schema": SCHEMA_VERSION, "generation": gen,
            "built_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "articles": len(files)})


def _vocab_worker(root: str, rels: list[str]) -> dict[str, Counter[str]]:
    """Word forms per language, with document frequency, of the given articles."""
    counts = {lang: Counter[str]() for lang in LANGS}
    for rel in rels:
        try:
            art, _ = arc.read_article(root, rel)
        except NotAnArticle:
            continue  # unreadable since indexing: its words are not counted
        counts[art.language].update(vocabulary.words(art.body, art.language))
    return counts


def _count_words(root: str, rels: list[str], jobs: int) -> dict[str, Counter[str]]:
    """_vocab_worker's counts, in `jobs` processes for many files."""
    if len(rels) < PARALLEL_MIN or jobs < 2:
        return _vocab_worker(root, rels)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    n = min(jobs, len(rels) // (PARALLEL_MIN // 2))
    chunks = [rels[i::n] for i in range(n)]
    counts = {lang: Counter[str]() for lang in LANGS}
    with ProcessPoolExecutor(n, mp_context=mp.get_context("forkserver")) as pool:
        for part in pool.map(_vocab_worker, [root] * n, chunks):
            for lang in LANGS:
                counts[lang].update(part[lang])
    return counts


def _report(p: Plan, batches: list[_Batch], seconds: float, cleaned: int = 0) -> IndexReport:
    skipped = list(p.walk_skips)
    skipped += [Skipped(rel, SkipEntry(*s).reason) for rel, s in p.still_skipped.items()]
    added = updated = renamed = 0
    same = 0
    gone = Counter(p.removed.values())
    was_indexed = set() if p.rebuild else p.reindexed()
    for b in batches:
        same += len(b.same)
        skipped += [Skipped(rel, s.reason) for rel, s in b.skipped.items()]
        for rel, packed in b.added.items():
            entry = ManifestEntry.unpack(packed)
            if rel in was_indexed:
                updated += 1
            elif gone[entry.hash] > 0:
                gone[entry.hash] -= 1
                renamed += 1
            else:
                added += 1
    removed = len(p.removed) - renamed if not p.rebuild else 0
    repaired = tuple(vocabulary.path_for(Path(), lang).name for lang in sorted(p.vocab_repair))
    repaired += (MANIFEST,) if p.manifest_repair else ()
    repaired += ("copy clusters",) if p.copies_repair else ()
    return IndexReport(added=added, updated=updated, renamed=renamed, removed=max(removed, 0),
                       unchanged=len(p.unchanged) + same, skipped=tuple(sorted(skipped, key=lambda s: s.path)),
                       seconds=seconds, rebuilt=p.rebuild, repaired=() if p.rebuild else repaired,
                       cleaned=cleaned)
