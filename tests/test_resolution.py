"""Which index a command uses (issue 15): --index/EGOVSEARCH_INDEX, else ./index
where it holds an index, else the bundled sample's index in the cache directory,
built on first use and rebuilt when it no longer matches the installed package.
Only `egovsearch index` creates ./index, and it needs an archive to do so.

Every test runs in an empty folder of its own, with XDG_CACHE_HOME in a
temporary folder (tests/conftest.py), so "the cache" below is the test's own.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from indexing_support import PAGES, SEED_NAME, bump_mtime, make_archive, page, write_page
from typer.testing import CliRunner, Result

from egovsearch.cli.app import app
from egovsearch.engine import resolve, writer
from egovsearch.engine.store import SCHEMA_VERSION

REPO = Path(__file__).resolve().parent.parent
SEED_ID = "f495089e68bd2b44"
NOTE = "searching the bundled sample (1 article); build your own with egovsearch index --archive DIR\n"
FLAT = {rel: text for rel, text in PAGES.items() if "/" not in rel}  # pages of a one-folder archive


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """A small archive of the user's (5 articles), not the sample."""
    return make_archive(tmp_path / "archive")


def cache() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "egovsearch" / "sample-index"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def build(archive: Path, index: Path) -> None:
    r = run("index", "--archive", str(archive), "--index", str(index), "--quiet")
    assert r.exit_code == 0, r.output


# --- neither --index nor ./index: the bundled sample --------------------------------------


def test_a_query_in_an_empty_folder_searches_the_sample_and_creates_nothing_there(here: Path) -> None:
    r = run("query", "shared services", "-f", "ids")
    assert (r.exit_code, r.stdout, r.stderr) == (0, SEED_ID + "\n", NOTE)
    assert list(here.iterdir()) == []
    assert (cache() / "meta.json").is_file()
    meta = json.loads((cache() / "meta.json").read_text(encoding="utf-8"))
    assert (meta["archive"], meta["schema"]) == (str((REPO / "seeds").resolve()), SCHEMA_VERSION)
    again = run("query", "shared services", "-f", "ids")  # the cached index, the same note
    assert (again.exit_code, again.stdout, again.stderr) == (0, SEED_ID + "\n", NOTE)


