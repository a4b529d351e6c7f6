"""`egovsearch index` through the CLI: which archive it indexes, and its summary.

(Which index and archive a command uses when none is named, the bundled sample
among them: tests/test_resolution.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

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

