"""Everything egovsearch prints.

- ``formats``: the registry of output formats per kind of record (a new format
  goes there), and the machine formats: tsv, json, jsonl, csv, paths, ids;
- ``terminal``: what is drawn for a person: tables, the article view, the chart,
  the index report and the progress bar (the only user of Rich);
- ``pager``: long terminal output through $PAGER;
- ``text``: cleaning text of terminal control characters (the one cleaner).
"""
