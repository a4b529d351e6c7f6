"""Near-copies: the same story at several publications, lightly edited.

Two articles are copies when the resemblance (Jaccard similarity) of their
sets of 5-word shingles is at least ``THRESHOLD`` (0.8). Copies form a
cluster around its first member (the earliest published; undated last, then
by id), and every member is within the threshold of that first member: no
chains (A~B and B~C do not put C with A unless C~A).

How they are found, at index time (``engine.writer``):
1. ``shingles``: each article's text, folded (``core.textfold``), as the set
   of 32-bit hashes of its 5-word shingles.
2. ``bands``: a one-permutation MinHash of that set (``BINS`` bins, empty
   bins filled from their right neighbour), cut into ``BANDS`` bands of
   ``ROWS`` bins, each band hashed to 32 bits. Two articles sharing a band
   are candidates: at resemblance 0.8 that happens with probability
   1 - (1 - 0.8^5)^20 = 0.9996, at 0.3 with 0.047.
3. Every candidate pair is verified exactly (``resemblance`` of the two
   shingle sets, the pages read again): a band collision alone never folds
   two articles. Pairs at or above the threshold are the `edges`.
4. ``cluster``: the clusters, a pure function of the articles' order and
   the edges, so an incremental run and a rebuild agree.

Only the bands (80 bytes an article) and the edges are kept with the index;
the shingle sets are not (they would cost about as much as the index).

Standard library only.
"""

from __future__ import annotations

import functools
import json
import re
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from egovsearch.core.textfold import fold

SHINGLE = 5  # words per shingle
THRESHOLD = 0.8  # least resemblance of two copies
BANDS = 20
ROWS = 5
BINS = BANDS * ROWS
_WORD = re.compile(r"\w+")
_MASK64 = (1 << 64) - 1
_EMPTY = _MASK64  # an empty bin before it is filled


@dataclass(frozen=True, slots=True)
class Copy:
    """One member of a cluster of copies."""

    id: str
    source: str | None
    published: date | None
    resemblance: float  # to the cluster's first member (1.0 for that member)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source,
                "published": self.published.isoformat() if self.published else None,
                "resemblance": round(self.resemblance, 4)}


@dataclass(frozen=True, slots=True)
class Cluster:
    """Articles that are copies of one story: the first member first, the
    others by date and id."""

    members: tuple[Copy, ...]

    def others(self, aid: str) -> tuple[Copy, ...]:
        """The members other than `aid`."""
        return tuple(m for m in self.members if m.id != aid)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)


class Copies:
    """The clusters of one index generation, looked up by article id.
    Articles that have no copy are in no cluster."""

    __slots__ = ("clusters", "_of")

    def __init__(self, clusters: Sequence[Cluster]) -> None:
        self.clusters: tuple[Cluster, ...] = tuple(clusters)
        self._of: dict[str, int] = {m.id: i for i, c in enumerate(self.clusters) for m in c.members}

    def number(self, aid: str) -> int | None:
        """The number of the cluster holding `aid` (an index into `clusters`), else None."""
        return self._of.get(aid)

    def cluster_of(self, aid: str) -> Cluster | None:
        i = self._of.get(aid)
        return None if i is None else self.clusters[i]

    @property
    def articles(self) -> int:
        """How many articles are in a cluster."""
        return len(self._of)

    def __len__(self) -> int:
        return len(self.clusters)


# ---------------------------------------------------------------------------
# Shingles and sketches
# ---------------------------------------------------------------------------


def shingles(text: str) -> frozenset[int]:
    """The 32-bit hashes (CRC-32) of the text's 5-word shingles, over folded
    words (a text of fewer words is one shingle; an empty text has none).
    About 0.4 ms for a 400-word article (``fold`` is cached per word)."""
    words = [fold(w).encode("utf-8", "surrogatepass") for w in _WORD.findall(text)]
    crc, join = zlib.crc32, b" ".join
    if len(words) < SHINGLE:
        return frozenset((crc(join(words)),)) if words else frozenset()
    return frozenset([crc(join(words[i:i + SHINGLE])) for i in range(len(words) - SHINGLE + 1)])


# Fibonacci hashing: one multiplication spreads a CRC (which is linear in its
# input) over 64 bits; a splitmix64 finaliser in Python cost 0.4 ms an article
# against 0.07 ms for this, with the same band-collision rates measured.
_SPREAD = 0x9E3779B97F4A7C15


