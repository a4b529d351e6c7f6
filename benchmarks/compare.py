"""Compare two code trees with run.py's measures, in alternating rounds on one archive.

    python benchmarks/compare.py --old 978e278 [--new REV] --size 20000 --rounds 9
                                 [--build-rounds N] [--work DIR] [--json OUT.json]

The old tree is a git worktree of --old under benchmarks/out/ with a virtualenv of its own
(`pip install -e` there), so the old code runs with the old code; the new tree is this
checkout with this interpreter, or a worktree of --new. Each side is driven only through
its own `egovsearch` process (the two revisions may lay out their modules differently).

The archive is generated once (run.py's cache) and both sides index it into indexes of
their own. Every round measures, for old then new, alternating measure by measure: the
full build and the index size (in the first --build-rounds rounds; default every round),
the no-op re-index, the re-index after one changed file, every kind of query of
run.QUERY_KINDS and `--help`. The table gives the median of each side, the ratio new/old
and flags every ratio above 1.05. The two sides' query answers are compared too: a
difference is reported (the restructuring must not change results).

Exit status: 0 when no ratio is above 1.05 and the answers agree, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package

from benchmarks import run

OUT = run.HERE / "out"  # git-ignored: worktrees and their virtualenvs
LIMIT = 1.05  # the largest ratio new/old accepted


@dataclass
class Side:
    """One code tree under test: its label, checkout, `egovsearch` script and index."""

    label: str
    repo: Path
    egov: str
    index: Path
    commit: str
    times: dict[str, list[float]] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)

    def add(self, measure: str, value: float) -> None:
        self.times.setdefault(measure, []).append(value)

    def index_cmd(self, archive: Path) -> list[str]:
        return [self.egov, "index", "--archive", str(archive), "--index", str(self.index), "--quiet"]


def _log(msg: str) -> None:
    print(f"[compare] {msg}", file=sys.stderr, flush=True)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(run.REPO), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def checkout(rev: str) -> tuple[Path, Path, str]:
    """A worktree of `rev` under benchmarks/out/ with its own virtualenv: (tree, its python, commit)."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    tree = OUT / f"tree-{commit[:12]}"
    python = tree / ".venv" / "bin" / "python"
    if not (tree / ".git").exists():
        OUT.mkdir(parents=True, exist_ok=True)
        _git("worktree", "prune")  # a worktree folder removed by hand
        _log(f"worktree of {rev} ({commit[:12]}) at {tree}")
        _git("worktree", "add", "--detach", "--force", str(tree), commit)
    if not (tree / ".venv" / "bin" / "egovsearch").exists():
        _log(f"virtualenv for {commit[:12]} (pip install -e)")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(tree / ".venv")], check=True)
        pip = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", str(tree)],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        if pip.returncode:  # the mirror's warnings are noise unless the install failed
            raise SystemExit(f"pip install -e {tree} failed:\n{pip.stdout}{pip.stderr}")
    return tree, python, commit[:12]


def timed(cmd: list[str], cwd: Path) -> run.Run:
    """One run of `cmd` in `cwd` (wall time only), failing loudly: a broken side makes no comparison.

    `cwd` is a scratch folder, so no checkout's ./index or ./seeds is picked up by accident.
    """
    r = run.run_measured(cmd, sample=False, cwd=cwd)
    if r.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr[-1000:]}")
    return r


def one_round(sides: list[Side], archive: Path, changed: Path, build: bool, cwd: Path, warm_up: bool) -> None:
    """Every measure once per side, old and new alternating measure by measure.

    With `warm_up` (the first round) every query runs once untimed before the timed ones, so
    that no timed run pays for compiling a tree's .pyc files or filling the page cache.
    """
    if build:
        for s in sides:
            shutil.rmtree(s.index, ignore_errors=True)
            s.add("full build s", timed(s.index_cmd(archive), cwd).seconds)
            s.add("index MB", run.dir_bytes(s.index) / run.MB)
    for s in sides:
        s.add("no-op re-index s", timed(s.index_cmd(archive), cwd).seconds)
    original = run.append_word(changed)
    try:
        for s in sides:
            s.add("one changed file s", timed(s.index_cmd(archive), cwd).seconds)
    finally:
        changed.write_bytes(original)  # keep the cached corpus pristine
    for s in sides:
        timed(s.index_cmd(archive), cwd)  # back in step with the restored page (not timed)
    commands = {s.label: run.query_commands(s.egov, s.index) for s in sides}
    if warm_up:
        for s in sides:
            for cmd in [*commands[s.label].values(), [s.egov, "--help"]]:
                timed(cmd, cwd)
    for kind in run.QUERY_KINDS:
        for s in sides:
            r = timed(commands[s.label][kind], cwd)
            s.add(f"query: {kind} s", r.seconds)
            s.answers[kind] = r.stdout
    for s in sides:
        s.add("--help s", timed([s.egov, "--help"], cwd).seconds)


