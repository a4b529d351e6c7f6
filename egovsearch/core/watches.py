"""Saved searches ("watches") and the articles each has already shown. Standard library only.

The watches of an index live in the user's state directory
(``$XDG_STATE_HOME/egovsearch/watches/``, else ``~/.local/state/egovsearch/watches/``),
one file per index, named by a hash of the index's absolute path: a shared,
read-only index can be watched, and ``index --rebuild`` (which replaces the
index directory's contents) leaves them alone. Beside that file:

* ``<key>.json``: the watches, replaced whole (``files.write_atomic``);
* ``<key>.seen``: a journal of ids shown since the file was last written, one
  ``name<TAB>id`` line appended as soon as its record reached the reader, so
  that a run killed at any moment has recorded exactly what it printed (the
  next load merges it; a cut last line is ignored);
* ``<key>.lock``: held (``flock``) by whoever changes them, so that two
  ``watch run`` never print the same new article twice.

Ids are the articles' ``id`` field (from the page's file name): they stay the
same across ``index --rebuild``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from egovsearch.core.errors import WatchError, WatchLocked, shown
from egovsearch.core.files import read_json, wait_for_lock, write_json

FORMAT_VERSION = 1
# Letters (any script), digits, '.', '-' and '_': a name is typed on command
# lines and printed as a column, so no spaces, tabs or control characters.
_NAME = re.compile(r"[^\W_][\w.-]{0,63}")


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user's egovsearch state directory: ``$XDG_STATE_HOME/egovsearch``,
    else ``~/.local/state/egovsearch`` (a relative XDG_STATE_HOME is ignored,
    as the XDG Base Directory specification says)."""
    env = os.environ if environ is None else environ
    home = env.get("XDG_STATE_HOME", "")
    base = Path(home) if home and os.path.isabs(home) else Path(env.get("HOME") or Path.home()) / ".local" / "state"
    return base / "egovsearch"


def check_name(name: str) -> str:
    """`name` if it can name a watch; else :class:`WatchError`."""
    if not _NAME.fullmatch(name):
        raise WatchError(f"'{shown(name)}' cannot name a saved search: use letters, digits, '.', '-' "
                         "and '_' (at most 64, starting with a letter or digit), like 'ozg' or 'e-akte'")
    return name


def now() -> str:
    """The time a watch is saved or run: local, to the second, with its offset."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Watch:
    """One saved search: the query and filters as typed (relative dates are
    evaluated at each run), and the ids of the articles it has shown."""

    name: str
    query: str | None
    sources: tuple[str, ...] = ()
    since: str | None = None  # as typed: "last week" means the week before each run
    until: str | None = None
    language: str | None = None
    created: str = ""
    last_run: str | None = None
    seen: frozenset[str] = field(default=frozenset(), compare=False)
    # --collapse: a copy of a story already seen is not new (each cluster of
    # near-copies counts as one article; all its members' ids are seen).
    collapse: bool = False
    cross_language: bool = False  # -x: also through the glossary's translations
    glossary: str | None = None  # with -x: the user's glossary file (an absolute path)

    def command(self) -> str:
        """The search as it would be typed after ``egovsearch query``."""
        words = [shlex.quote(self.query)] if self.query else []
        for s in self.sources:
            words += ["--source", shlex.quote(s)]
        for option, value in (("--since", self.since), ("--until", self.until), ("--lang", self.language)):
            if value is not None:
                words += [option, shlex.quote(value)]
        if self.cross_language:
            words += ["-x"] + (["--glossary", shlex.quote(self.glossary)] if self.glossary else [])
        if self.collapse:
            words.append("--collapse")
        return " ".join(words)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``watch list -f json``: the number of seen articles, not their ids;
        ``cross_language`` and ``glossary`` only for a watch saved with -x, ``collapse``
        only for one saved with --collapse."""
        d: dict[str, Any] = {"name": self.name, "query": self.query,
                             "filters": {"source": list(self.sources), "since": self.since, "until": self.until,
                                         "lang": self.language},
                             "created": self.created, "last_run": self.last_run, "seen": len(self.seen)}
        if self.cross_language:
            d |= {"cross_language": True, "glossary": self.glossary}
        if self.collapse:
            d["collapse"] = True
        return d

    def _stored(self) -> dict[str, Any]:
        extra: dict[str, Any] = {"cross_language": True, "glossary": self.glossary} if self.cross_language else {}
        if self.collapse:  # (absent: false, so that files written before it read the same)
            extra["collapse"] = True
        return {"query": self.query, "source": list(self.sources), "since": self.since, "until": self.until,
                "lang": self.language, "created": self.created, "last_run": self.last_run,
                "seen": sorted(self.seen), **extra}

    @classmethod
    def _load(cls, name: str, data: Mapping[str, Any]) -> Watch:
        def text(key: str) -> str | None:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{key} of {name!r} is not text")
            return value

        sources, seen = data.get("source", []), data.get("seen", [])
        if not (isinstance(sources, list) and isinstance(seen, list)
                and all(isinstance(v, str) for v in (*sources, *seen))):
            raise ValueError(f"source or seen of {name!r} is not a list of texts")
        cross = data.get("cross_language", False)
        if not isinstance(cross, bool):
            raise ValueError(f"cross_language of {name!r} is not true or false")
        collapse = data.get("collapse", False)
        if not isinstance(collapse, bool):
            raise ValueError(f"collapse of {name!r} is not true or false")
        return cls(name=check_name(name), query=text("query"), sources=tuple(sources), since=text("since"),
                   until=text("until"), language=text("lang"), created=text("created") or "",
                   last_run=text("last_run"), seen=frozenset(seen), cross_language=cross,
                   glossary=text("glossary"), collapse=collapse)


