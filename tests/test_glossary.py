"""The glossary of --cross-language (egovsearch/query/glossary.py): the shipped file,
its format and errors, and lookups of inflected, folded and compound forms both ways."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from egovsearch.core.errors import ExitCode, GlossaryError
from egovsearch.query import glossary as g

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped() -> g.Glossary:
    return g.load()


def test_the_shipped_file_parses_and_has_300_distinct_entries_each_way(shipped: g.Glossary) -> None:
    assert g.SHIPPED == REPO / "egovsearch" / "data" / "glossary.tsv"
    assert len(shipped.keys("de")) >= 300
    assert len(shipped.keys("en")) >= 300
    # Compounds are entries of their own, not only their parts.
    assert {("burgerportal",), ("onlinezugangsgesetz",), ("datenschutzbeauftragt",)} <= shipped.keys("de")


@pytest.mark.parametrize(("lang", "words", "expected"), [
    # the examples of issue 18, as written
    ("de", "Datenschutz", ("data protection", "privacy")),
    ("de", "Bürgerportal", ("citizen portal", "citizens' portal")),
    ("de", "Kommune", ("municipality", "local authority", "local government")),
    ("de", "Onlinezugangsgesetz", ("Online Access Act", "OZG")),
    ("de", "Bundesministerium des Innern", ("Federal Ministry of the Interior",)),
    ("en", "data protection", ("Datenschutz",)),
    ("en", "citizen portal", ("Bürgerportal",)),
    ("en", "Online Access Act", ("Onlinezugangsgesetz", "OZG")),
    ("en", "Federal Ministry of the Interior", ("Bundesministerium des Innern", "Bundesinnenministerium")),
    # inflected forms
    ("de", "Verwaltungen", ("administration", "public administration")),
    ("de", "Behörden", ("authority", "agency", "public authority")),
    ("de", "elektronischen Akten", ("electronic file", "electronic record", "e-file")),
    ("en", "municipalities", ("Kommune", "Gemeinde")),
    ("en", "tenders", ("Ausschreibung",)),
    ("en", "agencies", ("Behörde", "Dienststelle")),
    ("en", "DATA PROTECTION OFFICERS", ("Datenschutzbeauftragter",)),
    # folded and transliterated forms
    ("de", "Behoerde", ("authority", "agency", "public authority")),
    ("de", "BEHORDEN", ("authority", "agency", "public authority")),
    ("de", "Buergerportal", ("citizen portal", "citizens' portal")),
    ("de", "Buergerportale", ("citizen portal", "citizens' portal")),
    # a compound that is no entry: the phrase of its two parts' translations
    ("de", "Datenschutzkonzept", ("data protection concept", "privacy concept", "data protection plan",
                                  "privacy plan")),
    ("de", "Verwaltungsportale", ("administration portal", "government portal")),  # (an entry of its own)
    # (Dienstleistung and Dienstleister share the stem dienstleist, in the index too)
    ("de", "Bürgerdienstleistung", ("citizen service", "citizen service provider", "citizen provider")),
    # hyphenated terms, with or without the hyphen
    ("de", "E-Akte", ("e-file", "electronic file", "electronic record")),
    ("de", "eAkte", ("e-file", "electronic file", "electronic record")),
    ("en", "e-procurement", ("E-Vergabe", "elektronische Vergabe")),
    # nothing: no entry, a stop word, a compound of a non-entry
    ("de", "Papageientaucher", ()),
    ("de", "die", ()),
    ("en", "the", ()),
    ("de", "Hausdatenschutz", ()),
])
def test_lookups(shipped: g.Glossary, lang: str, words: str, expected: tuple[str, ...]) -> None:
    assert shipped.translations(lang, words.split()) == expected


def test_longest_entry_begun_by_consecutive_words(shipped: g.Glossary) -> None:
    assert shipped.longest("en", ["data", "protection", "officers", "said"]) == (
        3, ("Datenschutzbeauftragter",))
    assert shipped.longest("en", ["data", "protection", "rules"]) == (2, ("Datenschutz",))
    assert shipped.longest("de", ["Elektronische", "Akte", "Kommune"]) == (
        2, ("electronic file", "electronic record", "e-file"))
    assert shipped.longest("de", ["Verwaltung"]) == (0, ())  # one word: translations() is for that
    assert shipped.longest("de", ["Datenschutz", "Papier"]) == (0, ())


def test_format_comments_blank_lines_alternatives_and_a_bom() -> None:
    text = ("\ufeff# a comment\n\n  \nAmtsschimmel\tred tape|bureaucracy  # a note\n"
            "Kita|Kindertagesstätte\tday nursery\r\n\t\n")
    assert g.parse_entries(text, "mine.tsv") == [
        ("Amtsschimmel", "red tape"), ("Amtsschimmel", "bureaucracy"),
        ("Kita", "day nursery"), ("Kindertagesstätte", "day nursery")]
    gl = g.Glossary(g.parse_entries(text, "mine.tsv"))
    assert gl.translations("de", ["Kindertagesstätten"]) == ("day nursery",)
    assert gl.translations("en", ["day", "nurseries"]) == ("Kita", "Kindertagesstätte")
    assert gl.translations("en", ["bureaucracy"]) == ("Amtsschimmel",)


def test_entries_of_several_lines_for_one_term_are_merged_in_file_order() -> None:
    gl = g.Glossary(g.parse_entries("Amt\toffice\nÄmter\tauthority\nAmt\toffice\n", "x"))
    # Ämter is Amt after folding and stemming: one entry, each translation once
    assert gl.translations("de", ["Amt"]) == gl.translations("de", ["Ämtern"]) == ("office", "authority")
    assert gl.translations("en", ["offices"]) == ("Amt",)


@pytest.mark.parametrize(("text", "line", "reason"), [
    ("Behörde authority\n", 1, "no tab between the German and the English side"),
    ("# fine\nBehörde\tauthority\n\nAmt\n", 4, "no tab between the German and the English side"),
    ("Behörde\tauthority\tagency\n", 1, "3 tab-separated parts; an entry is german<TAB>english"),
    ("Behörde\tauthority|\n", 1, "an empty term ('|' at an end, or '||')"),
    ("Behörde||Amt\tauthority\n", 1, "an empty term ('|' at an end, or '||')"),
    ("Behörde\t...\n", 1, "'...' has no word in it"),
])
def test_malformed_lines_name_the_file_and_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError) as e:
        g.load(str(path))
    assert str(e.value) == f"glossary {path}, line {line}: {reason}"
    assert e.value.exit_code == ExitCode.ERROR == 2


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match=r"^glossary .*missing\.tsv: no such file$"):
        g.load(str(tmp_path / "missing.tsv"))
    with pytest.raises(GlossaryError, match=r"^glossary .*: is a directory, not a file$"):
        g.load(str(tmp_path))
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes("Amt\toffice\nBeh\xf6rde\tauthority\n".encode("latin-1"))
    with pytest.raises(GlossaryError, match=r"latin1\.tsv, line 2: not UTF-8 text$"):
        g.load(str(latin1))


def test_user_entries_are_added_to_the_shipped_ones_and_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text("Amtsschimmel\tred tape\n", encoding="utf-8")
    mine = g.load(str(path))
    assert mine.translations("de", ["Amtsschimmel"]) == ("red tape",)
    assert mine.translations("en", ["red", "tape"]) == ("Bürokratie", "Amtsschimmel")  # shipped first
    assert mine.translations("de", ["Datenschutz"]) == ("data protection", "privacy")
    assert g.load(str(path)) is mine  # kept for the process
    path.write_text("Amtsschimmel\tofficialdom\n", encoding="utf-8")
    assert g.load(str(path)).translations("de", ["Amtsschimmel"]) == ("officialdom",)
    assert g.load().translations("de", ["Amtsschimmel"]) == ()


def test_ordinary_queries_do_not_load_the_glossary(tmp_path: Path) -> None:
    """Only -x reads the glossary (start-up of other queries is unchanged)."""
    code = (
        "import sys, pathlib\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "from egovsearch.engine.writer import update_index\n"
        "from egovsearch.query.run import search\n"
        "from egovsearch.core.models import SearchRequest\n"
        f"ix = pathlib.Path({str(tmp_path)!r}) / 'index'\n"
        f"update_index(pathlib.Path({str(REPO / 'seeds')!r}), ix, jobs=1)\n"
        "print(search(ix, SearchRequest('shared services')).total, 'egovsearch.query.glossary' in sys.modules)\n"
        "print(search(ix, SearchRequest('gemeinsame Dienste', cross_language=True)).total,"
        " 'egovsearch.query.glossary' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["1 False", "1 True"]