def table(old: Side, new: Side) -> tuple[list[dict[str, Any]], list[str]]:
    """Rows (measure, runs, old and new medians, ratio, flag) and the lines to print."""
    rows, lines = [], []
    head = f"{'measure':32} {'runs':>4} {'old':>9} {'new':>9} {'new/old':>8}"
    lines += [head, "-" * len(head)]
    for measure, old_times in old.times.items():
        a, b = statistics.median(old_times), statistics.median(new.times[measure])
        ratio = b / a if a else float("nan")
        flag = ratio > LIMIT
        rows.append({"measure": measure, "runs": len(old_times), "old": a, "new": b, "ratio": ratio, "flag": flag})
        lines.append(
            f"{measure:32} {len(old_times):>4} {a:>9.3f} {b:>9.3f} {ratio:>8.3f}"
            + (f"  <-- above {LIMIT}" if flag else "")
        )
    return rows, lines


def main(argv: list[str] | None = None) -> int:
    """Set up both sides, run the rounds, print the table; exit 1 on a flag or a difference."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True, help="git revision of the old code (a worktree is made)")
    ap.add_argument("--new", help="git revision of the new code (default: this checkout, this interpreter)")
    ap.add_argument("--size", type=int, default=20_000, help="pages in the generated archive")
    ap.add_argument("--rounds", type=int, default=9, help="rounds (each measure once per side per round)")
    ap.add_argument("--build-rounds", type=int, help="full builds in only the first N rounds (default: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "egovsearch-bench", help="corpora and indexes"
    )
    ap.add_argument("--json", type=Path, help="write every run's figures here")
    args = ap.parse_args(argv)
    build_rounds = args.rounds if args.build_rounds is None else min(args.build_rounds, args.rounds)
    if args.rounds < 1 or build_rounds < 1:
        ap.error("--rounds and --build-rounds must be at least 1")

    old_repo, old_python, old_commit = checkout(args.old)
    if args.new:
        new_repo, new_python, new_commit = checkout(args.new)
    else:
        new_repo, new_python, new_commit = run.REPO, Path(sys.executable), run.code_version()
    args.work.mkdir(parents=True, exist_ok=True)
    archive, corpus = run.corpus_for(args.work, args.size, args.seed)
    _log(f"archive {archive} ({corpus['pages']:,} pages, {corpus['bytes'] / run.MB:.0f} MB)")
    for page in archive.rglob("*"):  # into the page cache, so the first build is not the only cold one
        if page.is_file():
            page.read_bytes()
    base = args.work / f"compare-{args.size}"
    sides = [
        Side("old", old_repo, run.egovsearch_script(old_python), base / "old", old_commit),
        Side("new", new_repo, run.egovsearch_script(new_python), base / "new", new_commit),
    ]
    cwd = base
    cwd.mkdir(parents=True, exist_ok=True)
    changed = archive / corpus["changed_file"]

    start, load_start = time.time(), os.getloadavg()
    for i in range(args.rounds):
        build = i < build_rounds
        one_round(sides, archive, changed, build, cwd, warm_up=i == 0)
        _log(f"round {i + 1}/{args.rounds} done{'' if build else ' (no build)'}, {time.time() - start:.0f} s")
    load_end = os.getloadavg()

    old, new = sides
    rows, lines = table(old, new)
    differ = [kind for kind in run.QUERY_KINDS if old.answers[kind] != new.answers[kind]]
    print(
        f"\n== old {old.commit} against new {new.commit}: {args.size:,} pages, {args.rounds} rounds "
        f"(medians; load {load_start[0]:.1f}..{load_end[0]:.1f}) =="
    )
    if build_rounds < args.rounds:
        print(f"Full builds (and index size) in the first {build_rounds} of {args.rounds} rounds only.")
    print("\n".join(lines))
    flagged = [r["measure"] for r in rows if r["flag"]]
    print(f"above {LIMIT}: {', '.join(flagged) if flagged else 'none'}")
    if differ:
        print(f"DIFFERENT ANSWERS (old and new printed different output): {', '.join(differ)}")
    else:
        print(f"answers: the same for all {len(run.QUERY_KINDS)} kinds of query")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "old": old.commit,
                    "new": new.commit,
                    "size": args.size,
                    "rounds": args.rounds,
                    "build_rounds": build_rounds,
                    "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                    "load": [load_start, load_end],
                    "rows": rows,
                    "times": {"old": old.times, "new": new.times},
                    "different_answers": differ,
                },
                indent=2,
            )
        )
    return 1 if flagged or differ else 0


if __name__ == "__main__":
    sys.exit(main())
