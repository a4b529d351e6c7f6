"""Any install runs the first query (issue 15): the wheel, installed into a fresh
virtual environment, answers `egovsearch query "shared services"` from an empty
folder with the bundled sample, and creates nothing in that folder.

The packages come from the configured package index (here the offline mirror)
once, into a folder of wheels; the build and the install then use only that
folder (--no-index), so that nothing else is reached. When pip cannot get the
packages the test is skipped, saying so; `-m "not install"` leaves it out
(about 25 s on 2 busy cores, nearly all of it pip: download, build, install).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_NAME = "000_f495089e68bd2b44.txt"
NOTE = "searching the bundled sample (1 article); build your own with egovsearch index --archive DIR\n"

pytestmark = pytest.mark.install


def _pip(*args: str | Path, python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    return subprocess.run([python, "-m", "pip", "--disable-pip-version-check", *map(str, args)],
                          capture_output=True, text=True, timeout=600, check=False)


def _requirements() -> list[str]:
    """What building and running egovsearch needs, as pyproject.toml says."""
    with open(REPO / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)
    return [*project["build-system"]["requires"], *project["project"]["dependencies"]]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel of this checkout installed; its bin folder."""
    root = tmp_path_factory.mktemp("install")
    wheels, dist, venv = root / "wheels", root / "dist", root / "venv"
    got = _pip("download", "--quiet", "--dest", wheels, *_requirements())
    if got.returncode != 0:
        lines = [ln for ln in got.stderr.splitlines() if ln.startswith("ERROR")] or got.stderr.splitlines()[-1:]
        pytest.skip(f"pip cannot reach the packages to install: {' '.join(lines)[:300]}")
    built = _pip("wheel", "--no-deps", "--no-index", "--find-links", wheels, "--wheel-dir", dist, REPO)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = dist.glob("egovsearch-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    # This environment's pip installs into the new one (--python): no pip of its own needed.
    done = _pip("--python", python, "install", "--no-index", "--find-links", wheels, wheel)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return bindir


def _site_packages(bindir: Path) -> Path:
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    out = subprocess.run([str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                         capture_output=True, text=True, check=True, timeout=120).stdout
    return Path(out.strip())


def test_the_wheel_holds_the_sample_inside_the_package(installed: Path) -> None:
    site = _site_packages(installed)
    assert sorted(os.listdir(site / "egovsearch" / "seeds")) == [SEED_NAME]
    assert (site / "egovsearch" / "seeds" / SEED_NAME).read_bytes() == (REPO / "seeds" / SEED_NAME).read_bytes()
    assert not (site / "seeds").exists()  # not a folder of its own beside the packages


def test_the_installed_command_answers_the_first_query_from_an_empty_folder(
        installed: Path, tmp_path: Path) -> None:
    empty, cache = tmp_path / "empty", tmp_path / "cache"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EGOVSEARCH_", "PYTHON"))}
    env.update(XDG_CACHE_HOME=str(cache), PYTHONIOENCODING="utf-8")
    script = installed / ("egovsearch.exe" if os.name == "nt" else "egovsearch")
    proc = subprocess.run([str(script), "query", "shared services"], cwd=empty, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert (proc.returncode, proc.stderr) == (0, NOTE), proc.stderr
    (line,) = proc.stdout.splitlines()  # tsv: stdout is no terminal
    fields = line.split("\t")
    assert fields[:3] == ["f495089e68bd2b44", "2011-06-06", "Public Service"]
    assert fields[3].startswith("Political resistance to shared services")
    assert fields[4] == str((_site_packages(installed) / "egovsearch" / "seeds").resolve() / SEED_NAME)  # absolute
    assert os.listdir(empty) == []  # no ./index, nor anything else
    meta = json.loads((cache / "egovsearch" / "sample-index" / "meta.json").read_text(encoding="utf-8"))
    assert meta["archive"] == str((_site_packages(installed) / "egovsearch" / "seeds").resolve())
