"""Folding of German spellings so that Behörde, Behoerde and Behorde meet.

Standard library only: used by the analyzers (index and query time, before
stemming), by ``--source`` matching and by the compound expansion.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# ß and a few letters NFKD does not decompose into a base letter plus accent.
_SPECIAL = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lowercase, ß -> ss, accents and umlauts dropped: "Behörde" -> "behorde"."""
    w = word.lower().translate(_SPECIAL)
    if w.isascii():
        return w
    decomposed = unicodedata.normalize("NFKD", w)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def fold_variants(word: str) -> tuple[str, ...]:
    """The folded word, plus its transliteration-folded form when that differs.

    "Behoerde" -> ("behoerde", "behorde"); "Behörde" -> ("behorde",). Indexing
    and querying both emit every variant, so any two spellings share a term.
    The digraph form is an extra term, never a replacement: English "continued"
    keeps its real stem and only gains a ghost "continud".
    """
    f = fold(word)
    if "e" not in f:
        return (f,)
    g = f.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return (f,) if g == f else (f, g)


def fold_name(name: str) -> str:
    """Key for matching source names: folded, digraphs folded, spaces collapsed."""
    words = re.findall(r"\w+", name)
    return " ".join(fold_variants(w)[-1] for w in words)
