"""Running compiled queries: engine nodes to Whoosh queries, over one open index.

`open_reader` opens the index (failures while reading are damage, as
``store.reading`` decides) and yields a `Reader`, whose methods take
``engine.nodes`` and return plain data: (score, document number) lists,
`Stored` records, column values, document frequencies. Document numbers are
valid only while the reader is open. No Whoosh object leaves this module.

Queries are scored by ``engine.scoring`` (Whoosh's BM25F over whole posting
lists). ``title:`` checks (`InTitle`) are evaluated here, when the query
runs: the index has no title field, so candidates are checked against their
stored titles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from pickle import loads
from typing import TYPE_CHECKING, Any, cast

from whoosh import query as wq
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.columns import CompressedBytesColumn, PickleColumn
from whoosh.matching import ListMatcher, NullMatcher

from egovsearch.core.textfold import fold
from egovsearch.engine import nodes as n
from egovsearch.engine.analysis import analysis
from egovsearch.engine.schema import date_to_int, int_to_date
from egovsearch.engine.scoring import FastPhrase, best_first, by_date, hybrid, matches, oldest_date
from egovsearch.engine.store import load_copies, open_index, read_meta, reading

if TYPE_CHECKING:
    from egovsearch.core.copies import Copies

Ranked = list[tuple[float, int]]  # (score, global document number)


class Stored(n.Frozen):
    """The stored fields of one indexed article. (`Frozen` records, not
    dataclasses, for start-up time: see engine.nodes.)"""

    __slots__ = ("id", "path", "title", "source", "published", "crawled", "language")
    id: str
    path: str  # relative to the archive root
    title: str
    source: str | None
    published: date | None
    crawled: date | None
    language: str

    def __init__(self, id: str, path: str, title: str, source: str | None, published: date | None,
                 crawled: date | None, language: str) -> None:
        self._init(id, path, title, source, published, crawled, language)


class TitleCheck(n.Frozen):
    """What an `InTitle` check found: `kept` of `candidates` articles."""

    __slots__ = ("kept", "candidates")
    kept: int
    candidates: int

    def __init__(self, kept: int, candidates: int) -> None:
        self._init(kept, candidates)


class DocSet(wq.Query):  # type: ignore[misc]
    """Matches a fixed set of (global) document numbers: the result of a title check."""

    def __init__(self, docnums: frozenset[int]) -> None:
        self.docnums = docnums

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocSet) and other.docnums == self.docnums

    def __hash__(self) -> int:
        return hash(self.docnums)

    def estimate_size(self, ixreader: Any) -> int:
        return len(self.docnums)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        offset = searcher.get_parent()._offset_for_subsearcher(searcher) if searcher.has_parent() else 0
        end = offset + searcher.doc_count_all()
        local = sorted(d - offset for d in self.docnums if offset <= d < end)
        return ListMatcher(local, all_weights=1.0) if local else NullMatcher()


def _record(f: dict[str, Any]) -> Stored:
    """The `Stored` record of a document's stored fields."""
    return Stored(id=f["id"], path=f["path"], title=f.get("title", ""), source=f.get("source"),
                  published=_date(f.get("published")), crawled=_date(f.get("crawled")),
                  language=f.get("language", "en"))


_DATES: dict[int | None, date | None] = {}  # yyyymmdd -> date: a listing meets few distinct days


def _date(value: int | None) -> date | None:
    d = _DATES.get(value, _DATES)
    if d is _DATES:
        if len(_DATES) >= 100_000:
            _DATES.clear()
        d = _DATES[value] = int_to_date(value)
    return cast(date | None, d)


# A segment's stored fields are read in one go when the records wanted lie in a
# span at most this many times the bytes they need (or at most _SPAN_MIN bytes);
# else one read each (two hits at both ends of a large segment).
_SPAN_FACTOR = 8
_SPAN_MIN = 1 << 20