def bands(hashes: Iterable[int]) -> bytes:
    """The ``BANDS`` band hashes of a shingle set (one-permutation MinHash,
    densified by rotation), as ``BANDS`` little-endian 32-bit values (bytes:
    80 per article, where a tuple of ints would cost ~760 in memory). An empty
    set gives b"": it has no copies."""
    mins = [_EMPTY] * BINS
    for h in hashes:
        m = (h * _SPREAD) & _MASK64
        b = m % BINS
        if m < mins[b]:
            mins[b] = m
    filled = [i for i, v in enumerate(mins) if v != _EMPTY]
    if not filled:
        return b""
    if len(filled) < BINS:
        # Rotation: an empty bin takes the value of the next filled bin to its
        # right, marked with the distance, so that two sets agree on it exactly
        # when they agree on that bin.
        dense = list(mins)
        for i in range(BINS):
            if mins[i] == _EMPTY:
                d = 1
                while mins[(i + d) % BINS] == _EMPTY:
                    d += 1
                dense[i] = (mins[(i + d) % BINS] + d * _SPREAD) & _MASK64
        mins = dense
    pack = struct.pack
    return pack(f"<{BANDS}I", *(zlib.crc32(pack(f"<{ROWS}Q", *mins[i:i + ROWS]), i) for i in range(0, BINS, ROWS)))


def resemblance(a: frozenset[int] | set[int], b: frozenset[int] | set[int]) -> float:
    """|a & b| / |a | b| (0.0 for two empty sets)."""
    if not a or not b:
        return 0.0
    both = len(a & b)
    return both / (len(a) + len(b) - both)


# ---------------------------------------------------------------------------
# Candidates and clusters
# ---------------------------------------------------------------------------


_FEW = 64  # up to this many new articles, candidates are looked up value by value


def candidates(new: Mapping[str, bytes], every: Mapping[str, bytes]) -> set[tuple[str, str]]:
    """Pairs (a, b), a < b, of ids sharing a band (``bands``), where at least one
    is in `new` (`every` holds all ids' bands, `new` those to pair up).

    Speed: band by band over one column of 32-bit values (an ``array``), with
    C-level scans and counting: for 100,000 articles 1.2 s when all are new
    (a rebuild) and ~0.1 s for one, where a dict lookup per article and band
    took 10.5 s and 0.7 s (2 CPUs, under load)."""
    from array import array
    from collections import Counter

    ids = [aid for aid, bs in every.items() if len(bs) == 4 * BANDS]
    flat = array("I")
    flat.frombytes(b"".join([every[aid] for aid in ids]))
    if flat.itemsize != 4:  # (array's "I" is 4 bytes on every platform Python supports)
        raise RuntimeError("array('I') is not 32-bit here")
    if sys.byteorder == "big":
        flat.byteswap()  # the bands are little-endian
    fresh = [aid in new for aid in ids]
    few = [j for j, f in enumerate(fresh) if f] if len(new) <= _FEW else None
    pairs: set[tuple[str, str]] = set()
    for i in range(BANDS):
        column = flat[i::BANDS]
        groups: dict[int, list[int]] = {}
        if few is not None:
            # A few new articles (an everyday run): each of their values looked
            # for with array.index, a scan in C (4 ms for one against 100,000).
            for h in {column[j] for j in few}:
                at = column.index(h)
                while True:
                    groups.setdefault(h, []).append(at)
                    try:
                        at = column.index(h, at + 1)
                    except ValueError:
                        break
        else:
            counts = Counter(column)
            shared = {h for h, k in counts.items() if k > 1}
            for j, h in enumerate(column):
                if h in shared:
                    groups.setdefault(h, []).append(j)
        for members in groups.values():
            if not any(fresh[j] for j in members):
                continue  # an old pair: verified by an earlier run
            for x in members:
                for y in members:
                    if x < y and (fresh[x] or fresh[y]):
                        a, b = ids[x], ids[y]
                        pairs.add((a, b) if a < b else (b, a))
    return pairs


