"""``python -m egovsearch``."""

from egovsearch.cli import main

main()