def _segment_stored(reader: Any, docnums: list[int]) -> list[dict[str, Any]]:
    """The stored fields of documents of one segment (ascending local numbers)."""
    try:
        column = reader._perdoc._cached_reader("_stored", STORED_COLUMN)
    except AttributeError:  # not a W3 segment reader
        column = None
    if type(column) is not PickleColumn.Reader or type(column._child) is not CompressedBytesColumn.Reader:
        return [reader.stored_fields(d) for d in docnums]
    data = column._child
    offsets, lengths, base, decompress = data._offsets, data._lengths, data._basepos, data._decompress
    if docnums[-1] >= len(lengths):
        raise IndexError(f"no document {docnums[-1]} in a segment of {len(lengths)}")
    first, last = offsets[docnums[0]], offsets[docnums[-1]] + lengths[docnums[-1]]
    needed = sum(lengths[d] for d in docnums)
    if last - first <= max(_SPAN_MIN, _SPAN_FACTOR * needed):
        span = data._dbfile.get(base + first, last - first)
        raw = [span[offsets[d] - first:offsets[d] - first + lengths[d]] for d in docnums]
    else:
        get = data._dbfile.get
        raw = [get(base + offsets[d], lengths[d]) if lengths[d] else b"" for d in docnums]
    # As Whoosh's readers do: no value is {}, and keys the schema lacks are dropped.
    names = set(reader.schema.names())
    out = []
    for b in raw:
        fields = loads(decompress(b)) if b else None
        if not fields:
            fields = {}
        elif not fields.keys() <= names:
            fields = {k: v for k, v in fields.items() if k in names}
        out.append(fields)
    return out


_MAX_FILTERS = 64  # filter and title-check document sets a reader keeps (each up to one int per document)


def _date_value(v: int | None) -> int:
    """A published column value, 0 for undated (Whoosh fills gaps with 2**32-1)."""
    return v if v and v <= 99991231 else 0


