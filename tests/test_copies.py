"""Near-copies (core.copies, engine.writer): shingles, bands, the no-chain
clustering, and clusters on fixture archives kept right by incremental runs.

The fixture stories are hand-written: an agency story and its wire copies
(words edited, a sentence dropped, other publications and dates), and a
different article on the same subject that shares names and one sentence.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from egovsearch.core import copies as cp
from egovsearch.engine.search import open_reader
from egovsearch.engine.store import leftovers
from egovsearch.engine.writer import update_index
from tests.indexing_support import page

STORY = [
    "The federal government has agreed on a plan to move every public service for citizens onto "
    "a single online portal by the end of next year, the interior ministry said on Tuesday.",
    "Under the plan, local councils and federal agencies will share one login, one payment system "
    "and one mailbox for official letters, replacing more than two hundred separate websites.",
    "Officials said the portal would first offer birth certificates, parking permits and changes of "
    "address, followed later by building permits and applications for child benefit.",
    "The ministry expects the project to cost about three hundred million euros over four years and "
    "to save councils twice that amount once paper forms are no longer needed.",
    "Critics from the data protection authority warned that a single login could become a target for "
    "attackers and asked for an independent review of the security design before the launch.",
    "A spokesperson for the association of municipalities welcomed the decision but said smaller "
    "towns would need money and staff to connect their old systems to the new platform.",
]

# The same subject, the same names and one shared sentence, written independently.
OTHER_ON_SUBJECT = [
    "The interior ministry has published the technical rules for the single online portal on which "
    "federal agencies and local councils are to offer their services.",
    "Critics from the data protection authority warned that a single login could become a target for "
    "attackers and asked for an independent review of the security design before the launch.",
    "The rules require every council to accept electronic signatures and to answer requests sent to "
    "the official mailbox within ten working days, a deadline that unions called unrealistic.",
    "Several states announced that they would run pilot projects with selected towns next spring and "
    "report on costs, user numbers and problems to a committee of the federal parliament.",
]

GERMAN = [
    "Die Bundesregierung will alle Verwaltungsleistungen für Bürgerinnen und Bürger bis Ende des "
    "kommenden Jahres über ein gemeinsames Bürgerportal anbieten, teilte das Innenministerium mit.",
    "Kommunen und Bundesbehörden sollen dafür ein Nutzerkonto, ein Bezahlverfahren und ein Postfach "
    "für Bescheide teilen und damit mehr als zweihundert einzelne Webseiten ersetzen.",
    "Zunächst sollen Geburtsurkunden, Anwohnerparkausweise und Ummeldungen angeboten werden, später "
    "auch Baugenehmigungen und Anträge auf Kindergeld.",
    "Datenschützer warnten, ein einziges Nutzerkonto könne zum Ziel von Angriffen werden, und "
    "forderten eine unabhängige Prüfung der Sicherheitsarchitektur vor dem Start.",
]


def edited(paragraphs: list[str], replace: dict[str, str] | None = None, drop: int | None = None) -> list[str]:
    """A wire copy: words replaced, a paragraph's last sentence dropped."""
    out = []
    for i, para in enumerate(paragraphs):
        for old, new in (replace or {}).items():
            para = para.replace(old, new)
        if i == drop:
            para = para.rsplit(", ", 1)[0] + "."
        out.append(para)
    return out


def write(archive: Path, pages: dict[str, str]) -> None:
    for rel, text in pages.items():
        f = archive / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")


A = "001_00000000000000c1.txt"  # the original
B = "002_00000000000000c2.txt"  # copy: a few words edited, days later
C = "003_00000000000000c3.txt"  # copy: a sentence dropped, another publication
D = "004_00000000000000c4.txt"  # same subject, different article
E = "005_00000000000000c5.txt"  # German, unrelated text
F = "006_00000000000000c6.txt"  # copy of E


def story_pages() -> dict[str, str]:
    return {
        A: page(*STORY, source="dpa", published="02.03.2021"),
        B: page(*edited(STORY, {"Tuesday": "Wednesday", "about three hundred": "roughly 300"}),
                source="Public Service", published="04.03.2021"),
        C: page(*edited(STORY, drop=1), source="Computer Weekly", published="05.03.2021"),
        D: page(*OTHER_ON_SUBJECT, source="Public Service", published="06.03.2021"),
        E: page(*GERMAN, source="Behörden Spiegel", published="10.03.2021"),
        F: page(*edited(GERMAN, {"mit.": "am Montag mit."}), source="eGovernment", published="11.03.2021"),
    }


