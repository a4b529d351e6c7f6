"""Benchmark egovsearch against a naive Whoosh baseline on generated corpora (issue 8).

    python benchmarks/run.py --size 20000 [--size 100000] [--work DIR] [--repeat 7]
                             [--json OUT.json] [--markdown docs/PERFORMANCE.md]
                             [--no-baseline] [--no-project] [--python PATH] [--repo PATH]

For each size, in one run on one machine: generate (or reuse) the corpus under --work,
build the naive baseline index (benchmarks/naive_index.py, one process) and the project's
index (the whole `egovsearch index` process), then re-index with nothing changed and with
one file changed, then time end-to-end queries (each a new process, median of --repeat)
for `egovsearch query`, the naive CLI and `rg -l`, each kind of query in QUERY_KINDS, and
`egovsearch --help`. Prints a table of ratios against the issue's targets, writes everything
as JSON (--json) and puts the table into a Markdown file between its two markers (--markdown).

The code under test is the `egovsearch` console script of the virtual environment of
--python (default: this interpreter's), from the checkout --repo (default: this one; used for
the commit named in the results). benchmarks/compare.py uses both to time another revision.

Peak memory is the largest sum of VmRSS over the process and all its descendants, sampled
every 20 ms (pages shared between forked workers are counted once per process, so this
over-states a multi-process run a little). Index size is the apparent size of its files.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package

from benchmarks.corpus import PHRASE, generate

HERE = Path(__file__).resolve().parent

QUERY = f'"{PHRASE}"'
SAMPLE_EVERY = 0.02  # seconds between RSS samples
REPO = HERE.parent

# Kinds of query, each a different path through the code (arguments after `egovsearch query`;
# `--index` is added). "phrase" is the one the targets are stated for. Every kind has hits on
# the generated corpus (corpus.py's vocabulary), German and English.
QUERY_KINDS: dict[str, list[str]] = {
    "phrase": [QUERY, "--format", "json"],
    "word": ["digital", "--format", "json"],  # a frequent English term: BM25F over a long list
    "or": ["digital OR portal", "--format", "json"],
    "german compound": ["Verwaltung", "--format", "json"],  # expansion from vocab-de.tsv
    "wildcard": ["digit*", "--format", "json"],  # Whoosh's own matcher
    "sorted newest": ["digital", "--sort", "newest", "--format", "json"],
    "filters only": ["--lang", "de", "--since", "2020", "--format", "json"],
    "tsv (no snippets)": ["digital", "--format", "tsv"],
    "count": ["digital", "--count"],
}


# ---------------------------------------------------------------------------
# Measuring processes
# ---------------------------------------------------------------------------


def _ppid_map() -> dict[int, list[int]]:
    """Children of every process, from /proc/*/stat (no /proc/<pid>/task/*/children here)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name may contain spaces and parentheses: split after the last ')'.
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _vmrss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0  # exited, or a zombie (no VmRSS line)


