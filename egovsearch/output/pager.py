"""The pager: long terminal output goes through $PAGER (``less -FRX`` by default)."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Callable
from typing import TextIO


def page(render: Callable[[TextIO], None], out: TextIO, *, tty: bool) -> None:
    """Run `render`; on a terminal, send its text through $PAGER when taller than the screen.

    Defaults to ``less -FRX``; an empty PAGER or ``cat`` means no pager. If the
    pager cannot start, the text is written directly.
    """
    if not tty:
        render(out)
        return
    buf = io.StringIO()
    render(buf)
    text = buf.getvalue()
    command = os.environ.get("PAGER", "less -FRX")
    if text.count("\n") < shutil.get_terminal_size((80, 24)).lines or command.strip() in ("", "cat"):
        out.write(text)
        return
    import shlex
    import subprocess  # (only when a pager runs: ~3 ms of start-up otherwise)

    out.flush()  # what was written before must appear above the pager's output
    try:
        proc = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE,
                                encoding=getattr(out, "encoding", None) or "utf-8", errors="replace")
    except (OSError, ValueError):
        out.write(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write(text)
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the user quit the pager early, or Ctrl-C, which belongs to the pager
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    while True:
        try:
            proc.wait()
            return
        except KeyboardInterrupt:  # less uses Ctrl-C itself; wait until the user quits it
            continue
