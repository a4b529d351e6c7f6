"""Where a build's time goes (issue 16): the worker's per-article path under cProfile,
and wall-clock phases of a whole in-process build.

    python benchmarks/profile_build.py ARCHIVE [--limit N] [--top 25] [--phases]

Without --phases: the first N files of ARCHIVE (default 4,000) go through the worker's
own code (``writer._worker``, one process, into a fresh index directory), once under
cProfile, and the per-article cost is split into reading (file read, decoding, hash),
parsing, analysis (tokens, stems, postings), Whoosh's document bookkeeping, the vocabulary
words and closing the segment (writing postings), each as CPU seconds from the profile.
The profile itself slows everything ~1.5-2x: compare the shares, not the seconds.

--no-profile times the same run without cProfile. With --phases: the whole ``update_index`` of the archive into a new index with the
product's default worker count, with wall-clock and CPU times of its phases (plan,
workers, verify/commit, vocabularies and manifest) from wrappers installed here (the
workers' CPU is not this process's: run.py samples it over the process tree). Nothing in
egovsearch/ is changed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing import Value
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from egovsearch.core.archive import iter_archive
from egovsearch.engine import writer

# Profile rows (function name patterns, by file and function) summed into phases:
# cumulative time of the outermost function of each phase.
PHASES: dict[str, list[tuple[str, str]]] = {
    "read (file, decode, hash)": [("archive.py", "_read"), ("archive.py", "content_hash"),
                                  ("archive.py", "decode_bytes")],
    "parse": [("archive.py", "parse_text")],
    "analysis (tokens, stems, postings)": [("analysis.py", "postings")],
    "of which stemming": [("analysis.py", "word_terms")],
    "vocabulary words": [("vocab.py", "words")],
    "close segment (write postings)": [("writing.py", "_finalize_segment")],
}


def _cum(stats: pstats.Stats, file_part: str, func: str) -> float:
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if name == func and filename.endswith(file_part):
            total += ct
    return total


def profile_worker(archive: Path, limit: int, top: int, profile: bool = True) -> None:
    from whoosh.index import create_in

    from egovsearch.engine.schema import build_schema
    from egovsearch.engine.store import INDEX_NAME

    files = [writer.ToRead(f.relpath, f.size, f.mtime_ns, None) for f in iter_archive(archive)][:limit]
    writer._counter = Value("q", 0)
    with tempfile.TemporaryDirectory() as tmp:
        create_in(tmp, build_schema(), indexname=INDEX_NAME)
        shared = [tuple(t) for t in files]
        prof = cProfile.Profile()
        t0, c0 = time.perf_counter(), time.process_time()
        if profile:
            prof.enable()
        batch = writer._worker(tmp, str(archive), shared)  # type: ignore[arg-type]
        prof.disable()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    import pickle

    t0 = time.perf_counter()
    blob = pickle.dumps(batch)
    t1 = time.perf_counter()
    pickle.loads(blob)
    t2 = time.perf_counter()
    print(f"the batch a worker returns: {len(blob) / 1e6:.1f} MB pickled in {t1 - t0:.3f} s, "
          f"unpickled in {t2 - t1:.3f} s")
    print(f"{len(files)} files, {batch.docs} documents, {len(batch.segments)} segment(s); "
          f"{'under cProfile ' if profile else ''}{wall:.2f} s wall, {cpu:.2f} s CPU ({1000 * cpu / max(1, len(files)):.2f} ms a file)")
    if not profile:
        return
    stats = pstats.Stats(prof)
    total = _cum(stats, "writer.py", "_worker") or cpu
    for phase, funcs in PHASES.items():
        t = sum(_cum(stats, f, n) for f, n in funcs)
        print(f"  {phase:36} {t:7.2f} s  {100 * t / total:5.1f} %")
    stats.sort_stats("tottime").print_stats(top)


def phases(archive: Path) -> None:
    """Wall and CPU times of update_index's phases, in this process (workers as usual)."""
    times: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                acc = times.setdefault(name, [0.0, 0.0])
                acc[0] += time.perf_counter() - t0
                acc[1] += time.process_time() - c0
        return wrapper

    for name in ("plan", "_parallel", "_verify", "_save_state", "_write"):
        setattr(writer, name, timed(name, getattr(writer, name)))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        before = os.times()
        report = writer.update_index(archive, Path(tmp) / "ix")
        after = os.times()
        wall = time.perf_counter() - t0
    print(f"{report.added} added in {wall:.2f} s wall; this process {after.user - before.user:.2f} s user "
          f"+ {after.system - before.system:.2f} s sys; reaped children "
          f"{after.children_user - before.children_user:.2f} s user + "
          f"{after.children_system - before.children_system:.2f} s sys; load {os.getloadavg()[0]:.2f}")
    write_wall, write_cpu = times.pop("_write")
    for name, (w, c) in times.items():
        print(f"  {name:12} {w:7.2f} s wall {c:7.2f} s CPU (this process)")
    par = times.get("_parallel", [0.0, 0.0])
    print(f"  {'commit':12} {write_wall - par[0] - times['_verify'][0] - times['_save_state'][0]:7.2f} s wall "
          f"(the rest of _write: open, delete, toc)")
    _ = write_cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archive", type=Path)
    ap.add_argument("--limit", type=int, default=4000)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--phases", action="store_true")
    ap.add_argument("--no-profile", action="store_true", help="time the worker without cProfile")
    args = ap.parse_args()
    if args.phases:
        phases(args.archive.resolve())
    else:
        profile_worker(args.archive.resolve(), args.limit, args.top, not args.no_profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
