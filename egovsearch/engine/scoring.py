"""Scoring compiled queries over whole posting lists, with Whoosh's BM25F scores.

Whoosh finds and scores matches one document at a time through a tree of
matcher objects: several method calls per posting and per tree level, about
5 µs a matching document (0.13 s for a word in a quarter of 100,000 articles),
and its collector adds more per match. ``scored`` evaluates the query kinds
engine.search builds from compiled nodes (terms, OR, AND, AND NOT, disjunction-max, phrases) segment by
segment over whole posting lists, computing BM25F as Whoosh's scorer does, and
leaves any other kind of query to Whoosh's own matcher. The document numbers
and scores are Whoosh's; only the order in which a document's partial scores
are added may differ (last-bit differences in a float).

``FastPhrase`` does the same for phrases: Whoosh checks each candidate
document through three layers of matchers and a Span object per position.
"""

from __future__ import annotations

import heapq
import math
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any, cast

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.matching import FilterMatcher, ListMatcher, NullMatcher
from whoosh.query.spans import Span
from whoosh.scoring import BM25FScorer, WeightLengthScorer
from whoosh.util.numeric import byte_to_length

from egovsearch.engine.analysis import CompactPositions

Scores = dict[int, float]  # segment document number -> score


def matches(searcher: Any, q: Any, allow: set[int] | None = None) -> list[tuple[float, int]]:
    """(score, global number) of every document matching `q` and, when
    given, in `allow` (global numbers); in no particular order."""
    out: list[tuple[float, int]] = []
    for sub, offset in searcher.leaf_searchers():
        for d, score in _scores(sub, q).items():
            if allow is None or offset + d in allow:
                out.append((score, offset + d))
    return out


def scored(searcher: Any, q: Any, allow: set[int] | None = None,
           limit: int | None = None) -> tuple[int, list[tuple[float, int]]]:
    """How many documents match (see `matches`), and the best `limit` of them."""
    found = matches(searcher, q, allow)
    return len(found), best_first(found, limit)


def best_first(found: list[tuple[float, int]], limit: int | None = None) -> list[tuple[float, int]]:
    """The `limit` (all when None) highest-scoring of `found` (score, global
    number), best first, equal scores in index order."""
    keys = [(-score, d) for score, d in found]  # sorts best first
    best = sorted(keys) if limit is None else heapq.nsmallest(limit, keys)
    return [(-key, d) for key, d in best]


def _dates(searcher: Any, found: list[tuple[float, int]]) -> dict[int, int]:
    """Global number -> publication date (yyyymmdd), or -1 when undated, of
    every document in `found`, read a segment's column at once."""
    dates: dict[int, int] = {}
    wanted = sorted(d for _, d in found)
    for sub, offset in searcher.leaf_searchers():
        lo, hi = bisect_left(wanted, offset), bisect_left(wanted, offset + sub.doc_count_all())
        if lo == hi:  # (an empty index's reader has no columns at all)
            continue
        column = sub.reader().column_reader("published", translate=False)
        values, default = _column_array(column), column._default
        for d in wanted[lo:hi]:
            local = d - offset
            if values is None:
                value = column[local]
            else:
                value = values[local] if local < len(values) else default
            dates[d] = -1 if value == default else value
    return dates


def by_date(searcher: Any, found: list[tuple[float, int]], newest: bool,
            limit: int | None = None) -> list[tuple[float, int]]:
    """The first `limit` (all when None) of `found` (score, global number) by
    publication date, newest or oldest first, undated articles last, equal
    dates in index order."""
    dates = _dates(searcher, found)
    sign = -1 if newest else 1
    keys = [(dates[d] < 0, sign * dates[d], d, score) for score, d in found]
    best = sorted(keys) if limit is None else heapq.nsmallest(limit, keys)
    return [(score, d) for _, _, d, score in best]


def oldest_date(searcher: Any) -> int | None:
    """The earliest publication date (yyyymmdd) of any document, None when none is dated."""
    oldest: int | None = None
    for sub, _ in searcher.leaf_searchers():
        if not sub.doc_count_all():
            continue
        column = sub.reader().column_reader("published", translate=False)
        values, default = _column_array(column), column._default
        seq = values if values is not None else (column[d] for d in range(sub.doc_count_all()))
        dated = [v for v in seq if v != default]
        if dated:
            low = min(dated)
            oldest = low if oldest is None else min(oldest, low)
    return oldest


def _ordinal(yyyymmdd: int) -> int:
    from datetime import date

    return date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100).toordinal()


