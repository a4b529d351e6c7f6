"""--collapse (issue 18): each cluster of near-copies shown once, as its
best-ranked member, with `duplicates` (the other members' ids); limits,
offsets and totals count clusters. Also timeline and export --collapse,
`show`'s copies and `stats`' cluster count.

On the archive of tests/collapse_support.py (its table of articles is there):
X1, X2, X3 are one story (X1 first), Y1, Y2 another (Y2 undated), Z1 and Z2
are on X's subject but fold with nothing. "digital identity" finds X1-X3, Z1
and Z2; by relevance Z1, Z2, X3, X1, X2 (X3 is the shortest copy).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from collapse_support import X1, X2, X3, Y1, Y2, Z1, Z2, build, make_copies_archive
from typer.testing import Result

from egovsearch.core.models import SearchRequest
from egovsearch.engine.search import Reader
from egovsearch.query import run as runner_module
from tests.cli_support import ok, plain_terminal, run

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
Q = ("digital", "identity")
HIT_KEYS = ["id", "path", "title", "source", "published", "crawled", "language", "score", "snippet"]
TITLE_X = "Estonia extends its digital identity cards to every resident of the country from the spring."
TITLE_Z1 = "Belgium hands out digital identity cards with a reader to pensioners who ask for one."
TITLE_Z2 = "Digital identity cards remain rare in the United Kingdom, a committee of peers has found."


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_copies_archive(tmp_path_factory.mktemp("copies") / "archive")


@pytest.fixture(scope="module")
def ix(archive: Path) -> Path:
    return build(archive, archive.parent / "index")


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    plain_terminal(monkeypatch)


def usage_error(result: Result, needle: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert needle in result.stderr, result.stderr


def path(archive: Path, aid: str) -> str:
    return str(next(archive.rglob(f"*_{aid}.txt")))


# --- the formats ----------------------------------------------------------------------


def test_json_has_duplicates_after_the_contract(ix: Path, archive: Path) -> None:
    objs = json.loads(ok(run(ix, "query", *Q, "--sort", "oldest", "--collapse", "-f", "json")).stdout)
    assert [list(o) for o in objs] == [[*HIT_KEYS, "duplicates"]] * 3
    assert [(o["id"], o["source"], o["published"], o["path"], o["duplicates"]) for o in objs] == [
        (X1, "Computer Weekly", "2015-03-12", path(archive, X1), [X2, X3]),
        (Z1, "Computer Weekly", "2016-05-05", path(archive, Z1), []),
        (Z2, "Kable", "2021-01-01", path(archive, Z2), [])]
    # Without --collapse: every copy, and no duplicates key.
    plain = json.loads(ok(run(ix, "query", *Q, "--sort", "oldest", "-f", "json")).stdout)
    assert [o["id"] for o in plain] == [X1, X2, X3, Z1, Z2]
    assert all(list(o) == HIT_KEYS for o in plain)


def test_jsonl_exact(ix: Path) -> None:
    r = ok(run(ix, "query", *Q, "--collapse", "-f", "jsonl", "--fields", "id,source,duplicates"))
    assert r.stdout == (
        f'{{"id": "{Z1}", "source": "Computer Weekly", "duplicates": []}}\n'
        f'{{"id": "{Z2}", "source": "Kable", "duplicates": []}}\n'
        f'{{"id": "{X3}", "source": "Public Service", "duplicates": ["{X1}", "{X2}"]}}\n')
    assert r.stderr == ""


def test_csv_one_column_ids_separated_by_spaces(ix: Path, archive: Path) -> None:
    r = ok(run(ix, "query", *Q, "--sort", "newest", "--collapse", "-f", "csv", "--fields", "id,published,duplicates"))
    assert r.stdout == (f"id,published,duplicates\n{Z2},2021-01-01,\n{Z1},2016-05-05,\n"
                        f"{X3},2015-03-20,{X1} {X2}\n")
    # The default columns: the contract's, then duplicates last.
    header = ok(run(ix, "query", *Q, "--collapse", "-f", "csv")).stdout.split("\n")[0]
    assert header == ",".join([*HIT_KEYS, "duplicates"])


def test_tsv_default_columns_end_with_duplicates(ix: Path, archive: Path) -> None:
    r = ok(run(ix, "query", *Q, "--sort", "oldest", "--collapse", "--limit", "2"))
    assert r.stdout == (f"{X1}\t2015-03-12\tComputer Weekly\t{TITLE_X}\t{path(archive, X1)}\t{X2} {X3}\n"
                        f"{Z1}\t2016-05-05\tComputer Weekly\t{TITLE_Z1}\t{path(archive, Z1)}\t\n")
    r = ok(run(ix, "query", *Q, "--collapse", "-f", "tsv", "--fields", "duplicates,id"))
    assert r.stdout == f"\t{Z1}\n\t{Z2}\n{X1} {X2}\t{X3}\n"


def test_paths_and_ids_list_the_best_ranked_member_only(ix: Path, archive: Path) -> None:
    assert ok(run(ix, "query", *Q, "--collapse", "-f", "ids")).stdout == f"{Z1}\n{Z2}\n{X3}\n"
    r = ok(run(ix, "query", *Q, "--collapse", "--sort", "oldest", "-f", "paths", "-0"))
    assert r.stdout == "".join(path(archive, a) + "\0" for a in (X1, Z1, Z2))


TABLE_80 = f"""\
#   Id                 Published    Source        Title
────────────────────────────────────────────────────────────────────────────────
1   {X1}   2015-03-12   Computer      Estonia extends its digital
                                    Weekly        identity cards to every
                                                  resident of the country from
                                                  the spring.
                                                  +2 copies (Kable, Public Serv…
                                                  Estonia extends its digital
                                                  identity cards to every…

2   {Z1}   2016-05-05   Computer      Belgium hands out digital
                                    Weekly        identity cards with a reader
                                                  to pensioners who ask for one.
                                                  Belgium hands out digital
                                                  identity cards with a reader…
"""


def test_table_says_how_many_copies_and_where(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    r = ok(run(ix, "query", *Q, "--collapse", "--sort", "oldest", "-n", "2", "-f", "table"))
    assert "\n".join(line.rstrip() for line in r.stdout.split("\n")) == TABLE_80
    monkeypatch.setenv("COLUMNS", "120")
    r = ok(run(ix, "query", *Q, "--collapse", "--sort", "newest", "-n", "3", "--offset", "2", "-f", "table"))
    assert "+2 copies (Computer Weekly, Kable)\n" in "\n".join(line.rstrip() for line in r.stdout.split("\n"))


# --- limits, offsets, totals: clusters ---------------------------------------------------


def test_count_counts_clusters(ix: Path) -> None:
    assert ok(run(ix, "query", *Q, "--count")).stdout == "5\n"
    assert ok(run(ix, "query", *Q, "--count", "--collapse")).stdout == "3\n"
    assert ok(run(ix, "query", "--lang", "de", "--count", "--collapse")).stdout == "1\n"
    assert ok(run(ix, "query", "--lang", "en", "--count", "--collapse")).stdout == "3\n"


def test_limit_offset_and_the_cut_note_count_clusters(ix: Path) -> None:
    r = ok(run(ix, "query", *Q, "--collapse", "--sort", "oldest", "-n", "1", "-f", "ids"))
    assert r.stdout == f"{X1}\n"
    r = ok(run(ix, "query", *Q, "--collapse", "--sort", "oldest", "-n", "1", "--offset", "1", "-f", "ids"))
    assert r.stdout == f"{Z1}\n"
    r = ok(run(ix, "query", *Q, "--collapse", "--sort", "oldest", "--offset", "3", "-f", "ids"))
    assert r.stdout == ""


def test_api_total_is_the_number_of_clusters(ix: Path) -> None:
    req = SearchRequest(query="digital identity", collapse=True, limit=2, sort="oldest")
    result = runner_module.search(ix, req, snippets=False, suggest=False)
    assert result.total == 3
    assert [(h.id, h.duplicates, h.duplicate_sources) for h in result.hits] == [
        (X1, (X2, X3), ("Kable", "Public Service")), (Z1, (), ())]
    plain = runner_module.search(ix, SearchRequest(query="digital identity", limit=2), snippets=False, suggest=False)
    assert plain.total == 5 and all(h.duplicates is None for h in plain.hits)


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest", "hybrid"])
def test_each_cluster_is_its_best_ranked_member_in_every_order(ix: Path, sort: str) -> None:
    def hits(collapse: bool) -> list[tuple[str, float, float | None]]:
        req = SearchRequest(query="digital identity OR Akte", sort=sort, collapse=collapse, limit=None)
        return [(h.id, h.score, h.hybrid) for h in runner_module.search(ix, req, snippets=False).hits]

    cluster = {X1: "X", X2: "X", X3: "X", Y1: "Y", Y2: "Y"}
    seen: set[str] = set()
    expected = []
    for h in hits(False):  # the first of each cluster in the uncollapsed order, with its own values
        key = cluster.get(h[0], h[0])
        if key not in seen:
            seen.add(key)
            expected.append(h)
    assert hits(True) == expected
    assert len(expected) == 4


def test_newest_and_oldest_pick_the_newest_and_oldest_copy(ix: Path) -> None:
    assert ok(run(ix, "query", *Q, "--collapse", "--sort", "newest", "-f", "ids")).stdout == f"{Z2}\n{Z1}\n{X3}\n"
    # Y2 is undated: last by date either way, so Y1 stands for the story.
    assert ok(run(ix, "query", "--lang", "de", "--collapse", "--sort", "newest", "-f", "ids")).stdout == f"{Y1}\n"
    assert ok(run(ix, "query", "--lang", "de", "--collapse", "--sort", "oldest", "-f", "ids")).stdout == f"{Y1}\n"


def test_hybrid_keeps_the_blend_of_the_member_shown(ix: Path) -> None:
    r = ok(run(ix, "query", *Q, "--sort", "hybrid", "--collapse", "-f", "jsonl", "--fields", "id,hybrid,duplicates"))
    plain = ok(run(ix, "query", *Q, "--sort", "hybrid", "-f", "jsonl", "--fields", "id,hybrid"))
    blend = {o["id"]: o["hybrid"] for o in map(json.loads, plain.stdout.splitlines())}
    got = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["id"] for o in got] == [Z2, Z1, X3]  # (the blend favours the recent: Z2 first)
    assert all(o["hybrid"] == blend[o["id"]] for o in got)


def test_fields_duplicates_needs_collapse(ix: Path) -> None:
    usage_error(run(ix, "query", *Q, "-f", "json", "--fields", "id,duplicates"),
                "--fields duplicates works with --collapse only")


def test_stdin_batch_collapses_each_query(ix: Path) -> None:
    r = ok(run(ix, "query", "--stdin", "--collapse", "-f", "jsonl", "--fields", "id,duplicates",
               stdin="digital identity\nAkte\n"))
    assert r.stdout == (
        f'{{"query": "digital identity", "id": "{Z1}", "duplicates": []}}\n'
        f'{{"query": "digital identity", "id": "{Z2}", "duplicates": []}}\n'
        f'{{"query": "digital identity", "id": "{X3}", "duplicates": ["{X1}", "{X2}"]}}\n'
        f'{{"query": "Akte", "id": "{Y1}", "duplicates": ["{Y2}"]}}\n')
    r = ok(run(ix, "query", "--stdin", "--collapse", "--count", stdin="digital identity\nAkte\n"))
    assert r.stdout == "3\tdigital identity\n1\tAkte\n"


def test_a_session_keeps_collapsed_and_plain_requests_apart(ix: Path) -> None:
    with runner_module.Session(ix) as s:
        base = SearchRequest(query="digital identity", limit=None)
        assert s.search(base, snippets=False).total == 5
        assert s.search(SearchRequest(query="digital identity", limit=None, collapse=True), snippets=False).total == 3
        assert s.search(base, snippets=False).total == 5
        assert s.opened == 1


def test_without_collapse_the_clusters_are_not_read(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: Reader) -> None:
        raise AssertionError("the copy clusters were read")

    monkeypatch.setattr(Reader, "copies", fail)
    monkeypatch.setattr(Reader, "ids", fail)
    for fmt in ("json", "csv", "tsv", "ids", "table"):
        ok(run(ix, "query", *Q, "-f", fmt))
    ok(run(ix, "query", *Q, "--count"))
    ok(run(ix, "timeline", *Q, "-f", "csv"))
    ok(run(ix, "export", *Q))


# --- an index without clusters, and one whose cluster file is gone -------------------------


def test_an_index_without_copies_gives_every_hit_no_duplicates(tmp_path: Path) -> None:
    index = build(MINI, tmp_path / "index")
    objs = json.loads(ok(run(index, "query", "--lang", "en", "--collapse", "-f", "json",
                             "--fields", "id,duplicates")).stdout)
    assert [o["duplicates"] for o in objs] == [[]] * 4
    assert ok(run(index, "query", "--lang", "en", "--collapse", "--count")).stdout == "4\n"
    r = ok(run(index, "stats", "-f", "json"))
    assert (json.loads(r.stdout)["copy_clusters"], json.loads(r.stdout)["copied_articles"]) == (0, 0)


def test_a_missing_cluster_file_is_damage_for_collapse_only(tmp_path: Path, archive: Path) -> None:
    index = build(archive, tmp_path / "index")
    for f in index.glob("copies-*.json"):
        f.unlink()
    assert ok(run(index, "query", *Q, "--count")).stdout == "5\n"
    r = run(index, "query", *Q, "--collapse")
    assert r.exit_code == 2 and r.stdout == "" and r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("Error: ") and "copy clusters" in r.stderr


# --- timeline and export -----------------------------------------------------------------


def test_timeline_counts_each_cluster_once_at_its_earliest_match(ix: Path) -> None:
    r = ok(run(ix, "timeline", "--collapse", "-f", "csv"))
    # X at 2015 once; Y at 2019 (Y1's date: Y2 is undated), so nothing is undated.
    assert r.stdout == "period,count\n2015,1\n2016,1\n2017,0\n2018,0\n2019,1\n2020,0\n2021,1\n"
    assert r.stderr == ""
    r = ok(run(ix, "timeline", "-f", "csv"))
    assert r.stdout == "period,count\n2015,3\n2016,1\n2017,0\n2018,0\n2019,1\n2020,0\n2021,1\n"
    assert r.stderr == "1 matching article has no date\n"
    # Only Y2 matches: its cluster's matching member is undated.
    r = ok(run(ix, "timeline", "--source", "eGovernment Computing", "--collapse", "-f", "json"))
    assert (r.stdout, r.stderr) == ("[]\n", "1 matching article has no date\n")
    # The earliest *matching* member: without X1 (Computer Weekly), X counts at X2's month.
    r = ok(run(ix, "timeline", *Q, "--source", "Kable", "--source", "Public Service", "--collapse",
               "--by", "month", "-f", "csv", "--until", "2015-04"))
    assert r.stdout == "period,count\n2015-03,1\n2015-04,0\n"


def test_timeline_collapse_by_week_picks_the_earliest_copy(ix: Path) -> None:
    # X1 2015-03-12 (W11), X2 2015-03-14 (W11), X3 2015-03-20 (W12): one story, in W11.
    r = ok(run(ix, "timeline", *Q, "--collapse", "--by", "week", "-f", "csv", "--until", "2015-03-22"))
    assert r.stdout.startswith("period,count\n2015-W11,1\n2015-W12,0\n")


def test_export_writes_each_cluster_once_with_duplicates(ix: Path, archive: Path) -> None:
    r = ok(run(ix, "export", "--collapse"))
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    # Path order: 2015/ (X1 first), 2016/ (Z1), 2019/ (Y1), 2021/ (Z2).
    assert [(o["id"], o["duplicates"]) for o in rows] == [(X1, [X2, X3]), (Z1, []), (Y1, [Y2]), (Z2, [])]
    assert list(rows[0]) == ["id", "path", "title", "source", "published", "crawled", "language", "words", "body",
                             "duplicates"]
    assert rows[0]["path"] == path(archive, X1)
    # The first *matching* member in path order: without X1 it is X2.
    r = ok(run(ix, "export", *Q, "--source", "Kable", "--source", "Public Service", "--collapse", "-f", "csv"))
    assert r.stdout.startswith("id,path,title,source,published,crawled,language,words,body,duplicates\n")
    assert [(o["id"], o["duplicates"]) for o in csv.DictReader(io.StringIO(r.stdout))] == [(X2, f"{X1} {X3}"),
                                                                                          (Z2, "")]
    plain = [json.loads(line) for line in ok(run(ix, "export")).stdout.splitlines()]
    assert len(plain) == 7 and all("duplicates" not in o for o in plain)


# --- show and stats ---------------------------------------------------------------------


def test_show_lists_the_copies(ix: Path, archive: Path) -> None:
    r = ok(run(ix, "show", X2))
    head = r.stdout.split("\n\n")[0]
    assert head == (f"Title:     {TITLE_X}\nSource:    Kable\nPublished: 2015-03-14\nCrawled:   2024-09-16\n"
                    f"Language:  en\nPath:      {path(archive, X2)}\nId:        {X2}\n"
                    "Copies:    2 near-copies (resemblance to the cluster's first article)\n"
                    f"  1.00  {X1}  2015-03-12  Computer Weekly\n"
                    f"  0.88  {X3}  2015-03-20  Public Service")
    r = ok(run(ix, "show", Y1))
    assert f"Copies:    1 near-copy (resemblance to the cluster's first article)\n  0.89  {Y2}  undated     " \
           "eGovernment Computing\n\n" in r.stdout
    assert "Copies:" not in ok(run(ix, "show", Z1)).stdout


def test_show_json_has_duplicates(ix: Path) -> None:
    data = json.loads(ok(run(ix, "show", Y2, "-f", "json")).stdout)
    assert list(data)[-1] == "duplicates"
    assert data["duplicates"] == [{"id": Y1, "source": "Heise Online", "published": "2019-02-01", "resemblance": 1.0}]
    x = json.loads(ok(run(ix, "show", X1, "-f", "json")).stdout)["duplicates"]
    assert [(c["id"], c["source"], c["published"]) for c in x] == [(X2, "Kable", "2015-03-14"),
                                                                   (X3, "Public Service", "2015-03-20")]
    assert all(0.8 <= c["resemblance"] < 1.0 for c in x)
    assert json.loads(ok(run(ix, "show", Z1, "-f", "json")).stdout)["duplicates"] == []


def test_stats_counts_clusters(ix: Path) -> None:
    r = ok(run(ix, "stats"))
    assert "\nCopies      2 clusters of near-copies (5 articles)\n" in r.stdout
    data = json.loads(ok(run(ix, "stats", "-f", "json")).stdout)
    assert (data["copy_clusters"], data["copied_articles"]) == (2, 5)


# --- the table at fixed widths (a hit written by hand, as tests/test_terminal_widths.py) ---------

WIDE = """\
#   Id         Published    Source             Title
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
1   3333cccc   2024-05-02   Behörden Spiegel   Normenkontrollrat: Verwaltungsdigitalisierung kommt in den Ländern nur
                                               langsam voran
                                               +4 copies (Heise Online, eGovernment Computing)
                                               …und alte Software, und deshalb kommt die Verwaltungsdigitalisierung nur
                                               langsam voran, sagt der Bericht des Normenkontrollrats…

2   2222bbbb   2009-03-15   Computer Weekly    Shared services save money for central government departments, ministers
                                               claim.
                                               +1 copy (Kable)
                                               Shared services save money for central government departments, ministers
                                               claim. The cabinet office published the figures.
"""
NARROW = """\
#   Id         Published    Title
────────────────────────────────────────────────────────────
1   3333cccc   2024-05-02   Normenkontrollrat:
                            Verwaltungsdigitalisierung kommt
                            in den Ländern nur langsam voran
                            +4 copies (Heise Online, eGover…
                            …die Verwaltungsdigitalisierung
                            nur langsam voran, sagt der…

2   2222bbbb   2009-03-15   Shared services save money for
                            central government departments,
                            ministers claim.
                            +1 copy (Kable)
                            Shared services save money for
                            central government departments,…
"""


@pytest.mark.parametrize(("columns", "expected"), [(120, WIDE), (60, NARROW)])
def test_the_copies_line_fits_the_title_column(monkeypatch: pytest.MonkeyPatch, columns: int, expected: str) -> None:
    from dataclasses import replace

    from test_terminal_widths import DE, EN

    from egovsearch.core.models import SearchResult
    from egovsearch.output import formats

    monkeypatch.setenv("COLUMNS", str(columns))
    # Publications named once each, in the order of the copies; one without a name is left out.
    de = replace(DE, duplicates=("3333cccc00000009", "3333cccc0000000a", "3333cccc0000000b", "3333cccc0000000c"),
                 duplicate_sources=("Heise Online", "eGovernment Computing", "Heise Online", None))
    en = replace(EN, duplicates=("2222bbbb00000009",), duplicate_sources=("Kable",))
    buf = io.StringIO()
    formats.write_hits([(None, SearchResult(total=2, hits=(de, en), archive="/arch"))], "table", buf, color=False)
    assert "\n".join(line.rstrip() for line in buf.getvalue().split("\n")) == expected
    colored = io.StringIO()
    formats.write_hits([(None, SearchResult(total=2, hits=(de, en), archive="/arch"))], "table", colored, color=True)
    assert "+4 copies" in colored.getvalue()


def test_stats_table_line_in_the_singular_and_none_without_copies() -> None:
    from datetime import date

    from egovsearch.core.reports import IndexStats
    from egovsearch.output import formats

    def lines(clusters: int, articles: int) -> list[str]:
        buf = io.StringIO()
        formats.write_stats(IndexStats(2, {"en": 2}, 1, date(2020, 1, 1), date(2020, 1, 2), 10, None, None,
                                       copy_clusters=clusters, copied_articles=articles), "table", buf, color=False)
        return buf.getvalue().splitlines()

    assert lines(1, 2)[2] == "Copies      1 cluster of near-copies (2 articles)"
    assert not any(line.startswith("Copies") for line in lines(0, 0))


def test_fold_keys_from_the_id_column(ix: Path) -> None:
    with runner_module.Session(ix) as s:
        for sort in ("relevance", "newest"):
            req = SearchRequest(query="digital identity OR Akte", sort=sort, collapse=True, limit=None)
            got = [(h.id, h.duplicates) for h in s.search(req, snippets=False).hits]
            assert sorted(got) == [(X3, (X1, X2)), (Y1, (Y2,)), (Z1, ()), (Z2, ())]
        assert s.search(SearchRequest(collapse=True, limit=0, language="en"), snippets=False).total == 3


def test_csv_header_has_duplicates_even_when_the_first_search_finds_nothing(ix: Path) -> None:
    r = ok(run(ix, "query", "--stdin", "--collapse", "-f", "csv", stdin="nothingzzz\nAkte\n"))
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["query", *HIT_KEYS, "duplicates"]
    assert [(row[0], row[1], row[-1]) for row in rows[1:]] == [("Akte", Y1, Y2)]
    r = ok(run(ix, "query", "nothingzzz", "--collapse", "--sort", "hybrid", "-f", "csv"), 1)
    assert r.stdout == ",".join([*HIT_KEYS, "hybrid", "duplicates"]) + "\n"


def test_csv_header_has_hybrid_even_when_the_first_search_finds_nothing(ix: Path) -> None:
    # (The same rule as duplicates: the columns follow from the request.)
    r = ok(run(ix, "query", "--stdin", "--sort", "hybrid", "-f", "csv", stdin="nothingzzz\nAkte\n"))
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["query", *HIT_KEYS, "hybrid"]
    assert all(row[-1] for row in rows[1:]) and len(rows) > 1
