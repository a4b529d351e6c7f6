"""Repairs reported (issue 18): what the reader repaired in each page is counted
at parse time (Article.repairs), kept with the index (the stored `repairs`
field, only on articles that needed one) and reported by `doctor`: -f json
overall and per source, a table on a terminal; an index built before this
reports them as not recorded, never as 0. A page repaired for mojibake is found
by its repaired words."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from egovsearch import api
from egovsearch.cli.app import app
from egovsearch.core import archive
from egovsearch.core.archive import parse_bytes
from egovsearch.core.models import Article, SearchRequest
from egovsearch.core.reports import Health, Repairs, SourceRepairs
from egovsearch.engine import schema
from egovsearch.engine.health import health
from egovsearch.engine.writer import update_index
from egovsearch.output import formats
from tests.indexing_support import bump_mtime, page, write_page

runner = CliRunner()

CLEAN = "Die Behörde führt die elektronische Akte in allen Ämtern ein."


def repairs_of(data: bytes | str) -> tuple[tuple[str, int], ...]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return parse_bytes(raw, "x.txt").repairs


# --- counted per page ---------------------------------------------------------------------


@pytest.mark.parametrize(("paragraph", "expected"), [
    ("Die BehÃ¶rde und die Ã¶ffentliche Verwaltung.", (("mojibake", 2),)),
    ("Die\u00c2\u00a0GebÃ¼hr steigt um 5 â‚¬.", (("mojibake", 3),)),  # NBSP, ü and the euro sign
    ("Bund &amp; Länder, &quot;Portal&quot;, &auml;, &#8211; und &#x41;.", (("entities", 6),)),
    ("Unbekannt: &foo; und ?a=1&b=2 bleiben stehen.", ()),  # no entity: text, not a repair
    ("Die <b>neue</b> Akte<br/>kommt <span class=\"x\">bald</span>.", (("tags", 5),)),
    ("Vergleich: a < b und x<y and z>w bleiben [bold]Text[/bold].", ()),  # no HTML tag names
    ("Die Akte <!-- teaser --> kommt <!-- ad -->bald.", (("comments", 2),)),
    ("Die Akte <!-- nie geschlossen kommt.", ()),  # an unterminated comment stays text
    ("Die \x1b[31mAkte\x1b[0m kommt \x1b]0;title\x07bald.", (("escapes", 3),)),
    ("Die Ak\u00adte kommt\x07 bald\u200e.", (("controls", 3),)),  # soft hyphen, BEL, LRM
    ("Die <b>BehÃ¶rde</b> &amp; \x1b[1mdas\x1b[0m Amt\x0b.", (("controls", 1), ("entities", 1), ("escapes", 2),
                                                               ("mojibake", 1), ("tags", 2))),
    (CLEAN, ()),
])
def test_each_kind_is_counted(paragraph: str, expected: tuple[tuple[str, int], ...]) -> None:
    assert repairs_of(page(paragraph)) == expected


def test_an_entity_that_decodes_to_an_invisible_character_is_counted_as_both() -> None:
    # "&shy;" decodes to a soft hyphen, which the last step drops.
    article = parse_bytes(page("Die Ak&shy;te kommt.").encode("utf-8"), "x.txt")
    assert (article.repairs, article.body) == ((("controls", 1), ("entities", 1)), "Die Akte kommt.")


@pytest.mark.parametrize(("data", "expected"), [
    (page("Die Behörde „öffentlich“ – heute.").encode("cp1252"), "cp1252"),  # quotes and dash: 0x84 0x93 0x96
    (page(CLEAN).encode("latin-1"), "latin-1"),  # umlauts only: the bytes read the same in both
    (b"\xef\xbb\xbf" + page("Die Behörde „öffentlich“.").encode("cp1252"), "cp1252"),  # a UTF-8 BOM that lies
    (page(CLEAN).encode("utf-16"), "utf-16"),  # with a byte-order mark
    (page(CLEAN).encode("utf-16-le"), "utf-16"),  # without one
    (page(CLEAN).encode("utf-16-be"), "utf-16"),
    (page(CLEAN).encode("utf-32"), "utf-32"),
])
def test_a_legacy_encoding_is_counted_by_name(data: bytes, expected: str) -> None:
    article = parse_bytes(data, "x.txt")
    assert article.repairs == ((f"encoding:{expected}", 1),)
    assert "Behörde" in article.body


@pytest.mark.parametrize("data", [
    page(CLEAN).encode("utf-8"),
    b"\xef\xbb\xbf" + page(CLEAN).encode("utf-8"),  # a UTF-8 BOM is UTF-8
    page(CLEAN).replace("\n", "\r\n").encode("utf-8"),  # Windows line ends are not damage
    page(CLEAN.replace("ö", "o\u0308")).encode("utf-8"),  # decomposed umlauts are normalised, not repaired
])
def test_a_clean_page_has_no_repairs(data: bytes) -> None:
    assert parse_bytes(data, "x.txt").repairs == ()


def test_clean_text_adds_its_counts_to_the_dict_given() -> None:
    counts = {"tags": 1}
    assert archive.clean_text("<b>a &amp; b</b>", counts) == "a & b"
    assert counts == {"tags": 3, "entities": 1}
    assert archive.clean_text("<b>x</b>") == "x"  # counting is optional


@given(st.text(alphabet="&#;xX0129aAbmplugt<> \n", max_size=40))
def test_entities_decode_exactly_as_html_unescape(text: str) -> None:
    out, _ = archive._subn_changed(archive._CHARREF, archive._unescape_match(), text)
    assert out == html.unescape(text)


def test_repairs_are_frozen_and_sorted_and_not_in_the_json_contract() -> None:
    article = parse_bytes(page("Die <b>BehÃ¶rde</b> &amp; das Amt.").encode("utf-8"), "x.txt")
    assert article.repairs == (("entities", 1), ("mojibake", 1), ("tags", 2))
    assert "repairs" not in article.to_dict()


# --- kept with the index --------------------------------------------------------------------


def _article(repairs: tuple[tuple[str, int], ...]) -> Article:
    return Article(id="00000000000000a1", path="a.txt", title="T.", body="T.", source=None, published=None,
                   crawled=None, language="de", words=1, repairs=repairs)


def test_the_document_holds_repairs_only_when_there_are_some() -> None:
    assert "repairs" not in schema.document(_article(()), "1 2 h")
    fixes = (("encoding:cp1252", 1), ("entities", 3))
    doc = schema.document(_article(fixes), "1 2 h")
    assert doc["repairs"] == "encoding:cp1252=1 entities=3"
    assert schema.unpack_repairs(doc["repairs"]) == fixes
    assert schema.unpack_repairs("tags=2 garbled =3 x=") == (("tags", 2),)


# A small archive of three publications, and articles without a source line.
PAGES: dict[str, str | bytes] = {
    "001_00000000000000a1.txt": page("Die BehÃ¶rde stellt die Ã¶ffentliche Verwaltung auf Akten um.",
                                     source="Heise Online", published="01.02.2019"),
    "002_00000000000000a2.txt": page("Die Kommune digitalisiert ihre Bauanträge.", source="Heise Online",
                                     published="02.02.2019"),
    "003_00000000000000a3.txt": page("Shared services &amp; the <b>cloud</b> cut costs.",
                                     source="Public Service", published="05.05.2020"),
    "004_00000000000000a4.txt": page("Die Gebühr für den „Bürgerservice“ sinkt.", source="Public Service",
                                     published="06.05.2020").encode("cp1252"),
    "005_00000000000000a5.txt": page("Estonia extends its digital identity cards.", source="Kable",
                                     published="12.03.2015"),
    "006_00000000000000a6.txt": ("Monday, 16.09.2024\n\nThe council\x1b[1m moved\x1b[0m its payroll online.\n"),
}

EXPECTED_REPAIRS = {
    "recorded": True,
    "repaired": 4,
    "counts": {"encoding:cp1252": 1, "entities": 1, "escapes": 2, "mojibake": 2, "tags": 2},
    "by_source": [
        {"source": "Public Service", "articles": 2, "repaired": 2,
         "counts": {"encoding:cp1252": 1, "entities": 1, "tags": 2}},
        {"source": "Heise Online", "articles": 2, "repaired": 1, "counts": {"mojibake": 2}},
        {"source": None, "articles": 1, "repaired": 1, "counts": {"escapes": 2}},
    ],
}


def _archive(root: Path, pages: dict[str, str | bytes] = PAGES) -> Path:
    for rel, text in pages.items():
        write_page(root, rel, text)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("repairs")
    archive_dir = _archive(root / "archive")
    index = root / "index"
    update_index(archive_dir, index, jobs=1)
    return archive_dir, index


def _doctor(index: Path, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, ["doctor", "--index", str(index), *args])
    return r.exit_code, r.stdout, r.stderr


def test_doctor_json_has_the_repairs_per_kind_overall_and_per_source(built: tuple[Path, Path]) -> None:
    archive_dir, index = built
    code, out, err = _doctor(index, "-f", "json")
    expected = {"archive": str(archive_dir), "articles": 6, "in_sync": True, "outdated": False, "missing": [],
                "stale": [], "orphaned": [], "damaged": [], "skipped": 0, "repairs": EXPECTED_REPAIRS}
    assert (code, out) == (0, json.dumps(expected, indent=2, ensure_ascii=False) + "\n")
    assert err == f"6 articles indexed from {archive_dir}: 0 missing, 0 stale, 0 orphaned (in sync)\n"


def test_doctor_tsv_lists_files_only(built: tuple[Path, Path], tmp_path: Path) -> None:
    # In sync: nothing on stdout (the repairs are no files to act on).
    assert _doctor(built[1]) == (0, "", f"6 articles indexed from {built[0]}: 0 missing, 0 stale, "
                                         "0 orphaned (in sync)\n")
    archive_dir = _archive(tmp_path / "archive")
    index = tmp_path / "index"
    update_index(archive_dir, index, jobs=1)
    write_page(archive_dir, "007_00000000000000a7.txt", page("Neu &amp; repariert.", source="Kable"))
    code, out, _ = _doctor(index, "-f", "tsv")
    assert (code, out) == (1, "missing\t007_00000000000000a7.txt\n")


TABLE_80 = """\
Repairs: 4 of 6 articles
Source           Articles   Repaired   Repairs
────────────────────────────────────────────────────────
Public Service          2          2   entities 1
                                       tags 2
                                       encoding:cp1252 1
