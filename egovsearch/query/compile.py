"""Compiling: a parsed query and a request's filters to engine query nodes.

Pure: no index is opened and nothing is searched here (the only file read
is the German vocabulary, for compound expansion). A query word is analysed
for both languages and searches both language fields: German with the fully
folded form (so Behörde, Behoerde and Behorde are one term and rank
identically), English with every folded variant; German words also find their
compounds from the archive's vocabulary, with a lower boost so that the exact
word ranks first. ``title:`` terms become `InTitle` nodes, checked against
the stored titles when the query runs (``engine.search``).

Besides the query, a compilation records what snippets need (the terms per
language) and the lines of ``--explain``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from egovsearch.core.compounds import compounds_of
from egovsearch.core.errors import QueryError
from egovsearch.core.models import SearchRequest
from egovsearch.core.textfold import fold, fold_name, fold_variants
from egovsearch.core.vocab import Vocabulary, load_vocabulary
from egovsearch.engine import nodes as n
from egovsearch.engine.analysis import LANGUAGES, analysis
from egovsearch.query import parse as ql

COMPOUND_BOOST = 0.4  # a compound containing the word ranks below the word itself
TITLE_SCAN = 40  # title words lie within the first positions of the body

# An --explain line: text, or a title check whose counts are known only when
# the query runs (``run.explain`` fills them in).
ExplainLine = str | n.InTitle


class Compiled(n.Frozen):
    """A compiled request: query and filter nodes plus what snippets and
    --explain need. (A `Frozen` record, not a dataclass: see engine.nodes.)"""

    __slots__ = ("query", "filter", "terms", "explain")
    query: n.Node | None  # None: every article that passes the filter
    filter: n.Node | None  # None: no filter
    terms: Mapping[str, frozenset[str]]  # language -> terms to mark
    explain: tuple[ExplainLine, ...]

    def __init__(self, query: n.Node | None, filter: n.Node | None,
                 terms: Mapping[str, frozenset[str]], explain: tuple[ExplainLine, ...] = ()) -> None:
        self._init(query, filter, MappingProxyType(dict(terms)), explain)

    def __hash__(self) -> int:  # (the terms are a mapping)
        return hash((self.query, self.filter, self.explain))

    def runnable(self) -> tuple[n.Node, n.Node | None]:
        """(query, filter) to run: without query text the filters are the
        query, and no filters at all match every article."""
        if self.query is not None:
            return self.query, self.filter
        return (self.filter if self.filter is not None else n.Every()), None

    def terms_of(self, lang: str) -> frozenset[str]:
        """The terms snippets mark in a document of `lang`."""
        return self.terms.get(lang, frozenset())


def _german_vocabulary(index_dir: Path | None) -> Vocabulary:
    """The index's German vocabulary: empty when missing (or without an
    index); a garbled file is IndexDamaged, naming it."""
    if index_dir is None:
        return Vocabulary.from_counts({})
    return load_vocabulary(index_dir, "de")


def _one(parts: list[n.Node], combine: type[n.AnyOf] | type[n.AllOf] | type[n.DisMax]) -> n.Node | None:
    """`parts` combined, the part itself when alone, None when none."""
    return combine(tuple(parts)) if len(parts) > 1 else (parts[0] if parts else None)


class _Compiler:
    def __init__(self, index_dir: Path | None) -> None:
        self.index_dir = index_dir
        self.terms: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        self.explain: list[ExplainLine] = []
        self._vocab: Vocabulary | None = None

    def vocab(self) -> Vocabulary:
        if self._vocab is None:
            self._vocab = _german_vocabulary(self.index_dir)
        return self._vocab

    def node(self, q: ql.Node) -> n.Node | None:
        if isinstance(q, ql.And):
            return _one([p for p in map(self.node, q.items) if p is not None], n.AllOf)
        if isinstance(q, ql.Or):
            return _one([p for p in map(self.node, q.items) if p is not None], n.AnyOf)
        if isinstance(q, ql.Not):
            inner = self.node(q.item)
            return n.Not(inner) if inner is not None else None
        if isinstance(q, ql.Range):
            return self.date_range(q.low, q.high)
        f = q.field
        if f in ("source", "language", "published"):
            return self.keyword(f, q.pattern if isinstance(q, ql.Wildcard) else q.text)
        out: n.Node | None
        if isinstance(q, ql.Word):
            out = self.word(q.text)
        elif isinstance(q, ql.Phrase):
            out = self.phrase(q.text)
        else:
            out = self.wildcard(q.pattern)
        if out is not None and f == "title":
            out = self.in_title(out, q)
        return out

    def word(self, word: str) -> n.Node | None:
        if "-" in word.strip("-"):
            # E-Government: the joined whole, or its parts as a phrase ("e government").
            whole = self.word_terms_only(word)
            pieces = [p for p in word.split("-") if p]
            # Only when every part is a word: "E government" would be just "government".
            complete = all(analysis(lang).word_terms(p) for p in pieces for lang in LANGUAGES)
            parts = self.phrase(" ".join(pieces)) if complete else None
            return _one([q for q in (whole, parts) if q is not None], n.AnyOf)
        return self.word_terms_only(word)

    def word_terms_only(self, word: str) -> n.Node | None:
        subs: list[n.Node] = []
        for lang in LANGUAGES:
            terms = analysis(lang).query_terms(word)
            if not terms:
                continue
            fname = f"body_{lang}"
            if lang == "de":
                terms = terms[-1:]  # every German document indexes the fully folded variant
            self.terms[lang].update(terms)
            self.explain.append(f"{lang}: {word} -> {' | '.join(terms)}")
            if lang == "de":
                subs.append(n.Term(fname, terms[0]))
                subs += self.compounds(word, terms[0])
            else:
                subs.append(n.DisMax(tuple(n.Term(fname, t) for t in terms))
                            if len(terms) > 1 else n.Term(fname, terms[0]))
        return _one(subs, n.AnyOf)

    def compounds(self, word: str, term: str) -> list[n.Node]:
        folded = fold_variants(word.replace("-", ""))[-1]  # as the German vocabulary stores it
        if len(folded) < 4 or not folded.isalpha():
            return []
        ana = analysis("de")
        out: list[n.Node] = []
        shown: list[str] = []
        for comp in compounds_of(folded, self.vocab(), limit=30):
            for t in ana.word_terms(comp)[-1:]:
                if t != term and t not in self.terms["de"]:
                    out.append(n.Term("body_de", t, boost=COMPOUND_BOOST))
                    self.terms["de"].add(t)
                    shown.append(comp)
        if shown:
            self.explain.append(f"de: {word} compounds -> {', '.join(shown[:10])}"
                                + (f" (+{len(shown) - 10})" if len(shown) > 10 else ""))
        return out

    def phrase(self, text: str) -> n.Node | None:
        subs: list[n.Node] = []
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
            q: n.Node
            if len(words) == 1:
                q = self.word_terms_query(fname, lang, words[0])
            elif lang == "de" or all(len(w) == 1 for w in words):
                q = n.Phrase(fname, tuple(w[-1] for w in words), slop=1 + gaps)
            else:
                # Alternatives per word (an English word with ue/ae/oe gets a
                # transliterated form): Whoosh's Sequence, until issue 14 gives
                # English words one form.
                q = n.Sequence(tuple(self.word_terms_query(fname, lang, w) for w in words), slop=1 + gaps)
            for w in words:
                self.terms[lang].update(w[-1:] if lang == "de" else w)
            self.explain.append(f'{lang}: "{text}" -> "' + " ".join("|".join(w) for w in words) + '"')
            subs.append(q)
        return _one(subs, n.AnyOf)

    @staticmethod
    def word_terms_query(fname: str, lang: str, terms: tuple[str, ...]) -> n.Node:
        if lang == "de" or len(terms) == 1:
            return n.Term(fname, terms[-1])
        return n.AnyOf(tuple(n.Term(fname, t) for t in terms))

    def wildcard(self, pattern: str) -> n.Node:
        folded = "".join(c if c in "*?" else fold(c) for c in pattern)
        subs: list[n.Node] = []
        for lang in LANGUAGES:
            fname = f"body_{lang}"
            stem = folded.rstrip("*")
            if "*" not in stem and "?" not in stem and folded.endswith("*"):
                subs.append(n.Prefix(fname, stem))
            else:
                subs.append(n.Wildcard(fname, folded))
        self.explain.append(f"wildcard: {pattern} -> {folded} (unstemmed, both languages)")
        return n.AnyOf(tuple(subs))

    def in_title(self, inner: n.Node, q: ql.Node) -> n.Node:
        """Documents matching `inner` whose stored title holds the node's terms."""
        if isinstance(q, ql.Wildcard):
            title = n.InTitle(inner, scan=0, prefix=fold(q.pattern.rstrip("*?")))
        else:
            text = q.text if isinstance(q, (ql.Word, ql.Phrase)) else ""
            words = tuple(n.TitleWords(lang, tuple(ts for ts in analysis(lang).phrase_terms(text) if ts))
                          for lang in LANGUAGES)
            title = n.InTitle(inner, scan=TITLE_SCAN, words=words)
        self.explain.append(title)  # "title: K of N candidate articles", counted when run
        return title

    def keyword(self, f: str, value: str) -> n.Node:
        if f == "source":
            self.explain.append(f"source = {fold_name(value)!r}")
            return n.Term("source_key", fold_name(value))
        if f == "language":
            lang = value.lower()
            if lang not in LANGUAGES:
                raise QueryError(f"language must be de or en, not '{value}'")
            return n.Term("language", lang)
        return self.date_range(value, value)

    def date_range(self, low: str | None, high: str | None) -> n.Node:
        from egovsearch.core.dates import parse_user_date  # only queries with dates need the parser

        lo = parse_user_date(low) if low else None
        hi = parse_user_date(high, end=True) if high else None
        self.explain.append(f"published: {lo or '...'} to {hi or '...'}")
        return n.DateRange(lo, hi)


