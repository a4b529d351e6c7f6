"""Failed and interrupted runs clean up (issue 15): a run that fails (disk full,
permission lost, a worker killed) removes its own partial files and says in
one line what happened; any run, also one with nothing to do, removes the
leftovers of earlier killed runs; nothing the committed index needs and
nothing outside the index folder is ever removed.

The disk-full cases run twice: with ENOSPC injected into a write, and on a
real small filesystem (a tmpfs mounted here, which needs root; skipped
otherwise, with the reason).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from indexing_support import (
    PAGES,
    answers,
    index_files,
    make_archive,
    page,
    unreferenced_files,
    worker_dying,
    worker_no_space,
    write_page,
)
from typer.testing import CliRunner

import egovsearch.core.vocab
from egovsearch.cli.app import app
from egovsearch.core.errors import IndexIncomplete, IndexWriteFailed
from egovsearch.engine import store
from egovsearch.engine import writer as indexer
from egovsearch.engine.writer import update_index
from egovsearch.query import explore

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the benchmarks package, as in test_reliability.py
from benchmarks.corpus import generate  # noqa: E402

QUERIES = ("online", "shared services", "Verwaltung", "budget")


def more_pages(n: int, word: str = "budget") -> dict[str, str]:
    return {f"extra/{i:03d}_{i:016x}.txt": page(
        f"The agency published its {word} for topic{i:03d} and the digital identity programme.",
        f"Number {i} of a series of short reports.") for i in range(1, n + 1)}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    archive = make_archive(tmp_path / "archive", {**PAGES, **more_pages(10)})
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    assert unreferenced_files(ix) == set()
    return archive, ix


def no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


# -- what counts as a leftover ------------------------------------------------------------------


def plant_leftovers(ix: Path) -> set[str]:
    """The files a killed run leaves, by Whoosh's and core.files' names; return them."""
    names = {
        "MAIN_0123456789abcdef.pst", "MAIN_0123456789abcdef.trm", "MAIN_0123456789abcdef.seg",  # its segment
        "_MAIN_99.toc.1764633600.123456",  # a table of contents not yet renamed
        ".manifest.json.4242.tmp", ".vocab-de.tsv.4242.tmp", ".meta.json.4242.tmp",  # write_atomic's
    }
    for n in names:
        (ix / n).write_bytes(b"left over")
    (ix / store.TEMP_DIR).mkdir()
    (ix / store.TEMP_DIR / "abc.run").write_bytes(b"pool run")
    return names | {store.TEMP_DIR}


def plant_keepers(ix: Path, tmp_path: Path) -> set[str]:
    """Names that are not leftovers although they look alike; return them."""
    outside = tmp_path / "outside.pst"
    outside.write_bytes(b"not the index's")
    (ix / "MAIN_zzzzzzzzzzzzzzzz.pst").symlink_to(outside)  # a leftover name, but the link only may go
    (ix / "notes.txt").write_text("a user's file")
    (ix / "MAIN_0123456789ABCDEF.pst").write_bytes(b"upper case: not a Whoosh name")
    (ix / ".manifest.json.tmp").write_bytes(b"no pid: not core.files' name")
    (ix / "backup").mkdir()
    (ix / "backup" / "MAIN_0123456789abcdef.pst").write_bytes(b"in a subfolder")
    return {"notes.txt", "MAIN_0123456789ABCDEF.pst", ".manifest.json.tmp", "backup"}


def test_leftovers_are_named_by_whoosh_and_core_files_patterns(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, ix = built
    clean = index_files(ix)
    planted = plant_leftovers(ix)
    keepers = plant_keepers(ix, tmp_path)
    assert set(store.leftovers(ix)) == planted | {"MAIN_zzzzzzzzzzzzzzzz.pst"}
    assert store.remove_leftovers(ix, store.leftovers(ix)) == len(planted) + 1
    assert index_files(ix) == clean | keepers
    assert (tmp_path / "outside.pst").read_bytes() == b"not the index's"
    assert (ix / "backup" / "MAIN_0123456789abcdef.pst").exists()


def test_nothing_of_the_committed_generation_is_a_leftover(built: tuple[Path, Path]) -> None:
    archive, ix = built
    write_page(archive, "2022/005_00000000000000a5.txt", PAGES["001_00000000000000a1.txt"].replace("Estonia", "Malta"))
    update_index(archive, ix, jobs=1)  # a second generation, two segments
    assert store.leftovers(ix) == []
    assert len(store.segment_ids(ix) or ()) == 2


def test_with_an_unreadable_table_of_contents_no_segment_file_is_a_leftover(built: tuple[Path, Path]) -> None:
    _, ix = built
    planted = plant_leftovers(ix)
    toc = next(ix.glob("_MAIN_*.toc"))
    toc.write_bytes(b"garbage")
    assert set(store.leftovers(ix)) == planted - {n for n in planted if n.startswith("MAIN_")}


def test_an_old_table_of_contents_is_a_leftover(built: tuple[Path, Path]) -> None:
    _, ix = built
    gen = store.generation(ix)
    assert gen is not None and gen > 0
    (ix / "_MAIN_0.toc").write_bytes(b"an older generation's")
    assert store.leftovers(ix) == ["_MAIN_0.toc"]


def test_a_run_with_nothing_to_do_removes_leftovers_and_says_so(built: tuple[Path, Path], tmp_path: Path) -> None:
    archive, ix = built
    clean = index_files(ix)
    before = answers(ix, QUERIES)
    planted = plant_leftovers(ix)
    r = CliRunner().invoke(app, ["index", "--archive", str(archive), "--index", str(ix)])
    assert r.exit_code == 0, r.stderr
    assert index_files(ix) == clean
    assert answers(ix, QUERIES) == before
    assert r.stderr.splitlines()[0] == f"  removed {len(planted)} leftover files of an earlier interrupted or failed run"
    assert update_index(archive, ix, jobs=1).cleaned == 0


def test_a_no_op_run_opens_no_index_to_look_for_leftovers(built: tuple[Path, Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest records the committed segments: with no other segment file
    about, Whoosh is not opened (a no-op run stays cheap)."""
    archive, ix = built
    monkeypatch.setattr(store, "segment_ids", lambda index_dir: pytest.fail("the index was opened"))
    assert update_index(archive, ix, jobs=1).cleaned == 0


