"""Exact output of every writer in egovsearch.output (formats, terminal, pager, text), on hand-made records.

Hostile text (Rich markup, CSI and OSC escape sequences) sits in the second hit's
title and snippet: text formats must show it literally without the control
bytes, JSON/CSV must keep it and still parse back to the same values.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egovsearch.core.models import HIT_FIELDS, Article, Hit, SearchResult
from egovsearch.core.reports import IndexReport, IndexStats, Skipped, SourceCount, Timeline
from egovsearch.output import formats as output
from egovsearch.output import pager as paging
from egovsearch.output import terminal
from egovsearch.output import text as shown

HOSTILE_TITLE = "Evil [bold]x[/bold] \x1b[31mred\x1b[0m [link=http://e]click\x1b]8;;http://e\x1b\\here"
HOSTILE_SNIPPET = "Snippet [bold]x[/bold] \x1b[31mVerwaltung\x1b[0m \x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\ end"
SNIPPET1 = "Political resistance to shared services is growing, says a report on councils."
H1 = Hit("f495089e68bd2b44", "000_f495089e68bd2b44.txt", "Resistance to shared services",
         "Public Service", date(2011, 6, 6), date(2024, 9, 16), "en", 12.345678, SNIPPET1, ((24, 39),), "f495089e")
_V = HOSTILE_SNIPPET.index("Verwaltung")
H2 = Hit("0123456789abcdef", "sub/001_0123456789abcdef.txt", HOSTILE_TITLE, None, None, None,
         "de", 1.5, HOSTILE_SNIPPET, ((_V, _V + len("Verwaltung")),), "01234567")
RESULT = SearchResult(total=7, hits=(H1, H2), archive="/arch")
# What the machine formats print of a hit of RESULT: its path absolute.
D1 = {**H1.to_dict(), "path": "/arch/000_f495089e68bd2b44.txt"}
D2 = {**H2.to_dict(), "path": "/arch/sub/001_0123456789abcdef.txt"}
EMPTY = SearchResult(total=0, hits=(), archive="/arch")
SGR = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def _terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed 100x24 'terminal' and no colour overrides from the environment."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "24")
    monkeypatch.setenv("TERM", "xterm")
    for var in ("NO_COLOR", "FORCE_COLOR", "COLORTERM", "PAGER", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(var, raising=False)


def hits(fmt: str, results: list[tuple[str | None, SearchResult]] | None = None, **kw: Any) -> tuple[str, int]:
    buf = io.StringIO()
    n = output.write_hits(results if results is not None else [("shared", RESULT)], fmt, buf,
                          color=kw.pop("color", False), **kw)
    return buf.getvalue(), n


def rstripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


# --- clean ----------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("plain äöü ß € 日本", "plain äöü ß € 日本"),
    ("keep\nlines\tand tabs", "keep\nlines\tand tabs"),
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x1b[38;5;196;1mx", "x"),
    ("a\x1b]8;;http://e\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC 8 hyperlink, ST-terminated
    ("\x1b]0;pwned title\x07after", "after"),  # OSC window title, BEL-terminated
    ("x\x1b]8;;unterminated", "x8;;unterminated"),  # no terminator: only the introducer goes
    ("\x1bPqdcs\x1b\\z", "z"),  # DCS string
    ("a\x1bcb", "ab"),  # RIS (full reset)
    ("a\x1b(0b", "ab"),  # charset switch
    ("lone\x1b", "lone"),
    ("c1\x9b31mx\x85y\x9d0;t\x07z", "c1xyz"),
    ("\x00nul\x07bel\x08bs\rcr\x7fdel\x0bvt", "nulbelbscrdelvt"),
    ("surrogate\udc80gone", "surrogategone"),
])
def test_clean(raw: str, expected: str) -> None:
    assert shown.clean(raw) == expected


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.lists(st.characters(min_codepoint=0, max_codepoint=0x2FF) | st.sampled_from(
    ["\x1b[", "\x1b]", "\x1b\\", "\x07", "\x9b", "\x9c", "\udc80", "1;3", "m"])).map("".join))
def test_clean_leaves_no_control(text: str) -> None:
    cleaned = shown.clean(text)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]", cleaned)
    assert shown.clean(cleaned) == cleaned


def test_clean_marked_moves_marks_with_the_text() -> None:
    text, marks = shown.clean_marked(HOSTILE_SNIPPET, H2.marks)
    assert text == "Snippet [bold]x[/bold] Verwaltung link end"
    assert [text[s:e] for s, e in marks] == ["Verwaltung"]


# --- hits: machine formats --------------------------------------------------------------


def test_tsv() -> None:
    text, n = hits("tsv")
    assert n == 2
    assert text == (
        "f495089e68bd2b44\t2011-06-06\tPublic Service\tResistance to shared services\t/arch/000_f495089e68bd2b44.txt\n"
        "0123456789abcdef\t\t\tEvil [bold]x[/bold] red [link=http://e]clickhere\t/arch/sub/001_0123456789abcdef.txt\n"
    )


def test_tsv_with_query_and_tabs_in_fields() -> None:
    odd = SearchResult(1, (Hit("ab", "a\tb.txt", "t\ti\nt", "S", None, None, "en", 0.0, ""),), "/a")
    text, _ = hits("tsv", [("q\tx", odd), ("none", EMPTY)], with_query=True)
    assert text == "q x\tab\t\tS\tt i t\t/a/a b.txt\n"


def test_paths_ids_and_nul() -> None:
    assert hits("paths")[0] == "/arch/000_f495089e68bd2b44.txt\n/arch/sub/001_0123456789abcdef.txt\n"
    assert hits("paths", nul=True)[0] == "/arch/000_f495089e68bd2b44.txt\0/arch/sub/001_0123456789abcdef.txt\0"
    assert hits("ids")[0] == "f495089e68bd2b44\n0123456789abcdef\n"
    assert hits("ids", nul=True)[0] == "f495089e68bd2b44\x000123456789abcdef\0"


def test_paths_line_mode_strips_controls_but_nul_mode_keeps_the_exact_path() -> None:
    odd = SearchResult(1, (Hit("ab", "bad\x1b[2Jname\n.txt", "t", None, None, None, "en", 0.0, ""),), "/a")
    assert hits("paths", [(None, odd)])[0] == "/a/badname .txt\n"
    assert hits("paths", [(None, odd)], nul=True)[0] == "/a/bad\x1b[2Jname\n.txt\0"


def test_json_is_one_array_over_all_results_and_parses_back() -> None:
    text, n = hits("json", [("a", RESULT), ("b", EMPTY), ("c", RESULT)])
    assert n == 4
    assert json.loads(text) == [D1, D2, D1, D2]
    assert json.loads(text)[1]["title"] == HOSTILE_TITLE  # kept, escaped by JSON
    assert "\x1b" not in text
    assert text.count("\n") == 4  # one object a line, then the closing bracket's newline
    assert hits("json", [("a", EMPTY)]) == ("[]\n", 0)


def test_json_with_query_puts_query_first() -> None:
    data = json.loads(hits("json", with_query=True)[0])
    assert [list(d)[0] for d in data] == ["query", "query"]
    assert data[1] == {"query": "shared", **D2}


def test_jsonl_with_query_streams_one_object_a_line() -> None:
    flushes: list[str] = []

    class Out(io.StringIO):
        def flush(self) -> None:
            flushes.append(self.getvalue())

    buf = Out()
    n = output.write_hits([("a", RESULT), ("b", RESULT)], "jsonl", buf, color=False, with_query=True)
    lines = buf.getvalue().splitlines()
    assert n == 4 and len(lines) == 4
    assert [json.loads(line) for line in lines] == [
        {"query": q, **d} for q in ("a", "b") for d in (D1, D2)]
    assert list(json.loads(lines[0])) == ["query", *HIT_FIELDS]
    assert [f.count("\n") for f in flushes] == [2, 4]  # flushed after each result
    assert [json.loads(line) for line in hits("jsonl")[0].splitlines()] == [D1, D2]


def test_csv_parses_back() -> None:
    rows = list(csv.reader(io.StringIO(hits("csv")[0])))
    assert rows == [
        list(HIT_FIELDS),
        ["f495089e68bd2b44", "/arch/000_f495089e68bd2b44.txt", "Resistance to shared services", "Public Service",
         "2011-06-06", "2024-09-16", "en", "12.3457", SNIPPET1],
        ["0123456789abcdef", "/arch/sub/001_0123456789abcdef.txt", HOSTILE_TITLE, "", "", "", "de", "1.5",
         HOSTILE_SNIPPET],
    ]


def test_csv_with_query() -> None:
    rows = list(csv.reader(io.StringIO(hits("csv", [("q,1", RESULT)], with_query=True)[0])))
    assert rows[0] == ["query", *HIT_FIELDS]
    assert [r[:2] for r in rows[1:]] == [["q,1", "f495089e68bd2b44"], ["q,1", "0123456789abcdef"]]


@settings(derandomize=True, max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])), st.text(max_size=5))
def test_json_and_csv_stay_valid_for_any_text(title: str, query: str) -> None:
    r = SearchResult(1, (Hit("id", "p", title, title, None, None, "en", 1.0, title),), "/a")
    assert json.loads(hits("json", [(query, r)])[0])[0]["title"] == title
    assert json.loads(hits("jsonl", [(query, r)], with_query=True)[0])["query"] == query
    row = list(csv.reader(io.StringIO(hits("csv", [(query, r)], with_query=True)[0]), strict=True))[1]
    assert (row[0], row[3], row[9]) == (query, title, title)


def test_lone_surrogates_keep_json_and_csv_encodable() -> None:
    r = SearchResult(1, (Hit("id", "p", "bad\udc80", None, None, None, "en", 1.0, ""),), "/a")
    text = hits("json", [(None, r)])[0]
    text.encode("utf-8")
    assert json.loads(text)[0]["title"] == "bad\udc80"
    assert hits("csv", [(None, r)])[0].splitlines()[1] == "id,/a/p,bad\ufffd,,,,en,1.0,"


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format .xml.; expected one of table, tsv"):
        hits("xml")


# --- hits: table ------------------------------------------------------------------------

TABLE_100 = """\
query: shared
#   Id         Published    Source           Title
────────────────────────────────────────────────────────────────────────────────────────────────────
1   f495089e   2011-06-06   Public Service   Resistance to shared services
                                             Political resistance to shared services is growing,
                                             says a report on councils.