def compile_request(index_dir: Path | None, request: SearchRequest) -> Compiled:
    """The query and filter nodes of a request. `index_dir` gives the
    vocabulary for German compounds (None: no compounds). Raises QueryError /
    DateError."""
    comp = _Compiler(index_dir)
    tree = ql.parse(request.query)
    query: n.Node | None = None
    if tree is not None:
        query = comp.node(tree)
        if query is None:
            raise QueryError(f"the query '{ql.quote(request.query or '')}' has only stop words; "
                             "nothing to search for")
        if isinstance(tree, ql.Not):
            query = n.AllOf((n.Every(), query))
    filters: list[n.Node] = []
    if request.sources:
        keys = sorted({fold_name(s) for s in request.sources})
        filters.append(n.AnyOf(tuple(n.Term("source_key", k) for k in keys)))
        comp.explain.append("filter source: " + " OR ".join(repr(k) for k in keys))
    if request.language:
        filters.append(n.Term("language", request.language))
        comp.explain.append(f"filter language: {request.language}")
    if request.since or request.until:
        filters.append(n.DateRange(request.since, request.until))
        comp.explain.append(f"filter published: {request.since or '...'} to {request.until or '...'}")
    return Compiled(query=query, filter=_one(filters, n.AllOf),
                    terms={lang: frozenset(ts) for lang, ts in comp.terms.items()},
                    explain=tuple(comp.explain))
