"""Reliability (issue 7, and issue 3's safety promises), mostly through real
`python -m egovsearch` processes: signals during `index`, two runs at once,
queries during a re-index, damaged and missing indexes, bad archive files,
bad user input, and `doctor`.

Each test asserts what a user sees: the exit code, the one `Error: ...` line,
and that the same queries return the same ids afterwards. Waits poll the
index directory for the run's first files; nothing asserts on timing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from indexing_support import PAGES, SEED_NAME, answers, make_archive, page, paths, unreferenced_files, write_page

import egovsearch.core.archive
from egovsearch.core.reports import Skipped
from egovsearch.engine.writer import update_index
from egovsearch.query import explore

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package, as in test_corpus.py
from benchmarks.corpus import generate

CORPUS_QUERIES = ("government", "shared services", "digital", "Verwaltung", "Behörde")
SMALL_N, MORE_N = 150, 1000  # 150 pages index in-process in ~1 s; 1000 more take several s on 2 cores


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("EGOVSEARCH_") and k not in ("NO_COLOR", "PAGER")}
    e.update(extra)
    return e


def cli(*args: str | Path, cwd: Path, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egovsearch", *map(str, args)],
        check=False,
        cwd=cwd,
        env=env(**extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Background:
    """An `egovsearch` process in the background; its output goes to files, not
    pipes, so that a killed run's orphans (if any) cannot block the test."""

    def __init__(self, *args: str | Path, cwd: Path) -> None:
        self.out_path, self.err_path = cwd / f"bg-{id(self)}.out", cwd / f"bg-{id(self)}.err"
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "egovsearch", *map(str, args)], cwd=cwd, env=env(), stdout=out, stderr=err
            )
        self.pid = self.proc.pid

    def poll(self) -> int | None:
        return self.proc.poll()

    def wait(self, timeout: float = 120) -> tuple[int, str, str]:
        rc = self.proc.wait(timeout)
        return rc, self.out_path.read_text(), self.err_path.read_text()


def descendants(pid: int) -> set[int]:
    """Live processes below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    live = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rpartition(")")[2].split()[0] != "Z":
                    live.add(pid)
        except OSError:
            pass
    return live


def one_error_line(r: subprocess.CompletedProcess[str], pattern: str) -> None:
    """Exit 2, nothing on stdout, exactly one line on stderr matching `pattern`."""
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert re.fullmatch(pattern, lines[0]), lines[0]


def wait_until_writing(ix: Path, before: set[str], proc: Background) -> None:
    """Return once the run has created files in the index directory (it is writing)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        new = set(os.listdir(ix)) - before - {".egovsearch.lock"}
        if new:
            time.sleep(0.5)  # let it write a little more
            return
        assert proc.poll() is None, proc.wait()
        time.sleep(0.05)
    pytest.fail("the index run did not start writing")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(small, more): generated pages, copied into each test's archive."""
    base = tmp_path_factory.mktemp("corpus")
    generate(SMALL_N, base / "small", seed=1)
    generate(MORE_N, base / "more", seed=2)
    return base / "small", base / "more"


@pytest.fixture
def grown(corpus: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path, dict[str, list[str]]]:
    """(archive, index, answers): the small archive indexed, then MORE_N pages added to it."""
    small, more = corpus
    archive = tmp_path / "archive"
    shutil.copytree(small, archive)
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    before = answers(ix, CORPUS_QUERIES)
    assert all(before[q] for q in ("government", "digital"))  # the comparison is not between empty lists
    shutil.copytree(more, archive / "more")
    return archive, ix, before


