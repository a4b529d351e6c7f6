"""The one way a query runs, for every command: parse and compile
(``query.compile``, pure), run over the open index (``engine.search``), and
turn what was found into records (``Hit``, ``SearchResult``).

``search``, ``explain`` and ``unknown_sources`` (the note on a --source no
publication has) are the query command; ``query.explore`` (timeline,
export, similar, show --highlight, sources, stats) uses `matching` and
`hit` over the same reader. Snippets (``query.snippets``) and spelling
suggestions (``query.suggest``) are made only when asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import replace
from pathlib import Path
from typing import cast

from egovsearch.core.models import Hit, SearchRequest, SearchResult
from egovsearch.core.textfold import fold_name
from egovsearch.engine.nodes import InTitle
from egovsearch.engine.search import Reader, TitleCheck, open_reader
from egovsearch.query.compile import compile_request

Marks = tuple[tuple[int, int], ...]


def search(index_dir: Path, request: SearchRequest, *, snippets: bool = True,
           suggest: bool = True, short_ids: bool = False) -> SearchResult:
    """Run a search; `request.limit` 0 counts only. Without `snippets` no
    page is read again (every Hit's snippet is ""); without `suggest` no
    "Did you mean" is looked for; with `short_ids` each Hit gets its shortest
    unique id prefix."""
    with open_reader(index_dir) as reader:
        c = compile_request(index_dir, request)
        query, flt = c.runnable()
        want = None if request.limit is None else request.offset + request.limit
        total, top = reader.ranked(query, flt, sort=request.sort, limit=want)
        # Without text terms nothing is relevant: the filters' own scores mean nothing.
        hits = tuple(hit(reader, docnum, score if c.query is not None else 0.0, c.terms, snippets=snippets)
                     for score, docnum in top[request.offset:]) if want != 0 else ()
        if short_ids:
            hits = with_short_ids(reader, hits)
        archive = reader.archive
    suggestion = None
    if suggest and total == 0 and request.query:
        from egovsearch.query.suggest import suggest as did_you_mean  # only when nothing matched

        suggestion = did_you_mean(index_dir, request.query)
    return SearchResult(total=total, hits=hits, archive=archive, suggestion=suggestion)


def matching(reader: Reader, index_dir: Path, request: SearchRequest) -> list[int]:
    """The document numbers of every article matching `request` (over the
    index at `index_dir`, open in `reader`), in no order."""
    query, flt = compile_request(index_dir, request).runnable()
    return [docnum for _, docnum in reader.matches(query, flt)]


def hit(reader: Reader, docnum: int, score: float, terms: Mapping[str, Set[str]], *,
        snippets: bool = True) -> Hit:
    """The record of one found document; its snippet marks `terms` (per
    language) and is made only with `snippets`."""
    f = reader.stored(docnum)
    snippet, marks = "", cast(Marks, ())
    if snippets:
        from egovsearch.query.snippets import page_snippet  # only outputs that print snippets

        snippet, marks = page_snippet(reader.archive, f.path, f.language, terms.get(f.language, frozenset()))
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
    return lines or ["(no query terms: every article that passes the filters)"]
