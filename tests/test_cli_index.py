"""`egovsearch index` through the CLI: which archive it indexes, and its summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from indexing_support import PAGES, make_archive
from typer.testing import CliRunner

from egovsearch.cli.app import app


def test_index_without_archive_updates_the_archive_the_index_was_built_from(tmp_path: Path) -> None:
    archive = make_archive(tmp_path / "archive")
    index = tmp_path / "index"
    runner = CliRunner()
    first = runner.invoke(app, ["index", "--archive", str(archive), "--index", str(index), "--quiet"])
    assert first.exit_code == 0, first.output
    name = sorted(PAGES)[0]
    shutil.copy(archive / name, archive / ("copy_" + Path(name).name))
    again = runner.invoke(app, ["index", "--index", str(index)])
    assert again.exit_code == 0, again.output
    # Not the bundled sample: the recorded archive, with its one new file.
    assert "1 added" in again.stderr and f"{len(PAGES) + 1} unchanged" in again.stderr


def test_first_query_builds_the_default_index_from_the_bundled_sample(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No ./index and no ./seeds here: the sample archive beside the package is used."""
    monkeypatch.chdir(tmp_path)
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    r = CliRunner().invoke(app, ["query", "shared services", "-f", "ids"])
    assert (r.exit_code, r.stdout) == (0, "f495089e68bd2b44\n"), r.stderr
    assert r.stderr == f"No index at index: building it from the bundled sample archive {seeds}\n"
    assert (tmp_path / "index" / "meta.json").is_file()
    again = CliRunner().invoke(app, ["query", "shared services", "-f", "ids"])
    assert (again.exit_code, again.stdout, again.stderr) == (0, "f495089e68bd2b44\n", "")
