"""The one exception hierarchy of egovsearch, and its exit codes.

Every error a user can cause or meet is an ``EgovsearchError`` whose message is
written for that user; the CLI prints it as ``Error: <message>`` on stderr and
exits with ``exit_code``. Standard library only.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of every command (also listed in the README)."""

    OK = 0  # success; for query-like commands: at least one hit
    NO_HITS = 1  # query-like commands: nothing matched; doctor: index out of sync
    ERROR = 2  # bad input, missing/damaged/outdated/locked index, unreadable files
    INTERRUPTED = 130  # Ctrl-C


def shown(text: str, limit: int = 60) -> str:
    """User input (a query, a date, an id) as a message quotes it: shortened,
    and escaped where it is not printable, so that it stays on one line, a
    pasted escape sequence cannot drive the terminal, and an undecodable byte
    of the command line (which Python passes on as a surrogate, U+DCFF for
    0xFF) reads '\\xff'."""
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    out = []
    for c in text:
        if c.isprintable():
            out.append(c)
        elif "\udc80" <= c <= "\udcff":
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        else:
            out.append(c.encode("unicode_escape").decode("ascii"))
    return "".join(out)


class EgovsearchError(Exception):
    """Base class: a failure explained to the user in one line."""

    exit_code: int = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotAnArticle(EgovsearchError):
    """A file of the archive is not an article (empty, binary, no article text...)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ArchiveError(EgovsearchError):
    """The archive itself cannot be used (missing, a file, unreadable)."""


class IndexMissing(EgovsearchError):
    """There is no index at the given place."""

    def __init__(self, index_dir: str) -> None:
        super().__init__(f"no index at {index_dir}; run 'egovsearch index'")
        self.index_dir = index_dir


class IndexDamaged(EgovsearchError):
    """The index exists but cannot be read."""

    def __init__(self, index_dir: str, detail: str = "") -> None:
        msg = f"the index at {index_dir} is damaged; run 'egovsearch index --rebuild'"
        super().__init__(msg + (f" ({detail})" if detail else ""))
        self.index_dir = index_dir
        self.detail = detail


class IndexOutdated(EgovsearchError):
    """The index was built by another version of egovsearch: it needs a rebuild."""

    def __init__(self, index_dir: str, schema: object, needed: int) -> None:
        super().__init__(
            f"the index at {index_dir} was built by another version of egovsearch "
            f"(schema {schema}, this version needs {needed}); rebuild needed: run 'egovsearch index --rebuild'")
        self.index_dir = index_dir


class IndexChanged(EgovsearchError):
    """An index run committed a new generation while a command was reading the
    old one, and removed a file of it: run the command again (nothing is damaged)."""


class IndexLocked(EgovsearchError):
    """Another ``egovsearch index`` holds the index's write lock."""


class IndexNotWritable(EgovsearchError):
    """The index directory cannot be created or written."""


class IndexIncomplete(EgovsearchError):
    """A write did not hold what was fed in; nothing was committed."""


class UsageError(EgovsearchError):
    """Options that cannot go together, or a missing argument (checked before any work)."""


class QueryError(EgovsearchError):
    """The query text cannot be parsed."""


class DateError(EgovsearchError):
    """A date given by the user cannot be understood."""


class ArticleNotFound(EgovsearchError):
    """No article has the given id, id prefix or path."""


class AmbiguousId(EgovsearchError):
    """An id prefix names more than one article."""

    def __init__(self, prefix: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:10]) + (" ..." if len(candidates) > 10 else "")
        super().__init__(
            f"the id prefix '{prefix}' is ambiguous; it matches {len(candidates)} "
            f"articles: {shown}"
        )
        self.prefix = prefix
        self.candidates = candidates


class WouldRemoveMost(EgovsearchError):
    """An index run would remove most of the index's articles (an unmounted
    share, a wrong --archive): nothing is changed unless it is forced."""

    def __init__(self, archive: str, count: int, total: int, *, rebuild: bool = False) -> None:
        if rebuild:
            what = (f"rebuilding would replace the index's {total:,} articles with none: "
                    f"the archive {archive} holds no article (is it mounted?)")
        else:
            what = (f"this run would remove {count:,} of the index's {total:,} articles: "
                    f"they are gone from the archive {archive} (is it mounted?)")
        super().__init__(f"{what}; nothing was changed; run again with --force to go ahead")
        self.archive = archive
        self.count = count
        self.total = total
        self.rebuild = rebuild

    @property
    def question(self) -> str:
        """What a terminal asks instead of refusing."""
        if self.rebuild:
            return (f"The archive {self.archive} holds no article (is it mounted?): rebuilding would "
                    f"replace the index's {self.total:,} articles with none. Go ahead?")
        return (f"{self.count:,} of the index's {self.total:,} articles are gone from the archive "
                f"{self.archive} (is it mounted?). Remove them from the index?")


class IndexWriteFailed(EgovsearchError):
    """Writing the index failed (disk full, permission lost): this run's
    partial files were removed."""


class WatchError(EgovsearchError):
    """A saved search that does not exist, already exists, or cannot be stored."""


class WatchLocked(EgovsearchError):
    """Another ``egovsearch watch`` holds the saved searches of this index."""


class GlossaryError(EgovsearchError):
    """A glossary file of --cross-language (--glossary, EGOVSEARCH_GLOSSARY) that
    is missing, unreadable or has a malformed line."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        where = f"glossary {shown(path, 200)}" + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
