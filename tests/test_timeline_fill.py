"""Timelines with every period: zero rows from the first to the last period
with a hit (or the --since/--until bounds), by year and by month, in the
record itself, so every format has them; the undated count on stderr; the
chart paged on a terminal like `query` and `sources`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import egovsearch.cli.commands
from egovsearch.cli.app import app
from egovsearch.core.models import SearchRequest
from egovsearch.engine.writer import update_index
from egovsearch.query.explore import timeline

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
# Dated articles of the mini archive: 2009-03, 2011-06, 2015-07, 2019-11, 2020-02, 2024-05; one undated.
runner = CliRunner()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("timeline") / "index"
    update_index(MINI, index, jobs=1)
    return index


def test_years_between_the_first_and_the_last_hit(ix: Path) -> None:
    tl = timeline(ix, SearchRequest(language="de"))
    assert tl.periods == (("2019", 1), ("2020", 0), ("2021", 0), ("2022", 0), ("2023", 0), ("2024", 1))
    assert (tl.undated, tl.total) == (1, 3)


def test_months_across_a_new_year(ix: Path) -> None:
    tl = timeline(ix, SearchRequest(since=date(2019, 1, 1), until=date(2020, 12, 31)), "month")
    assert tl.periods[:2] == (("2019-01", 0), ("2019-02", 0))
    assert dict(tl.periods)["2019-11"] == 1 and dict(tl.periods)["2020-02"] == 1
    assert [p for p, _ in tl.periods] == [f"{y}-{m:02d}" for y in (2019, 2020) for m in range(1, 13)]
    assert sum(c for _, c in tl.periods) == tl.total == 2


def test_bounds_are_the_ends_when_given(ix: Path) -> None:
    tl = timeline(ix, SearchRequest(since=date(2008, 6, 1), until=date(2010, 3, 31)))
    assert tl.periods == (("2008", 0), ("2009", 1), ("2010", 0))
    tl = timeline(ix, SearchRequest(since=date(2023, 11, 5)), "month")  # up to the last hit
    assert tl.periods == (("2023-11", 0), ("2023-12", 0), ("2024-01", 0), ("2024-02", 0), ("2024-03", 0),
                          ("2024-04", 0), ("2024-05", 1))
    # Both bounds and nothing found: every period between them, all 0 (a cron job's spreadsheet).
    tl = timeline(ix, SearchRequest(query="nothingzzz", since=date(2020, 1, 1), until=date(2021, 12, 31)))
    assert (tl.periods, tl.total) == ((("2020", 0), ("2021", 0)), 0)


def test_nothing_found_and_open_ends_has_no_rows(ix: Path) -> None:
    assert timeline(ix, SearchRequest(query="nothingzzz")).periods == ()
    assert timeline(ix, SearchRequest(query="nothingzzz", since=date(2020, 1, 1))).periods == ()
    only_undated = timeline(ix, SearchRequest(query="Akte"))
    assert (only_undated.periods, only_undated.undated) == ((), 1)


def test_zero_rows_in_json_and_csv_and_the_undated_on_stderr(ix: Path) -> None:
    r = runner.invoke(app, ["timeline", "--lang", "de", "-f", "json", "--index", str(ix)])
    assert r.stdout == ('[{"period": "2019", "count": 1},\n {"period": "2020", "count": 0},\n'
                        ' {"period": "2021", "count": 0},\n {"period": "2022", "count": 0},\n'
                        ' {"period": "2023", "count": 0},\n {"period": "2024", "count": 1}]\n')
    assert r.stderr == "1 matching article has no date\n"
    r = runner.invoke(app, ["timeline", "Akte", "-f", "csv", "--index", str(ix)])
    assert (r.exit_code, r.stdout, r.stderr) == (0, "period,count\n", "1 matching article has no date\n")
    r = runner.invoke(app, ["timeline", "--since", "2000", "-f", "csv", "--index", str(ix)])
    assert r.stderr == ""  # (a date filter passes dated articles only)


def test_a_tall_chart_goes_through_the_pager(ix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paged = tmp_path / "paged.txt"
    monkeypatch.setattr(egovsearch.cli.commands, "_tty", lambda stream: True)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("LINES", "24")
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("PAGER", f"{sys.executable} -c \"import sys; open({str(paged)!r}, 'w').write(sys.stdin.read())\"")
    r = runner.invoke(app, ["timeline", "--by", "month", "--index", str(ix)])
    assert r.exit_code == 0, r.output
    assert r.stdout == ""  # all of it went to the pager
    lines = paged.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10 + 14 * 12 + 5 + 2  # 2009-03 .. 2024-05, then the undated and total lines
    assert lines[0].startswith("2009-03  █") and lines[1] == "2009-04  0"
    assert lines[-2:] == ["undated: 1", "total: 7"]
    r = runner.invoke(app, ["timeline", "--index", str(ix)])  # 16 years and 2 lines fit the screen
    assert r.stdout.splitlines()[0].startswith("2009  █") and len(r.stdout.splitlines()) == 18


# --- ISO weeks (issue 17: timeline --by week) -----------------------------------------


def test_weeks_label_iso_weeks_and_fill_the_gaps(ix: Path) -> None:
    # 2019-11-20 is a Wednesday of ISO week 47; the week 2019-11-18..24 is its period.
    tl = timeline(ix, SearchRequest(since=date(2019, 11, 4), until=date(2019, 12, 1), language="de"), "week")
    assert tl.periods == (("2019-W45", 0), ("2019-W46", 0), ("2019-W47", 1), ("2019-W48", 0))
    assert tl.total == 1


def test_weeks_across_new_year_take_the_iso_year(ix: Path) -> None:
    # 2020 has a week 53 (Monday 2020-12-28); 2024-12-30 begins 2025-W01.
    tl = timeline(ix, SearchRequest(query="nothingzzz", since=date(2020, 12, 21), until=date(2021, 1, 10)), "week")
    assert [p for p, _ in tl.periods] == ["2020-W52", "2020-W53", "2021-W01"]
    tl = timeline(ix, SearchRequest(query="nothingzzz", since=date(2024, 12, 23), until=date(2025, 1, 5)), "week")
    assert [p for p, _ in tl.periods] == ["2024-W52", "2025-W01"]


def test_every_day_falls_in_its_iso_week() -> None:
    from datetime import timedelta

    from egovsearch.query.explore import _period_label, _period_number, _value_period

    day = date(2015, 12, 20)
    for _ in range(800):
        year, week, _weekday = day.isocalendar()
        value = day.year * 10000 + day.month * 100 + day.day
        assert _period_label(_value_period(value, "week"), "week") == f"{year:04d}-W{week:02d}"
        assert _value_period(value, "week") == _period_number(day, "week")
        day += timedelta(days=1)


def test_weeks_through_the_cli_in_every_format(ix: Path) -> None:
    args = ["timeline", "--by", "week", "--lang", "de", "--since", "2024-04-22", "--until", "2024-05-05",
            "--index", str(ix)]
    r = runner.invoke(app, [*args, "-f", "csv"])
    assert (r.exit_code, r.stdout) == (0, "period,count\n2024-W17,0\n2024-W18,1\n")
    r = runner.invoke(app, [*args, "-f", "json"])
    assert r.stdout == '[{"period": "2024-W17", "count": 0},\n {"period": "2024-W18", "count": 1}]\n'
    r = runner.invoke(app, [*args, "-f", "chart"])
    assert r.exit_code == 0 and "2024-W18" in r.stdout and "2024-W17" in r.stdout
