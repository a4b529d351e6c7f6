"""`query --fields`: the keys of json, jsonl and csv and the columns of tsv, in
the order given (as gh's `--json FIELDS`); a snippet is made only when
`snippet` is one of them. On the fixture archive tests/fixtures/mini/ (see
tests/test_cli.py for its table of pages).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import NoReturn

import pytest
from typer.testing import CliRunner, Result

from egovsearch.cli.app import app
from egovsearch.core.models import HIT_FIELDS, Hit, SearchResult
from egovsearch.engine.writer import update_index
from egovsearch.output import formats

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
A, B, F = "1111aaaa00000001", "2222bbbb00000002", "6666ffff00000006"
TITLE_A = "Political resistance to shared services will be overcome by the funding crisis, a report has said."
TITLE_B = "Shared services save money for central government departments, ministers claim."
SNIPPET_B = TITLE_B + "  The cabinet office published the figures on Tuesday.  Critics doubt the numbers."
VALID = "id, path, title, source, published, crawled, language, score, snippet, hybrid, duplicates"

runner = CliRunner()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("fields") / "index"
    update_index(MINI, index, jobs=1)
    return index


def run(ix: Path, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["query", *args, "--index", str(ix)], input=stdin)


def ok(r: Result) -> Result:
    assert r.exit_code == 0, (r.stdout, r.stderr, r.exception)
    assert r.stderr == ""
    return r


def _fail(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("must not be called")


@pytest.fixture
def no_snippets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a page again for a snippet fails the test."""
    monkeypatch.setattr("egovsearch.query.snippets.page_snippet", _fail)


# --- each format, exact output ------------------------------------------------------------


def test_jsonl_keys_in_the_order_given(ix: Path, no_snippets: None) -> None:
    r = ok(run(ix, '"shared services"', "-f", "jsonl", "--fields", "title,id,published"))
    assert r.stdout == (json.dumps({"title": TITLE_A, "id": A, "published": "2011-06-06"}) + "\n"
                        + json.dumps({"title": TITLE_B, "id": B, "published": "2009-03-15"}) + "\n")


def test_json_array_of_the_chosen_keys(ix: Path, no_snippets: None) -> None:
    r = ok(run(ix, '"shared services"', "-f", "json", "--fields", "id,source,language"))
    assert r.stdout == ('[{"id": "1111aaaa00000001", "source": "Public Service", "language": "en"},\n'
                        ' {"id": "2222bbbb00000002", "source": "Computer Weekly", "language": "en"}]\n')


def test_csv_header_and_rows_of_the_chosen_columns(ix: Path, no_snippets: None) -> None:
    r = ok(run(ix, '"shared services"', "-f", "csv", "--fields", "path,crawled"))
    root = MINI.resolve()  # (paths are absolute in every format)
    assert r.stdout == ("path,crawled\n"
                        f"{root / f'001_{A}.txt'},2024-09-16\n"
                        f"{root / f'002_{B}.txt'},2024-09-17\n")


def test_tsv_columns_in_the_order_given(ix: Path, no_snippets: None) -> None:
    r = ok(run(ix, '"shared services"', "-f", "tsv", "--fields", "source,id"))
    assert r.stdout == f"Public Service\t{A}\nComputer Weekly\t{B}\n"


def test_without_format_a_pipe_gets_tsv_with_the_fields(ix: Path) -> None:
    # (CliRunner's stdout is no terminal: the default format is tsv.)
    assert ok(run(ix, '"shared services"', "--fields", "id")).stdout == f"{A}\n{B}\n"


def test_an_undated_article_and_a_score(ix: Path) -> None:
    r = ok(run(ix, "Köln", "-f", "tsv", "--fields", "published,id,score"))
    published, ident, score = r.stdout.rstrip("\n").split("\t")
    assert (published, ident) == ("", F)
    full = json.loads(ok(run(ix, "Köln", "-f", "json")).stdout)
    assert float(score) == full[0]["score"] > 0
    (obj,) = json.loads(ok(run(ix, "Köln", "-f", "json", "--fields", "published,score")).stdout)
    assert obj == {"published": None, "score": full[0]["score"]}


def test_every_field_in_the_contract_order_is_the_default(ix: Path) -> None:
    everything = ",".join(HIT_FIELDS)
    for fmt in ("json", "jsonl", "csv"):
        assert run(ix, "shared services", "-f", fmt, "--fields", everything).stdout == \
            run(ix, "shared services", "-f", fmt).stdout


def test_no_hit_csv_is_the_header_alone(ix: Path) -> None:
    r = run(ix, "nothingzzz", "-f", "csv", "--fields", "id,title")
    assert (r.exit_code, r.stdout) == (1, "id,title\n")


