"""The strict query language: exact trees, exact error messages, and fuzzing of the
parser alone and of the whole query path through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from egovsearch.cli.app import app
from egovsearch.core.errors import ExitCode, QueryError
from egovsearch.engine.writer import update_index
from egovsearch.query.parse import And, Not, Or, Phrase, Range, Wildcard, Word, parse

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
W = Word


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("shared", W("shared")),
        ("  shared  ", W("shared")),
        ("shared services", And((W("shared"), W("services")))),
        ('"shared services"', Phrase("shared services")),
        ('"shared services" Wales', And((Phrase("shared services"), W("Wales")))),
        ("a AND b", And((W("a"), W("b")))),
        ("a OR b", Or((W("a"), W("b")))),
        ("a OR b c", Or((W("a"), And((W("b"), W("c")))))),  # AND binds tighter than OR
        ("a b OR c", Or((And((W("a"), W("b"))), W("c")))),
        ("a OR b AND c", Or((W("a"), And((W("b"), W("c")))))),
        ("(a OR b) c", And((Or((W("a"), W("b"))), W("c")))),
        ("a AND (b OR c)", And((W("a"), Or((W("b"), W("c")))))),
        ("((a))", W("a")),
        ("NOT a", Not(W("a"))),
        ("a NOT b", And((W("a"), Not(W("b"))))),
        ("a AND NOT b", And((W("a"), Not(W("b"))))),
        ("NOT NOT a", Not(Not(W("a")))),
        (
            "and or not",
            And((W("and"), W("or"), W("not"))),
        ),  # operators only in capitals
        ("title:foo", W("foo", "title")),
        ("Title:foo", W("foo", "title")),
        ("body:foo", W("foo", "body")),
        ("source:Kable", W("Kable", "source")),
        ('source:"Behörden Spiegel"', Phrase("Behörden Spiegel", "source")),
        ("language:de", W("de", "language")),
        ("lang:de", W("de", "language")),
        ('title:"a b"', Phrase("a b", "title")),
        ("title:(a OR b)", Or((W("a", "title"), W("b", "title")))),
        ("title:(a NOT b)", And((W("a", "title"), Not(W("b", "title"))))),
        ("verwalt*", Wildcard("verwalt*")),
        ("te?t", Wildcard("te?t")),
        ("title:foo*", Wildcard("foo*", "title")),
        ("published:2011", W("2011", "published")),
        ("published:[2010 TO 2012]", Range("published", "2010", "2012")),
        ("published:[2010 to 2012]", Range("published", "2010", "2012")),
        ("date:[2010 TO 2012]", Range("published", "2010", "2012")),
        ("published:[2010 TO]", Range("published", "2010", None)),
        ("published:{TO 31.12.2011}", Range("published", None, "31.12.2011")),
        (
            "Verwaltung published:[2019-11 TO 2024]",
            And((W("Verwaltung"), Range("published", "2019-11", "2024"))),
        ),
        ("e-government C++ foo.bar", And((W("e-government"), W("C++"), W("foo.bar")))),
        ("Behörden Straße", And((W("Behörden"), W("Straße")))),
    ],
)
def test_exact_trees(text: str, tree: object) -> None:
    assert parse(text) == tree


@pytest.mark.parametrize("text", [None, "", "   ", "\t\n"])
def test_empty_query_is_none(text: str | None) -> None:
    assert parse(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"shared services', "unbalanced quotes: a '\"' is not closed"),
        ('shared services"', "unbalanced quotes: a '\"' is not closed"),
        ('"a" "b', "unbalanced quotes: a '\"' is not closed"),
        ("(a OR b", "unbalanced parentheses: a '(' is not closed"),
        ("((a)", "unbalanced parentheses: a '(' is not closed"),
        ("a OR b)", "unbalanced parentheses: a ')' has no matching '('"),
        (")(", "unbalanced parentheses: a ')' has no matching '('"),
        ("AND", "'AND' needs a search term on each side"),
        ("OR", "'OR' needs a search term on each side"),
        ("NOT", "'NOT' needs a search term after it"),
        ("a AND", "'AND' needs a search term on each side"),
        ("AND a", "'AND' needs a search term on each side"),
        ("a OR", "'OR' needs a search term on each side"),
        ("OR a", "'OR' needs a search term on each side"),
        ("a NOT", "'NOT' needs a search term after it"),
        ("a AND OR b", "'AND' needs a search term on each side"),
        ("(a AND)", "'AND' needs a search term on each side"),
        ("()", "empty parentheses '()' in the query"),
        ("a () b", "empty parentheses '()' in the query"),
        ("title:()", "empty parentheses '()' in the query"),
        ('""', 'empty phrase "" in the query'),
        ("title:", "'title:' needs a value right after the colon"),
        ("title: x", "'title:' needs a value right after the colon"),
        ("published:[2010", "unbalanced brackets: a '[' is not closed"),
        ("published:{2010 TO 2012", "unbalanced brackets: a '{' is not closed"),
        (
            "published:[2010 2012]",
            "a range needs the form [from TO to], not '[2010 2012]'",
        ),
        (
            "published:[2010 TO 2011 TO 2012]",
            "a range needs the form [from TO to], not '[2010 TO 2011 TO 2012]'",
        ),
        ("published:[TO]", "a range needs at least one end"),
        (
            "[2010 TO 2012]",
            "a range [a TO b] needs a field, e.g. published:[2010 TO 2012]",
        ),
        ("*", "the wildcard '*' needs at least one letter"),
        ("a ?*", "the wildcard '?*' needs at least one letter"),
        ("a\x00b", "the query contains a NUL character"),
    ],
)
def test_query_errors(text: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(text)
    assert str(info.value) == message
    assert info.value.exit_code == ExitCode.ERROR


@pytest.mark.parametrize("depth", [10, 300, 3000])
def test_deep_nesting_parses_or_is_a_query_error(depth: int) -> None:
    """Deep nesting either parses or is refused with a QueryError; never RecursionError."""
    for text, expected in (
        ("(" * depth + "a" + ")" * depth, W("a")),
        ("NOT " * depth + "a", _nots(depth, W("a"))),
    ):
        try:
            tree = parse(text)
        except QueryError as e:
            assert "\n" not in str(e)
            continue
        assert tree == expected


def _nots(depth: int, leaf: Word) -> object:
    tree: object = leaf
    for _ in range(depth):
        tree = Not(tree)  # type: ignore[arg-type]
    return tree


# --- fuzzing ------------------------------------------------------------------------------

PIECES = [
    "AND",
    "OR",
    "NOT",
    "TO",
    "(",
    ")",
    '"',
    "[",
    "]",
    "{",
    "}",
    ":",
    "*",
    "?",
    "-",
    " ",
    "  ",
    "\t",
    "\n",
    "title:",
    "body:",
    "source:",
    "published:",
    "lang:",
    "foo:",
    "published:[",
    "shared",
    "services",
    "Verwaltung",
    "Behörden",
    "ß",
    "ä",
    "2011",
    "31.02.2011",
    "06.06.2011",
    "\x1b[31m",
    "\x1b",
    "\u200b",
    "\ufeff",
    "[bold]",
    "[/bold]",
    "x",
    "é",
    "日本",
]
QUERIES = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=8).map(" ".join),
)


@settings(max_examples=600, derandomize=True, deadline=None)
@given(QUERIES)
def test_parser_raises_only_query_error(text: str) -> None:
    try:
        tree = parse(text)
    except QueryError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert tree is None or isinstance(
        tree, (Word, Phrase, Wildcard, Range, And, Or, Not)
    )
    assert (tree is None) == (not text.strip())


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.lists(
        st.from_regex(r"[A-Za-z0-9äöüß]{1,8}", fullmatch=True).filter(
            lambda w: w not in ("AND", "OR", "NOT")
        ),
        min_size=1,
        max_size=6,
    )
)
def test_plain_words_are_an_and_of_words(words: list[str]) -> None:
    tree = parse(" ".join(words))
    assert tree == (W(words[0]) if len(words) == 1 else And(tuple(W(w) for w in words)))


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("mini-ql") / "index"
    update_index(MINI, index, jobs=1)
    return index


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    text=st.one_of(
        QUERIES, st.integers(150, 400).map(lambda n: "(" * n + "portal" + ")" * n)
    ),
    fmt=st.sampled_from(["ids", "json", "tsv", "table", "csv"]),
)
def test_cli_random_queries_never_crash(ix: Path, text: str, fmt: str) -> None:
    # "--": a query starting with "-" is still the query, not an option
    result = CliRunner().invoke(
        app, ["query", "-f", fmt, "--index", str(ix), "--", text]
    )
    # CliRunner reports an escaped exception as exit 1: only SystemExit is a clean exit
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        text,
        result.exception,
    )
    assert result.exit_code in (0, 1, 2), (
        text,
        result.exit_code,
        result.stderr,
        result.exception,
    )
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    if result.exit_code == 2:
        assert result.stdout == ""
        err = result.stderr
        assert (
            err.startswith("Error: ") and err.endswith("\n") and err.count("\n") == 1
        ), err
    else:
        assert "Error" not in result.stderr


@pytest.mark.parametrize(("text", "tree"), [
    ("foo:bar", Word("foo:bar")),
    ("http://example.com", Word("http://example.com")),
    ("a:b:c", Word("a:b:c")),
    ("https://example.com/x?y=1", Word("https://example.com/x?y=1")),
    ("title:http://example.com", Word("http://example.com", "title")),
])
def test_a_name_that_is_no_field_is_text_not_syntax(text: str, tree: object) -> None:
    assert parse(text) == tree


def test_limits_on_length_and_number_of_terms() -> None:
    assert parse("x" * 1000) == Word("x" * 1000)
    with pytest.raises(QueryError, match="^the query is 1,001 characters long; the limit is 1,000$"):
        parse("x" * 1001)
    parse(" ".join(["w"] * 64))
    with pytest.raises(QueryError, match="^the query has 65 words and phrases; the limit is 64$"):
        parse(" ".join(["w"] * 65))


def test_messages_quote_undecodable_input_escaped() -> None:
    # An undecodable byte of the command line reaches Python as a surrogate.
    with pytest.raises(QueryError) as info:
        parse("published:[\udcff 2012]")
    assert str(info.value) == "a range needs the form [from TO to], not '[\\xff 2012]'"
