"""Spelling suggestions ("Did you mean"): the query with unknown words
replaced by the closest frequent word of the index's vocabularies.

Only the table format asks for one, and only when nothing matched. The cost
is bounded for any input: at most `MAX_WORDS` words are looked at, words
longer than `MAX_LENGTH` letters get none, and two edits are tried only for
words of `TWO_EDITS` letters and only as a deletion or swap after the first
edit (a full two-edit set of a 9-letter word is 114,000 strings, ~200 ms).
"""

from __future__ import annotations

from pathlib import Path

from egovsearch.core.errors import QueryError
from egovsearch.core.textfold import fold
from egovsearch.core.vocab import SHORTEST, load_vocabulary
from egovsearch.engine.analysis import LANGUAGES, analysis
from egovsearch.query import parse as ql

MAX_WORDS = 8  # unknown words of one query looked at
MAX_LENGTH = 30  # longer words are not typos of a word
TWO_EDITS = range(5, 13)  # word lengths that also try a second edit
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def suggest(index_dir: Path, text: str) -> str | None:
    """The query with unknown words replaced by the closest frequent vocabulary word."""
    try:
        tree = ql.parse(text)
    except QueryError:
        return None
    words = [leaf.text for leaf in ql.leaves(tree)
             if isinstance(leaf, ql.Word) and leaf.field in (None, "title", "body")]
    unknown = [w for w in dict.fromkeys(words) if _checkable(w)]
    if not unknown:
        return None
    counts: dict[str, int] = {}
    for lang in LANGUAGES:
        for word, df in load_vocabulary(index_dir, lang).items():
            counts[word] = max(df, counts.get(word, 0))
    changed = text
    for w in [w for w in unknown if fold(w) not in counts][:MAX_WORDS]:
        best = _closest(fold(w), counts)
        if best is not None:
            changed = changed.replace(w, best, 1)
    return changed if changed != text else None


def _checkable(word: str) -> bool:
    """A word the vocabularies could know: letters only, not too short or
    long for them, and no stop word of either language ("in der Verwaltung"
    has nothing to correct)."""
    f = fold(word)
    if not f.isalpha() or not SHORTEST <= len(f) <= MAX_LENGTH:
        return False
    return all(f not in analysis(lang).stopwords for lang in LANGUAGES)


def _closest(word: str, counts: dict[str, int]) -> str | None:
    """The most frequent vocabulary word one edit away, else (for mid-length
    words) one deletion or swap further."""
    first = _edits(word)
    best = max(((counts[c], c) for c in first if c in counts), default=None)
    if best is None and len(word) in TWO_EDITS:
        best = max(((counts[c2], c2) for c in first for c2 in _cheap_edits(c) if c2 in counts), default=None)
    return best[1] if best is not None else None


def _edits(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})


def _cheap_edits(word: str) -> set[str]:
    """Deletions and swaps only: 2n strings instead of 54n."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1})