def test_stdin_keeps_the_query_first(ix: Path, no_snippets: None) -> None:
    r = ok(run(ix, "--stdin", "-f", "jsonl", "--fields", "id", stdin='"shared services"\nKöln\n'))
    assert [json.loads(line) for line in r.stdout.splitlines()] == [
        {"query": '"shared services"', "id": A}, {"query": '"shared services"', "id": B},
        {"query": "Köln", "id": F}]
    r = ok(run(ix, "--stdin", "-f", "csv", "--fields", "id", stdin="Köln\n"))
    assert r.stdout == f"query,id\nKöln,{F}\n"
    r = ok(run(ix, "--stdin", "-f", "tsv", "--fields", "id,source", stdin="Köln\n"))
    assert r.stdout == f"Köln\t{F}\tComputer Weekly\n"


# --- snippets: made only when chosen ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_no_snippet_unless_chosen(ix: Path, no_snippets: None, fmt: str) -> None:
    ok(run(ix, "shared services", "-f", fmt, "--fields", "id,path,title,source,published,crawled,language,score"))
    ok(run(ix, "--stdin", "-f", fmt, "--fields", "id", stdin="shared services\nportal\n"))


def test_a_chosen_snippet_is_made(ix: Path) -> None:
    (obj,) = [o for o in json.loads(ok(run(ix, "shared services", "-f", "json", "--fields", "snippet,id")).stdout)
              if o["id"] == B]
    assert obj == {"snippet": SNIPPET_B, "id": B}
    r = ok(run(ix, '"shared services"', "-f", "tsv", "--fields", "id,snippet"))
    assert r.stdout.splitlines()[1] == f"{B}\t{SNIPPET_B}"


# --- usage errors ------------------------------------------------------------------------------


def _usage_error(r: Result) -> str:
    assert (r.exit_code, r.stdout) == (2, ""), (r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1
    return r.stderr


@pytest.mark.parametrize(("value", "message"), [
    ("id,foo", f"unknown field 'foo'; expected some of {VALID}"),
    ("ID", f"unknown field 'ID'; expected some of {VALID}"),
    ("query", f"unknown field 'query'; expected some of {VALID}"),
    ("id,,title", f"an empty field name in 'id,,title'; expected some of {VALID}"),
    ("", f"an empty field name in ''; expected some of {VALID}"),
    ("id, title,id", "the field 'id' is given twice"),
])
def test_a_bad_list_names_the_valid_fields(ix: Path, value: str, message: str) -> None:
    r = run(ix, "shared", "-f", "json", "--fields", value)
    assert _usage_error(r) == f"Error: --fields: {message}\n"


def test_spaces_around_names_are_allowed(ix: Path) -> None:
    assert ok(run(ix, '"shared services"', "-f", "tsv", "--fields", " id , source")).stdout == \
        f"{A}\tPublic Service\n{B}\tComputer Weekly\n"


@pytest.mark.parametrize(("args", "shown"), [
    (["-f", "paths"], "-f paths"), (["-f", "ids"], "-f ids"), (["-f", "table"], "-f table"), (["--count"], "--count"),
    (["--count", "-f", "json"], "--count"),
])
def test_fields_only_for_formats_with_keys(ix: Path, args: list[str], shown: str) -> None:
    r = run(ix, "shared", *args, "--fields", "id")
    assert _usage_error(r) == f"Error: --fields works with -f json|jsonl|csv|tsv only, not with {shown}\n"


def test_on_a_terminal_the_default_table_takes_no_fields(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("egovsearch.cli.commands._tty", lambda stream: True)
    r = run(ix, "shared", "--fields", "id")
    assert _usage_error(r) == ("Error: --fields works with -f json|jsonl|csv|tsv only, "
                               "not with the default format on a terminal (table)\n")


# --- the library: parse_fields and write_hits ------------------------------------------------------


def test_parse_fields() -> None:
    assert formats.parse_fields("snippet,id") == ("snippet", "id")
    assert formats.parse_fields(",".join(reversed(HIT_FIELDS))) == tuple(reversed(HIT_FIELDS))
    with pytest.raises(formats.FieldsError, match="unknown field 'marks'"):
        formats.parse_fields("marks")  # a Hit attribute, but not part of the contract


def _result() -> SearchResult:
    hit = Hit(id="x1", path="a/b.txt", title="T\tab", source=None, published=None, crawled=None,
              language="de", score=1.5, snippet="s\nn")
    return SearchResult(total=1, hits=(hit,), archive="/arch")


@pytest.mark.parametrize(("fmt", "expected"), [
    ("tsv", "T ab\t\t1.5\ts n\n"),
    ("csv", 'title,source,score,snippet\nT\tab,,1.5,"s\nn"\n'),
    ("jsonl", '{"title": "T\\tab", "source": null, "score": 1.5, "snippet": "s\\nn"}\n'),
])
def test_write_hits_with_fields(fmt: str, expected: str) -> None:
    out = io.StringIO()
    n = formats.write_hits([(None, _result())], fmt, out, color=False, fields=("title", "source", "score", "snippet"))
    assert (n, out.getvalue()) == (1, expected)


@pytest.mark.parametrize("fmt", ["table", "paths", "ids"])
def test_write_hits_refuses_fields_for_formats_without_keys(fmt: str) -> None:
    with pytest.raises(ValueError, match=f"not {fmt}"):
        formats.write_hits([(None, _result())], fmt, io.StringIO(), color=False, fields=("id",))
