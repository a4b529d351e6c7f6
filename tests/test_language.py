"""German/English detection: exact answers on short, tricky and fixture texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from egovsearch.core.archive import iter_archive, read_article
from egovsearch.core.errors import NotAnArticle
from egovsearch.core.language import detect_language

FIXTURES = Path(__file__).parent / "fixtures" / "archive"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain short sentences
        ("Die Stadt führt die E-Akte ein.", "de"),
        ("The council has launched a new portal.", "en"),
        ("Das Portal ist online.", "de"),
        ("It is online now.", "en"),
        # English naming German places and ministries: umlauts must not outvote it
        ("The pilot in Düsseldorf and München was a success for the Bundesministerium.", "en"),
        ("Officials from Zürich said the app is popular with residents.", "en"),
        # German full of English loanwords
        ("Der Cloud Service und die Open Data Plattform sind live.", "de"),
        ("Das E-Government Gesetz gilt ab sofort für alle Behörden.", "de"),
        # headlines without a single function word: spelling cues decide
        ("Veranstaltung diskutierten Vertreter", "de"),
        ("Registermodernisierung kommt langsam voran", "de"),
        ("Rural broadband rollout falls behind schedule", "en"),
        ("Digital identity scheme delayed", "en"),
        # an umlaut alone is German; nothing at all is English (the majority)
        ("Bürgerbüro", "de"),
        ("Portal", "en"),
        ("", "en"),
        ("2011 2012 – 42", "en"),
        # case and punctuation do not matter
        ("DIE BEHÖRDE UND DER BÜRGER.", "de"),
        ("THE AGENCY AND THE CITIZENS.", "en"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def _fixture_articles() -> list[tuple[str, str]]:
    out = []
    for f in iter_archive(FIXTURES):
        try:
            article, _ = read_article(FIXTURES, f.relpath)
        except NotAnArticle:
            continue
        out.append((article.body, article.language))
    return out


def test_fixture_articles_cover_both_languages() -> None:
    langs = [lang for _, lang in _fixture_articles()]
    assert langs.count("de") == 9 and langs.count("en") == 10


def test_every_six_word_window_of_the_fixtures_is_right() -> None:
    """Short snippets cut from each fixture article (534 windows of six words,
    sliding by one word) get the article's language."""
    wrong = []
    total = 0
    for body, lang in _fixture_articles():
        words = body.split()
        for i in range(len(words) - 5):
            snippet = " ".join(words[i : i + 6])
            total += 1
            if detect_language(snippet) != lang:
                wrong.append(snippet)
    assert total == 534
    assert wrong == []


def test_long_text_is_bounded_but_still_decided() -> None:
    english = "The council said the plan was ready. " * 500
    assert detect_language(english) == "en"
    assert detect_language(english + "Die Behörde und der Bürger. " * 500) == "en"  # only the start counts
    assert detect_language("Die Behörde und der Bürger. " * 500) == "de"
