"""Properties of queries as people type them (issue 14), on the hand-written
pages of tests/fixtures/bilingual and tests/fixtures/queries together:

- adding a stop word of language L to a query leaves the matching articles of
  language L unchanged;
- a phrase's hits always contain the phrase (checked on each hit's own text),
  and every page whose text holds the phrase's words literally, in order, is a
  hit (a regular expression over the pages: an oracle independent of the
  index). Phrases are drawn from the pages themselves, 2 to 6 words long, so
  they hold stop words, umlauts and transliterations, hyphens and compounds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from egovsearch import api
from egovsearch.core.archive import parse_file
from egovsearch.core.errors import QueryError
from egovsearch.core.models import Article, SearchRequest
from egovsearch.engine.analysis import LANGUAGES, WORD_RE, analysis

FIXTURES = Path(__file__).parent / "fixtures"
SETTINGS = settings(derandomize=True, max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Article]]:
    root = tmp_path_factory.mktemp("props")
    archive = root / "archive"
    archive.mkdir()
    for folder in ("bilingual", "queries"):
        for page in (FIXTURES / folder).glob("*.txt"):
            shutil.copy(page, archive / f"{folder[0]}{page.name}")
    index = root / "index"
    api.update_index(archive, index, jobs=1)
    articles = {a.id: a for a in (parse_file(p, archive) for p in sorted(archive.glob("*.txt")))}
    return index, articles


def _found(index: Path, query: str, language: str | None = None) -> set[str]:
    result = api.search(index, SearchRequest(query=query, language=language, limit=None),
                        snippets=False, suggest=False)
    return {h.id for h in result.hits}


def _content_words() -> list[str]:
    """Words of the pages that are no stop word in either language."""
    words: set[str] = set()
    for folder in ("bilingual", "queries"):
        for page in (FIXTURES / folder).glob("*.txt"):
            text = page.read_text(encoding="utf-8")
            words.update(w for w in WORD_RE.findall(text) if len(w) > 3 and w.isalpha()
                         and all(analysis(lang).word_terms(w) for lang in LANGUAGES))
    return sorted(words)


CONTENT = _content_words()
STOP = {lang: sorted(w for w in analysis(lang).stopwords if w.isalpha() and len(w) > 1) for lang in LANGUAGES}


@SETTINGS
@given(lang=st.sampled_from(LANGUAGES), words=st.lists(st.sampled_from(CONTENT), min_size=1, max_size=3),
       data=st.data())
def test_a_stop_word_of_a_language_leaves_its_articles_unchanged(
        corpus: tuple[Path, dict[str, Article]], lang: str, words: list[str], data: st.DataObject) -> None:
    index, _ = corpus
    stop = data.draw(st.sampled_from(STOP[lang]))
    where = data.draw(st.integers(0, len(words)))
    with_stop = [*words[:where], stop, *words[where:]]
    assert _found(index, " ".join(with_stop), lang) == _found(index, " ".join(words), lang)


def _positions(article: Article) -> dict[int, frozenset[str]]:
    """Position -> terms of an article's body, as the index numbers them."""
    out: dict[int, set[str]] = {}
    poses, _ = analysis(article.language).postings(article.body)
    for term, plist in poses.items():
        for p in plist:
            out.setdefault(p, set()).add(term)
    return {p: frozenset(ts) for p, ts in out.items()}


def _contains(article: Article, phrase: str) -> bool:
    """The article's text holds the phrase: its words' terms at consecutive
    positions, a stop word (no term) standing for any one word."""
    wanted = analysis(article.language).phrase_terms(phrase)
    while wanted and not wanted[0]:
        wanted.pop(0)
    while wanted and not wanted[-1]:
        wanted.pop()
    if not wanted:
        return False
    have = _positions(article)
    return any(all(not ts or set(ts) & have.get(start + i, frozenset()) for i, ts in enumerate(wanted))
               for start in have)


def _searchable(phrase: str, lang: str) -> bool:
    """The phrase has a word that is no stop word in `lang` (a phrase of stop
    words only cannot be looked for among that language's articles: stop
    words are not indexed)."""
    return any(analysis(lang).phrase_terms(phrase))


def _literal(phrase: str) -> re.Pattern[str]:
    """The phrase's words in this order, separated by anything that is not a word."""
    return re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in WORD_RE.findall(phrase)) + r"(?!\w)",
                      re.IGNORECASE)


@SETTINGS
@given(data=st.data())
def test_a_phrase_finds_exactly_the_pages_that_hold_it(corpus: tuple[Path, dict[str, Article]],
                                                      data: st.DataObject) -> None:
    index, articles = corpus
    source = data.draw(st.sampled_from(sorted(articles)))
    words = WORD_RE.findall(articles[source].body)
    length = data.draw(st.integers(2, 6))
    assume(len(words) >= length)
    start = data.draw(st.integers(0, len(words) - length))
    phrase = " ".join(words[start:start + length])
    try:
        hits = _found(index, f'"{phrase}"')
    except QueryError:  # only stop words in both languages (or single letters): nothing to search
        assume(False)
        return
    pattern = _literal(phrase)
    literal = {aid for aid, a in articles.items() if pattern.search(a.body) and _searchable(phrase, a.language)}
    assert source in literal or not _searchable(phrase, articles[source].language)
    assert literal <= hits, f"{phrase!r}: pages holding it literally are missed"
    for aid in hits:
        assert _contains(articles[aid], phrase), f"{phrase!r}: {aid} does not hold it"


@pytest.mark.parametrize("phrase", [
    "Digitalisierung der Verwaltung", "key issues", "main issues", "media influence",
    "E-Akte ein", "Bund/Länder-Kooperation nach", "die Behoerde setzt", "Behörden in rasantem Tempo",
    "shared services", "cloud strategy for the public sector",
])
def test_phrases_of_every_shape(corpus: tuple[Path, dict[str, Article]], phrase: str) -> None:
    index, articles = corpus
    hits = _found(index, f'"{phrase}"')
    literal = {aid for aid, a in articles.items() if _literal(phrase).search(a.body)}
    assert literal and all(_searchable(phrase, articles[aid].language) for aid in literal)
    assert literal <= hits
    assert all(_contains(articles[aid], phrase) for aid in hits)
