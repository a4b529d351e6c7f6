"""The command line end to end on a tiny fixture index (tests/fixtures/mini/).

The fixture archive (7 pages, written once by a script; `* -text` keeps its bytes):

====================  ====  ================  ==========  ==========================
id                    lang  source            published   note
====================  ====  ================  ==========  ==========================
1111aaaa00000001      en    Public Service    2011-06-06  "shared services"
2222bbbb00000002      en    Computer Weekly   2009-03-15  "Shared services", government
3333cccc00000003      de    Behörden Spiegel  2024-05-02  Verwaltung; id prefix 3333c
3333cddd00000004      de    Behörden Spiegel  2019-11-20  Verwaltung; id prefix 3333c
5555eeee00000005      en    Kable             2015-07-14  Rich markup, CSI and OSC 8 bytes
sub/6666ffff00000006  de    Computer Weekly   (none)      undated, in a sub-folder
7777aaaa00000007      en    Public Service    2020-02-01  government, portal
====================  ====  ================  ==========  ==========================

Every output is checked on stdout and stderr separately, with the exit code.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import Result

import egovsearch.cli.commands
from egovsearch.cli.app import app
from egovsearch.engine.writer import update_index
from tests.cli_support import ok, plain_terminal, run, runner

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
ESC = "\x1b"
SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own colour codes, the only escapes allowed

A, B, C, D, E, F, G = (
    "1111aaaa00000001",
    "2222bbbb00000002",
    "3333cccc00000003",
    "3333cddd00000004",
    "5555eeee00000005",
    "6666ffff00000006",
    "7777aaaa00000007",
)
ALL_IDS = {A, B, C, D, E, F, G}

HIT_KEYS = [
    "id",
    "path",
    "title",
    "source",
    "published",
    "crawled",
    "language",
    "score",
    "snippet",
]
TITLE_A = "Political resistance to shared services will be overcome by the funding crisis, a report has said."
TITLE_B = (
    "Shared services save money for central government departments, ministers claim."
)
# The archive reader drops whole escape sequences; the markup text stays, literally.
TITLE_E = "Warning [bold]x[/bold] and [link=http://e]y[/link] and red and z reach the hostile portal."
BODY_A = (
    "Political resistance to shared services will be overcome by the funding crisis, a report has said.\n\n"
    "Councils said attempts at shared services had failed in the past.\n\n"
    "The report pointed to successes and gives advice to councils."
)
BODY_E = (
    TITLE_E
    + "\n\nThe hostile page tests terminal safety for every reader of the archive.\n\n"
    "Nothing in it may drive the terminal."
)
# Hits of `query "shared services"`, score left out (checked apart: BM25F figures are not the contract).
SHARED = [
    {
        "id": A,
        "path": f"{MINI}/001_{A}.txt",
        "title": TITLE_A,
        "source": "Public Service",
        "published": "2011-06-06",
        "crawled": "2024-09-16",
        "language": "en",
        "snippet": TITLE_A
        + "  Councils said attempts at shared services had failed in the past.  "
        "The report pointed to successes…",
    },
    {
        "id": B,
        "path": f"{MINI}/002_{B}.txt",
        "title": TITLE_B,
        "source": "Computer Weekly",
        "published": "2009-03-15",
        "crawled": "2024-09-17",
        "language": "en",
        "snippet": TITLE_B
        + "  The cabinet office published the figures on Tuesday.  Critics doubt the numbers.",
    },
]
TSV_SHARED = (
    f"{A}\t2011-06-06\tPublic Service\t{TITLE_A}\t{MINI}/001_{A}.txt\n"
    f"{B}\t2009-03-15\tComputer Weekly\t{TITLE_B}\t{MINI}/002_{B}.txt\n"
)
SHOW_A = (
    "Title:     "
    + TITLE_A
    + "\nSource:    Public Service\nPublished: 2011-06-06\nCrawled:   2024-09-16\n"
    f"Language:  en\nPath:      {MINI}/001_{A}.txt\nId:        {A}\n\n" + BODY_A + "\n"
)



@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive's index, built once for the module."""
    index = tmp_path_factory.mktemp("mini") / "index"
    report = update_index(MINI, index, jobs=1)
    assert (report.added, report.skipped) == (7, ())
    return index


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    plain_terminal(monkeypatch)


def one_line_error(result: Result, *needles: str) -> str:
    """Exit 2, nothing on stdout, exactly one `Error: ...` line on stderr holding every needle."""
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("Error: ") and err.endswith("\n") and err.count("\n") == 1, (
        err
    )
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


def ids(result: Result) -> list[str]:
    return ok(result).stdout.split()


# --- query: output formats ---------------------------------------------------------------


