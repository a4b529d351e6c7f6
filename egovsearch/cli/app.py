"""The command line: parse options, call one library function, render, map errors.

Heavy modules (Whoosh through egovsearch.query.run / indexer / explore, Rich
through egovsearch.output.formats's table code) are imported inside the commands, so
``egovsearch --help`` loads neither.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

from egovsearch.core.lazy import lazy_module, standing_in

# Typer imports subprocess (and with it signal and selectors, ~3 ms of every
# run) for launch() and installing shell completion; it loads when they run.
with standing_in({"subprocess": lazy_module("subprocess")}):
    import typer
    from typer.core import TyperGroup

from egovsearch.core.errors import EgovsearchError, ExitCode

if TYPE_CHECKING:
    from egovsearch.core.models import SearchRequest

EXIT_CODES = """Exit codes: 0 success (query-like commands: at least one hit), 1 no hit
(doctor: index out of sync), 2 error (bad query, bad date, missing, damaged or
locked index, unreadable archive), 130 interrupted."""

def _error(message: str) -> None:
    """Print `Error: <message>` as one line on stderr, with control characters
    removed: messages may quote user input, file names or article text."""
    from egovsearch.output.formats import clean

    typer.echo("Error: " + " ".join(clean(message).split()), err=True)


class _OneLineErrors(TyperGroup):
    """Usage errors (bad option values, unknown formats) as one `Error: ...` line
    on stderr with exit code 2, like every other error, instead of Click's
    usage block."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False,
                              windows_expand_args=windows_expand_args, **extra)
        except typer.Abort:
            _error("interrupted")
            rv = ExitCode.INTERRUPTED
        except Exception as e:
            message = getattr(e, "format_message", None)
            code = getattr(e, "exit_code", None)
            if message is None or code is None:  # not a usage error: a bug, keep the traceback
                raise
            if type(e).__name__ == "NoArgsIsHelpError":  # bare `egovsearch`: the help, as Click prints it
                typer.echo(message(), err=True)
            else:
                _error(message())
            rv = code
        code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=_OneLineErrors,
    name="egovsearch",
    help="Search a bilingual (German/English) eGovernment news archive.",
    epilog=EXIT_CODES,
    rich_markup_mode=None,  # plain help: --help must not load Rich
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class HitFormat(str, Enum):
    table = "table"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    paths = "paths"
    ids = "ids"


class Sort(str, Enum):
    relevance = "relevance"
    newest = "newest"
    oldest = "oldest"


class Lang(str, Enum):
    de = "de"
    en = "en"


