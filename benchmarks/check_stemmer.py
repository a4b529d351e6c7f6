"""Do PyStemmer's Snowball stemmers give Whoosh's stems on an archive's whole vocabulary?

    python benchmarks/check_stemmer.py ARCHIVE [--limit N] [--show 20]

Every article of ARCHIVE (or its first N) goes through ``Analysis.postings`` of its own
language, as indexing does, with the stemmer wrapped so that every string the analyzer
hands it is recorded. Then every recorded string, of both languages, is stemmed by
Whoosh's English and German stemmers and by PyStemmer's, and the two are compared:
exactly the calls the index makes, plus each word through the other language's stemmer.
Prints the counts, the first differences and the time each stemmer took per word.
Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from egovsearch.core.archive import iter_archive, read_article
from egovsearch.core.errors import NotAnArticle
from egovsearch.engine.analysis import Analysis


def whoosh_stemmer(lang: str):  # type: ignore[no-untyped-def]
    from whoosh.lang import stemmer_for_language

    return stemmer_for_language(lang)


def vocabulary(archive: Path, limit: int | None) -> dict[str, set[str]]:
    """The strings the analyzer stems, per language, on the archive's articles."""
    seen: dict[str, set[str]] = {"en": set(), "de": set()}
    ana = {}
    for lang in seen:
        a = Analysis(lang)
        stem = a._stem

        def recording(word: str, stem=stem, out=seen[lang]) -> str:  # type: ignore[no-untyped-def]
            out.add(word)
            return stem(word)  # type: ignore[no-any-return]

        a._stem = recording
        ana[lang] = a
    for i, f in enumerate(iter_archive(archive)):
        if limit is not None and i >= limit:
            break
        try:
            art, _ = read_article(archive, f.relpath)
        except NotAnArticle:
            continue
        ana[art.language if art.language in ana else "en"].postings(art.body)
    return seen


def main() -> int:
    import Stemmer  # type: ignore[import-not-found]  # PyStemmer: measured here, not a dependency

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive", type=Path)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--show", type=int, default=20)
    args = ap.parse_args()
    words = vocabulary(args.archive, args.limit)
    every = sorted(words["en"] | words["de"])
    print(f"strings stemmed: {len(words['en'])} English, {len(words['de'])} German; {len(every)} distinct")
    bad = 0
    for lang, name in (("en", "english"), ("de", "german")):
        ours, theirs = whoosh_stemmer(lang), Stemmer.Stemmer(name)
        t0 = time.perf_counter()
        a = [ours(w) for w in every]
        t1 = time.perf_counter()
        b = theirs.stemWords(every)
        t2 = time.perf_counter()
        diff = [(w, x, y) for w, x, y in zip(every, a, b, strict=True) if x != y]
        own = sum(1 for w, x, y in zip(every, a, b, strict=True) if x != y and w in words[lang])
        print(f"{lang}: {len(diff)} of {len(every)} differ ({own} of them words of this language's articles); "
              f"Whoosh {1e6 * (t1 - t0) / len(every):.1f} us a word, PyStemmer {1e6 * (t2 - t1) / len(every):.2f}")
        for w, x, y in diff[: args.show]:
            print(f"  {w!r}: whoosh {x!r}, pystemmer {y!r}")
        bad += len(diff)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
