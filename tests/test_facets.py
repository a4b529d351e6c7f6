"""`sources [QUERY] [filters]`: the matching articles counted per publication.

On the fixture archive tests/fixtures/mini (its table of articles is in
tests/test_cli.py): 7 articles, 4 publications, one article undated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from egovsearch import api
from egovsearch.cli.app import app
from egovsearch.core.models import SearchRequest
from egovsearch.core.reports import SourceCount
from egovsearch.engine.writer import update_index

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
runner = CliRunner()

HEADER = (
    "Source             Articles   First        Last      \n"
    "─────────────────────────────────────────────────────\n"
)
EVERY = (
    HEADER
    + "Behörden Spiegel          2   2019-11-20   2024-05-02\n"
    "Computer Weekly           2   2009-03-15   2009-03-15\n"
    "Public Service            2   2011-06-06   2020-02-01\n"
    "Kable                     1   2015-07-14   2015-07-14\n"
)


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("facets") / "index"
    update_index(MINI, index, jobs=1)
    return index


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "24")


def run(index: Path, *args: str) -> Result:
    return runner.invoke(app, ["sources", *args, "--index", str(index)])


def ok(result: Result, code: int = 0) -> Result:
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    return result


def test_without_a_query_or_filter_every_publication_as_before(ix: Path) -> None:
    r = ok(run(ix))
    assert r.stdout == EVERY
    assert r.stderr == ""


def test_a_query_counts_its_matching_articles_per_publication(ix: Path) -> None:
    # "government": B (Computer Weekly, 2009) and G (Public Service, 2020).
    r = ok(run(ix, "government"))
    assert r.stdout == (
        "Source            Articles   First        Last      \n"
        "────────────────────────────────────────────────────\n"
        "Computer Weekly          1   2009-03-15   2009-03-15\n"
        "Public Service           1   2020-02-01   2020-02-01\n"
    )


def test_dates_are_those_of_the_matching_articles(ix: Path) -> None:
    # Public Service has articles of 2011 and 2020; only the 2011 one matches.
    r = ok(run(ix, "shared", "services", "-f", "csv"))
    assert r.stdout == (
        "source,count,first,last\n"
        "Computer Weekly,1,2009-03-15,2009-03-15\n"
        "Public Service,1,2011-06-06,2011-06-06\n"
    )
    r = ok(run(ix, '"shared services"', "--since", "2010", "-f", "csv"))
    assert r.stdout == "source,count,first,last\nPublic Service,1,2011-06-06,2011-06-06\n"


def test_a_filter_alone_counts_and_an_undated_article_has_no_dates(ix: Path) -> None:
    # German: C and D (Behörden Spiegel) and the undated F (Computer Weekly).
    r = ok(run(ix, "--lang", "de", "-f", "json"))
    assert json.loads(r.stdout) == [
        {"source": "Behörden Spiegel", "count": 2, "first": "2019-11-20", "last": "2024-05-02"},
        {"source": "Computer Weekly", "count": 1, "first": None, "last": None},
    ]
    r = ok(run(ix, "--lang", "de", "-f", "csv"))
    assert r.stdout == "source,count,first,last\nBehörden Spiegel,2,2019-11-20,2024-05-02\nComputer Weekly,1,,\n"


def test_source_and_date_filters(ix: Path) -> None:
    r = ok(run(ix, "--source", "public service", "-f", "csv"))
    assert r.stdout == "source,count,first,last\nPublic Service,2,2011-06-06,2020-02-01\n"
    # An undated article never passes a date filter: Computer Weekly's 2009 one is before 2010.
    r = ok(run(ix, "--since", "2010", "-f", "csv"))
    assert r.stdout == (
        "source,count,first,last\n"
        "Behörden Spiegel,2,2019-11-20,2024-05-02\n"
        "Public Service,2,2011-06-06,2020-02-01\n"
        "Kable,1,2015-07-14,2015-07-14\n"
    )
    r = ok(run(ix, "--since", "KW 47/2019", "--until", "2019-W47", "-f", "csv"))
    assert r.stdout == "source,count,first,last\nBehörden Spiegel,1,2019-11-20,2019-11-20\n"


def test_umlauts_and_stop_words(ix: Path) -> None:
    r = ok(run(ix, "Verwaltung", "-f", "csv"))
    assert r.stdout == "source,count,first,last\nBehörden Spiegel,2,2019-11-20,2024-05-02\n"
    r = ok(run(ix, "--source", "behorden spiegel", "-f", "csv"))  # folded like --source everywhere
    assert r.stdout == "source,count,first,last\nBehörden Spiegel,2,2019-11-20,2024-05-02\n"
    # "the" is an English stop word and "die" a German one: only "Verwaltung" counts.
    r = ok(run(ix, "die", "Verwaltung", "-f", "csv"))
    assert r.stdout == "source,count,first,last\nBehörden Spiegel,2,2019-11-20,2024-05-02\n"


def test_nothing_matching_is_exit_1_with_an_empty_list(ix: Path) -> None:
    r = ok(run(ix, "zzzqqq", "-f", "json"), 1)
    assert r.stdout == "[]\n"
    r = ok(run(ix, "zzzqqq", "-f", "csv"), 1)
    assert r.stdout == "source,count,first,last\n"
    r = ok(run(ix, "--since", "2030"), 1)
    assert r.stdout == "Source   Articles   First   Last\n────────────────────────────────\n"


@pytest.mark.parametrize(("args", "needle"), [
    (("shared", "(",), "the query ends too early"),
    (("--since", "KW 53/2021"), "2021 has no calendar week 53"),
    (("--since", "2020", "--until", "2019"), "is after --until"),
    (("shared", "--source", "Kable", "-f", "tsv"), "'tsv'"),
])
def test_bad_input_is_one_error_line(ix: Path, args: tuple[str, ...], needle: str) -> None:
    r = run(ix, *args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1
    assert needle in r.stderr


def test_a_blank_query_is_no_query(ix: Path) -> None:
    assert ok(run(ix, "   ")).stdout == EVERY


def test_the_api_with_and_without_a_request(ix: Path) -> None:
    assert api.source_facets(ix, SearchRequest(query="portal")) == [
        SourceCount("Kable", 1, *(2 * [api_date("2015-07-14")])),
        SourceCount("Public Service", 1, *(2 * [api_date("2020-02-01")])),
    ]
    # No query and no filter: every article, the same as sources() without one.
    assert api.source_facets(ix, SearchRequest()) == api.sources(ix)


def api_date(text: str) -> object:
    from datetime import date

    return date.fromisoformat(text)


def test_an_index_of_several_segments_with_a_deletion(tmp_path: Path) -> None:
    """Counted from the columns by document number: right after an incremental
    update (a second segment, a deleted document) as well."""
    import shutil

    archive = tmp_path / "archive"
    shutil.copytree(MINI, archive)
    index = tmp_path / "index"
    update_index(archive, index, jobs=1)
    (archive / "002_2222bbbb00000002.txt").unlink()  # Computer Weekly's English article
    page = (archive / "005_5555eeee00000005.txt").read_bytes()
    (archive / "009_9999aaaa00000009.txt").write_bytes(page)  # one more Kable article
    report = update_index(archive, index, jobs=1)
    assert (report.added, report.removed) == (1, 1)
    r = ok(run(index, "--lang", "en", "-f", "csv"))
    assert r.stdout == (
        "source,count,first,last\n"
        "Kable,2,2015-07-14,2015-07-14\n"
        "Public Service,2,2011-06-06,2020-02-01\n"
    )
    r = ok(run(index, "hostile", "-f", "csv"))
    assert r.stdout == "source,count,first,last\nKable,2,2015-07-14,2015-07-14\n"
