"""Compiling: a parsed query and a request's filters to engine query nodes.

Pure: no index is opened and nothing is searched here (the only files read
are the index's vocabularies, for compounds and wildcards).

Each article is matched by its own language's analysis of the query: the
whole tree is compiled once per language, over that language's field, and
the two are ORed (an article is indexed in one language field only). A word
that is a stop word in a language drops out of that language's query (an
AND without it, an OR without it, a NOT of nothing is nothing) and still
counts for the other language's articles where it is an ordinary word:
"the government" is "government" among English articles, "cyber war" keeps
"war" for them while German articles need "cyber" only ("war" is German for
"was"). German words use the fully folded form (Behörde, Behoerde and Behorde
are one term) and also find their compounds from the archive's vocabulary
(the most frequent `MAX_COMPOUNDS`, with a lower boost). Wildcards expand over
the vocabularies' folded, unstemmed word forms (at most `MAX_EXPANSION`
terms). A token that holds several words (a URL, an e-mail address, 4.0,
Bund/Länder) is the phrase of its words. Phrases keep their stop words as
positions. ``title:`` terms become `InTitle` nodes, checked against the
stored titles when the query runs (``engine.search``).

With ``-x`` (``request.cross_language``) each word and phrase is also searched
through its glossary translations (``query.glossary``): among the English
articles a German word's English translations, and back, ORed with the word
itself; consecutive words that make an entry are translated together, and a
translation of several words is a phrase.

Besides the query, a compilation records what snippets need (the terms per
language) and the lines of ``--explain``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from egovsearch.core.compounds import compounds_of
from egovsearch.core.errors import QueryError
from egovsearch.core.models import SearchRequest
from egovsearch.core.textfold import fold, fold_name, fold_variants
from egovsearch.core.vocab import Vocabulary, load_vocabulary
from egovsearch.engine import nodes as n
from egovsearch.engine.analysis import LANGUAGES, WORD_RE, analysis
from egovsearch.query import parse as ql

if TYPE_CHECKING:
    from egovsearch.query.glossary import Glossary

COMPOUND_BOOST = 0.4  # a compound containing the word ranks below the word itself
TITLE_SCAN = 40  # title words lie within the first positions of the body
MAX_COMPOUNDS = 30  # the most frequent compounds of a word that it also finds
COMPOUND_LETTERS = range(4, 41)  # words outside this get no compounds (none of 41+ letters has a head in them)
MAX_EXPANSION = 1000  # index terms the wildcards of one query may stand for, both languages together
LANGUAGE_NAMES = {"en": "English", "de": "German"}
OTHER = {"en": "de", "de": "en"}  # -x: the language a query word is translated from
# -x: translations one query may add per language. Each German one also brings its
# compounds, so 64 English words with 6 translations each would be ~10,000 terms.
MAX_TRANSLATIONS = 48

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


def _vocabulary(index_dir: Path | None, lang: str) -> Vocabulary:
    """The index's vocabulary of `lang`: empty when missing (or without an
    index); a garbled file is IndexDamaged, naming it."""
    if index_dir is None:
        return Vocabulary.from_counts({})
    return load_vocabulary(index_dir, lang)


# The compounds of a word per vocabulary, kept across the requests of a process
# (a --stdin batch meets the same words again: a lookup scans the whole
# vocabulary, ~1 ms at 20,000 articles). Keyed by the vocabulary object, which
# the value keeps alive (so its id is not reused); a changed file is a new object.
_COMPOUNDS: dict[tuple[int, str], tuple[Vocabulary, tuple[str, ...]]] = {}
_MAX_COMPOUNDS_KEPT = 4096


def _compounds(folded: str, vocab: Vocabulary) -> tuple[str, ...]:
    key = (id(vocab), folded)
    kept = _COMPOUNDS.get(key)
    if kept is None or kept[0] is not vocab:
        if len(_COMPOUNDS) >= _MAX_COMPOUNDS_KEPT:
            _COMPOUNDS.clear()
        kept = _COMPOUNDS[key] = (vocab, tuple(compounds_of(folded, vocab, limit=MAX_COMPOUNDS)))
    return kept[1]


def _one(parts: list[n.Node], combine: type[n.AnyOf] | type[n.AllOf] | type[n.DisMax]) -> n.Node | None:
    """`parts` combined (a repeated part counts once), the part itself when
    alone, None when none."""
    unique = list(dict.fromkeys(parts))
    return combine(tuple(unique)) if len(unique) > 1 else (unique[0] if unique else None)


def _plain_word(q: ql.Node) -> bool:
    """A word over the text (not a source/language/date value) that is one word."""
    return (isinstance(q, ql.Word) and q.field in (None, "title", "body")
            and len(WORD_RE.findall(q.text)) == 1)


def _positive(node: n.Node) -> bool:
    """The node matches something by itself (not only by excluding)."""
    if isinstance(node, n.Not):
        return False
    if isinstance(node, n.AllOf):
        return any(_positive(i) for i in node.items)
    if isinstance(node, n.AnyOf):
        return all(_positive(i) for i in node.items)
    return True


class _Compiler:
    """Compiles one request, one language at a time (`lang`)."""

    def __init__(self, index_dir: Path | None) -> None:
        self.index_dir = index_dir
        self.terms: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
        self.explain: list[ExplainLine] = []
        self._vocab: dict[str, Vocabulary] = {}
        self._words: dict[tuple[str, str], n.Node | None] = {}  # a repeated word compiles once
        self.searchable = False  # some leaf has a word in it (else: "no searchable words")
        self.expanded = 0  # index terms the wildcards stand for so far (at most MAX_EXPANSION)
        self.lang = LANGUAGES[0]
        self.glossary: Glossary | None = None  # with -x: translations are searched too
        self.translations = dict.fromkeys(LANGUAGES, 0)  # used so far, per language (at most MAX_TRANSLATIONS)

    def say(self, line: ExplainLine) -> None:
        if line not in self.explain:
            self.explain.append(line)

    def vocab(self, lang: str) -> Vocabulary:
        if lang not in self._vocab:
            self._vocab[lang] = _vocabulary(self.index_dir, lang)
        return self._vocab[lang]

    def node(self, q: ql.Node) -> n.Node | None:
        if isinstance(q, ql.And):
            parts = self.spans(q.items) if self.glossary is not None else [self.node(i) for i in q.items]
            return _one([p for p in parts if p is not None], n.AllOf)
        if isinstance(q, ql.Or):
            return _one([p for p in map(self.node, q.items) if p is not None], n.AnyOf)
        if isinstance(q, ql.Not):
            inner = self.node(q.item)
            if isinstance(inner, n.Not):  # NOT NOT x is x: each NOT is a pass over every document
                return inner.item
            return n.Not(inner) if inner is not None else None
        if isinstance(q, ql.Range):
            self.searchable = True
            return self.date_range(q.low, q.high)
        f = q.field
        if f in ("source", "language", "published"):
            self.searchable = True
            return self.keyword(f, q.pattern if isinstance(q, ql.Wildcard) else q.text)
        out = self.leaf(q)
        if self.glossary is not None and not isinstance(q, ql.Wildcard):
            shown = q.text if isinstance(q, ql.Word) else f'"{q.text}"'
            out = self.translated(shown, WORD_RE.findall(q.text), out, f)
        return out

    def leaf(self, q: ql.Word | ql.Phrase | ql.Wildcard) -> n.Node | None:
        """A word, phrase or wildcard over the text (title: also checked in the title)."""
        out: n.Node | None
        if isinstance(q, ql.Word):
            out = self.token(q.text)
        elif isinstance(q, ql.Phrase):
            out = self.phrase(q.text)
        else:
            out = self.wildcard(q.pattern)
        if out is not None and q.field == "title":
            out = self.in_title(out, q)
        return out

    def spans(self, items: tuple[ql.Node, ...]) -> list[n.Node | None]:
        """The items of an AND with -x: consecutive words that make a glossary
        entry of several words (elektronische Akte, data protection) are
        translated together, as a phrase; the others one by one."""
        assert self.glossary is not None
        source = OTHER[self.lang]
        out: list[n.Node | None] = []
        i = 0
        while i < len(items):
            first = items[i]
            run: list[ql.Word] = []
            for item in items[i:]:
                if not (isinstance(item, ql.Word) and _plain_word(item)) or (run and item.field != run[0].field):
                    break
                run.append(item)
            spanned, found = self.glossary.longest(source, [w.text for w in run])
            if spanned:
                original = _one([p for p in map(self.leaf, run[:spanned]) if p is not None], n.AllOf)
                words = [w.text for w in run[:spanned]]
                out.append(self.translated(f'"{" ".join(words)}"', words, original, run[0].field, found))
                i += spanned
            else:
                out.append(self.node(first))
                i += 1
        return out

    def translated(self, shown: str, words: list[str], original: n.Node | None, field: str | None,
                   found: tuple[str, ...] | None = None) -> n.Node | None:
        """`original` (the query's own words, compiled) OR their glossary
        translations into this language, each searched as a word (with its
        compounds) or, of several words, as a phrase."""
        assert self.glossary is not None
        source = OTHER[self.lang]
        if found is None:
            found = self.glossary.translations(source, words)
        # A translation spelt as the word itself (Portal -> portal) adds nothing.
        own = [analysis(self.lang).query_terms(w)[-1:] for w in words]
        found = tuple(t for t in found if [analysis(self.lang).query_terms(w)[-1:] for w in WORD_RE.findall(t)] != own)
        if len(found) > MAX_TRANSLATIONS - self.translations[self.lang]:
            found = found[:max(0, MAX_TRANSLATIONS - self.translations[self.lang])]
            self.say(f"{source}->{self.lang}: at most {MAX_TRANSLATIONS} translations a query; "
                     "further words are searched as typed")
        if not found:
            return original
        self.translations[self.lang] += len(found)
        self.say(f"{source}->{self.lang}: {shown} -> " + ", ".join(t if len(WORD_RE.findall(t)) == 1 else f'"{t}"'
                                                                    for t in found))
        alternatives = [self.leaf(ql.Word(t, field) if len(WORD_RE.findall(t)) == 1 else ql.Phrase(t, field))
                        for t in found]
        return _one([a for a in (original, *alternatives) if a is not None], n.AnyOf)

    def token(self, text: str) -> n.Node | None:
        """A token as typed: one word, or (a URL, an address, 4.0, Bund/Länder)
        the phrase of the words in it."""
        words = WORD_RE.findall(text)
        if not words:
            return None
        self.searchable = True
        if len(words) > 1:
            return self.phrase(" ".join(words))
        key = (self.lang, words[0])
        if key not in self._words:
            self._words[key] = self.word(words[0])
        return self._words[key]

    def word(self, word: str) -> n.Node | None:
        if "-" in word.strip("-"):
            # E-Government: the joined whole, or its parts as a phrase ("e government").
            whole = self.word_terms_only(word)
            pieces = [p for p in word.split("-") if p]
            # Only when every part is a word: "E government" would be just "government".
            complete = all(analysis(self.lang).word_terms(p) for p in pieces)
            parts = self.phrase(" ".join(pieces)) if complete else None
            return _one([q for q in (whole, parts) if q is not None], n.AnyOf)
        return self.word_terms_only(word)

    def word_terms_only(self, word: str) -> n.Node | None:
        lang = self.lang
        terms = analysis(lang).query_terms(word)
        if not terms:
            why = ("a single letter: not indexed" if len(fold(word.replace("-", ""))) < 2
                   else f"a stop word in {LANGUAGE_NAMES[lang]}")
            self.say(f"{lang}: {word} -> ({why}: left out)")
            return None
        term = terms[-1]  # German: the fully folded variant, which every German document indexes
        self.terms[lang].add(term)
        self.say(f"{lang}: {word} -> {term}")
        if lang != "de":
            return n.Term(f"body_{lang}", term)
        return _one([n.Term("body_de", term), *self.compounds(word, term)], n.AnyOf)

    def compounds(self, word: str, term: str) -> list[n.Node]:
        folded = fold_variants(word.replace("-", ""))[-1]  # as the German vocabulary stores it
        if len(folded) not in COMPOUND_LETTERS or not folded.isalpha():
            return []
        ana = analysis("de")
        out: list[n.Node] = []
        shown: list[str] = []
        for comp in _compounds(folded, self.vocab("de")):
            for t in ana.word_terms(comp)[-1:]:
                node = n.Term("body_de", t, boost=COMPOUND_BOOST)
                if t != term and node not in out:
                    out.append(node)
                    self.terms["de"].add(t)
                    shown.append(comp)
        if shown:
            capped = f" (the {MAX_COMPOUNDS} most frequent)" if len(shown) >= MAX_COMPOUNDS else ""
            self.say(f"de: {word} compounds{capped} -> {', '.join(shown[:10])}"
                     + (f" (+{len(shown) - 10})" if len(shown) > 10 else ""))
        return out

    def phrase(self, text: str) -> n.Node | None:
        lang = self.lang
        positions = analysis(lang).phrase_terms(text)
        if positions:
            self.searchable = True
        while positions and not positions[0]:
            positions.pop(0)
        while positions and not positions[-1]:
            positions.pop()
        if not positions:
            self.say(f'{lang}: "{text}" -> (only stop words in {LANGUAGE_NAMES[lang]}: left out)')
            return None
        # Stop words inside keep their places: each word stands exactly so
        # many positions after the previous one.
        words: list[str] = []
        offsets: list[int] = []
        gap = 0
        for terms in positions:
            gap += 1
            if terms:
                if words:
                    offsets.append(gap)
                words.append(terms[-1])
                gap = 0
        fname = f"body_{lang}"
        self.terms[lang].update(words)
        shown = " ".join(ts[-1] if ts else "_" for ts in positions)
        gaps = " (_: a stop word, any one word)" if "_" in shown.split() else ""
        self.say(f'{lang}: "{text}" -> "{shown}"{gaps}')
        if len(words) == 1:
            return n.Term(fname, words[0])
        return n.Phrase(fname, tuple(words), offsets=tuple(offsets))

    def wildcard(self, pattern: str) -> n.Node | None:
        """The index terms of the vocabulary's folded, unstemmed word forms that
        match; a pattern with other characters than letters (2020*) matches
        the index terms themselves."""
        self.searchable = True
        lang = self.lang
        folded = "".join(c if c in "*?" else fold(c) for c in pattern)
        if lang == "de":  # as the German vocabulary and index fold (Behoerde -> behorde)
            folded = folded.replace("ae", "a").replace("oe", "o").replace("ue", "u")
        fname = f"body_{lang}"
        letters = folded.replace("*", "").replace("?", "")
        if not letters.isalpha():
            stem = folded.rstrip("*")
            self.say(f"{lang}: {pattern} -> {folded} (index terms)")
            if "*" not in stem and "?" not in stem and folded.endswith("*"):
                return n.Prefix(fname, stem)
            return n.Wildcard(fname, folded)
        words = list(self.vocab(lang).matching(folded))
        if folded.endswith("*") and folded[:-1].isalpha():
            words.insert(0, folded[:-1])  # the prefix itself, also when too short for the vocabulary
        ana = analysis(lang)
        terms: list[str] = []
        seen: set[str] = set()
        for w in words:
            for t in ana.word_terms(w)[-1:]:
                if t not in seen:
                    seen.add(t)
                    terms.append(t)
            # Each term costs ~0.5 ms when the query runs (its postings are read).
            if self.expanded + len(terms) > MAX_EXPANSION:
                raise QueryError(f"the wildcard '{ql.quote(pattern)}' matches more than {MAX_EXPANSION:,} "
                                 "words; make it longer")
        self.expanded += len(terms)
        self.say(f"{lang}: {pattern} -> {len(terms)} terms"
                 + (f" ({', '.join(terms[:8])}{', ...' if len(terms) > 8 else ''})" if terms else ""))
        if not terms:
            return None
        self.terms[lang].update(terms)
        return _one([n.Term(fname, t) for t in terms], n.AnyOf)

    def in_title(self, inner: n.Node, q: ql.Node) -> n.Node:
        """Documents matching `inner` whose stored title holds the node's terms."""
        if isinstance(q, ql.Wildcard):
            title = n.InTitle(inner, scan=0, prefix=fold(q.pattern.rstrip("*?")))
        else:
            text = q.text if isinstance(q, (ql.Word, ql.Phrase)) else ""
            words = (n.TitleWords(self.lang, tuple(ts for ts in analysis(self.lang).phrase_terms(text) if ts)),)
            title = n.InTitle(inner, scan=TITLE_SCAN, words=words)
        self.explain.append(title)  # "title: K of N candidate articles", counted when run
        return title

    def keyword(self, f: str, value: str) -> n.Node:
        if f == "source":
            self.say(f"source = {fold_name(value)!r}")
            return n.Term("source_key", fold_name(value))
        if f == "language":
            lang = value.lower()
            if lang not in LANGUAGES:
                raise QueryError(f"language must be de or en, not '{ql.quote(value)}'")
            return n.Term("language", lang)
        return self.date_range(value, value)

    def date_range(self, low: str | None, high: str | None) -> n.Node:
        from egovsearch.core.dates import parse_user_date  # only queries with dates need the parser

        lo = parse_user_date(low) if low else None
        hi = parse_user_date(high, end=True) if high else None
        self.say(f"published: {lo or '...'} to {hi or '...'}")
        return n.DateRange(lo, hi)

    def query(self, tree: ql.Node) -> n.Node | None:
        """The query of the whole tree: each language's query over its own
        articles, ORed."""
        per_language: list[n.Node] = []
        for lang in LANGUAGES:
            self.lang = lang
            q = self.node(tree)
            if q is None:
                continue
            if not _positive(q):  # NOT x alone: this language's articles without x
                q = n.AllOf((n.Term("language", lang), q))
            per_language.append(q)
        return _one(per_language, n.AnyOf)


def compile_request(index_dir: Path | None, request: SearchRequest) -> Compiled:
    """The query and filter nodes of a request. `index_dir` gives the
    vocabulary for German compounds (None: no compounds). Raises QueryError /
    DateError."""
    comp = _Compiler(index_dir)
    tree = ql.parse(request.query)
    query: n.Node | None = None
    if tree is not None and request.cross_language:
        from egovsearch.query.glossary import load  # read only with -x (a few ms)

        comp.glossary = load(request.glossary)
    if tree is not None:
        query = comp.query(tree)
        if query is None and not comp.searchable:
            raise QueryError(f"the query '{ql.quote(request.query or '')}' has no searchable words")
        if query is None:
            raise QueryError(f"the query '{ql.quote(request.query or '')}' has only stop words "
                             "(in English and German) or single letters; nothing to search for")
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