def _complete_source(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for --source: the publication names of the index in use."""
    try:
        from egovsearch import api

        index = ctx.params.get("index_dir") or os.environ.get("EGOVSEARCH_INDEX")
        names = [s.source for s in api.sources(_index_path(Path(index) if index else None))]
    except Exception:  # completion must never fail loudly
        return []
    low = incomplete.lower()
    return [n for n in names if n.lower().startswith(low)]


IndexOpt = Annotated[Path | None, typer.Option(
    "--index", envvar="EGOVSEARCH_INDEX", show_default="./index",
    help="Index directory [env: EGOVSEARCH_INDEX].")]
SourceOpt = Annotated[list[str] | None, typer.Option(
    "--source", "-s", help="Only this publication (exact name, any case; repeat for OR).",
    autocompletion=_complete_source)]
SinceOpt = Annotated[str | None, typer.Option(
    help="Published on or after: YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY, '2 weeks ago', 'vor 2 Wochen'.")]
UntilOpt = Annotated[str | None, typer.Option(help="Published on or before (same forms as --since).")]
LangOpt = Annotated[Lang | None, typer.Option("--lang", help="Only articles in this language.")]


def _tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _color(stream: object) -> bool:
    """Colours only on a terminal, and never with NO_COLOR set."""
    return _tty(stream) and not os.environ.get("NO_COLOR")


def _index_path(option: Path | None) -> Path:
    return option if option is not None else Path("index")


def _bundled_archive() -> Path:
    """The bundled sample archive: ./seeds, else the one beside the package."""
    local = Path("seeds")
    return local if local.is_dir() else Path(__file__).resolve().parent.parent / "seeds"


def _recorded_archive(index: Path) -> Path | None:
    """The archive an existing index was built from (so `index` alone updates it)."""
    from egovsearch.engine.store import read_meta

    recorded = read_meta(index).archive
    return Path(recorded) if recorded else None


@contextmanager
def user_errors() -> Iterator[None]:
    """The one place that turns failures into `Error: ...` and an exit code."""
    try:
        yield
    except EgovsearchError as e:
        _error(str(e))
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        _error("interrupted")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, like grep.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(ExitCode.OK) from None


def _ensure_index(index: Path) -> None:
    """Build the index of the bundled sample archive on first use."""
    from egovsearch.engine.store import generation

    if generation(index) is not None or os.environ.get("EGOVSEARCH_ARCHIVE"):
        return
    if index != Path("index") and "EGOVSEARCH_INDEX" not in os.environ:
        return
    from egovsearch import api

    archive = _bundled_archive()
    typer.echo(f"No index at {index}: building it from the bundled sample archive {archive}", err=True)
    api.update_index(archive, index)


def _request(query: str | None, source: list[str] | None, since: str | None, until: str | None,
             lang: Lang | None, sort: Sort, limit: int | None, offset: int) -> SearchRequest:
    from egovsearch.core.models import SearchRequest

    lo = hi = None
    if since is not None or until is not None:  # the date parser loads only when needed
        from egovsearch.core.dates import parse_range

        lo, hi = parse_range(since, until)
    return SearchRequest(query=query, sources=tuple(source or ()), since=lo, until=hi,
                         language=lang.value if lang else None, sort=sort.value, limit=limit, offset=offset)


@app.command(epilog=EXIT_CODES)
def parse(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE|DIR...", help="Archive pages or folders.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or jsonl.")] = "table",
) -> None:
    """Read archive pages and print the clean records; no index needed.

    A file that is not an article is named on stderr with its reason (exit 2);
    the others are still printed. Example: egovsearch parse seeds/ --format json
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    failed = False

    def skip(path: str, reason: str) -> None:
        nonlocal failed
        failed = True
        _error(f"{path}: {reason}")

    with user_errors():
        _check_format(fmt, ("table", "json", "jsonl"))
        output.write_articles(api.parse_paths(paths, skip), fmt, sys.stdout,
                              color=_color(sys.stdout))
    raise typer.Exit(ExitCode.ERROR if failed else ExitCode.OK)


@app.command(epilog=EXIT_CODES)
def index(
    archive: Annotated[Path | None, typer.Option(
        envvar="EGOVSEARCH_ARCHIVE", show_default="the index's own archive, else ./seeds",
        help="Archive folder to index [env: EGOVSEARCH_ARCHIVE].")] = None,
    index_dir: IndexOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start from scratch.")] = False,
    jobs: Annotated[int | None, typer.Option(min=1, help="Worker processes [default: all cores].")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    wait: Annotated[float, typer.Option(min=0, help="Seconds to wait for another running index.")] = 5.0,
) -> None:
    """Build or update the index: only new, changed, renamed and removed files are touched.

    Example: egovsearch index --archive ~/archive --index ~/archive-index
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    with user_errors():
        with output.Progress(sys.stderr, enabled=not quiet and _tty(sys.stderr)) as bar:
            index = _index_path(index_dir)
            report = api.update_index(archive or _recorded_archive(index) or _bundled_archive(), index,
                                  rebuild=rebuild, jobs=jobs, progress=bar.update, lock_timeout=wait)
        if not quiet:
            output.write_report(report, sys.stderr, color=_color(sys.stderr))


@app.command(epilog=EXIT_CODES)
def query(
    text: Annotated[str | None, typer.Argument(
        metavar="[QUERY]", help='Words, "phrases", AND/OR/NOT, (groups), field:value, prefix*.')] = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    lang: LangOpt = None,
    sort: Annotated[Sort, typer.Option(help="Order of the hits.")] = Sort.relevance,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Hits to show.")] = 10,
    offset: Annotated[int, typer.Option(min=0, help="Skip this many hits first.")] = 0,
    all_: Annotated[bool, typer.Option("--all", help="Every hit (no --limit).")] = False,
    fmt: Annotated[HitFormat | None, typer.Option(
        "--format", "-f", show_default="table on a terminal, else tsv", help="Output format.")] = None,
    count: Annotated[bool, typer.Option("--count", "-c", help="Print the number of hits only.")] = False,
    null: Annotated[bool, typer.Option("-0", "--null", help="With paths/ids: end records with NUL.")] = False,
    stdin: Annotated[bool, typer.Option("--stdin", help="Run one query per line of standard input.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show how the query is understood.")] = False,
    index_dir: IndexOpt = None,
) -> None:
    """Search the archive. QUERY may be left out when a filter is given.

    Example: egovsearch query '"shared services"' --source "Public Service" --since 2011 -f json
    """
    from egovsearch.output import formats as output

    if text is None and not stdin and not (source or since or until or lang):
        raise typer.BadParameter("give a QUERY, --stdin or a filter (--source, --since, --until, --lang)")
    with user_errors():
        base = _request(text, source, since, until, lang, sort, None if all_ else (0 if count else limit), offset)
        index = _index_path(index_dir)
        _ensure_index(index)
        from egovsearch import api

        if explain:
            typer.echo("\n".join(output.clean(line) for line in api.explain(index, base)))
            return
        queries = [ln.strip() for ln in sys.stdin if ln.strip()] if stdin else [text]
        found, failed = _run_queries(index, base, queries, fmt, count, null, stdin)
    raise typer.Exit(ExitCode.ERROR if failed else ExitCode.OK if found else ExitCode.NO_HITS)


def _run_queries(index: Path, base: SearchRequest, queries: list[str | None], fmt: HitFormat | None,
                 count: bool, null: bool, batch: bool) -> tuple[int, bool]:
    """Run the queries and write their hits: (matching articles, whether a query failed).

    A bad query stops a single search before anything reaches stdout; in a
    --stdin batch it is reported with its line number and the batch goes on.
    """
    from dataclasses import replace

    from egovsearch import api
    from egovsearch.core.models import SearchResult
    from egovsearch.output import formats as output

    total = 0
    failed = False

    def results() -> Iterator[tuple[str | None, SearchResult]]:
        nonlocal total, failed
        for n, q in enumerate(queries, 1):
            try:
                result = api.search(index, replace(base, query=q))
            except EgovsearchError as e:
                if not batch:
                    raise
                _error(f"query {n}: {e}")
                failed = True
                continue
            total += result.total
            if result.total == 0 and result.suggestion:
                typer.echo(f"Did you mean: {output.clean(result.suggestion)}?", err=True)
            yield q, result

    stream = results()
    first = next(stream, None)  # the first search runs before any output starts
    found = [first] if first is not None else []
    if count:
        for q, r in itertools.chain(found, stream):
            typer.echo(f"{r.total}\t{output.clean(q or '')}" if batch else r.total)
        return total, failed
    chosen = fmt.value if fmt else ("table" if _tty(sys.stdout) else "tsv")
    if chosen != "table":
        output.write_hits(itertools.chain(found, stream), chosen, sys.stdout, color=False, nul=null,
                          with_query=batch)
        return total, failed
    collected = found + list(stream)
    def render(out: TextIO) -> None:
        output.write_hits(collected, "table", out, color=_color(sys.stdout), with_query=batch,
                          first_rank=base.offset + 1)

    output.page(render, sys.stdout, tty=_tty(sys.stdout))
    if _tty(sys.stderr) and not batch and collected and collected[0][1].hits:
        r = collected[0][1]
        typer.echo(f"{base.offset + 1}-{base.offset + len(r.hits)} of {r.total} articles", err=True)
    return total, failed


@app.command(epilog=EXIT_CODES)
def stats(
    index_dir: IndexOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """Show what the index holds: articles, languages, sources, date range, size.

    Example: egovsearch stats --format json
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    with user_errors():
        _check_format(fmt, ("table", "json"))
        output.write_stats(api.stats(_index_path(index_dir)), fmt, sys.stdout,
                           color=_color(sys.stdout))


@app.command(epilog=EXIT_CODES)
def show(
    ref: Annotated[str, typer.Argument(metavar="ID|PATH", help="Article id, unique id prefix, or path.")],
    highlight: Annotated[str | None, typer.Option(help="Highlight these query terms.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    raw: Annotated[bool, typer.Option("--raw", help="Print the original file as it is.")] = False,
    index_dir: IndexOpt = None,
) -> None:
    """Show a whole article with its metadata; a unique id prefix is enough.

    Example: egovsearch show f495 --highlight "shared services"
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    with user_errors():
        _check_format(fmt, ("text", "json"))
        art, marks, path = api.article(_index_path(index_dir), ref, highlight)
        if raw:
            with open(path, "rb") as f:
                sys.stdout.buffer.write(f.read())
            return
        color = _color(sys.stdout)
        output.page(lambda out: output.write_article(art, fmt, out, color=color, marks=marks),
                    sys.stdout, tty=_tty(sys.stdout) and fmt == "text")


@app.command(epilog=EXIT_CODES)
def sources(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    index_dir: IndexOpt = None,
) -> None:
    """List every publication with its article count and first and last date.

    Example: egovsearch sources --format csv
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    with user_errors():
        _check_format(fmt, ("table", "json", "csv"))
        rows = api.sources(_index_path(index_dir))
        output.page(lambda out: output.write_sources(rows, fmt, out, color=_color(sys.stdout)),
                    sys.stdout, tty=_tty(sys.stdout) and fmt == "table")


class Period(str, Enum):
    year = "year"
    month = "month"


@app.command(epilog=EXIT_CODES)
def timeline(
    text: Annotated[str | None, typer.Argument(metavar="[QUERY]", help="Query (as for 'query').")] = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    lang: LangOpt = None,
    by: Annotated[Period, typer.Option(help="Period length.")] = Period.year,
    fmt: Annotated[str, typer.Option("--format", "-f", help="chart, json or csv.")] = "chart",
    index_dir: IndexOpt = None,
) -> None:
    """Count matching articles per year or month, as a bar chart.

    Example: egovsearch timeline "open data" --by month --since 2020
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    with user_errors():
        _check_format(fmt, ("chart", "json", "csv"))
        index = _index_path(index_dir)
        _ensure_index(index)
        req = _request(text, source, since, until, lang, Sort.relevance, None, 0)
        tl = api.timeline(index, req, by.value)
        output.write_timeline(tl, fmt, sys.stdout, color=_color(sys.stdout))
    raise typer.Exit(ExitCode.OK if tl.total else ExitCode.NO_HITS)


@app.command(epilog=EXIT_CODES)
def similar(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Article id, unique id prefix, or path.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Articles to show.")] = 10,
    fmt: Annotated[HitFormat | None, typer.Option(
        "--format", "-f", show_default="table on a terminal, else tsv", help="Output format.")] = None,
    null: Annotated[bool, typer.Option("-0", "--null", help="With paths/ids: end records with NUL.")] = False,
    index_dir: IndexOpt = None,
) -> None:
    """Find the articles most like the given one (its key terms).

    Example: egovsearch similar f495 -f json
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    with user_errors():
        result = api.similar(_index_path(index_dir), ref, limit)
        chosen = fmt.value if fmt else ("table" if _tty(sys.stdout) else "tsv")
        output.write_hits([(None, result)], chosen, sys.stdout, color=_color(sys.stdout), nul=null)
    raise typer.Exit(ExitCode.OK if result.hits else ExitCode.NO_HITS)


@app.command(epilog=EXIT_CODES)
def export(
    text: Annotated[str | None, typer.Argument(metavar="[QUERY]", help="Query (as for 'query').")] = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    lang: LangOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl or csv.")] = "jsonl",
    index_dir: IndexOpt = None,
) -> None:
    """Stream every matching article with its body (all articles without a query or filter).

    Example: egovsearch export --source "Public Service" > public-service.jsonl
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    with user_errors():
        _check_format(fmt, ("jsonl", "csv"))
        req = _request(text, source, since, until, lang, Sort.relevance, None, 0)
        n = output.write_articles(api.export(_index_path(index_dir), req), fmt, sys.stdout)
    raise typer.Exit(ExitCode.OK if n else ExitCode.NO_HITS)


@app.command(epilog=EXIT_CODES)
def doctor(index_dir: IndexOpt = None) -> None:
    """Check the index against its archive: missing, stale and orphaned articles.

    Exit 0 when in sync, 1 when 'egovsearch index' would change something.
    """
    from egovsearch import api
    from egovsearch.output import formats as output

    with user_errors():
        h = api.health(_index_path(index_dir))
        for kind, paths in (("missing", h.missing), ("stale", h.stale), ("orphaned", h.orphaned)):
            for p in paths:
                typer.echo(f"{kind}\t{output.clean(p)}")
        verdict = "in sync" if h.in_sync else "out of sync; run 'egovsearch index'"
        typer.echo(f"{h.articles} articles indexed from {output.clean(h.archive)}: {len(h.missing)} missing, "
                   f"{len(h.stale)} stale, {len(h.orphaned)} orphaned ({verdict})", err=True)
    raise typer.Exit(ExitCode.OK if h.in_sync else ExitCode.NO_HITS)


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise typer.BadParameter(f"'{fmt}' is not one of {', '.join(allowed)}", param_hint="'--format'")


@app.callback()
def _group() -> None:
    # A callback keeps `egovsearch` a group of commands even when main()
    # registers only the one it runs (Typer makes a lone command the program).
    pass


def main() -> None:
    """Run the command line and end the process (called by `egovsearch.__main__.main`)."""
    # Typer builds every command's options from its signature before it runs
    # one (~15 ms of a query): build just the command named, when one is.
    named = [c for c in app.registered_commands if c.callback and sys.argv[1:2] == [c.callback.__name__]]
    if named and "_EGOVSEARCH_COMPLETE" not in os.environ:
        app.registered_commands = named
    code = app(standalone_mode=False)
    # Exit without the interpreter's teardown, which frees every object of
    # every loaded module one by one: ~20 ms of a ~150 ms query. Exit handlers
    # (multiprocessing's clean-up after `index`) still run, and output is flushed.
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # reader gone (`| head`), or stream closed
            pass
    os._exit(code if isinstance(code, int) else 0)
