"""The worst queries people type (issue 14): time and memory of each, one process each.

    python benchmarks/hostile_queries.py --index I [--count 200] [--seed 0] [--json OUT]

Generates a deterministic list of queries (random archive words, phrases, wildcards,
long compounds, repeated letters, 1,000-character inputs, URLs, stop words, emoji,
too-long inputs that must be refused) from the index's own vocabulary files, runs
each as `egovsearch query Q --index I -f ids --limit 10` in a new process, and
reports wall time and peak RSS (the child's own maximum resident set, from wait4),
the median and the worst, with the worst queries named. Also times a zero-hit query
against a one-hit query (median of --repeat runs each), which the issue bounds at 1.2x.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

MAX_CHARS = 1000  # the documented input limit: longer queries must be refused


def _vocabulary(index: Path, lang: str) -> list[str]:
    words: list[str] = []
    try:
        with open(index / f"vocab-{lang}.tsv", encoding="utf-8") as f:
            for line in f:
                word, _, count = line.rstrip("\n").partition("\t")
                if word and not word.startswith("#") and count.isdigit():
                    words.append(word)
    except OSError:
        pass
    return words


def generate(index: Path, count: int, seed: int) -> list[str]:
    """`count` queries of every hostile kind, drawn with a fixed seed."""
    rng = random.Random(seed)
    en, de = _vocabulary(index, "en"), _vocabulary(index, "de")
    words = en + de or ["verwaltung", "government", "digital"]
    long_de = sorted(de, key=len)[-50:] or ["verwaltungsdigitalisierung"]
    fixed = [
        "Digitalisierungsverwaltungsbeschleunigungsgesetzesnovelle",
        "a" * 50, "a" * 200, "a" * 999, "ab" * 500,
        "the government", "in der Verwaltung", "die Verwaltung", '"key issues"', '"main issues"',
        "Behörde*", "Behoerde*", "behorde*", "Verwaltung*", "a*", "e*", "s*",
        "http://example.com/some/path?x=1", "info@example.org", "§ 5", "4.0", "Bund/Länder", "Art. 3 GG",
        "\U0001F600", "\U0001F600 \U0001F680", "Verwaltung " * 60, " ".join(["x"] * 64),
        "x" * (MAX_CHARS + 1), " ".join(rng.choice(words) for _ in range(1250)),
        "(" * 50 + "a" + ")" * 50, "NOT " * 30 + "verwaltung", "a OR " * 100 + "b",
    ]
    out = list(fixed)
    kinds = ("word", "words", "phrase", "wildcard", "compound", "long", "mixed")
    while len(out) < count:
        kind = rng.choice(kinds)
        if kind == "word":
            out.append(rng.choice(words))
        elif kind == "words":
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(2, 8))))
        elif kind == "phrase":
            out.append('"' + " ".join(rng.choice(words) for _ in range(rng.randint(2, 6))) + '"')
        elif kind == "wildcard":
            w = rng.choice(words)
            out.append(w[: rng.randint(1, max(1, len(w)))] + "*")
        elif kind == "compound":
            out.append("".join(rng.choice(long_de) for _ in range(rng.randint(2, 4))))
        elif kind == "long":
            text = " ".join(rng.choice(words) for _ in range(400))
            out.append(text[: rng.randint(900, MAX_CHARS)].strip())
        else:
            parts = [rng.choice(words), '"' + rng.choice(words) + " " + rng.choice(words) + '"',
                     rng.choice(words)[:3] + "*", "OR", rng.choice(words)]
            out.append(" ".join(parts))
    return out[:count]


def run_one(egovsearch: list[str], index: Path, query: str) -> tuple[float, int, int]:
    """(seconds, peak RSS bytes, exit code) of one query process."""
    start = time.perf_counter()
    proc = subprocess.Popen([*egovsearch, "query", query, "--index", str(index), "-f", "ids", "--limit", "10"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss * 1024, proc.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--egovsearch", default=None, help="the command to run (default: this Python's -m egovsearch)")
    args = ap.parse_args()
    cmd = args.egovsearch.split() if args.egovsearch else [sys.executable, "-m", "egovsearch"]
    queries = generate(args.index, args.count, args.seed)
    rows = []
    for q in queries:
        seconds, rss, code = run_one(cmd, args.index, q)
        rows.append({"query": q, "seconds": seconds, "rss": rss, "exit": code})
    times = [r["seconds"] for r in rows]
    rsss = [r["rss"] for r in rows]
    print(f"{len(rows)} queries at {args.index}: median {statistics.median(times):.3f} s, "
          f"worst {max(times):.3f} s; peak RSS median {statistics.median(rsss) / 2**20:.0f} MB, "
          f"worst {max(rsss) / 2**20:.0f} MB")
    print("exit codes:", {c: sum(1 for r in rows if r["exit"] == c) for c in sorted({r["exit"] for r in rows})})
    print("slowest:")
    for r in sorted(rows, key=lambda r: -r["seconds"])[:8]:
        shown = r["query"] if len(r["query"]) <= 70 else r["query"][:67] + "..."
        print(f"  {r['seconds']:.3f} s  {r['rss'] / 2**20:.0f} MB  exit {r['exit']}  {shown!r}")
    # Zero hits against one hit: the same shape of query, interleaved.
    one = [w for w in _vocabulary(args.index, "en")[:2000]] or ["government"]
    zero_q, one_q = "zzqqxxnothing", one[len(one) // 2]
    zero_t, one_t = [], []
    for _ in range(args.repeat):
        zero_t.append(run_one(cmd, args.index, zero_q)[0])
        one_t.append(run_one(cmd, args.index, one_q)[0])
    z, o = statistics.median(zero_t), statistics.median(one_t)
    print(f"zero-hit {zero_q!r} {z:.3f} s against {one_q!r} {o:.3f} s: ratio {z / o:.2f} (target <= 1.2)")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "zero_hit": z, "one_hit": o}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
