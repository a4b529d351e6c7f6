"""Listing and batch speed (issue 16): every hit of a word, and many queries in one process.

    python benchmarks/listing.py --corpus C --index I [--python P] [--repeat 5]
                                 [--word Verwaltung] [--queries 400] [--seed 0] [--json OUT]

Each figure is the wall time of a whole process (start-up included), one untimed
warm-up first, then --repeat interleaved rounds; median and worst are reported:

- ``egovsearch query WORD --all -f paths|ids|tsv`` against ``rg -l -i WORD CORPUS``
  (the same word over the same archive; rg also counts the compounds the word is
  part of, so it lists more files);
- ``--all -f jsonl --fields id,path,title,source,published`` (no snippets) and
  ``--all -f jsonl`` (the default keys: a snippet per hit, each page read again);
- ``--stdin -f ids --limit 10`` over a generated mix of words, word pairs and
  phrases (`mix`), as queries per second of the whole process.

From Python (benchmarks/run.py calls this): ``measure(corpus, index, python)``
returns a dict with these keys:

``word``, ``hits`` (articles the query lists), ``rg_files`` (files rg lists),
``repeat``, ``load`` (the 1-minute load average before and after: other work
on the machine inflates every figure), and one entry per measurement, each
``{"median": s, "worst": s, "runs": [s, ...], "cpu_median": s, "cpu_worst": s}``
(wall times; CPU = user + system seconds of the process, all threads: less
disturbed by a loaded machine, but rg runs several threads) with, where it
applies, ``ratio_to_rg`` (median wall time / rg's):

``rg``, ``paths``, ``ids``, ``tsv``, ``jsonl_fields``, ``jsonl_snippets``, and
``stdin``, which also has ``queries`` (lines per run), ``failed`` (lines
reported as errors), ``median_qps`` and ``worst_qps`` (queries per second of
the median and the slowest run) and ``cpu_qps`` (per CPU second, median).
A command that fails (exit 2: an older revision without ``--fields``, say) is
``{"error": its stderr}`` instead.

The code under test is the ``egovsearch`` console script beside `python`
(its virtual environment), else ``python -m egovsearch``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

WORD = "Verwaltung"  # 4,973 hits at 20,000 articles (benchmarks/corpus.py, seed 0)
FIELDS = "id,path,title,source,published"
SKIP_MOST_FREQUENT = 200  # the vocabularies' most frequent words are mostly stop words
WORDS_PER_LANGUAGE = 3000


def _command(python: str) -> list[str]:
    script = Path(python).parent / "egovsearch"
    return [str(script)] if script.exists() else [python, "-m", "egovsearch"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # start-up with cached bytecode, as installed
    env.pop("EGOVSEARCH_INDEX", None)
    return env


class Run(NamedTuple):
    seconds: float  # wall time
    cpu: float  # user + system CPU seconds of the process (all its threads)
    stdout: bytes
    stderr: bytes
    code: int


def _timed(cmd: Sequence[str], stdin: bytes | None = None) -> Run:
    """One process, its output read through pipes."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=err, env=_env())
        assert proc.stdin is not None
        if stdin:
            proc.stdin.write(stdin)
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_utime + usage.ru_stime, out.read(), err.read(), proc.returncode)


def _summary(runs: list[Run]) -> dict[str, Any]:
    walls, cpus = [r.seconds for r in runs], [r.cpu for r in runs]
    return {"median": statistics.median(walls), "worst": max(walls), "runs": walls,
            "cpu_median": statistics.median(cpus), "cpu_worst": max(cpus)}


def _vocabulary(index: Path, lang: str) -> list[str]:
    """Words of an index vocabulary file, most frequent first."""
    rows: list[tuple[int, str]] = []
    try:
        with open(index / f"vocab-{lang}.tsv", encoding="utf-8") as f:
            for line in f:
                word, _, count = line.rstrip("\n").partition("\t")
                if word and not word.startswith("#") and count.isdigit():
                    rows.append((-int(count), word))
    except OSError:
        return []
    return [w for _, w in sorted(rows)]


def mix(corpus: Path, index: Path, count: int = 400, seed: int = 0) -> list[str]:
    """`count` queries as a script might send them: a third single words, a third
    word pairs (from the vocabularies' frequent words, stop words left out), a
    third phrases of 2-3 consecutive words cut from archive pages."""
    rng = random.Random(seed)
    words: list[str] = []
    for lang in ("en", "de"):
        words += _vocabulary(index, lang)[SKIP_MOST_FREQUENT:SKIP_MOST_FREQUENT + WORDS_PER_LANGUAGE]
    words = words or ["verwaltung", "government", "digital"]
    pages = sorted(corpus.rglob("*.txt"))
    out: list[str] = []
    while len(out) < count:
        kind = len(out) % 3
        if kind == 0:
            out.append(rng.choice(words))
        elif kind == 1:
            out.append(f"{rng.choice(words)} {rng.choice(words)}")
        else:
            text = rng.choice(pages).read_text(encoding="utf-8", errors="replace") if pages else ""
            tokens = [t for t in re.findall(r"\w+", text) if not t.isdigit()]
            if len(tokens) < 4:
                continue
            i = rng.randrange(len(tokens) - 3)
            out.append('"' + " ".join(tokens[i:i + rng.randint(2, 3)]) + '"')
    return out


