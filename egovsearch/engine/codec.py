"""The posting block format: Whoosh's W3 codec with blocks of arrays, not pickles.

Whoosh writes each block of up to 128 postings as a zlib-compressed pickle of
three tuples (document number deltas, weights, encoded positions). Reading a
block back (unpickling ~400 Python objects) is most of a phrase query on a
large archive: 230 blocks of one frequent word, ~140 µs each. This codec
keeps Whoosh's files, block headers and skipping, and writes each block's
data as little-endian arrays in the narrowest width:

    b"E"  ids-width  id deltas...  weights-flag [float32 weights...]
          values-width  value lengths...  values joined     (or b"-": no values)

Widths are array type codes (B, H, I); the weights flag is b"1" or b"0" when
every weight is 1.0. Compressed like Whoosh's blocks, this is a third of
their size and reads in a quarter of the time (README, design notes). A block
this format cannot hold is written as Whoosh's pickle; the reader tells the
two apart by the first byte, and segments written by Whoosh's own codec keep
being read by it (each segment names its codec in the table of contents).
The codec also has every segment store its stored-field offsets.
"""

from __future__ import annotations

import os
import sys
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate, pairwise
from typing import Any

from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.compat import dumps, loads
from whoosh.util.numeric import length_to_byte

from egovsearch.core.errors import IndexDamaged

MAGIC = b"E"
# The array type codes encode_block writes: any other code in a block is damage
# (array() would take any valid code, and 'u' warns on Python 3.13).
_WIDTHS = {ord("B"): "B", ord("H"): "H", ord("I"): "I"}
_BIG_ENDIAN = sys.byteorder == "big"


def _pack(values: Any, code: str | None = None) -> bytes:
    """`values` as an array in the narrowest unsigned width, its code first."""
    if code is None:
        top = max(values, default=0)
        code = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
    arr = array(code, values)
    if _BIG_ENDIAN:
        arr.byteswap()
    return code.encode("ascii") + arr.tobytes()


def _unpack(data: bytes, pos: int, count: int, code: str | None = None) -> tuple[array[Any], int]:
    """The array of `count` items at `pos` (after its code, unless given); and the end."""
    if code is None:
        code = _WIDTHS.get(data[pos]) if pos < len(data) else None
        if code is None:
            raise ValueError(f"no array type code at byte {pos}")
        pos += 1
    arr = array(code)
    end = pos + arr.itemsize * count
    arr.frombytes(data[pos:end])
    if len(arr) != count:
        raise ValueError(f"{len(arr)} of {count} items")
    if _BIG_ENDIAN:
        arr.byteswap()
    return arr, end


def encode_block(ids: Any, weights: Any, values: list[bytes]) -> bytes | None:
    """One block's data; None when this format cannot hold it (values for only some postings)."""
    if values and len(values) != len(ids):
        return None
    parts = [MAGIC, _pack([ids[0], *(b - a for a, b in pairwise(ids))])]
    if all(w == 1.0 for w in weights):
        parts.append(b"0")
    else:
        parts += [b"1", _pack(weights, "f")[1:]]
    if values:
        parts += [_pack([len(v) for v in values]), b"".join(values)]
    else:
        parts.append(b"-")
    return b"".join(parts)


def decode_block(data: bytes, count: int, joined: bool = False) -> tuple[array[Any], Any, Any]:
    """(id deltas, weights or None for all 1.0, values) of a block of `count`
    postings; values as one bytes object when `joined` (fixed-size formats),
    else a sequence of bytes."""
    deltas, pos = _unpack(data, 1, count)
    weights = None
    flag = data[pos:pos + 1]
    if flag == b"1":
        weights, pos = _unpack(data, pos + 1, count, "f")
    elif flag == b"0":
        pos += 1
    else:
        raise ValueError(f"weights flag {flag!r}")
    if data[pos:pos + 1] == b"-":  # as Whoosh's blocks without values read
        return deltas, weights, b"" if joined else ()
    lengths, pos = _unpack(data, pos, count)
    offsets = array("L", accumulate(lengths, initial=pos))
    if offsets[-1] != len(data):
        raise ValueError(f"values of {offsets[-1] - pos} bytes in {len(data) - pos}")
    return deltas, weights, data[pos:] if joined else Values(data, offsets)