def clusters(index: Path) -> list[list[str]]:
    with open_reader(index) as r:
        return [[m.id for m in c.members] for c in r.copies().clusters]


def cid(rel: str) -> str:
    return rel.split("_")[1].removesuffix(".txt")


# -- the algorithm -------------------------------------------------------------


def test_shingles_fold_case_umlauts_and_punctuation() -> None:
    assert cp.shingles("Die Behörde, sagte er: heute.") == cp.shingles("die BEHORDE sagte er heute")
    assert cp.shingles("") == frozenset()
    assert len(cp.shingles("two words")) == 1  # fewer than five words: one shingle
    assert len(cp.shingles("one two three four five six")) == 2


def test_resemblance_is_jaccard() -> None:
    assert cp.resemblance(frozenset({1, 2, 3}), frozenset({2, 3, 4})) == 0.5
    assert cp.resemblance(frozenset(), frozenset()) == 0.0


def test_bands_agree_for_copies_and_differ_for_others() -> None:
    text = " ".join(STORY)
    same = cp.bands(cp.shingles(text))
    assert len(same) == 4 * cp.BANDS
    copy = cp.bands(cp.shingles(" ".join(edited(STORY, {"Tuesday": "Wednesday"}))))
    other = cp.bands(cp.shingles(" ".join(OTHER_ON_SUBJECT)))
    ids = {"a": same, "b": copy, "d": other}
    assert ("a", "b") in cp.candidates({"a": same}, ids)
    assert ("a", "d") not in cp.candidates({"a": same}, ids)
    assert cp.bands(frozenset()) == b""


def test_fixture_resemblances_are_on_the_intended_sides() -> None:
    pages = {k: " ".join(v) for k, v in {
        "A": STORY, "B": edited(STORY, {"Tuesday": "Wednesday", "about three hundred": "roughly 300"}),
        "C": edited(STORY, drop=1), "D": OTHER_ON_SUBJECT}.items()}
    sh = {k: cp.shingles(v) for k, v in pages.items()}
    assert cp.resemblance(sh["A"], sh["B"]) >= cp.THRESHOLD
    assert cp.resemblance(sh["A"], sh["C"]) >= cp.THRESHOLD
    assert cp.resemblance(sh["A"], sh["D"]) < 0.3


def test_no_chains() -> None:
    keys = {x: cp.order_key(x, day) for x, day in (("a", 20210101), ("b", 20210102), ("c", 20210103))}
    # a~b and b~c, but c is not within the threshold of a: c starts its own... alone, so no cluster.
    assert cp.cluster(keys, {("a", "b"): 0.85, ("b", "c"): 0.85}) == [[("a", 1.0), ("b", 0.85)]]
    # with c~a it joins a's cluster
    got = cp.cluster(keys, {("a", "b"): 0.85, ("b", "c"): 0.85, ("a", "c"): 0.81})
    assert got == [[("a", 1.0), ("b", 0.85), ("c", 0.81)]]


def test_a_member_joins_the_first_member_it_resembles_most() -> None:
    keys = {x: cp.order_key(x, day) for x, day in (("a", 1), ("b", 2), ("c", 3))}
    # a and b are not copies: two heads; c resembles b more than a.
    got = cp.cluster(keys, {("a", "c"): 0.82, ("b", "c"): 0.9})
    assert got == [[("b", 1.0), ("c", 0.9)]]


def test_undated_articles_come_last_and_ties_go_by_id() -> None:
    keys = {"x": cp.order_key("x", None), "y": cp.order_key("y", 20200101), "z": cp.order_key("z", 20200101)}
    assert cp.cluster(keys, {("x", "y"): 0.9, ("x", "z"): 0.9}) == [[("y", 1.0), ("x", 0.9)]]


