"""The one error rule of the CLI (cli/errors.py): a user's error is its message,
Ctrl-C is 130, a closed pipe is quiet, and anything else is a bug reported in one
line as an internal error, with the traceback only when EGOVSEARCH_DEBUG=1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest
from typer.testing import CliRunner

import egovsearch.api
import egovsearch.cli.app
from egovsearch.cli.app import app, build
from egovsearch.core.errors import IndexLocked

REPO = Path(__file__).resolve().parent.parent
HINT = "(set EGOVSEARCH_DEBUG=1 to see the traceback)"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EGOVSEARCH_DEBUG", raising=False)


def _raise(exc: BaseException) -> Callable[..., NoReturn]:
    def fail(*args: object, **kwargs: object) -> NoReturn:
        raise exc

    return fail


@pytest.mark.parametrize(("exc", "line"), [
    (RuntimeError("boom"), "RuntimeError: boom"),
    (AttributeError("'NoneType' object has no attribute 'x'"),
     "AttributeError: 'NoneType' object has no attribute 'x'"),
    (KeyError("k"), "KeyError: 'k'"),
    (ValueError("two\nlines\x1b[2J"), "ValueError: two lines"),  # one line, no escape
])
def test_unexpected_exception_is_one_internal_error_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, exc: BaseException, line: str) -> None:
    monkeypatch.setattr(egovsearch.api, "stats", _raise(exc))
    r = runner.invoke(app, ["stats", "--index", str(tmp_path)])
    assert (r.exit_code, r.stdout) == (2, "")
    assert isinstance(r.exception, SystemExit)
    assert r.stderr == f"Error: internal error: {line} {HINT}\n"


def test_internal_error_in_a_search(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(egovsearch.api, "session", _raise(AttributeError("phrase")))
    for fmt in ("tsv", "json", "csv", "table"):
        r = runner.invoke(app, ["query", "key issues", "-f", fmt, "--index", str(tmp_path)])
        assert (r.exit_code, r.stdout) == (2, "")
        assert r.stderr == f"Error: internal error: AttributeError: phrase {HINT}\n"


def test_debug_prints_the_traceback_as_well(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(egovsearch.api, "stats", _raise(RuntimeError("boom")))
    monkeypatch.setenv("EGOVSEARCH_DEBUG", "1")
    r = runner.invoke(app, ["stats", "--index", str(tmp_path)])
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr.startswith("Traceback (most recent call last):\n")
    assert "in fail\n" in r.stderr and "RuntimeError: boom\n" in r.stderr
    assert r.stderr.endswith(f"\nError: internal error: RuntimeError: boom {HINT}\n")


def test_a_users_error_keeps_its_message_and_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(egovsearch.api, "stats", _raise(IndexLocked("the index is being written")))
    r = runner.invoke(app, ["stats", "--index", str(tmp_path)])
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", "Error: the index is being written\n")


def test_interrupt_is_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(egovsearch.api, "stats", _raise(KeyboardInterrupt()))
    r = runner.invoke(app, ["stats", "--index", str(tmp_path)])
    assert (r.exit_code, r.stdout, r.stderr) == (130, "", "Error: interrupted\n")


def test_broken_pipe_is_quiet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(egovsearch.api, "stats", _raise(BrokenPipeError()))
    r = runner.invoke(app, ["stats", "--index", str(tmp_path)])
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "")


def test_an_exception_outside_user_errors_is_an_internal_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """What escapes a command (not a usage error) reaches the app's own handler
    (_OneLineErrors.main), which applies the same rule instead of a traceback."""
    def stats() -> None:
        """A command that fails before any error mapping."""
        raise TypeError("unsupported operand")

    monkeypatch.setitem(egovsearch.cli.app.COMMANDS, "stats", stats)
    r = runner.invoke(build(["stats"]), ["stats"])
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == f"Error: internal error: TypeError: unsupported operand {HINT}\n"
    monkeypatch.setenv("EGOVSEARCH_DEBUG", "1")
    r = runner.invoke(build(["stats"]), ["stats"])
    assert r.exit_code == 2 and r.stderr.startswith("Traceback (most recent call last):\n")
    assert r.stderr.endswith(f"TypeError: unsupported operand\nError: internal error: TypeError: "
                             f"unsupported operand {HINT}\n")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOVSEARCH_")}
    env["PYTHONIOENCODING"] = "utf-8"
    return {**env, **extra}


_FAILING = ("import sys, egovsearch.api\n"
            "def stats(index_dir):\n"
            "    raise RuntimeError('boom')\n"
            "egovsearch.api.stats = stats\n"
            "from egovsearch.__main__ import main\n"
            "sys.argv = ['egovsearch', 'stats', '--index', 'nowhere']\n"
            "main()\n")


def test_internal_error_in_a_real_process(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _FAILING], cwd=tmp_path, env=_env(), capture_output=True,
                          text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == f"Error: internal error: RuntimeError: boom {HINT}\n"
    proc = subprocess.run([sys.executable, "-c", _FAILING], cwd=tmp_path, env=_env(EGOVSEARCH_DEBUG="1"),
                          capture_output=True, text=True, timeout=120, check=False)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr.startswith("Traceback (most recent call last):\n")
    assert proc.stderr.endswith(f"RuntimeError: boom\nError: internal error: RuntimeError: boom {HINT}\n")