class Reader:
    """One open index: runs queries and reads what they found."""

    def __init__(self, searcher: Any, archive: str, index_dir: Path | None = None) -> None:
        self._s = searcher
        self.archive = archive  # absolute archive root the index was built from ("" if unknown)
        self.index_dir = index_dir
        self._titles: dict[n.InTitle, tuple[DocSet, TitleCheck]] = {}
        # Filter documents per filter node: a --stdin batch runs every line
        # under the same filters (Whoosh recomputes a filter at each search).
        self._filters: dict[n.Node, set[int]] = {}
        self._copies: Copies | None = None

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Whoosh's read errors inside become IndexDamaged (as inside
        `open_reader`), for work done on a reader kept open across requests."""
        if self.index_dir is None:
            yield
            return
        with reading(self.index_dir):
            yield

    # -- queries ---------------------------------------------------------

    def _query(self, node: n.Node) -> Any:
        """The Whoosh query of a node (the same shape: Whoosh's scores follow it)."""
        if isinstance(node, n.Term):
            return wq.Term(node.field, node.text, boost=node.boost)
        if isinstance(node, n.AnyOf):
            return wq.Or([self._query(i) for i in node.items])
        if isinstance(node, n.AllOf):
            return wq.And([self._query(i) for i in node.items])
        if isinstance(node, n.Not):
            return wq.Not(self._query(node.item))
        if isinstance(node, n.DisMax):
            return wq.DisjunctionMax([self._query(i) for i in node.items])
        if isinstance(node, n.Phrase):
            return FastPhrase(node.field, list(node.words), slop=node.slop, offsets=node.offsets)
        if isinstance(node, n.Prefix):
            return wq.Prefix(node.field, node.text)
        if isinstance(node, n.Wildcard):
            return wq.Wildcard(node.field, node.pattern)
        if isinstance(node, n.DateRange):
            # Undated articles have no published term, so they never pass a date range.
            return wq.NumericRange("published", date_to_int(node.low) or 1, date_to_int(node.high) or 99991231)
        if isinstance(node, n.Every):
            return wq.Every()
        return self._title(node)[0]

    def _title(self, node: n.InTitle) -> tuple[DocSet, TitleCheck]:
        """The documents passing a title check (worked out once per reader)."""
        done = self._titles.get(node)
        if done is not None:
            return done
        inner = self._query(node.inner)
        scan = wq.SpanFirst(inner, limit=node.scan) if node.scan else inner
        candidates = list(self._s.docs_for_query(scan))
        wanted = {w.lang: w.words for w in node.words}
        keep = set()
        for docnum in candidates:
            fields = self._s.stored_fields(docnum)
            lang = fields.get("language", "en")
            title = fields.get("title", "")
            title_terms = {t for _, _, ts in analysis(lang).spans(title) for t in ts}
            if node.prefix is not None:
                ok = any(t.startswith(node.prefix) for t in title_terms) or node.prefix in fold(title)
            else:
                words = wanted.get(lang, ())
                ok = bool(words) and all(set(ts) & title_terms for ts in words)
            if ok:
                keep.add(docnum)
        if len(self._titles) >= _MAX_FILTERS:
            self._titles.clear()
        done = self._titles[node] = (DocSet(frozenset(keep)), TitleCheck(len(keep), len(candidates)))
        return done

    def title_check(self, node: n.InTitle) -> TitleCheck:
        """How many candidates a title check kept (for --explain)."""
        return self._title(node)[1]

    def _allowed(self, filter: n.Node | None) -> set[int] | None:
        if filter is None:
            return None
        allowed = self._filters.get(filter)
        if allowed is None:
            if len(self._filters) >= _MAX_FILTERS:
                self._filters.clear()
            allowed = self._filters[filter] = set(self._s.docs_for_query(self._query(filter)))
        return allowed

    def matches(self, query: n.Node, filter: n.Node | None = None) -> Ranked:
        """(score, docnum) of every document matching `query` and `filter`, in no order."""
        q = self._query(query)
        return matches(self._s, q, self._allowed(filter))

    def ranked(self, query: n.Node, filter: n.Node | None = None, *, sort: str = "relevance",
               limit: int | None = None) -> tuple[int, Ranked]:
        """How many documents match, and the first `limit` (None: all) of them:
        best first (`sort` "relevance"), or by date ("newest", "oldest")."""
        found = self.matches(query, filter)
        if sort == "relevance":
            return len(found), best_first(found, limit)
        return len(found), by_date(self._s, found, newest=sort == "newest", limit=limit)

    def oldest_published(self) -> date | None:
        """The earliest publication date in the index (None when nothing is dated)."""
        return int_to_date(oldest_date(self._s))

    def ranked_hybrid(self, query: n.Node, filter: n.Node | None, *, half_life_days: float, today: date,
                      limit: int | None = None) -> tuple[int, list[tuple[float, float, int]]]:
        """How many documents match, and the first `limit` (None: all) of them
        by relevance blended with recency, as (blended, relevance, docnum):
        see :func:`egovsearch.engine.scoring.hybrid`."""
        found = self.matches(query, filter)
        today_value = today.year * 10000 + today.month * 100 + today.day
        return len(found), hybrid(self._s, found, half_life_days, today_value, limit)

    # -- stored fields and columns -------------------------------------------

    def stored(self, docnum: int) -> Stored:
        return _record(self._s.stored_fields(docnum))

    def stored_many(self, docnums: Sequence[int]) -> list[Stored]:
        """The stored fields of many documents, in the order given (the same
        records as `stored`, one by one).

        Whoosh reads a document's stored fields through four layers (~60 µs
        each: 0.3 s of listing 5,000 hits). Here each segment's records are
        read in document order straight from its stored-field column: the
        byte span they lie in at once, then each one decompressed and
        unpickled. A segment whose column is not Whoosh's pickled,
        compressed one is read document by document."""
        out: list[Stored | None] = [None] * len(docnums)
        wanted = sorted(range(len(docnums)), key=docnums.__getitem__)  # positions in document order
        i = 0
        for reader, offset in self._s.reader().leaf_readers():
            end = offset + reader.doc_count_all()
            j = i
            while j < len(wanted) and docnums[wanted[j]] < end:
                j += 1
            if j > i:
                local = [docnums[k] - offset for k in wanted[i:j]]
                for k, fields in zip(wanted[i:j], _segment_stored(reader, local), strict=True):
                    out[k] = _record(fields)
            i = j
        if i < len(wanted):  # (a document number past the last segment: as stored() would)
            raise IndexError(f"no document {docnums[wanted[i]]}")
        return cast(list[Stored], out)

    def paths(self, docnums: Iterable[int]) -> list[str]:
        """The stored archive paths of documents."""
        stored = self._s.stored_fields
        return [stored(d)["path"] for d in docnums]

    def published(self, docnums: Iterable[int]) -> list[int]:
        """The publication dates (yyyymmdd, 0 when undated) of documents."""
        docnums = list(docnums)
        if not docnums:  # (an empty index's reader has no columns at all)
            return []
        pub = self._s.reader().column_reader("published")
        return [_date_value(pub[d]) for d in docnums]

    def columns(self) -> Iterator[tuple[str | None, int, str]]:
        """(source, published yyyymmdd or 0, language) of every live document."""
        reader = self._s.reader()
        if not reader.doc_count():  # an empty index's reader has no columns at all
            return
        src = reader.column_reader("source") if reader.has_column("source") else None
        pub = reader.column_reader("published")
        lang = reader.column_reader("language")
        for docnum in reader.all_doc_ids():
            source = src[docnum] if src is not None else None
            yield (source or None), _date_value(pub[docnum]), lang[docnum]

    def doc_count(self) -> int:
        """Live documents."""
        return int(self._s.doc_count())

    def doc_frequency(self, field: str, term: str) -> int:
        """Live and deleted documents holding `term` in `field` (as Whoosh counts)."""
        return int(self._s.doc_frequency(field, term))

    def document_number(self, path: str) -> int | None:
        """The document of an archive path ('/'-separated, relative), if indexed.

        A path that is no UTF-8 text (a byte of the command line that Python
        passes on as a surrogate, $'\\xff') is no indexed path: Whoosh would
        raise UnicodeEncodeError encoding it."""
        if not path.isascii() and any("\ud800" <= c <= "\udfff" for c in path):
            return None
        docnum = self._s.document_number(path=path)
        return None if docnum is None else int(docnum)

    def indexed_paths(self) -> Iterator[str]:
        """Every archive path in the index, in order."""
        for raw in self._s.lexicon("path"):
            yield raw.decode("utf-8")

    # -- ids and publication names ----------------------------------------------

    def _terms(self, field: str, prefix: str = "") -> Iterator[str]:
        """The terms of a field starting with `prefix`, in order; those of deleted
        documents linger until their segment is merged. (An empty index's
        reader has no terms at all.)"""
        reader = self._s.reader()
        if not reader.doc_count_all():
            return
        for raw in reader.expand_prefix(field, prefix):
            yield raw.decode("utf-8")

    def ids_with_prefix(self, prefix: str) -> list[str]:
        """The distinct ids starting with `prefix` (lowercase hex) that live documents have."""
        ids = list(self._terms("id", prefix))
        if self._s.reader().has_deletions():  # (a posting read per id only when some are gone)
            ids = [aid for aid in ids if self.docs_with_id(aid)]
        return ids

    def docs_with_id(self, aid: str) -> list[int]:
        """The live documents with the id `aid`, in path order (more than one: copies of a page)."""
        docs = self._s.docs_for_query(wq.Term("id", aid))
        return sorted(docs, key=lambda d: str(self._s.stored_fields(d)["path"]))

    def short_ids(self, ids: Iterable[str], least: int = 8) -> dict[str, str]:
        """The shortest prefix, at least `least` characters, of each id that no
        other id of the index starts with.

        The id lexicon is sorted, so the only ids that can share more than
        `least - 1` characters with an id are those starting with its first
        `least`: one seek each (almost always finding the id alone). An id of a
        deleted document may make a prefix longer than needed, never ambiguous.
        """
        out: dict[str, str] = {}
        for aid in ids:
            if aid in out:
                continue
            shared = 0
            for other in self._terms("id", aid[:least]):
                if other != aid:
                    same = next((i for i, (a, b) in enumerate(zip(aid, other, strict=False)) if a != b),
                                min(len(aid), len(other)))
                    shared = max(shared, same)
            out[aid] = aid[:max(least, shared + 1)]
        return out

    def source_names(self) -> list[str]:
        """The publication names of the index, in order (as for every term, a
        name only deleted articles had lingers until their segment is merged)."""
        return list(self._terms("source"))

    def has_source_key(self, key: str) -> bool:
        """Whether a live document has the folded publication name `key` (what --source matches)."""
        return any(True for _ in self._s.docs_for_query(wq.Term("source_key", key)))

    # -- copies ------------------------------------------------------------------

    def copies(self) -> Copies:
        """The copy clusters of the generation this reader sees (read once).

        Raises:
            IndexDamaged: its ``copies-<generation>.json`` is missing or garbled.
        """
        if self._copies is None:
            # (core.copies loads here: its records cost a plain query ~5 ms to define)
            if self.index_dir is None:
                from egovsearch.core.copies import Copies

                self._copies = Copies(())
            else:
                self._copies = load_copies(self.index_dir, self._s.reader().generation())
        return self._copies

    def ids(self, docnums: Sequence[int]) -> list[str]:
        """The ids of documents, from the id column (no stored fields read)."""
        if not docnums:  # (an empty index's reader has no columns at all)
            return []
        column = self._s.reader().column_reader("id")
        return [column[d] for d in docnums]


@contextmanager
def open_reader(index_dir: Path) -> Iterator[Reader]:
    """The index opened for reading; failures inside are reported as damage."""
    ix = open_index(index_dir, check_segments=False)
    archive = read_meta(index_dir).archive or ""
    with reading(index_dir), ix.searcher() as s:  # opens every segment: damage is reported here
        yield Reader(s, archive, index_dir)