def hybrid(searcher: Any, found: list[tuple[float, int]], half_life_days: float, today: int,
           limit: int | None = None) -> list[tuple[float, float, int]]:
    """The first `limit` (all when None) of `found` (score, global number) by
    relevance blended with recency: score * 0.5 ** (age in days / half-life),
    best first, as (blended, score, global number). `today` is yyyymmdd; an
    article dated after it has age 0; an undated one is aged as if published
    on the index's oldest date (it is no newer than anything the archive holds)."""
    dates = _dates(searcher, found)
    now = _ordinal(today)
    undated_age = max(0, now - _ordinal(oldest)) if (oldest := oldest_date(searcher)) else 0
    # Ranked by the blend's logarithm, log2(score) - age / half-life: the same
    # order, but a short half-life over old articles does not underflow every
    # blend to 0.0 (which would leave the order to the index's).
    keys = []
    for score, d in found:
        v = dates[d]
        age = max(0, now - _ordinal(v)) if v > 0 else undated_age
        log_blend = math.log2(score) - age / half_life_days if score > 0 else -math.inf
        keys.append((-log_blend, d, score, age))
    best = sorted(keys) if limit is None else heapq.nsmallest(limit, keys)
    return [(score * 0.5 ** (age / half_life_days), score, d) for _, d, score, age in best]


def _column_array(column: Any) -> array[int] | None:
    """A segment's numeric column read at once (Whoosh reads one value per
    call, several calls deep): values of the documents up to the last one
    that has one; None for any other kind of column reader."""
    if type(column) is not NumericColumn.Reader:
        return None
    values = array(column._typecode, column._dbfile.get(column._basepos, column._count * column._fixedlen))
    if sys.byteorder == "little":  # Whoosh writes numeric columns big-endian
        values.byteswap()
    return values


def _scores(sub: Any, q: Any) -> Scores:
    kind = type(q)
    if kind is wq.Term:
        return _term(sub, q)
    if kind is wq.Or and not q.minmatch and not q.scale:
        return _boosted(_union(_scores(sub, c) for c in q.subqueries), q.boost)
    if kind is wq.DisjunctionMax and not q.tiebreak:
        best: Scores = {}
        for part in (_scores(sub, c) for c in q.subqueries):
            for d, s in part.items():
                if d not in best or s > best[d]:
                    best[d] = s
        return _boosted(best, q.boost)
    if kind is wq.And and any(type(c) is not wq.Not for c in q.subqueries):
        return _boosted(_intersection(sub, q.subqueries), q.boost)
    if kind is FastPhrase:
        found = q.found(sub)
        if found is not None:
            return dict(zip(found[0], found[1], strict=True))
    # With a search context, as Whoosh's own search passes one: a Sequence
    # (phrase of alternatives) needs it.
    return _whoosh_scores(q.matcher(sub, sub.context()))


def _union(parts: Iterable[Scores]) -> Scores:
    total: Scores = {}
    for part in parts:
        if not total:
            total = dict(part)
            continue
        for d, s in part.items():
            total[d] = total[d] + s if d in total else s
    return total


def _intersection(sub: Any, subqueries: list[Any]) -> Scores:
    # Whoosh scores AND as the sum of its parts; a NOT part is an inverse
    # matcher that adds its weight, 1.0, to every document it lets through.
    positives = [_scores(sub, c) for c in subqueries if type(c) is not wq.Not]
    positives.sort(key=len)
    total = dict(positives[0])
    for part in positives[1:]:
        total = {d: s + part[d] for d, s in total.items() if d in part}
    for c in subqueries:
        if type(c) is wq.Not:
            excluded = set(c.query.docs(sub))
            total = {d: s + 1.0 for d, s in total.items() if d not in excluded}
    return total


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}


def _whoosh_scores(m: Any) -> Scores:
    """Any other query: Whoosh's own matcher, one document at a time."""
    out: Scores = {}
    while m.is_active():
        out[m.id()] = m.score()
        m.next()
    return out


def _indexed(sub: Any, fieldname: str, text: str) -> bytes | None:
    """The term's bytes when the segment holds it (as Whoosh's Term checks)."""
    if fieldname not in sub.schema:
        return None
    try:
        tbytes = sub.schema[fieldname].to_bytes(text)
    except ValueError:
        return None
    return tbytes if (fieldname, tbytes) in sub.reader() else None


def _term(sub: Any, q: Any) -> Scores:
    text = _indexed(sub, q.fieldname, q.text)
    if text is None:
        return {}
    m = sub.postings(q.fieldname, text)
    scorer = _scorer(m)
    if not (_readable(m) and type(scorer) is BM25FScorer):
        return _whoosh_scores(wq.Term.matcher(q, sub))
    postings = _read_postings(m, None, values=False)
    # BM25FScorer._score inlined: the same arithmetic in the same order.
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    dfl = _field_lengths(sub, q.fieldname, scorer.dfl)
    out = {d: idf * ((w * (k1 + 1)) / (w + k1 * ((1 - b) + b * dfl(d) / avgfl))) for d, (w, _) in postings.items()}
    return _boosted(out, q.boost)


