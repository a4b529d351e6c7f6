"""The registry of output formats, and the machine formats (tsv, json, jsonl, csv, paths, ids).

:data:`FORMATS` lists, per kind of record, every format name with its writer,
in the order shown to users (the first is the command's default). The CLI
builds each ``--format`` option from it (choices in the help, the check of an
unknown name and its message) and writes through it, so a new format is one
writer and one line here. Formats drawn for a person (tables, the article
view, the chart) are written by :mod:`egovsearch.output.terminal`, which this
module imports only when one of them is asked for: the machine formats never
load it, nor Rich. stdout gets data; summaries go to stderr elsewhere.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

if TYPE_CHECKING:
    from egovsearch.core.copies import Copy
    from egovsearch.core.models import Article, Hit, SearchResult
    from egovsearch.core.reports import Health, IndexStats, SourceCount, Timeline
    from egovsearch.core.watches import Watch

# `egovsearch --help` imports this module for the format names: everything a
# writer needs beyond them (json, the records, the cleaner and its pattern)
# loads when a writer runs. A string pattern: re compiles it at first use.
_SURROGATE = r"[\ud800-\udfff]"


class Options(NamedTuple):
    """How to write: colour (terminal formats), NUL-ended records (paths, ids), a
    leading query field (a --stdin batch) and its name (`lead`: "watch" for saved
    searches), the table's first rank, highlight spans,
    emphasis without colour (a terminal with NO_COLOR: bold and underline only),
    an article's absolute paths (show: the file and its copies), the archive
    root that makes record paths absolute (export), the hit fields chosen with
    --fields (None: the format's own), an article's near-copies (show; None:
    not looked up)."""

    color: bool = False
    nul: bool = False
    with_query: bool = False
    first_rank: int = 1
    marks: Sequence[tuple[int, int]] = ()
    emphasis: bool = False
    paths: Sequence[str] = ()
    archive: str = ""
    fields: tuple[str, ...] | None = None
    lead: str = "query"
    copies: Sequence[Copy] | None = None


# A writer takes the records of its kind, the stream and the options; it
# returns how many records it wrote.
Writer = Callable[[Any, TextIO, Options], int]


class UnknownFormat(ValueError):
    """A format name the kind of record does not have (the message lists those it has)."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"unknown format {name!r}; expected one of {', '.join(names(kind))}")
        self.kind = kind
        self.name = name


# --- machine-format helpers -------------------------------------------------------


def _json(obj: Any, indent: int | None = None) -> str:
    """JSON with UTF-8 kept; \\u-escaped only when a lone surrogate would not encode."""
    import json

    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return json.dumps(obj, indent=indent) if re.search(_SURROGATE, text) else text


def _json_array(objs: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A JSON array with one object a line; return the count."""
    texts = [_json(o) for o in objs]
    out.write("[" + ",\n ".join(texts) + "]\n")
    return len(texts)


def _cell(value: Any) -> Any:
    """A CSV cell: None empty, a list (duplicates) its items separated by
    spaces, strings made encodable, anything else as is."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, str) and re.search(_SURROGATE, value):
        return re.sub(_SURROGATE, "\ufffd", value)
    return value


class _Csv:
    """CSV rows ending in "\n" (Unix pipelines). The csv module quotes only the
    characters of its own line terminator, so a row holding a bare \r is fully quoted."""

    def __init__(self, out: TextIO) -> None:
        import csv  # (only for csv output)

        self._plain = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def row(self, values: Iterable[Any]) -> None:
        cells = [_cell(v) for v in values]
        crlf = any(isinstance(c, str) and "\r" in c for c in cells)
        (self._quoted if crlf else self._plain).writerow(cells)


# --- search hits ------------------------------------------------------------------

if TYPE_CHECKING:
    Results = Iterable[tuple[str | None, SearchResult]]


def _hits(results: Results) -> Iterator[tuple[str | None, SearchResult, Hit]]:
    for query, result in results:
        for hit in result.hits:
            yield query, result, hit


def _hit_dict(result: SearchResult, hit: Hit) -> dict[str, Any]:
    """A hit's fields with its absolute path (as `paths` prints it); `id` is the stable key."""
    obj = hit.to_dict()
    obj["path"] = os.path.join(result.archive, hit.path)
    return obj


def _hit_object(query: str | None, result: SearchResult, hit: Hit, o: Options) -> dict[str, Any]:
    obj = _hit_dict(result, hit)
    if o.fields is not None:
        obj = {k: obj[k] for k in o.fields}
    return {o.lead: query, **obj} if o.with_query else obj


def _hits_json(results: Results, out: TextIO, o: Options) -> int:
    # One array over all results, streamed an object a line (as sqlite-utils does).
    out.write("[")
    n = 0
    for query, result, hit in _hits(results):
        out.write((",\n " if n else "") + _json(_hit_object(query, result, hit, o)))
        n += 1
    out.write("]\n")
    return n


def _hits_jsonl(results: Results, out: TextIO, o: Options) -> int:
    n = 0
    for query, result in results:
        for hit in result.hits:
            out.write(_json(_hit_object(query, result, hit, o)) + "\n")
            n += 1
        out.flush()  # each search's lines reach the reader before the next one runs
    return n


def _hits_csv(results: Results, out: TextIO, o: Options) -> int:
    from egovsearch.core.models import HIT_FIELDS

    writer = _Csv(out)
    lead = (o.lead,) if o.with_query else ()
    keys: tuple[str, ...] | None = o.fields
    if keys is not None:
        writer.row(lead + keys)
    n = 0
    for query, result in results:
        if keys is None:
            # The default header waits for the first search (which runs before
            # any output anyway): --sort hybrid adds its `hybrid` column.
            keys = HIT_FIELDS + (("hybrid",) if any(h.hybrid is not None for h in result.hits) else ()) \
                + (("duplicates",) if any(h.duplicates is not None for h in result.hits) else ())
            writer.row(lead + keys)
        for hit in result.hits:
            obj = _hit_dict(result, hit)
            writer.row(([query] if o.with_query else []) + [obj.get(k) for k in keys])
            n += 1
    if keys is None:  # no search at all: the header alone
        writer.row(lead + HIT_FIELDS)
    return n


def _hits_tsv(results: Results, out: TextIO, o: Options) -> int:
    from egovsearch.output.text import one_line

    n = 0
    for query, result, hit in _hits(results):
        if o.fields is None:
            # (The date as to_dict writes it, without building the whole dict per hit.)
            fields: list[Any] = [hit.id, hit.published.isoformat() if hit.published else None, hit.source,
                                 hit.title, os.path.join(result.archive, hit.path)]
            if hit.duplicates is not None:  # (--collapse)
                fields.append(hit.duplicates)
        else:
            obj = _hit_dict(result, hit)
            fields = [obj[k] for k in o.fields]
        if o.with_query:
            fields.insert(0, query)
        # (A printable string has nothing to clean, no tab and no newline: most are.)
        texts = ("" if f is None else f if isinstance(f, str) else " ".join(f) if isinstance(f, list | tuple)
                 else str(f) for f in fields)
        out.write("\t".join(t if t.isprintable() else one_line(t) for t in texts) + "\n")
        n += 1
    return n


def _hits_paths(results: Results, out: TextIO, o: Options) -> int:
    from egovsearch.output.text import one_line

    n = 0
    for _, result, hit in _hits(results):
        path = os.path.join(result.archive, hit.path)
        # NUL mode keeps the exact path for xargs -0; line mode is for eyes and must be safe.
        out.write(path + "\0" if o.nul else one_line(path) + "\n")
        n += 1
    return n


def _hits_ids(results: Results, out: TextIO, o: Options) -> int:
    n = 0
    for _, _, hit in _hits(results):
        out.write(hit.id + ("\0" if o.nul else "\n"))
        n += 1
    return n


def _hits_table(results: Results, out: TextIO, o: Options) -> int:
    from egovsearch.output import terminal

    return terminal.hit_tables(results, out, color=o.color, with_query=o.with_query, first_rank=o.first_rank,
                               emphasis=o.emphasis, label=o.lead)


# --- articles -------------------------------------------------------------------------


def _article_dict(article: Article, o: Options) -> dict[str, Any]:
    """An article's fields, its path absolute (under `o.archive`)."""
    data = article.to_dict()
    data["path"] = os.path.join(o.archive, article.path)
    return data


def _article_json(article: Article, out: TextIO, o: Options) -> int:
    # `path` (the file asked for) stays for the contract; `paths` after it names
    # every file of the article: byte-identical copies share one id.
    data = _article_dict(article, o)
    paths = list(o.paths) or [data["path"]]
    shown: dict[str, Any] = {}
    for key, value in data.items():
        shown[key] = paths[0] if key == "path" else value
        if key == "path":
            shown["paths"] = paths
    if o.copies is not None:  # the near-copies, after the byte-identical ones (paths) and the body
        shown["duplicates"] = [c.to_dict() for c in o.copies]
    out.write(_json(shown, indent=2) + "\n")
    return 1


def _article_text(article: Article, out: TextIO, o: Options) -> int:
    from egovsearch.output import terminal

    terminal.article_text(article, out, color=o.color, marks=o.marks, emphasis=o.emphasis, paths=o.paths,
                          copies=o.copies or ())
    return 1


def _articles_json(articles: Iterable[Article], out: TextIO, o: Options) -> int:
    out.write("[")
    n = 0
    for article in articles:
        out.write((",\n " if n else "") + _json(_article_dict(article, o)))
        n += 1
    out.write("]\n")
    return n


def _articles_jsonl(articles: Iterable[Article], out: TextIO, o: Options) -> int:
    n = 0
    for article in articles:
        out.write(_json(_article_dict(article, o)) + "\n")
        n += 1
    return n


def _articles_csv(articles: Iterable[Article], out: TextIO, o: Options) -> int:
    writer = _Csv(out)
    n = 0
    for article in articles:
        data = _article_dict(article, o)
        if n == 0:
            writer.row(data)
        writer.row(data.values())
        n += 1
    if n == 0:  # the header alone
        from egovsearch.core.models import Article

        writer.row(Article("", "", "", "", None, None, None, "", 0).to_dict())
    return n


def _articles_table(articles: Iterable[Article], out: TextIO, o: Options) -> int:
    from egovsearch.output import terminal

    return terminal.article_table(articles, out, color=o.color)


# --- archive overviews -----------------------------------------------------------------


def _stats_json(stats: IndexStats, out: TextIO, o: Options) -> int:
    out.write(_json(stats.to_dict(), indent=2) + "\n")
    return 1


def _stats_table(stats: IndexStats, out: TextIO, o: Options) -> int:
    from egovsearch.output import terminal

    terminal.stats_lines(stats, out, color=o.color)
    return 1


def _sources_json(sources: Sequence[SourceCount], out: TextIO, o: Options) -> int:
    return _json_array((s.to_dict() for s in sources), out)


def _sources_csv(sources: Sequence[SourceCount], out: TextIO, o: Options) -> int:
    writer = _Csv(out)
    writer.row(("source", "count", "first", "last"))
    for s in sources:
        writer.row(s.to_dict().values())
    return len(sources)


def _sources_table(sources: Sequence[SourceCount], out: TextIO, o: Options) -> int:
    from egovsearch.output import terminal

    terminal.source_table(sources, out, color=o.color)
    return len(sources)


def _timeline_json(tl: Timeline, out: TextIO, o: Options) -> int:
    return _json_array(({"period": p, "count": c} for p, c in tl.periods), out)


def _timeline_csv(tl: Timeline, out: TextIO, o: Options) -> int:
    writer = _Csv(out)
    for row in (("period", "count"), *tl.periods):
        writer.row(row)
    return len(tl.periods)


def _timeline_chart(tl: Timeline, out: TextIO, o: Options) -> int:
    from egovsearch.output import terminal

    terminal.timeline_chart(tl, out, color=o.color)
    return len(tl.periods)


def _health_tsv(health: Health, out: TextIO, o: Options) -> int:
    # One "kind<TAB>path" line per file out of step (cut -f2 gives the paths;
    # nothing when in sync). The repairs have no rows here: they are no files
    # to act on, and would break both of those; -f json and the table have them.
    from egovsearch.output.text import clean

    n = 0
    for kind, paths in (("missing", health.missing), ("stale", health.stale), ("orphaned", health.orphaned),
                        ("damaged", health.damaged)):
        for path in paths:
            out.write(f"{kind}\t{clean(path)}\n")
            n += 1
    return n


def _health_json(health: Health, out: TextIO, o: Options) -> int:
    out.write(_json(health.to_dict(), indent=2) + "\n")
    return 1


def _health_table(health: Health, out: TextIO, o: Options) -> int:
    from egovsearch.output import terminal

    terminal.health_table(health, out, color=o.color)
    return 1


# --- saved searches ----------------------------------------------------------------------


def _watches_json(watches: Sequence[Watch], out: TextIO, o: Options) -> int:
    return _json_array((w.to_dict() for w in watches), out)


def _watches_table(watches: Sequence[Watch], out: TextIO, o: Options) -> int:
    # Plain aligned columns (no Rich): a short list, read or grepped.
    from egovsearch.output.text import one_line

    if not watches:  # (the CLI says so on stderr)
        return 0
    rows = [("Name", "Last run", "Seen", "Search")]
    rows += [(w.name, w.last_run or "never", str(len(w.seen)), one_line(w.command()) or "(every article)")
             for w in watches]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for name, last, seen, search in rows:
        out.write(f"{name:<{widths[0]}}  {last:<{widths[1]}}  {seen:>{widths[2]}}  {search}\n")
    return len(watches)


# --- the registry ------------------------------------------------------------------------

FORMATS: dict[str, dict[str, Writer]] = {
    # search hits (query, similar); the CLI's default is table on a terminal, else tsv
    "hits": {"table": _hits_table, "tsv": _hits_tsv, "json": _hits_json, "jsonl": _hits_jsonl,
             "csv": _hits_csv, "paths": _hits_paths, "ids": _hits_ids},
    # records read from archive files (parse)
    "articles": {"table": _articles_table, "json": _articles_json, "jsonl": _articles_jsonl},
    # one whole article (show)
    "article": {"text": _article_text, "json": _article_json},
    "stats": {"table": _stats_table, "json": _stats_json},
    "sources": {"table": _sources_table, "json": _sources_json, "csv": _sources_csv},
    "timeline": {"chart": _timeline_chart, "json": _timeline_json, "csv": _timeline_csv},
    # the index against its archive (doctor)
    # (doctor's default is table on a terminal, else tsv)
    "health": {"tsv": _health_tsv, "json": _health_json, "table": _health_table},
    # every matching article with its body (export)
    "export": {"jsonl": _articles_jsonl, "csv": _articles_csv},
    "watches": {"table": _watches_table, "json": _watches_json},  # watch list
}

# The hit formats that print a snippet (only these make the search build
# snippets), and the one that prints a "Did you mean" (only it asks for one).
SNIPPET_FORMATS = frozenset({"table", "json", "jsonl", "csv"})
SUGGEST_FORMATS = frozenset({"table"})
# The hit formats whose keys or columns --fields chooses (as gh's --json FIELDS):
# json, jsonl and csv (default: every key of the contract, snippet included) and
# tsv (default: id, published, source, title, path). A snippet is made only
# when the fields printed hold it.
FIELDS_FORMATS = ("json", "jsonl", "csv", "tsv")


class FieldsError(ValueError):
    """A --fields list that names no field, an unknown one, or one twice (the message lists the valid ones)."""


def parse_fields(text: str) -> tuple[str, ...]:
    """The hit fields of a comma-separated list, in the order given."""
    from egovsearch.core.models import HIT_FIELDS

    names = [name.strip() for name in text.split(",")]
    # (hybrid: with --sort hybrid only, duplicates with --collapse only; the CLI checks)
    known = (*HIT_FIELDS, "hybrid", "duplicates")
    valid = ", ".join(known)
    for name in names:
        if not name:
            raise FieldsError(f"an empty field name in {text!r}; expected some of {valid}")
        if name not in known:
            raise FieldsError(f"unknown field {name!r}; expected some of {valid}")
    for name in names:
        if names.count(name) > 1:
            raise FieldsError(f"the field {name!r} is given twice")
    return tuple(names)


def prints_snippets(fmt: str, fields: Sequence[str] | None) -> bool:
    """Whether hits written in `fmt` (with --fields `fields`) show their snippet."""
    return fmt in SNIPPET_FORMATS if fields is None else "snippet" in fields


def names(kind: str) -> tuple[str, ...]:
    """The format names of a kind of record, the default first."""
    return tuple(FORMATS[kind])


def check(kind: str, name: str) -> str:
    """`name` if the kind has that format; else :class:`UnknownFormat`."""
    if name not in FORMATS[kind]:
        raise UnknownFormat(kind, name)
    return name


def write(kind: str, name: str, records: Any, out: TextIO, options: Options | None = None) -> int:
    """Write `records` of `kind` in format `name` on `out`; return how many were written."""
    return FORMATS[kind][check(kind, name)](records, out, options or Options())


# --- typed entry points, one per kind ------------------------------------------------------


def write_hits(results: Results, fmt: str, out: TextIO, *, color: bool, nul: bool = False,
               with_query: bool = False, first_rank: int = 1, emphasis: bool = False,
               fields: tuple[str, ...] | None = None, lead: str = "query") -> int:
    """Write the hits of one or more searches in `fmt`; return how many hits were written.

    `first_rank` numbers the table's first row (the CLI passes offset + 1). `nul`
    ends each line of `paths` and `ids` with NUL instead of a newline. Paths are
    absolute in every format. `emphasis` without `color`: the table marks the
    matched words bold and underlined, in no colour (a terminal with NO_COLOR).
    `fields` (from `parse_fields`) chooses the keys or columns of json, jsonl,
    csv and tsv; ValueError for any other format.
    With `with_query` each hit carries the text its search is labelled with,
    under the name `lead` (a --stdin batch's query; a saved search's name: "watch").
    """
    if fields is not None and fmt not in FIELDS_FORMATS:
        raise ValueError(f"fields are for the formats {', '.join(FIELDS_FORMATS)}, not {fmt}")
    return write("hits", fmt, results, out, Options(color=color, nul=nul, with_query=with_query,
                                                     first_rank=first_rank, emphasis=emphasis, fields=fields,
                                                     lead=lead))


def write_article(article: Article, fmt: str, out: TextIO, *, color: bool,
                  marks: Sequence[tuple[int, int]] = (), emphasis: bool = False,
                  paths: Sequence[str] = (), copies: Sequence[Copy] | None = None) -> None:
    """One whole article: `text` (metadata header, blank line, body) or `json` (with body).

    `paths`: its absolute paths, the one asked for first, then byte-identical
    copies (all listed in the header; `path` and `paths` in JSON). `copies`:
    its near-copies (a ``Copies:`` section; `duplicates` in JSON, a list of
    {id, source, published, resemblance}).
    """
    write("article", fmt, article, out, Options(color=color, marks=marks, emphasis=emphasis, paths=paths,
                                                copies=copies))


def write_articles(articles: Iterable[Article], fmt: str, out: TextIO, *, color: bool = False,
                   kind: str = "export", archive: str = "") -> int:
    """Whole records, streamed: for `export` (the default kind) `jsonl` (bulk-loadable)
    or `csv`; for `articles` (parse) `table` (no body), `json` (one array) or `jsonl`.
    Paths are made absolute under `archive` (export passes the index's archive)."""
    return write(kind, fmt, articles, out, Options(color=color, archive=archive))


def write_stats(stats: IndexStats, fmt: str, out: TextIO, *, color: bool) -> None:
    """Index statistics as aligned `table` lines or one `json` object."""
    write("stats", fmt, stats, out, Options(color=color))


def write_sources(sources: Sequence[SourceCount], fmt: str, out: TextIO, *, color: bool) -> None:
    """Publications with counts and first/last dates: `table`, `json` or `csv`."""
    write("sources", fmt, sources, out, Options(color=color))


def write_timeline(tl: Timeline, fmt: str, out: TextIO, *, color: bool) -> None:
    """Articles per period: a bar `chart` with undated and total lines, `json` or `csv`."""
    write("timeline", fmt, tl, out, Options(color=color))


def write_health(health: Health, fmt: str, out: TextIO, *, color: bool = False) -> None:
    """The index against its archive: `tsv` (a "kind<TAB>path" line per file out
    of step), `json` (with the repairs) or `table` (the files, then the repairs per source)."""
    write("health", fmt, health, out, Options(color=color))


def write_watches(watches: Sequence[Watch], fmt: str, out: TextIO) -> None:
    """Saved searches (name, last run, articles seen, the search): `table` or `json`."""
    write("watches", fmt, watches, out, Options())
