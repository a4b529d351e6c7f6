"""Per-language vocabularies of the archive: folded word forms with document frequency.

Written by the indexer (``vocab-<lang>.tsv`` in the index directory: one
``word<TAB>count`` line per word, sorted), read for German compound expansion
and for "Did you mean" suggestions. Counts only grow between rebuilds: a
removed article's words stay (harmless: an expansion that matches nothing
finds nothing). Standard library only.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from egovsearch.core.textfold import fold, fold_variants

# Letters only (no digits or underscores), at least three of them.
_WORD = re.compile(r"[^\W\d_]{3,}")


def words(text: str, lang: str) -> set[str]:
    """The distinct folded word forms of a text (hyphenated words give their parts).

    German forms are folded fully (Buerger, Bürger -> burger) like the German
    index terms; English ones only lose accents, so suggestions stay real words.
    """
    distinct = set(_WORD.findall(text))  # fold each form once
    if lang == "de":
        return {fold_variants(w)[-1] for w in distinct}
    return {fold(w) for w in distinct}


def path_for(index_dir: Path, lang: str) -> Path:
    return Path(index_dir) / f"vocab-{lang}.tsv"


def load(index_dir: Path, lang: str) -> dict[str, int]:
    """word -> document frequency; empty when the file is missing or unreadable."""
    counts: dict[str, int] = {}
    try:
        with open(path_for(index_dir, lang), encoding="utf-8") as f:
            for line in f:
                word, _, n = line.rstrip("\n").partition("\t")
                if word and n.isdigit():
                    counts[word] = int(n)
    except (OSError, UnicodeDecodeError):
        return {}
    return counts


def update(index_dir: Path, lang: str, counts: Counter[str], *, replace: bool = False) -> None:
    """Add `counts` to the stored vocabulary (or replace it), atomically."""
    if not counts and not replace:
        return
    merged = Counter() if replace else Counter(load(index_dir, lang))
    merged.update(counts)
    path = path_for(index_dir, lang)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.writelines(f"{w}\t{n}\n" for w, n in sorted(merged.items()))
    os.replace(tmp, path)
