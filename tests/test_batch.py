"""`query --stdin` and the session behind it: the index is opened once for the
whole batch, a repeated request is compiled once, each line's results are
written before the next line is read (a script can talk to it through a pipe),
a bad line is reported with its line number while the batch goes on, and the
batch prints what the single queries print. The machine formats and --count
make no snippet and look for no spelling suggestion, in a batch as alone.
On the fixture archive tests/fixtures/mini/ (see tests/test_cli.py).
"""

from __future__ import annotations

import csv
import io
import json
import os
import selectors
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import pytest
from typer.testing import CliRunner, Result

from egovsearch.cli.app import app
from egovsearch.core.models import SearchRequest
from egovsearch.engine.writer import update_index
from egovsearch.query import run as runmod

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
REPO = Path(__file__).resolve().parent.parent
A, B, C, D, E, F, G = ("1111aaaa00000001", "2222bbbb00000002", "3333cccc00000003", "3333cddd00000004",
                       "5555eeee00000005", "6666ffff00000006", "7777aaaa00000007")

runner = CliRunner()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("batch") / "index"
    update_index(MINI, index, jobs=1)
    return index


def run(ix: Path, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["query", *args, "--index", str(ix)], input=stdin)


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[object]:
    """Record each call of ``query.run.<name>`` (which still runs)."""
    calls: list[object] = []
    real: Callable[..., Any] = getattr(runmod, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(runmod, name, counted)
    return calls


def _fail(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("must not be called")


# --- one session: the index opened once ------------------------------------------------------


def test_a_batch_opens_the_index_once(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opens = _counting(monkeypatch, "open_reader")
    r = run(ix, "--stdin", "-f", "ids", stdin="shared services\nportal\nVerwaltung\nnothingzzz\nportal\n")
    assert r.exit_code == 0, (r.stdout, r.stderr)
    assert r.stdout.split() == [A, B, G, E, C, D, G, E]
    assert len(opens) == 1


def test_a_single_query_opens_it_once_too(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opens = _counting(monkeypatch, "open_reader")
    assert run(ix, "portal", "-f", "ids").stdout == f"{G}\n{E}\n"
    assert len(opens) == 1


def test_a_repeated_request_is_compiled_once(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiles = _counting(monkeypatch, "compile_request")
    r = run(ix, "--stdin", "-f", "ids", stdin="portal\nportal\n  portal \nVerwaltung\nportal\n")
    assert r.stdout.split() == [G, E, G, E, G, E, C, D, G, E]
    assert len(compiles) == 2


def test_the_session_reopens_an_index_that_changed(tmp_path: Path) -> None:
    archive, index = tmp_path / "archive", tmp_path / "index"
    shutil.copytree(MINI, archive)
    update_index(archive, index, jobs=1)
    with runmod.Session(index) as session:
        first = session.search(SearchRequest("portal"))
        assert [h.id for h in first.hits] == [G, E]
        assert session.search(SearchRequest("Verwaltung")).total == 2 and session.opened == 1
        (archive / "007_7777aaaa00000007.txt").unlink()
        update_index(archive, index, jobs=1)
        assert [h.id for h in session.search(SearchRequest("portal")).hits] == [E]
        assert session.opened == 2


def _csv_cell(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([text])
    return out.getvalue()


def test_the_batch_prints_what_the_single_queries_print(ix: Path) -> None:
    lines = ["shared services", "portal", '"shared services"', "Verwaltung", "title:services", "portal OR Köln",
             "NOT portal", "source:Kable", "portal"]
    for args in (["-f", "jsonl"], ["-f", "tsv", "--sort", "newest"], ["-f", "ids", "--source", "public service"],
                 ["-f", "csv", "--lang", "en", "--limit", "1"], ["--count", "--since", "2012"]):
        batch = run(ix, "--stdin", *args, stdin="\n".join(lines) + "\n")
        single = [run(ix, line, *args) for line in lines]
        assert batch.stderr == ""
        if args[0] == "--count":
            assert batch.stdout == "".join(f"{s.stdout.strip()}\t{q}\n" for q, s in zip(lines, single, strict=True))
        elif args[1] == "jsonl":
            expected = [{"query": q, **json.loads(line)} for q, s in zip(lines, single, strict=True)
                        for line in s.stdout.splitlines()]
            assert [json.loads(line) for line in batch.stdout.splitlines()] == expected
        elif args[1] == "csv":
            header, *rows = batch.stdout.splitlines()
            assert header == "query," + single[0].stdout.splitlines()[0]
            assert rows == [f"{_csv_cell(q)},{row}" for q, s in zip(lines, single, strict=True)
                            for row in s.stdout.splitlines()[1:]]
        elif args[1] == "tsv":
            assert batch.stdout == "".join(f"{q}\t{line}\n" for q, s in zip(lines, single, strict=True)
                                           for line in s.stdout.splitlines())
        else:
            assert batch.stdout == "".join(s.stdout for s in single)


# --- bad lines ---------------------------------------------------------------------------------


def test_a_bad_line_is_named_by_its_line_number_and_the_batch_goes_on(ix: Path) -> None:
    r = run(ix, "--stdin", "-f", "ids", stdin='shared services\n\n   \n"open\nportal\nin an\nVerwaltung\n')
    assert r.exit_code == 2
    assert r.stdout.split() == [A, B, G, E, C, D]
    assert r.stderr.splitlines() == [
        "Error: line 4: unbalanced quotes: a '\"' is not closed",
        "Error: line 6: the query 'in an' has only stop words (in English and German) or single letters; "
        "nothing to search for",
    ]


def test_an_empty_batch_finds_nothing(ix: Path) -> None:
    for stdin in ("", "\n  \n\t\n"):
        r = run(ix, "--stdin", "-f", "jsonl", stdin=stdin)
        assert (r.exit_code, r.stdout, r.stderr) == (1, "", "")


# --- no snippets, no suggestions for the formats that print neither -----------------------------


@pytest.mark.parametrize("args", [["-f", "paths"], ["-f", "ids"], ["-f", "tsv"], ["--count"], ["-f", "paths", "-0"],
                                  ["-f", "jsonl", "--fields", "id,title"], ["-f", "csv", "--fields", "path"],
                                  ["-f", "json", "--fields", "score"]])
@pytest.mark.parametrize("stdin", [False, True])
def test_no_snippet_and_no_suggestion(ix: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: bool) -> None:
    monkeypatch.setattr("egovsearch.query.snippets.page_snippet", _fail)
    monkeypatch.setattr("egovsearch.query.suggest.suggest", _fail)
    for query in ("portal", "servises"):  # a hit; nothing, with a typo a suggestion would fix
        r = run(ix, "--stdin", *args, stdin=query + "\n") if stdin else run(ix, query, *args)
        assert r.exit_code == (0 if query == "portal" else 1), (r.stdout, r.stderr, r.exception)
        assert r.stderr == ""


def test_the_control_a_snippet_and_a_suggestion_are_made_when_printed(ix: Path) -> None:
    calls = []
    real = runmod.Session.search

    def spy(self: runmod.Session, request: SearchRequest, *, snippets: bool = True, suggest: bool = True,
            **kwargs: Any) -> Any:
        calls.append((snippets, suggest))
        return real(self, request, snippets=snippets, suggest=suggest, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runmod.Session, "search", spy)
        run(ix, "--stdin", "-f", "jsonl", stdin="portal\n")
        run(ix, "--stdin", "-f", "table", stdin="servises\n")
        run(ix, "--stdin", "-f", "jsonl", "--fields", "id,snippet", stdin="portal\n")
        run(ix, "--stdin", "-f", "ids", stdin="portal\n")
    assert calls == [(True, False), (True, True), (True, False), (False, False)]


# --- streaming through a pipe that stays open --------------------------------------------------


def _read_until(proc: subprocess.Popen[bytes], sel: selectors.BaseSelector, needles: tuple[str, ...],
                timeout: float = 120.0) -> bytes:
    """The child's stdout up to the moment every needle has arrived; fails
    (instead of hanging) when they do not come."""
    assert proc.stdout is not None
    got = b""
    while not all(n.encode() in got for n in needles):
        if not sel.select(timeout):
            pytest.fail(f"no output within {timeout} s: the batch does not stream (got {got!r})")
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            pytest.fail(f"the batch ended early (got {got!r})")
        got += chunk
    return got


@pytest.mark.parametrize("fmt", ["ids", "paths", "jsonl", "tsv", "csv", "json"])
def test_each_line_is_answered_before_the_next_is_written(ix: Path, fmt: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for var in ("EGOVSEARCH_INDEX", "PYTHONUNBUFFERED"):  # (unbuffered, any output would stream)
        env.pop(var, None)
    cmd = [sys.executable, "-m", "egovsearch", "query", "--stdin", "-f", fmt, "--index", str(ix)]
    with subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd=REPO, env=env) as proc:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        answers = []
        for query, ids in (("portal", (G, E)), ("shared services", (A, B))):
            proc.stdin.write(query.encode() + b"\n")
            proc.stdin.flush()  # and the pipe stays open: the answer must come now
            answers.append(_read_until(proc, sel, ids))
        proc.stdin.close()
        rest = proc.stdout.read()
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    assert all(ident.encode() not in answers[0] for ident in (A, B))  # the second line's hits came after
    assert rest == (b"]\n" if fmt == "json" else b"")


# --- compounds kept across requests -------------------------------------------------------------


def test_compounds_are_looked_up_once_per_vocabulary(monkeypatch: pytest.MonkeyPatch) -> None:
    from egovsearch.core.compounds import compounds_of as real
    from egovsearch.core.vocab import Vocabulary
    from egovsearch.query import compile as comp

    lookups = []

    def counted(word: str, vocab: Vocabulary, **kwargs: Any) -> list[str]:
        lookups.append(word)
        return real(word, vocab, **kwargs)

    monkeypatch.setattr("egovsearch.query.compile.compounds_of", counted)
    monkeypatch.setattr(comp, "_COMPOUNDS", {})
    old = Vocabulary.from_counts({"portal": 5, "burgerportal": 3, "burger": 4})
    assert comp._compounds("portal", old) == comp._compounds("portal", old) == ("burgerportal",)
    assert lookups == ["portal"]
    new = Vocabulary.from_counts({"portal": 5, "burgerportal": 3, "burger": 4, "serviceportal": 2, "service": 3})
    assert comp._compounds("portal", new) == ("burgerportal", "serviceportal")  # a changed vocabulary: looked up again
    assert lookups == ["portal", "portal"]
    monkeypatch.setattr(comp, "_MAX_COMPOUNDS_KEPT", 1)
    comp._compounds("burger", new)  # full: the kept lookups are dropped, this one kept
    assert list(comp._COMPOUNDS) == [(id(new), "burger")]
