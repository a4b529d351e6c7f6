"""The index compared with its archive (`egovsearch doctor`): nothing is written."""

from __future__ import annotations

from pathlib import Path

from egovsearch.core import vocab
from egovsearch.core.errors import ArticleNotFound
from egovsearch.core.files import read_json
from egovsearch.core.reports import Health
from egovsearch.engine.store import MANIFEST, open_index, read_meta, reading


def damaged_side_files(index_dir: Path) -> tuple[str, ...]:
    """The index's side files that are missing or garbled (each vocabulary read
    and checked whole; the manifest parsed)."""
    damaged = [vocab.path_for(index_dir, lang).name for lang in ("de", "en")
               if vocab.check(index_dir, lang) is not None]
    try:
        manifest = read_json(index_dir / MANIFEST)
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        damaged.append(MANIFEST)
    return tuple(damaged)


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
    # The index run's own plan, so that both call the same files changed
    # (writer.changed: a touched but identical file is not stale); forced: a
    # doctor reports removals, it does not refuse them.
    p = plan(Path(meta.archive), index_dir, force=True)
    missing = tuple(t.rel for t in p.to_read if t.old_hash is None)
    stale = tuple(t.rel for t in p.to_read if t.old_hash is not None)
    return Health(archive=meta.archive, articles=articles, missing=missing, stale=stale,
                  orphaned=tuple(p.removed), skipped=len(p.still_skipped) + len(p.walk_skips),
                  damaged=damaged_side_files(index_dir))