def test_tsv_exact(ix: Path) -> None:
    r = ok(run(ix, "query", "shared services", "--format", "tsv"))
    assert r.stdout == TSV_SHARED
    assert r.stderr == ""


def test_default_format_off_a_terminal_is_tsv(ix: Path) -> None:
    r = ok(run(ix, "query", "shared services"))
    assert r.stdout == TSV_SHARED
    assert ESC not in r.stdout


def _with_scores(
    objs: Sequence[Mapping[str, object]], scores: list[float]
) -> list[dict[str, object]]:
    """The expected objects in the contract's key order, with the scores the search gave."""
    return [
        {k: (s if k == "score" else o[k]) for k in HIT_KEYS}
        for o, s in zip(objs, scores, strict=True)
    ]


def _scores(objs: list[dict[str, object]]) -> list[float]:
    scores = [o["score"] for o in objs]
    assert all(isinstance(s, float) for s in scores), scores
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0  # type: ignore[type-var,operator]
    return scores  # type: ignore[return-value]


def test_json_exact(ix: Path) -> None:
    r = ok(run(ix, "query", "shared services", "-f", "json"))
    data = json.loads(r.stdout)
    assert [list(o) for o in data] == [HIT_KEYS, HIT_KEYS]
    expected = _with_scores(SHARED, _scores(data))
    assert data == expected
    # one array, one object a line, UTF-8 kept
    assert (
        r.stdout
        == "["
        + ",\n ".join(json.dumps(o, ensure_ascii=False) for o in expected)
        + "]\n"
    )
    assert r.stderr == ""


def test_jsonl_exact(ix: Path) -> None:
    r = ok(run(ix, "query", "shared services", "-f", "jsonl"))
    data = [json.loads(line) for line in r.stdout.splitlines()]
    expected = _with_scores(SHARED, _scores(data))
    assert r.stdout == "".join(
        json.dumps(o, ensure_ascii=False) + "\n" for o in expected
    )


def test_csv_exact(ix: Path) -> None:
    r = ok(run(ix, "query", "shared services", "-f", "csv"))
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == HIT_KEYS
    scores = [float(row[7]) for row in rows[1:]]
    expected = _with_scores(SHARED, scores)
    assert rows[1:] == [[str(v) for v in o.values()] for o in expected]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(HIT_KEYS)
    writer.writerows(o.values() for o in expected)
    assert r.stdout == buf.getvalue()


def test_paths_ids_and_nul(ix: Path) -> None:
    assert ok(run(ix, "query", "shared services", "-f", "paths")).stdout == (
        f"{MINI}/001_{A}.txt\n{MINI}/002_{B}.txt\n"
    )
    assert ok(run(ix, "query", "shared services", "-f", "ids")).stdout == f"{A}\n{B}\n"
    assert (
        ok(run(ix, "query", "shared services", "-f", "ids", "-0")).stdout
        == f"{A}\0{B}\0"
    )
    assert ok(run(ix, "query", "shared services", "-f", "paths", "--null")).stdout == (
        f"{MINI}/001_{A}.txt\0{MINI}/002_{B}.txt\0"
    )


def test_count(ix: Path) -> None:
    r = ok(run(ix, "query", "shared services", "--count"))
    assert (r.stdout, r.stderr) == ("2\n", "")
    assert ok(run(ix, "query", "--lang", "de", "--count")).stdout == "3\n"


