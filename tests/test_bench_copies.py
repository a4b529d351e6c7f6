"""The near-copy benchmark (benchmarks/copies.py): its generator is deterministic, its pages
parse to what it put in, its ground truth holds together, and its scores are right."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import copies as bench
from egovsearch.core.archive import parse_bytes
from egovsearch.core.copies import THRESHOLD

STORIES = 40  # with seed 5: copies, same-subject negatives and updates all occur
SEED = 5
STREAM = 20_000


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[bench.Page], dict[str, Any]]:
    root = tmp_path_factory.mktemp("copies")
    pages = bench.generate(STORIES, root, SEED, stream_size=STREAM)
    return root, pages, bench.truth(root, pages)


def test_same_seed_same_bytes_and_pages(made: tuple[Path, list[bench.Page], dict[str, Any]], tmp_path: Path) -> None:
    root, pages, _ = made
    again = bench.generate(STORIES, tmp_path / "again", SEED, stream_size=STREAM)
    assert again == pages
    assert _files(tmp_path / "again") == _files(root)


def test_other_seed_other_pages(made: tuple[Path, list[bench.Page], dict[str, Any]], tmp_path: Path) -> None:
    root, _, _ = made
    bench.generate(STORIES, tmp_path / "other", SEED + 1, stream_size=STREAM)
    assert set(_files(tmp_path / "other").values()).isdisjoint(_files(root).values())


def test_every_kind_occurs(made: tuple[Path, list[bench.Page], dict[str, Any]]) -> None:
    _, pages, _ = made
    kinds = {p.kind for p in pages}
    assert kinds == {"original", "copy", "same-subject", "update"}
    assert sum(p.kind == "original" for p in pages) == STORIES
    assert {p.language for p in pages} == {"de", "en"}


def test_pages_parse_with_the_intended_source_and_date(made: tuple[Path, list[bench.Page], dict[str, Any]]) -> None:
    root, pages, _ = made
    for p in pages:
        art = parse_bytes((root / p.path).read_bytes(), p.path)
        assert (art.id, art.source, art.published) == (p.id, p.source, p.published), p.path
        assert art.language == p.language, p.path
        assert 100 <= art.words <= 1000, p.path


def test_ground_truth_holds_together(made: tuple[Path, list[bench.Page], dict[str, Any]]) -> None:
    _, pages, t = made
    arts = {a["id"]: a for a in t["articles"]}
    assert len(arts) == len(pages)
    for a in t["articles"]:
        if a["kind"] == "original":
            assert a["original"] is None and "resemblance" not in a
            continue
        orig = arts[a["original"]]
        assert orig["kind"] == "original" and orig["story"] == a["story"]
        if a["kind"] == "copy":
            assert orig["source"] != a["source"]
            assert 1 <= (bench.date.fromisoformat(a["published"]) - bench.date.fromisoformat(orig["published"])).days <= 6
            assert a["edits"]
            # Light edits: a generated copy is a copy by the definition.
            assert THRESHOLD <= a["resemblance"] <= 1.0, a
        else:
            assert a["resemblance"] < THRESHOLD - 0.2, a  # hard negatives are clearly not copies
    # The stories are the originals with their copies, each id once.
    members = [i for story in t["stories"] for i in story]
    assert len(members) == len(set(members))
    assert sorted(members) == sorted(a["id"] for a in t["articles"] if a["kind"] == "copy"
                                     or (a["kind"] == "original" and any(
                                         c["original"] == a["id"] and c["kind"] == "copy" for c in t["articles"])))
    assert t["copy_pairs"] == sum(len(s) * (len(s) - 1) // 2 for s in t["stories"])


def test_story_keys() -> None:
    arts = [{"id": "a", "kind": "original", "story": 1}, {"id": "b", "kind": "copy", "story": 1},
            {"id": "c", "kind": "same-subject", "story": 1}, {"id": "d", "kind": "original", "story": 2}]
    assert bench.story_keys(arts) == {"a": "s1", "b": "s1", "c": "nc", "d": "s2"}


def test_pair_score_on_hand_made_clusters() -> None:
    story_of = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "n1": "n1", "s1": "S"}
    # A split in two (a3 alone), B folded with the negative n1; s1 in no cluster.
    clusters = [["a1", "a2"], ["b1", "b2", "n1"]]
    s = bench.pair_score(clusters, story_of)
    assert (s.clustered, s.true, s.correct) == (1 + 3, 3 + 1, 2)
    assert s.precision == pytest.approx(2 / 4)
    assert s.recall == pytest.approx(2 / 4)
    assert s.wrong == (("b1", "n1"), ("b2", "n1"))
    assert s.missed == (("a1", "a3"), ("a2", "a3"))


def test_pair_score_edge_cases() -> None:
    assert bench.pair_score([], {}).precision == 1.0 and bench.pair_score([], {}).recall == 1.0
    s = bench.pair_score([["x", "y"]], {"a": "A", "b": "A"})  # ids unknown to the truth: never right
    assert (s.clustered, s.correct, s.precision, s.recall) == (1, 0, 0.0, 0.0)
    perfect = bench.pair_score([["a", "b", "c"]], {"a": "A", "b": "A", "c": "A"})
    assert (perfect.precision, perfect.recall, perfect.true) == (1.0, 1.0, 3)


def test_negatives_folded() -> None:
    arts = [{"id": "o", "kind": "original", "story": 1}, {"id": "c", "kind": "copy", "story": 1},
            {"id": "n", "kind": "same-subject", "story": 1}, {"id": "u", "kind": "update", "story": 1},
            {"id": "p", "kind": "original", "story": 2}, {"id": "m", "kind": "same-subject", "story": 2}]
    # n with a copy of its story: folded; u in a cluster without its story: not; m with p: folded.
    assert bench.negatives_folded([["c", "n"], ["u", "x"], ["p", "m"]], arts) == ["n", "m"]
    assert bench.negatives_folded([["o", "c"]], arts) == []


def test_quantiles() -> None:
    assert bench.quantiles([]) == {}
    q = bench.quantiles([0.9, 0.8, 1.0, 0.85])
    assert (q["min"], q["median"], q["max"]) == (0.8, pytest.approx(0.875), 1.0)


def test_simulated_clusters_find_the_copies(made: tuple[Path, list[bench.Page], dict[str, Any]]) -> None:
    root, _, t = made
    m = bench.measure(t, bench.simulate(root))
    assert (m["precision"], m["recall"], m["negatives_folded"]) == (1.0, 1.0, [])


def test_central_keys_break_same_day_ties_by_resemblance() -> None:
    keys = {"a": (20240304, "a"), "b": (20240304, "b"), "c": (20240305, "c")}
    edges = {("a", "b"): 0.85, ("b", "c"): 0.9}
    central = bench.central_keys(keys, edges)
    assert sorted(keys, key=central.__getitem__) == ["b", "a", "c"]  # b resembles most; c is a day later
