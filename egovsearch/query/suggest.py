"""Spelling suggestions ("Did you mean"): the query with unknown words
replaced by the closest frequent word of the index's vocabularies.

Only outputs that print the suggestion ask for one, and only when nothing
matched: loading both vocabularies costs more than a search.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from egovsearch.core import vocab as vocabulary
from egovsearch.core.errors import QueryError
from egovsearch.core.textfold import fold
from egovsearch.engine.analysis import LANGUAGES
from egovsearch.query import parse as ql


def suggest(index_dir: Path, text: str) -> str | None:
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
