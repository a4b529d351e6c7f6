"""Unit tests of egovsearch.core.compounds on a small hand-written vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egovsearch.core.compounds import DEFAULT_RULE, RULES, compounds_of
from egovsearch.core.vocab import Vocabulary, write_vocabulary

COUNTS = {
    "portal": 9,
    "portale": 3,
    "portals": 2,
    "burger": 8,
    "burgerportal": 5,
    "serviceportal": 6,
    "service": 4,
    "portalgebuhren": 1,
    "gebuhr": 2,
    "wahl": 7,
    "wahlen": 3,
    "auswahl": 4,
    "bundestag": 3,
    "bundestagswahl": 2,
    "landtag": 1,
    "landtagswahlen": 1,
    "verwaltung": 6,
    "digitalisierung": 5,
    "verwaltungsdigitalisierung": 2,
    "oberburgermeister": 3,
    "augsburger": 2,
    "landschaft": 2,
    "land": 5,
    "fordern": 2,
    "fordermittel": 1,
    "mittel": 4,
    "widerstand": 1,
    "stand": 3,
}
VOCAB = Vocabulary.from_counts(COUNTS)


def test_examples_from_the_brief() -> None:
    assert compounds_of("portal", VOCAB) == ["serviceportal", "burgerportal", "portalgebuhren"]
    assert compounds_of("digitalisierung", VOCAB) == ["verwaltungsdigitalisierung"]
    assert compounds_of("wahl", VOCAB) == ["bundestagswahl", "landtagswahlen"]


def test_word_itself_and_its_inflections_are_not_compounds() -> None:
    result = compounds_of("portal", VOCAB)
    assert "portal" not in result and "portale" not in result and "portals" not in result
    assert "wahlen" not in compounds_of("wahl", VOCAB)


def test_modifier_position_with_a_word_as_head() -> None:
    assert compounds_of("burger", VOCAB) == ["burgerportal"]  # not oberburgermeister, augsburger
    assert compounds_of("verwaltung", VOCAB) == ["verwaltungsdigitalisierung"]  # linking -s-


def test_modifier_from_a_verb_stem() -> None:
    assert compounds_of("mittel", VOCAB) == ["fordermittel"]  # förder- from fördern


def test_non_word_remainders_are_rejected_by_the_default_rule() -> None:
    assert compounds_of("land", VOCAB) == []  # landschaft: "schaft" is no word here
    assert compounds_of("land", VOCAB, rule="head|modifier") == ["landschaft", "landtagswahlen"]


def test_parts_shorter_than_four_letters_are_never_split_off() -> None:
    for rule in RULES:
        assert "auswahl" not in compounds_of("wahl", VOCAB, rule=rule)
    assert compounds_of("amt", VOCAB) == []
    assert compounds_of("tag", VOCAB, rule="substring") == []


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("substring", ["burgerportal", "oberburgermeister", "augsburger"]),
        ("head", ["augsburger"]),
        ("head+affix", ["augsburger"]),
        ("head+vocab", []),
        ("head|modifier", ["burgerportal", "augsburger"]),
        ("head|modifier+affix", ["burgerportal", "augsburger"]),
        ("head|modifier+vocab", ["burgerportal"]),
    ],
)
def test_each_rule_on_burger(rule: str, expected: list[str]) -> None:
    assert compounds_of("burger", VOCAB, rule=rule) == expected


def test_affix_rule_drops_particles_and_suffixes() -> None:
    assert compounds_of("stand", VOCAB, rule="head") == ["widerstand"]
    assert compounds_of("stand", VOCAB, rule="head+affix") == []
    assert compounds_of("land", VOCAB, rule="head|modifier+affix") == ["landtagswahlen"]  # not -schaft


def test_sorted_by_document_frequency_then_word_and_limited() -> None:
    vocab = Vocabulary.from_counts({"aaaaportal": 1, "bbbbportal": 3, "ccccportal": 3, "portal": 1})
    assert compounds_of("portal", vocab, rule="head") == ["bbbbportal", "ccccportal", "aaaaportal"]
    assert compounds_of("portal", vocab, rule="head", limit=2) == ["bbbbportal", "ccccportal"]
    assert compounds_of("portal", vocab, rule="head", limit=0) == []


def test_default_rule_is_a_known_rule() -> None:
    assert DEFAULT_RULE in RULES


def test_count_and_membership() -> None:
    assert len(VOCAB) == len(COUNTS)
    assert VOCAB.count("portal") == 9
    assert VOCAB.count("wahl") == 7
    assert VOCAB.count("aaaa") == 0 and VOCAB.count("zzzz") == 0 and VOCAB.count("") == 0
    assert VOCAB.count("porta") == 0 and VOCAB.count("portalx") == 0
    assert "stand" in VOCAB and "stan" not in VOCAB and 3 not in VOCAB
    assert VOCAB.words() == sorted(COUNTS)


def test_from_words_counts_occurrences_and_drops_short_words() -> None:
    vocab = Vocabulary.from_words(["wahl", "wahl", "aus", "bundestagswahl", "two words"])
    assert vocab.words() == ["bundestagswahl", "wahl"]
    assert vocab.count("wahl") == 2


def test_empty_vocabulary() -> None:
    empty = Vocabulary.from_counts({})
    assert len(empty) == 0 and empty.count("wahl") == 0
    assert compounds_of("wahl", empty) == []


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "vocab.txt"
    write_vocabulary(path, COUNTS)
    loaded = Vocabulary.read(path)
    assert loaded.words() == sorted(COUNTS)
    assert [loaded.count(w) for w in sorted(COUNTS)] == [COUNTS[w] for w in sorted(COUNTS)]
    assert compounds_of("portal", loaded) == compounds_of("portal", VOCAB)
    assert [p.name for p in tmp_path.iterdir()] == ["vocab.txt"]  # no temp file left


def test_load_rejects_other_files(tmp_path: Path) -> None:
    path = tmp_path / "other.txt"
    path.write_text("just some text\nwithout tabs\n", encoding="utf-8")
    with pytest.raises(ValueError):
        Vocabulary.read(path)
    with pytest.raises(OSError):
        Vocabulary.read(tmp_path / "missing.txt")


_words = st.text(alphabet="abdeghilnorstu", min_size=1, max_size=12)


@settings(derandomize=True, max_examples=200)
@given(st.dictionaries(_words, st.integers(1, 50), max_size=40), _words)
def test_count_agrees_with_the_dict(counts: dict[str, int], probe: str) -> None:
    vocab = Vocabulary.from_counts(counts)
    stored = {w: n for w, n in counts.items() if len(w) >= 4}
    for w, n in stored.items():
        assert vocab.count(w) == n
    assert vocab.count(probe) == stored.get(probe, 0)


@settings(derandomize=True, max_examples=200)
@given(st.dictionaries(_words, st.integers(1, 50), max_size=40), _words)
def test_results_contain_the_word_and_are_never_it(counts: dict[str, int], word: str) -> None:
    vocab = Vocabulary.from_counts(counts)
    for rule in RULES:
        result = compounds_of(word, vocab, rule=rule)
        assert len(result) == len(set(result))
        for cand in result:
            assert word in cand and cand != word and len(cand) >= len(word) + 4