def test_sketch_file_round_trip_and_garbage() -> None:
    s = cp.Sketches.of({"00000000000000a1": (20200101, cp.bands(cp.shingles(" ".join(STORY)))),
                        "00000000000000a2": (0, b"")},
                       {("00000000000000a1", "00000000000000a2"): 0.875})
    back = cp.Sketches.from_bytes(s.to_bytes())
    assert back == s
    assert cp.Sketches.from_bytes(cp.Sketches.of({}, {}).to_bytes()) == cp.Sketches.of({}, {})
    for bad in (b"", b"nope", s.to_bytes()[:-1], s.to_bytes() + b"x"):
        with pytest.raises(ValueError):
            cp.Sketches.from_bytes(bad)


def test_cluster_file_garbage_is_a_value_error() -> None:
    for bad in ({}, {"clusters": [[["a", None, None, 1.0]]]}, {"clusters": [[[1, 2, 3, 4], [1, 2, 3, 4]]]},
                {"clusters": [[["a", None, "2021-13-01", 1.0], ["b", None, None, 0.9]]]}):
        with pytest.raises(ValueError):
            cp.clusters_from_json(bad)


# -- on fixture archives ---------------------------------------------------------------


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    archive, index = tmp_path / "archive", tmp_path / "index"
    write(archive, story_pages())
    update_index(archive, index)
    return archive, index


def test_copies_fold_and_the_same_subject_does_not(built: tuple[Path, Path]) -> None:
    _, index = built
    assert clusters(index) == [[cid(A), cid(B), cid(C)], [cid(E), cid(F)]]


def test_cluster_members_carry_source_date_and_resemblance(built: tuple[Path, Path]) -> None:
    _, index = built
    with open_reader(index) as r:
        c = r.copies().cluster_of(cid(B))
        assert c is not None
        first, *rest = c.members
        assert (first.id, first.source, first.published.isoformat() if first.published else None,
                first.resemblance) == (cid(A), "dpa", "2021-03-02", 1.0)
        assert [m.source for m in rest] == ["Public Service", "Computer Weekly"]
        assert all(cp.THRESHOLD <= m.resemblance < 1.0 for m in rest)
        from egovsearch.query.run import CopyKeys

        docs = [d for aid in (cid(A), cid(B), cid(C), cid(D), cid(E), cid(F)) for d in r.docs_with_id(aid)]
        keys = CopyKeys(r).keys(docs)
        assert len([k for k in keys if k < 0]) == 5 and len({k for k in keys if k < 0}) == 2


def test_the_copy_files_are_those_of_the_committed_generation(built: tuple[Path, Path]) -> None:
    archive, index = built
    names = sorted(n for n in os.listdir(index) if n.startswith("copies-"))
    gen = max(int(n.split("-")[1].split(".")[0]) for n in names)
    assert names == [f"copies-{gen}.bin", f"copies-{gen}.json"]
    (archive / D).write_text(page(*OTHER_ON_SUBJECT, "A new paragraph."), encoding="utf-8")
    update_index(archive, index)
    names = sorted(n for n in os.listdir(index) if n.startswith("copies-"))
    assert names == [f"copies-{gen + 1}.bin", f"copies-{gen + 1}.json"]  # the old ones went after the commit
    assert leftovers(index) == []


def test_reordered_paragraphs_are_a_copy(tmp_path: Path) -> None:
    archive, index = tmp_path / "archive", tmp_path / "index"
    write(archive, {A: page(*STORY), B: page(*STORY[3:], *STORY[:3])})
    update_index(archive, index)
    assert clusters(index) == [[cid(A), cid(B)]]


def test_adding_a_copy_later_joins_the_cluster(built: tuple[Path, Path]) -> None:
    archive, index = built
    write(archive, {"007_00000000000000c7.txt": page(*edited(STORY, {"Tuesday": "Monday"}),
                                                     source="Golem", published="20.03.2021")})
    update_index(archive, index)
    assert clusters(index) == [[cid(A), cid(B), cid(C), "00000000000000c7"], [cid(E), cid(F)]]


def test_an_earlier_copy_added_later_becomes_the_first_member(built: tuple[Path, Path]) -> None:
    archive, index = built
    write(archive, {"000_00000000000000c0.txt": page(*STORY, source="Reuters", published="01.03.2021")})
    update_index(archive, index)
    assert clusters(index)[0][:2] == ["00000000000000c0", cid(A)]