def check_recovery(archive: Path, ix: Path, tmp_path: Path) -> None:
    """The next plain `index` run succeeds and leaves no stray files."""
    r = cli("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert explore.stats(ix).articles == SMALL_N + MORE_N
    assert unreferenced_files(ix) == set()
    assert not [n for n in os.listdir(ix) if n.endswith(".tmp")]
    q = cli("query", "--index", ix, "-f", "ids", "--all", "government", cwd=tmp_path)
    assert q.returncode == 0 and len(q.stdout.split()) > len(answers(ix, ("government",))["government"]) // 2


# -- interruption -------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["INT", "TERM", "KILL"])
def test_signal_during_index_keeps_previous_index(
    grown: tuple[Path, Path, dict[str, list[str]]], tmp_path: Path, sig: signal.Signals
) -> None:
    archive, ix, before = grown
    names = set(os.listdir(ix))
    proc = Background("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path)
    wait_until_writing(ix, names, proc)
    helpers = descendants(proc.pid)  # fork server, workers, resource tracker
    assert helpers, "the run did not start worker processes"
    os.kill(proc.pid, sig)
    rc, _, err = proc.wait(60)
    try:
        # No process of the run outlives it (an orphaned worker would keep writing
        # files, or hold the pipes of a `$(egovsearch index)` open forever).
        deadline = time.monotonic() + 10
        while alive(helpers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive(helpers) == set()
    finally:
        for pid in alive(helpers):  # only processes this test started
            os.kill(pid, signal.SIGKILL)
    if sig == signal.SIGKILL:
        assert rc == -signal.SIGKILL
    else:  # SIGTERM takes Ctrl-C's path
        assert (rc, err) == (130, "Error: interrupted\n")
    assert answers(ix, CORPUS_QUERIES) == before
    q = cli("query", "--index", ix, "-f", "ids", "--all", "government", cwd=tmp_path)
    assert (q.returncode, q.stdout.split()) == (0, before["government"])
    check_recovery(archive, ix, tmp_path)


def test_ctrl_c_during_rebuild_keeps_previous_index(
    grown: tuple[Path, Path, dict[str, list[str]]], tmp_path: Path
) -> None:
    archive, ix, before = grown
    names = set(os.listdir(ix))
    proc = Background("index", "--archive", archive, "--index", ix, "--quiet", "--rebuild", cwd=tmp_path)
    wait_until_writing(ix, names, proc)
    os.kill(proc.pid, signal.SIGINT)
    rc, _, err = proc.wait(60)
    assert rc == 130, err
    assert set(os.listdir(ix)) == names  # the interrupted run removed its own files before it exited
    assert answers(ix, CORPUS_QUERIES) == before
    check_recovery(archive, ix, tmp_path)


# -- concurrency --------------------------------------------------------------------------------


def test_second_index_run_waits_then_exits_2(grown: tuple[Path, Path, dict[str, list[str]]], tmp_path: Path) -> None:
    archive, ix, _ = grown
    names = set(os.listdir(ix))
    first = Background("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path)
    try:
        wait_until_writing(ix, names, first)
        second = cli("index", "--archive", archive, "--index", ix, "--quiet", "--wait", "0.5", cwd=tmp_path)
        assert first.poll() is None, "the first run ended before the second gave up: nothing was contended"
        one_error_line(second, rf"Error: another 'egovsearch index' is writing {re.escape(str(ix))}; .*")
    finally:
        rc, _, err = first.wait(120)
    assert rc == 0, err
    assert explore.stats(ix).articles == SMALL_N + MORE_N


def test_queries_during_reindex_never_fail(grown: tuple[Path, Path, dict[str, list[str]]], tmp_path: Path) -> None:
    archive, ix, before = grown
    names = set(os.listdir(ix))
    proc = Background("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path)
    wait_until_writing(ix, names, proc)
    results = []
    while proc.poll() is None:
        results.append(cli("query", "--index", ix, "-f", "ids", "--all", "government", cwd=tmp_path))
    results.append(cli("query", "--index", ix, "-f", "ids", "--all", "government", cwd=tmp_path))
    rc, _, err = proc.wait()
    assert rc == 0, err
    after = answers(ix, ("government",))["government"]
    assert len(results) >= 2
    for r in results:
        assert (r.returncode, r.stderr) == (0, "")
        assert sorted(r.stdout.split()) in (sorted(before["government"]), sorted(after))
    assert results[-1].stdout.split() == after


# -- damaged and missing index ------------------------------------------------------------------


def _seg(ix: Path) -> Path:
    """The biggest segment file (a compound ``.seg``, else the postings)."""
    files = [p for p in ix.iterdir() if p.name.startswith("MAIN_") and p.name != "MAIN_WRITELOCK" and p.is_file()]
    return max(files, key=lambda p: (p.stat().st_size, p.name))


def _toc(ix: Path) -> Path:
    return next(p for p in ix.iterdir() if p.name.startswith("_MAIN_") and p.suffix == ".toc")


def truncate_segment(ix: Path) -> None:
    seg = _seg(ix)
    seg.write_bytes(seg.read_bytes()[: seg.stat().st_size // 2])


def garbage_in_segment(ix: Path) -> None:
    seg = _seg(ix)
    _garble(seg)  # deterministic noise


def _garble(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(bytes((i * 73 + 41) % 256 for i in range(len(data))))


def garbage_in_postings(ix: Path) -> None:
    _garble(next(ix.glob("MAIN_*.pst")))


def garbage_in_terms(ix: Path) -> None:  # raises Whoosh's own FileFormatError on open
    _garble(next(ix.glob("MAIN_*.trm")))


def missing_segment(ix: Path) -> None:
    _seg(ix).unlink()


def missing_toc(ix: Path) -> None:
    _toc(ix).unlink()


def garbage_toc(ix: Path) -> None:
    _toc(ix).write_bytes(b"\x80\x04garbage, not a table of contents" * 20)


DAMAGE: dict[str, Callable[[Path], None]] = {
    f.__name__: f
    for f in (truncate_segment, garbage_in_segment, garbage_in_postings, garbage_in_terms, missing_segment,
              missing_toc, garbage_toc)
}  # an index of another schema version is not damaged but outdated: tests/test_damage.py


@pytest.fixture
def small_index(tmp_path: Path) -> tuple[Path, Path]:
    archive = make_archive(tmp_path / "archive")
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    return archive, ix


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damaged_index_one_line_then_rebuild_repairs(
    small_index: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    archive, ix = small_index
    before = answers(ix)
    DAMAGE[damage](ix)
    r = cli("query", "--index", ix, "shared services", cwd=tmp_path, EGOVSEARCH_ARCHIVE=str(archive))
    one_error_line(
        r,
        rf"Error: the index at {re.escape(str(ix))} is damaged; "
        r"run 'egovsearch index --rebuild'( \(.+\))?",
    )
    assert "Traceback" not in r.stderr
    rb = cli("index", "--archive", archive, "--index", ix, "--rebuild", "--quiet", cwd=tmp_path)
    assert rb.returncode == 0, rb.stderr
    assert answers(ix) == before
    q = cli("query", "--index", ix, "-f", "paths", "--all", "shared services", cwd=tmp_path)
    expected = [str(archive.resolve() / SEED_NAME), str(archive.resolve() / "2020/003_00000000000000a3.txt")]
    assert (q.returncode, sorted(q.stdout.split())) == (0, expected)


def test_missing_index(tmp_path: Path) -> None:
    ix = tmp_path / "nowhere"
    r = cli("query", "--index", ix, "shared services", cwd=tmp_path, EGOVSEARCH_ARCHIVE=str(tmp_path))
    one_error_line(r, rf"Error: no index at {re.escape(str(ix))}; run 'egovsearch index'")
    assert not ix.exists()  # a query creates nothing


# -- bad archive input --------------------------------------------------------------------------


def test_bad_archive_files_are_skipped_with_reasons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = make_archive(tmp_path / "archive")
    write_page(archive, "bad/empty.txt", b"")
    write_page(archive, "bad/binary.txt", bytes(range(256)) * 40)
    ru = page("Москва: правительство запускает портал госуслуг для всех граждан.").encode("utf-8")
    write_page(archive, "bad/undecodable.txt", ru[:300] + b"\x81\x8d\x8f\x90\x9d" + ru[300:])
    (archive / "bad/broken-link.txt").symlink_to(tmp_path / "does-not-exist.txt")
    write_page(archive, "bad/vanishing.txt", PAGES["001_00000000000000a1.txt"].replace("Estonia", "Latvia"))
    real = egovsearch.core.archive.read_article

    def read(root: str, rel: str) -> object:
        if rel == "bad/vanishing.txt":
            os.unlink(os.path.join(root, rel))  # deleted between the walk and the read
        return real(root, rel)

    monkeypatch.setattr(egovsearch.core.archive, "read_article", read)
    r = update_index(archive, tmp_path / "index", jobs=1)
    reasons = {s.path: s.reason for s in r.skipped}
    assert reasons == {
        "bad/binary.txt": "binary file",
        "bad/broken-link.txt": "broken symbolic link",
        "bad/empty.txt": "empty file",
        "bad/undecodable.txt": "not UTF-8/Windows-1252 text",
        "bad/vanishing.txt": "cannot read: No such file or directory",
    }
    assert r.added == 5
    assert paths(tmp_path / "index", "shared services") == [SEED_NAME, "2020/003_00000000000000a3.txt"]
    assert paths(tmp_path / "index", "Latvia") == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    archive = make_archive(tmp_path / "archive")
    locked = write_page(archive, "locked.txt", PAGES["001_00000000000000a1.txt"])
    locked.chmod(0)
    try:
        r = update_index(archive, tmp_path / "index", jobs=1)
    finally:
        locked.chmod(0o644)
    assert r.skipped == (Skipped("locked.txt", "cannot read: Permission denied"),)
    assert r.added == 5


def test_huge_file_is_skipped_and_the_rest_indexed(tmp_path: Path) -> None:
    archive = make_archive(tmp_path / "archive")
    para = "The agency reported on the shared services programme and its budget for the year. " * 10
    write_page(archive, "huge.txt", page(*([para] * 36_000)))  # about 30 MB
    assert (archive / "huge.txt").stat().st_size > 29_000_000
    r = update_index(archive, tmp_path / "index", jobs=1)
    assert [s.path for s in r.skipped] == ["huge.txt"]
    assert r.added == 5
    assert paths(tmp_path / "index", "shared services") == [SEED_NAME, "2020/003_00000000000000a3.txt"]


# -- bad user input -----------------------------------------------------------------------------


def test_archive_that_is_a_file(tmp_path: Path) -> None:
    f = write_page(tmp_path, "archive.txt", PAGES["001_00000000000000a1.txt"])
    r = cli("index", "--archive", f, "--index", tmp_path / "index", "--quiet", cwd=tmp_path)
    one_error_line(r, r"Error: .*archive.*" + re.escape(str(f)) + r".*")


def test_index_dir_not_writable(tmp_path: Path) -> None:
    archive = make_archive(tmp_path / "archive")
    blocker = write_page(tmp_path, "file", "a regular file")
    r = cli("index", "--archive", archive, "--index", blocker / "index", "--quiet", cwd=tmp_path)
    one_error_line(r, r"Error: .*" + re.escape(str(blocker / "index")) + r".*")


def test_jobs_zero(tmp_path: Path) -> None:
    archive = make_archive(tmp_path / "archive")
    r = cli("index", "--archive", archive, "--index", tmp_path / "index", "--jobs", "0", cwd=tmp_path)
    one_error_line(r, r"Error: .*--jobs.*")
    assert not (tmp_path / "index").exists()


# -- doctor -------------------------------------------------------------------------------------


def test_doctor_in_sync_then_out_of_sync(small_index: tuple[Path, Path], tmp_path: Path) -> None:
    archive, ix = small_index
    r = cli("doctor", "--index", ix, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "")
    assert "in sync" in r.stderr
    write_page(archive, "2022/005_00000000000000a5.txt", PAGES["001_00000000000000a1.txt"].replace("Estonia", "Malta"))
    write_page(archive, "2020/004_00000000000000a4.txt", PAGES["2020/004_00000000000000a4.txt"] + " Nachtrag.")
    (archive / "002_00000000000000a2.txt").unlink()
    r = cli("doctor", "--index", ix, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert r.stdout.splitlines() == [
        "missing\t2022/005_00000000000000a5.txt",
        "stale\t2020/004_00000000000000a4.txt",
        "orphaned\t002_00000000000000a2.txt",
    ]
    assert "1 missing, 1 stale, 1 orphaned" in r.stderr
    # doctor changed nothing; index brings it back in sync
    assert cli("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path).returncode == 0
    assert cli("doctor", "--index", ix, cwd=tmp_path).returncode == 0
