"""What a query process loads: Whoosh without the modules egovsearch._whoosh
keeps out (urllib.request, asyncio, the English morphology tables)."""

from __future__ import annotations

import subprocess
import sys


def test_search_modules_load_whoosh_without_its_unneeded_imports() -> None:
    code = (
        "import sys, egovsearch.search, egovsearch.explore, egovsearch.indexer, egovsearch.schema\n"
        "print(sorted(m for m in ('urllib.request', 'asyncio', 'cached_property', "
        "'whoosh.lang.morph_en') if m in sys.modules))\n"
        "from whoosh.query.terms import variations\n"
        "print(sorted(variations('run'))[:2])\n"  # the tables still load on first use
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines() == ["[]", "['ran', 'run']"]
