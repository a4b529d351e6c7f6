"""An index built from an empty folder is an index: every command on it answers
(exit codes as in the README: 0 success, 1 no hit, 2 error), through real
`python -m egovsearch` processes, and nothing says "damaged"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOVSEARCH_") and k not in ("NO_COLOR", "PAGER")}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "egovsearch", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=_env(), timeout=120, check=False)


@pytest.fixture(scope="module")
def empty_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("empty")
    archive = root / "archive"
    archive.mkdir()
    ix = root / "index"
    r = _cli("index", "--archive", archive, "--index", ix, cwd=root)
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("Index rebuilt in ") and r.stderr.endswith(
        ": 0 added, 0 updated, 0 renamed, 0 removed, 0 unchanged, 0 skipped\n")
    return archive, ix


# command -> (exit code, stdout); stderr is checked apart.
CASES: dict[str, tuple[list[str], int, str]] = {
    "query": (["query", "government"], 1, ""),
    "query --count": (["query", "government", "--count"], 1, "0\n"),
    "query json": (["query", "Verwaltung", "-f", "json"], 1, "[]\n"),
    "query filter only": (["query", "--source", "Public Service", "--since", "2011"], 1, ""),
    "query --explain": (["query", "government", "--explain"], 0, "en: government -> govern\nde: government -> government\n"),
    "timeline": (["timeline", "government", "-f", "json"], 1, "[]\n"),
    "timeline filters": (["timeline", "--since", "2011", "--by", "month", "-f", "csv"], 1, "period,count\n"),
    "export": (["export", "government"], 1, ""),
    "sources json": (["sources", "-f", "json"], 0, "[]\n"),
    "sources csv": (["sources", "-f", "csv"], 0, "source,count,first,last\n"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_query_like_commands_find_nothing(empty_index: tuple[Path, Path], tmp_path: Path, case: str) -> None:
    _, ix = empty_index
    args, code, out = CASES[case]
    r = _cli(*args, "--index", ix, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (code, out), r.stderr
    assert "damaged" not in r.stderr and "Traceback" not in r.stderr and "rror" not in r.stderr


@pytest.mark.parametrize("command", ["show", "similar"])
def test_no_article_to_show(empty_index: tuple[Path, Path], tmp_path: Path, command: str) -> None:
    _, ix = empty_index
    r = _cli(command, "f495", "--index", ix, cwd=tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (2, "", "Error: no article with the id or path 'f495'\n")


def test_stats(empty_index: tuple[Path, Path], tmp_path: Path) -> None:
    archive, ix = empty_index
    r = _cli("stats", "--format", "json", "--index", ix, cwd=tmp_path)
    assert (r.returncode, r.stderr) == (0, ""), r.stderr
    stats = json.loads(r.stdout)
    assert stats.pop("built_at") and stats.pop("index_bytes") > 0
    assert stats == {"articles": 0, "languages": {}, "sources": 0, "published_min": None, "published_max": None,
                     "archive": str(archive.resolve()), "copy_clusters": 0, "copied_articles": 0}


def test_doctor_and_index_again(empty_index: tuple[Path, Path], tmp_path: Path) -> None:
    archive, ix = empty_index
    r = _cli("doctor", "--index", ix, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "")
    assert r.stderr == f"0 articles indexed from {archive.resolve()}: 0 missing, 0 stale, 0 orphaned (in sync)\n"
    r = _cli("index", "--index", ix, cwd=tmp_path)  # the recorded archive
    assert (r.returncode, r.stdout) == (0, "")
    assert r.stderr.startswith("Index updated in ") and r.stderr.endswith(
        ": 0 added, 0 updated, 0 renamed, 0 removed, 0 unchanged, 0 skipped\n")


def test_the_first_article_then_makes_it_an_ordinary_index(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    ix = tmp_path / "index"
    assert _cli("index", "--archive", archive, "--index", ix, "--quiet", cwd=tmp_path).returncode == 0
    seed = Path(__file__).resolve().parent.parent / "seeds" / "000_f495089e68bd2b44.txt"
    (archive / seed.name).write_bytes(seed.read_bytes())
    assert _cli("index", "--index", ix, "--quiet", cwd=tmp_path).returncode == 0
    r = _cli("query", "shared services", "-f", "ids", "--index", ix, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "f495089e68bd2b44\n"), r.stderr
