"""The posting block format (egovsearch/postings.py): blocks round-trip, damaged
blocks are errors of one kind, and an index written with it holds exactly the
postings Whoosh's own codec writes, answers the same, and mixes with segments
written by Whoosh's codec."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh.codec.whoosh3 import W3Codec

from benchmarks.corpus import PHRASE, generate
from egovsearch.core.errors import IndexDamaged
from egovsearch.core.models import SearchRequest
from egovsearch.engine import codec as postings
from egovsearch.engine.store import open_index
from egovsearch.engine.writer import update_index
from egovsearch.query.run import search

float32 = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, width=32)


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[int], list[float], list[bytes]]:
    gaps = draw(st.lists(st.one_of(st.integers(1, 300), st.integers(1, 2**20)), min_size=1, max_size=128))
    start = draw(st.integers(0, 2**20))
    ids = [start + sum(gaps[:i]) for i in range(len(gaps))]
    weights = draw(st.one_of(st.just([1.0] * len(ids)), st.lists(float32, min_size=len(ids), max_size=len(ids))))
    values = draw(st.one_of(st.just([]), st.lists(st.binary(min_size=1, max_size=300), min_size=len(ids),
                                                 max_size=len(ids))))
    return ids, weights, values


@given(blocks())
def test_block_round_trip(block: tuple[list[int], list[float], list[bytes]]) -> None:
    ids, weights, values = block
    data = postings.encode_block(ids, weights, values)
    assert data is not None and data[:1] == postings.MAGIC
    deltas, got_weights, got_values = postings.decode_block(data, len(ids))
    assert [sum(deltas[: i + 1]) for i in range(len(ids))] == ids
    assert (got_weights is None) == all(w == 1.0 for w in weights)
    assert got_weights is None or list(got_weights) == weights
    assert list(got_values) == values
    joined = postings.decode_block(data, len(ids), joined=True)[2]
    assert joined == b"".join(values)


def test_values_for_only_some_postings_are_left_to_whoosh() -> None:
    assert postings.encode_block([1, 2], [1.0, 1.0], [b"x"]) is None


@given(st.binary(max_size=200), st.integers(1, 130))
def test_damaged_block_is_a_decoding_error(data: bytes, count: int) -> None:
    try:
        postings.decode_block(postings.MAGIC + data, count)
    except ValueError:
        pass  # (BlockMatcher reports it as IndexDamaged, naming the postings file)


@pytest.mark.parametrize("code", [b"u", b"w", b"d", b"q", b"b", b"L", b"\x00", b""])
def test_only_the_widths_the_writer_emits_are_read(code: bytes) -> None:
    """A type code other than B, H, I is damage, never handed to array() (where
    'u' warns on Python 3.13, and 'd' or 'q' would read garbage as numbers)."""
    data = postings.encode_block([1, 2], [1.0, 1.0], [])
    assert data is not None and data[1:2] == b"B"
    with pytest.raises(ValueError, match="no array type code at byte 1"):
        postings.decode_block(data[:1] + code + data[2:] if code else data[:1], 2)
    lengths = postings.encode_block([1, 2], [1.0, 1.0], [b"ab", b"c"])
    assert lengths is not None
    pos = lengths.index(b"B", 4)  # the lengths' code, after ids and the weights flag
    with pytest.raises(ValueError, match=f"no array type code at byte {pos}"):
        postings.decode_block(lengths[:pos] + (code or b"\x00") + lengths[pos + 1:], 2)


def test_a_weights_flag_other_than_0_or_1_is_damage() -> None:
    data = postings.encode_block([1, 2], [1.0, 1.0], [])
    assert data is not None and data[4:5] == b"0"
    with pytest.raises(ValueError, match="weights flag"):
        postings.decode_block(data[:4] + b"7" + data[5:], 2)


def test_decoding_is_exact_about_sizes() -> None:
    data = postings.encode_block([5, 9, 400], [1.0, 2.0, 0.5], [b"\x00\x01", b"\x00\x02", b"\x01" + struct.pack("<H", 7)])
    assert data is not None
    with pytest.raises(ValueError):
        postings.decode_block(data[:-4], 3)  # values cut short: fewer lengths than postings
    with pytest.raises(ValueError):
        postings.decode_block(data, 4)


# An index written with each codec over the same generated archive (~600 pages:
# frequent words fill several 128-posting blocks).


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate(600, root, seed=3)
    return root


def _build(archive: Path, index: Path, codec: type, monkeypatch: pytest.MonkeyPatch) -> Path:
    with monkeypatch.context() as m:
        m.setattr(postings, "BlockCodec", codec)
        update_index(archive, index, jobs=1)
    return index


def _all_postings(index: Path) -> dict[tuple[str, bytes], list[tuple[int, float, bytes]]]:
    with open_index(index).reader() as r:
        return {(f, t): _items(r.postings(f, t)) for f, t in r.all_terms()}


def _items(m: object) -> list[tuple[int, float, bytes]]:
    items = []
    while m.is_active():  # type: ignore[attr-defined]
        items.append((m.id(), m.weight(), m.value()))  # type: ignore[attr-defined]
        m.next()  # type: ignore[attr-defined]
    return items


QUERIES = (f'"{PHRASE}"', "shared", "Verwaltung", "digital OR portal", "NOT services", '"services for the"')


def test_same_postings_and_answers_as_whoosh_codec(archive: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ours = _build(archive, tmp_path / "ours", postings.BlockCodec, monkeypatch)
    whoosh = _build(archive, tmp_path / "whoosh", W3Codec, monkeypatch)
    with open_index(ours).reader() as r:
        assert {type(s.codec()) for s in open_index(ours)._segments()} == {postings.BlockCodec}
        assert max(r.doc_frequency(f, t) for f, t in r.all_terms()) > 2 * 128  # several blocks
    assert _all_postings(ours) == _all_postings(whoosh)
    for q in QUERIES:
        a = search(ours, SearchRequest(q, limit=None))
        b = search(whoosh, SearchRequest(q, limit=None))
        assert [(h.id, h.score) for h in a.hits] == [(h.id, h.score) for h in b.hits], q
        assert a.total > 0, q
    assert sum(f.stat().st_size for f in ours.glob("*.pst")) < sum(f.stat().st_size for f in whoosh.glob("*.pst"))


def test_a_block_that_does_not_decode_is_damage(archive: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """In either format and with any error (unpickling garbage raises OverflowError,
    MemoryError, TypeError...): `Error: ... damaged`, not a traceback."""
    index = _build(archive, tmp_path / "index", postings.BlockCodec, monkeypatch)

    def garbage(*args: object, **kwargs: object) -> object:
        raise OverflowError("garbage")

    for name in ("decode_block", "loads"):
        with monkeypatch.context() as m:
            m.setattr(postings, name, garbage)
            m.setattr(postings, "MAGIC", postings.MAGIC if name == "decode_block" else b"Z")  # Z: read as pickles
            with pytest.raises(IndexDamaged):
                search(index, SearchRequest("shared"))


def test_segments_of_both_codecs_in_one_index(archive: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Path(shutil.copytree(archive, tmp_path / "archive"))
    mixed = _build(archive, tmp_path / "mixed", W3Codec, monkeypatch)
    for page in sorted(archive.rglob("*.txt"))[::40]:  # changed pages: new segment in our format
        page.write_bytes(page.read_bytes().replace(b"the", b"the the", 1))
    update_index(archive, mixed, jobs=1)
    codecs = {type(s.codec()) for s in open_index(mixed)._segments()}
    assert codecs == {W3Codec, postings.BlockCodec}
    fresh = _build(archive, tmp_path / "fresh", postings.BlockCodec, monkeypatch)
    for q in QUERIES:
        a = search(mixed, SearchRequest(q, limit=None))
        b = search(fresh, SearchRequest(q, limit=None))
        assert sorted(h.id for h in a.hits) == sorted(h.id for h in b.hits), q
