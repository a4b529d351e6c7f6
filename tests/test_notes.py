"""The notes on stderr that say what stdout does not: output cut by the default
limit, a search that found nothing (on a terminal), a --source no publication
of the index has. stdout stays data only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import egovsearch.cli.commands
from egovsearch import api
from egovsearch.cli.app import app
from egovsearch.engine.writer import update_index

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
runner = CliRunner()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini archive (7 articles) three times over: 21 articles, 15 of them dated."""
    root = tmp_path_factory.mktemp("notes")
    archive = root / "archive"
    for copy in ("x", "y", "z"):
        shutil.copytree(MINI, archive / copy)
        for page in (archive / copy).rglob("*.txt"):  # another id in each copy: 3 articles, not copies
            page.rename(page.with_name(page.name[:4] + copy.replace("x", "a").replace("y", "b")
                                       .replace("z", "c") + page.name[5:]))
    index = root / "index"
    update_index(archive, index, jobs=1)
    return index


def run(index: Path, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, [*args, "--index", str(index)], input=stdin)


def _terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(egovsearch.cli.commands, "_tty", lambda stream: True)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("PAGER", "")
    monkeypatch.setenv("COLUMNS", "100")


# --- output cut by the default limit ----------------------------------------------------


def test_the_default_limit_says_it_cut_when_stdout_is_no_terminal(ix: Path) -> None:
    for fmt in ("paths", "tsv", "json", "ids", "csv", "jsonl", "table"):
        r = run(ix, "query", "--since", "2000", "-f", fmt)
        assert r.exit_code == 0, r.output
        assert r.stderr == "10 of 18 hits; --all for every hit\n", fmt
    assert len(run(ix, "query", "--since", "2000", "-f", "ids").stdout.split()) == 10


@pytest.mark.parametrize("args", [["--all"], ["--limit", "10"], ["-n", "3"], ["--count"], ["--lang", "de"]])
def test_no_note_when_asked_for_a_limit_or_nothing_was_cut(ix: Path, args: list[str]) -> None:
    r = run(ix, "query", "--since", "2000", "-f", "ids", *args)
    assert r.exit_code == 0, r.output
    assert r.stderr == ""


def test_an_offset_counts_what_is_shown(ix: Path) -> None:
    r = run(ix, "query", "--since", "2000", "-f", "ids", "--offset", "5")
    assert (len(r.stdout.split()), r.stderr) == (10, "10 of 18 hits; --all for every hit\n")
    r = run(ix, "query", "--since", "2000", "-f", "ids", "--offset", "12")
    assert (len(r.stdout.split()), r.stderr) == (6, "")


def test_a_stdin_batch_gets_one_summary_line(ix: Path) -> None:
    r = run(ix, "query", "--stdin", "-f", "tsv", stdin="government\nVerwaltung OR shared\nportal\nnothingzzz\n")
    assert r.exit_code == 0, r.output
    assert r.stderr == "1 of 4 queries were cut at 10 hits; --all for every hit\n"
    assert run(ix, "query", "--stdin", "-f", "tsv", "--all", stdin="Verwaltung OR shared\n").stderr == ""


def test_on_a_terminal_the_range_line_stays(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _terminal(monkeypatch)
    r = run(ix, "query", "--since", "2000")
    assert r.exit_code == 0, r.output
    assert r.stderr == "1-10 of 18 articles\n"


# --- nothing found -------------------------------------------------------------------------


def test_no_hits_on_a_terminal_say_so(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _terminal(monkeypatch)
    r = run(ix, "query", "nothingzzz")
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", "No articles match.\n")
    r = run(ix, "query", "governmnet")  # the "Did you mean" stays
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", "Did you mean: government?\nNo articles match.\n")
    r = run(ix, "query", "--since", "2000", "--offset", "30")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "18 articles match, none after the first 30 (--offset)\n")


def test_no_hits_off_a_terminal_print_nothing(ix: Path) -> None:
    r = run(ix, "query", "nothingzzz")
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", "")


# --- a --source no publication has ---------------------------------------------------------


def test_unknown_sources_with_the_nearest_names(ix: Path) -> None:
    assert api.unknown_sources(ix, ["public service", "PUBLIC SERVICE", "Behorden Spiegel"]) == []
    assert api.unknown_sources(ix, ["Behörden", "Computr Weekly", "zzz", "Kable"]) == [
        ("Behörden", ("Behörden Spiegel",)),
        ("Computr Weekly", ("Computer Weekly",)),
        ("zzz", ()),
    ]
    assert api.unknown_sources(ix, ["e"]) == [("e", ("Kable", "Public Service", "Computer Weekly"))]
    assert api.unknown_sources(ix, []) == []


NOTE = "note: no publication named 'Behörden' in the index; nearest: Behörden Spiegel\n"


@pytest.mark.parametrize("args", [
    ["query", "--source", "Behörden"],
    ["query", "--source", "Behörden", "-f", "json"],
    ["query", "--source", "Behörden", "--count"],
    ["timeline", "--source", "Behörden", "-f", "csv"],
    ["export", "--source", "Behörden"],
])
def test_an_unknown_source_is_named_in_every_format(ix: Path, args: list[str]) -> None:
    r = run(ix, *args)
    assert r.exit_code == 1, r.output
    assert r.stderr == NOTE


def test_a_known_and_an_unknown_source(ix: Path) -> None:
    r = run(ix, "query", "--source", "kable", "--source", "zzz", "-f", "json")
    assert r.exit_code == 0, r.output
    assert len(json.loads(r.stdout)) == 3
    assert r.stderr == "note: no publication named 'zzz' in the index\n"
