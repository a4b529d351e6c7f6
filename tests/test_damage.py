"""Errors where they arise: damage is raised where it is found, naming what is
damaged; an index of another version is outdated, not damaged; any other
error is not damage and passes through (the CLI reports it as an internal
error). The whole-process damage cases are in test_reliability.py."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from indexing_support import answers, make_archive

from egovsearch.core.errors import ExitCode, IndexDamaged, IndexOutdated
from egovsearch.core.models import SearchRequest
from egovsearch.engine import codec
from egovsearch.engine.store import SCHEMA_VERSION, open_index, read_meta, reading
from egovsearch.engine.writer import update_index
from egovsearch.query.run import search


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    archive = make_archive(tmp_path / "archive")
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    return archive, ix


def _cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "egovsearch", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, check=False)


def _set_schema(ix: Path, schema: int) -> None:
    meta = ix / "meta.json"
    meta.write_text(re.sub(r'"schema":\d+', f'"schema":{schema}', meta.read_text(encoding="utf-8")), encoding="utf-8")


def test_an_index_of_schema_2_is_outdated_and_index_rebuilds_it(built: tuple[Path, Path], tmp_path: Path) -> None:
    archive, ix = built
    before = answers(ix)
    _set_schema(ix, 2)
    with pytest.raises(IndexOutdated) as e:
        open_index(ix)
    assert e.value.exit_code == ExitCode.ERROR == 2
    message = (f"the index at {ix} was built by another version of egovsearch (schema 2, this version needs "
               f"{SCHEMA_VERSION}); rebuild needed: run 'egovsearch index --rebuild'")
    assert str(e.value) == message
    r = _cli("query", "shared services", "--index", ix, cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (2, "", f"Error: {message}\n")
    r = _cli("index", "--archive", archive, "--index", ix, cwd=tmp_path)  # no --rebuild: rebuilds as it must
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("Index rebuilt in ")
    assert read_meta(ix).schema == SCHEMA_VERSION
    assert answers(ix) == before


def test_garbled_postings_name_the_file(built: tuple[Path, Path]) -> None:
    _, ix = built
    pst = next(ix.glob("MAIN_*.pst"))
    data = bytearray(pst.read_bytes())
    data[:] = bytes((i * 73 + 41) % 256 for i in range(len(data)))
    pst.write_bytes(bytes(data))
    with pytest.raises(IndexDamaged) as e:
        search(ix, SearchRequest("shared services"))
    assert str(e.value).startswith(f"the index at {ix} is damaged; run 'egovsearch index --rebuild' (the postings at byte ")
    assert str(e.value).endswith(f"have no block tag in {pst.name})")


def test_a_block_that_does_not_decompress_names_the_file_and_the_error(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, ix = built

    def broken(data: bytes) -> bytes:
        raise zlib.error("Error -3 while decompressing data: invalid stored block lengths")

    monkeypatch.setattr(codec.zlib, "decompress", broken)
    with pytest.raises(IndexDamaged) as e:
        search(ix, SearchRequest("shared services"))
    assert re.fullmatch(rf"the index at {re.escape(str(ix))} is damaged; run 'egovsearch index --rebuild' "
                        r"\(the posting block at byte \d+ does not decode in MAIN_\w+\.pst \(error: Error -3 while "
                        r"decompressing data: invalid stored block lengths\)\)", str(e.value)), str(e.value)


def test_an_unreadable_table_of_contents_names_the_file(built: tuple[Path, Path]) -> None:
    _, ix = built
    (toc,) = ix.glob("_MAIN_*.toc")
    toc.write_bytes(toc.read_bytes()[:40])
    with pytest.raises(IndexDamaged, match=rf"\(its table of contents {toc.name} cannot be read \(\w+: "):
        open_index(ix)


def test_a_missing_segment_file_is_named(built: tuple[Path, Path]) -> None:
    _, ix = built
    trm = next(ix.glob("MAIN_*.trm"))
    trm.unlink()
    with pytest.raises(IndexDamaged, match=rf"\(cannot read {trm.name}: No such file or directory\)$"):
        open_index(ix)


@pytest.mark.parametrize("content", ['{"schema": 3, "archive": ', "[1, 2]", '{"schema": "three"}', "\xff"])
def test_garbled_metadata_is_named_and_index_rebuilds_it(built: tuple[Path, Path], tmp_path: Path,
                                                          content: str) -> None:
    archive, ix = built
    before = answers(ix)
    (ix / "meta.json").write_bytes(content.encode("latin-1"))
    with pytest.raises(IndexDamaged, match=r"\(meta\.json (is not valid JSON|does not hold egovsearch's index "
                                           r"metadata).*give --archive"):
        read_meta(ix)
    r = _cli("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert read_meta(ix).archive == str(archive.resolve())
    assert answers(ix) == before


@pytest.mark.parametrize("error", [KeyError("body_xx"), AttributeError("'NoneType' object has no attribute 'x'"),
                                   TypeError("unsupported operand"), ValueError("bad value"), IndexError("list index"),
                                   NotImplementedError(), UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates"),
                                   OSError(5, "Input/output error"),
                                   FileNotFoundError(2, "No such file or directory", "/elsewhere/x.txt")])
def test_other_errors_while_reading_are_not_damage(built: tuple[Path, Path], error: Exception) -> None:
    _, ix = built
    with pytest.raises(type(error)) as e, reading(ix):
        raise error
    assert e.value is error


@pytest.mark.parametrize("error", [EOFError(), struct.error("unpack requires a buffer of 4 bytes"),
                                   zlib.error("incorrect header check")])
def test_read_errors_of_index_files_are_damage(built: tuple[Path, Path], error: Exception) -> None:
    _, ix = built
    with pytest.raises(IndexDamaged, match=rf"\(a segment file ends early or does not decode \({type(error).__name__}"):
        with reading(ix):
            raise error
    with pytest.raises(IndexDamaged, match=r"\(cannot read MAIN_x\.pst: No such file or directory\)"), reading(ix):
        raise FileNotFoundError(2, "No such file or directory", str(ix / "MAIN_x.pst"))


def test_an_internal_error_in_a_search_is_not_reported_as_damage(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (here: one planted in the posting reader) keeps its own type and
    traceback, so that it is reported as an internal error, not as damage a
    rebuild would not repair."""
    _, ix = built

    def bug(self: object) -> None:
        raise AttributeError("'NoneType' object has no attribute 'decode'")

    monkeypatch.setattr(codec.BlockMatcher, "_read_ids", bug)
    with pytest.raises(AttributeError, match="no attribute 'decode'"):
        search(ix, SearchRequest("shared services"))
