"""Precision and recall on the bilingual judged set (issue 6), before and after.

Usage:
    python benchmarks/eval_bilingual.py [--fixtures DIR] [--no-after] [--speed N]

Sections printed:
1. before: a naive single Whoosh field (StemmingAnalyzer over title + body,
   default AND QueryParser), built here from the same parsed articles;
2. after: the project's search (egovsearch.api.update_index + egovsearch.api.search,
   the facade every command calls), skipped with a note if those modules are missing;
3. compound rules: each rule of egovsearch.core.compounds.RULES (and "none") on the
   compound cases, restricted to the German articles, with a simulated German
   field (fold + German Snowball stem) so only the expansion rule varies;
4. speed of compounds_of on a vocabulary of N words (default 300,000): the
   German list of the `wordfreq` package when it is installed (it is not a
   project dependency; section 3 then also runs with it merged in, as a
   stand-in for a big archive's vocabulary), else synthetic words.

Precision = relevant hits / hits; recall = relevant hits / relevant articles,
where "relevant" is a case's `must` list (complete for this fixture set). Overall
figures are micro-averaged (sums over cases); a case with no hit has no
precision and is left out of the macro mean only.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from egovsearch.core.archive import iter_archive, parse_file
from egovsearch.core.compounds import RULES, compounds_of
from egovsearch.core.models import Article
from egovsearch.core.textfold import fold, fold_variants
from egovsearch.core.vocab import Vocabulary

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "bilingual"
_WORD = re.compile(r"[^\W\d_]+")


def load_articles(root: Path) -> list[Article]:
    return [parse_file(f.abspath, root) for f in iter_archive(root)]


def load_cases(root: Path) -> list[dict]:
    return tomllib.loads((root / "judgments.toml").read_text(encoding="utf-8"))["case"]


# --- scoring -----------------------------------------------------------------------
def score(cases: list[dict], run: Callable[[str], list[str]], label: str, *, verbose: bool = True) -> tuple[float, float]:
    """Print per-case and overall precision/recall of `run` (query -> ids); return micro P, R."""
    tp = ret = rel = 0
    macro_p: list[float] = []
    macro_r: list[float] = []
    by_kind: dict[str, list[int]] = {}
    if verbose:
        print(f"\n== {label} ==")
        print(f"{'kind':<11}{'query':<28}{'hits':>5}{'P':>7}{'R':>7}  missed / wrong")
    for c in cases:
        got = run(c["query"])
        must = set(c["must"])
        ok = [i for i in got if i in must]
        p = len(ok) / len(got) if got else None
        r = len(ok) / len(must)
        tp, ret, rel = tp + len(ok), ret + len(got), rel + len(must)
        k = by_kind.setdefault(c["kind"], [0, 0, 0])
        k[0] += len(ok)
        k[1] += len(got)
        k[2] += len(must)
        if p is not None:
            macro_p.append(p)
        macro_r.append(r)
        if verbose:
            missed = sorted(must - set(got))
            wrong = [i for i in got if i not in must]
            ps = f"{p:.2f}" if p is not None else "  -"
            note = (f"missed {','.join(m[:2] + m[-2:] for m in missed)} " if missed else "") + (
                f"wrong {','.join(w[:2] + w[-2:] for w in wrong)}" if wrong else "")
            print(f"{c['kind']:<11}{c['query'][:27]:<28}{len(got):>5}{ps:>7}{r:>7.2f}  {note}")
    P = tp / ret if ret else 0.0
    R = tp / rel if rel else 0.0
    if verbose:
        for kind, (a, b, n) in by_kind.items():
            print(f"  {kind:<11} P {a / b if b else 0:.2f}  R {a / n:.2f}")
        mp = statistics.mean(macro_p) if macro_p else 0.0
        print(f"  OVERALL micro P {P:.3f} R {R:.3f} | macro P {mp:.3f} R {statistics.mean(macro_r):.3f}"
              f" | {len(cases)} cases")
    return P, R


# --- before: one naive field -------------------------------------------------------
def naive_runner(articles: list[Article]) -> Callable[[str], list[str]]:
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import RamStorage
    from whoosh.qparser import QueryParser

    schema = Schema(id=ID(stored=True, unique=True), content=TEXT(analyzer=StemmingAnalyzer()))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        for a in articles:
            w.add_document(id=a.id, content=a.title + "\n" + a.body)
    parser = QueryParser("content", schema)

    def run(q: str) -> list[str]:
        with ix.searcher() as s:
            return [h["id"] for h in s.search(parser.parse(q), limit=None)]

    return run


# --- after: the project's search ------------------------------------------------------
def project_runner(root: Path, index_dir: Path) -> Callable[[str], list[str]]:
    from egovsearch import api
    from egovsearch.core.models import SearchRequest

    api.update_index(root, index_dir)

    def run(q: str) -> list[str]:
        return [h.id for h in api.search(index_dir, SearchRequest(query=q, limit=None)).hits]

    return run


# --- compound rules, isolated ---------------------------------------------------------
def german_vocab(articles: Iterable[Article]) -> Counter[str]:
    """word -> document frequency over German articles, folded like the indexer does."""
    df: Counter[str] = Counter()
    for a in articles:
        if a.language == "de":
            df.update({fold(w) for w in _WORD.findall(a.title + "\n" + a.body)})
    return df


def rule_runner(articles: list[Article], vocab: Vocabulary, rule: str | None) -> Callable[[str], list[str]]:
    """A simulated German field: a doc matches a query word if it holds its stem or
    the stem of one of its compound expansions (all query words must match)."""
    from whoosh.lang import stemmer_for_language

    stem = stemmer_for_language("de")
    docs = {a.id: {stem(v) for w in _WORD.findall(a.title + "\n" + a.body) for v in fold_variants(w)}
            for a in articles if a.language == "de"}

    def run(q: str) -> list[str]:
        wanted: list[set[str]] = []
        for word in _WORD.findall(q):
            terms = set()
            for v in fold_variants(word):
                terms.add(stem(v))
                if rule is not None:
                    terms.update(stem(e) for e in compounds_of(v, vocab, rule=rule))
            wanted.append(terms)
        return sorted(i for i, stems in docs.items() if all(t & stems for t in wanted))

    return run


def wordfreq_vocab(n: int) -> dict[str, int] | None:
    """The n most frequent German words of the `wordfreq` package (folded, pseudo df),
    a stand-in for a big archive's vocabulary; None if wordfreq is not installed."""
    try:
        from wordfreq import top_n_list, word_frequency
    except ImportError:
        return None
    out: dict[str, int] = {}
    for w in top_n_list("de", n, wordlist="large"):
        if _WORD.fullmatch(w):
            f = fold(w)
            out[f] = out.get(f, 0) + max(1, int(word_frequency(w, "de", wordlist="large") * 1e8))
    return out


