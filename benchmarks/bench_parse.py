"""How fast does the parser read pages? Prints pages/s on one core.

    python benchmarks/bench_parse.py [DIR] [--repeat N]

With DIR: every ``*.txt`` file of DIR (found by ``iter_archive``) is read into
memory once, then parsed N times; only ``parse_bytes`` is timed, so the figure
is the parser's, not the disk's. Without DIR: a temporary corpus of 1,000
pages is made from the bundled seed with variations (German text with umlauts,
CRLF, Windows-1252, entities and tags, other date forms) and timed the same
way. Not a test: timings are never asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from egovsearch.core.archive import iter_archive, parse_bytes
from egovsearch.core.errors import NotAnArticle

_SEED_NAME = "000_f495089e68bd2b44.txt"
_GERMAN = (
    "Die Bundesregierung hat für die Verwaltungsdigitalisierung ein neues Gesetz beschlossen. "
    "Bürgerinnen und Bürger sollen ihre Anträge künftig über das Portal stellen können, "
    "heißt es aus dem Ministerium. Die Länder müssen dafür ihre Fachverfahren anpassen."
)


def _find_seed() -> Path:
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "seeds" / _SEED_NAME, here.parent / "shared" / "seeds" / _SEED_NAME):
        if cand.is_file():
            return cand
    sys.exit(f"seed page {_SEED_NAME} not found; pass a DIR")


def make_corpus(dest: Path, n: int = 1000) -> None:
    """Write `n` seed-sized pages with variations into `dest`."""
    seed = _find_seed().read_text(encoding="utf-8")
    rng = random.Random(42)
    dates = ["06.06.2011", "6.6.2011", "06.06.11", "2011-06-06", ""]
    for k in range(n):
        page = seed
        variant = k % 5
        if variant == 1:  # German article
            paras = page.split("\n\n")
            page = "\n\n".join(paras[:4] + [_GERMAN] * 6 + paras[-3:])
        d = dates[k % len(dates)]
        page = page.replace("Public Service, 06.06.2011", f"Public Service {k % 37}, {d}".rstrip(", "))
        if variant == 2:
            page = page.replace("shared services", "shared&nbsp;services <b>now</b>", 3)
        words = page.split(" ")
        rng.shuffle(words[40:80])  # vary the text a little
        page = " ".join(words)
        data = page.encode("cp1252", "replace") if variant == 3 else page.encode("utf-8")
        if variant == 4:
            data = data.replace(b"\n", b"\r\n")
        (dest / f"{k:05d}_{k:016x}.txt").write_bytes(data)


def bench(directory: Path, repeat: int) -> None:
    files = list(iter_archive(directory))
    pages = [(f.relpath, Path(f.abspath).read_bytes()) for f in files]
    if not pages:
        sys.exit(f"no *.txt files in {directory}")
    size = sum(len(d) for _, d in pages) / len(pages)
    skipped = 0
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for rel, data in pages:
            try:
                parse_bytes(data, rel)
            except NotAnArticle:
                skipped += 1
        best = min(best, time.perf_counter() - t0)
    print(
        f"{len(pages)} files, mean {size / 1024:.1f} KB, best of {repeat}: "
        f"{best:.3f} s = {len(pages) / best:,.0f} pages/s "
        f"({skipped // repeat} not articles)"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", type=Path, help="archive folder (default: a temp corpus from the seed)")
    ap.add_argument("--repeat", type=int, default=5, help="timing runs; the best is reported")
    args = ap.parse_args(argv)
    if args.dir is not None:
        bench(args.dir, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        make_corpus(Path(tmp))
        bench(Path(tmp), args.repeat)


if __name__ == "__main__":
    main()
