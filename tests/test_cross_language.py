"""--cross-language (-x) end to end through the CLI, on a small bilingual archive
written here: German and English articles on the same subjects.

====================  ====  ==============================================================
id                    lang  about
====================  ====  ==============================================================
00000000000000e1      en    new data protection rules for every municipality
00000000000000e2      en    a municipality's tender for an electronic file system
00000000000000e3      en    a file sent by electronic mail (the words, not the phrase)
00000000000000e4      en    cutting red tape for small firms
00000000000000d1      de    das neue Bürgerportal der Stadt
00000000000000d2      de    der Datenschutz in den Behörden
00000000000000d3      de    die Ausschreibung der Kommune für die elektronische Akte
====================  ====  ==============================================================
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from indexing_support import make_archive, page
from typer.testing import CliRunner, Result

from egovsearch.cli.app import app
from egovsearch.engine.writer import update_index

E1, E2, E3, E4 = (f"00000000000000e{i}" for i in range(1, 5))
D1, D2, D3 = (f"00000000000000d{i}" for i in range(1, 4))

PAGES = {
    f"001_{E1}.txt": page("Regulators published new data protection rules for every municipality in the country.",
                          "Officials said the rules would take effect next year.",
                          source="Computer Weekly", published="12.03.2015"),
    f"002_{E2}.txt": page("The municipality published a tender for an electronic file system for its offices.",
                          "Suppliers have until March to send their bids.",
                          source="Public Service", published="05.05.2016"),
    f"003_{E3}.txt": page("The file was sent to the council by electronic mail on Monday.",
                          "Nobody had read it by the end of the week.",
                          source="Public Service", published="06.06.2017"),
    f"004_{E4}.txt": page("The council promised to cut red tape for small firms in the county.",
                          "Business owners welcomed the plans.",
                          source="Kable", published="07.07.2018"),
    f"005_{D1}.txt": page("Das neue Bürgerportal der Stadt ist seit Montag online und bündelt alle Anträge.",
                          "Die Stadt verspricht kürzere Wartezeiten für alle Einwohner.",
                          source="Heise Online", published="01.02.2019"),
    f"006_{D2}.txt": page("Der Landesbeauftragte kritisiert den Datenschutz in den Behörden des Landes scharf.",
                          "Viele Ämter hätten ihre Pflichten vernachlässigt.",
                          source="Heise Online", published="01.02.2020"),
    f"007_{D3}.txt": page("Die Kommune hat die Ausschreibung für die elektronische Akte veröffentlicht.",
                          "Angebote können bis Ende März eingereicht werden.",
                          source="eGovernment Computing", published="08.07.2021"),
}

runner = CliRunner()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("xl")
    archive = make_archive(root / "archive", PAGES, seed=False)
    index = root / "index"
    assert update_index(archive, index, jobs=1).added == len(PAGES)
    return index


def run(index: Path, *args: str) -> Result:
    return runner.invoke(app, [*args, "--index", str(index)])


def ids(index: Path, *args: str, code: int = 0) -> list[str]:
    """The ids `query ARGS -f ids` prints, in rank order (checking the exit code)."""
    r = run(index, "query", *args, "-f", "ids", "--all")
    assert r.exit_code == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    return r.stdout.split()


def one_line_error(r: Result) -> str:
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert r.stdout == "" and r.stderr.startswith("Error: ") and r.stderr.count("\n") == 1, r.stderr
    return r.stderr


def test_a_german_query_finds_the_english_article_only_with_x(ix: Path) -> None:
    assert ids(ix, "Datenschutz") == [D2]
    assert set(ids(ix, "Datenschutz", "-x")) == {E1, D2}
    assert set(ids(ix, "Datenschutz", "--cross-language")) == {E1, D2}


def test_an_english_phrase_finds_the_german_compound_only_with_x(ix: Path) -> None:
    assert ids(ix, '"citizen portal"', code=1) == []
    assert ids(ix, '"citizen portal"', "-x") == [D1]
    assert ids(ix, "citizen", "portal", "-x") == [D1]  # consecutive words: the entry too


def test_inflected_and_folded_forms_find_the_other_language(ix: Path) -> None:
    assert set(ids(ix, "Behoerden", "-x")) == {D2}  # (authority, agency: no English article has them)
    assert set(ids(ix, "Kommunen", "-x")) == {E1, E2, D3}
    assert set(ids(ix, "municipalities", "-x")) == {E1, E2, D3}
    assert set(ids(ix, "tenders", "-x")) == {E2, D3}
    assert ids(ix, "tenders") == [E2]


def test_explain_shows_each_translation(ix: Path) -> None:
    r = run(ix, "query", "Datenschutz", "-x", "--explain")
    assert (r.exit_code, r.stderr) == (0, "")
    assert r.stdout == (
        "en: Datenschutz -> datenschutz\n"
        'de->en: Datenschutz -> "data protection", privacy\n'
        'en: "data protection" -> "data protect"\n'
        "en: privacy -> privaci\n"
        "de: Datenschutz -> datenschutz\n"
    )
    r = run(ix, "query", '"citizen portal"', "-x", "--explain")
    assert r.stdout == (
        'en: "citizen portal" -> "citizen portal"\n'
        'de: "citizen portal" -> "citiz portal"\n'
        'en->de: "citizen portal" -> Bürgerportal\n'
        "de: Bürgerportal -> burgerportal\n"
    )
    r = run(ix, "query", "elektronische", "Akte", "-x", "--explain")
    assert 'de->en: "elektronische Akte" -> "electronic file", "electronic record", e-file' in r.stdout.splitlines()
    # without -x: no translation line
    assert "->en:" not in run(ix, "query", "Datenschutz", "--explain").stdout


def test_a_translated_phrase_stays_a_phrase(ix: Path) -> None:
    assert set(ids(ix, '"elektronische Akte"', "-x")) == {E2, D3}  # not E3: electronic ... file
    assert set(ids(ix, "elektronische", "Akte", "-x")) == {E2, D3}


def test_not_excludes_the_translations_too(ix: Path) -> None:
    assert set(ids(ix, "Kommune", "NOT", "Datenschutz", "-x")) == {E2, D3}
    assert set(ids(ix, "Kommune", "-x")) == {E1, E2, D3}


def test_or_groups_and_fields(ix: Path) -> None:
    assert set(ids(ix, "(Bürgerportal", "OR", "Ausschreibung)", "-x")) == {E2, D1, D3}
    # title: the translation is checked against the title too (E1's title has "data protection")
    assert set(ids(ix, "title:Datenschutz", "-x")) == {E1, D2}
    assert ids(ix, "title:Datenschutz") == [D2]
    assert ids(ix, "title:Wartezeiten", "-x", code=1) == []  # D1 has it, in its second sentence


def test_user_glossary_by_option_and_environment(ix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text("# my entries\nAmtsschimmel\tred tape\n", encoding="utf-8")
    assert ids(ix, "Amtsschimmel", "-x", code=1) == []
    assert ids(ix, "Amtsschimmel", "-x", "--glossary", str(mine)) == [E4]
    monkeypatch.setenv("EGOVSEARCH_GLOSSARY", str(mine))
    assert ids(ix, "Amtsschimmel", "-x") == [E4]
    assert ids(ix, "Amtsschimmel", code=1) == []  # the file counts only with -x
    r = run(ix, "query", "Amtsschimmel", "-x", "--explain")
    assert 'de->en: Amtsschimmel -> "red tape"' in r.stdout.splitlines()


def test_bad_glossary_files_are_one_line_errors(ix: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("Amtsschimmel\tred tape\n# fine\nAmtsschimmel red tape\n", encoding="utf-8")
    r = run(ix, "query", "Datenschutz", "-x", "--glossary", str(bad))
    assert one_line_error(r) == f"Error: glossary {bad}, line 3: no tab between the German and the English side\n"
    r = run(ix, "query", "Datenschutz", "-x", "--glossary", str(tmp_path / "none.tsv"))
    assert one_line_error(r) == f"Error: glossary {tmp_path / 'none.tsv'}: no such file\n"
    # not read without -x
    assert ids(ix, "Datenschutz", "--glossary", str(bad)) == [D2]
    # timeline and export report it the same way
    for command in ("timeline", "export"):
        r = run(ix, command, "Datenschutz", "-x", "--glossary", str(bad))
        assert one_line_error(r).endswith(", line 3: no tab between the German and the English side\n")


def test_edge_cases_behave_as_without_x(ix: Path) -> None:
    # only stop words: the same error as without -x
    plain, cross = run(ix, "query", "in", "an"), run(ix, "query", "in", "an", "-x")
    assert one_line_error(cross) == one_line_error(plain)
    # no query at all: the same usage error; with a filter every article of it
    assert one_line_error(run(ix, "query", "-x")) == one_line_error(run(ix, "query"))
    assert ids(ix, "-x", "--lang", "de") == ids(ix, "--lang", "de")
    # a repeated word counts once, and is explained once
    assert ids(ix, "Datenschutz", "Datenschutz", "-x") == ids(ix, "Datenschutz", "-x")
    lines = run(ix, "query", "Datenschutz", "Datenschutz", "-x", "--explain").stdout.splitlines()
    assert len(lines) == len(set(lines)) == 5
    # a word without a translation is searched as it is
    assert ids(ix, "Landesbeauftragte", "-x") == ids(ix, "Landesbeauftragte") == [D2]
    assert "->" not in "".join(ln.split(": ", 1)[0] for ln in run(
        ix, "query", "Landesbeauftragte", "-x", "--explain").stdout.splitlines())


def test_timeline_export_and_sources_take_x(ix: Path) -> None:
    r = run(ix, "timeline", "Datenschutz", "-x", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert [p for p in json.loads(r.stdout) if p["count"]] == [{"period": "2015", "count": 1},
                                                               {"period": "2020", "count": 1}]
    r = run(ix, "export", "Datenschutz", "-x")
    assert r.exit_code == 0, r.stderr
    assert {json.loads(line)["id"] for line in r.stdout.splitlines()} == {E1, D2}
    r = run(ix, "sources", "Datenschutz", "-x", "-f", "json")
    assert sorted(s["source"] for s in json.loads(r.stdout)) == ["Computer Weekly", "Heise Online"]


def test_watch_add_stores_x(ix: Path) -> None:
    r = run(ix, "watch", "add", "dp", "Datenschutz", "-x", "--from-start")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == "watch dp: 2 current hits, its first run prints all of them\n"
    (saved,) = json.loads(run(ix, "watch", "list", "-f", "json").stdout)
    assert (saved["cross_language"], saved["glossary"]) == (True, None)
    r = run(ix, "watch", "run", "dp", "-f", "ids")
    assert r.exit_code == 0, r.stderr
    assert set(r.stdout.split()) == {E1, D2}
    assert "Datenschutz -x" in run(ix, "watch", "list").stdout


def test_watch_add_keeps_the_glossary_as_an_absolute_path(ix: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mine.tsv").write_text("Amtsschimmel\tred tape\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = run(ix, "watch", "add", "tape", "Amtsschimmel", "-x", "--glossary", "mine.tsv")
    assert (r.exit_code, r.stderr) == (0, "watch tape: 1 current hit, recorded as seen\n")
    (saved,) = [w for w in json.loads(run(ix, "watch", "list", "-f", "json").stdout) if w["name"] == "tape"]
    assert (saved["cross_language"], saved["glossary"]) == (True, str(tmp_path / "mine.tsv"))
    # without -x the file is not kept (nor read)
    r = run(ix, "watch", "add", "plain", "Amtsschimmel", "--glossary", "none.tsv")
    assert r.exit_code == 0, r.stderr
    (plain,) = [w for w in json.loads(run(ix, "watch", "list", "-f", "json").stdout) if w["name"] == "plain"]
    assert "cross_language" not in plain


def test_translations_a_query_adds_are_bounded() -> None:
    from egovsearch.core.models import SearchRequest
    from egovsearch.query.compile import MAX_TRANSLATIONS, compile_request

    words = ["Digitalisierung", "Verwaltung", "Kommune", "Gemeinde", "Behörde", "Ausschreibung", "Datenschutz",
             "Personalausweis", "Stadtverwaltung", "Innenministerium", "Finanzministerium", "Bürokratieabbau",
             "Verwaltungsmodernisierung", "Genehmigung", "Zulassung", "Sicherheitslücke", "Gesundheitswesen",
             "Umsatzsteuer", "Vergabeverfahren", "Gutachten"]
    explain = [line for line in compile_request(None, SearchRequest(" OR ".join(words), cross_language=True)).explain
               if isinstance(line, str) and line.startswith("de->en: ")]
    assert explain[-1] == f"de->en: at most {MAX_TRANSLATIONS} translations a query; further words are searched as typed"
    used = sum(len(line.split(" -> ", 1)[1].split(", ")) for line in explain[:-1])
    assert used == MAX_TRANSLATIONS


def test_stdin_batches_and_snippets_use_the_translations(ix: Path) -> None:
    r = runner.invoke(app, ["query", "--stdin", "-x", "-f", "ids", "--all", "--index", str(ix)],
                      input="Bürgerportal\ndata protection\n")
    assert r.exit_code == 0, r.stderr
    first, *second = r.stdout.split()
    assert first == D1 and set(second) == {E1, D2}  # "data protection" -> Datenschutz
    from egovsearch.core.models import SearchRequest
    from egovsearch.query.run import search

    (hit,) = [h for h in search(ix, SearchRequest("Datenschutz", cross_language=True)).hits if h.id == E1]
    assert [hit.snippet[a:b] for a, b in hit.marks] == ["data", "protection"]
