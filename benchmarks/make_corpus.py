"""Write N synthetic archive pages: ``python benchmarks/make_corpus.py N OUT [--seed S]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import generate


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate the corpus, print a one-line summary on stderr."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, help="number of pages")
    parser.add_argument("out", type=Path, help="archive folder to write (created)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    start = time.perf_counter()
    summary = generate(args.n, args.out, seed=args.seed)
    german = sum(p.language == "de" for p in summary.pages)
    print(
        f"{len(summary.pages)} pages ({german} German), {summary.bytes / 1e6:.1f} MB, "
        f'{summary.phrase_pages} with "shared services", in {time.perf_counter() - start:.1f} s',
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