def _cpu_ticks(pid: int) -> int:
    """utime + stime of a process so far, in clock ticks (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return 0
    fields = stat[stat.rindex(b")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def tree_rss(pid: int, cpu: dict[int, int] | None = None, seen: dict[int, list[float]] | None = None,
             now: float = 0.0) -> tuple[int, int]:
    """(sum, largest) VmRSS in bytes over `pid` and all its descendants, now; with `cpu`,
    also the CPU ticks each process has used so far (the largest value seen is kept)."""
    children = _ppid_map()
    total, largest, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        kb = _vmrss_kb(p)
        total += kb
        largest = max(largest, kb)
        if cpu is not None:
            cpu[p] = max(cpu.get(p, 0), _cpu_ticks(p))
        if seen is not None and kb:
            seen.setdefault(p, [now, now])[1] = now
        todo.extend(children.get(p, ()))
    return total * 1024, largest * 1024


@dataclass
class Run:
    """One measured process run."""

    seconds: float
    peak_rss: int  # bytes, process tree summed; 0 when not sampled
    peak_rss_one: int  # bytes, the largest single process of the tree
    stdout: str = field(repr=False, default="")
    stderr: str = field(repr=False, default="")
    returncode: int = 0
    # CPU seconds (user + system) summed over the process tree, from the samples: a
    # process's last <= 20 ms before it ends are missed. Unlike wall time, this hardly
    # depends on what else the machine runs, so it tells a slower program from a busier
    # machine. 0 when not sampled.
    cpu_s: float = 0.0
    # Per process of the tree: [CPU s, seconds from the start when first and last seen]
    # (a worker's last sighting is when it ended, within 20 ms): shows whether the
    # workers of a build finished together or one waited for the other.
    processes: dict[int, list[float]] = field(repr=False, default_factory=dict)


def run_measured(cmd: list[str], sample: bool = True, cwd: Path | None = None) -> Run:
    """Run `cmd` (in `cwd`) to completion: wall time, and peak process-tree RSS when `sample`."""
    peak = peak_one = 0
    cpu: dict[int, int] = {}
    seen: dict[int, list[float]] = {}
    done = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=cwd)

        def sampler() -> None:
            nonlocal peak, peak_one
            while not done.is_set():
                total, largest = tree_rss(proc.pid, cpu, seen, time.perf_counter() - start)
                peak, peak_one = max(peak, total), max(peak_one, largest)
                done.wait(SAMPLE_EVERY)

        thread = threading.Thread(target=sampler, daemon=True) if sample else None
        if thread:
            thread.start()
        # Wall time from the main thread's wait(), not the sampler's 20 ms tick.
        proc.wait()
        seconds = time.perf_counter() - start
        done.set()
        if thread:
            thread.join()
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            peak,
            peak_one,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            proc.returncode,
            sum(cpu.values()) / os.sysconf("SC_CLK_TCK"),
            {p: [cpu.get(p, 0) / os.sysconf("SC_CLK_TCK"), *t] for p, t in seen.items()},
        )


def median_runs(cmds: dict[str, list[str]], repeat: int) -> dict[str, dict[str, Any]]:
    """Median wall time of each command over `repeat` runs, after one untimed warm-up.

    Runs are interleaved (a, b, c, a, b, c, ...) so a noisy neighbour hurts all alike.
    """
    last: dict[str, Run] = {name: run_measured(cmd, sample=False) for name, cmd in cmds.items()}
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            last[name] = run_measured(cmd, sample=False)
            times[name].append(last[name].seconds)
    return {
        name: {
            "median_s": statistics.median(t),
            "min_s": min(t),
            "max_s": max(t),
            "returncode": last[name].returncode,
            "stdout": last[name].stdout,
            "stderr": last[name].stderr[-2000:],
        }
        for name, t in times.items()
    }


def dir_bytes(path: Path) -> int:
    """Apparent size of every file under `path` (like `du -sb`)."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# ---------------------------------------------------------------------------
# Corpus cache
# ---------------------------------------------------------------------------


