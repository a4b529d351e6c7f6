"""Searching: compile a query tree to Whoosh, run it, and return plain records.

A query word is analysed for both languages and searches both language
fields: German with the fully folded form (so Behörde, Behoerde and Behorde
are one term and rank identically), English with every folded variant; German
words also find their compounds from the archive's vocabulary, with a lower
boost so that the exact word ranks first. Hits are converted to `Hit`
records, with snippets read from the archive, before the searcher closes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

from egovsearch.engine import boot as _whoosh  # noqa: F401  (first: trims Whoosh start-up)

# isort: split
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from egovsearch.core import vocab as vocabulary
from egovsearch.core.archive import parse_file
from egovsearch.core.compounds import Vocabulary, compounds_of
from egovsearch.core.errors import EgovsearchError, QueryError
from egovsearch.core.models import Hit, SearchRequest, SearchResult
from egovsearch.core.textfold import fold, fold_name, fold_variants
from egovsearch.engine.analysis import LANGUAGES, WORD_RE, analysis
from egovsearch.engine.schema import date_to_int, int_to_date
from egovsearch.engine.scoring import FastPhrase, by_date, matches, scored
from egovsearch.engine.store import open_index, read_meta, reading
from egovsearch.query import parse as ql

COMPOUND_BOOST = 0.4  # a compound containing the word ranks below the word itself
TITLE_SCAN = 40  # title words lie within the first positions of the body
SNIPPET_CHARS = 200


@dataclass
class Compiled:
    """A compiled query: the Whoosh query plus what snippets and --explain need."""

    query: Any  # whoosh query or None (match all that pass the filters)
    filter: Any  # whoosh query or None
    terms: dict[str, set[str]] = field(default_factory=lambda: {lang: set() for lang in LANGUAGES})
    explain: list[str] = field(default_factory=list)

    def runnable(self) -> tuple[Any, Any]:
        """(query, filter) for Searcher.search: without query text the filters
        are the query, and no filters at all match every article."""
        if self.query is not None:
            return self.query, self.filter
        return (self.filter if self.filter is not None else wq.Every()), None


class DocSet(wq.Query):
    """Matches a fixed set of (global) document numbers; used for `title:` terms,
    which are checked against the stored titles (the index has no title field)."""

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


class _Compiler:
    def __init__(self, searcher: Any, index_dir: Path) -> None:
        self.s = searcher
        self.index_dir = index_dir
        self.c = Compiled(None, None)
        self._vocab: Vocabulary | None = None

    def vocab(self) -> Vocabulary:
        if self._vocab is None:
            try:
                self._vocab = Vocabulary.load(vocabulary.path_for(self.index_dir, "de"))
            except (OSError, ValueError):
                self._vocab = Vocabulary.from_counts({})
        return self._vocab

    def node(self, n: ql.Node) -> Any:
        if isinstance(n, ql.And):
            parts = [q for q in map(self.node, n.items) if q is not None]
            return wq.And(parts) if len(parts) > 1 else (parts[0] if parts else None)
        if isinstance(n, ql.Or):
            parts = [q for q in map(self.node, n.items) if q is not None]
            return wq.Or(parts) if len(parts) > 1 else (parts[0] if parts else None)
        if isinstance(n, ql.Not):
            inner = self.node(n.item)
            return wq.Not(inner) if inner is not None else None
        if isinstance(n, ql.Range):
            return self.date_range(n.low, n.high)
        f = n.field
        if f in ("source", "language", "published"):
            return self.keyword(f, n.pattern if isinstance(n, ql.Wildcard) else n.text)
        if isinstance(n, ql.Word):
            q = self.word(n.text)
        elif isinstance(n, ql.Phrase):
            q = self.phrase(n.text)
        else:
            q = self.wildcard(n.pattern)
        if q is not None and f == "title":
            q = self.in_title(q, n)
        return q

    def word(self, word: str) -> Any:
        if "-" in word.strip("-"):
            # E-Government: the joined whole, or its parts as a phrase ("e government").
            whole = self.word_terms_only(word)
            pieces = [p for p in word.split("-") if p]
            # Only when every part is a word: "E government" would be just "government".
            complete = all(analysis(lang).word_terms(p) for p in pieces for lang in LANGUAGES)
            parts = self.phrase(" ".join(pieces)) if complete else None
            alts = [q for q in (whole, parts) if q is not None]
            return wq.Or(alts) if len(alts) > 1 else (alts[0] if alts else None)
        return self.word_terms_only(word)

    def word_terms_only(self, word: str) -> Any:
        subs = []
        for lang in LANGUAGES:
            terms = analysis(lang).query_terms(word)
            if not terms:
                continue
            fname = f"body_{lang}"
            if lang == "de":
                terms = terms[-1:]  # every German document indexes the fully folded variant
            self.c.terms[lang].update(terms)
            self.c.explain.append(f"{lang}: {word} -> {' | '.join(terms)}")
            if lang == "de":
                subs.append(wq.Term(fname, terms[0]))
                subs += self.compounds(word, terms[0])
            else:
                subs.append(wq.DisjunctionMax([wq.Term(fname, t) for t in terms])
                            if len(terms) > 1 else wq.Term(fname, terms[0]))
        return wq.Or(subs) if len(subs) > 1 else (subs[0] if subs else None)

    def compounds(self, word: str, term: str) -> list[Any]:
        folded = fold_variants(word.replace("-", ""))[-1]  # as the German vocabulary stores it
        if len(folded) < 4 or not folded.isalpha():
            return []
        ana = analysis("de")
        out, shown = [], []
        for comp in compounds_of(folded, self.vocab(), limit=30):
            for t in ana.word_terms(comp)[-1:]:
                if t != term and t not in self.c.terms["de"]:
                    out.append(wq.Term("body_de", t, boost=COMPOUND_BOOST))
                    self.c.terms["de"].add(t)
                    shown.append(comp)
        if shown:
            self.c.explain.append(f"de: {word} compounds -> {', '.join(shown[:10])}"
                                  + (f" (+{len(shown) - 10})" if len(shown) > 10 else ""))
        return out

    def phrase(self, text: str) -> Any:
        subs = []
        for lang in LANGUAGES:
            positions = analysis(lang).phrase_terms(text)
            while positions and not positions[0]:
                positions.pop(0)
            while positions and not positions[-1]:
                positions.pop()
            words = [p for p in positions if p]
            if not words:
                continue
            gaps = len(positions) - len(words)
            fname = f"body_{lang}"
            if len(words) == 1:
                q = self.word_terms_query(fname, lang, words[0])
            elif lang == "de" or all(len(w) == 1 for w in words):
                q = FastPhrase(fname, [w[-1] for w in words], slop=1 + gaps)
            else:
                q = wq.Sequence([self.word_terms_query(fname, lang, w) for w in words], slop=1 + gaps)
            for w in words:
                self.c.terms[lang].update(w[-1:] if lang == "de" else w)
            self.c.explain.append(f'{lang}: "{text}" -> "' + " ".join("|".join(w) for w in words) + '"')
            subs.append(q)
        return wq.Or(subs) if len(subs) > 1 else (subs[0] if subs else None)

    @staticmethod
    def word_terms_query(fname: str, lang: str, terms: tuple[str, ...]) -> Any:
        if lang == "de" or len(terms) == 1:
            return wq.Term(fname, terms[-1])
        return wq.Or([wq.Term(fname, t) for t in terms])

    def wildcard(self, pattern: str) -> Any:
        folded = "".join(c if c in "*?" else fold(c) for c in pattern)
        subs = []
        for lang in LANGUAGES:
            fname = f"body_{lang}"
            stem = folded.rstrip("*")
            if "*" not in stem and "?" not in stem and folded.endswith("*"):
                subs.append(wq.Prefix(fname, stem))
            else:
                subs.append(wq.Wildcard(fname, folded))
        self.c.explain.append(f"wildcard: {pattern} -> {folded} (unstemmed, both languages)")
        return wq.Or(subs)

    def in_title(self, q: Any, n: ql.Node) -> Any:
        """Documents matching `q` whose stored title holds the node's terms."""
        text = n.text if isinstance(n, (ql.Word, ql.Phrase)) else None
        scan = q if isinstance(n, ql.Wildcard) else wq.SpanFirst(q, limit=TITLE_SCAN)
        candidates = list(self.s.docs_for_query(scan))
        keep = set()
        for docnum in candidates:
            fields = self.s.stored_fields(docnum)
            lang = fields.get("language", "en")
            title_terms = {t for _, _, ts in analysis(lang).spans(fields.get("title", "")) for t in ts}
            if text is None:
                prefix = fold(n.pattern.rstrip("*?"))  # type: ignore[union-attr]
                ok = any(t.startswith(prefix) for t in title_terms) or prefix in fold(fields.get("title", ""))
            else:
                wanted = [ts for ts in analysis(lang).phrase_terms(text) if ts]
                ok = bool(wanted) and all(set(ts) & title_terms for ts in wanted)
            if ok:
                keep.add(docnum)
        self.c.explain.append(f"title: {len(keep)} of {len(candidates)} candidate articles")
        return DocSet(frozenset(keep))

    def keyword(self, f: str, value: str) -> Any:
        if f == "source":
            self.c.explain.append(f"source = {fold_name(value)!r}")
            return wq.Term("source_key", fold_name(value))
        if f == "language":
            lang = value.lower()
            if lang not in LANGUAGES:
                raise QueryError(f"language must be de or en, not '{value}'")
            return wq.Term("language", lang)
        return self.date_range(value, value)

    def date_range(self, low: str | None, high: str | None) -> Any:
        from egovsearch.core.dates import parse_date  # only queries with dates need the parser

        lo = parse_date(low) if low else None
        hi = parse_date(high, end=True) if high else None
        self.c.explain.append(f"published: {lo or '...'} to {hi or '...'}")
        return published_range(lo, hi)