class Values:
    """A block's values, cut out of the block when asked for: a phrase query
    needs the positions of a few documents of each block, not of all 128."""

    __slots__ = ("_data", "_offsets")

    def __init__(self, data: bytes, offsets: array[int]) -> None:
        self._data, self._offsets = data, offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> bytes:
        if i < 0:
            i += len(self)
        return self._data[self._offsets[i]:self._offsets[i + 1]]

    def __iter__(self) -> Iterator[bytes]:
        data, offsets = self._data, self._offsets
        return (data[a:b] for a, b in pairwise(offsets))


class BlockWriter(W3PostingsWriter):  # type: ignore[misc]
    def _write_block(self, last: bool = False) -> None:
        # Whoosh's _write_block with the block data encoded by encode_block.
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        databytes = encode_block(ids, self._weights, self._values)
        if databytes is None:
            databytes = dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
        comp = self._compression
        if comp:
            databytes = zlib.compress(databytes, comp)
        infobytes = dumps((len(ids), ids[-1], self._maxweight, comp,
                           length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes)
        self._postfile.write(databytes)
        self._blockcount += 1
        self._new_block()


def _damaged(postfile: Any, what: str, e: BaseException | None = None) -> IndexDamaged:
    """IndexDamaged for the postings file `postfile` (a Whoosh StructFile)."""
    path = getattr(getattr(postfile, "file", None), "name", None)
    name = getattr(postfile, "_name", None) or (os.path.basename(path) if isinstance(path, str) else "postings")
    where = os.path.dirname(path) if isinstance(path, str) else "(unknown)"
    detail = f"{what} in {name}" + (f" ({type(e).__name__}: {e})" if e is not None else "")
    return IndexDamaged(where, detail)


class BlockMatcher(W3LeafMatcher):  # type: ignore[misc]
    """Whoosh's posting reader for blocks in either format; a block that does
    not decode is IndexDamaged, named here."""

    def _read_header(self) -> None:
        if self._postfile.get(self._startoffset, 4) != WHOOSH3_HEADER_MAGIC:
            raise _damaged(self._postfile, f"the postings at byte {self._startoffset} have no block tag")
        super()._read_header()

    def _goto(self, position: int) -> None:
        try:
            super()._goto(position)
        except Exception as e:  # noqa: BLE001  Whoosh's _goto only reads and unpickles the block's
            # header: whatever it raises (unpickling garbage alone raises some ten kinds), it is not one.
            raise _damaged(self._postfile, f"the posting block header at byte {position}", e) from e

    def _read_data(self) -> None:
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        fixed = self._fixedsize
        try:
            if self._compression:
                data = zlib.decompress(data)
            if data[:1] == MAGIC:
                self._data = decode_block(data, self._blocklength, joined=fixed is not None and fixed > 0)
            else:
                self._data = loads(data)
        except Exception as e:  # noqa: BLE001  bytes that do not decode, in either format, are a damaged
            # block (unpickling garbage alone raises some ten kinds of error).
            raise _damaged(self._postfile, f"the posting block at byte {self._dataoffset} does not decode", e) from e

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()
        # Deltas in both formats; accumulate() is Whoosh's delta_decode in C.
        self._ids = tuple(accumulate(self._data[0]))


class BlockCodec(W3Codec):  # type: ignore[misc]
    """W3Codec writing and reading term postings in the block format above,
    and writing every segment's stored-field offsets."""

    def per_document_writer(self, storage: Any, segment: Any) -> Any:
        writer = super().per_document_writer(storage, segment)
        # Whoosh writes the offsets of stored fields only above 32,768 documents
        # and otherwise rebuilds them from the lengths, in a Python loop, at the
        # first read of a segment: ~0.7 ms per segment a query.
        writer._colwriters["_stored"]._child.cutoff = 0
        return writer

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:  # term vectors (not used by this schema) stay Whoosh's
            return super().postings_writer(dbfile, byteids=True)
        return BlockWriter(dbfile, blocklimit=self._blocklimit, byteids=False,
                           compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return BlockMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