def test_a_current_sample_index_is_used_as_it_is(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("query", "cloud", "-f", "ids").exit_code in (0, 1)

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sample's index was current: nothing to build")

    monkeypatch.setattr(writer, "update_index", no_build)
    r = run("query", "shared services", "-f", "ids")
    assert (r.exit_code, r.stdout, r.stderr) == (0, SEED_ID + "\n", NOTE)


@pytest.mark.parametrize(("args", "stdout"), [
    (["stats", "-f", "json"], None),
    (["sources", "-f", "csv"], "source,count,first,last\nPublic Service,1,2011-06-06,2011-06-06\n"),
    (["show", "f495", "-f", "json"], None),
    (["timeline", "-f", "csv"], "period,count\n2011,1\n"),
    (["export", "-f", "jsonl"], None),
])
def test_every_reading_command_in_an_empty_folder_reads_the_sample(
        here: Path, args: list[str], stdout: str | None) -> None:
    r = run(*args)
    assert (r.exit_code, r.stderr) == (0, NOTE), r.output
    if stdout is not None:
        assert r.stdout == stdout
    elif args[0] == "stats":
        assert json.loads(r.stdout)["articles"] == 1
    elif args[0] == "show":
        assert json.loads(r.stdout)["id"] == SEED_ID
    else:
        assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == [SEED_ID]
    assert list(here.iterdir()) == []


def test_doctor_and_similar_in_an_empty_folder_check_the_sample(here: Path) -> None:
    doctor = run("doctor")
    seeds = (REPO / "seeds").resolve()
    assert (doctor.exit_code, doctor.stdout) == (0, "")
    assert doctor.stderr == NOTE + (f"1 articles indexed from {seeds}: 0 missing, 0 stale, 0 orphaned (in sync)\n")
    similar = run("similar", "f495", "-f", "ids")  # the only article has no other like it
    assert (similar.exit_code, similar.stdout, similar.stderr) == (1, "", NOTE)
    assert list(here.iterdir()) == []


def test_an_unrelated_index_folder_is_not_taken_for_an_index(here: Path) -> None:
    (here / "index").mkdir()
    (here / "index" / "index.html").write_text("<html></html>", encoding="utf-8")
    r = run("query", "shared services", "-f", "ids")
    assert (r.exit_code, r.stdout, r.stderr) == (0, SEED_ID + "\n", NOTE)
    assert os.listdir(here / "index") == ["index.html"]


def test_the_note_counts_the_sample_articles(here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample = make_archive(tmp_path / "sample", FLAT)
    monkeypatch.setattr(resolve, "bundled_archive", lambda: sample)
    r = run("query", "online", "-f", "ids")
    assert r.exit_code == 0, r.output
    assert r.stderr == NOTE.replace("(1 article)", f"({len(FLAT) + 1} articles)")


# --- the sample's index keeps itself current ------------------------------------------------


def test_a_sample_index_of_an_old_schema_is_rebuilt_silently_and_answers(here: Path) -> None:
    assert run("query", "shared services", "-f", "ids").exit_code == 0
    meta_file = cache() / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta_file.write_text(json.dumps({**meta, "schema": SCHEMA_VERSION - 1}), encoding="utf-8")
    # What the old index says when it is named (the message a user of the sample must never see):
    named = run("query", "shared services", "--index", str(cache()))
    assert named.exit_code == 2 and "rebuild needed" in named.stderr
    r = run("query", "shared services", "-f", "ids")
    assert (r.exit_code, r.stdout, r.stderr) == (0, SEED_ID + "\n", NOTE)
    assert json.loads(meta_file.read_text(encoding="utf-8"))["schema"] == SCHEMA_VERSION
    assert list(here.iterdir()) == []


def test_the_sample_index_follows_the_installed_sample(here: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Another install's sample (another path), then a changed sample file (an
    upgrade in place): each is indexed before it is searched."""
    first = make_archive(tmp_path / "install-1", {})
    second = make_archive(tmp_path / "install-2", {})
    monkeypatch.setattr(resolve, "bundled_archive", lambda: first)
    assert run("query", "shared services", "-f", "ids").stdout == SEED_ID + "\n"
    monkeypatch.setattr(resolve, "bundled_archive", lambda: second)
    r = run("doctor")
    assert r.exit_code == 0 and f"indexed from {second.resolve()}:" in r.stderr
    text = page("The ministry opened a citizen portal for parking permits.")
    write_page(second, SEED_NAME, text)
    bump_mtime(second / SEED_NAME)
    assert run("query", "shared services", "-f", "ids").exit_code == 1
    r = run("query", "parking", "-f", "ids")
    assert (r.exit_code, r.stderr) == (0, NOTE)
    write_page(second, "001_00000000000000a1.txt", PAGES["001_00000000000000a1.txt"])  # a new file
    r = run("query", "Estonia", "-f", "ids")
    assert (r.exit_code, r.stdout) == (0, "00000000000000a1\n")
    assert "(2 articles)" in r.stderr


def test_a_damaged_sample_manifest_is_repaired_before_the_search(here: Path) -> None:
    assert run("query", "shared services", "-f", "ids").exit_code == 0
    (cache() / "manifest.json").write_text("{not json", encoding="utf-8")
    r = run("query", "shared services", "-f", "ids")
    assert (r.exit_code, r.stdout, r.stderr) == (0, SEED_ID + "\n", NOTE)
    assert json.loads((cache() / "manifest.json").read_text(encoding="utf-8"))["files"]


def test_a_cache_directory_that_cannot_be_written_says_how_to_go_on(
        here: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    r = run("query", "shared services")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith(f"Error: cannot create the index directory {blocker / 'egovsearch' / 'sample-index'}: ")
    assert r.stderr.endswith("; the bundled sample's index is kept in the cache directory: "
                             "set XDG_CACHE_HOME to a writable folder, or give --index\n")
    assert r.stderr.count("\n") == 1 and list(here.iterdir()) == []


# --- --index, EGOVSEARCH_INDEX and ./index ---------------------------------------------------


def test_egovsearch_index_names_the_index(here: Path, tmp_path: Path, archive: Path) -> None:
    ix = tmp_path / "mine"
    build(archive, ix)
    r = run("query", "Estonia", "-f", "ids", env={"EGOVSEARCH_INDEX": str(ix)})
    assert (r.exit_code, r.stdout, r.stderr) == (0, "00000000000000a1\n", "")
    assert not cache().exists() and list(here.iterdir()) == []


def test_a_named_index_that_is_missing_is_an_error_not_the_sample(here: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    for env in (None, {"EGOVSEARCH_INDEX": str(missing)}):
        args = ["stats"] if env else ["stats", "--index", str(missing)]
        r = run(*args, env=env)
        assert (r.exit_code, r.stdout) == (2, "")
        assert r.stderr == f"Error: no index at {missing}; run 'egovsearch index'\n"
    assert not missing.exists() and not cache().exists()


def test_the_index_in_the_current_folder_is_used_where_it_exists(here: Path, tmp_path: Path, archive: Path) -> None:
    build(archive, here / "index")
    r = run("query", "Estonia", "-f", "ids")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "00000000000000a1\n", "")
    stats = run("stats", "-f", "json")
    assert (stats.exit_code, json.loads(stats.stdout)["articles"], stats.stderr) == (0, len(PAGES) + 1, "")
    assert not cache().exists()
    other = tmp_path / "other"  # --index wins over ./index
    build(make_archive(tmp_path / "other-archive", {}), other)
    r = run("query", "Estonia", "-f", "ids", "--index", str(other))
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", "")


def test_a_damaged_index_in_the_current_folder_is_reported_not_passed_over(here: Path, archive: Path) -> None:
    build(archive, here / "index")
    for name in os.listdir(here / "index"):
        if name.startswith("_MAIN_"):
            os.unlink(here / "index" / name)  # the table of contents is gone; meta.json is left
    r = run("query", "Estonia", "-f", "ids")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: ") and "index" in r.stderr and r.stderr.count("\n") == 1
    assert "bundled sample" not in r.stderr and not cache().exists()


# --- egovsearch index: ./index, and never without an archive --------------------------------


def test_index_without_an_archive_is_exit_2_and_creates_nothing(here: Path, tmp_path: Path) -> None:
    r = run("index")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == ("Error: give --archive DIR, the folder of archive pages to index into ./index "
                        "(later runs of 'egovsearch index' update it from the same folder)\n")
    named = tmp_path / "named"
    r = run("index", "--index", str(named))
    assert r.exit_code == 2 and f"to index into {named} " in r.stderr
    assert list(here.iterdir()) == [] and not named.exists() and not cache().exists()


def test_index_builds_the_index_in_the_current_folder_and_updates_it_from_its_archive(
        here: Path, archive: Path) -> None:
    r = run("index", "--archive", str(archive), "--quiet")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")
    assert (here / "index" / "meta.json").is_file() and os.listdir(here) == ["index"]
    shutil.copy(archive / SEED_NAME, archive / "copy.txt")
    again = run("index")  # no --archive: the one ./index records
    assert again.exit_code == 0, again.output
    assert "1 added" in again.stderr
    assert not cache().exists()


def test_index_takes_the_archive_from_the_environment(here: Path, archive: Path) -> None:
    r = run("index", "--quiet", env={"EGOVSEARCH_ARCHIVE": str(archive)})
    assert r.exit_code == 0, r.output
    assert run("query", "Estonia", "-f", "ids").stdout == "00000000000000a1\n"


def test_index_of_a_folder_that_records_no_archive_asks_for_one(here: Path, archive: Path) -> None:
    build(archive, here / "index")
    (here / "index" / "meta.json").unlink()
    r = run("index")
    assert (r.exit_code, r.stderr) == (
        2, "Error: give --archive DIR: the index at ./index records no archive to update from\n")


# --- the places themselves ------------------------------------------------------------------


def test_the_cache_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert resolve.sample_index_dir() == tmp_path / "xdg" / "egovsearch" / "sample-index"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid by the XDG rule: ignored
    assert resolve.sample_index_dir() == tmp_path / "home" / ".cache" / "egovsearch" / "sample-index"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert resolve.cache_home() == tmp_path / "home" / ".cache"


def test_the_bundled_archive_of_a_checkout_is_its_seeds_folder() -> None:
    assert resolve.bundled_archive() == REPO / "seeds"
    assert sorted(os.listdir(resolve.bundled_archive())) == [SEED_NAME]
