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
import sys
from array import array
from collections.abc import Iterator
from functools import cache
from itertools import accumulate

from whoosh.analysis import Composable, Token
from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.lang import stopwords_for_language

from egovsearch.core.textfold import fold, fold_variants
from egovsearch.engine.boot import snowball_stemmer

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
        self._variants = lang == "de"  # transliterated spellings (Behoerde) are German
        self._stem = snowball_stemmer(lang)
        self.stopwords = frozenset(v for w in stopwords_for_language(lang) for v in fold_variants(w))
        self._cache: dict[str, tuple[str, ...]] = {}

    def word_terms(self, word: str) -> tuple[str, ...]:
        """Index terms of one plain word (no hyphens), stemmed: in German every
        folded variant (Behoerde: behoerd and behord), in English the one folded
        form (the ue/ae/oe transliterations are German: "issues" is not "issus").

        Empty for stop words and single letters.
        """
        terms = self._cache.get(word)
        if terms is None:
            variants = fold_variants(word) if self._variants else (fold(word),)
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
        `title_end`, LEAD_WEIGHT before `lead_end`, else 1). The hot loop of indexing."""
        poses: dict[str, list[int]] = {}
        weights: dict[str, float] = {}
        pos = 0
        cache = self._cache
        word_terms = self.word_terms
        n = len(text)
        # Cut only between words (a cut inside a word would split it in two).
        while 0 < title_end < n and (text[title_end].isalnum() or text[title_end] in "-_"):
            title_end += 1
        lead_end = max(lead_end, title_end)
        while lead_end < n and (text[lead_end].isalnum() or text[lead_end] in "-_"):
            lead_end += 1
        for a, b, w in ((0, title_end, TITLE_WEIGHT), (title_end, lead_end, LEAD_WEIGHT),
                        (lead_end, n, 1.0)):
            if b <= a:
                continue
            for word in WORD_RE.findall(text, a, b):
                if "-" in word or "\u2010" in word or "\u2011" in word:
                    parts = [p for p in _HYPHENS.split(word) if p]
                    items = [(t, pos) for t in word_terms("".join(parts))]
                    for i, p in enumerate(parts):
                        items += [(t, pos + i) for t in word_terms(p)]
                    pos += len(parts)
                else:
                    terms = cache.get(word)
                    if terms is None:
                        terms = word_terms(word)
                    items = [(t, pos) for t in terms]
                    pos += 1
                for t, p in items:
                    plist = poses.get(t)
                    if plist is None:
                        poses[t] = [p]
                        weights[t] = w
                    else:
                        plist.append(p)
                        weights[t] += w
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


@cache
def analysis(lang: str) -> Analysis:
    """The shared Analysis of a language (one per process)."""
    return Analysis(lang)


class LangAnalyzer(Composable):  # type: ignore[misc]
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


class CompactPositions(Positions):  # type: ignore[misc]
    """Positions stored as deltas in the smallest fixed width (1, 2 or 4 bytes).

    Whoosh's own Positions format pickles a list per posting; this encodes
    several times faster and needs no unpickling when phrase queries read it.
    Layout: one byte width code (0: uint8, 1: uint16, 2: uint32), then the
    little-endian deltas.
    """

    _CODES = ((0, "B", 1), (1, "H", 2), (2, "I", 4))

    def encode(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1 and poslist[0] < 256:  # most postings: one occurrence
            return bytes((0, poslist[0]))
        deltas = [poslist[0], *(b - a for a, b in zip(poslist, poslist[1:], strict=False))]
        top = max(deltas)
        if top < 256:
            return b"\x00" + bytes(deltas)
        arr = array("H" if top < 65536 else "I", deltas)
        if sys.byteorder == "big":
            arr.byteswap()
        return (b"\x01" if arr.typecode == "H" else b"\x02") + arr.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        code = valuestring[0]
        if code == 0:
            return list(accumulate(valuestring[1:]))
        arr = array("H" if code == 1 else "I")
        arr.frombytes(valuestring[1:])
        if sys.byteorder == "big":
            arr.byteswap()
        return list(accumulate(arr))

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // (1, 2, 4)[valuestring[0]]

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * float(self.field_boost)

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1.0) for pos in self.decode_positions(valuestring)]

    def combine(self, vs: list[bytes]) -> bytes:
        return self.encode(sorted({p for v in vs for p in self.decode_positions(v)}))


# CompactPositions.encode([p]) for p < 256.
_ONE_POSITION = [bytes((0, p)) for p in range(256)]


class LangText(TEXT):  # type: ignore[misc]
    """A TEXT field analysed in one language, indexed through the fused pass.

    The value is the article body, or ``(body, title_end, lead_end)``: terms of
    the title sentence and of the lead (first paragraph) then weigh more in the
    posting weight that BM25F scores. That ranks title > lead > rest without
    extra fields; separate title and lead fields made the index 44% larger
    (README, design notes).
    """

    def __init__(self, lang: str) -> None:
        super().__init__(analyzer=LangAnalyzer(lang), phrase=True)
        self.format = CompactPositions(field_boost=1.0)
        self.lang = lang

    def index(self, value: str | tuple[str, int, int], **kwargs: object
              ) -> Iterator[tuple[bytes, int, float, bytes]]:
        text, title_end, lead_end = (value, 0, 0) if isinstance(value, str) else value
        poses, weights = analysis(self.lang).postings(text, title_end, lead_end)
        encode = self.format.encode
        one = _ONE_POSITION
        for term, plist in poses.items():
            n = len(plist)
            # Most postings are one occurrence: its encoding from a table, not a call.
            vbytes = one[plist[0]] if n == 1 and plist[0] < 256 else encode(plist)
            yield term.encode("utf-8"), n, weights[term], vbytes