def test_changing_a_member_out_of_the_story_removes_it(built: tuple[Path, Path]) -> None:
    archive, index = built
    (archive / B).write_text(page("A different report, about broadband for schools in rural areas and who pays.",
                                  source="Public Service", published="04.03.2021"), encoding="utf-8")
    update_index(archive, index)
    assert clusters(index) == [[cid(A), cid(C)], [cid(E), cid(F)]]


def test_deleting_the_first_member_regroups_the_rest(built: tuple[Path, Path]) -> None:
    archive, index = built
    (archive / A).unlink()
    update_index(archive, index)
    # B and C are each within the threshold of A; whether they stay together depends on them alone.
    b, c = (cp.shingles(" ".join(p)) for p in (
        edited(STORY, {"Tuesday": "Wednesday", "about three hundred": "roughly 300"}), edited(STORY, drop=1)))
    expect = [[cid(B), cid(C)]] if cp.resemblance(b, c) >= cp.THRESHOLD else []
    assert clusters(index) == [*expect, [cid(E), cid(F)]]


def test_deleting_a_member_of_a_pair_dissolves_it(built: tuple[Path, Path]) -> None:
    archive, index = built
    (archive / F).unlink()
    update_index(archive, index)
    assert clusters(index) == [[cid(A), cid(B), cid(C)]]


def test_incremental_runs_agree_with_a_rebuild(tmp_path: Path) -> None:
    archive, index, fresh = tmp_path / "archive", tmp_path / "index", tmp_path / "fresh"
    pages = story_pages()
    write(archive, {k: v for k, v in pages.items() if k in (B, D, E)})
    update_index(archive, index)
    write(archive, {k: v for k, v in pages.items() if k in (A, F)})
    update_index(archive, index)
    write(archive, {C: pages[C]})
    (archive / D).unlink()
    update_index(archive, index)
    update_index(archive, fresh)
    assert clusters(index) == clusters(fresh) == [[cid(A), cid(B), cid(C)], [cid(E), cid(F)]]


def test_missing_copy_files_are_made_again_by_the_next_run(built: tuple[Path, Path]) -> None:
    archive, index = built
    before = clusters(index)
    for n in os.listdir(index):
        if n.startswith("copies-"):
            os.unlink(index / n)
    from egovsearch.core.errors import IndexDamaged

    with pytest.raises(IndexDamaged, match=r"copies-\d+\.json \(the copy clusters\) is missing; "
                                           r"run 'egovsearch index' to make it again"):
        clusters(index)
    update_index(archive, index)
    assert clusters(index) == before


def test_a_garbled_sketch_file_pairs_everything_up_again(built: tuple[Path, Path]) -> None:
    archive, index = built
    before = clusters(index)
    (sk,) = [n for n in os.listdir(index) if n.endswith(".bin") and n.startswith("copies-")]
    (index / sk).write_bytes(b"garbage")
    write(archive, {"008_00000000000000c8.txt": page("Something else entirely, of no concern to anyone here.")})
    update_index(archive, index)
    assert clusters(index) == before


def test_byte_identical_copies_at_two_paths_are_one_member(built: tuple[Path, Path]) -> None:
    archive, index = built
    write(archive, {"mirror/" + A: story_pages()[A]})
    update_index(archive, index)
    assert clusters(index) == [[cid(A), cid(B), cid(C)], [cid(E), cid(F)]]


def test_short_and_empty_articles_have_no_copies(tmp_path: Path) -> None:
    archive, index = tmp_path / "archive", tmp_path / "index"
    write(archive, {"001_00000000000000d1.txt": page("Short."), "002_00000000000000d2.txt": page("Short."),
                    "003_00000000000000d3.txt": page("Kurz und knapp.")})
    update_index(archive, index)
    # Two one-word pages are the same text: a cluster, exactly as the rule says.
    assert clusters(index) == [["00000000000000d1", "00000000000000d2"]]


def test_cluster_file_is_json_with_the_documented_shape(built: tuple[Path, Path]) -> None:
    _, index = built
    (name,) = [n for n in os.listdir(index) if n.startswith("copies-") and n.endswith(".json")]
    data = json.loads((index / name).read_text(encoding="utf-8"))
    assert data["threshold"] == cp.THRESHOLD
    assert data["clusters"][1] == [[cid(E), "Behörden Spiegel", "2021-03-10", 1.0],
                                   [cid(F), "eGovernment", "2021-03-11", data["clusters"][1][1][3]]]


