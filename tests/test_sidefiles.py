"""The index's side files (vocabularies, manifest) are checked like the rest:
a garbled one is damage where it is read, `doctor` reports it, and the next
`egovsearch index`, even with nothing else to do, rebuilds it as it was."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from indexing_support import FIXTURES, ids

from egovsearch.core import vocab
from egovsearch.core.errors import IndexDamaged
from egovsearch.engine import writer
from egovsearch.engine.health import health
from egovsearch.engine.writer import update_index

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    archive = Path(shutil.copytree(FIXTURES / "bilingual", tmp_path / "archive"))
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    return archive, ix


def _garble_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 8] = b"garbled!"
    path.write_bytes(bytes(data))


def test_the_german_vocabulary_brings_compound_matches(built: tuple[Path, Path]) -> None:
    """Why a silently unreadable vocabulary matters: without it, fewer hits."""
    _, ix = built
    whole = ids(ix, "Verwaltung")
    vocab.path_for(ix, "de").unlink()  # missing: an empty vocabulary, no error
    assert set(ids(ix, "Verwaltung")) < set(whole)


def test_a_garbled_vocabulary_is_damage_then_index_rebuilds_it(built: tuple[Path, Path]) -> None:
    archive, ix = built
    path = vocab.path_for(ix, "de")
    original, answers = path.read_bytes(), ids(ix, "Verwaltung")
    _garble_middle(path)
    with pytest.raises(IndexDamaged) as e:
        ids(ix, "Verwaltung")
    assert str(e.value) == (f"the index at {ix} is damaged; run 'egovsearch index --rebuild' "
                            "(vocab-de.tsv is garbled: its checksum does not match; 'egovsearch index' rebuilds it)")
    with pytest.raises(IndexDamaged, match="vocab-de.tsv is garbled"):
        vocab.load_vocabulary(ix, "de")
    h = health(ix)
    assert (h.damaged, h.missing, h.stale, h.orphaned, h.in_sync) == (("vocab-de.tsv",), (), (), (), False)

    report = update_index(archive, ix, jobs=1)  # nothing else changed
    assert (report.repaired, report.added, report.updated, report.unchanged) == (("vocab-de.tsv",), 0, 0, 49)
    assert path.read_bytes() == original  # rebuilt from the archive: the same counts
    assert ids(ix, "Verwaltung") == answers
    assert health(ix).in_sync
    assert update_index(archive, ix, jobs=1).repaired == ()


def test_a_missing_vocabulary_is_reported_and_rebuilt(built: tuple[Path, Path]) -> None:
    archive, ix = built
    path = vocab.path_for(ix, "en")
    original = path.read_bytes()
    path.unlink()
    assert health(ix).damaged == ("vocab-en.tsv",)
    assert update_index(archive, ix, jobs=1).repaired == ("vocab-en.tsv",)
    assert path.read_bytes() == original


def test_a_file_without_the_header_is_not_a_vocabulary(built: tuple[Path, Path]) -> None:
    _, ix = built
    vocab.path_for(ix, "de").write_text("burger\t8\nportal\t9\n", encoding="utf-8")  # the old headerless form
    with pytest.raises(IndexDamaged, match=r"vocab-de.tsv is garbled: no vocabulary header"):
        vocab.load_vocabulary(ix, "de")
    assert health(ix).damaged == ("vocab-de.tsv",)


def test_a_garbled_vocabulary_is_rebuilt_with_the_new_articles(built: tuple[Path, Path], tmp_path: Path) -> None:
    archive, ix = built
    page = next(archive.glob("*.txt"))
    (archive / "new_de00000000000099.txt").write_text(
        page.read_text(encoding="utf-8").replace("Verwaltung", "Verwaltungsportalgesetz", 1), encoding="utf-8")
    _garble_middle(vocab.path_for(ix, "de"))
    report = update_index(archive, ix, jobs=1)
    assert (report.added, report.repaired) == (1, ("vocab-de.tsv",))
    fresh = tmp_path / "fresh"
    update_index(archive, fresh, jobs=1)
    for lang in ("de", "en"):
        assert vocab.path_for(ix, lang).read_bytes() == vocab.path_for(fresh, lang).read_bytes(), lang


def test_rebuilding_in_worker_processes_counts_the_same(built: tuple[Path, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = built
    original = vocab.path_for(ix, "de").read_bytes()
    _garble_middle(vocab.path_for(ix, "de"))
    monkeypatch.setattr(writer, "PARALLEL_MIN", 8)  # 49 articles: the pool path
    assert update_index(archive, ix, jobs=2).repaired == ("vocab-de.tsv",)
    assert vocab.path_for(ix, "de").read_bytes() == original


def test_an_intact_vocabulary_is_not_read_by_a_no_op_run(built: tuple[Path, Path],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Its size and mtime are those recorded when it was written: not read again."""
    archive, ix = built

    def unexpected(index_dir: Path, lang: str) -> str | None:
        raise AssertionError(f"read {lang}")

    monkeypatch.setattr(vocab, "check", unexpected)
    report = update_index(archive, ix, jobs=1)
    assert (report.unchanged, report.repaired) == (49, ())