Heise Online            2          1   mojibake 2
(unknown)               1          1   escapes 2
────────────────────────────────────────────────────────
Total                   6          4   mojibake 2
                                       entities 1
                                       tags 2
                                       escapes 2
                                       encoding:cp1252 1
"""


def _plain(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _table(h: Health, monkeypatch: pytest.MonkeyPatch, columns: int = 80, color: bool = False) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    buf = io.StringIO()
    formats.write_health(h, "table", buf, color=color)
    return buf.getvalue()


def test_doctor_table_shows_sources_with_most_repairs_first(built: tuple[Path, Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    text = _table(health(built[1]), monkeypatch)
    assert _plain(text) == TABLE_80
    assert "\x1b" not in text
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = _doctor(built[1], "-f", "table")
    assert (code, _plain(out)) == (0, TABLE_80)


def test_doctor_table_at_60_columns_folds_the_source_not_a_count(monkeypatch: pytest.MonkeyPatch) -> None:
    fixes = Repairs(repaired=3, counts=(("controls", 12), ("encoding:utf-16", 1), ("entities", 140)),
                    by_source=(SourceRepairs("Behörden Spiegel und Staatsanzeiger", 40, 2,
                                             (("controls", 12), ("entities", 140))),
                               SourceRepairs("Der Standard", 3, 1, (("encoding:utf-16", 1),))))
    h = Health(archive="/a", articles=43, missing=("new.txt",), stale=(), orphaned=("old.txt",), skipped=0,
               repairs=fixes)
    assert _plain(_table(h, monkeypatch, 60)) == """\
