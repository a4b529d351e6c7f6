"""Queries as people type them (issue 14), on hand-written pages with exact ids.

Pages: tests/fixtures/queries/ (a... English, d... German). Each test is named
after the case of the issue it checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from egovsearch import api
from egovsearch.cli.app import app
from egovsearch.core.errors import QueryError
from egovsearch.core.models import SearchRequest

FIXTURES = Path(__file__).parent / "fixtures" / "queries"
EN = {f"a{i:015x}" for i in range(1, 6)}
DE = {f"d{i:015x}" for i in range(1, 7)}


def a(n: int) -> str:
    return f"a{n:015x}"


def d(n: int) -> str:
    return f"d{n:015x}"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("queries") / "index"
    api.update_index(FIXTURES, directory)
    return directory


def found(index_dir: Path, query: str, **kw: object) -> set[str]:
    result = api.search(index_dir, SearchRequest(query=query, limit=None, **kw),  # type: ignore[arg-type]
                        snippets=False, suggest=False)
    return {h.id for h in result.hits}


# -- stop words: each language's articles are matched by that language's analysis --

def test_the_government_is_government_among_english_articles(index_dir: Path) -> None:
    assert found(index_dir, "government") == {a(1), a(2), d(6)}  # d6: "E-Government und Open Government"
    assert found(index_dir, "the government") == {a(1), a(2)}  # "the" is an ordinary German word
    assert found(index_dir, "the government", language="en") == found(index_dir, "government", language="en")


def test_die_verwaltung_is_verwaltung_among_german_articles(index_dir: Path) -> None:
    for q in ("die Verwaltung", "in der Verwaltung", "der Verwaltung"):
        assert found(index_dir, q, language="de") == found(index_dir, "Verwaltung", language="de"), q
    assert found(index_dir, "Verwaltung") == {d(1), d(3), d(4), d(5)}


def test_stop_words_inside_english_queries(index_dir: Path) -> None:
    assert found(index_dir, "cloud and data") == found(index_dir, "cloud data") == {a(1), a(2)}
    assert found(index_dir, "the shared services") == found(index_dir, "shared services") == {a(1)}


def test_eine_behoerde(index_dir: Path) -> None:
    assert found(index_dir, "eine Behörde") == found(index_dir, "Behörde")
    assert {d(1), d(2)} <= found(index_dir, "eine Behörde")


def test_cyber_war_keeps_war_for_english_articles(index_dir: Path) -> None:
    # "war" is a German stop word ("Cyber war ein Thema") and an English word.
    assert found(index_dir, "cyber war") == {a(3), d(4)}
    assert found(index_dir, "war") == {a(3)}


def test_die_den_man_are_english_words(index_dir: Path) -> None:
    assert found(index_dir, "man die den") == {a(5)}


def test_a_query_of_stop_words_in_every_language_is_an_error(index_dir: Path) -> None:
    with pytest.raises(QueryError, match="stop words"):
        found(index_dir, "in an")


def test_repeated_words_count_once(index_dir: Path) -> None:
    assert found(index_dir, "Verwaltung Verwaltung") == found(index_dir, "Verwaltung")
    assert found(index_dir, "government government") == found(index_dir, "government")


# -- phrases --

@pytest.mark.parametrize(("phrase", "ids"), [
    ('"key issues"', {a(1)}),
    ('"main issues"', {a(4)}),
    ('"media influence"', {a(4)}),
    ('"shared services"', {a(1)}),
    ('"Digitalisierung der Verwaltung"', {d(4)}),
])
def test_phrases_with_ue_ae_oe_and_stop_words(index_dir: Path, phrase: str, ids: set[str]) -> None:
    assert found(index_dir, phrase) == ids


def test_a_phrase_keeps_its_stop_words_as_positions(index_dir: Path) -> None:
    assert found(index_dir, '"Digitalisierung Verwaltung"') == set()  # d4 has a word between
    # Exactly one word between, not "up to one": the page has "Digitalisierung der Verwaltung".
    assert found(index_dir, '"Digitalisierung der der Verwaltung"') == set()
    assert found(index_dir, '"Digitalisierung die Verwaltung"') == {d(4)}  # any word: stop words are not indexed


def test_leading_and_trailing_stop_words_of_a_phrase_cannot_be_checked(index_dir: Path) -> None:
    # Stop words are not indexed, so "in der" before the word constrains nothing.
    assert found(index_dir, '"in der Verwaltung"', language="de") == found(index_dir, '"Verwaltung"', language="de")


# -- several arguments, blank queries, text that is not syntax --

@pytest.mark.parametrize(("query", "ids"), [
    ("http://example.com", {a(4)}),
    ("info@example.org", {a(4)}),
    ("§ 5", {d(3)}),
    ("4.0", {a(5)}),
    ("Bund/Länder", {d(3)}),
    ("E-Akte", {d(2)}),
    ("Art. 3 GG", {d(3)}),
])
def test_text_that_is_not_syntax_is_searched_as_text(index_dir: Path, query: str, ids: set[str]) -> None:
    assert found(index_dir, query) == ids


def test_an_emoji_query_has_no_searchable_words(index_dir: Path) -> None:
    with pytest.raises(QueryError, match="no searchable words"):
        found(index_dir, "\U0001F600")


# -- wildcards on folded, unstemmed word forms --

def test_german_wildcards_fold_umlauts_and_transliterations(index_dir: Path) -> None:
    got = found(index_dir, "Behörde*")
    assert got == found(index_dir, "Behoerde*") == found(index_dir, "behorde*")
    assert found(index_dir, "Behörden") <= got
    assert got == {d(1), d(2), d(5)}


def test_a_wildcard_finds_at_least_the_word(index_dir: Path) -> None:
    assert found(index_dir, "Verwaltung") <= found(index_dir, "Verwaltung*")


def test_english_wildcards(index_dir: Path) -> None:
    assert found(index_dir, "authorit*") == {a(3)}


# -- through the command line --

runner = CliRunner()


def cli(index_dir: Path, *args: str) -> Result:
    return runner.invoke(app, [*args, "--index", str(index_dir)])


def test_several_arguments_are_one_query(index_dir: Path) -> None:
    unquoted = cli(index_dir, "query", "cloud", "data", "-f", "ids")
    quoted = cli(index_dir, "query", "cloud data", "-f", "ids")
    assert unquoted.exit_code == quoted.exit_code == 0
    assert unquoted.stdout == quoted.stdout
    assert sorted(unquoted.stdout.split()) == [a(1), a(2)]
    for command in ("timeline", "export"):
        assert cli(index_dir, command, "cloud", "data").stdout == cli(index_dir, command, "cloud data").stdout


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_query_without_a_filter_is_an_error(index_dir: Path, blank: str) -> None:
    r = cli(index_dir, "query", blank)
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: ") and "blank QUERY" in r.stderr
    assert cli(index_dir, "query", blank, "--lang", "de", "-f", "ids").exit_code == 0  # filters alone: fine


@pytest.mark.parametrize(("ref", "shown"), [("\udcff", "\\xff"), ("", ""), ("  ", "")])
def test_an_id_that_cannot_be_an_id(index_dir: Path, ref: str, shown: str) -> None:
    for command in ("show", "similar"):
        r = cli(index_dir, command, ref)
        assert (r.exit_code, r.stdout) == (2, "")
        assert r.stderr == f"Error: no article with the id or path '{shown}'\n"


def test_messages_quote_input_escaped(index_dir: Path) -> None:
    r = cli(index_dir, "query", "x", "--since", "\udcff")
    assert r.exit_code == 2
    assert r.stderr.startswith("Error: cannot understand the date '\\xff' (")
    r = cli(index_dir, "query", "\U0001F600")
    assert r.stderr == "Error: the query '\U0001F600' has no searchable words\n"


def test_hostile_length_is_an_error_not_a_long_run(index_dir: Path) -> None:
    r = cli(index_dir, "query", "a" * 1001)
    assert (r.exit_code, r.stderr) == (2, "Error: the query is 1,001 characters long; the limit is 1,000\n")
    r = cli(index_dir, "query", *["word"] * 65)
    assert (r.exit_code, r.stderr) == (2, "Error: the query has 65 words and phrases; the limit is 64\n")
    assert cli(index_dir, "query", "a" * 1000, "--count").exit_code == 1  # answers: no hit


def test_a_wildcard_of_too_many_words_is_an_error(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from egovsearch.query import compile as compiler

    monkeypatch.setattr(compiler, "MAX_EXPANSION", 3)
    with pytest.raises(QueryError, match=r"^the wildcard 'd\*' matches more than 3 words; make it longer$"):
        found(index_dir, "d*")


def test_explain_shows_dropped_stop_words_and_forms(index_dir: Path) -> None:
    r = cli(index_dir, "query", "--explain", "cyber war")
    assert r.stdout.splitlines() == [
        "en: cyber -> cyber", "en: war -> war",
        "de: cyber -> cyb", "de: war -> (a stop word in German: left out)",
    ]


def test_not_not_is_the_query_itself(index_dir: Path) -> None:
    assert found(index_dir, "NOT NOT Verwaltung") == found(index_dir, "Verwaltung")
    assert found(index_dir, "NOT " * 30 + "Verwaltung") == found(index_dir, "Verwaltung")
    assert found(index_dir, "NOT " * 31 + "Verwaltung") == found(index_dir, "NOT Verwaltung")
    assert found(index_dir, "NOT Verwaltung") == (EN | DE) - found(index_dir, "Verwaltung")


def test_a_single_letter_is_not_called_a_stop_word(index_dir: Path) -> None:
    with pytest.raises(QueryError, match="or single letters"):
        found(index_dir, "x")
    r = cli(index_dir, "query", "--explain", "x government")
    assert r.stdout.splitlines()[0] == "en: x -> (a single letter: not indexed: left out)"