def test_table_without_colour_is_literal(
    ix: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the whole title on one line
    r = ok(run(ix, "query", "hostile", "-f", "table"))
    assert ESC not in r.stdout
    assert TITLE_E in r.stdout
    assert "2015-07-14" in r.stdout and "Kable" in r.stdout


# --- query: filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--source", "Kable"], [E]),
        (["--source", "kable"], [E]),
        (["--source", "BEHÖRDEN SPIEGEL"], [C, D]),
        (["--source", "behoerden spiegel"], [C, D]),
        (["--source", "Behorden Spiegel"], [C, D]),
        (["--source", "behörden spiegel", "--source", "KABLE"], [C, D, E]),
        (["--source", "Behörden"], []),  # exact name, not a part of it
        (["--lang", "de"], [C, D, F]),
        (["--lang", "en"], [A, B, E, G]),
        (["--since", "2019"], [C, D, G]),
        (["--since", "2019-12"], [C, G]),
        (["--since", "2019-11-20"], [C, D, G]),
        (["--since", "2019-11-21"], [C, G]),
        (["--since", "20.11.2019"], [C, D, G]),
        (["--until", "2011"], [A, B]),
        (["--until", "2011-05"], [B]),
        (["--until", "2011-06-06"], [A, B]),
        (["--until", "05.06.2011"], [B]),
        (["--since", "2011", "--until", "2015"], [A, E]),
        (
            ["--since", "01.01.2000", "--until", "31.12.2099"],
            [A, B, C, D, E, G],
        ),  # undated F never passes
        (["--source", "Computer Weekly", "--until", "2099"], [B]),
        (["--source", "public service", "--since", "2012"], [G]),
        (["--lang", "de", "--source", "computer weekly"], [F]),
        (["--lang", "en", "--since", "2010", "--until", "2016"], [A, E]),
        (["--lang", "de", "--since", "2020"], [C]),
    ],
)
def test_filters_without_query(ix: Path, args: list[str], expected: list[str]) -> None:
    r = run(ix, "query", *args, "-f", "ids", "--all")
    ok(r, 0 if expected else 1)
    assert sorted(r.stdout.split()) == expected
    # A name no publication has is named on stderr with the nearest (tests/test_notes.py).
    partial = "note: no publication named 'Behörden' in the index; nearest: Behörden Spiegel\n"
    assert r.stderr == (partial if "Behörden" in args else "")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["shared services", "--source", "computer weekly"], [B]),
        (["shared services", "--since", "2010"], [A]),
        (["shared services", "--lang", "de"], []),
        (["Verwaltung"], [C, D]),
        (["Verwaltung", "--since", "2020"], [C]),
        (["Verwaltung", "--source", "behoerden spiegel", "--until", "2019"], [D]),
        (["portal", "--source", "kable"], [E]),
        (["portal OR Köln"], [E, F, G]),
        (["Köln", "--since", "2000"], []),  # F is undated
    ],
)
def test_filters_with_query(ix: Path, args: list[str], expected: list[str]) -> None:
    r = run(ix, "query", *args, "-f", "ids")
    ok(r, 0 if expected else 1)
    assert sorted(r.stdout.split()) == expected


def _relative_forms() -> list[tuple[str, str]]:
    """Relative dates whose day falls in 2017, between the 2015 and 2019 articles."""
    today = date.today()
    years = today.year - 2017
    months = years * 12 + today.month - 6  # some day in June 2017
    weeks = (today - date(2017, 6, 1)).days // 7
    days = (today - date(2017, 6, 1)).days
    return [
        ("en-years", f"{years} years ago"),
        ("de-years", f"vor {years} Jahren"),
        ("en-months", f"{months} months ago"),
        ("de-months", f"vor {months} Monaten"),
        ("en-weeks", f"{weeks} weeks ago"),
        ("de-weeks", f"vor {weeks} Wochen"),
        ("en-days", f"{days} days ago"),
        ("de-days", f"vor {days} Tagen"),
    ]


@pytest.mark.parametrize(
    "text", [t for _, t in _relative_forms()], ids=[n for n, _ in _relative_forms()]
)
def test_relative_since_in_both_languages(ix: Path, text: str) -> None:
    assert sorted(ids(run(ix, "query", "--since", text, "-f", "ids"))) == [C, D, G]
    assert sorted(ids(run(ix, "query", "--until", text, "-f", "ids"))) == [A, B, E]


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "gestern",
        "2 weeks ago",
        "vor 2 Wochen",
        "a week ago",
        "vor einer Woche",
        "today",
        "heute",
    ],
)
def test_recent_relative_dates(ix: Path, text: str) -> None:
    # The newest fixture article is from 2024: nothing since a recent day, every dated one until it.
    r = run(ix, "query", "--since", text, "--count")
    ok(r, 1)
    assert r.stdout == "0\n"
    assert sorted(ids(run(ix, "query", "--until", text, "-f", "ids"))) == [
        A,
        B,
        C,
        D,
        E,
        G,
    ]


NEWEST = [C, G, D, E, A, B, F]


@pytest.mark.parametrize(
    ("sort", "expected"), [("newest", NEWEST), ("oldest", [B, A, E, D, G, C, F])]
)
def test_sort_by_date_undated_last(ix: Path, sort: str, expected: list[str]) -> None:
    assert ids(
        run(ix, "query", "--since", "1000", "--lang", "de", "--sort", sort, "-f", "ids")
    ) == [i for i in expected if i in (C, D)]
    # every article: a filter that all pass is --lang en plus --lang de, so ask per language and merge
    en = ids(run(ix, "query", "--lang", "en", "--sort", sort, "-f", "ids"))
    de = ids(run(ix, "query", "--lang", "de", "--sort", sort, "-f", "ids"))
    assert en == [i for i in expected if i in (A, B, E, G)]
    assert de == [i for i in expected if i in (C, D, F)]
    mixed = ids(
        run(ix, "query", "--source", "computer weekly", "--sort", sort, "-f", "ids")
    )
    assert mixed == [B, F]  # undated last in both directions
    hits = ids(
        run(
            ix, "query", "government OR Verwaltung OR Köln", "--sort", sort, "-f", "ids"
        )
    )
    assert hits == [i for i in expected if i in (B, G, C, D, F)]


