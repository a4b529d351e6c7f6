"""benchmarks/run.py's bookkeeping (issue 16): the recoll peer column, the 100k/20k
ratio, the Markdown table and recoll's throwaway configuration. No timing: figures
are made up and only their arithmetic and layout are checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import run


def _result(size: int, build_s: float, recoll: dict[str, Any] | None) -> dict[str, Any]:
    res: dict[str, Any] = {
        "size": size,
        "corpus": {"bytes": 63_000_000, "german": 7945, "phrase_pages": 492},
        "project": {"build_s": build_s, "cpu_s": 2 * build_s, "docs_per_s": size / build_s,
                    "index_bytes": 48_000_000, "peak_rss": 320_000_000, "peak_rss_one": 130_000_000,
                    "noop_s": 0.5, "one_changed_s": 0.7, "builds_s": [build_s] * 3,
                    "builds_cpu_s": [2 * build_s] * 3},
        "baseline": None,
        "recoll": recoll,
        "recoll_missing": recoll is None,
        "listing": None,
        "query": {"project": {"median_s": 0.2}, "rg": {"median_s": 0.7}},
        "help": {"project": {"median_s": 0.14}},
        "loadavg_at_start": (0.5, 0.5, 0.5),
        "loadavg_at_end": (1.0, 1.0, 1.0),
    }
    res["checks"] = run.checks(res)
    return res


RECOLL = {"build_s": 28.0, "cpu_s": 40.0, "docs_per_s": 714.0, "index_bytes": 400_000_000,
          "peak_rss": 800_000_000, "peak_rss_one": 800_000_000, "ratio_ours_recoll": 0.55,
          "cpu_ratio_ours_recoll": 1.1, "builds_s": [28.0] * 3, "builds_cpu_s": [40.0] * 3}


def _row(res: dict[str, Any], metric: str) -> dict[str, Any]:
    return next(r for r in res["checks"] if r["metric"] == metric)


def test_recoll_columns_give_the_ratios_and_verdicts() -> None:
    res = _result(20_000, 24.5, RECOLL)
    build = _row(res, "build s")
    assert (build["recoll"], build["recoll_ratio"], build["recoll_pass"]) == (28.0, 0.55, True)
    size = _row(res, "index MB")
    assert size["recoll_ratio"] == 0.12 and size["recoll_pass"] is True  # 48 MB against 400 MB
    slow = _result(20_000, 24.5, {**RECOLL, "ratio_ours_recoll": 0.87})
    assert _row(slow, "build s")["recoll_pass"] is False
    assert _row(res, "peak RSS MB (absolute)")["target"] == "<= 400 MB"


def test_without_recoll_the_columns_are_empty_and_the_table_says_why() -> None:
    res = _result(20_000, 24.5, None)
    assert all(r["recoll"] is None and r["recoll_pass"] is None for r in res["checks"])
    table = run.markdown_tables([res], {"argv": "--size 20000", "when": "now", "commit": "abc",
                                        "cpus": 2, "python": "3.11"})
    assert "recoll: `recollindex` is not installed; its columns are empty." in table
    assert "listing: benchmarks/listing.py missing" in table


def test_scaling_needs_both_sizes_and_checks_five_and_a_half() -> None:
    small = _result(20_000, 24.5, RECOLL)
    assert run.scaling([small]) is None
    ok = run.scaling([small, _result(100_000, 113.0, None)])
    assert ok is not None and round(ok["ratio"], 2) == 4.61 and ok["pass"] is True
    bad = run.scaling([small, _result(100_000, 325.0, None)])
    assert bad is not None and bad["pass"] is False
    table = run.markdown_tables([small, _result(100_000, 113.0, None)],
                                {"argv": "", "when": "now", "commit": "abc", "cpus": 2, "python": "3.11"})
    assert "| build 100,000 / 20,000 | 24.5 | 113.0 | 4.61 | 4.61 | <= 5.5 | PASS |" in table
    assert "Builds in alternating rounds: egovsearch 24.5/24.5/24.5 s (49.0/49.0/49.0 CPU s), " \
           "`recollindex -z` 28.0/28.0/28.0 s (40.0/40.0/40.0 CPU s)." in table


def test_recoll_configuration_is_the_two_lines_of_the_issue(tmp_path: Path) -> None:
    conf = run.recoll_config(tmp_path / "recoll", tmp_path / "archive")
    assert (conf / "recoll.conf").read_text() == (
        f"topdirs = {tmp_path / 'archive'}\nindexstemminglanguages = english german\n")
    assert sorted(p.name for p in conf.iterdir()) == ["recoll.conf"]