def published_range(lo: date | None, hi: date | None) -> Any:
    # Undated articles have no published term, so they never pass a date range.
    return wq.NumericRange("published", date_to_int(lo) or 1, date_to_int(hi) or 99991231)


def compile_request(searcher: Any, index_dir: Path, request: SearchRequest) -> Compiled:
    """The Whoosh query and filter of a request. Raises QueryError / DateError."""
    comp = _Compiler(searcher, index_dir)
    tree = ql.parse(request.query)
    if tree is not None:
        comp.c.query = comp.node(tree)
        if comp.c.query is None:
            raise QueryError(f"the query '{ql.quote(request.query or '')}' has only stop words; "
                             "nothing to search for")
        if isinstance(tree, ql.Not):
            comp.c.query = wq.And([wq.Every(), comp.c.query])
    filters = []
    if request.sources:
        keys = sorted({fold_name(s) for s in request.sources})
        filters.append(wq.Or([wq.Term("source_key", k) for k in keys]))
        comp.c.explain.append("filter source: " + " OR ".join(repr(k) for k in keys))
    if request.language:
        filters.append(wq.Term("language", request.language))
        comp.c.explain.append(f"filter language: {request.language}")
    if request.since or request.until:
        filters.append(published_range(request.since, request.until))
        comp.c.explain.append(f"filter published: {request.since or '...'} to {request.until or '...'}")
    comp.c.filter = wq.And(filters) if len(filters) > 1 else (filters[0] if filters else None)
    return comp.c