2   01234567                                 Evil [bold]x[/bold] red [link=http://e]clickhere
                                             Snippet [bold]x[/bold] Verwaltung link end
"""


def test_table_colourless_shows_markup_literally() -> None:
    text, n = hits("table", with_query=True)
    assert n == 2
    assert rstripped(text) == TABLE_100
    assert "\x1b" not in text
    assert max(len(line) for line in text.splitlines()) == 100


def test_table_coloured_has_only_our_sgr_codes() -> None:
    text, _ = hits("table", with_query=True, color=True)
    assert set(re.findall(r"\x1b.", text)) == {"\x1b["}
    assert len(SGR.findall(text)) == text.count("\x1b")  # every ESC starts one of our colour codes
    assert rstripped(SGR.sub("", text)) == TABLE_100
    assert "\x1b[1;33mVerwaltung\x1b[0m" in text  # the mark: bold yellow, not dim
    assert "\x1b[1;33mshared services\x1b[0m" in text


def test_table_wraps_at_80_and_cuts_snippet_after_two_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    long = Hit("aa", "a.txt", "A title long enough to wrap onto a second line of the title column here",
               "A source with a very long name", date(2020, 1, 2), None, "en", 1.0, "word " * 60)
    text, _ = hits("table", [("q", SearchResult(30, (long,), "/a"))], first_rank=11)
    assert rstripped(text) == """\
 #   Id   Published    Source                 Title
────────────────────────────────────────────────────────────────────────────────
11   aa   2020-01-02   A source with a very   A title long enough to wrap onto a
                       long name              second line of the title column
                                              here
                                              word word word word word word word
                                              word word word word word word…
"""


def test_table_of_several_results_and_empty_results() -> None:
    text, n = hits("table", [("a", EMPTY), ("b", SearchResult(1, (H1,), "/arch"))], with_query=True)
    assert n == 1
    assert rstripped(text).startswith("query: a\n\nquery: b\n#   Id         Published")
    assert hits("table", [("a", EMPTY)]) == ("", 0)


# --- articles --------------------------------------------------------------------------

ARTICLE = Article("f495089e68bd2b44", "000_f495089e68bd2b44.txt", "Resistance [bold]to[/bold] shared services",
                  "First paragraph about shared services.\n\nSecond \x1b[2Jparagraph.\x1b]0;t\x07", "Public Service",
                  date(2011, 6, 6), date(2024, 9, 16), "en", 9)
ARTICLE_TEXT = """\
Title:     Resistance [bold]to[/bold] shared services
Source:    Public Service
Published: 2011-06-06
Crawled:   2024-09-16
Language:  en
Path:      000_f495089e68bd2b44.txt
Id:        f495089e68bd2b44

First paragraph about shared services.

Second paragraph.
"""


def test_article_text() -> None:
    buf = io.StringIO()
    output.write_article(ARTICLE, "text", buf, color=False, marks=[(22, 37)])
    assert buf.getvalue() == ARTICLE_TEXT


def test_article_text_unknown_fields() -> None:
    bare = Article("ab", "x.txt", "T", "B", None, None, None, "de", 1)
    buf = io.StringIO()
    output.write_article(bare, "text", buf, color=False)
    assert buf.getvalue().splitlines()[1:4] == ["Source:    unknown", "Published: unknown", "Crawled:   unknown"]


def test_article_coloured_highlights_marks() -> None:
    buf = io.StringIO()
    output.write_article(ARTICLE, "text", buf, color=True, marks=[(22, 37)])
    text = buf.getvalue()
    assert len(SGR.findall(text)) == text.count("\x1b")
    assert SGR.sub("", text) == ARTICLE_TEXT
    assert "\x1b[1;33mshared services\x1b[0m" in text


def test_article_json() -> None:
    buf = io.StringIO()
    output.write_article(ARTICLE, "json", buf, color=False)
    assert json.loads(buf.getvalue()) == {**ARTICLE.to_dict(), "paths": ["000_f495089e68bd2b44.txt"]}
    assert buf.getvalue().startswith('{\n  "id": "f495089e68bd2b44",\n')


def test_article_json_and_text_of_copies_name_every_path() -> None:
    buf = io.StringIO()
    paths = ["/arch/000_f495089e68bd2b44.txt", "/arch/copy/000_f495089e68bd2b44.txt"]
    output.write_article(ARTICLE, "json", buf, color=False, paths=paths)
    data = json.loads(buf.getvalue())
    assert list(data) == ["id", "path", "paths", "title", "source", "published", "crawled", "language",
                          "words", "body"]
    assert (data["path"], data["paths"]) == (paths[0], paths)
    buf = io.StringIO()
    output.write_article(ARTICLE, "text", buf, color=False, paths=paths)
    assert buf.getvalue().splitlines()[5:8] == [
        "Path:      /arch/000_f495089e68bd2b44.txt", "Path:      /arch/copy/000_f495089e68bd2b44.txt",
        "Id:        f495089e68bd2b44"]


def test_export_jsonl_and_csv() -> None:
    bare = Article("ab", "x.txt", "T,\"q\"", "B\nC", None, None, None, "de", 2)
    buf = io.StringIO()
    assert output.write_articles(iter([ARTICLE, bare]), "jsonl", buf, archive="/arch") == 2
    assert [json.loads(line) for line in buf.getvalue().splitlines()] == [
        {**ARTICLE.to_dict(), "path": "/arch/000_f495089e68bd2b44.txt"}, {**bare.to_dict(), "path": "/arch/x.txt"}]
    buf = io.StringIO()
    assert output.write_articles([ARTICLE, bare], "csv", buf, archive="/arch") == 2
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert rows[1] == {"id": "ab", "path": "/arch/x.txt", "title": 'T,"q"', "source": "", "published": "",
                       "crawled": "", "language": "de", "words": "2", "body": "B\nC"}
    assert rows[0]["body"] == ARTICLE.body
    buf = io.StringIO()
    assert output.write_articles([], "csv", buf) == 0
    assert buf.getvalue() == "id,path,title,source,published,crawled,language,words,body\n"


# --- stats, sources, timeline ------------------------------------------------------------

STATS = IndexStats(3, {"en": 2, "de": 1}, 2, date(2009, 1, 5), date(2012, 11, 30), 1_300_000,
                   "2024-09-16T10:00:00+00:00", "/arch")


def test_stats_table_and_json() -> None:
    buf = io.StringIO()
    output.write_stats(STATS, "table", buf, color=False)
    assert buf.getvalue() == """\
Articles    3 (de 1, en 2)
Sources     2
Published   2009-01-05 .. 2012-11-30
Index size  1.2 MB
Built at    2024-09-16T10:00:00+00:00
Archive     /arch
"""
    buf = io.StringIO()
    output.write_stats(STATS, "json", buf, color=False)
    assert json.loads(buf.getvalue()) == STATS.to_dict()


def test_stats_empty_index() -> None:
    buf = io.StringIO()
    output.write_stats(IndexStats(0, {}, 0, None, None, 512, None, None), "table", buf, color=False)
    assert buf.getvalue().splitlines() == ["Articles    0", "Sources     0", "Published   unknown .. unknown",
                                           "Index size  512 B", "Built at    unknown", "Archive     unknown"]


SOURCES = [SourceCount("Public Service", 2, date(2010, 1, 1), date(2011, 6, 6)),
           SourceCount("[red]Evil\x1b[5m", 1, None, None)]


def test_sources_formats() -> None:
    buf = io.StringIO()
    output.write_sources(SOURCES, "table", buf, color=False)
    assert rstripped(buf.getvalue()) == """\
Source           Articles   First        Last
───────────────────────────────────────────────────
Public Service          2   2010-01-01   2011-06-06
[red]Evil               1
"""
    buf = io.StringIO()
    output.write_sources(SOURCES, "json", buf, color=False)
    assert json.loads(buf.getvalue()) == [s.to_dict() for s in SOURCES]
    buf = io.StringIO()
    output.write_sources(SOURCES, "csv", buf, color=False)
    assert list(csv.reader(io.StringIO(buf.getvalue()))) == [
        ["source", "count", "first", "last"], ["Public Service", "2", "2010-01-01", "2011-06-06"],
        ["[red]Evil\x1b[5m", "1", "", ""]]


TIMELINE = Timeline((("2010", 3), ("2011", 12), ("2012", 0), ("2013", 1)), undated=2, total=18)


def test_timeline_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")  # 4 label + 2 + bar + 1 + 2 count: 31 cells of bar at most
    buf = io.StringIO()
    output.write_timeline(TIMELINE, "chart", buf, color=False)
    assert buf.getvalue().splitlines() == [
        "2010  " + "█" * 8 + " 3",  # 3/12 of 31 = 7.75
        "2011  " + "█" * 31 + " 12",
        "2012  0",
        "2013  " + "█" * 3 + " 1",  # 1/12 of 31 = 2.58
        "undated: 2",
        "total: 18",
    ]


def test_timeline_empty_and_other_formats() -> None:
    empty = Timeline((), undated=0, total=0)
    buf = io.StringIO()
    output.write_timeline(empty, "chart", buf, color=False)
    assert buf.getvalue() == "total: 0\n"
    buf = io.StringIO()
    output.write_timeline(empty, "json", buf, color=False)
    assert buf.getvalue() == "[]\n"
    buf = io.StringIO()
    output.write_timeline(TIMELINE, "json", buf, color=False)
    assert json.loads(buf.getvalue()) == [{"period": p, "count": c} for p, c in TIMELINE.periods]
    buf = io.StringIO()
    output.write_timeline(TIMELINE, "csv", buf, color=False)
    assert buf.getvalue() == "period,count\n2010,3\n2011,12\n2012,0\n2013,1\n"


def test_timeline_coloured_bars() -> None:
    buf = io.StringIO()
    output.write_timeline(Timeline((("2011-05", 2),), 0, 2), "chart", buf, color=True)
    assert "\x1b[36m" in buf.getvalue()
    assert SGR.sub("", buf.getvalue()) == "2011-05  " + "█" * 89 + " 2\ntotal: 2\n"


# --- stderr: report, progress ---------------------------------------------------------------


def test_report() -> None:
    skipped = tuple(Skipped(f"f{i}.txt", "empty file") for i in range(6)) + (Skipped("x\x1b[2J.bin", "binary"),)
    buf = io.StringIO()
    terminal.write_report(IndexReport(3, 1, 0, 2, 10, skipped, 1.25, repaired=("vocab-de.tsv",), cleaned=29),
                          buf, color=False)
    # The counts and the time come last: the line a person sees when the bar goes.
    assert buf.getvalue() == """\
  skipped f0.txt: empty file
  skipped f1.txt: empty file
  skipped f2.txt: empty file
  skipped f3.txt: empty file
  skipped f4.txt: empty file
  ... and 2 more
  rebuilt vocab-de.tsv: it was missing, damaged or out of date
  removed 29 leftover files of an earlier interrupted or failed run
Index updated in 1.2 s: 3 added, 1 updated, 0 renamed, 2 removed, 10 unchanged, 7 skipped
"""
    buf = io.StringIO()
    terminal.write_report(IndexReport(0, 0, 0, 0, 5, (), 0.3, cleaned=1), buf, color=False)
    assert buf.getvalue() == ("  removed 1 leftover file of an earlier interrupted or failed run\n"
                              "Index updated in 0.3 s: 0 added, 0 updated, 0 renamed, 0 removed, 5 unchanged, 0 skipped\n")
    buf = io.StringIO()
    terminal.write_report(IndexReport(1, 0, 0, 0, 0, (), 0.04, rebuilt=True), buf, color=True)
    assert SGR.sub("", buf.getvalue()) == (
        "Index rebuilt in 0.0 s: 1 added, 0 updated, 0 renamed, 0 removed, 0 unchanged, 0 skipped\n")


def test_progress() -> None:
    buf = io.StringIO()
    with terminal.Progress(buf, enabled=False) as bar:
        bar.update("indexing", 1, 2)
    assert buf.getvalue() == ""
    with terminal.Progress(buf, enabled=True, description="Indexing") as bar:
        bar.update("reading", 0, 0)
        for done in range(4):
            bar.update("indexing", done, 3)
        bar.update("writing segments", 0, 0)
        bar.update("committing", 0, 0)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buf.getvalue())
    assert "Reading" in plain and "Indexing" in plain and "3/3" in plain
    # The phases after the last article are named, without a count of files.
    tail = plain[plain.index("Writing segments"):]
    assert "Committing" in tail and "/" not in tail and "files/s" not in tail


# --- pager --------------------------------------------------------------------------------


def _lines(n: int) -> Callable[[TextIO], None]:
    def render(f: TextIO) -> None:
        f.write(_lines_text(n))

    return render


def test_page_writes_directly_unless_a_tall_text_on_a_terminal(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    paged = tmp_path / "paged"
    monkeypatch.setenv("PAGER", f"sh -c 'cat > {paged}'")
    for tty, n in ((False, 50), (True, 23)):
        buf = io.StringIO()
        paging.page(_lines(n), buf, tty=tty)
        assert buf.getvalue() == _lines_text(n)
    assert not paged.exists()
    buf = io.StringIO()
    paging.page(_lines(24), buf, tty=True)
    assert buf.getvalue() == ""
    assert paged.read_text() == _lines_text(24)


def test_page_falls_back_when_the_pager_cannot_start(monkeypatch: pytest.MonkeyPatch) -> None:
    for pager in ("/nonexistent/pager -x", "cat", "", "unbalanced 'quote"):
        monkeypatch.setenv("PAGER", pager)
        buf = io.StringIO()
        paging.page(_lines(30), buf, tty=True)
        assert buf.getvalue() == _lines_text(30)


def test_page_survives_a_pager_that_quits_early(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGER", "true")  # exits without reading: the write meets a broken pipe
    buf = io.StringIO()
    paging.page(_lines(20_000), buf, tty=True)
    assert buf.getvalue() == ""


def test_narrow_terminal_still_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    text, n = hits("table", with_query=True)
    assert n == 2
    assert rstripped(text) == """\
query: shared
#   Published    Title
──────────────────────────────
1   2011-06-06   Resistance to
                 shared
                 services
                 …to shared
                 services is…

2                Evil
                 [bold]x[/bol…
                 red
                 [link=http:/…
                 …Verwaltung
                 link end
"""


def _lines_text(n: int) -> str:
    return "".join(f"line {i}\n" for i in range(n))


def test_import_is_cheap_and_machine_formats_do_not_load_rich() -> None:
    code = ("import sys, io\nfrom egovsearch.output import formats as output\nfrom tests.test_output import RESULT\n"
            "for f in ('tsv','json','jsonl','csv','paths','ids'):\n"
            "    output.write_hits([('q', RESULT)], f, io.StringIO(), color=False)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'whoosh', 'typer')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parent.parent)
    assert done.stdout == "[]\n"