def test_scores_are_text_relevance_in_any_order(ix: Path) -> None:
    """BM25F of the query's words, also when sorted by date; 0.0 without words
    (the filters' own scores are no relevance)."""
    def scores(*args: str) -> list[float]:
        return [o["score"] for o in json.loads(ok(run(ix, "query", *args, "-f", "json")).stdout)]

    by_relevance = scores("government OR Verwaltung")
    assert by_relevance and all(s > 0 for s in by_relevance)
    newest = scores("government OR Verwaltung", "--sort", "newest")
    assert sorted(newest) == sorted(by_relevance)
    assert set(scores("--source", "computer weekly")) == {0.0}
    assert set(scores("--lang", "en", "--sort", "oldest")) == {0.0}


def test_limit_offset_all(ix: Path) -> None:
    oldest = [B, A, E, G]
    base = ["query", "--lang", "en", "--sort", "oldest", "-f", "ids"]
    assert ids(run(ix, *base, "--limit", "2")) == oldest[:2]
    assert ids(run(ix, *base, "--limit", "2", "--offset", "1")) == oldest[1:3]
    assert ids(run(ix, *base, "-n", "1", "--offset", "3")) == oldest[3:]
    assert ids(run(ix, *base, "--all")) == oldest  # (--all with --limit: tests/test_cli_help.py)
    r = run(ix, *base, "--offset", "4")  # past the end: the hits exist, none shown
    ok(r)
    assert r.stdout == ""
    assert ok(run(ix, *base, "--limit", "1", "--count")).stdout == "4\n"


def test_query_omitted_with_a_filter(ix: Path) -> None:
    r = ok(run(ix, "query", "--source", "Kable", "-f", "tsv"))
    assert r.stdout == f"{E}\t2015-07-14\tKable\t{TITLE_E}\t{MINI}/005_{E}.txt\n"


# --- query: exit codes and messages ----------------------------------------------------


def test_no_hit_exit_1(ix: Path) -> None:
    r = run(ix, "query", "nothingzzz")
    ok(r, 1)
    assert r.stdout == ""
    r = run(ix, "query", "nothingzzz", "--count")
    ok(r, 1)
    assert r.stdout == "0\n"
    r = run(ix, "query", "nothingzzz", "-f", "json")
    ok(r, 1)
    assert json.loads(r.stdout) == []


def test_did_you_mean(ix: Path) -> None:
    r = run(ix, "query", "governmnet", "-f", "table")
    ok(r, 1)
    assert r.stderr == "Did you mean: government?\n"


@pytest.mark.parametrize("args", [[], ["-f", "tsv"], ["-f", "json"], ["-f", "ids"], ["--count"], ["-f", "table", "--count"]])
def test_no_suggestion_where_no_person_reads_it(ix: Path, args: list[str]) -> None:
    r = run(ix, "query", "governmnet", *args)
    ok(r, 1)
    assert "Did you mean" not in r.stderr


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["query", '"shared services'], ["unbalanced quotes"]),
        (["query", "(shared services"], ["unbalanced parentheses"]),
        (["query", "shared AND"], ["'AND' needs a search term on each side"]),
        (["query", "title:"], ["'title:' needs a value right after the colon"]),
        (
            ["query", "shared", "--since", "31.02.2011"],
            ["cannot understand the date '31.02.2011'"],
        ),
        (
            ["query", "shared", "--until", "next tuesday"],
            ["cannot understand the date 'next tuesday'"],
        ),
        (
            ["query", "shared", "--since", "2012", "--until", "2011"],
            ["--since (2012-01-01) is after --until (2011-12-31)"],
        ),
        (["query", "shared", "--limit", "0"], ["--limit"]),
        (["query", "shared", "--limit", "-1"], ["--limit"]),
        (["query", "shared", "--offset", "-1"], ["--offset"]),
        (["query", "shared", "--format", "xml"], ["'xml'"]),
        (["query", "shared", "--lang", "fr"], ["'fr'"]),
        (["query", "shared", "--sort", "random"], ["'random'"]),
        (["query"], ["QUERY"]),
    ],
)
def test_bad_input_exit_2(ix: Path, args: list[str], needles: list[str]) -> None:
    one_line_error(run(ix, *args), *needles)


@pytest.mark.parametrize(
    "fmt", ["json", "jsonl", "csv", "tsv", "table", "paths", "ids"]
)
@pytest.mark.parametrize("text", ['"open', "title:", "published:[a TO b]"])
def test_bad_query_writes_nothing_to_stdout_in_any_format(
    ix: Path, fmt: str, text: str
) -> None:
    # A half-written "[" or CSV header with exit 2 would break `| jq` and csv readers.
    one_line_error(run(ix, "query", text, "-f", fmt))


