"""Start-up cost and the real process: `--help` loads neither Whoosh nor Rich (issue 8),
and a piped `egovsearch query` prints TSV with exit code 0 (issue 4).

Each check runs a fresh interpreter (`python -X importtime -m egovsearch ...`): the
modules a process imported are listed on its stderr, whatever this test process
has already imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOVSEARCH_")}
    env.pop("PYTHONSTARTUP", None)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _python(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a fresh interpreter; the exit code is checked by the caller."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _imported(
    args: list[str], cwd: Path
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `python -X importtime *args`; return the process and the names of every module it imported."""
    proc = _python(["-X", "importtime", *args], cwd)
    names = {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    return proc, names


def _heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.split(".")[0] in ("whoosh", "rich"))


def test_importtime_sees_whoosh_and_rich(tmp_path: Path) -> None:
    """The detection itself works: a process that imports them is caught."""
    proc, names = _imported(["-c", "import whoosh.index, rich.table"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {"whoosh", "whoosh.index", "rich", "rich.table"} <= names


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["query", "--help"],
        ["index", "--help"],
        ["show", "--help"],
        ["timeline", "--help"],
    ],
)
def test_help_imports_neither_whoosh_nor_rich(tmp_path: Path, args: list[str]) -> None:
    proc, names = _imported(["-m", "egovsearch", *args], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Usage:" in proc.stdout
    assert "egovsearch.cli.app" in names  # the real CLI ran
    assert _heavy(names) == []
    assert not {"egovsearch.query.run", "egovsearch.engine.writer", "egovsearch.query.explore"} & names


def test_help_documents_exit_codes(tmp_path: Path) -> None:
    for args in (["--help"], ["query", "--help"]):
        proc = _python(["-m", "egovsearch", *args], tmp_path)
        text = " ".join(proc.stdout.split())
        assert (
            "Exit codes: 0" in text
            and "1 no hit" in text
            and "2 error" in text
            and "130 interrupted" in text
        ), (args, proc.stdout)


def test_piped_query_on_the_seeds_is_tsv(tmp_path: Path) -> None:
    index = tmp_path / "index"
    built = _python(
        [
            "-m",
            "egovsearch",
            "index",
            "--archive",
            str(SEEDS),
            "--index",
            str(index),
            "--quiet",
        ],
        tmp_path,
    )
    assert built.returncode == 0, built.stderr
    proc, names = _imported(
        ["-m", "egovsearch", "query", "shared services", "--index", str(index)],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "rich" not in names  # tsv to a pipe needs no Rich
    # nor the index run's code and records (each dataclass costs ~0.6 ms to create),
    # nor subprocess, which Typer imports for what a query never does (egovsearch/cli/__init__.py)
    assert not {"egovsearch.core.reports", "egovsearch.engine.writer", "egovsearch.query.explore", "subprocess",
                "egovsearch.core.copies", "egovsearch.query.glossary"} & names  # (--collapse's, -x's)
    (line,) = proc.stdout.splitlines()
    fields = line.split("\t")
    assert len(fields) == 5, fields
    assert fields[0] == "f495089e68bd2b44"
    assert fields[1:3] == ["2011-06-06", "Public Service"]
    assert fields[3].startswith("Political resistance to shared services")
    assert Path(fields[4]) == (SEEDS / "000_f495089e68bd2b44.txt").resolve()  # absolute, as in every format
    assert "\x1b" not in proc.stdout
    assert not [
        ln for ln in proc.stderr.splitlines() if not ln.startswith("import time:")
    ]

    count = _python(
        [
            "-m",
            "egovsearch",
            "query",
            '"shared services"',
            "--count",
            "--index",
            str(index),
        ],
        tmp_path,
    )
    assert (count.returncode, count.stdout, count.stderr) == (0, "1\n", "")
    none = _python(
        ["-m", "egovsearch", "query", "nothingzzz", "--index", str(index)], tmp_path
    )
    assert (none.returncode, none.stdout) == (1, "")
    bad = _python(
        ["-m", "egovsearch", "query", '"open', "--index", str(index)], tmp_path
    )
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "Error: unbalanced quotes: a '\"' is not closed\n"


def test_bare_command_prints_the_help_on_stderr(tmp_path: Path) -> None:
    proc = _python(["-m", "egovsearch"], tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("Usage: python -m egovsearch [OPTIONS] COMMAND [ARGS]...\n")
    assert "\n  query " in proc.stderr and "Error" not in proc.stderr


def test_output_is_complete_and_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    """The process ends without the interpreter's teardown (cli/fastexit.py):
    everything written still arrives, and a reader that stops early (`| head`)
    gives neither a message nor an error code."""
    archive = tmp_path / "archive"
    archive.mkdir()
    page = (SEEDS / "000_f495089e68bd2b44.txt").read_bytes()
    for i in range(300):  # ~600 KB of JSON lines: more than a pipe buffer
        (archive / f"{i:03d}_{i:016x}.txt").write_bytes(page)
    args = [sys.executable, "-m", "egovsearch", "parse", str(archive), "--format", "jsonl"]
    whole = subprocess.run(args, env=_env(), capture_output=True, text=True, timeout=120, check=False)
    assert (whole.returncode, whole.stderr) == (0, "")
    assert len(whole.stdout.splitlines()) == 300 and whole.stdout.endswith("}\n")
    with subprocess.Popen(args, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        assert proc.stdout.readline().startswith(b"{")
        proc.stdout.close()
        err = proc.stderr.read()
        assert (proc.wait(timeout=120), err) == (0, b"")


def test_each_command_alone_is_the_command_of_the_whole_app(tmp_path: Path) -> None:
    """main() builds only the command named on the command line: its help (options,
    defaults, texts) and its errors are those of the whole app."""
    from egovsearch.cli.app import COMMANDS, app

    whole_app = "import sys; from egovsearch.cli.app import app; app(prog_name='python -m egovsearch')"
    names = [c.name for c in [*app.registered_commands, *app.registered_groups] if c.name]
    assert sorted(names) == sorted(COMMANDS) and len(names) == 11
    for args in [[name, "--help"] for name in COMMANDS] + [["query", "--bogus"], ["show"], ["watch", "run", "--help"]]:
        alone = _python(["-m", "egovsearch", *args], tmp_path)
        whole = _python(["-c", whole_app, *args], tmp_path)
        assert (alone.returncode, alone.stdout, alone.stderr) == (whole.returncode, whole.stdout, whole.stderr)
        assert alone.stdout.startswith(f"Usage: python -m egovsearch {args[0]} ") or alone.returncode == 2


def test_the_command_is_the_module_entry_point(tmp_path: Path) -> None:
    """`egovsearch` and `python -m egovsearch` run the same main(), which sets
    the garbage collector's thresholds before anything else loads."""
    from importlib.metadata import entry_points

    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "egovsearch"]
    assert script.value == "egovsearch.__main__:main"
    code = ("import gc, sys; from egovsearch.__main__ import main; sys.argv = ['egovsearch', '--help']\n"
            "import atexit; atexit.register(lambda: print(gc.get_threshold(), file=sys.stderr))\n"
            "main()")
    proc = _python(["-c", code], tmp_path)
    assert proc.returncode == 0 and "Usage:" in proc.stdout
    assert proc.stderr.strip() == "(100000, 50, 100)"
