"""The one place where failures become an `Error: ...` line and an exit code.

- an ``EgovsearchError``: its one-line message, its exit code;
- Ctrl-C: ``Error: interrupted``, exit 130;
- a reader that went away (``| head``): nothing, exit 0, like grep;
- anything else is a bug: ``Error: internal error: <type>: <message>``, exit 2,
  with the traceback as well when ``EGOVSEARCH_DEBUG=1`` is set.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from egovsearch.core.errors import EgovsearchError, ExitCode

DEBUG_VAR = "EGOVSEARCH_DEBUG"


def error(message: str) -> None:
    """Print `Error: <message>` as one line on stderr, with control characters
    removed: messages may quote user input, file names or article text."""
    from egovsearch.output.text import message as one_line_message

    typer.echo("Error: " + one_line_message(message), err=True)


def internal_error(e: BaseException) -> int:
    """Report an unexpected exception (a bug) in one line; the traceback only
    with EGOVSEARCH_DEBUG=1. Returns the exit code (2)."""
    if os.environ.get(DEBUG_VAR, "") not in ("", "0"):
        import traceback

        traceback.print_exception(e, file=sys.stderr)
    error(f"internal error: {type(e).__name__}: {e} (set {DEBUG_VAR}=1 to see the traceback)")
    return int(ExitCode.ERROR)


def is_typer_signal(e: BaseException) -> bool:
    """Typer's (vendored Click's) own exceptions: exits, aborts and usage errors,
    which Typer turns into exit codes and messages itself."""
    return isinstance(e, (typer.Exit, typer.Abort)) or (
        hasattr(e, "format_message") and hasattr(e, "exit_code"))


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn every failure inside the block into `Error: ...` and an exit code."""
    try:
        yield
    except EgovsearchError as e:
        error(str(e))
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        error("interrupted")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, like grep. Later writes
        # (and the final flush) go to /dev/null instead of failing again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # stdout is no file (a test's buffer): nothing to redirect
            pass
        raise typer.Exit(ExitCode.OK) from None
    except Exception as e:
        if is_typer_signal(e):
            raise
        raise typer.Exit(internal_error(e)) from None
