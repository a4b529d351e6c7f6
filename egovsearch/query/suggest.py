"""Spelling suggestions ("Did you mean"): the query with unknown words
replaced by the most frequent word of the index's vocabularies one edit away
(a deletion, swap, replacement or insertion).

Only the table format asks for one, and only when nothing matched. The cost
is bounded for any input: at most `MAX_WORDS` words are looked at, words
longer than `MAX_LENGTH` letters get none, and the candidates (54 per letter)
are looked up in the vocabularies by binary search: loading a vocabulary
into a dictionary instead cost ~60 ms at 20,000 articles, a zero-hit query
1.3x a one-hit one. Two edits (114,000 candidates for 9 letters, ~200 ms) are
not tried.
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
    vocabs = [load_vocabulary(index_dir, lang) for lang in LANGUAGES]
    changed = text
    for w in [w for w in unknown if not any(fold(w) in v for v in vocabs)][:MAX_WORDS]:
        best = max(((v.count(c), c) for c in _edits(fold(w)) for v in vocabs), default=(0, ""))
        if best[0] > 0:
            changed = changed.replace(w, best[1], 1)
    return changed if changed != text else None


def _checkable(word: str) -> bool:
    """A word the vocabularies could know: letters only, not too short or
    long for them, and no stop word of either language ("in der Verwaltung"
    has nothing to correct)."""
    f = fold(word)
    if not f.isalpha() or not SHORTEST <= len(f) <= MAX_LENGTH:
        return False
    return all(f not in analysis(lang).stopwords for lang in LANGUAGES)


def _edits(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert) away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS})