def test_deeply_nested_query_is_a_one_line_error_or_runs(ix: Path) -> None:
    r = run(ix, "query", "(" * 300 + "portal" + ")" * 300, "-f", "ids")
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    if r.exit_code == 2:
        one_line_error(r)
    else:
        assert sorted(ids(r)) == [E, G]


def test_missing_index_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    err = one_line_error(run(missing, "query", "shared"))
    assert err == f"Error: no index at {missing}; run 'egovsearch index'\n"
    assert (
        not missing.exists()
    )  # a query never creates an index elsewhere than the bundled default
    one_line_error(run(missing, "show", A), "no index")
    one_line_error(run(missing, "stats"), "no index")


# --- query: --stdin and --explain -------------------------------------------------------


def test_stdin_jsonl_carries_query(ix: Path) -> None:
    r = ok(
        run(
            ix,
            "query",
            "--stdin",
            "-f",
            "jsonl",
            stdin="shared services\n\n  portal  \nnothingzzz\n",
        )
    )
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [(o["query"], o["id"]) for o in objs] == [
        ("shared services", A),
        ("shared services", B),
        ("portal", G),
        ("portal", E),
    ]
    assert all(list(o) == ["query", *HIT_KEYS] for o in objs)


def test_stdin_tsv_first_column_is_query(ix: Path) -> None:
    r = ok(run(ix, "query", "--stdin", "-f", "tsv", stdin="shared services\nKable\n"))
    assert r.stdout == "".join(
        "shared services\t" + line + "\n" for line in TSV_SHARED.splitlines()
    )
    r = ok(
        run(ix, "query", "--stdin", "--count", stdin="shared services\nnothingzzz\n")
    )
    assert r.stdout == "2\tshared services\n0\tnothingzzz\n"


def test_stdin_all_without_hits_exit_1(ix: Path) -> None:
    r = run(ix, "query", "--stdin", "-f", "ids", stdin="nothingzzz\nnixdazzz\n")
    ok(r, 1)
    assert r.stdout == ""


def test_stdin_bad_query_exit_2(ix: Path) -> None:
    r = run(ix, "query", "--stdin", "-f", "ids", stdin='shared\n"open\n')
    assert r.exit_code == 2
    assert isinstance(r.exception, SystemExit)
    assert r.stdout == f"{A}\n{B}\n"  # the good query's hits, streamed before the bad line is met
    (line,) = r.stderr.splitlines()
    assert line.startswith("Error: ") and line.endswith("unbalanced quotes: a '\"' is not closed"), line


def test_explain(ix: Path) -> None:
    r = ok(
        run(
            ix,
            "query",
            "portal",
            "--explain",
            "--source",
            "Kable",
            "--since",
            "2011",
            "--lang",
            "en",
        )
    )
    lines = r.stdout.splitlines()
    assert any(line.startswith("en: portal -> ") for line in lines), lines
    assert lines[-3:] == [
        "filter source: 'kable'",
        "filter language: en",
        "filter published: 2011-01-01 to ...",
    ]
    assert A not in r.stdout and E not in r.stdout  # explains, does not search
    r = ok(run(ix, "query", "--explain", "--lang", "de"))
    assert r.stdout == "filter language: de\n"


# --- show -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref", [A, "1111", "1111AAAA", f"001_{A}.txt", str(MINI / f"001_{A}.txt")]
)
def test_show_by_id_prefix_and_path(ix: Path, ref: str) -> None:
    r = ok(run(ix, "show", ref))
    assert (r.stdout, r.stderr) == (SHOW_A, "")


def test_show_undated_in_subfolder(ix: Path) -> None:
    r = ok(run(ix, "show", f"sub/006_{F}.txt"))
    assert r.stdout.splitlines()[:7] == [
        "Title:     Die Stadt Köln führt die elektronische Akte in allen Ämtern ein.",
        "Source:    Computer Weekly",
        "Published: unknown",
        "Crawled:   2020-03-02",
        "Language:  de",
        f"Path:      {MINI}/sub/006_{F}.txt",
        f"Id:        {F}",
    ]


def test_show_ambiguous_prefix(ix: Path) -> None:
    err = one_line_error(run(ix, "show", "3333c"))
    assert (
        err
        == f"Error: the id prefix '3333c' is ambiguous; it matches 2 articles: {C}, {D}\n"
    )
    assert (
        ok(run(ix, "show", "3333cc", "-f", "json")).stdout.count(C) == 3
    )  # id, path and paths


@pytest.mark.parametrize("ref", ["deadbeef", "nosuchthing", "sub/none.txt", ""])
def test_show_unknown(ix: Path, ref: str) -> None:
    one_line_error(run(ix, "show", ref), "no article")
    one_line_error(run(ix, "similar", ref), "no article")