_BYTE_LENGTHS = tuple(byte_to_length(b) for b in range(256))


def _field_lengths(sub: Any, fieldname: str, dfl: Callable[[int], Any]) -> Callable[[int], Any]:
    """`dfl` (a document's length in the field, as BM25F uses it) from the
    segment's length column read once: Whoosh's own lookup costs 4 µs a
    posting, half the time of a frequent word's query."""
    try:
        column = sub.reader()._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    except AttributeError:
        return dfl
    codes = _column_array(column)
    if codes is None or column._typecode != "B":
        return dfl
    lengths, n = _BYTE_LENGTHS, len(codes)

    def length(d: int) -> Any:
        code = codes[d] if d < n else 0
        return lengths[code] if code else dfl(d)  # Whoosh's own answer for an empty field

    return length


class FastPhrase(wq.Phrase):  # type: ignore[misc]
    """Whoosh's Phrase with the same matches, spans and scores, found faster.

    Whoosh checks a phrase document by document through three layers of
    matchers and a Span object per position (~40 µs a match: 90 ms of a
    100,000-article phrase query). This reads each word's posting blocks once,
    rarest word first, intersects the document numbers, and checks positions
    in sets. Anything it does not know (another posting reader, format or
    scorer) goes the original way.
    """

    def __init__(self, fieldname: str, words: list[str], slop: int = 1, offsets: tuple[int, ...] = (),
                 **kwargs: Any) -> None:
        super().__init__(fieldname, words, slop=slop, **kwargs)
        # Exact distances between neighbouring words (a phrase's stop words
        # keep their places); () for Whoosh's 1..slop.
        self.offsets = tuple(offsets)

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and getattr(other, "offsets", ()) == self.offsets

    def __hash__(self) -> int:
        return hash((super().__hash__(), self.offsets))

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        found = self.found(searcher, context)
        if found is None:
            return super().matcher(searcher, context)
        ids, scores, positions = found
        return _SpanListMatcher(ids, scores, positions, self.slop) if ids else NullMatcher()

    def found(self, searcher: Any, context: Any = None
              ) -> tuple[list[int], list[float], list[list[list[int]]]] | None:
        """The matching documents of one segment, their scores and each one's
        word positions; None when only Whoosh's own way can tell."""
        fname = self.fieldname
        if len(self.words) < 2:
            return None
        offsets = self.offsets or None
        indexed = [_indexed(searcher, fname, w) for w in self.words]
        if None in indexed:
            return [], [], []
        words = cast(list[bytes], indexed)
        field, reader = searcher.schema[fname], searcher.reader()
        weighting = context.weighting if context is not None else searcher.weighting
        ms = [searcher.postings(fname, w, weighting=weighting) for w in words]
        if not (isinstance(field.format, CompactPositions)
                and all(_readable(m) for m in ms)):
            # Whoosh's own matcher knows no exact offsets: only 1..slop.
            return None if offsets is None else ([], [], [])
        # Rarest word first: its documents are the candidates the others are read for.
        order = sorted(set(words), key=lambda w: reader.doc_frequency(fname, w))
        postings: dict[bytes, dict[int, tuple[float, bytes]]] = {}
        candidates: list[int] | None = None
        for w in order:
            postings[w] = _read_postings(ms[words.index(w)], candidates)
            candidates = sorted(postings[w]) if candidates is None else [d for d in candidates if d in postings[w]]
            if not candidates:
                return [], [], []
        decode, slop = field.format.decode_positions, self.slop
        lists = [postings[w] for w in words]
        scorers = [_scorer(m) for m in ms]
        dfl = _field_lengths(searcher, fname, scorers[0].dfl)  # one field: one length for every word
        ids, scores, positions = [], [], []
        if len(lists) == 2 and (slop == 1 or offsets is not None):
            # The usual phrase, two words side by side (or at a fixed distance),
            # in straight-line code: 40 % faster.
            first, second = lists
            score1, score2 = scorers[0]._score, scorers[1]._score
            gap = offsets[0] if offsets is not None else 1
            for d in candidates or ():
                (w1, v1), (w2, v2) = first[d], second[d]
                a, b = decode(v1), decode(v2)
                if not set(a).isdisjoint([p - gap for p in b]):
                    length = dfl(d)
                    ids.append(d)
                    scores.append((score1(w1, length) + score2(w2, length)) * self.boost)
                    positions.append([a, b])
            return ids, scores, positions
        for d in candidates or ():
            decoded = [decode(posting[d][1]) for posting in lists]
            if _chains(decoded, slop, offsets):
                ids.append(d)
                length = dfl(d)
                parts = [sc._score(posting[d][0], length) for sc, posting in zip(scorers, lists, strict=True)]
                scores.append((parts[0] + parts[1] if len(parts) == 2 else _tree_sum(parts)) * self.boost)
                positions.append(decoded)
        return ids, scores, positions


