"""``python -m egovsearch``."""

from egovsearch.cli import main

if __name__ == "__main__":
    main()