def day_to_date(day: int) -> date | None:
    """yyyymmdd -> date; None for 0 or an impossible day."""
    try:
        return date(day // 10000, day // 100 % 100, day % 100) if day else None
    except ValueError:
        return None


def order_key(aid: str, published: date | int | None) -> tuple[int, str]:
    """The order in which articles head clusters: earliest first, undated last, then by id."""
    if isinstance(published, date):
        published = published.year * 10000 + published.month * 100 + published.day
    return (published or 99999999, aid)


def cluster(keys: Mapping[str, tuple[int, str]],
            edges: Mapping[tuple[str, str], float]) -> list[list[tuple[str, float]]]:
    """Clusters of at least two members, each [(first id, 1.0), (id, resemblance
    to the first), ...], from the edges (pairs at or above the threshold).

    Articles are taken in `keys` order (``order_key``): each joins the cluster
    of the earlier first member it resembles most (ties: the earlier one), or
    starts one. Only articles with an edge matter; every id of an edge must
    have a key."""
    near: dict[str, dict[str, float]] = {}
    for (a, b), r in edges.items():
        near.setdefault(a, {})[b] = r
        near.setdefault(b, {})[a] = r
    heads: dict[str, list[tuple[str, float]]] = {}
    for aid in sorted(near, key=keys.__getitem__):
        best: tuple[float, tuple[int, str]] | None = None
        choice = None
        for other, r in near[aid].items():
            if other in heads:
                rank = (-r, keys[other])
                if best is None or rank < best:
                    best, choice = rank, other
        if choice is None:
            heads[aid] = [(aid, 1.0)]
        else:
            heads[choice].append((aid, near[aid][choice]))
    return [members for members in heads.values() if len(members) > 1]


# ---------------------------------------------------------------------------
# The files kept with the index
# ---------------------------------------------------------------------------
#
# Both are named by the index generation they belong to and written before
# that generation's table of contents (engine.writer): a reader of generation
# g reads ``copies-<g>.json``, so the clusters always describe the articles it
# sees, and a run that fails before its commit leaves files no generation
# uses (``engine.store.leftovers`` removes them, and those of older
# generations).
#
# ``copies-<g>.json`` (read by ``--collapse``, ``show``, ``stats``): the
# clusters, {"threshold": 0.8, "clusters": [[[id, source, "YYYY-MM-DD" or
# null, resemblance], ...], ...]}, the first member first.
#
# ``copies-<g>.bin`` (read by the next index run only): every article's date
# and bands, and the edges, so that a run pairs up only the articles it adds.

CLUSTERS_NAME = "copies-{}.json"
SKETCHES_NAME = "copies-{}.bin"
_MAGIC = b"egovsearch copies 1\n"


def clusters_to_json(clusters: Sequence[Cluster]) -> dict[str, Any]:
    return {"threshold": THRESHOLD, "clusters": [
        [[m.id, m.source, m.published.isoformat() if m.published else None, round(m.resemblance, 4)]
         for m in c.members] for c in clusters]}


def clusters_from_json(data: Any) -> Copies:
    """The clusters of a ``copies-<g>.json`` document.

    Raises:
        ValueError: it is not one.
    """
    if not isinstance(data, dict) or not isinstance(data.get("clusters"), list):
        raise ValueError("not egovsearch's copy clusters")
    out = []
    try:
        for c in data["clusters"]:
            members = []
            for aid, source, published, r in c:
                if not isinstance(aid, str) or not isinstance(source, str | None) or not isinstance(r, int | float):
                    raise ValueError("a cluster member is malformed")
                members.append(Copy(aid, source, date.fromisoformat(published) if published else None, float(r)))
            if len(members) < 2:
                raise ValueError("a cluster has fewer than two members")
            out.append(Cluster(tuple(members)))
    except (TypeError, ValueError) as e:
        raise ValueError(f"a cluster is malformed ({e})") from None
    return Copies(out)


@dataclass
class Sketches:
    """What an index run keeps for the next: per article id its order key
    (``order_key``'s date part) and bands, and the edges between ids."""

    dates: dict[str, int]  # id -> yyyymmdd, 0 when undated
    bands: dict[str, bytes]  # id -> its bands (``bands``); b"" for a text without words
    edges: dict[tuple[str, str], float]  # (a, b), a < b -> resemblance >= THRESHOLD

    def to_bytes(self) -> bytes:
        from array import array

        ids = sorted(self.dates)
        pos = {aid: i for i, aid in enumerate(ids)}
        edges = [[pos[a], pos[b], round(r, 6)] for (a, b), r in sorted(self.edges.items())]
        head = json.dumps({"count": len(ids), "bands": BANDS, "edges": edges}, separators=(",", ":")).encode()
        dates = array("I", [self.dates[aid] for aid in ids])
        if sys.byteorder == "big":
            dates.byteswap()
        empty = bytes(4 * BANDS)  # a text without words: never a candidate (`has` says so)
        got = [self.bands.get(aid) or b"" for aid in ids]
        has = bytes([1 if bs else 0 for bs in got])
        return b"".join([_MAGIC, struct.pack("<I", len(head)), head, bytes.fromhex("".join(ids)),
                         dates.tobytes(), has, *[bs or empty for bs in got]])

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketches:
        """Raises ValueError when `data` is not a whole sketch file."""
        from array import array

        try:
            if not data.startswith(_MAGIC):
                raise ValueError("wrong header")
            at = len(_MAGIC)
            (n,) = struct.unpack_from("<I", data, at)
            at += 4
            head = json.loads(data[at:at + n])
            at += n
            count, nb = head["count"], head["bands"]
            if nb != BANDS:
                raise ValueError(f"{nb} bands, not {BANDS}")
            width = 4 * BANDS
            if len(data) - at != count * (8 + 4 + 1 + width):
                raise ValueError("wrong length")
            raw = data[at:at + count * 8]
            ids = [raw[i:i + 8].hex() for i in range(0, len(raw), 8)]
            at += count * 8
            dates = array("I")
            dates.frombytes(data[at:at + count * 4])
            if sys.byteorder == "big":
                dates.byteswap()
            at += count * 4
            has = data[at:at + count]
            at += count
            bands_of = {aid: data[at + i * width:at + (i + 1) * width] if has[i] else b""
                        for i, aid in enumerate(ids)}
            edges = {(ids[a], ids[b]): float(r) for a, b, r in head["edges"]}
        except (KeyError, TypeError, IndexError, struct.error, json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ValueError(f"garbled ({type(e).__name__})") from None
        return cls(dict(zip(ids, dates, strict=True)), bands_of, edges)


# ---------------------------------------------------------------------------
# An index run's update
# ---------------------------------------------------------------------------

# Shingle sets kept while verifying candidates: ~30 KB each for a 500-word
# article, so a bounded number; candidate pairs are checked grouped by their
# first id, and a cluster's members meet again and again.
_CACHED_SETS = 256


@dataclass(frozen=True, slots=True)
class Update:
    """What ``update`` made: the sketches for the next run, the clusters (as
    ``cluster`` gives them) and how much work it took."""

    sketches: Sketches
    clusters: list[list[tuple[str, float]]]
    checked: int  # candidate pairs verified exactly
    read: int  # pages read again to verify them


def update(old: Sketches | None, current: Mapping[str, str], fresh: Mapping[str, tuple[bytes, int]],
           touched: set[str], read: Callable[[str], tuple[str, int] | None]) -> Update:
    """The copy data after an index run.

    Args:
        old: the previous run's sketches; None when there are none (a rebuild,
            or they are missing): every article is paired up again.
        current: archive path -> id of every article the index holds after the
            run. An id with several paths (copies of a page) is one article,
            whose text is that of its first path.
        fresh: path -> (bands, yyyymmdd or 0) of the pages this run read.
        touched: ids whose pages this run added, changed or removed.
        read: path -> (text, yyyymmdd or 0) of an archive page read again;
            None when it cannot be read any more (then it is paired with none).
    """
    first: dict[str, str] = {}
    for rel, aid in current.items():
        f = first.get(aid)
        if f is None or rel < f:
            first[aid] = rel
    if old is None:
        touched = set(first)
    dates: dict[str, int] = {}
    bands_of: dict[str, bytes] = {}
    edges: dict[tuple[str, str], float] = {}
    if old is not None:
        for aid in first:
            if aid not in touched and aid in old.dates:
                dates[aid], bands_of[aid] = old.dates[aid], old.bands.get(aid, b"")
            elif aid not in touched:
                touched.add(aid)  # not in the old sketches (they were incomplete): paired up again
        edges = {pair: r for pair, r in old.edges.items()
                 if pair[0] in dates and pair[1] in dates}
    pages_read = 0

    def text_of(rel: str) -> tuple[str, int] | None:
        nonlocal pages_read
        pages_read += 1
        return read(rel)

    new: dict[str, bytes] = {}
    for aid in touched:
        if aid not in first:
            continue  # gone
        rel = first[aid]
        if rel in fresh:
            bs, day = fresh[rel]
        else:
            got = text_of(rel)
            bs, day = (bands(shingles(got[0])), got[1]) if got is not None else (b"", 0)
        dates[aid], bands_of[aid] = day, bs
        if bs:
            new[aid] = bs

    @functools.lru_cache(maxsize=_CACHED_SETS)
    def shingles_of(aid: str) -> frozenset[int]:
        got = text_of(first[aid])
        return shingles(got[0]) if got is not None else frozenset()

    pairs = sorted(candidates(new, {a: b for a, b in bands_of.items() if b}))
    for a, b in pairs:
        r = resemblance(shingles_of(a), shingles_of(b))
        if r >= THRESHOLD:
            edges[(a, b)] = r
    keys = {aid: order_key(aid, dates[aid]) for pair in edges for aid in pair}
    return Update(Sketches(dates, bands_of, edges), cluster(keys, edges), len(pairs), pages_read)
