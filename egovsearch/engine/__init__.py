"""The only home of Whoosh: schema, analysis, posting codec, scoring, the index
directory (store), the indexer (writer) and the doctor (health).

Loading this package installs Whoosh's start-up trims (``boot``): they apply
to the first import of Whoosh, wherever it happens; no module has to import
anything first.
"""

from egovsearch.engine import boot as _boot

_boot.install()
