"""Index safety (issue 15): a run that would remove most of the index stops
unless forced (an unmounted share looks like an empty archive), and `doctor`
and `index` call the same files changed (a touched but identical file is
unchanged for both)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from indexing_support import answers, bump_mtime, index_files, make_archive, page, write_page
from typer.testing import CliRunner

import egovsearch.core.archive
import egovsearch.engine.writer
from egovsearch.cli import commands
from egovsearch.cli.app import app
from egovsearch.core.errors import WouldRemoveMost
from egovsearch.engine.health import health
from egovsearch.engine.store import MANIFEST, generation
from egovsearch.engine.writer import REMOVE_FREELY, changed, update_index
from egovsearch.query import explore

N = 40  # articles of the archive below: more than REMOVE_FREELY, so that half of them counts


def pages(n: int = N) -> dict[str, str]:
    """`n` distinct articles with hex names (ids), in two folders."""
    return {f"{2010 + i % 2}/{i:03d}_{i:016x}.txt": page(
        f"Report number {i} on the municipal register and its digital services.",
        f"The council of district {i} answered questions on the budget.", published=f"0{1 + i % 9}.03.2015")
        for i in range(1, n + 1)}


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    archive = make_archive(tmp_path / "archive", pages(), seed=False)
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    return archive, ix


def snapshot(ix: Path) -> tuple[set[str], int | None, bytes, dict[str, list[str]]]:
    """What must not move when a run is refused: files, generation, manifest, answers."""
    return index_files(ix), generation(ix), (ix / MANIFEST).read_bytes(), answers(ix, ("register", "council"))


def remove(archive: Path, n: int) -> None:
    for rel in sorted(pages())[:n]:
        (archive / rel).unlink()


def empty(archive: Path) -> None:
    """The archive folder as an unmounted share shows it: there, but empty."""
    shutil.rmtree(archive)
    archive.mkdir()


def cli(*args: str | Path, input: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, [str(a) for a in args], input=input)
    return r.exit_code, r.stdout, r.stderr


# -- removing most of the index ---------------------------------------------------------------


def test_an_empty_archive_removes_nothing_and_says_why(built: tuple[Path, Path]) -> None:
    archive, ix = built
    before = snapshot(ix)
    empty(archive)
    with pytest.raises(WouldRemoveMost) as e:
        update_index(archive, ix, jobs=1)
    assert (e.value.count, e.value.total, e.value.archive) == (N, N, str(archive.resolve()))
    assert snapshot(ix) == before


def test_the_cli_refuses_with_exit_2_off_a_terminal(built: tuple[Path, Path]) -> None:
    archive, ix = built
    before = snapshot(ix)
    empty(archive)
    assert cli("index", "--archive", archive, "--index", ix) == (2, "", (
        f"Error: this run would remove {N} of the index's {N} articles: they are gone from the archive "
        f"{archive.resolve()} (is it mounted?); nothing was changed; run again with --force to go ahead\n"))
    assert snapshot(ix) == before


def test_force_lets_it_through(built: tuple[Path, Path]) -> None:
    archive, ix = built
    empty(archive)
    code, out, err = cli("index", "--archive", archive, "--index", ix, "--force")
    assert (code, out) == (0, ""), err
    assert err.endswith(f": 0 added, 0 updated, 0 renamed, {N} removed, 0 unchanged, 0 skipped\n")
    assert explore.stats(ix).articles == 0


@pytest.mark.parametrize(("answer", "code", "articles"), [("y\n", 0, 0), ("n\n", 2, N), ("\n", 2, N)],
                         ids=["yes", "no", "default-no"])
def test_a_terminal_is_asked(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
                             answer: str, code: int, articles: int) -> None:
    archive, ix = built
    empty(archive)
    monkeypatch.setattr(commands, "_tty", lambda stream: True)  # stdin and stderr are terminals
    monkeypatch.setattr(commands, "_color", lambda stream: False)
    got, out, err = cli("index", "--archive", archive, "--index", ix, "--quiet", input=answer)
    assert (got, out) == (code, "")
    question = (f"{N} of the index's {N} articles are gone from the archive {archive.resolve()} "
                "(is it mounted?). Remove them from the index? [y/N]: ")
    assert err.startswith(question)
    if code:
        assert err == question + "Error: not confirmed; nothing was changed\n"
    assert explore.stats(ix).articles == articles


@pytest.mark.parametrize(("total", "gone", "refused"), [
    (N, REMOVE_FREELY, False),  # no more than 20: never asked
    (N, REMOVE_FREELY + 1, True),  # 21 of 40: more than half
    (2 * (REMOVE_FREELY + 1), REMOVE_FREELY + 1, False),  # 21 of 42: exactly half is not more than half
    (2 * REMOVE_FREELY + 1, REMOVE_FREELY + 1, True),  # 21 of 41
])
def test_the_limits(tmp_path: Path, total: int, gone: int, refused: bool) -> None:
    archive = make_archive(tmp_path / "archive", pages(total), seed=False)
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    for rel in sorted(pages(total))[:gone]:
        (archive / rel).unlink()
    if refused:
        with pytest.raises(WouldRemoveMost):
            update_index(archive, ix, jobs=1)
        assert explore.stats(ix).articles == total
    else:
        assert update_index(archive, ix, jobs=1).removed == gone
        assert explore.stats(ix).articles == total - gone


def test_moving_every_file_is_no_removal(built: tuple[Path, Path]) -> None:
    archive, ix = built
    before = answers(ix, ("register", "council"))
    (archive / "moved").mkdir()
    for year in ("2010", "2011"):
        (archive / year).rename(archive / "moved" / year)
    r = update_index(archive, ix, jobs=1)
    assert (r.renamed, r.removed, r.added) == (N, 0, 0)
    assert answers(ix, ("register", "council")) == before


def test_a_rebuild_of_an_empty_archive_is_refused_then_forced(built: tuple[Path, Path]) -> None:
    archive, ix = built
    before = snapshot(ix)
    empty(archive)
    code, out, err = cli("index", "--archive", archive, "--index", ix, "--rebuild")
    assert (code, out, err) == (2, "", (
        f"Error: rebuilding would replace the index's {N} articles with none: the archive {archive.resolve()} "
        "holds no article (is it mounted?); nothing was changed; run again with --force to go ahead\n"))
    assert snapshot(ix) == before
    code, _, err = cli("index", "--archive", archive, "--index", ix, "--rebuild", "--force")
    assert code == 0, err
    assert explore.stats(ix).articles == 0


def test_another_archive_would_replace_the_index_and_is_refused(built: tuple[Path, Path], tmp_path: Path) -> None:
    """Another --archive implies a rebuild: judged by what it would remove."""
    archive, ix = built
    before = snapshot(ix)
    other = make_archive(tmp_path / "other", {f"x/{rel}": text for rel, text in list(pages().items())[:5]},
                         seed=False)
    with pytest.raises(WouldRemoveMost) as e:
        update_index(other, ix, jobs=1)
    assert (e.value.count, e.value.total, e.value.rebuild) == (N - 5, N, False)  # 5 look moved, 35 would go
    assert snapshot(ix) == before
    assert update_index(other, ix, jobs=1, force=True).added == 5


def test_a_rebuild_after_moving_every_file_is_not_asked(built: tuple[Path, Path]) -> None:
    archive, ix = built
    (archive / "moved").mkdir()
    for year in ("2010", "2011"):
        (archive / year).rename(archive / "moved" / year)
    assert update_index(archive, ix, rebuild=True, jobs=1).added == N


def test_a_rebuild_with_articles_and_a_first_build_of_nothing_are_not_asked(built: tuple[Path, Path],
                                                                             tmp_path: Path) -> None:
    archive, ix = built
    assert update_index(archive, ix, rebuild=True, jobs=1).added == N
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    assert update_index(nothing, tmp_path / "new-index", rebuild=True, jobs=1).added == 0


def test_doctor_reports_what_a_refused_run_would_remove(built: tuple[Path, Path]) -> None:
    archive, ix = built
    empty(archive)
    h = health(ix)
    assert (len(h.orphaned), h.in_sync) == (N, False)
    code, out, err = cli("doctor", "--index", ix)
    assert code == 1 and len(out.splitlines()) == N and f"{N} orphaned" in err


# -- one rule for "changed" -------------------------------------------------------------------


def test_a_touched_file_is_unchanged_for_doctor_and_index(built: tuple[Path, Path],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    archive, ix = built
    rel = sorted(pages())[0]
    bump_mtime(archive / rel)
    gen = generation(ix)
    assert health(ix).in_sync
    assert cli("doctor", "--index", ix)[0] == 0

    def no_parse(*args: object) -> None:
        raise AssertionError("a touched file is not parsed")

    with monkeypatch.context() as m:
        m.setattr(egovsearch.core.archive, "read_article", no_parse)
        r = update_index(archive, ix, jobs=1)
    assert (r.unchanged, r.updated, r.added) == (N, 0, 0)
    assert generation(ix) == gen  # nothing was committed: only the manifest learnt the new mtime
    # The new mtime is recorded: neither doctor nor index reads the file again.
    with monkeypatch.context() as m:
        m.setattr(egovsearch.engine.writer, "changed", no_parse)
        assert health(ix).in_sync
        assert update_index(archive, ix, jobs=1).unchanged == N


def test_a_same_size_edit_is_stale_for_doctor_and_updated_by_index(built: tuple[Path, Path]) -> None:
    archive, ix = built
    rel = sorted(pages())[0]
    text = (archive / rel).read_text(encoding="utf-8")
    edited = text.replace("municipal", "MUNICIPAL")
    assert len(edited) == len(text) and edited != text
    write_page(archive, rel, edited)
    bump_mtime(archive / rel)
    assert health(ix).stale == (rel,)
    assert update_index(archive, ix, jobs=1).updated == 1
    assert health(ix).in_sync


@pytest.mark.parametrize("edit", ["same", "touched", "resized", "same size", "unreadable"])
def test_changed(tmp_path: Path, edit: str) -> None:
    path = write_page(tmp_path, "a.txt", "Die Behörde führt die Akte ein.")
    data = path.read_bytes()
    st = path.stat()
    recorded = [st.st_size, st.st_mtime_ns, egovsearch.core.archive.content_hash(data), "0" * 16]
    if edit == "touched":
        bump_mtime(path)
    elif edit == "resized":
        path.write_bytes(data + b"!")
    elif edit == "same size":
        path.write_bytes(data.replace(b"Akte", b"AKTE"))
    elif edit == "unreadable":
        path.unlink()
        path.mkdir()  # a folder where the file was: it cannot be read as one
    st = path.stat() if edit != "unreadable" else st
    now = (st.st_size, st.st_mtime_ns + (1 if edit == "unreadable" else 0))
    assert changed(tmp_path, "a.txt", *now, recorded) is (edit not in ("same", "touched"))


def test_the_refusal_message_names_archive_and_count() -> None:
    e = WouldRemoveMost("/mnt/share", 1234, 1500)
    assert re.fullmatch(r"this run would remove 1,234 of the index's 1,500 articles: they are gone from the "
                        r"archive /mnt/share \(is it mounted\?\); nothing was changed; run again with --force "
                        r"to go ahead", str(e))
    assert e.exit_code == 2