missing   new.txt
orphaned  old.txt

Repairs: 3 of 43 articles
Source               Articles   Repaired   Repairs
────────────────────────────────────────────────────────────
Behörden Spiegel           40          2   entities 140
und Staatsanzeiger                         controls 12
Der Standard                3          1   encoding:utf-16 1
────────────────────────────────────────────────────────────
Total                      43          3   entities 140
                                           controls 12
                                           encoding:utf-16 1
"""
    coloured = _table(h, monkeypatch, 60, color=True)
    assert "\x1b[" in coloured
    assert _plain(re.sub(r"\x1b\[[0-9;]*m", "", coloured)) == _plain(_table(h, monkeypatch, 60))


def test_doctor_table_without_repairs_and_when_not_recorded(monkeypatch: pytest.MonkeyPatch) -> None:
    none = Health(archive="/a", articles=5, missing=(), stale=(), orphaned=(), skipped=0,
                  repairs=Repairs(0, (), ()))
    assert _table(none, monkeypatch) == "Repairs: none (all 5 articles read cleanly)\n"
    unknown = Health(archive="/a", articles=5, missing=(), stale=(), orphaned=(), skipped=0)
    assert _table(unknown, monkeypatch) == (
        "Repairs: not recorded (the index was built before egovsearch counted them; "
        "'egovsearch index --rebuild' counts them)\n")


# --- an index built before this: not recorded, never 0 ------------------------------------------


def _set_schema(index: Path, version: int) -> None:
    meta = index / "meta.json"
    meta.write_text(re.sub(r'"schema":\s*\d+', f'"schema":{version}', meta.read_text(encoding="utf-8")),
                    encoding="utf-8")


def test_an_index_of_schema_5_is_reported_outdated_with_repairs_not_recorded(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    archive_dir = _archive(tmp_path / "archive")
    index = tmp_path / "index"
    update_index(archive_dir, index, jobs=1)
    _set_schema(index, 5)
    code, out, err = _doctor(index, "-f", "json")
    assert code == 1
    assert json.loads(out) == {"archive": str(archive_dir), "articles": 6, "in_sync": False, "outdated": True,
                               "missing": None, "stale": None, "orphaned": None, "damaged": [], "skipped": None,
                               "repairs": {"recorded": False}}
    assert err == (f"6 articles indexed from {archive_dir} by another version of egovsearch (schema 5): "
                   "files not compared, repairs not recorded (out of sync; run 'egovsearch index --rebuild')\n")
    assert _doctor(index)[:2] == (1, "")  # tsv: no file is known to be out of step
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = _doctor(index, "-f", "table")
    assert (code, out) == (1, "Outdated: built by another version of egovsearch (schema 5); files not compared; "
                              "run 'egovsearch index --rebuild'\n\n"
                              "Repairs: not recorded (the index was built before egovsearch counted them; "
                              "'egovsearch index --rebuild' counts them)\n")
    # The rebuild it asks for (implied by the schema) records them.
    assert runner.invoke(app, ["index", "--index", str(index)]).exit_code == 0
    assert json.loads(_doctor(index, "-f", "json")[1])["repairs"] == EXPECTED_REPAIRS


def test_an_index_without_the_field_reports_repairs_not_recorded(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A current-version index written before the field existed (its schema lacks it).
    real_schema, real_document = schema.build_schema, schema.document

    def old_schema() -> object:
        s = real_schema()
        s.remove("repairs")
        return s

    def old_document(article: Article, fp: str) -> dict[str, object]:
        doc = real_document(article, fp)
        doc.pop("repairs", None)
        return doc

    archive_dir = _archive(tmp_path / "archive")
    index = tmp_path / "index"
    with monkeypatch.context() as m:
        m.setattr(schema, "build_schema", old_schema)
        m.setattr(schema, "document", old_document)
        update_index(archive_dir, index, jobs=1)
    h = health(index)
    assert (h.in_sync, h.repairs, h.to_dict()["repairs"]) == (True, None, {"recorded": False})
    code, _, err = _doctor(index)
    assert (code, err) == (0, f"6 articles indexed from {archive_dir}: 0 missing, 0 stale, 0 orphaned, "
                              "repairs not recorded (in sync)\n")


# --- incremental runs -------------------------------------------------------------------------


def test_a_changed_article_replaces_its_counts_and_a_removed_one_takes_them_away(tmp_path: Path) -> None:
    archive_dir = _archive(tmp_path / "archive")
    index = tmp_path / "index"
    update_index(archive_dir, index, jobs=1)
    # Changed: the mojibake page is fixed and gets entities instead; the clean
    # Kable page gets tags; the page without a source line is removed.
    first = archive_dir / "001_00000000000000a1.txt"
    write_page(archive_dir, first.name, page("Die Behörde &amp; die Verwaltung &amp; das Amt.",
                                             source="Heise Online", published="01.02.2019"))
    bump_mtime(first)
    write_page(archive_dir, "005_00000000000000a5.txt", page("Estonia <i>extends</i> its identity cards.",
                                                             source="Kable", published="12.03.2015"))
    (archive_dir / "006_00000000000000a6.txt").unlink()
    report = update_index(archive_dir, index, jobs=1)
    assert (report.updated, report.removed) == (2, 1)
    h = health(index)
    assert h.in_sync and h.repairs is not None
    assert h.repairs.to_dict() == {
        "recorded": True, "repaired": 4,
        "counts": {"encoding:cp1252": 1, "entities": 3, "tags": 4},
        "by_source": [
            {"source": "Public Service", "articles": 2, "repaired": 2,
             "counts": {"encoding:cp1252": 1, "entities": 1, "tags": 2}},
            {"source": "Heise Online", "articles": 2, "repaired": 1, "counts": {"entities": 2}},
            {"source": "Kable", "articles": 1, "repaired": 1, "counts": {"tags": 2}},
        ]}
    # Every repaired page made clean: nothing is left, and nothing is "not recorded".
    for rel in ("001_00000000000000a1.txt", "003_00000000000000a3.txt", "004_00000000000000a4.txt",
                "005_00000000000000a5.txt"):
        write_page(archive_dir, rel, page(f"A clean page number {rel[:3]} about the council.", source="Kable"))
    update_index(archive_dir, index, jobs=1)
    assert health(index).to_dict()["repairs"] == {"recorded": True, "repaired": 0, "counts": {}, "by_source": []}


def test_deleted_documents_are_not_counted(tmp_path: Path) -> None:
    # A deletion Whoosh keeps in its segment (no merge): the bit column still
    # marks the document, the count must not.
    from egovsearch.engine.health import repairs
    from egovsearch.engine.store import open_index

    archive_dir = _archive(tmp_path / "archive")
    index = tmp_path / "index"
    update_index(archive_dir, index, jobs=1)
    w = open_index(index).writer()
    assert w.delete_by_term("path", "003_00000000000000a3.txt") == 1
    w.commit(merge=False)
    ix = open_index(index)
    with ix.reader() as reader:
        assert reader.has_deletions()
    fixes = repairs(ix)
    assert fixes is not None
    assert fixes.to_dict() == {
        "recorded": True, "repaired": 3, "counts": {"encoding:cp1252": 1, "escapes": 2, "mojibake": 2},
        "by_source": [
            {"source": "Heise Online", "articles": 2, "repaired": 1, "counts": {"mojibake": 2}},
            {"source": None, "articles": 1, "repaired": 1, "counts": {"escapes": 2}},
            {"source": "Public Service", "articles": 1, "repaired": 1, "counts": {"encoding:cp1252": 1}},
        ]}


def test_parallel_indexing_keeps_the_repairs(tmp_path: Path) -> None:
    from egovsearch.engine.writer import PARALLEL_MIN

    pages: dict[str, str | bytes] = {}
    for k in range(PARALLEL_MIN):
        body = f"Artikel {k} über die BehÃ¶rde." if k % 4 == 0 else f"Article {k} about the council."
        pages[f"{k:03d}_{k:016x}.txt"] = page(body, source=f"Source {k % 3}")
    archive_dir = _archive(tmp_path / "archive", pages)
    index = tmp_path / "index"
    update_index(archive_dir, index, jobs=2)
    fixes = health(index).repairs
    assert fixes is not None
    # Pages 0, 4, 8, ... have mojibake: 34 of Source 0's 134 pages, 33 of the others' 133.
    assert fixes.to_dict() == {"recorded": True, "repaired": 100, "counts": {"mojibake": 100}, "by_source": [
        {"source": "Source 0", "articles": 134, "repaired": 34, "counts": {"mojibake": 34}},
        {"source": "Source 1", "articles": 133, "repaired": 33, "counts": {"mojibake": 33}},
        {"source": "Source 2", "articles": 133, "repaired": 33, "counts": {"mojibake": 33}},
    ]}


# --- found by its repaired words --------------------------------------------------------------


@pytest.mark.parametrize("query", ["Behörde", "behörde", "Behorde", "öffentliche", "offentliche",
                                   "\"öffentliche Verwaltung\""])
def test_a_page_repaired_for_mojibake_is_found_by_its_repaired_words(built: tuple[Path, Path],
                                                                     query: str) -> None:
    result = api.search(built[1], SearchRequest(query, limit=None))
    assert [h.id for h in result.hits] == ["00000000000000a1"]


def test_the_cli_finds_the_repaired_page(built: tuple[Path, Path]) -> None:
    r = runner.invoke(app, ["query", "Behörde", "--index", str(built[1]), "-f", "ids"])
    assert (r.exit_code, r.stdout) == (0, "00000000000000a1\n")
