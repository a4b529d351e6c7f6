"""The index compared with its archive (`egovsearch doctor`): nothing is written."""

from __future__ import annotations

from pathlib import Path

from egovsearch.core.errors import ArticleNotFound
from egovsearch.core.reports import Health
from egovsearch.engine.store import open_index, read_meta, reading


def health(index_dir: Path) -> Health:
    """Compare the index with its archive; nothing is written."""
    from egovsearch.engine.writer import plan

    ix = open_index(index_dir)
    meta = read_meta(index_dir)
    if not meta.archive:
        raise ArticleNotFound(f"the index at {index_dir} does not record its archive; "
                              "run 'egovsearch index --rebuild'")
    with reading(index_dir):
        articles = ix.doc_count()
    p = plan(Path(meta.archive), index_dir)
    missing = tuple(t.rel for t in p.to_read if t.old_hash is None)
    stale = tuple(t.rel for t in p.to_read if t.old_hash is not None)
    return Health(archive=meta.archive, articles=articles, missing=missing, stale=stale,
                  orphaned=tuple(p.removed), skipped=len(p.still_skipped) + len(p.walk_skips))