def test_a_garbled_manifest_is_reported_and_rewritten(built: tuple[Path, Path]) -> None:
    archive, ix = built
    manifest = ix / "manifest.json"
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    manifest.write_text('{"generation": 1, "files": [garbage', encoding="utf-8")
    assert health(ix).damaged == ("manifest.json",)
    report = update_index(archive, ix, jobs=1)
    assert (report.repaired, report.unchanged) == (("manifest.json",), 49)
    assert json.loads(manifest.read_text(encoding="utf-8"))["files"] == files
    assert health(ix).in_sync


def test_the_cli_names_the_garbled_file(built: tuple[Path, Path], tmp_path: Path) -> None:
    archive, ix = built
    _garble_middle(vocab.path_for(ix, "de"))
    r = subprocess.run([sys.executable, "-m", "egovsearch", "query", "Verwaltung", "--index", str(ix)],
                       capture_output=True, text=True, cwd=tmp_path, check=False)
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (f"Error: the index at {ix} is damaged; run 'egovsearch index --rebuild' "
                        "(vocab-de.tsv is garbled: its checksum does not match; 'egovsearch index' rebuilds it)\n")
    r = subprocess.run([sys.executable, "-m", "egovsearch", "index", "--archive", str(archive), "--index", str(ix),
                        "--quiet"], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert (r.returncode, r.stderr) == (0, "")
    assert subprocess.run([sys.executable, "-m", "egovsearch", "query", "Verwaltung", "--count", "--index", str(ix)],
                          capture_output=True, text=True, cwd=tmp_path, check=False).returncode == 0


def test_doctor_names_the_damaged_file_and_index_says_it_rebuilt_it(built: tuple[Path, Path],
                                                                    tmp_path: Path) -> None:
    archive, ix = built
    _garble_middle(vocab.path_for(ix, "de"))
    r = subprocess.run([sys.executable, "-m", "egovsearch", "doctor", "--index", str(ix)],
                       capture_output=True, text=True, cwd=tmp_path, check=False)
    assert (r.returncode, r.stdout) == (1, "damaged\tvocab-de.tsv\n")
    assert r.stderr == (f"49 articles indexed from {archive}: 0 missing, 0 stale, 0 orphaned, "
                        "1 damaged side files (out of sync; run 'egovsearch index')\n")
    r = subprocess.run([sys.executable, "-m", "egovsearch", "index", "--index", str(ix)],
                       capture_output=True, text=True, cwd=tmp_path, check=False)
    assert r.returncode == 0
    assert "  rebuilt vocab-de.tsv: it was missing, damaged or out of date\n" in r.stderr


def test_a_vocabulary_is_read_once_per_version_of_its_file(built: tuple[Path, Path],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = built
    first = vocab.load_vocabulary(ix, "de")
    reads: list[Path] = []
    real = vocab.Vocabulary.read
    monkeypatch.setattr(vocab.Vocabulary, "read", classmethod(lambda cls, p: reads.append(p) or real(p)))
    assert vocab.load_vocabulary(ix, "de") is first and reads == []
    _garble_middle(vocab.path_for(ix, "de"))  # a new version of the file is read, and its damage found
    with pytest.raises(IndexDamaged):
        vocab.load_vocabulary(ix, "de")
    assert reads == [vocab.path_for(ix, "de")]
