"""Running the app in-process for CLI tests: `run` with --index, `ok` for the
exit code, and a fixed plain terminal (not a test module: pytest does not
collect it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from egovsearch.cli.app import app

runner = CliRunner()


def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed 100-column 'terminal' size and no colour or pager settings from outside
    (for a module's autouse fixture)."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "24")
    for var in ("FORCE_COLOR", "COLORTERM", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(var, raising=False)


def run(index: Path, *args: str, stdin: str | None = None) -> Result:
    """Invoke the app with `--index` added; stdout and stderr come back apart."""
    return runner.invoke(app, [*args, "--index", str(index)], input=stdin)


def ok(result: Result, code: int = 0) -> Result:
    """Assert the exit code (with the output in the failure message) and no traceback."""
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    return result