def compare_rules(articles: list[Article], cases: list[dict], big: dict[str, int] | None) -> None:
    german = {a.id for a in articles if a.language == "de"}
    comp = [dict(c, must=[i for i in c["must"] if i in german]) for c in cases if c["kind"] == "compound"]
    own = german_vocab(articles)
    compare_rules_with(articles, comp, Vocabulary.from_counts(own), "the fixture's own vocabulary")
    if big is not None:
        merged = Counter(big)
        merged.update(own)
        compare_rules_with(articles, comp, Vocabulary.from_counts(merged), "fixture + wordfreq German vocabulary")


def compare_rules_with(articles: list[Article], comp: list[dict], vocab: Vocabulary, label: str) -> None:
    print(f"\n== compound rules on {len(comp)} compound cases, German articles only; "
          f"{label} ({len(vocab)} words) ==")
    print(f"{'rule':<22}{'P':>7}{'R':>7}{'F1':>7}")
    for rule in [None, *RULES]:
        p, r = score(comp, rule_runner(articles, vocab, rule), str(rule), verbose=False)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{str(rule):<22}{p:>7.3f}{r:>7.3f}{f1:>7.3f}")
    for c in comp:
        print(f"  {c['query']:<16}" + " | ".join(
            f"{rule}: {','.join(compounds_of(v, vocab, rule=rule)[:4]) or '-'}"
            for rule in ("head+affix", "head|modifier+affix") for v in fold_variants(c["query"])[-1:]))


