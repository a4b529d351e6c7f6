"""The one way a query runs, for every command: parse and compile
(``query.compile``, pure), run over the open index (``engine.search``), and
turn what was found into records (``Hit``, ``SearchResult``).

``search``, ``explain`` and ``unknown_sources`` (the note on a --source no
publication has) are the query command; a `Session` runs many searches over
the index opened once (``query --stdin``, scripts), reading the stored
fields of a page of hits at once. ``query.explore`` (timeline,
export, similar, show --highlight, sources, stats) uses `matching` and
`hit` over the same reader. Snippets (``query.snippets``) and spelling
suggestions (``query.suggest``) are made only when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from contextlib import ExitStack
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from egovsearch.core.models import Hit, SearchRequest, SearchResult
from egovsearch.core.textfold import fold_name
from egovsearch.engine.nodes import InTitle
from egovsearch.engine.search import Reader, Stored, TitleCheck, open_reader
from egovsearch.engine.store import generation
from egovsearch.query.compile import Compiled, compile_request

if TYPE_CHECKING:
    from egovsearch.core.copies import Copies

Marks = tuple[tuple[int, int], ...]


def search(index_dir: Path, request: SearchRequest, *, snippets: bool = True,
           suggest: bool = True, short_ids: bool = False) -> SearchResult:
    """Run a search; `request.limit` 0 counts only. Without `snippets` no
    page is read again (every Hit's snippet is ""); without `suggest` no
    "Did you mean" is looked for; with `short_ids` each Hit gets its shortest
    unique id prefix."""
    with Session(index_dir) as session:
        return session.search(request, snippets=snippets, suggest=suggest, short_ids=short_ids)


class Session:
    """The index opened once for many searches (a --stdin batch, a script).

    Kept from one request to the next: the open reader (its segments and term
    tables: opening them is a third of a short query), Whoosh's document
    frequencies, the document sets of filters and title checks, and the
    compilation of a repeated request (at most `MAX_COMPILED`). The
    vocabularies are kept per process anyway (``core.vocab``). When the index
    has a new generation (``egovsearch index`` ran meanwhile) the next request
    opens it again. A context manager; `opened` counts the openings.
    """

    MAX_COMPILED = 1024

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.opened = 0
        self._stack: ExitStack | None = None
        self._reader: Reader | None = None
        self._generation: int | None = None
        self._compiled: dict[tuple[object, ...], Compiled] = {}
        self._copy_keys: CopyKeys | None = None  # (--collapse: of the open reader)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the reader (a later request opens it again)."""
        stack, self._stack, self._reader, self._copy_keys = self._stack, None, None, None
        if stack is not None:
            stack.close()

    def reader(self) -> Reader:
        """The open reader of the index's newest generation."""
        gen = generation(self.index_dir)
        if self._reader is None or gen != self._generation:
            self.close()
            self._compiled.clear()  # (the vocabularies may have changed too)
            with ExitStack() as stack:
                reader = stack.enter_context(open_reader(self.index_dir))
                self._stack, self._reader, self._generation = stack.pop_all(), reader, gen
            self.opened += 1
        assert self._reader is not None
        return self._reader

    def copy_keys(self) -> CopyKeys:
        """What the open reader's documents fold by under --collapse (read at first use)."""
        if self._copy_keys is None:
            self._copy_keys = CopyKeys(self.reader())
        return self._copy_keys

    def compiled(self, request: SearchRequest) -> Compiled:
        """The compilation of `request` (order, limit and offset aside), made once."""
        key = (request.query, request.sources, request.since, request.until, request.language,
               request.cross_language, request.glossary)
        c = self._compiled.get(key)
        if c is None:
            c = compile_request(self.index_dir, request)
            if len(self._compiled) >= self.MAX_COMPILED:
                self._compiled.clear()
            self._compiled[key] = c
        return c

    def search(self, request: SearchRequest, *, snippets: bool = True, suggest: bool = True,
               short_ids: bool = False) -> SearchResult:
        """One search over the open index (as `search`)."""
        reader = self.reader()
        with reader.reading():
            c = self.compiled(request)
            query, flt = c.runnable()
            want = None if request.limit is None else request.offset + request.limit
            if request.collapse:  # every match is ranked: clusters are counted and cut, not articles
                want = None if want != 0 else 0
            blend: list[float] | None = None  # --sort hybrid: the blended value of each hit of `top`
            if request.collapse and want == 0:  # --count: the clusters among the matches, unranked
                total, top = len(set(self.copy_keys().keys([d for _, d in reader.matches(query, flt)]))), []
            elif request.sort == "hybrid" and c.query is not None:
                total, top3 = reader.ranked_hybrid(query, flt, half_life_days=request.half_life_days,
                                                   today=today(), limit=want)
                top, blend = [(score, docnum) for _, score, docnum in top3], [b for b, _, _ in top3]
            elif request.sort == "hybrid":  # no text terms, no relevance to blend: the newest first
                total, top = reader.ranked(query, flt, sort="newest", limit=want)
                blend = [0.0] * len(top)
            else:
                total, top = reader.ranked(query, flt, sort=request.sort, limit=want)
            if request.collapse and want is None:
                kept = first_of_each(self.copy_keys().keys([d for _, d in top]))
                total = len(kept)
                end = None if request.limit is None else request.offset + request.limit
                top = [top[i] for i in kept[:end]]
                if blend is not None:
                    blend = [blend[i] for i in kept[:end]]
            page = top[request.offset:] if want != 0 else []
            # The stored fields of all hits at once, segment by segment (engine.search).
            stored = reader.stored_many([docnum for _, docnum in page])
            # Without text terms nothing is relevant: the filters' own scores mean nothing.
            relevant = c.query is not None
            hits = tuple(_hit(reader.archive, f, score if relevant else 0.0, c.terms, snippets)
                         for (score, _), f in zip(page, stored, strict=True))
            if blend is not None:
                hits = tuple(replace(h, hybrid=b) for h, b in zip(hits, blend[request.offset:], strict=True))
            if request.collapse:
                hits = with_duplicates(self.copy_keys().copies, hits)
            if short_ids:
                hits = with_short_ids(reader, hits)
        suggestion = None
        if suggest and total == 0 and request.query:
            from egovsearch.query.suggest import suggest as did_you_mean  # only when nothing matched

            suggestion = did_you_mean(self.index_dir, request.query)
        return SearchResult(total=total, hits=hits, archive=reader.archive, suggestion=suggestion)


class CopyKeys:
    """What documents fold by under --collapse: ~number (negative) of their
    cluster of near-copies, else themselves, from their ids (the id column).
    An index without copies reads nothing."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader
        self.copies = reader.copies()

    def keys(self, docnums: Sequence[int]) -> list[int]:
        """The fold key of each document of `docnums`."""
        if not self.copies.clusters:
            return list(docnums)
        number = self.copies.number
        return [d if (n := number(aid)) is None else ~n
                for d, aid in zip(docnums, self._reader.ids(docnums), strict=True)]


def first_of_each(keys: Sequence[int]) -> list[int]:
    """The positions of the first occurrence of each key in `keys`."""
    kept: list[int] = []
    seen: set[int] = set()
    for i, k in enumerate(keys):
        if k not in seen:
            seen.add(k)
            kept.append(i)
    return kept


def with_duplicates(copies: Copies, hits: Sequence[Hit]) -> tuple[Hit, ...]:
    """`hits` with the ids and publications of the other members of their
    clusters of near-copies (() for a hit without copies)."""
    out = []
    for h in hits:
        cluster = copies.cluster_of(h.id)
        others = cluster.others(h.id) if cluster is not None else ()
        out.append(replace(h, duplicates=tuple(m.id for m in others),
                           duplicate_sources=tuple(m.source for m in others)))
    return tuple(out)


def today() -> date:
    """The day --sort hybrid ages articles from (one place, so tests can fix it)."""
    return date.today()


def matching(reader: Reader, index_dir: Path, request: SearchRequest) -> list[int]:
    """The document numbers of every article matching `request` (over the
    index at `index_dir`, open in `reader`), in no order."""
    query, flt = compile_request(index_dir, request).runnable()
    return [docnum for _, docnum in reader.matches(query, flt)]


def hit(reader: Reader, docnum: int, score: float, terms: Mapping[str, Set[str]], *,
        snippets: bool = True) -> Hit:
    """The record of one found document; its snippet marks `terms` (per
    language) and is made only with `snippets`."""
    return _hit(reader.archive, reader.stored(docnum), score, terms, snippets)


def _hit(archive: str, f: Stored, score: float, terms: Mapping[str, Set[str]], snippets: bool) -> Hit:
    snippet, marks = "", cast(Marks, ())
    if snippets:
        from egovsearch.query.snippets import page_snippet  # only outputs that print snippets

        snippet, marks = page_snippet(archive, f.path, f.language, terms.get(f.language, frozenset()))
    return Hit(id=f.id, path=f.path, title=f.title, source=f.source, published=f.published,
               crawled=f.crawled, language=f.language, score=score, snippet=snippet, marks=marks)


def with_short_ids(reader: Reader, hits: tuple[Hit, ...]) -> tuple[Hit, ...]:
    """`hits` with their shortest unique id prefixes (one lexicon seek each)."""
    short = reader.short_ids(h.id for h in hits)
    return tuple(replace(h, short_id=short[h.id]) for h in hits)


def unknown_sources(index_dir: Path, names: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The `names` no article of the index has as its publication (compared as
    the --source filter does: case- and umlaut-insensitive), each with up to
    three of the nearest publication names: those containing it first, then
    the most similar (difflib)."""
    if not names:
        return []
    with open_reader(index_dir) as r:
        missing = [name for name in dict.fromkeys(names) if not r.has_source_key(fold_name(name))]
        known = r.source_names() if missing else []
    by_key: dict[str, str] = {}
    for name in known:
        by_key.setdefault(fold_name(name), name)
    out = []
    for name in missing:
        key = fold_name(name)
        import difflib  # (only when a name is missing)

        containing = sorted((k for k in by_key if key and key in k), key=lambda k: (len(k), k))
        close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)
        nearest = list(dict.fromkeys([*containing, *close]))[:3]
        out.append((name, tuple(by_key[k] for k in nearest)))
    return out


