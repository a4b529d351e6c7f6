"""One query pipeline for every command: compile is pure (nodes, no index),
the engine's reader runs the nodes, snippets and suggestions are made only when
asked for, and every command that runs a query finds what ``search`` finds."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from indexing_support import make_archive, page

from egovsearch.core.errors import ArticleNotFound, QueryError
from egovsearch.core.models import SearchRequest
from egovsearch.engine import nodes as n
from egovsearch.engine.writer import update_index
from egovsearch.query import explore, run
from egovsearch.query.compile import compile_request

PACKAGE = Path(__file__).parent.parent / "egovsearch"


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pipeline")
    update_index(make_archive(root / "archive"), root / "index", jobs=1)
    return root / "index"


def _en_de(en: str, de: str) -> n.AnyOf:
    return n.AnyOf((n.Term("body_en", en), n.Term("body_de", de)))


# --- compile: pure ----------------------------------------------------------------


def test_compile_needs_no_index(tmp_path: Path) -> None:
    """Even a title: query compiles where there is no index: nothing is searched."""
    c = compile_request(tmp_path / "no-index", SearchRequest("title:council services"))
    # One query per language, over its own field (issue 14), ORed.
    assert c.query == n.AnyOf(tuple(
        n.AllOf((n.InTitle(n.Term(f"body_{lang}", "council"), scan=40, words=(n.TitleWords(lang, (("council",),)),)),
                 n.Term(f"body_{lang}", "servic")))
        for lang in ("en", "de")))
    assert c.filter is None
    assert c.terms == {"en": frozenset({"council", "servic"}), "de": frozenset({"council", "servic"})}
    assert c.explain[0] == "en: council -> council" and c.explain[3] == "de: council -> council"
    assert isinstance(c.explain[1], n.InTitle) and isinstance(c.explain[4], n.InTitle)  # counted when run
    assert (c.explain[2], c.explain[5]) == ("en: services -> servic", "de: services -> servic")


@pytest.mark.parametrize(("text", "query"), [
    ('"shared services"', n.AnyOf((n.Phrase("body_en", ("share", "servic"), offsets=(1,)),
                                   n.Phrase("body_de", ("shared", "servic"), offsets=(1,))))),
    ('"Digitalisierung der Verwaltung"', n.AnyOf((
        n.Phrase("body_en", ("digitalisierung", "der", "verwaltung"), offsets=(1, 1)),
        n.Phrase("body_de", ("digitalisier", "verwalt"), offsets=(2,))))),  # "der": a German stop word
    ("NOT services", n.AnyOf(tuple(n.AllOf((n.Term("language", lang), n.Not(n.Term(f"body_{lang}", "servic"))))
                                   for lang in ("en", "de")))),
    # Without an index no vocabulary: a wildcard finds its prefix as a word.
    ("servic*", _en_de("servic", "servic")),
    ("2020*", n.AnyOf((n.Prefix("body_en", "2020"), n.Prefix("body_de", "2020")))),  # not letters: index terms
    ("title:serv*", n.AnyOf(tuple(n.InTitle(n.Term(f"body_{lang}", "serv"), scan=0, prefix="serv")
                                  for lang in ("en", "de")))),
    ("published:2020", n.DateRange(date(2020, 1, 1), date(2020, 12, 31))),
    # English words keep one form: "issues" is no transliteration (issue 14).
    ('"key issues"', n.AnyOf((n.Phrase("body_en", ("key", "issu"), offsets=(1,)),
                              n.Phrase("body_de", ("key", "issus"), offsets=(1,))))),
    ("the government", n.AnyOf((n.Term("body_en", "govern"),
                                n.AllOf((n.Term("body_de", "the"), n.Term("body_de", "government")))))),
])
def test_compiled_nodes(text: str, query: n.Node) -> None:
    assert compile_request(None, SearchRequest(text)).query == query


def test_filters_alone_are_the_query() -> None:
    c = compile_request(None, SearchRequest(sources=("Heise Online",), language="de", since=date(2020, 1, 1)))
    assert c.query is None
    assert c.runnable() == (n.AllOf((n.AnyOf((n.Term("source_key", "heise online"),)), n.Term("language", "de"),
                                     n.DateRange(date(2020, 1, 1), None))), None)
    assert compile_request(None, SearchRequest()).runnable() == (n.Every(), None)


def test_compile_errors_are_query_errors() -> None:
    with pytest.raises(QueryError, match="only stop words"):
        compile_request(None, SearchRequest("in"))
    with pytest.raises(QueryError, match="language must be de or en"):
        compile_request(None, SearchRequest("language:fr"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_query_modules_and_nodes_import_no_whoosh() -> None:
    files = [*sorted((PACKAGE / "query").glob("*.py")), PACKAGE / "engine" / "nodes.py"]
    assert len(files) > 5
    for path in files:
        assert not {m for m in _imports(path) if m.split(".")[0] == "whoosh"}, path.name
    assert "egovsearch.engine.search" not in _imports(PACKAGE / "query" / "compile.py")


# --- run: snippets and suggestions only when asked ---------------------------------


def _fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("called")


def test_without_snippets_no_page_is_read(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with_snippets = run.search(ix, SearchRequest("shared services"))
    assert with_snippets.hits[0].snippet and with_snippets.hits[0].marks
    monkeypatch.setattr("egovsearch.core.archive.parse_file", _fail)
    monkeypatch.setattr("egovsearch.query.snippets.parse_file", _fail)
    bare = run.search(ix, SearchRequest("shared services"), snippets=False)
    assert [(h.snippet, h.marks) for h in bare.hits] == [("", ())] * len(with_snippets.hits)
    assert [h.id for h in bare.hits] == [h.id for h in with_snippets.hits]
    assert [h.score for h in bare.hits] == [h.score for h in with_snippets.hits]
    with pytest.raises(AssertionError, match="called"):  # the test sees a page being read
        run.search(ix, SearchRequest("shared services"))


def test_without_suggest_no_suggester_runs(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run.search(ix, SearchRequest("servises")).suggestion == "services"
    monkeypatch.setattr("egovsearch.query.suggest.suggest", _fail)
    assert run.search(ix, SearchRequest("servises"), suggest=False).suggestion is None
    with pytest.raises(AssertionError, match="called"):
        run.search(ix, SearchRequest("servises"))


# --- every command through the same runner -----------------------------------------


QUERIES = ["services", "Behörde", "digital OR council", "NOT services", "title:council", "title:Akt*",
           '"shared services"', "published:[2019 TO]", "Verwaltung"]


@pytest.mark.parametrize("text", QUERIES)
def test_timeline_and_export_find_what_search_finds(ix: Path, text: str) -> None:
    found = run.search(ix, SearchRequest(text, limit=None))
    assert found.total == len(found.hits)
    if text != "NOT services":
        assert found.total > 0, text
    assert explore.timeline(ix, SearchRequest(text)).total == found.total
    assert [a.path for a in explore.export(ix, SearchRequest(text))] == sorted(h.path for h in found.hits)


def test_explain_counts_title_candidates(ix: Path) -> None:
    assert run.explain(ix, SearchRequest("title:council")) == [
        "en: council -> council", "en: title: 1 of 1 candidate articles",
        "de: council -> council", "de: title: 0 of 0 candidate articles"]
    assert run.explain(ix, SearchRequest("title:officials")) == [
        "en: officials -> offici", "en: title: 0 of 1 candidate articles",
        "de: officials -> official", "de: title: 0 of 0 candidate articles"]


def test_show_highlight_compiles_without_searching(ix: Path) -> None:
    art, marks, _, _ = explore.article(ix, "00000000000000a3", highlight="title:council")
    assert [art.body[a:b] for a, b in marks] == ["council"]


def test_similar_through_the_reader(ix: Path) -> None:
    result = explore.similar(ix, "00000000000000a3")
    assert all(h.id != "00000000000000a3" for h in result.hits)
    assert result.total == len(result.hits)


KEY_ISSUES = {  # id -> the lead's words around "key issues"; a5, a8, a9 say the phrase
    "a5": "moved its key issues for payroll", "a6": "moved its issues key for payroll",
    "a7": "moved its key and issues for payroll", "a8": "moved the Key Issues of payroll",
    "a9": "noted a key issue for payroll", "aa": "moved its main issues and a key for payroll",
}


def test_phrase_with_alternatives_finds_the_phrase(tmp_path: Path) -> None:
    """An English phrase with a ue/ae/oe word ("issues") was a Sequence of
    alternatives that raised AttributeError; English words now have one form
    and every phrase is the project's phrase code. Only pages with the phrase
    match, in timeline and export as in search, with the scores of Whoosh's
    own Phrase search."""
    from whoosh.query import Or, Phrase

    from egovsearch.engine import scoring
    from egovsearch.engine.search import open_reader

    pages = {f"{i:03d}_00000000000000{key}.txt": page(f"The council {words}.", "Officials said so.")
             for i, (key, words) in enumerate(KEY_ISSUES.items())}
    update_index(make_archive(tmp_path / "archive", pages, seed=False), tmp_path / "index", jobs=1)
    index = tmp_path / "index"
    request = SearchRequest('"key issues"', limit=None)
    found = run.search(index, request)
    expected = ["00000000000000a5", "00000000000000a8", "00000000000000a9"]
    assert sorted(h.id for h in found.hits) == expected
    assert explore.timeline(index, request).total == 3
    assert sorted(a.id for a in explore.export(index, request)) == expected
    with open_reader(index) as reader:
        q = reader._query(compile_request(index, request).runnable()[0])
        assert all(type(sub) is scoring.FastPhrase for sub in q.subqueries)
        plain = Or([Phrase(sub.fieldname, sub.words) for sub in q.subqueries])
        whoosh = sorted((hit.score, hit.docnum) for hit in reader._s.search(plain, limit=None))
        assert sorted(scoring.matches(reader._s, q)) == whoosh


def test_every_command_on_an_index_of_an_empty_folder(tmp_path: Path) -> None:
    """An empty index is an index: nothing found, nothing damaged."""
    (tmp_path / "archive").mkdir()
    index = tmp_path / "index"
    update_index(tmp_path / "archive", index, jobs=1)
    assert explore.stats(index).articles == 0
    assert explore.sources(index) == []
    assert explore.timeline(index, SearchRequest("digital")).total == 0
    assert explore.timeline(index, SearchRequest(sources=("Heise",))).periods == ()
    for sort in ("relevance", "newest", "oldest"):
        assert run.search(index, SearchRequest("digital", sort=sort)).total == 0
    assert run.search(index, SearchRequest("NOT digital", limit=None)).hits == ()
    assert list(explore.export(index, SearchRequest("digital"))) == []
    assert run.explain(index, SearchRequest("title:digital"))[-1] == "de: title: 0 of 0 candidate articles"
    with pytest.raises(ArticleNotFound):
        explore.similar(index, "00000000000000a1")
    with pytest.raises(ArticleNotFound):
        explore.article(index, "00000000000000a1")