@contextmanager
def _searcher(index_dir: Path) -> Iterator[tuple[Any, str]]:
    ix = open_index(index_dir, check_segments=False)
    archive = read_meta(index_dir).archive or ""
    with reading(index_dir), ix.searcher() as s:  # opens every segment: damage is reported here
        yield s, archive


def search(index_dir: Path, request: SearchRequest, *, snippets: bool = True,
           suggest: bool = True) -> SearchResult:
    """Run a search; `request.limit` 0 counts only."""
    with _searcher(index_dir) as (s, archive):
        c = compile_request(s, index_dir, request)
        q, flt = c.runnable()
        want = None if request.limit is None else request.offset + request.limit
        allow = set(s.docs_for_query(flt)) if flt is not None else None
        if request.sort == "relevance":
            total, top = scored(s, q, allow, limit=want)
        else:
            found = matches(s, q, allow)
            total, top = len(found), by_date(s, found, newest=request.sort == "newest", limit=want)
        # Without text terms nothing is relevant: the filters' own scores mean nothing.
        hits = tuple(_hit(s, docnum, score if c.query is not None else 0.0, archive, c)
                     for score, docnum in top[request.offset:]) if want != 0 else ()
        suggestion = _suggest(index_dir, request.query) if suggest and total == 0 and request.query else None
        return SearchResult(total=total, hits=hits, archive=archive, suggestion=suggestion)