def test_worker_processes_find_the_same_clusters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from egovsearch.engine import writer as indexer

    archive, index = tmp_path / "archive", tmp_path / "index"
    write(archive, story_pages())
    monkeypatch.setattr(indexer, "PARALLEL_MIN", 1)
    update_index(archive, index, jobs=2)
    assert clusters(index) == [[cid(A), cid(B), cid(C)], [cid(E), cid(F)]]


def test_a_failed_run_leaves_the_previous_clusters(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from egovsearch.engine import writer as indexer

    archive, index = built
    before = sorted(os.listdir(index))
    write(archive, {"007_00000000000000c7.txt": page(*edited(STORY, {"Tuesday": "Monday"}))})

    def full(clusters: object) -> object:  # the disk fills between the two copy files
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(indexer.copying, "clusters_to_json", full)
    from egovsearch.core.errors import IndexWriteFailed

    with pytest.raises(IndexWriteFailed):
        update_index(archive, index)
    assert sorted(os.listdir(index)) == before
    assert clusters(index) == [[cid(A), cid(B), cid(C)], [cid(E), cid(F)]]


@pytest.mark.parametrize("few", [0, 64])
def test_candidates_are_every_pair_sharing_a_band(few: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    monkeypatch.setattr(cp, "_FEW", few)  # both ways of looking values up
    rng = random.Random(7)
    values = [rng.randrange(2**32) for _ in range(30)]  # few values: many shared bands
    every = {f"{i:016x}": b"".join(rng.choice(values).to_bytes(4, "little") for _ in range(cp.BANDS))
             for i in range(40)}
    every["00000000000000ff"] = b""  # no words: never a candidate
    new = {k: v for k, v in list(every.items())[:5]}
    expect = {(a, b) if a < b else (b, a) for a in new for b in every
              if a != b and any(every[a][i:i + 4] == every[b][i:i + 4] for i in range(0, len(every[b]), 4))}
    assert cp.candidates(new, every) == expect
    assert expect


def test_many_identical_pages_fold_with_work_linear_in_their_number() -> None:
    # A scraped error page 300 times: one cluster, each page checked against the
    # earliest few only (all pairs would be 44,850 checks).
    text = "Die angeforderte Seite wurde leider nicht gefunden. Bitte versuchen Sie es später erneut."
    n = 300
    current = {f"{i:03d}_{i:016x}.txt": f"{i:016x}" for i in range(n)}
    fresh = {rel: (cp.bands(cp.shingles(text)), 20200101 + i % 28) for i, rel in enumerate(sorted(current))}
    up = cp.update(None, current, fresh, set(), lambda rel: (text, 0))
    assert len(up.clusters) == 1 and len(up.clusters[0]) == n
    assert up.clusters[0][0] == (f"{0:016x}", 1.0)  # the earliest (20200101, lowest id) first
    assert up.checked <= n * cp._GROUP
    assert len(up.sketches.edges) <= n * cp._GROUP
    # one more copy, incrementally: checked against the earliest only
    current["999_00000000000003e7.txt"] = "00000000000003e7"
    more = cp.update(up.sketches, current, {"999_00000000000003e7.txt": (fresh["000_0000000000000000.txt"][0], 20210101)},
                     {"00000000000003e7"}, lambda rel: (text, 0))
    assert more.checked == cp._GROUP and len(more.clusters[0]) == n + 1


def test_an_index_of_this_version_with_other_fields_is_rebuilt_or_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A development build of schema 6 had no `repairs` field: Whoosh keeps an
    # index's own schema, so a rebuild must not reuse it.
    from whoosh.fields import Schema

    from egovsearch.core.errors import IndexOutdated
    from egovsearch.engine import schema as sch

    archive, index = tmp_path / "archive", tmp_path / "index"
    write(archive, story_pages())
    real = sch.build_schema

    def without_repairs() -> Schema:
        s = real()
        s.remove("repairs")
        return s

    def id_without_column() -> Schema:
        s = real()
        s["id"].column_type = None  # (a development build of schema 6 before the id column)
        return s

    import shutil

    for n, variant in enumerate((without_repairs, id_without_column)):
        shutil.rmtree(index, ignore_errors=True)
        with monkeypatch.context() as m:
            m.setattr(sch, "build_schema", variant)
            update_index(archive, index)
        write(archive, {f"00{n}_00000000000000c9.txt": page("Die Behörde prüft die Ã¶ffentliche Ausschreibung.")})
        with pytest.raises(IndexOutdated, match="schema 6 with other fields"):
            update_index(archive, index)
        update_index(archive, index, rebuild=True)
        assert clusters(index) == [[cid(A), cid(B), cid(C)], [cid(E), cid(F)]]


def test_doctor_names_missing_and_garbled_copy_files(built: tuple[Path, Path]) -> None:
    from egovsearch import api

    archive, index = built
    assert api.health(index).damaged == ()
    (js,) = [n for n in os.listdir(index) if n.startswith("copies-") and n.endswith(".json")]
    (bn,) = [n for n in os.listdir(index) if n.startswith("copies-") and n.endswith(".bin")]
    (index / js).unlink()
    (index / bn).write_bytes(b"egovsearch copies 1\nshort")
    assert api.health(index).damaged == (js, bn)
    report = update_index(archive, index)  # makes them again (the .bin is garbled: every page is read again)
    assert report.repaired == ("copy clusters",)
    assert api.health(index).damaged == ()


def test_a_garbled_copy_file_alone_is_found_and_made_again(built: tuple[Path, Path]) -> None:
    archive, index = built
    before = clusters(index)
    (bn,) = [n for n in os.listdir(index) if n.startswith("copies-") and n.endswith(".bin")]
    assert update_index(archive, index).repaired == ()  # intact: taken by its recorded size and mtime
    (index / bn).write_bytes(b"egovsearch copies 1\nshort")
    assert update_index(archive, index).repaired == ("copy clusters",)
    assert update_index(archive, index).repaired == ()
    assert clusters(index) == before


def test_a_reader_overtaken_by_an_index_run_is_told_to_run_again(built: tuple[Path, Path]) -> None:
    # A command opened generation g; an index run commits g + 1 and removes g's
    # copy files before the command reads them: nothing is damaged.
    from egovsearch.core.errors import IndexChanged

    archive, index = built
    with open_reader(index) as r:
        write(archive, {"007_00000000000000c7.txt": page(*edited(STORY, {"Tuesday": "Monday"}))})
        update_index(archive, index)
        with pytest.raises(IndexChanged, match="was updated while this command read it; run it again"):
            r.copies()
    assert "00000000000000c7" in clusters(index)[0]


def test_a_huge_page_is_compared_by_its_first_characters() -> None:
    text = " ".join(f"w{i}" for i in range(60_000))
    assert len(text) > cp.MAX_CHARS
    assert cp.shingles(text) == cp.shingles(text[:cp.MAX_CHARS])
    assert cp.shingles(text) == cp.shingles(text[:cp.MAX_CHARS] + " an entirely different tail " * 1000)
    assert len(cp.shingles(text)) < 60_000 - cp.SHINGLE + 1  # not every word


def test_a_copy_with_umlauts_written_out_is_a_copy() -> None:
    text = " ".join(GERMAN)
    written_out = text.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
    assert written_out != text
    assert cp.resemblance(cp.shingles(text), cp.shingles(written_out)) == 1.0


def test_each_page_is_read_once_to_verify_its_story() -> None:
    # 150 stories of 3 copies each, their ids interleaved (all first copies sort
    # first, then all second ones...): each page is still read once.
    import random

    rng = random.Random(3)
    vocab = [f"wort{i}" for i in range(3000)]
    texts = {}
    for i in range(150):
        words = [rng.choice(vocab) for _ in range(200)]
        for j in range(3):
            copy = list(words)
            copy[rng.randrange(200)] = "edited"
            texts[f"{j}{i:015x}"] = " ".join(copy)
    current = {f"{aid}.txt": aid for aid in texts}
    fresh = {f"{aid}.txt": (cp.bands(cp.shingles(t)), 20200101) for aid, t in texts.items()}
    up = cp.update(None, current, fresh, set(), lambda rel: (texts[rel.removesuffix(".txt")], 20200101))
    assert len(up.clusters) == 150 and all(len(c) == 3 for c in up.clusters)
    assert up.read == 450