def test_show_json_has_body(ix: Path) -> None:
    r = ok(run(ix, "show", "5555", "--format", "json"))
    assert json.loads(r.stdout) == {
        "id": E,
        "path": f"{MINI}/005_{E}.txt",
        "paths": [f"{MINI}/005_{E}.txt"],
        "title": TITLE_E,
        "source": "Kable",
        "published": "2015-07-14",
        "crawled": "2015-07-17",
        "language": "en",
        "words": 31,
        "body": BODY_E,
        "duplicates": [],  # its near-copies (issue 18): none
    }


def test_show_raw_is_the_file(ix: Path) -> None:
    for art in (A, E):
        r = ok(run(ix, "show", art[:6], "--raw"))
        path = next(MINI.glob(f"*_{art}.txt"))
        assert r.stdout_bytes == path.read_bytes()


def test_show_bad_format(ix: Path) -> None:
    one_line_error(run(ix, "show", A, "-f", "yaml"), "'yaml'")


def test_show_highlight(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (
        ok(run(ix, "show", "1111", "--highlight", "shared")).stdout == SHOW_A
    )  # no colour: plain
    _force_colour(monkeypatch)
    r = ok(
        runner.invoke(
            app,
            ["show", "1111", "--highlight", "shared", "--index", str(ix)],
            env=COLOUR_ENV,
        )
    )
    assert SGR.sub("", r.stdout) == SHOW_A
    body = r.stdout.split("\n\n", 1)[1]
    # both occurrences of "shared" in the body are styled, and nothing else is
    assert len(re.findall(r"\x1b\[[0-9;]*m(shared)\x1b\[0m", body)) == 2
    assert "funding" in SGR.sub("", body) and not re.search(
        r"\x1b\[[0-9;]*mfunding", body
    )


# --- sources, timeline, similar, export, stats --------------------------------------------


SOURCES = [
    ("Behörden Spiegel", 2, "2019-11-20", "2024-05-02"),
    ("Computer Weekly", 2, "2009-03-15", "2009-03-15"),
    ("Public Service", 2, "2011-06-06", "2020-02-01"),
    ("Kable", 1, "2015-07-14", "2015-07-14"),
]


def test_sources_json_csv_table(ix: Path) -> None:
    r = ok(run(ix, "sources", "--format", "json"))
    assert json.loads(r.stdout) == [
        dict(zip(("source", "count", "first", "last"), s, strict=True)) for s in SOURCES
    ]
    r = ok(run(ix, "sources", "-f", "csv"))
    assert r.stdout == "source,count,first,last\n" + "".join(
        f"{s},{n},{a},{b}\n" for s, n, a, b in SOURCES
    )
    r = ok(run(ix, "sources"))
    assert r.stdout == (
        "Source             Articles   First        Last      \n"
        "─────────────────────────────────────────────────────\n"
        "Behörden Spiegel          2   2019-11-20   2024-05-02\n"
        "Computer Weekly           2   2009-03-15   2009-03-15\n"
        "Public Service            2   2011-06-06   2020-02-01\n"
        "Kable                     1   2015-07-14   2015-07-14\n"
    )
    one_line_error(run(ix, "sources", "-f", "tsv"), "'tsv'")


def test_timeline_json_csv(ix: Path) -> None:
    # Every year from the first to the last with a hit; those without any are 0.
    years = ["2009", "2011", "2015", "2019", "2020", "2024"]
    counts = {str(y): int(str(y) in years) for y in range(2009, 2025)}
    r = ok(run(ix, "timeline", "-f", "json"))
    assert json.loads(r.stdout) == [{"period": y, "count": c} for y, c in counts.items()]
    assert r.stderr == "1 matching article has no date\n"
    assert ok(run(ix, "timeline", "-f", "csv")).stdout == "period,count\n" + "".join(
        f"{y},{c}\n" for y, c in counts.items()
    )
    r = ok(run(ix, "timeline", "--by", "month", "-f", "json"))
    months = [f"{y}-{m:02d}" for y in range(2009, 2025) for m in range(1, 13)][2:-7]  # 2009-03 .. 2024-05
    found = ["2009-03", "2011-06", "2015-07", "2019-11", "2020-02", "2024-05"]
    assert json.loads(r.stdout) == [{"period": p, "count": int(p in found)} for p in months]
    r = ok(run(ix, "timeline", "Behörden OR government", "--by", "month", "-f", "csv",
               "--since", "2024-04", "--until", "2024-07"))
    assert r.stdout == "period,count\n2024-04,0\n2024-05,1\n2024-06,0\n2024-07,0\n"
    assert r.stderr == ""


def test_timeline_filters_and_undated_apart(ix: Path) -> None:
    assert (
        ok(run(ix, "timeline", "--lang", "de", "-f", "csv")).stdout
        == "period,count\n2019,1\n2020,0\n2021,0\n2022,0\n2023,0\n2024,1\n"
    )
    r = ok(run(ix, "timeline", "--lang", "de", "-f", "chart"))
    lines = r.stdout.splitlines()
    assert [line.split()[0] for line in lines[:6]] == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert [line.split()[-1] for line in lines[:6]] == ["1", "0", "0", "0", "0", "1"]
    assert lines[6:] == ["undated: 1", "total: 3"]
    assert r.stderr == "1 matching article has no date\n"
    assert ESC not in r.stdout


def test_timeline_empty_exit_1(ix: Path) -> None:
    r = run(ix, "timeline", "nothingzzz", "-f", "json")
    ok(r, 1)
    assert json.loads(r.stdout) == []
    r = run(ix, "timeline", "--source", "kable", "--since", "2016", "-f", "csv")
    ok(r, 1)
    assert r.stdout == "period,count\n"
    one_line_error(run(ix, "timeline", "-f", "bars"), "'bars'")
    one_line_error(run(ix, "timeline", "--by", "day"), "'day'")


def test_similar(ix: Path) -> None:
    r = ok(run(ix, "similar", "1111", "-f", "ids"))
    got = r.stdout.split()
    assert got[0] == B  # the other "shared services" article is the closest
    assert A not in got and set(got) <= ALL_IDS
    r = ok(run(ix, "similar", A, "-f", "json", "--limit", "1"))
    data = json.loads(r.stdout)
    assert [o["id"] for o in data] == [B]
    assert list(data[0]) == HIT_KEYS
    r = ok(run(ix, "similar", A, "-f", "tsv", "-n", "1"))
    assert r.stdout == TSV_SHARED.splitlines(keepends=True)[1]
    one_line_error(run(ix, "similar", A, "-f", "xml"), "'xml'")


def test_export_jsonl_every_record_has_body(ix: Path) -> None:
    r = ok(run(ix, "export"))
    recs = [json.loads(line) for line in r.stdout.splitlines()]
    assert {o["id"] for o in recs} == ALL_IDS
    assert all(
        list(o)
        == [
            "id",
            "path",
            "title",
            "source",
            "published",
            "crawled",
            "language",
            "words",
            "body",
        ]
        for o in recs
    )
    assert all(o["body"] for o in recs)
    by_id = {o["id"]: o for o in recs}
    assert by_id[A]["body"] == BODY_A and by_id[E]["body"] == BODY_E
    assert by_id[F]["published"] is None


def test_export_filters_and_csv(ix: Path) -> None:
    r = ok(run(ix, "export", "--source", "kable"))
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == [E]
    r = ok(run(ix, "export", "Verwaltung", "--since", "2020", "-f", "csv"))
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["id"] for row in rows] == [C]
    assert (
        rows[0]["body"].startswith("Die Digitalisierung der Verwaltung")
        and "\n\n" in rows[0]["body"]
    )
    r = ok(run(ix, "export", "--lang", "de", "-f", "csv"))
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(row["id"], row["published"]) for row in rows] == [
        (C, "2024-05-02"),
        (D, "2019-11-20"),
        (F, ""),
    ]
    r = run(ix, "export", "nothingzzz")
    ok(r, 1)
    assert r.stdout == ""
    one_line_error(run(ix, "export", "-f", "json"), "'json'")