def test_a_manifest_without_segments_learns_them_once(built: tuple[Path, Path],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """An index written before the manifest recorded its segments."""
    archive, ix = built
    manifest = json.loads((ix / "manifest.json").read_text(encoding="utf-8"))
    segments = manifest.pop("segments")
    (ix / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert update_index(archive, ix, jobs=1).repaired == ()
    assert json.loads((ix / "manifest.json").read_text(encoding="utf-8"))["segments"] == segments
    monkeypatch.setattr(store, "segment_ids", lambda index_dir: pytest.fail("the index was opened"))
    update_index(archive, ix, jobs=1)


# -- failures: this run's files go, one line says why --------------------------------------------


def test_disk_full_at_the_commit_removes_the_runs_files(built: tuple[Path, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import whoosh.index

    archive, ix = built
    clean, before = index_files(ix), answers(ix, QUERIES)
    write_page(archive, "2022/005_00000000000000a5.txt", PAGES["001_00000000000000a1.txt"].replace("Estonia", "Malta"))
    monkeypatch.setattr(whoosh.index.TOC, "write", no_space)
    with pytest.raises(IndexWriteFailed) as e:
        update_index(archive, ix, jobs=1)
    assert str(e.value) == (f"no space left on {indexer._device(ix)} while writing the index at {ix}; "
                            "the previous index is unchanged")
    assert index_files(ix) == clean  # the run's segment files are gone
    assert answers(ix, QUERIES) == before
    monkeypatch.undo()
    assert update_index(archive, ix, jobs=1).added == 1


@pytest.mark.parametrize(("code", "reason"), [(errno.ENOSPC, "no space left on {device}"),
                                              (errno.EACCES, "permission denied (MAIN_x.pst)"),
                                              (errno.EIO, "input/output error (MAIN_x.pst)")],
                         ids=["ENOSPC", "EACCES", "EIO"])
def test_the_cli_says_it_in_one_line(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                                     code: int, reason: str) -> None:
    import whoosh.index

    archive, ix = built
    clean = index_files(ix)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(code, os.strerror(code), str(ix / "MAIN_x.pst"))

    monkeypatch.setattr(whoosh.index.TOC, "write", fail)
    r = CliRunner().invoke(app, ["index", "--archive", str(archive), "--index", str(ix), "--rebuild"])
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (f"Error: {reason.format(device=indexer._device(ix))} while writing the index at {ix}; "
                        "the previous index is unchanged\n")
    assert index_files(ix) == clean


def test_disk_full_in_a_worker_removes_every_workers_files(built: tuple[Path, Path],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = built
    clean, before = index_files(ix), answers(ix, QUERIES)
    monkeypatch.setattr(indexer, "PARALLEL_MIN", 1)
    monkeypatch.setattr(indexer, "_worker", worker_no_space)
    with pytest.raises(IndexWriteFailed, match=r"^no space left on .* the previous index is unchanged$"):
        update_index(archive, ix, rebuild=True, jobs=2)
    assert index_files(ix) == clean
    assert answers(ix, QUERIES) == before


def test_a_killed_worker_leaves_no_files(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = built
    clean, before = index_files(ix), answers(ix, QUERIES)
    monkeypatch.setattr(indexer, "PARALLEL_MIN", 1)
    monkeypatch.setattr(indexer, "_worker", worker_dying)  # os._exit() at its second document
    with pytest.raises(IndexIncomplete, match="a worker process died; nothing was committed"):
        update_index(archive, ix, rebuild=True, jobs=2)
    assert index_files(ix) == clean
    assert answers(ix, QUERIES) == before


def test_disk_full_after_the_commit_says_so_and_the_next_run_catches_up(
        built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = built
    write_page(archive, "2022/005_00000000000000a5.txt", page("Die Verwaltung digitalisiert Grundbuchämter."))
    monkeypatch.setattr(egovsearch.core.vocab, "write_vocabulary", no_space)
    with pytest.raises(IndexWriteFailed) as e:
        update_index(archive, ix, jobs=1)
    assert str(e.value).endswith(f"while writing the index at {ix}; the new index was committed, "
                                 "but not all of its side files; run 'egovsearch index' again")
    assert explore.stats(ix).articles == 1 + len(PAGES) + 10 + 1  # the seed, PAGES, 10 more, the new one: committed
    assert unreferenced_files(ix) == set()
    monkeypatch.undo()
    # The next run rewrites the manifest and the vocabularies, which missed the new article's words.
    r = update_index(archive, ix, jobs=1)
    assert r.repaired == ("vocab-de.tsv", "vocab-en.tsv", "manifest.json")
    assert "grundbuchamter" in egovsearch.core.vocab.load_vocabulary(ix, "de")


def test_ctrl_c_in_the_commit_removes_the_runs_files(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import whoosh.index

    archive, ix = built
    clean, before = index_files(ix), answers(ix, QUERIES)

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(whoosh.index.TOC, "write", interrupt)
    with pytest.raises(KeyboardInterrupt):
        update_index(archive, ix, rebuild=True, jobs=1)
    assert index_files(ix) == clean
    assert answers(ix, QUERIES) == before


# -- a killed run's leftovers go at the next run, even one with nothing to do ---------------------


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("EGOVSEARCH_") and k not in ("NO_COLOR", "PAGER")}


def _cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "egovsearch", *map(str, args)], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_run_after_a_killed_rebuild_removes_its_leftovers(tmp_path: Path) -> None:
    archive, ix = tmp_path / "archive", tmp_path / "index"
    generate(450, archive, seed=3)  # above PARALLEL_MIN: the rebuild runs workers
    assert _cli("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path).returncode == 0
    clean, before = index_files(ix), answers(ix, QUERIES)
    with open(tmp_path / "err", "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "egovsearch", "index", "--archive", str(archive),
                                 "--index", str(ix), "--rebuild", "--quiet", "--jobs", "2"],
                                cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 60
        while not (index_files(ix) - clean) and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "err").read_text()
            time.sleep(0.02)
        time.sleep(0.3)  # let it write a little more
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(60)
    time.sleep(1.5)  # the workers notice their parent is gone (they check twice a second) and stop
    assert index_files(ix) - clean, "the killed run left nothing to clean up"
    assert answers(ix, QUERIES) == before
    r = _cli("index", "--archive", archive, "--index", ix, cwd=tmp_path)  # nothing changed in the archive
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"  removed \d+ leftover files? of an earlier interrupted or failed run\n"
                        r"Index updated in \d+\.\d s: 0 added, 0 updated, 0 renamed, 0 removed, 450 unchanged, "
                        r"\d+ skipped\n", r.stderr), r.stderr
    assert index_files(ix) == clean


# -- a real full disk -----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 32 MB tmpfs mounted for this test (root only)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mnt)], capture_output=True,
                       text=True, check=False)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip() or r.returncode}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def free_bytes(path: Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


@pytest.mark.parametrize("jobs", [1, 2], ids=["in-process", "workers"])
def test_a_rebuild_on_a_full_disk(small_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  jobs: int) -> None:
    archive = tmp_path / "archive"
    generate(150, archive, seed=4)
    ix = small_disk / "index"
    first = _cli("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    size = store.index_bytes(ix)
    # Fill the disk so that less than half of the index fits again: a rebuild cannot succeed.
    filler = small_disk / "filler"
    room = free_bytes(small_disk) - size // 2
    assert room > 0, f"the index ({size} bytes) does not fit twice on the small disk"
    filler.write_bytes(b"\0" * room)
    clean, before, free = index_files(ix), answers(ix, QUERIES), free_bytes(small_disk)
    message = f"no space left on {small_disk} while writing the index at {ix}; the previous index is unchanged"
    if jobs == 1:  # the user's command, in-process writer
        r = _cli("index", "--archive", archive, "--index", ix, "--rebuild", cwd=tmp_path)
        assert (r.returncode, r.stdout, r.stderr) == (2, "", f"Error: {message}\n")
    else:  # real worker processes writing segments of their own onto the full disk
        monkeypatch.setattr(indexer, "PARALLEL_MIN", 1)
        with pytest.raises(IndexWriteFailed) as e:
            update_index(archive, ix, rebuild=True, jobs=2)
        assert str(e.value) == message
    assert index_files(ix) == clean  # the failed run's files are gone
    assert free_bytes(small_disk) == free  # and so is the space they took
    assert answers(ix, QUERIES) == before
    again = _cli("index", "--archive", archive, "--index", ix, cwd=tmp_path)  # nothing changed: exit 0
    assert again.returncode == 0, again.stderr
    assert index_files(ix) == clean
    filler.unlink()
    assert update_index(archive, ix, rebuild=True, jobs=jobs).added == 150
    assert answers(ix, QUERIES) == before
    shutil.rmtree(ix)