def corpus_for(work: Path, size: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The archive for `size` pages under `work`, generated unless a matching one is cached.

    The cache key includes the generator's source, so editing corpus.py invalidates it.
    """
    import hashlib

    gen_hash = hashlib.sha256((HERE / "corpus.py").read_bytes()).hexdigest()[:16]
    archive = work / f"corpus-{size}-seed{seed}"
    marker = work / f"corpus-{size}-seed{seed}.json"
    if marker.exists() and archive.is_dir():
        info = json.loads(marker.read_text())
        if info.get("generator") == gen_hash:
            info["cached"] = True
            return archive, info
    shutil.rmtree(archive, ignore_errors=True)
    start = time.perf_counter()
    summary = generate(size, archive, seed=seed)
    info = {
        "pages": len(summary.pages),
        "bytes": summary.bytes,
        "german": sum(p.language == "de" for p in summary.pages),
        "phrase_pages": summary.phrase_pages,
        "generate_s": round(time.perf_counter() - start, 2),
        "generator": gen_hash,
        "seed": seed,
        "changed_file": _pick_file_to_change(archive, [p.path for p in summary.pages]),
    }
    marker.write_text(json.dumps(info, indent=2))
    info["cached"] = False
    return archive, info


def _pick_file_to_change(archive: Path, paths: list[str]) -> str:
    """A plain UTF-8, LF, dated page near the middle: appending a word keeps it a valid page."""
    for rel in paths[len(paths) // 2 :] + paths:
        data = (archive / rel).read_bytes()
        if b"\r" not in data and not data.startswith(b"\xef\xbb\xbf") and b".\n\n\nQuelle/Source: " in data:
            return rel
    return paths[0]


def append_word(path: Path) -> bytes:
    """Append a word to the article's last paragraph; the original bytes (to restore)."""
    original = path.read_bytes()
    path.write_bytes(original.replace(b".\n\n\nQuelle/Source: ", b". Nachtrag.\n\n\nQuelle/Source: ", 1))
    return original


# ---------------------------------------------------------------------------
# One size
# ---------------------------------------------------------------------------


def _hits(stdout: str) -> int | None:
    """Number of hits in a JSON answer (a list, or an object with `hits`); None if unreadable."""
    try:
        data = json.loads(stdout)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = data.get("hits")
    return len(data) if isinstance(data, list) else None


def code_version(repo: Path = REPO) -> str:
    """HEAD's short hash, plus "+dirty" when egovsearch/ has uncommitted changes (others edit it live)."""
    git = ["git", "-C", str(repo)]
    head = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "egovsearch"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return head + ("+dirty" if dirty else "")


def egovsearch_script(python: str | Path = sys.executable) -> str:
    """The console script next to `python` (same virtualenv), else on PATH.

    Not resolved: a virtualenv's python is a symlink to the base interpreter, whose
    folder has no egovsearch.
    """
    local = Path(python).absolute().parent / "egovsearch"
    return str(local) if local.exists() else (shutil.which("egovsearch") or "egovsearch")


def query_commands(egov: str, index: Path) -> dict[str, list[str]]:
    """Every kind of query of QUERY_KINDS as a command line against `index`."""
    return {kind: [egov, "query", *args, "--index", str(index)] for kind, args in QUERY_KINDS.items()}


def recoll_config(confdir: Path, archive: Path) -> Path:
    """A throwaway RECOLL_CONFDIR indexing `archive` with English and German stemming."""
    shutil.rmtree(confdir, ignore_errors=True)
    confdir.mkdir(parents=True)
    (confdir / "recoll.conf").write_text(
        f"topdirs = {archive}\nindexstemminglanguages = english german\n", encoding="utf-8"
    )
    return confdir


def recoll_build(recollindex: str, confdir: Path) -> Run:
    """One full `recollindex -z` (reset, then index everything) with its own configuration."""
    shutil.rmtree(confdir / "xapiandb", ignore_errors=True)
    cmd = ["env", f"RECOLL_CONFDIR={confdir}", recollindex, "-z"]
    return run_measured(cmd)


def _build_figures(r: Run, size: int) -> dict[str, Any]:
    return {
        "build_s": r.seconds,
        "cpu_s": r.cpu_s,
        "docs_per_s": size / r.seconds,
        "peak_rss": r.peak_rss,
        "peak_rss_one": r.peak_rss_one,
        "returncode": r.returncode,
        "stderr": r.stderr[-2000:],
        "processes": sorted(r.processes.values(), key=lambda x: x[1]),  # [CPU s, first, last seen s]
    }


def listing_figures(archive: Path, index: Path, python: Path) -> dict[str, Any] | None:
    """benchmarks/listing.py's figures (listing and batch queries), or None without that module."""
    import importlib

    try:
        # By name: the module comes from another branch, and mypy must pass with or without it.
        listing = importlib.import_module("benchmarks.listing")
    except ModuleNotFoundError as e:
        if e.name != "benchmarks.listing":
            raise  # listing.py is there but something it imports is not
        print("listing: benchmarks/listing.py missing", file=sys.stderr, flush=True)
        return None
    figures: dict[str, Any] = listing.measure(archive, index, python)
    return figures


# Issue 16's listing and batch targets: (key in listing.measure's figures, what, target, check).
LISTING_TARGETS: list[tuple[str, str, str, Callable[[dict[str, Any]], bool] | None]] = [
    ("paths", "--all -f paths", "<= 1.5x rg -l", lambda m: m["ratio_to_rg"] <= 1.5),
    ("ids", "--all -f ids", "<= 1.5x rg -l", lambda m: m["ratio_to_rg"] <= 1.5),
    ("tsv", "--all -f tsv", "<= 1.5x rg -l", lambda m: m["ratio_to_rg"] <= 1.5),
    ("jsonl_fields", "--all -f jsonl --fields id,path,title,source,published", "< 1.5 s",
     lambda m: m["median"] < 1.5),
    ("jsonl_snippets", "--all -f jsonl (snippets)", "(reported)", None),
]


def listing_table(listing: dict[str, Any]) -> list[str]:
    """The listing and batch figures as Markdown rows, with the issue's targets."""
    hits = listing.get("hits")
    out = ["", f"Listing `{listing.get('word')}` ({hits} hits; `rg -l -i` lists {listing.get('rg_files')} files), "
           f"median and worst of {listing.get('repeat')} runs, load "
           f"{'..'.join(f'{x:.1f}' for x in listing.get('load') or [])} (rg uses both cores only on an idle "
           "machine: the ratios are fair at load below 1):", "",
           "| listing and batch | median s | worst s | vs rg -l | target | result |",
           "| --- | --- | --- | --- | --- | --- |"]
    rg = listing.get("rg") or {}
    out.append(f"| `rg -l -i` | {_fmt(rg.get('median'))} | {_fmt(rg.get('worst'))} |  |  |  |")
    for key, what, target, check in LISTING_TARGETS:
        m = listing.get(key)
        if not m:
            continue
        result = "" if check is None else "PASS" if check(m) else "FAIL"
        out.append(f"| {what} | {_fmt(m['median'])} | {_fmt(m['worst'])} | {_fmt(m.get('ratio_to_rg'))} | "
                   f"{target} | {result} |")
    batch = listing.get("stdin")
    if batch:
        out.append(f"| --stdin -f ids --limit 10, {batch['queries']} queries | {_fmt(batch['median'])} | "
                   f"{_fmt(batch['worst'])} |  | >= 100 queries/s: {batch['median_qps']:.0f} "
                   f"(worst {batch['worst_qps']:.0f}) | {'PASS' if batch['worst_qps'] >= 100 else 'FAIL'} |")
    return out


def bench_size(
    size: int,
    work: Path,
    repeat: int,
    seed: int,
    baseline: bool,
    project: bool,
    python: str = sys.executable,
    repo: Path = REPO,
    build_rounds: int = 3,
    recoll: bool = True,
) -> dict[str, Any]:
    """Every measurement for one corpus size, as a JSON-ready dict.

    The project's build runs `build_rounds` times, alternating with `recollindex -z`
    when it is installed (ours, recoll, ours, recoll, ...): the figures are medians,
    and the ratio ours/recoll is the median of the rounds' ratios.
    """

    def log(msg: str) -> None:
        print(f"[{size}] {msg}", file=sys.stderr, flush=True)

    archive, corpus = corpus_for(work, size, seed)
    how = "cached" if corpus["cached"] else f"generated in {corpus['generate_s']:.1f} s"
    log(f"corpus {archive} ({how})")
    res: dict[str, Any] = {
        "size": size,
        "corpus": corpus,
        "baseline": None,
        "project": None,
        "recoll": None,
        "code": code_version(repo),
        "loadavg_at_start": os.getloadavg(),
    }
    py = sys.executable
    base_ix, proj_ix = work / f"baseline-{size}", work / f"project-{size}"
    egov = egovsearch_script(python)

    if baseline:
        shutil.rmtree(base_ix, ignore_errors=True)
        log("baseline build ...")
        r = run_measured([py, str(HERE / "naive_index.py"), str(archive), str(base_ix)])
        res["baseline"] = {**_build_figures(r, size), "index_bytes": dir_bytes(base_ix)}
        log(f"baseline build {r.seconds:.1f} s, rc {r.returncode}")

    recollindex = shutil.which("recollindex") if recoll else None
    if recoll and recollindex is None:
        log("recoll: recollindex is not installed, its column is left out (apt-get install recollcmd)")
    res["recoll_missing"] = recollindex is None
    confdir = recoll_config(work / f"recoll-{size}", archive) if recollindex else None
    if project:
        index_cmd = [egov, "index", "--archive", str(archive), "--index", str(proj_ix), "--quiet"]
        ours: list[Run] = []
        theirs: list[Run] = []
        for i in range(max(1, build_rounds)):
            shutil.rmtree(proj_ix, ignore_errors=True)
            log(f"project build {i + 1} ...")
            ours.append(run_measured(index_cmd))
            log(f"project build {ours[-1].seconds:.1f} s ({ours[-1].cpu_s:.1f} CPU s), rc {ours[-1].returncode}")
            if recollindex and confdir:
                log(f"recoll build {i + 1} ...")
                theirs.append(recoll_build(recollindex, confdir))
                log(f"recoll build {theirs[-1].seconds:.1f} s ({theirs[-1].cpu_s:.1f} CPU s), "
                    f"rc {theirs[-1].returncode}")
        r = ours[-1]
        p: dict[str, Any] = {
            **_build_figures(r, size),
            "build_s": statistics.median(x.seconds for x in ours),
            "cpu_s": statistics.median(x.cpu_s for x in ours),
            "builds_s": [x.seconds for x in ours],
            "builds_cpu_s": [x.cpu_s for x in ours],
            "peak_rss": max(x.peak_rss for x in ours),
            "peak_rss_one": max(x.peak_rss_one for x in ours),
            "index_bytes": dir_bytes(proj_ix) if proj_ix.exists() else 0,
        }
        p["docs_per_s"] = size / p["build_s"]
        if theirs and confdir:
            res["recoll"] = {
                **_build_figures(theirs[-1], size),
                "build_s": statistics.median(x.seconds for x in theirs),
                "cpu_s": statistics.median(x.cpu_s for x in theirs),
                "builds_s": [x.seconds for x in theirs],
                "builds_cpu_s": [x.cpu_s for x in theirs],
                "peak_rss": max(x.peak_rss for x in theirs),
                "index_bytes": dir_bytes(confdir / "xapiandb"),
                # Median of the per-round ratios: each round's two builds ran side by side in time.
                "ratio_ours_recoll": statistics.median(a.seconds / b.seconds for a, b in zip(ours, theirs, strict=True)),
                "cpu_ratio_ours_recoll": statistics.median(
                    a.cpu_s / b.cpu_s for a, b in zip(ours, theirs, strict=True) if b.cpu_s
                ) if any(b.cpu_s for b in theirs) else None,
            }
        noop = run_measured(index_cmd)
        p.update(noop_s=noop.seconds, noop_peak_rss=noop.peak_rss, noop_returncode=noop.returncode)
        changed = archive / corpus["changed_file"]
        original = append_word(changed)
        try:
            one = run_measured(index_cmd)
        finally:
            changed.write_bytes(original)  # keep the cached corpus pristine for later runs
        p.update(one_changed_s=one.seconds, one_changed_returncode=one.returncode)
        # Put the index back in step with the restored file (not timed).
        run_measured(index_cmd, sample=False)
        stats = run_measured([egov, "stats", "--index", str(proj_ix), "--format", "json"], sample=False)
        try:
            p["stats"] = json.loads(stats.stdout)
        except ValueError:
            p["stats"] = {"error": stats.stderr[-500:], "returncode": stats.returncode}
        # Sanity: every page containing the phrase should be found (rg -l counts the same files).
        count = run_measured([egov, "query", QUERY, "--count", "--index", str(proj_ix)], sample=False)
        p["phrase_total_hits"] = int(count.stdout) if count.stdout.strip().isdigit() else None
        res["project"] = p
        log(f"no-op {noop.seconds:.2f} s, one changed {one.seconds:.2f} s")
        res["listing"] = listing_figures(archive, proj_ix, Path(python))

    # End-to-end queries, each a new process.
    cmds: dict[str, list[str]] = {}
    if project:
        cmds["project"] = [egov, "query", QUERY, "--format", "json", "--index", str(proj_ix)]
    if baseline:
        cmds["naive"] = [py, str(HERE / "naive_cli.py"), QUERY, "--index", str(base_ix)]
    rg = shutil.which("rg")
    if rg:
        cmds["rg"] = [rg, "-l", PHRASE, str(archive)]
    log(f"queries x{repeat}: {', '.join(cmds)}")
    q = median_runs(cmds, repeat)
    for name, out in q.items():
        out["hits"] = len(out["stdout"].splitlines()) if name == "rg" else _hits(out["stdout"])
        del out["stdout"]
    res["query"] = q
    res["rg_missing"] = rg is None
    if project:
        log(f"query kinds x{repeat}: {', '.join(QUERY_KINDS)}")
        kinds = median_runs(query_commands(egov, proj_ix), repeat)
        for out in kinds.values():
            out["lines"] = len(out.pop("stdout").splitlines())
        res["query_kinds"] = kinds

    helps: dict[str, list[str]] = {}
    if project:
        helps["project"] = [egov, "--help"]
    if baseline:
        helps["naive"] = [py, str(HERE / "naive_cli.py"), "--help"]
    h = median_runs(helps, repeat)
    for out in h.values():
        del out["stdout"]
    res["help"] = h
    res["loadavg_at_end"] = os.getloadavg()  # other work on the machine makes every figure noisier
    res["checks"] = checks(res)
    return res


# ---------------------------------------------------------------------------
# Targets and the table
# ---------------------------------------------------------------------------

MB = 1e6


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def checks(res: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows: metric, project, baseline, ratio (project/baseline), target, pass, and the
    peer (recoll) columns: its figure, the ratio project/recoll, its target and verdict.

    `at` is the corpus size the issue states a target for; at other sizes the verdict is
    informational (shown in parentheses).
    """
    p, b, q, h = res["project"] or {}, res["baseline"] or {}, res["query"], res["help"]
    rc = res.get("recoll") or {}
    qp, qn, qr = (q.get(k, {}).get("median_s") for k in ("project", "naive", "rg"))
    # metric, project, baseline, limit, at, target, recoll figure, ratio to recoll, its limit, its target
    rows: list[tuple[Any, ...]] = [
        ("build s", p.get("build_s"), b.get("build_s"), 1 / 2.5, 20_000, "<= 0.40 (2.5x faster)",
         rc.get("build_s"), rc.get("ratio_ours_recoll"), 0.6, "<= 0.60 (median of rounds)"),
        ("build CPU s (process tree)", p.get("cpu_s"), b.get("cpu_s"), None, None, "",
         rc.get("cpu_s"), rc.get("cpu_ratio_ours_recoll"), None, ""),
        ("docs/s", p.get("docs_per_s"), b.get("docs_per_s"), None, None, "",
         rc.get("docs_per_s"), None, None, ""),
        ("index MB", _mb(p.get("index_bytes")), _mb(b.get("index_bytes")), 0.8, 20_000, "<= 0.80",
         _mb(rc.get("index_bytes")), _ratio(p.get("index_bytes"), rc.get("index_bytes")), 1 / 2.6,
         "<= 0.38 (2.6x smaller)"),
        ("peak RSS MB (process tree)", _mb(p.get("peak_rss")), _mb(b.get("peak_rss")), None, None, "",
         _mb(rc.get("peak_rss")), _ratio(p.get("peak_rss"), rc.get("peak_rss")), None, ""),
        ("peak RSS MB (largest process)", _mb(p.get("peak_rss_one")), _mb(b.get("peak_rss_one")), None, None, "",
         _mb(rc.get("peak_rss_one")), None, None, ""),
        ("no-op re-index s (vs build)", p.get("noop_s"), p.get("build_s"), 0.03, 20_000, "<= 0.03",
         None, None, None, ""),
        ("1-changed re-index s (vs build)", p.get("one_changed_s"), p.get("build_s"), None, None, "",
         None, None, None, ""),
        ("query s (vs naive CLI)", qp, qn, 0.5, 20_000, "<= 0.50", None, None, None, ""),
        ("query s (vs rg -l)", qp, qr, 1 / 3, 100_000, "< 0.33", None, None, None, ""),
        (
            "--help s (vs naive CLI)",
            h.get("project", {}).get("median_s"),
            h.get("naive", {}).get("median_s"),
            None, None, "", None, None, None, "",
        ),
    ]
    out = []
    for metric, proj, base, limit, at, target, peer, peer_ratio, peer_limit, peer_target in rows:
        ratio = _ratio(proj, base)
        verdict = (
            None
            if limit is None or ratio is None
            else (ratio < limit if metric.startswith("query s (vs rg") else ratio <= limit)
        )
        out.append(
            {
                "metric": metric,
                "project": proj,
                "baseline": base,
                "ratio": ratio,
                "target": target,
                "at": at,
                "pass": verdict,
                "recoll": peer,
                "recoll_ratio": peer_ratio,
                "recoll_target": peer_target,
                "recoll_pass": None if peer_limit is None or peer_ratio is None else peer_ratio <= peer_limit,
            }
        )
    rss = _mb(p.get("peak_rss"))
    out.append(
        {
            "metric": "peak RSS MB (absolute)",
            "project": rss,
            "baseline": None,
            "ratio": None,
            "target": "<= 400 MB",
            "at": 100_000,
            "pass": None if rss is None else rss <= 400,
            "recoll": None,
            "recoll_ratio": None,
            "recoll_target": "",
            "recoll_pass": None,
        }
    )
    return out


SCALE_LIMIT = 5.5  # the 100,000-article build at most this many times the 20,000 one


def scaling(results: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The 100,000-article build against the 20,000 one (same run), when both were built."""
    by_size = {r["size"]: (r["project"] or {}).get("build_s") for r in results}
    cpu = {r["size"]: (r["project"] or {}).get("cpu_s") for r in results}
    small, big = by_size.get(20_000), by_size.get(100_000)
    if not small or not big:
        return None
    ratio = big / small
    return {
        "build_20000_s": small,
        "build_100000_s": big,
        "ratio": ratio,
        "cpu_ratio": _ratio(cpu.get(100_000), cpu.get(20_000)),
        "target": f"<= {SCALE_LIMIT}",
        "pass": ratio <= SCALE_LIMIT,
    }


def _verdict(ok: bool | None, at: int | None, size: int) -> str:
    if ok is None:
        return ""
    verdict = "PASS" if ok else "FAIL"
    return f"({verdict.lower()}; target at {at:,})" if at is not None and at != size else verdict


def _mb(n: int | None) -> float | None:
    return None if n is None else n / MB


def _fmts(xs: list[float] | None) -> str:
    return "/".join(_fmt(x) for x in xs or [])


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"


def print_table(res: dict[str, Any]) -> None:
    """The per-size table on stdout."""
    c = res["corpus"]
    print(
        f"\n== {res['size']:,} articles ({c['bytes'] / MB:.0f} MB, {c['german']:,} German, "
        f'{c["phrase_pages"]:,} containing "{PHRASE}"; code {res["code"]}; '
        f"load {res['loadavg_at_start'][0]:.1f}..{res['loadavg_at_end'][0]:.1f}) =="
    )
    head = (
        f"{'metric':34} {'project':>10} {'baseline':>10} {'ratio':>7}  {'target':24} {'result':14}"
        f"{'recoll':>10} {'vs recoll':>9}  {'target':28} result"
    )
    print(head)
    print("-" * len(head))
    for row in res["checks"]:
        verdict = _verdict(row["pass"], row["at"], res["size"])
        if row["pass"] is None and row["target"]:
            verdict = "n/a"
        peer = _verdict(row.get("recoll_pass"), 20_000, res["size"])
        print(
            f"{row['metric']:34} {_fmt(row['project']):>10} {_fmt(row['baseline']):>10} "
            f"{_fmt(row['ratio']):>7}  {row['target']:24} {verdict:14}"
            f"{_fmt(row.get('recoll')):>10} {_fmt(row.get('recoll_ratio')):>9}  {row.get('recoll_target', ''):28} {peer}"
        )
    if res.get("recoll_missing"):
        print("recoll: recollindex is not installed; its column is empty (apt-get install recollcmd)")
    elif res.get("recoll"):
        rc, p = res["recoll"], res["project"] or {}
        print(f"builds (alternating rounds): egovsearch {_fmts(p.get('builds_s'))} s "
              f"({_fmts(p.get('builds_cpu_s'))} CPU s), recoll {_fmts(rc.get('builds_s'))} s "
              f"({_fmts(rc.get('builds_cpu_s'))} CPU s)")
    listing = res.get("listing")
    if listing is None:
        print("listing: benchmarks/listing.py missing")
    else:
        for key, value in listing.items():
            print(f"listing {key:26} {_fmt(value) if isinstance(value, (int, float)) else value}")
    kinds = res.get("query_kinds") or {}
    if kinds:
        print(f"{'query kind (project)':34} {'median s':>10} {'min s':>10} {'lines':>7}")
        for kind, out in kinds.items():
            print(f"{kind:34} {out['median_s']:>10.3f} {out['min_s']:>10.3f} {out['lines']:>7}")
    hits = {k: v.get("hits") for k, v in res["query"].items()}
    total = (res["project"] or {}).get("phrase_total_hits")
    print(
        f"hits printed: {hits}; project total (--count): {total}; pages generated with the phrase: {c['phrase_pages']}"
    )
    for name, part in (("project", res["project"]), ("baseline", res["baseline"])):
        if part and part.get("returncode"):
            print(f"WARNING: {name} build exited {part['returncode']}: {part['stderr'][-500:]}")
    every = {
        **res["query"],
        **{f"query {k}": v for k, v in kinds.items()},
        **{f"{k} --help": v for k, v in res["help"].items()},
    }
    for name, out in every.items():
        if out["returncode"] not in (0, 1):
            print(f"WARNING: {name} exited {out['returncode']}: {out['stderr'][-500:]}")


# ---------------------------------------------------------------------------
# The table in docs/PERFORMANCE.md
# ---------------------------------------------------------------------------

TABLE_START = "<!-- benchmark-table:start -->"
TABLE_END = "<!-- benchmark-table:end -->"


def _md_value(row: dict[str, Any], key: str) -> str:
    v = row[key]
    return "" if v is None else _fmt(v)


def markdown_tables(results: list[dict[str, Any]], machine: dict[str, Any]) -> str:
    """The run's tables in Markdown: one per size, naming the commit, the date and the sizes."""
    out = [
        f"Generated by `python benchmarks/run.py {machine['argv']}` on {machine['when']} "
        f"(code {machine['commit']}; {machine['cpus']} CPUs; Python {machine['python']}). "
        "Ratios are egovsearch / baseline and egovsearch / recoll within this one run.",
        "",
    ]
    for res in results:
        c = res["corpus"]
        rc = res.get("recoll") or {}
        p = res["project"] or {}
        out += [
            f"**{res['size']:,} articles** ({c['bytes'] / MB:.0f} MB of pages, {c['german']:,} German; "
            f"load {res['loadavg_at_start'][0]:.1f}..{res['loadavg_at_end'][0]:.1f}):",
            "",
            "| measure | egovsearch | naive baseline | ratio | target | result | recoll | vs recoll | target | result |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in res["checks"]:
            out.append(
                f"| {row['metric']} | {_md_value(row, 'project')} | {_md_value(row, 'baseline')} | "
                f"{_md_value(row, 'ratio')} | {row['target']} | {_verdict(row['pass'], row['at'], res['size'])} | "
                f"{_md_value(row, 'recoll')} | {_md_value(row, 'recoll_ratio')} | {row['recoll_target']} | "
                f"{_verdict(row['recoll_pass'], 20_000, res['size'])} |"
            )
        if res.get("recoll_missing"):
            out += ["", "recoll: `recollindex` is not installed; its columns are empty."]
        elif rc:
            out += ["", f"Builds in alternating rounds: egovsearch {_fmts(p.get('builds_s'))} s "
                        f"({_fmts(p.get('builds_cpu_s'))} CPU s), `recollindex -z` {_fmts(rc.get('builds_s'))} s "
                        f"({_fmts(rc.get('builds_cpu_s'))} CPU s)."]
        listing = res.get("listing")
        if listing is None:
            out += ["", "listing: benchmarks/listing.py missing"]
        else:
            out += listing_table(listing)
        kinds = res.get("query_kinds") or {}
        if kinds:
            out += ["", "| query kind (end to end, median) | arguments | seconds |", "| --- | --- | --- |"]
            for kind, q in kinds.items():
                args = shlex.join(QUERY_KINDS[kind]).replace("|", "\\|")
                out.append(f"| {kind} | `{args}` | {q['median_s']:.3f} |")
        out.append("")
    scale = scaling(results)
    if scale:
        out += [
            "| scaling | 20,000 s | 100,000 s | ratio | CPU ratio | target | result |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            f"| build 100,000 / 20,000 | {_fmt(scale['build_20000_s'])} | {_fmt(scale['build_100000_s'])} | "
            f"{_fmt(scale['ratio'])} | {_fmt(scale['cpu_ratio'])} | {scale['target']} | "
            f"{'PASS' if scale['pass'] else 'FAIL'} |",
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def replace_table(path: Path, table: str) -> None:
    """Put `table` between the two markers of the Markdown file `path` (the rest stays)."""
    text = path.read_text(encoding="utf-8")
    try:
        head, rest = text.split(TABLE_START, 1)
        _, tail = rest.split(TABLE_END, 1)
    except ValueError:
        raise SystemExit(f"{path}: no {TABLE_START} ... {TABLE_END} markers") from None
    path.write_text(f"{head}{TABLE_START}\n{table}{TABLE_END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark for every --size; print tables; write --json."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, action="append", help="corpus size (repeatable; default 20000)")
    ap.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "egovsearch-bench",
        help="where corpora (cached) and indexes go",
    )
    ap.add_argument("--repeat", type=int, default=7, help="runs per timed query (median)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, help="write all figures here")
    ap.add_argument("--no-baseline", action="store_true", help="skip the naive Whoosh baseline")
    ap.add_argument("--no-project", action="store_true", help="skip egovsearch itself")
    ap.add_argument(
        "--markdown",
        type=Path,
        nargs="?",
        const=Path("-"),
        help="print the Markdown table docs/PERFORMANCE.md carries; with FILE, put it between FILE's markers",
    )
    ap.add_argument("--build-rounds", type=int, default=3,
                    help="project builds per size, alternating with recollindex (median; default 3)")
    ap.add_argument("--no-recoll", action="store_true", help="leave out the recoll peer column")
    ap.add_argument(
        "--python", default=sys.executable, help="interpreter of the virtualenv with the egovsearch under test"
    )
    ap.add_argument("--repo", type=Path, default=REPO, help="checkout of the code under test (for its commit)")
    args = ap.parse_args(argv)
    to_file = args.markdown is not None and str(args.markdown) != "-"
    if to_file and TABLE_START not in args.markdown.read_text(encoding="utf-8"):
        ap.error(f"{args.markdown} has no {TABLE_START} marker")  # before the long run, not after
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for size in args.size or [20_000]:
        res = bench_size(
            size, args.work, args.repeat, args.seed, not args.no_baseline, not args.no_project, args.python, args.repo,
            args.build_rounds, not args.no_recoll,
        )
        print_table(res)
        results.append(res)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": code_version(args.repo),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "argv": " ".join(sys.argv[1:] if argv is None else argv),
    }
    scale = scaling(results)
    if scale:
        print(f"\nbuild 100,000 / 20,000: {scale['ratio']:.2f} (CPU {_fmt(scale['cpu_ratio'])}; "
              f"target {scale['target']}) {'PASS' if scale['pass'] else 'FAIL'}")
    if args.markdown is not None:
        table = markdown_tables(results, machine)
        if to_file:
            replace_table(args.markdown, table)
        else:
            print("\n" + table, end="")
    if args.json:
        args.json.write_text(
            json.dumps({"machine": machine, "query": QUERY, "results": results, "scaling": scale}, indent=2, default=str)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
