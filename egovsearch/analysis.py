"""Per-language text analysis for the index and for queries.

One fused pass per text: tokenise, fold umlauts/ß/transliterations
(``textfold``), drop stop words, stem (Snowball English or German), and for
hyphenated words also emit the joined whole ("E-Government" gives ``e``,
``govern`` and ``egovern``). Whoosh chains one generator per filter with a
Token object per word; this module caches the whole word -> terms mapping
instead, which is what makes indexing fast (see README, Performance).

The classes defined here are pickled into the index's table of contents by
Whoosh, so their module path and names must never change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Composable, Token
from whoosh.fields import TEXT
from whoosh.lang import stemmer_for_language, stopwords_for_language

from egovsearch.textfold import fold_variants

LANGUAGES = ("en", "de")
TITLE_WEIGHT = 3.0  # an occurrence in the title sentence counts three times
LEAD_WEIGHT = 2.0  # in the rest of the first paragraph, twice
# A word: letters/digits, possibly joined by hyphens (ASCII and Unicode hyphens).
WORD_RE = re.compile(r"\w+(?:[-\u2010\u2011]\w+)*")
_HYPHENS = re.compile(r"[-\u2010\u2011]")


class Analysis:
    """The analysis of one language; word -> terms results are cached."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._stem = stemmer_for_language(lang)
        self.stopwords = frozenset(v for w in stopwords_for_language(lang) for v in fold_variants(w))
        self._cache: dict[str, tuple[str, ...]] = {}

    def word_terms(self, word: str) -> tuple[str, ...]:
        """Index terms of one plain word (no hyphens): every folded variant, stemmed.

        Empty for stop words and single letters.
        """
        terms = self._cache.get(word)
        if terms is None:
            variants = fold_variants(word)
            if variants[0] in self.stopwords or (len(variants[0]) < 2 and not word.isdigit()):
                terms = ()
            else:
                terms = tuple(dict.fromkeys(self._stem(v) for v in variants))
            if len(self._cache) < 500_000:  # bound memory on pathological input
                self._cache[word] = terms
        return terms

    def postings(self, text: str, title_end: int = 0, lead_end: int = 0,
                 ) -> tuple[dict[str, list[int]], dict[str, float]]:
        """Term -> positions, and term -> weight (TITLE_WEIGHT per occurrence before
        `title_end`, LEAD_WEIGHT before `lead_end`, else 1)."""
        poses: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        pos = 0
        word_terms = self.word_terms
        for m in WORD_RE.finditer(text):
            word = m.group()
            start = m.start()
            w = TITLE_WEIGHT if start < title_end else LEAD_WEIGHT if start < lead_end else 1.0
            if "-" in word or "\u2010" in word or "\u2011" in word:
                parts = [p for p in _HYPHENS.split(word) if p]
                for t in word_terms("".join(parts)):
                    poses.setdefault(t, []).append(pos)
                    weights[t] = weights.get(t, 0.0) + w
                for p in parts:
                    for t in word_terms(p):
                        poses.setdefault(t, []).append(pos)
                        weights[t] = weights.get(t, 0.0) + w
                    pos += 1
            else:
                for t in word_terms(word):
                    poses.setdefault(t, []).append(pos)
                    weights[t] = weights.get(t, 0.0) + w
                pos += 1
        return poses, weights

    def spans(self, text: str) -> Iterator[tuple[int, int, tuple[str, ...]]]:
        """(start, end, terms) of every word in `text`, hyphen parts separately."""
        for m in WORD_RE.finditer(text):
            word = m.group()
            if _HYPHENS.search(word):
                whole = self.word_terms(_HYPHENS.sub("", word))
                start = m.start()
                for p in _HYPHENS.split(word):
                    if p:
                        yield start, start + len(p), self.word_terms(p) + whole
                    start += len(p) + 1
            else:
                yield m.start(), m.end(), self.word_terms(word)

    def query_terms(self, word: str) -> tuple[str, ...]:
        """Terms a query word should match: hyphenated words as a whole."""
        parts = [p for p in _HYPHENS.split(word) if p]
        return self.word_terms("".join(parts))

    def phrase_terms(self, text: str) -> list[tuple[str, ...]]:
        """Per position, the terms of a phrase (stop words give empty tuples)."""
        out: list[tuple[str, ...]] = []
        for m in WORD_RE.finditer(text):
            for p in _HYPHENS.split(m.group()):
                if p:
                    out.append(self.word_terms(p))
        return out


@lru_cache(maxsize=None)
def analysis(lang: str) -> Analysis:
    """The shared Analysis of a language (one per process)."""
    return Analysis(lang)


class LangAnalyzer(Composable):
    """Whoosh-protocol analyzer over `Analysis`, for any Whoosh code path that
    tokenises a field itself (the project's own code uses `Analysis` directly)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LangAnalyzer) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash(("LangAnalyzer", self.lang))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: object
                 ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode)
        ana = analysis(self.lang)
        for pos, (start, end, terms) in enumerate(ana.spans(value), start_pos):
            for term in terms:
                t.text = term
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = value[start:end]
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = start_char + start, start_char + end
                yield t


class LangText(TEXT):
    """A TEXT field analysed in one language, indexed through the fused pass.

    The value is the article body, or ``(body, title_end, lead_end)``: terms of
    the title sentence and of the lead (first paragraph) then weigh more in the
    posting weight that BM25F scores. That ranks title > lead > rest without
    extra fields; separate title and lead fields made the index 25% larger
    (README, design notes).
    """

    def __init__(self, lang: str) -> None:
        super().__init__(analyzer=LangAnalyzer(lang), phrase=True)
        self.lang = lang

    def index(self, value: str | tuple[str, int, int], **kwargs: object
              ) -> Iterator[tuple[bytes, int, float, bytes]]:
        text, title_end, lead_end = (value, 0, 0) if isinstance(value, str) else value
        poses, weights = analysis(self.lang).postings(text, title_end, lead_end)
        encode = self.format.encode
        for term, plist in poses.items():
            yield term.encode("utf-8"), len(plist), weights[term], encode(plist)
