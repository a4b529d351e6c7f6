"""German compound expansion from the archive's own vocabulary (query time).

The indexer saves the folded, unstemmed word forms of the German articles with
their document frequency (``egovsearch.core.vocab``, the one home of the
vocabulary file and its ``Vocabulary``). For a query word such as
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

Speed: candidates come from ``Vocabulary.containing`` (one C-speed scan),
most frequent first, stopping at `limit`; "is this part a word" is
``Vocabulary.count``, a binary search (about 2-9 ms per query word on 284k
words). Standard library only.
"""

from __future__ import annotations

from egovsearch.core.vocab import SHORTEST, Vocabulary

__all__ = ["DEFAULT_RULE", "RULES", "compounds_of"]

MIN_PART = SHORTEST  # parts shorter than this are never split off (aus|wahl, ur|teil)

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


MAX_CANDIDATES = 5000  # vocabulary words containing the word that are checked, most frequent first


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
    # Bounded for any word: a short, common part ("daten") is in tens of
    # thousands of words; the rarest of them add little to a ranked result.
    for _, cand in candidates[:MAX_CANDIDATES]:
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
