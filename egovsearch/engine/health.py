"""The index compared with its archive (`egovsearch doctor`): nothing is written."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from egovsearch.core import vocab
from egovsearch.core.errors import ArticleNotFound, EgovsearchError
from egovsearch.core.files import read_json
from egovsearch.core.reports import Health, Repairs, SourceRepairs
from egovsearch.engine.store import (
    MANIFEST,
    SCHEMA_VERSION,
    check_schema,
    damaged_copy_files,
    generation,
    open_index,
    read_meta,
    reading,
)


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
    gen = generation(index_dir)
    if gen is not None:
        damaged += damaged_copy_files(index_dir, gen)
    return tuple(damaged)


def health(index_dir: Path) -> Health:
    """Compare the index with its archive; nothing is written.

    An index built by another version of egovsearch is reported as outdated
    (with its article count and damaged side files) instead of refused: its
    files are not compared (the rebuild it needs reads them all) and its
    repairs are not recorded."""
    from egovsearch.engine.writer import plan

    meta = read_meta(index_dir)
    outdated = meta.schema if meta.schema is not None and meta.schema != SCHEMA_VERSION else None
    try:
        ix = open_index(index_dir, check_version=False)
    except EgovsearchError:
        if outdated is None:
            raise
        check_schema(index_dir, meta)  # unreadable by this version: outdated, as before
        raise
    if not meta.archive:
        raise ArticleNotFound(f"the index at {index_dir} does not record its archive; "
                              "run 'egovsearch index --rebuild'")
    with reading(index_dir):
        articles = ix.doc_count()
        fixes = repairs(ix) if outdated is None else None
    if outdated is not None:
        return Health(archive=meta.archive, articles=articles, missing=(), stale=(), orphaned=(), skipped=0,
                      damaged=damaged_side_files(index_dir), outdated=outdated)
    # The index run's own plan, so that both call the same files changed
    # (writer.changed: a touched but identical file is not stale); forced: a
    # doctor reports removals, it does not refuse them.
    p = plan(Path(meta.archive), index_dir, force=True)
    missing = tuple(t.rel for t in p.to_read if t.old_hash is None)
    stale = tuple(t.rel for t in p.to_read if t.old_hash is not None)
    return Health(archive=meta.archive, articles=articles, missing=missing, stale=stale,
                  orphaned=tuple(p.removed), skipped=len(p.still_skipped) + len(p.walk_skips),
                  damaged=damaged_side_files(index_dir), repairs=fixes)


def repairs(ix: Any) -> Repairs | None:
    """The repairs of the index's live articles, summed overall and per source;
    None when the index does not record them (built before the field existed).

    Per segment, the bit column of the `repairs` field names the documents
    that hold it, and only their stored fields are read; the articles per
    source come from the source terms (measured on 20,000 articles, 733 of
    them repaired: 0.03 s CPU this way, 0.19 s to read all stored fields)."""
    from egovsearch.engine.schema import unpack_repairs

    if "repairs" not in ix.schema.names():
        return None
    # Sources as the column's raw bytes (b"": none), decoded once each at the end:
    # decoding every document's value costs more than the rest together.
    per_source: Counter[bytes] = Counter()
    repaired: Counter[bytes] = Counter()
    counts: dict[bytes, Counter[str]] = {}
    total: Counter[str] = Counter()
    reader = ix.reader()
    try:
        for seg, _base in reader.leaf_readers():
            if not seg.doc_count_all():
                continue
            src = seg.column_reader("source", translate=False) if seg.has_column("source") else None
            deleted = seg.deleted_docs_set if seg.has_deletions() else frozenset()
            if src is None:
                per_source[b""] += seg.doc_count()
            elif deleted:
                per_source.update(src[d] for d in seg.all_doc_ids())
            else:
                # Without deletions a source term's document frequency is its
                # article count: ~10 ms for 20,000 articles, reading the column ~50.
                named = 0
                for term, info in seg.iter_field("source"):
                    per_source[term] += info.doc_frequency()
                    named += info.doc_frequency()
                per_source[b""] += seg.doc_count_all() - named
            if not seg.has_column("repairs"):
                continue
            for docnum in seg.column_reader("repairs", translate=False).id_set():
                if docnum in deleted:
                    continue
                stored = seg.stored_fields(docnum).get("repairs")
                if not stored:
                    continue
                source = src[docnum] if src is not None else b""
                fixed = unpack_repairs(stored)
                repaired[source] += 1
                bucket = counts.setdefault(source, Counter())
                for kind, n in fixed:
                    bucket[kind] += n
                    total[kind] += n
    finally:
        reader.close()
    by_source = [SourceRepairs(source.decode("utf-8") or None, per_source[source], repaired[source],
                               tuple(sorted(c.items())))
                 for source, c in counts.items()]
    by_source.sort(key=lambda s: (-s.total, -s.repaired, s.source is None, s.source or ""))
    return Repairs(repaired=sum(repaired.values()), counts=tuple(sorted(total.items())),
                   by_source=tuple(by_source))