def measure(corpus: Path, index: Path, python: str, *, repeat: int = 5, word: str = WORD,
            queries: int = 400, seed: int = 0) -> dict[str, Any]:
    """The listing and batch figures (see the module docstring for the keys)."""
    corpus, index = Path(corpus), Path(index)
    egov = _command(python)
    query = [*egov, "query", word, "--all", "--index", str(index)]
    cmds: dict[str, list[str]] = {
        "paths": [*query, "-f", "paths"],
        "ids": [*query, "-f", "ids"],
        "tsv": [*query, "-f", "tsv"],
        "jsonl_fields": [*query, "-f", "jsonl", "--fields", FIELDS],
        "jsonl_snippets": [*query, "-f", "jsonl"],
    }
    rg = shutil.which("rg")
    if rg:
        cmds = {"rg": [rg, "-l", "-i", word, str(corpus)], **cmds}
    batch = ("\n".join(mix(corpus, index, queries, seed)) + "\n").encode()
    stdin_cmd = [*egov, "query", "--stdin", "-f", "ids", "--limit", "10", "--index", str(index)]
    load_before = os.getloadavg()[0]

    counts: dict[str, int] = {}
    refused: dict[str, str] = {}
    for name, cmd in list(cmds.items()):  # warm-up (bytecode, page cache), and the sizes of the answers
        warm = _timed(cmd)
        if warm.code not in (0, 1):  # (an older revision without --fields, say): left out, with its error
            refused[name] = warm.stderr.decode(errors="replace").strip()[:300]
            del cmds[name]
            continue
        counts[name] = warm.stdout.count(b"\n")
    _timed(stdin_cmd, batch)
    times: dict[str, list[Run]] = {name: [] for name in cmds}
    batch_runs: list[Run] = []
    for _ in range(repeat):
        for name, cmd in cmds.items():
            times[name].append(_timed(cmd))
        batch_runs.append(_timed(stdin_cmd, batch))
    failed = batch_runs[-1].stderr.count(b"Error: ")

    result: dict[str, Any] = {"word": word, "hits": counts["paths"], "rg_files": counts.get("rg"),
                              "repeat": repeat, "load": [load_before, os.getloadavg()[0]]}
    for name, message in refused.items():
        result[name] = {"error": message}
    for name, runs in times.items():
        result[name] = _summary(runs)
        if rg and name != "rg":
            result[name]["ratio_to_rg"] = result[name]["median"] / result["rg"]["median"]
    n = batch.count(b"\n")
    s = result["stdin"] = {**_summary(batch_runs), "queries": n, "failed": failed}
    s.update(median_qps=n / s["median"], worst_qps=n / s["worst"], cpu_qps=n / s["cpu_median"])
    return result


def _report(r: dict[str, Any]) -> str:
    lines = [f"'{r['word']}': {r['hits']} hits (rg -l: {r['rg_files']} files); {r['repeat']} runs each; "
             f"load average {r['load'][0]:.1f} before, {r['load'][1]:.1f} after"]
    for name in ("rg", "paths", "ids", "tsv", "jsonl_fields", "jsonl_snippets"):
        if name in r and "error" in r[name]:
            lines.append(f"  {name:15} not measured: {r[name]['error']}")
        elif name in r:
            m = r[name]
            ratio = f"  {m['ratio_to_rg']:.2f}x rg" if "ratio_to_rg" in m else ""
            lines.append(f"  {name:15} median {m['median']:.3f} s  worst {m['worst']:.3f} s{ratio}"
                         f"   (CPU median {m['cpu_median']:.3f} s)")
    s = r["stdin"]
    lines.append(f"  stdin -f ids --limit 10: {s['queries']} queries ({s['failed']} refused), median "
                 f"{s['median']:.3f} s = {s['median_qps']:.0f} queries/s, worst {s['worst']:.3f} s = "
                 f"{s['worst_qps']:.0f} queries/s   (CPU median {s['cpu_median']:.3f} s = {s['cpu_qps']:.0f}/s)")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--word", default=WORD)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    r = measure(args.corpus, args.index, args.python, repeat=args.repeat, word=args.word,
                queries=args.queries, seed=args.seed)
    print(_report(r))
    if args.json:
        args.json.write_text(json.dumps(r, indent=1))


if __name__ == "__main__":
    main()
