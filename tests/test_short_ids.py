"""Short ids: the table's id column (the shortest prefix of each id that no
other id starts with, at least 8 hex digits), which show and similar accept;
byte-identical copies (one id, two files) shown once with every path.

The archive is made of the mini fixture's pages under names whose ids share
12, 7 and 16 (copies) leading hex digits.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import egovsearch.cli.commands
from egovsearch.cli.app import app
from egovsearch.engine.search import open_reader
from egovsearch.engine.writer import update_index

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
NAMES = {  # fixture page -> its name here
    "001_1111aaaa00000001.txt": "001_abcdef0123456789.txt",  # shares 12 digits with the next
    "002_2222bbbb00000002.txt": "002_abcdef0123450000.txt",
    "003_3333cccc00000003.txt": "003_1234567800000000.txt",  # shares 7 with the next: 8 suffice
    "004_3333cddd00000004.txt": "004_1234567900000000.txt",
    "007_7777aaaa00000007.txt": "a/007_fedcba9876543210.txt",  # a byte-identical copy in b/
}
COPY = "b/007_fedcba9876543210.txt"
runner = CliRunner()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    for src, name in NAMES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MINI / src, root / name)
    (root / COPY).parent.mkdir()
    shutil.copyfile(MINI / "007_7777aaaa00000007.txt", root / COPY)
    return root


@pytest.fixture
def index(archive: Path, tmp_path: Path) -> Path:
    ix = tmp_path / "index"
    update_index(archive, ix, jobs=1)
    return ix


def run(index: Path, *args: str) -> Result:
    return runner.invoke(app, [*args, "--index", str(index)])


SHORT = {"abcdef0123456789": "abcdef0123456", "abcdef0123450000": "abcdef0123450",
         "1234567800000000": "12345678", "1234567900000000": "12345679", "fedcba9876543210": "fedcba98"}


def test_the_shortest_unique_prefix_of_each_id(index: Path) -> None:
    with open_reader(index) as r:
        assert r.short_ids(SHORT) == SHORT
        assert r.short_ids([]) == {}
        assert r.short_ids(SHORT, least=4) == {**SHORT, "1234567800000000": "12345678",
                                               "fedcba9876543210": "fedc"}
        assert r.ids_with_prefix("abcdef012345") == ["abcdef0123450000", "abcdef0123456789"]
        assert r.ids_with_prefix("0") == []


def test_the_table_shows_short_ids_that_show_and_similar_accept(
        index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(egovsearch.cli.commands, "_tty", lambda stream: True)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("PAGER", "")
    monkeypatch.setenv("COLUMNS", "100")
    r = run(index, "query", "--lang", "en", "--all")
    assert r.exit_code == 0, r.output
    rows = [line.split()[:2] for line in r.stdout.splitlines() if line[:1].isdigit()]
    assert sorted(short for _, short in rows) == ["abcdef0123450", "abcdef0123456", "fedcba98", "fedcba98"]
    for short in SHORT.values():
        shown = run(index, "show", short, "-f", "json")
        assert shown.exit_code == 0, shown.output
        assert SHORT[json.loads(shown.stdout)["id"]] == short
        assert run(index, "similar", short, "-f", "ids").exit_code in (0, 1)
    assert "ambiguous" in run(index, "show", "abcdef012345").stderr
    similar = run(index, "similar", "abcdef0123456")  # the table of similar has the column too
    assert "fedcba98" in similar.stdout


def test_copies_are_one_article_with_every_path(index: Path, archive: Path) -> None:
    r = run(index, "show", "fedcba98")
    assert r.exit_code == 0, r.output
    assert r.stdout.count("Title:") == 1
    root = archive.resolve()
    assert [line for line in r.stdout.splitlines() if line.startswith("Path:")] == [
        f"Path:      {root}/a/007_fedcba9876543210.txt", f"Path:      {root}/{COPY}"]
    data = json.loads(run(index, "show", "fedcba9876543210", "-f", "json").stdout)
    assert (data["path"], data["paths"]) == (
        f"{root}/a/007_fedcba9876543210.txt", [f"{root}/a/007_fedcba9876543210.txt", f"{root}/{COPY}"])
    # By path: that file first, its copy after it.
    data = json.loads(run(index, "show", COPY, "-f", "json").stdout)
    assert data["paths"] == [f"{root}/{COPY}", f"{root}/a/007_fedcba9876543210.txt"]
    raw = runner.invoke(app, ["show", "fedcba98", "--raw", "--index", str(index)])
    assert raw.stdout_bytes == (MINI / "007_7777aaaa00000007.txt").read_bytes()


def test_a_removed_article_leaves_no_ambiguity(index: Path, archive: Path) -> None:
    (archive / "002_abcdef0123450000.txt").unlink()
    update_index(archive, index, jobs=1)
    assert run(index, "show", "abcdef012345").exit_code == 0  # the one left
    assert "no article" in run(index, "show", "abcdef0123450").stderr
    with open_reader(index) as r:  # a longer prefix than needed, never an ambiguous one
        assert r.short_ids(["abcdef0123456789"])["abcdef0123456789"] in ("abcdef01", "abcdef0123456")
