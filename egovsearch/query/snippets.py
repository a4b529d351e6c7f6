"""Snippets: the lines of an article around its best matches, and the spans
of a query's terms in a text (for terminal highlighting).

Only outputs that print snippets make them: each hit's page is read again
from the archive and its words analysed, which costs more than the search.
"""

from __future__ import annotations

import os
from collections.abc import Set

from egovsearch.core.archive import parse_file
from egovsearch.core.errors import EgovsearchError
from egovsearch.core.textfold import fold, fold_variants
from egovsearch.engine.analysis import WORD_RE, analysis

SNIPPET_CHARS = 200

Marks = tuple[tuple[int, int], ...]


def page_snippet(archive: str, path: str, lang: str, terms: Set[str]) -> tuple[str, Marks]:
    """The snippet of an archive page (`path` relative to `archive`); empty
    when the file changed or went since indexing (the hit stays, without one)."""
    try:
        article = parse_file(os.path.join(archive, path), archive)
    except EgovsearchError:
        return "", ()
    return make_snippet(article.body, lang, terms)


def match_spans(text: str, lang: str, terms: Set[str]) -> list[tuple[int, int]]:
    """(start, end) of the words of `text` that match any of `terms`."""
    if not terms:
        return []
    # Stemming every word of an article costs more than the search itself. A
    # stem starts like its folded word, so only words starting like one of the
    # terms are analysed.
    heads = {t[:3] for t in terms}
    initials = {h[:1] for h in heads}
    first_ok: dict[str, bool] = {}  # a word's first character, folded, starts a term?
    ana = analysis(lang)
    out: list[tuple[int, int]] = []
    for m in WORD_RE.finditer(text):
        word = m.group()
        if "-" in word or "\u2010" in word or "\u2011" in word:
            start = m.start()
            out += [(a + start, b + start) for a, b, ts in ana.spans(word) if not terms.isdisjoint(ts)]
            continue
        ok = first_ok.get(word[0])
        if ok is None:
            ok = first_ok[word[0]] = fold(word[0])[:1] in initials
        if not ok:
            continue
        variants = fold_variants(word)
        if (variants[0][:3] in heads or variants[-1][:3] in heads) and not terms.isdisjoint(ana.word_terms(word)):
            out.append((m.start(), m.end()))
    return out


def make_snippet(body: str, lang: str, terms: Set[str]) -> tuple[str, Marks]:
    """One or two lines of `body` around the densest cluster of matches."""
    spans = match_spans(body, lang, terms)
    if not spans:
        start, end = 0, min(len(body), SNIPPET_CHARS)
    else:
        best, best_n = spans[0][0], 0
        for i, (a, _) in enumerate(spans):
            n = len({body[x:y].lower() for x, y in spans[i:] if y <= a + SNIPPET_CHARS - 40})
            if n > best_n:
                best, best_n = a, n
        start = max(0, best - 40)
        end = min(len(body), start + SNIPPET_CHARS)
    if start > 0:  # begin and end at word boundaries
        sp = body.find(" ", start)
        start = sp + 1 if 0 <= sp < start + 20 else start
    if end < len(body):
        sp = body.rfind(" ", start, end)
        end = sp if sp > start + SNIPPET_CHARS // 2 else end
    text = body[start:end].replace("\n", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    marks = tuple((a - start + len(prefix), b - start + len(prefix)) for a, b in spans if a >= start and b <= end)
    return prefix + text + suffix, marks
