"""Files replaced whole: written atomically, read back strictly. Standard library only.

Every file egovsearch writes beside the index (meta, manifest, vocabularies)
is written to a temporary file in the same directory and renamed over the old
one, so a reader sees either the old or the new content, never a half.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_atomic(path: Path, content: str | bytes) -> None:
    """Replace `path` with `content` (text as UTF-8): a temporary file, then a rename."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_json(path: Path, data: Any) -> None:
    """`data` as compact JSON (UTF-8, not ASCII-escaped), atomically."""
    write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def read_json(path: Path) -> Any:
    """The JSON content of `path`; None when the file does not exist.

    Raises:
        ValueError: the file is not UTF-8 JSON (json.JSONDecodeError and
            UnicodeDecodeError are ValueErrors).
        OSError: the file exists but cannot be read.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    return json.loads(data.decode("utf-8"))


def wait_for_lock(fd: int, timeout: float) -> bool:
    """Take an exclusive flock on the open file `fd`, trying every 0.1 s for up
    to `timeout` seconds; False when another process still holds it then.
    (The index run and the saved searches each lock their own file this way;
    closing `fd` releases it.)"""
    import fcntl
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)
