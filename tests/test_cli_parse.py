"""`egovsearch parse`: records straight from archive files, no index."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from egovsearch.cli.app import app

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "archive"


def test_parse_seeds_as_json_gives_the_seed_record() -> None:
    result = CliRunner().invoke(app, ["parse", str(SEEDS), "--format", "json"])
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.stdout)
    assert {k: record[k] for k in ("id", "path", "source", "published", "crawled", "language")} == {
        "id": "f495089e68bd2b44", "path": "000_f495089e68bd2b44.txt", "source": "Public Service",
        "published": "2011-06-06", "crawled": "2024-09-16", "language": "en"}
    assert record["title"].startswith("Political resistance to shared services")
    assert record["body"].startswith("Political resistance") and "Quelle" not in record["body"]
    assert result.stderr == ""


def test_parse_names_each_file_that_is_not_an_article_and_still_prints_the_rest() -> None:
    empty = FIXTURES / "015_000000000000000f.txt"
    result = CliRunner().invoke(app, ["parse", str(SEEDS / "000_f495089e68bd2b44.txt"), str(empty),
                                      "nonexistent.txt", "-f", "jsonl"])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["f495089e68bd2b44"]
    assert result.stderr.splitlines() == [f"Error: {empty}: empty file",
                                          "Error: nonexistent.txt: no such file or folder"]


def test_parse_table_shows_the_record_without_markup() -> None:
    result = CliRunner().invoke(app, ["parse", str(SEEDS), "-f", "table"])
    assert result.exit_code == 0
    assert "f495089e68bd2b44" in result.stdout and "Public Service" in result.stdout
    assert "\x1b" not in result.stdout


def test_parse_rejects_an_unknown_format() -> None:
    result = CliRunner().invoke(app, ["parse", str(SEEDS), "-f", "xml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
