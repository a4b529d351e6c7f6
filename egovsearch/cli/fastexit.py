"""Ending the process without the interpreter's teardown.

At exit Python frees every object of every loaded module one by one: ~20 ms
of a ~150 ms query. :func:`run` skips that with ``os._exit`` after doing what
the teardown would have done that matters: the exit handlers run (``atexit``:
multiprocessing's clean-up after ``index``) and stdout and stderr are flushed.
A reader that went away (``| head``) is no error, like grep: exit 0, quietly.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable
from typing import NoReturn


def _code(value: object) -> int:
    """An exit status from a return value or ``SystemExit.code``, as Python maps it."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    print(value, file=sys.stderr)  # sys.exit("message"): the message, status 1
    return 1


def run(main: Callable[[], object]) -> NoReturn:
    """Call `main`, then end the process at once with its exit code."""
    try:
        code = _code(main())
    except SystemExit as e:
        code = _code(e.code)
    except BrokenPipeError:  # (the CLI's user_errors stops this first; a safety net for the rest)
        code = 0
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:  # the reader is gone: nothing more can reach it
            pass
        except ValueError:  # the stream was closed
            pass
        except OSError as e:  # a full disk, say: the output is incomplete
            code = code or 2
            try:
                os.write(2, f"Error: cannot write the output: {e.strerror or e}\n".encode(errors="replace"))
            except OSError:
                pass
    os._exit(code)
