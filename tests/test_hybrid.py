"""--sort hybrid (issue 17): relevance blended with recency,
score * 0.5 ** (age in days / half-life); undated articles aged as if
published on the index's oldest date; JSON's `score` stays the relevance and
the blended value is a `hybrid` key; --explain shows the formula per hit."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egovsearch.cli.app import app
from egovsearch.core.dates import parse_duration_days
from egovsearch.core.errors import DateError
from egovsearch.core.models import SearchRequest
from egovsearch.engine.writer import update_index
from egovsearch.query import run

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
# The mini archive's dates: A 2011-06-06, B 2009-03-15, C 2024-05-02, D 2019-11-20,
# E 2015-07-14, F undated, G 2020-02-01 (tests/test_cli.py has the table).
A, B, C, D, E, F, G = ("1111aaaa00000001", "2222bbbb00000002", "3333cccc00000003", "3333cddd00000004",
                       "5555eeee00000005", "6666ffff00000006", "7777aaaa00000007")
TODAY = date(2026, 12, 1)
runner = CliRunner()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("hybrid") / "index"
    update_index(MINI, index, jobs=1)
    return index


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "today", lambda: TODAY)


# --- durations ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "days"), [
    ("90d", 90.0), ("6w", 42.0), ("6m", 182.625), ("2y", 730.5), ("1.5y", 547.875), (" 12M ", 365.25),
    ("1y", 365.25)])
def test_durations(text: str, days: float) -> None:
    assert parse_duration_days(text) == pytest.approx(days)


@pytest.mark.parametrize("text", ["", "2", "y", "0d", "-3d", "2x", "1.2.3y", "inf y", "nand", "2 years", "１y"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(DateError, match="is no duration"):
        parse_duration_days(text)


# --- the order and the values ---------------------------------------------------------


def _expected(score: float, published: date | None, oldest: date, half_life: float) -> float:
    age = (TODAY - (published or oldest)).days
    return score * 0.5 ** (age / half_life)


def test_hybrid_blends_score_and_age(ix: Path) -> None:
    req = SearchRequest(query="government", sort="hybrid", half_life_days=365.25, limit=None)
    result = run.search(ix, req, snippets=False, suggest=False)
    relevance = {h.id: h.score for h in run.search(ix, SearchRequest(query="government", limit=None),
                                                   snippets=False, suggest=False).hits}
    assert {h.id for h in result.hits} == set(relevance) == {B, G}
    for h in result.hits:
        assert h.score == relevance[h.id]  # the relevance is kept as it is
        assert h.hybrid == pytest.approx(_expected(h.score, h.published, date(2009, 3, 15), 365.25))
    blended = [h.hybrid for h in result.hits]
    assert blended == sorted(blended, reverse=True)  # the order is the blend's


def test_a_long_half_life_is_relevance_and_a_short_one_is_recency(ix: Path) -> None:
    def order(half_life: float) -> list[str]:
        req = SearchRequest(query="shared OR government OR Verwaltung", sort="hybrid", half_life_days=half_life,
                            limit=None)
        return [h.id for h in run.search(ix, req, snippets=False, suggest=False).hits]

    by_relevance = [h.id for h in run.search(ix, SearchRequest(query="shared OR government OR Verwaltung",
                                                               limit=None), snippets=False, suggest=False).hits]
    assert order(1e9) == by_relevance
    newest = [h.id for h in run.search(ix, SearchRequest(query="shared OR government OR Verwaltung", sort="newest",
                                                         limit=None), snippets=False, suggest=False).hits]
    assert order(5.0) == newest  # a five-day half-life: the age decides
    assert order(1e9) != order(5.0)


def test_undated_articles_are_aged_from_the_oldest_date(ix: Path) -> None:
    # F (undated, German) ranks as if published 2009-03-15, the index's oldest date.
    req = SearchRequest(query="Akte", sort="hybrid", half_life_days=730.5)
    (h,) = run.search(ix, req, snippets=False, suggest=False).hits
    assert h.id == F and h.published is None
    assert h.hybrid == pytest.approx(h.score * 0.5 ** ((TODAY - date(2009, 3, 15)).days / 730.5))


def test_a_future_date_has_age_zero(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "today", lambda: date(2000, 1, 1))
    req = SearchRequest(query="government", sort="hybrid", limit=None)
    assert all(h.hybrid == h.score for h in run.search(ix, req, snippets=False, suggest=False).hits)


def test_filters_only_are_newest_first(ix: Path) -> None:
    # Without text terms there is no relevance to blend: the newest first, hybrid 0.
    req = SearchRequest(language="en", sort="hybrid", limit=None)
    hits = run.search(ix, req, snippets=False, suggest=False).hits
    assert [h.id for h in hits] == [G, E, A, B]
    assert {h.hybrid for h in hits} == {0.0}


def test_offset_and_limit_cut_the_blended_order(ix: Path) -> None:
    q = "shared OR government OR Verwaltung"
    full = run.search(ix, SearchRequest(query=q, sort="hybrid", limit=None), snippets=False, suggest=False).hits
    page = run.search(ix, SearchRequest(query=q, sort="hybrid", limit=2, offset=1), snippets=False,
                      suggest=False).hits
    assert [(h.id, h.hybrid) for h in page] == [(h.id, h.hybrid) for h in full[1:3]]


# --- the command line -----------------------------------------------------------------


def test_json_keeps_score_and_adds_hybrid(ix: Path) -> None:
    r = runner.invoke(app, ["query", "government", "--sort", "hybrid", "--half-life", "1y", "-f", "json",
                            "--index", str(ix)])
    assert r.exit_code == 0, r.stderr
    objs = json.loads(r.stdout)
    assert [list(o)[-2:] for o in objs] == [["snippet", "hybrid"]] * 2
    for o in objs:
        published = date.fromisoformat(o["published"])
        assert o["hybrid"] == pytest.approx(o["score"] * 0.5 ** ((TODAY - published).days / 365.25), abs=1e-4)
    r = runner.invoke(app, ["query", "government", "-f", "json", "--index", str(ix)])
    assert all("hybrid" not in o for o in json.loads(r.stdout))  # other orders: the contract as it was


def test_csv_has_a_hybrid_column_only_when_sorting_so(ix: Path) -> None:
    r = runner.invoke(app, ["query", "government", "--sort", "hybrid", "-f", "csv", "--index", str(ix)])
    assert r.stdout.splitlines()[0].endswith(",score,snippet,hybrid")
    r = runner.invoke(app, ["query", "government", "-f", "csv", "--index", str(ix)])
    assert r.stdout.splitlines()[0].endswith(",score,snippet")


def test_half_life_needs_hybrid_and_a_duration(ix: Path) -> None:
    r = runner.invoke(app, ["query", "government", "--half-life", "2y", "--index", str(ix)])
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == "Error: --half-life works with --sort hybrid only\n"
    r = runner.invoke(app, ["query", "government", "--sort", "hybrid", "--half-life", "soon", "--index", str(ix)])
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Error: 'soon' is no duration; ") and r.stderr.count("\n") == 1


def test_explain_shows_the_formula_per_hit(ix: Path) -> None:
    r = runner.invoke(app, ["query", "government", "--sort", "hybrid", "--half-life", "1y", "--explain",
                            "--index", str(ix)])
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "hybrid: score x 0.5^(age in days / 365.2 days), today 2026-12-01; undated aged from 2009-03-15" in lines
    per_hit = [ln for ln in lines if ln.startswith(("1. ", "2. "))]
    assert len(per_hit) == 2
    assert per_hit[0].startswith(f"1. {G} 2020-02-01: ") and "x 0.5^(2495/365.2) = " in per_hit[0]


def test_help_states_the_formula() -> None:
    r = runner.invoke(app, ["query", "--help"], env={"COLUMNS": "200"})
    assert "score x 0.5^(age / half-life)" in r.stdout
    assert "--sort <relevance|newest|oldest|hybrid>" in r.stdout
    assert math.isfinite(parse_duration_days("2y"))


def test_fields_can_choose_hybrid_with_sort_hybrid_only(ix: Path) -> None:
    r = runner.invoke(app, ["query", "government", "--sort", "hybrid", "-f", "jsonl", "--fields", "id,hybrid",
                            "--index", str(ix)])
    assert r.exit_code == 0, r.stderr
    assert [list(json.loads(line)) for line in r.stdout.splitlines()] == [["id", "hybrid"]] * 2
    r = runner.invoke(app, ["query", "government", "-f", "jsonl", "--fields", "id,hybrid", "--index", str(ix)])
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", "Error: --fields hybrid works with --sort hybrid only\n")


def test_a_tiny_half_life_still_orders_by_age(ix: Path) -> None:
    # 0.5 ** (thousands of days / 0.0001) underflows to 0.0 for every hit; the
    # order must still be the blend's (the newer first), not the index's.
    req = SearchRequest(query="government", sort="hybrid", half_life_days=0.0001, limit=None)
    hits = run.search(ix, req, snippets=False, suggest=False).hits
    assert [h.id for h in hits] == [G, B]
    assert {h.hybrid for h in hits} == {0.0}