def test_stats_json(ix: Path) -> None:
    r = ok(run(ix, "stats", "--format", "json"))
    data = json.loads(r.stdout)
    assert list(data) == [
        "articles",
        "languages",
        "sources",
        "published_min",
        "published_max",
        "index_bytes",
        "built_at",
        "archive",
        "copy_clusters",
        "copied_articles",
    ]
    built = data.pop("built_at")
    size = data.pop("index_bytes")
    assert data == {
        "articles": 7,
        "languages": {"de": 3, "en": 4},
        "sources": 4,
        "published_min": "2009-03-15",
        "published_max": "2024-05-02",
        "archive": str(MINI),
        "copy_clusters": 0,
        "copied_articles": 0,
    }
    assert isinstance(size, int) and size > 0
    assert (
        abs(datetime.fromisoformat(built).timestamp() - datetime.now().timestamp())
        < 24 * 3600
    )
    one_line_error(run(ix, "stats", "-f", "csv"), "'csv'")


# --- hostile content ----------------------------------------------------------------------


def test_hostile_text_survives_in_data_formats(ix: Path) -> None:
    for fmt in ("json", "jsonl"):
        r = ok(run(ix, "query", "hostile", "-f", fmt))
        objs = (
            json.loads(r.stdout)
            if fmt == "json"
            else [json.loads(x) for x in r.stdout.splitlines()]
        )
        assert [o["title"] for o in objs] == [TITLE_E]
        assert objs[0]["snippet"].startswith("…and red and z reach the hostile portal.")
    rows = list(
        csv.DictReader(io.StringIO(ok(run(ix, "query", "hostile", "-f", "csv")).stdout))
    )
    assert [row["title"] for row in rows] == [TITLE_E]
    rec = json.loads(ok(run(ix, "export", "--source", "Kable")).stdout)
    assert (rec["title"], rec["body"]) == (TITLE_E, BODY_E)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "hostile", "-f", "tsv"],
        ["query", "hostile", "-f", "table"],
        ["query", "hostile", "-f", "paths"],
        ["query", "hostile"],
        ["show", "5555"],
        ["similar", "5555", "-f", "table"],
        ["sources"],
        ["export", "--source", "kable"],
        ["query", "hostile", "-f", "json"],
    ],
)
def test_hostile_text_never_sends_escape(ix: Path, args: list[str]) -> None:
    r = ok(run(ix, *args))
    assert ESC not in r.stdout and ESC not in r.stderr
    assert "\x07" not in r.stdout and "\x9b" not in r.stdout


