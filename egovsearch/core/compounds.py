"""German compound expansion from the archive's own vocabulary (query time).

The indexer saves the folded, unstemmed word forms of the German articles with
their document frequency (``write_vocabulary``). For a query word such as
``portal`` the searcher asks ``compounds_of`` for vocabulary words that hold it
as a compound part (``burgerportal``, ``serviceportal``) and adds them, stemmed,
with a lower boost, so the exact word still ranks first.

The rule (``DEFAULT_RULE``) was chosen by measured precision and recall on the
judged set in ``tests/fixtures/bilingual`` (``benchmarks/eval_bilingual.py``):
the query word is the head (last part: Bürger|portal, optionally inflected:
Landtags|wahl|en) or the modifier (first part: Portal|gebühren) of the
compound, the other part has at least 4 letters and, after dropping a linking
element (-s-, -es-, -n-, -en-, -er-), is itself a vocabulary word (or that word
minus a final -e/-n/-en: Förder|mittel from fördern). That keeps Bundestagswahl
for "Wahl" but drops Auswahl ("aus" is too short), Oberbürgermeister ("Bürger"
in the middle) and Augsburger ("augs" is no word). Semantic false friends
whose parts are real words (Haus|halt, Mittel|stand) still pass; the searcher's
lower boost for compounds keeps them below exact matches.

Speed: the vocabulary is held as one sorted, newline-joined string. A query
word is found with ``str.find`` (C speed), only the hits are looked at in
Python, most frequent first, stopping at `limit`; "is this part a word" is a
binary search over the same string, so loading costs one file read and no
per-word Python objects (about 2-9 ms per query word on 284k words).
Standard library only.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

HEADER = "# egovsearch vocabulary v1"
MIN_PART = 4  # parts shorter than this are never split off (aus|wahl, ur|teil)

# Endings that make an inflected form of the same word, not a compound part:
# Portal -> Portale, Portals; Wahl -> Wahlen; Bürger -> Bürgern.
INFLECTIONS = ("", "e", "n", "en", "s", "es", "er", "ern", "ns")
# Linking elements (Fugenelemente) between modifier and head: Verwaltung-s-,
# Bund-es-, Straße-n-, Kind-er-. "" first so the plain split is tried first.
LINKS = ("", "s", "es", "n", "en", "er", "e", "ens")

# Rule variants compared by benchmarks/eval_bilingual.py. Each is a set of flags:
#   head      - the query word may be the last part (Bürger|portal)
#   modifier  - the query word may be the first part (Portal|gebühr)
#   vocab     - the other part must itself be a vocabulary word (or its stem + e)
#   affix     - the other part must not be a derivational suffix (Land|schaft,
#               Bürger|lich) or a particle prefix (Wider|stand, Unter|halt)
#   anywhere  - plain substring, any position (the naive baseline)
RULES: dict[str, frozenset[str]] = {
    "substring": frozenset({"anywhere"}),
    "head": frozenset({"head"}),
    "head+affix": frozenset({"head", "affix"}),
    "head+vocab": frozenset({"head", "vocab"}),
    "head|modifier": frozenset({"head", "modifier"}),
    "head|modifier+affix": frozenset({"head", "modifier", "affix"}),
    "head|modifier+vocab": frozenset({"head", "modifier", "vocab"}),
}

# Word-forming endings of 4+ letters that look like a head but make a derived
# word, not a compound (folded, so "-lich" covers "-lich", and "ungen" is the
# plural of the <4-letter "-ung"). Checked after an inflection ending is removed.
DERIVATIONAL_SUFFIXES = frozenset({
    "schaft", "heit", "keit", "igkeit", "lich", "isch", "ierung", "isierung", "ismus",
    "ung", "chen", "lein", "haft", "ling", "nis", "nisse", "sam", "bar", "ieren", "isieren",
})
# Particles of 4+ letters that look like a modifier but make a derived word
# (Wider|stand, Gegen|stand, Unter|halt, Über|fall). "nach" and "wieder" are
# left out on purpose: Nachwahl and Wiederwahl are elections.
PARTICLE_PREFIXES = frozenset({
    "gegen", "unter", "uber", "wider", "durch", "hinter", "neben", "zwischen", "voraus",
    "heraus", "herein", "hinaus", "hinein", "heran", "voran", "zuruck", "ruck", "fort", "miss",
})
DEFAULT_RULE = "head|modifier+vocab"


class Vocabulary:
    """Folded German word forms with document frequencies, searchable by substring."""

    __slots__ = ("_text", "_size")

    def __init__(self, text: str, size: int) -> None:
        # `text` is "\n" + "word\tdf\n" per word, sorted by word: one string so that
        # a substring scan is a single str.find and membership a binary search.
        self._text = text
        self._size = size

    # -- building -------------------------------------------------------------
    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> Vocabulary:
        """From word -> document frequency. Words are expected folded (textfold.fold)."""
        items = sorted((w, n) for w, n in counts.items() if _storable(w) and n > 0)
        text = "\n" + "".join(f"{w}\t{n}\n" for w, n in items)
        return cls(text, len(items))

    @classmethod
    def from_words(cls, words: Iterable[str]) -> Vocabulary:
        """From a stream of words; each occurrence counts 1 (feed one set per document for df)."""
        return cls.from_counts(Counter(words))

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        """Read a file written by ``save``. Raises OSError, or ValueError if it is not one."""
        text = Path(path).read_text(encoding="utf-8")
        if text.startswith(HEADER + "\n"):
            text = text[len(HEADER) + 1 :]
        # Also reads the indexer's headerless ``vocab-<lang>.tsv`` (egovsearch.core.vocab):
        # the same "word<TAB>df" lines, sorted by word.
        if text and not text.endswith("\n"):
            text += "\n"
        first = text.partition("\n")[0]
        if text and "\t" not in first:
            raise ValueError(f"{path} is not an egovsearch vocabulary file")
        return cls("\n" + text, text.count("\n"))

    def save(self, path: Path) -> None:
        """Write atomically: a temp file in the same directory, then os.replace."""
        import tempfile  # (writing only: not on a query's start-up)

        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=".vocab-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(HEADER)
                f.write(self._text)  # starts with the "\n" that ends the header line
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    # -- lookups --------------------------------------------------------------
    def __len__(self) -> int:
        return self._size

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.count(word) > 0

    def count(self, word: str) -> int:
        """Document frequency of `word` (0 if absent), by binary search over the sorted text."""
        # Lines are "word<TAB>df"; TAB sorts below every letter, so comparing a line's
        # first len(word)+1 characters with "word<TAB>" orders lines like their words.
        t = self._text
        key = word + "\t"
        n = len(key)
        lo, hi = 0, len(t) - 1  # both always at a "\n"; t[-1] is the closing "\n"
        rfind, find = t.rfind, t.find
        while lo < hi:
            mid = (lo + hi) // 2
            p = rfind("\n", lo, mid + 1) + 1  # start of the line holding `mid`
            cur = t[p : p + n]
            if cur == key:
                return int(t[p + n : find("\n", p)])
            if cur < key:
                lo = find("\n", p)
            else:
                hi = p - 1
        return 0

    def containing(self, part: str) -> Iterable[tuple[str, int]]:
        """Every (word, df) whose word contains `part`; one C-speed scan of the text."""
        t = self._text
        find, rfind = t.find, t.rfind
        i = find(part)
        while i >= 0:
            start = rfind("\n", 0, i) + 1
            tab = find("\t", start)
            end = find("\n", tab)
            if i + len(part) <= tab:  # not a hit inside the df digits
                yield t[start:tab], int(t[tab + 1 : end])
            i = find(part, end)

    def words(self) -> list[str]:
        """All words, sorted (for tests and tools; not for the query hot path)."""
        return [line.partition("\t")[0] for line in self._text.split("\n") if line]


def write_vocabulary(path: Path, counts: Mapping[str, int]) -> None:
    """Save word -> document frequency as a vocabulary file (atomic)."""
    Vocabulary.from_counts(counts).save(path)


def _storable(word: str) -> bool:
    # Shorter words can never be a compound or a split-off part; whitespace would
    # break the line format.
    return len(word) >= MIN_PART and not any(c.isspace() for c in word)


def _is_word(part: str, vocab: Vocabulary, memo: dict[str, bool]) -> bool:
    """`part` (a modifier or head left after a split) is a word of the archive.

    Modifiers often drop a final -e (Schul|portal from Schule, Sprach|gesetz)
    or are verb stems (Förder|mittel from fördern), so part + e/n/en counts too.
    """
    if len(part) < MIN_PART:
        return False
    known = memo.get(part)
    if known is None:
        # Memoised per query: the same part comes up under several link/ending splits.
        known = memo[part] = any(_has(part + e, vocab, memo) for e in ("", "e", "n", "en"))
    return known


def _has(word: str, vocab: Vocabulary, memo: dict[str, bool]) -> bool:
    key = "=" + word  # own namespace in the shared memo
    known = memo.get(key)
    if known is None:
        known = memo[key] = vocab.count(word) > 0
    return known


def _head_split(cand: str, word: str, flags: frozenset[str], vocab: Vocabulary, memo: dict[str, bool]) -> bool:
    """`cand` = modifier + `word` + inflection ending."""
    for ending in INFLECTIONS:
        if ending and not cand.endswith(ending):
            continue
        stem = cand[: len(cand) - len(ending)]
        if not stem.endswith(word):
            continue
        prefix = stem[: len(stem) - len(word)]
        if len(prefix) < MIN_PART:
            continue
        if "affix" in flags and prefix in PARTICLE_PREFIXES:
            continue
        if "vocab" not in flags:
            return True
        for link in LINKS:
            if prefix.endswith(link) and _is_word(prefix[: len(prefix) - len(link)], vocab, memo):
                return True
    return False


def _modifier_split(cand: str, word: str, flags: frozenset[str], vocab: Vocabulary, memo: dict[str, bool]) -> bool:
    """`cand` = `word` + linking element + head (the head possibly inflected)."""
    if not cand.startswith(word):
        return False
    tail = cand[len(word) :]
    if "affix" in flags and _derived(tail):  # before links: Land|schaft is not Land-s-chaft
        return False
    for link in LINKS:
        if not tail.startswith(link):
            continue
        head = tail[len(link) :]
        if len(head) < MIN_PART:
            continue
        if "affix" in flags and _derived(head):
            continue
        if "vocab" not in flags:
            return True
        for ending in INFLECTIONS:
            if head.endswith(ending) and _is_word(head[: len(head) - len(ending)], vocab, memo):
                return True
    return False


def _derived(head: str) -> bool:
    """`head` is a derivational suffix, possibly inflected (-lichen, -schaften, -ungen)."""
    return any(head.endswith(e) and head[: len(head) - len(e)] in DERIVATIONAL_SUFFIXES for e in INFLECTIONS)


def _is_inflection(cand: str, word: str) -> bool:
    return cand.startswith(word) and cand[len(word) :] in INFLECTIONS


def compounds_of(word: str, vocab: Vocabulary, *, limit: int = 50, rule: str = DEFAULT_RULE) -> list[str]:
    """Vocabulary words that contain `word` as a compound part, most frequent first.

    `word` is folded (textfold.fold) and must have at least 4 letters, else the
    result is empty. Never returns `word` itself or its inflections (Portale,
    Portals: the stemmer's job). `rule` names one of ``RULES``.
    """
    flags = RULES[rule]
    if len(word) < MIN_PART or limit <= 0:
        return []
    # Most frequent candidates first, so the (costlier) split checks stop at `limit`.
    candidates = sorted((-df, cand) for cand, df in vocab.containing(word))
    found: list[str] = []
    memo: dict[str, bool] = {}
    for _, cand in candidates:
        if _is_inflection(cand, word):
            continue
        if "anywhere" in flags:
            ok = len(cand) - len(word) >= MIN_PART
        else:
            ok = ("head" in flags and _head_split(cand, word, flags, vocab, memo)) or (
                "modifier" in flags and _modifier_split(cand, word, flags, vocab, memo)
            )
        if ok:
            found.append(cand)
            if len(found) >= limit:
                break
    return found
