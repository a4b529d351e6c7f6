"""cli/fastexit.py ends the process with os._exit, skipping the interpreter's
teardown. Checked in real processes: all output arrives (more than a pipe
buffer), exit codes are kept, exit handlers (multiprocessing's clean-up among
them) run, and a reader that closed the pipe gives no message and exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _script(body: str) -> list[str]:
    """A process that runs `body` (the function `work`) through fastexit.run."""
    code = ("import atexit, sys\n"
            "from egovsearch.cli import fastexit\n"
            f"{body}\n"
            "fastexit.run(work)\n"
            "print('not reached', file=sys.stderr)\n")
    return [sys.executable, "-c", code]


def _env(**extra: str) -> dict[str, str]:
    """The environment without the egovsearch settings, and with buffered output (as
    for users: PYTHONUNBUFFERED would flush every write before the exit does)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOVSEARCH_") and k != "PYTHONUNBUFFERED"}
    env["PYTHONIOENCODING"] = "utf-8"
    return {**env, **extra}


def _run(body: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_script(body), env=_env(), cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)


def test_all_output_arrives_and_exit_handlers_run() -> None:
    proc = _run(
        "import multiprocessing.util\n"
        "def work():\n"
        "    atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        "    multiprocessing.util.Finalize(None, lambda: print('multiprocessing clean-up ran', file=sys.stderr),\n"
        "                                  exitpriority=10)\n"
        "    for i in range(20000):\n"  # ~600 KB: many pipe buffers, the last part still buffered
        "        sys.stdout.write(f'line {i:05d} ' + 'x' * 20 + '\\n')\n"
        "    sys.stdout.write('last line, no newline')\n"
        "    return 0\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split("\n")
    assert len(lines) == 20001 and lines[-1] == "last line, no newline"
    assert lines[12345] == "line 12345 " + "x" * 20
    # last registered first, as at a normal exit: multiprocessing registered its handler on import
    assert proc.stderr.splitlines() == ["atexit ran", "multiprocessing clean-up ran"]


@pytest.mark.parametrize(("ending", "code", "stderr"), [
    ("return 0", 0, ""),
    ("return 1", 1, ""),
    ("return 130", 130, ""),
    ("return None", 0, ""),
    ("raise SystemExit(2)", 2, ""),
    ("raise SystemExit(None)", 0, ""),
    ("sys.exit('a message')", 1, "a message\n"),
])
def test_exit_codes_are_kept(ending: str, code: int, stderr: str) -> None:
    proc = _run(f"def work():\n    print('out')\n    {ending}\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == (code, "out\n", stderr)


@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_closed_pipe_is_quiet_with_exit_0(unbuffered: str) -> None:
    """The reader closes its end while the output is still in the process's buffer:
    the final flush meets a broken pipe, which is no error (like grep | head).
    Unbuffered, the write itself meets it, before fastexit's flush."""
    body = ("def work():\n"
            "    sys.stdout.write('buffered, never read\\n' * 100)\n"  # stays in the 8 KB buffer
            "    sys.stdin.readline()\n"  # wait until the reader has gone
            "    return 0\n")
    env = _env(PYTHONUNBUFFERED=unbuffered) if unbuffered else _env()
    with subprocess.Popen(_script(body), env=env, cwd=REPO, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stdin.write(b"go\n")
        proc.stdin.close()
        err = proc.stderr.read()
        assert (proc.wait(timeout=120), err) == (0, b"")


def test_the_entry_point_ends_through_it() -> None:
    """`egovsearch.__main__.main` ends the process through fastexit.run: code after it never runs."""
    code = ("import sys\nfrom egovsearch.__main__ import main\nsys.argv = ['egovsearch', 'stats', '-f', 'xml']\n"
            "main()\nprint('not reached', file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=_env(), cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("Error: Invalid value for '--format' / '-f': unknown format 'xml'; "
                           "expected one of table, json\n")