class WatchStore:
    """The watches of one index, in the state directory."""

    def __init__(self, state: Path, index_dir: Path) -> None:
        self.index = str(Path(index_dir).resolve())
        key = hashlib.sha256(self.index.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        self.dir = Path(state) / "watches"
        self.file = self.dir / f"{key}.json"
        self.journal = self.dir / f"{key}.seen"
        self.lock_file = self.dir / f"{key}.lock"

    def load(self) -> dict[str, Watch]:
        """Every watch by name (in name order), with the journal's ids merged in."""
        try:
            data = read_json(self.file)
            if data is None:
                watches: dict[str, Watch] = {}
            else:
                if not isinstance(data, dict) or not isinstance(data.get("watches"), dict):
                    raise ValueError("no table of watches")
                if data.get("version") != FORMAT_VERSION:
                    raise ValueError(f"format version {data.get('version')!r}, this egovsearch reads "
                                     f"{FORMAT_VERSION}")
                watches = {}
                for name, w in data["watches"].items():
                    if not isinstance(w, dict):
                        raise ValueError(f"the watch {name!r} is not a table")
                    watches[name] = Watch._load(name, w)
            journal = self._journal()
        except (ValueError, WatchError) as e:
            raise WatchError(f"the saved searches file {self.file} is damaged ({e}); "
                             "move it away to start again") from None
        except OSError as e:
            raise WatchError(f"cannot read the saved searches {self.file}: {e.strerror}") from None
        for name, ids in journal.items():
            if name in watches:
                w = watches[name]
                watches[name] = replace(w, seen=w.seen | ids)
        return dict(sorted(watches.items()))

    def _journal(self) -> dict[str, frozenset[str]]:
        try:
            with open(self.journal, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return {}
        found: dict[str, set[str]] = {}
        for line in data.split(b"\n")[:-1]:  # a last line without its newline was cut: not recorded
            name, _, aid = line.decode("utf-8", "replace").partition("\t")
            if aid:
                found.setdefault(name, set()).add(aid)
        return {name: frozenset(ids) for name, ids in found.items()}

    def save(self, watches: Mapping[str, Watch]) -> None:
        """Replace the file with `watches` (the journal, merged by `load`, goes)."""
        data = {"version": FORMAT_VERSION, "index": self.index,
                "watches": {name: w._stored() for name, w in sorted(watches.items())}}
        try:
            self._make_dir()
            write_json(self.file, data)
            self.journal.unlink(missing_ok=True)
        except OSError as e:
            raise WatchError(f"cannot write the saved searches {self.file}: {e.strerror}") from None

    def _make_dir(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    @contextmanager
    def locked(self, timeout: float) -> Iterator[None]:
        """Exclusive use of this index's watches; waits up to `timeout` seconds
        (as the indexer's lock does: ``engine.writer._locked``)."""
        try:
            self._make_dir()
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as e:
            raise WatchError(f"cannot write the saved searches in {self.dir}: {e.strerror}") from None
        try:
            if not wait_for_lock(fd, timeout):
                raise WatchLocked(f"another 'egovsearch watch' is using the saved searches of {self.index}; "
                                  f"waited {timeout:g} s, try again when it has finished")
            yield
        finally:
            os.close(fd)  # releases the lock

    @contextmanager
    def journal_writer(self) -> Iterator[SeenLog]:
        """The journal, open for appending: what a run has shown, line by line."""
        try:
            fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as e:
            raise WatchError(f"cannot write the saved searches in {self.dir}: {e.strerror}") from None
        try:
            yield SeenLog(fd)
        finally:
            os.close(fd)


class SeenLog:
    """Appends ``name<TAB>id`` lines, each with one write: a killed process
    leaves whole lines (and at worst one cut line, which `load` ignores)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def record(self, name: str, article_id: str) -> None:
        line = f"{name}\t{article_id}\n".encode("utf-8", "surrogateescape")
        written = os.write(self._fd, line)
        if written != len(line):  # (a full disk): the rest, so the line is whole or visibly cut
            os.write(self._fd, line[written:])
