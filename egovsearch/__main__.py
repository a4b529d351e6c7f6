"""The ``egovsearch`` command and ``python -m egovsearch``: process-level
settings and the fast exit, nothing else."""

import gc


def main() -> None:
    """Console-script entry point."""
    # A command is a short process that loads some 300 modules; with Python's
    # default thresholds the cyclic garbage collector runs dozens of times
    # while they load (~13 ms of CPU in a query). Less often, not never:
    # `index` and `export` run long.
    gc.set_threshold(100_000, 50, 100)
    from egovsearch.cli import fastexit
    from egovsearch.cli.app import main as run

    fastexit.run(run)


if __name__ == "__main__":
    main()
