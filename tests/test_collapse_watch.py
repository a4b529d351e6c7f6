"""watch --collapse (issue 18): a near-copy of a story already seen is not
new. A hit is new only when no member of its cluster was seen; showing it
makes every member's id seen. On tests/collapse_support.py's archive."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from collapse_support import X1, X2, X3, Z1, Z2, build, make_copies_archive
from indexing_support import page, write_page
from typer.testing import CliRunner, Result

from egovsearch import api
from egovsearch.cli.app import app
from egovsearch.core.watches import Watch, WatchStore
from tests.cli_support import ok

runner = CliRunner()
Q = ("digital", "identity")
X4 = "aaaa000000000004"  # a fourth copy of X, published later
Z3 = "cccc000000000003"  # a new story on the same subject


@pytest.fixture
def own(tmp_path: Path) -> tuple[Path, Path]:
    archive = make_copies_archive(tmp_path / "archive")
    return archive, build(archive, tmp_path / "index")


def run(index: Path, *args: str) -> Result:
    return runner.invoke(app, ["watch", *args, "--index", str(index)])


def _add_copy_and_story(archive: Path, index: Path) -> None:
    """X4 (X1's text at another publication, later) and Z3 (a new story), indexed."""
    x1 = (archive / f"2015/001_{X1}.txt").read_text(encoding="utf-8")
    write_page(archive, f"2022/008_{X4}.txt", x1.replace("Computer Weekly, 12.03.2015", "Egov Digest, 02.02.2022"))
    write_page(archive, f"2022/009_{Z3}.txt", page(
        "Norway will replace its bank-issued digital identity cards with a state scheme next year.",
        "The agency said private logins had failed too often during the pandemic.",
        source="Kable", published="03.03.2022"))
    build(archive, index)


def test_a_copy_of_a_seen_story_is_not_new(own: tuple[Path, Path]) -> None:
    archive, index = own
    r = ok(run(index, "add", "cards", *Q, "--collapse"))
    assert r.stderr == "watch cards: 3 current hits, recorded as seen\n"
    (w,) = api.watch_list(index)
    assert w.collapse and w.seen == {X1, X2, X3, Z1, Z2}  # every member of a shown cluster
    _add_copy_and_story(archive, index)
    assert f"  1.00  {X1}  2015-03-12  Computer Weekly\n" in ok(runner.invoke(app, ["show", X4, "--index", str(index)])).stdout
    r = ok(run(index, "run", "-f", "ids"))
    assert r.stdout == f"{Z3}\n"  # X4 is a copy of X, seen: not new
    assert X4 not in api.watch_list(index)[0].seen  # (never shown, but seen as a copy next time too)
    assert ok(run(index, "run", "-f", "ids"), 1).stdout == ""


def test_without_collapse_the_copy_is_new(own: tuple[Path, Path]) -> None:
    archive, index = own
    ok(run(index, "add", "cards", *Q))
    _add_copy_and_story(archive, index)
    assert ok(run(index, "run", "-f", "ids")).stdout == f"{Z3}\n{X4}\n"


def test_from_start_shows_each_story_once_and_records_every_copy(own: tuple[Path, Path]) -> None:
    _, index = own
    ok(run(index, "add", "cards", *Q, "--collapse", "--from-start"))
    r = ok(run(index, "run", "-f", "jsonl"))
    got = [json.loads(line) for line in r.stdout.splitlines()]
    # Newest first; X3 (2015-03-20) is X's newest copy.
    assert [(o["watch"], o["id"], o["duplicates"]) for o in got] == [
        ("cards", Z2, []), ("cards", Z1, []), ("cards", X3, [X1, X2])]
    assert api.watch_list(index)[0].seen == {X1, X2, X3, Z1, Z2}
    assert ok(run(index, "run"), 1).stdout == ""


def test_a_story_with_one_member_seen_is_not_new(own: tuple[Path, Path]) -> None:
    _, index = own
    ok(run(index, "add", "cards", *Q, "--collapse", "--from-start"))
    store = WatchStore(Path(os.environ["XDG_STATE_HOME"]) / "egovsearch", index)
    with store.journal_writer() as log:
        log.record("cards", X2)  # seen by a run without --collapse, say
    r = ok(run(index, "run", "-f", "tsv"))
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == [Z2, Z1]
    assert r.stdout.splitlines()[0].endswith("\t")  # (the duplicates column: none)


def test_table_run_records_the_copies_too(own: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, index = own
    monkeypatch.setenv("COLUMNS", "100")
    ok(run(index, "add", "cards", *Q, "--collapse", "--from-start"))
    r = ok(run(index, "run", "-f", "table"))
    assert "+2 copies (Computer Weekly, Kable)" in r.stdout
    assert api.watch_list(index)[0].seen == {X1, X2, X3, Z1, Z2}


def test_collapse_is_kept_with_the_watch(own: tuple[Path, Path]) -> None:
    _, index = own
    ok(run(index, "add", "cards", *Q, "--collapse"))
    ok(run(index, "add", "plain", *Q))
    data = json.loads(ok(run(index, "list", "-f", "json")).stdout)
    assert [(o["name"], o.get("collapse")) for o in data] == [("cards", True), ("plain", None)]
    assert "  'digital identity' --collapse\n" in ok(run(index, "list")).stdout
    # The file keeps it; a file written before --collapse existed reads as without it.
    store_file = WatchStore(Path(os.environ["XDG_STATE_HOME"]) / "egovsearch", index).file
    stored = json.loads(store_file.read_text())
    assert stored["watches"]["cards"]["collapse"] is True and "collapse" not in stored["watches"]["plain"]
    assert Watch._load("old", {"query": "x"}).collapse is False
    with pytest.raises(ValueError, match="collapse"):
        Watch._load("bad", {"query": "x", "collapse": "yes"})