def _chains(decoded: list[list[int]], slop: int, offsets: tuple[int, ...] | None = None) -> set[tuple[int, int]]:
    """(start, end) of each chain of the words' positions (in phrase order),
    each word exactly `offsets[i]` after the previous one, else 1..slop after
    it (Whoosh's SpanNear2, ordered, mindist 1)."""
    chains = {(p, p) for p in decoded[0]}
    for i, after in enumerate(decoded[1:]):
        if offsets is not None or slop == 1:  # each chain has one end: a lookup, not a scan of every pair
            gap = offsets[i] if offsets is not None else 1
            ends = {e + gap: s for s, e in chains}
            chains = {(ends[p], p) for p in after if p in ends}
        else:
            chains = {(s, p) for s, e in chains for p in after if 1 <= p - e <= slop}
        if not chains:
            break
    return chains


def _readable(m: Any) -> bool:
    """A matcher whose postings _read_postings knows how to read."""
    m = _unwrap(m)[0]
    return (type(m) is ListMatcher or isinstance(m, W3LeafMatcher)) and isinstance(_scorer(m), WeightLengthScorer)


def _unwrap(m: Any) -> tuple[Any, set[int]]:
    """The posting matcher and the documents to leave out (a segment with
    deleted documents wraps its postings in an excluding FilterMatcher)."""
    if type(m) is FilterMatcher and m._exclude and m.boost == 1.0:
        return m.child, m._ids
    return m, set()


def _scorer(m: Any) -> Any:
    m = _unwrap(m)[0]
    return m.scorer if isinstance(m, W3LeafMatcher) else m._scorer


def _read_postings(m: Any, wanted: list[int] | None, values: bool = True) -> dict[int, tuple[float, bytes]]:
    """{docnum: (weight, encoded positions)} of a term: every posting, or only
    the `wanted` documents' (sorted), reading only blocks that may hold one.
    Without `values` the positions are left out (b"")."""
    m, deleted = _unwrap(m)
    if type(m) is ListMatcher:  # short posting lists are stored inline in the term info
        weights = m._weights or [m._all_weights or 1.0] * len(m._ids)
        vals = m._values if values else [b""] * len(m._ids)
        out = dict(zip(m._ids, zip(weights, vals, strict=True), strict=True))
    else:
        out = {}
        i, n = 0, len(wanted) if wanted is not None else 0
        while m.is_active():
            top = m.block_max_id()  # known before the block is read
            if wanted is not None:
                if i == n:
                    break
                if wanted[i] > top:
                    m._next_block()
                    continue
            m._read_ids()
            m._read_weights()
            ids, weights = m._ids, m._weights
            if values:
                m._read_values()
            vals = m._values if values else [b""] * len(ids)
            if wanted is None:
                out.update(zip(ids, zip(weights, vals, strict=True), strict=True))
            else:
                # Look up the wanted documents of this block, not every posting.
                j = 0
                while i < n and wanted[i] <= top:
                    j = bisect_left(ids, wanted[i], j)
                    if j < len(ids) and ids[j] == wanted[i]:  # (a damaged block may lie about its top)
                        out[wanted[i]] = (weights[j], vals[j])
                    i += 1
            m._next_block()
    for d in deleted.intersection(out):
        del out[d]
    return out


def _tree_sum(parts: list[float]) -> float:
    # The order Whoosh's binary tree of intersection matchers adds scores in,
    # so ties rank exactly as before.
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


class _SpanListMatcher(ListMatcher):  # type: ignore[misc]
    """A phrase's precomputed matches; their spans (for SpanFirst around the
    phrase) worked out only when asked for."""

    def __init__(self, ids: list[int], scores: list[float], positions: list[list[list[int]]],
                 slop: int, position: int = 0) -> None:
        super().__init__(ids, weights=scores, position=position)
        self._positions, self._slop = positions, slop

    def copy(self) -> _SpanListMatcher:
        return _SpanListMatcher(self._ids, self._weights, self._positions, self._slop, self._i)

    def spans(self) -> list[Any]:
        return [Span(s, e) for s, e in sorted(_chains(self._positions[self._i], self._slop))]
