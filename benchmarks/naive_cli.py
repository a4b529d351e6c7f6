"""The naive search CLI the project's ``egovsearch query`` is compared with.

``python benchmarks/naive_cli.py QUERY --index DIR``: imports Typer, Rich and Whoosh at
start-up (as a first version would), parses the query with Whoosh's QueryParser over the
body, takes snippets with ``hit.highlights`` from the stored body, prints the top 10 as JSON.
"""

from __future__ import annotations

import json

import typer
from rich.console import Console  # noqa: F401  (imported at start-up, as the naive CLI would)
from rich.table import Table  # noqa: F401
from whoosh import index
from whoosh.qparser import QueryParser

app = typer.Typer(add_completion=False)


@app.command()
def query(text: str, index_dir: str = typer.Option(..., "--index")) -> None:
    """Search the baseline index and print the top 10 hits as JSON."""
    ix = index.open_dir(index_dir)
    with ix.searcher() as searcher:
        q = QueryParser("body", ix.schema).parse(text)
        results = searcher.search(q, limit=10)
        hits = [
            {
                "path": hit["path"],
                "title": hit["title"],
                "source": hit.get("source"),
                "published": hit["published"].date().isoformat() if hit.get("published") else None,
                "score": round(hit.score, 4),
                "snippet": hit.highlights("body"),
            }
            for hit in results
        ]
    print(json.dumps(hits, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    app()