COLOUR_ENV = {"TERM": "xterm-256color", "PAGER": "cat", "COLUMNS": "100", "LINES": "24"}


def _force_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI believe it writes to a colour terminal."""
    monkeypatch.setattr(egovsearch.cli.commands, "_tty", lambda stream: True)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "hostile"],
        ["query", "hostile OR shared", "-f", "table"],
        ["show", "5555", "--highlight", "hostile"],
        ["similar", "7777"],
        ["sources"],
        ["timeline", "-f", "chart"],
        ["stats"],
    ],
)
def test_forced_colour_only_rich_sgr(
    ix: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    _force_colour(monkeypatch)
    r = runner.invoke(app, [*args, "--index", str(ix)], env=COLOUR_ENV)
    ok(r)
    assert SGR.search(r.stdout), "colour was not forced"
    plain = SGR.sub("", r.stdout)
    assert ESC not in plain and ESC not in SGR.sub("", r.stderr)
    assert "\x07" not in r.stdout
    if "hostile" in " ".join(args):
        assert "[bold]x[/bold]" in plain and "[link=http://e]y[/link]" in plain


@pytest.fixture(scope="module")
def evil_ix(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An archive whose one file name holds escape sequences and markup (the reader cleans
    article text, but a path is shown as it is named)."""
    root = tmp_path_factory.mktemp("evil")
    archive = root / "archive"
    archive.mkdir()
    shutil.copy(MINI / f"005_{E}.txt", archive / EVIL_NAME)
    index = root / "index"
    update_index(archive, index, jobs=1)
    return archive, index


EVIL_NAME = "x\x1b[31mevil\x1b]8;;e\x07z [bold]b\x9b2J.txt"


@pytest.mark.parametrize(
    "args",
    [
        ["query", "hostile", "-f", "tsv"],
        ["query", "hostile", "-f", "paths"],
        ["query", "hostile", "-f", "table"],
        ["show", EVIL_NAME],
    ],
)
def test_hostile_file_name_in_text_formats(
    evil_ix: tuple[Path, Path], args: list[str]
) -> None:
    _, index = evil_ix
    r = ok(run(index, *args))
    assert ESC not in r.stdout and "\x07" not in r.stdout and "\x9b" not in r.stdout
    if "table" not in args:  # the table has no path column
        assert "[bold]b" in r.stdout


def test_hostile_file_name_exact_in_json_and_nul_paths(
    evil_ix: tuple[Path, Path],
) -> None:
    archive, index = evil_ix
    (obj,) = json.loads(ok(run(index, "query", "hostile", "-f", "json")).stdout)
    assert obj["path"] == f"{archive.resolve()}/{EVIL_NAME}"  # absolute, as in every format
    rows = list(
        csv.DictReader(io.StringIO(ok(run(index, "export", "-f", "csv")).stdout))
    )
    assert [row["path"] for row in rows] == [f"{archive.resolve()}/{EVIL_NAME}"]
    # NUL-separated paths are for xargs -0: the exact name, so the file can be opened
    out = ok(run(index, "query", "hostile", "-f", "paths", "-0")).stdout
    assert out == f"{archive.resolve()}/{EVIL_NAME}\0"


def test_hostile_file_name_forced_colour(
    evil_ix: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, index = evil_ix
    _force_colour(monkeypatch)
    for args in (["query", "hostile"], ["show", EVIL_NAME]):
        r = runner.invoke(app, [*args, "--index", str(index)], env=COLOUR_ENV)
        ok(r)
        assert ESC not in SGR.sub("", r.stdout), repr(r.stdout)