def _title_line(node: InTitle, check: TitleCheck) -> str:
    lang = node.words[0].lang + ": " if node.words else ""
    return f"{lang}title: {check.kept} of {check.candidates} candidate articles"


def explain(index_dir: Path, request: SearchRequest) -> list[str]:
    """How a request is understood: terms per language, compounds, filters,
    and how many articles each title check keeps."""
    with open_reader(index_dir) as reader:
        c = compile_request(index_dir, request)
        lines = [line if isinstance(line, str) else _title_line(line, reader.title_check(line)) for line in c.explain]
        oldest = reader.oldest_published() if request.sort == "hybrid" else None
    lines = lines or ["(no query terms: every article that passes the filters)"]
    if request.sort == "hybrid":
        lines += _explain_hybrid(index_dir, request, oldest)
    return lines


def _explain_hybrid(index_dir: Path, request: SearchRequest, oldest: date | None) -> list[str]:
    """The blend and, per hit of the page, its relevance, age and blended value."""
    now = today()
    half = request.half_life_days
    lines = [f"hybrid: score x 0.5^(age in days / {half:.1f} days), today {now.isoformat()}; undated aged from "
             + (oldest.isoformat() if oldest else "today (no dated article)")]
    result = search(index_dir, request, snippets=False, suggest=False)
    for rank, h in enumerate(result.hits, request.offset + 1):
        age = max(0, (now - (h.published or oldest or now)).days)
        when = h.published.isoformat() if h.published else "undated"
        lines.append(f"{rank}. {h.id} {when}: {h.score:.4f} x 0.5^({age}/{half:.1f}) = {h.hybrid or 0.0:.4f}")
    return lines