def _hit(s: Any, docnum: int, score: float, archive: str, c: Compiled) -> Hit:
    fields = s.stored_fields(docnum)
    lang = fields.get("language", "en")
    snippet, marks = "", cast(tuple[tuple[int, int], ...], ())
    try:
        article = parse_file(os.path.join(archive, fields["path"]), archive)
        snippet, marks = make_snippet(article.body, lang, c.terms.get(lang, set()))
    except EgovsearchError:
        pass  # the file changed or went since indexing: the hit stays, without snippet
    return Hit(id=fields["id"], path=fields["path"], title=fields.get("title", ""),
               source=fields.get("source"), published=int_to_date(fields.get("published")),
               crawled=int_to_date(fields.get("crawled")), language=lang,
               score=score,
               snippet=snippet, marks=marks)


def match_spans(text: str, lang: str, terms: set[str]) -> list[tuple[int, int]]:
    """(start, end) of the words of `text` that match any of `terms`."""
    if not terms:
        return []
    # Stemming every word of an article costs more than the search itself. A
    # stem starts like its folded word, so only words starting like one of the
    # terms are analysed.
    heads = {t[:3] for t in terms}
    initials = {h[:1] for h in heads}
    first_ok: dict[str, bool] = {}  # a word's first character, folded, starts a term?
    ana = analysis(lang)
    out: list[tuple[int, int]] = []
    for m in WORD_RE.finditer(text):
        word = m.group()
        if "-" in word or "\u2010" in word or "\u2011" in word:
            start = m.start()
            out += [(a + start, b + start) for a, b, ts in ana.spans(word) if terms.intersection(ts)]
            continue
        ok = first_ok.get(word[0])
        if ok is None:
            ok = first_ok[word[0]] = fold(word[0])[:1] in initials
        if not ok:
            continue
        variants = fold_variants(word)
        if (variants[0][:3] in heads or variants[-1][:3] in heads) and terms.intersection(ana.word_terms(word)):
            out.append((m.start(), m.end()))
    return out


def make_snippet(body: str, lang: str, terms: set[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """One or two lines of `body` around the densest cluster of matches."""
    spans = match_spans(body, lang, terms)
    if not spans:
        start, end = 0, min(len(body), SNIPPET_CHARS)
    else:
        best, best_n = spans[0][0], 0
        for i, (a, _) in enumerate(spans):
            n = len({body[x:y].lower() for x, y in spans[i:] if y <= a + SNIPPET_CHARS - 40})
            if n > best_n:
                best, best_n = a, n
        start = max(0, best - 40)
        end = min(len(body), start + SNIPPET_CHARS)
    if start > 0:  # begin and end at word boundaries
        sp = body.find(" ", start)
        start = sp + 1 if 0 <= sp < start + 20 else start
    if end < len(body):
        sp = body.rfind(" ", start, end)
        end = sp if sp > start + SNIPPET_CHARS // 2 else end
    text = body[start:end].replace("\n", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    marks = tuple((a - start + len(prefix), b - start + len(prefix)) for a, b in spans if a >= start and b <= end)
    return prefix + text + suffix, marks


def _suggest(index_dir: Path, text: str) -> str | None:
    """The query with unknown words replaced by the closest frequent vocabulary word."""
    try:
        tree = ql.parse(text)
    except QueryError:
        return None
    words = [n.text for n in _leaves(tree) if isinstance(n, ql.Word) and n.field in (None, "title", "body")]
    if not words:
        return None
    vocabs = [vocabulary.load(index_dir, lang) for lang in LANGUAGES]
    changed = text
    for w in words:
        f = fold(w)
        if not f.isalpha() or any(f in v for v in vocabs):
            continue
        best = max(((v.get(c, 0), c) for c in _edits(f) for v in vocabs if c in v), default=None)
        if best is None:
            best = max(((v.get(c2, 0), c2) for c in _edits(f) for c2 in _edits(c) for v in vocabs
                        if c2 in v), default=None) if len(f) > 4 else None
        if best is not None:
            changed = changed.replace(w, best[1], 1)
    return changed if changed != text else None


def _leaves(n: ql.Node | None) -> Iterator[ql.Node]:
    if isinstance(n, (ql.And, ql.Or)):
        for i in n.items:
            yield from _leaves(i)
    elif isinstance(n, ql.Not):
        yield from _leaves(n.item)
    elif n is not None:
        yield n


def _edits(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away from `word`."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters})


def explain(index_dir: Path, request: SearchRequest) -> list[str]:
    """How a request is understood: terms per language, compounds, filters."""
    with _searcher(index_dir) as (s, _):
        c = compile_request(s, index_dir, request)
    return c.explain or ["(no query terms: every article that passes the filters)"]