# --- speed ---------------------------------------------------------------------------------
def synthetic_vocab(n: int, seed: int = 6) -> dict[str, int]:
    """n pseudo-German words (syllable soup, 2-6 syllables) with Zipf-like counts."""
    rnd = random.Random(seed)
    syl = ["ver", "wal", "tung", "bur", "ger", "por", "tal", "di", "gi", "sie", "rung", "bun", "des",
           "tag", "wahl", "land", "haus", "halt", "mit", "tel", "stand", "amt", "ge", "setz", "schaft",
           "lich", "keit", "be", "hor", "de", "stra", "sse", "netz", "werk", "da", "ten", "schutz"]
    out: dict[str, int] = {}
    while len(out) < n:
        w = "".join(rnd.choice(syl) for _ in range(rnd.randint(2, 6)))
        out[w] = max(1, int(10000 / (len(out) + 1) ** 0.8))
    return out


def speed(n: int, big: dict[str, int] | None) -> None:
    counts = big if big is not None and len(big) >= n * 0.9 else synthetic_vocab(n)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "vocab.txt"
        t = time.perf_counter()
        Vocabulary.from_counts(counts).save(path)
        t_write = time.perf_counter() - t
        t = time.perf_counter()
        vocab = Vocabulary.read(path)
        t_load = time.perf_counter() - t
        size = path.stat().st_size
    kind = "wordfreq German" if counts is big else "synthetic"
    print(f"\n== speed: {kind} vocabulary of {len(vocab)} words, {size / 1e6:.1f} MB ==")
    print(f"write {t_write * 1000:.0f} ms, load {t_load * 1000:.1f} ms")
    for rule in ("head+affix", "head|modifier+affix", "head|modifier+vocab", "substring"):
        for word in ("portal", "wahl", "verwaltung", "digitalisierung", "haus", "zzzz"):
            times = []
            for _ in range(5):
                t = time.perf_counter()
                res = compounds_of(word, vocab, rule=rule)
                times.append(time.perf_counter() - t)
            hits = sum(1 for _ in vocab.containing(word))
            print(f"{rule:<21} {word:<16} substring hits {hits:>6}  results {len(res):>3}  "
                  f"median {statistics.median(times) * 1000:6.2f} ms  max {max(times) * 1000:6.2f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixtures", type=Path, default=FIXTURES)
    ap.add_argument("--no-after", action="store_true", help="skip the project's search")
    ap.add_argument("--speed", type=int, default=300_000, metavar="N", help="vocabulary size (0: skip)")
    args = ap.parse_args(argv)
    articles = load_articles(args.fixtures)
    cases = load_cases(args.fixtures)
    print(f"{len(articles)} articles ({sum(a.language == 'de' for a in articles)} German), {len(cases)} cases")
    score(cases, naive_runner(articles), "before: one field, StemmingAnalyzer, AND")
    if not args.no_after:
        try:
            with tempfile.TemporaryDirectory() as d:
                run = project_runner(args.fixtures, Path(d) / "index")
                score(cases, run, "after: egovsearch.api.search")
        except ImportError as e:
            print(f"\n== after: unavailable ({e}) ==")
    big = wordfreq_vocab(max(args.speed, 300_000))
    compare_rules(articles, cases, big)
    if args.speed:
        speed(args.speed, big)
    return 0


if __name__ == "__main__":
    sys.exit(main())
