"""The commands: each parses its options, calls one ``egovsearch.api`` function,
writes through the output registry, and leaves failures to ``user_errors``.

The registry of commands (their order and names) is in ``cli.app``. Heavy
modules load inside the commands: Whoosh behind ``egovsearch.api``, Rich behind
the terminal formats, so ``egovsearch --help`` loads neither.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from egovsearch.cli.errors import error, user_errors
from egovsearch.cli.options import (
    ArticleFormatOpt,
    ArticlesFormatOpt,
    BuildIndexOpt,
    CollapseOpt,
    CrossLanguageOpt,
    ExportFormatOpt,
    GlossaryOpt,
    HealthFormatOpt,
    HitFormatOpt,
    IndexOpt,
    Lang,
    LangOpt,
    NullOpt,
    Period,
    QueryArgs,
    SinceOpt,
    Sort,
    SourceOpt,
    SourcesFormatOpt,
    StatsFormatOpt,
    TimelineFormatOpt,
    UntilOpt,
    index_path,
)
from egovsearch.core.errors import EgovsearchError, ExitCode, UsageError

if TYPE_CHECKING:
    from egovsearch.api import Session
    from egovsearch.core.models import SearchRequest, SearchResult


def _tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _color(stream: object) -> bool:
    """Colours only on a terminal, and never with NO_COLOR set."""
    return _tty(stream) and not os.environ.get("NO_COLOR")


# --limit when none is given (None in the signature, so that `--all --limit N`
# can be told from `--all`).
DEFAULT_LIMIT = 10


def _check_null(null: bool, fmt: str | None, count: bool) -> None:
    """-0 ends records with NUL for xargs -0: only paths and ids are such records."""
    if null and (count or fmt not in ("paths", "ids")):
        used = "--count" if count else f"-f {fmt}" if fmt else "the default format (table or tsv)"
        raise UsageError(f"-0/--null works with -f paths or -f ids only, not with {used}")


def _query_text(words: list[str] | None, optional: bool) -> str | None:
    """The query the arguments make (several are one query, as in gh and
    notmuch); without a filter a missing or blank query is a usage error."""
    text = " ".join(words) if words else None
    if (text is None or not text.strip()) and not optional:
        what = "a blank QUERY searches nothing" if text is not None else "no QUERY given"
        raise UsageError(f"{what}; give a QUERY, --stdin or a filter (--source, --since, --until, --lang)")
    return text if text is not None and text.strip() else None


def _request(query: str | None, source: list[str] | None, since: str | None, until: str | None,
             lang: Lang | None, sort: Sort = Sort.relevance, limit: int | None = None,
             offset: int = 0, half_life: str | None = None, collapse: bool = False, cross: bool = False,
             glossary: Path | None = None) -> SearchRequest:
    """The request of a command's query options. The glossary counts only with
    -x (-x/--cross-language): EGOVSEARCH_GLOSSARY may be set for every command."""
    from egovsearch.core.models import SearchRequest

    extra: dict[str, Any] = {}
    if half_life is not None:
        if sort is not Sort.hybrid:
            raise UsageError("--half-life works with --sort hybrid only")
        from egovsearch.core.dates import parse_duration_days

        extra["half_life_days"] = parse_duration_days(half_life)
    lo = hi = None
    if since is not None or until is not None:  # the date parser loads only when needed
        from egovsearch.core.dates import user_range

        lo, hi = user_range(since, until)
    return SearchRequest(query=query, sources=tuple(source or ()), since=lo, until=hi,
                         language=lang.value if lang else None, sort=sort.value, limit=limit, offset=offset,
                         collapse=collapse, cross_language=cross,
                         glossary=str(glossary) if cross and glossary is not None else None, **extra)


def _fields(value: str | None, fmt: str | None, count: bool) -> tuple[str, ...] | None:
    """--fields: the hit keys to print, checked, and only for the formats that have keys."""
    if value is None:
        return None
    from egovsearch.output import formats

    try:
        fields = formats.parse_fields(value)
    except formats.FieldsError as e:
        raise UsageError(f"--fields: {e}") from None
    chosen = fmt or ("table" if _tty(sys.stdout) else "tsv")
    if count or chosen not in formats.FIELDS_FORMATS:
        used = "--count" if count else f"-f {fmt}" if fmt else "the default format on a terminal (table)"
        raise UsageError(f"--fields works with -f {'|'.join(formats.FIELDS_FORMATS)} only, not with {used}")
    return fields


FieldsOpt = Annotated[str | None, typer.Option(
    "--fields", metavar="FIELD,...",
    help="With -f json|jsonl|csv|tsv: only these keys/columns, in this order (id, path, title, source, "
         "published, crawled, language, score, snippet; hybrid with --sort hybrid, duplicates with --collapse); "
         "a snippet is made only when chosen.")]


def _stdin_queries() -> Iterator[tuple[int, str | None]]:
    """(line number, query) of each non-blank line of stdin, read one at a
    time: what the previous line's search wrote is flushed before the next
    line is read, so a script can write a line and wait for its results."""
    for number, line in enumerate(iter(sys.stdin.readline, ""), 1):
        if line.strip():
            yield number, line.strip()
        sys.stdout.flush()


def query(
    words: QueryArgs = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    lang: LangOpt = None,
    sort: Annotated[Sort, typer.Option(help="Order of the hits (hybrid: see above).")] = Sort.relevance,
    half_life: Annotated[str | None, typer.Option(
        "--half-life", metavar="<duration>", show_default="2y",
        help="With --sort hybrid: the age at which a score counts half: 90d, 6w, 6m (months), 2y.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, show_default="10", metavar="<n>",
                                              help="Hits to show.")] = None,
    offset: Annotated[int, typer.Option(min=0, metavar="<n>", help="Skip this many hits first.")] = 0,
    all_: Annotated[bool, typer.Option("--all", help="Every hit (not with --limit).")] = False,
    fmt: HitFormatOpt = None,
    count: Annotated[bool, typer.Option("--count", "-c", help="Print the number of hits only.")] = False,
    null: NullOpt = False,
    stdin: Annotated[bool, typer.Option("--stdin", help="Run one query per line of standard input.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show how the query is understood.")] = False,
    index_dir: IndexOpt = None,
    fields: FieldsOpt = None,
    collapse: CollapseOpt = False,
    cross: CrossLanguageOpt = False,
    glossary: GlossaryOpt = None,
) -> None:
    """Search the archive. QUERY may be left out when a filter is given.

    --sort hybrid blends relevance with recency: score x 0.5^(age / half-life),
    the age in days since publication (undated articles: since the index's
    oldest date); JSON's score stays the relevance, the blend is its hybrid key;
    --explain shows it per hit.

    Example: egovsearch query '"shared services"' --source "Public Service" --since 2011 -f json
    """
    with user_errors():
        text = _query_text(words, stdin or bool(source or since or until or lang))
        if all_ and limit is not None:
            raise UsageError("--all and --limit exclude each other; give one")
        _check_null(null, fmt, count)
        keys = _fields(fields, fmt, count)
        if keys is not None and "hybrid" in keys and sort is not Sort.hybrid:
            raise UsageError("--fields hybrid works with --sort hybrid only")
        if keys is not None and "duplicates" in keys and not collapse:
            raise UsageError("--fields duplicates works with --collapse only")
        shown = DEFAULT_LIMIT if limit is None else limit
        base = _request(text, source, since, until, lang, sort, None if all_ else (0 if count else shown), offset,
                        half_life, collapse, cross, glossary)
        index = index_path(index_dir)
        from egovsearch import api
        from egovsearch.output.text import clean

        if explain:
            typer.echo("\n".join(clean(line) for line in api.explain(index, base)))
            return
        queries: Iterable[tuple[int, str | None]] = _stdin_queries() if stdin else [(1, text)]
        found, failed = _run_queries(index, base, queries, fmt, count, null, stdin, limit is None and not all_,
                                     keys)
    raise typer.Exit(ExitCode.ERROR if failed else ExitCode.OK if found else ExitCode.NO_HITS)


def _source_notes(index: Path, names: tuple[str, ...]) -> None:
    """A note on stderr for each --source name no article has, with the nearest
    names (else a typo returns no hit, exit 1, in silence: in a cron job, forever)."""
    if not names:
        return
    from egovsearch import api
    from egovsearch.output.text import message

    for name, nearest in api.unknown_sources(index, names):
        hint = f"; nearest: {', '.join(message(n) for n in nearest)}" if nearest else ""
        typer.echo(f"note: no publication named '{message(name)}' in the index{hint}", err=True)


def _run_queries(index: Path, base: SearchRequest, queries: Iterable[tuple[int, str | None]], fmt: str | None,
                 count: bool, null: bool, batch: bool, default_limit: bool = False,
                 fields: tuple[str, ...] | None = None) -> tuple[int, bool]:
    """Run the (line number, query) queries and write their hits: (matching
    articles, whether a query failed). All of them run in one session: the
    index is opened once.

    A bad query stops a single search before anything reaches stdout; in a
    --stdin batch it is reported with its line number and the batch goes on.
    When the default limit (no --limit or --all) cut hits and stdout is no
    terminal (a script reads it), one line on stderr says so; on a terminal
    the "1-10 of 72 articles" line does, and "No articles match." when none do.
    """
    from egovsearch import api

    with api.session(index) as session:
        return _run_in(session, index, base, queries, fmt, count, null, batch, default_limit, fields)


def _run_in(session: Session, index: Path, base: SearchRequest, queries: Iterable[tuple[int, str | None]],
            fmt: str | None, count: bool, null: bool, batch: bool, default_limit: bool,
            fields: tuple[str, ...] | None) -> tuple[int, bool]:
    from dataclasses import replace

    from egovsearch.output import formats
    from egovsearch.output.pager import page
    from egovsearch.output.text import clean

    chosen = fmt or ("table" if _tty(sys.stdout) else "tsv")
    if chosen == "csv" and fields is None:
        # The columns follow from the request, not from the first search's hits:
        # a --stdin batch whose first line finds nothing still names them.
        from egovsearch.core.models import HIT_FIELDS

        fields = (*HIT_FIELDS, *(("hybrid",) if base.sort == "hybrid" else ()),
                  *(("duplicates",) if base.collapse else ()))
    # Snippets only for the formats (and --fields) that print them; a "Did you
    # mean" (when nothing matched) only where a person reads it: the table.
    snippets = not count and formats.prints_snippets(chosen, fields)
    suggest = not count and chosen in formats.SUGGEST_FORMATS
    total = 0
    failed = False
    ran = 0
    cut: list[SearchResult] = []  # the results the default limit cut
    _source_notes(index, base.sources)

    def results() -> Iterator[tuple[str | None, SearchResult]]:
        nonlocal total, failed, ran
        for n, q in queries:
            try:
                result = session.search(replace(base, query=q), snippets=snippets, suggest=suggest,
                                        short_ids=chosen == "table")
            except EgovsearchError as e:
                if not batch:
                    raise
                error(f"line {n}: {e}")
                failed = True
                continue
            total += result.total
            ran += 1
            if not count and base.offset + len(result.hits) < result.total:
                cut.append(result)
            if result.total == 0 and result.suggestion:
                typer.echo(f"Did you mean: {clean(result.suggestion)}?", err=True)
            yield q, result

    stream = results()
    first = next(stream, None)  # the first search runs before any output starts
    found = [first] if first is not None else []
    if count:
        for q, r in itertools.chain(found, stream):
            typer.echo(f"{r.total}\t{clean(q or '')}" if batch else r.total)
        return total, failed
    if chosen != "table":
        formats.write_hits(itertools.chain(found, stream), chosen, sys.stdout, color=False, nul=null,
                           with_query=batch, fields=fields)
        _say_cut(cut, ran, base, batch, default_limit)
        return total, failed
    collected = found + list(stream)

    def render(out: TextIO) -> None:
        formats.write_hits(collected, "table", out, color=_color(sys.stdout), with_query=batch,
                           first_rank=base.offset + 1, emphasis=_tty(sys.stdout))

    page(render, sys.stdout, tty=_tty(sys.stdout))
    if not _say_cut(cut, ran, base, batch, default_limit) and _tty(sys.stderr) and not batch and collected:
        r = collected[0][1]
        what = "stories (copies folded)" if base.collapse else "articles"
        if r.hits:
            typer.echo(f"{base.offset + 1}-{base.offset + len(r.hits)} of {r.total} {what}", err=True)
        elif r.total:
            typer.echo(f"{r.total} {what} match, none after the first {base.offset} (--offset)", err=True)
        else:
            typer.echo("No articles match.", err=True)
    return total, failed


def _say_cut(cut: list[SearchResult], ran: int, base: SearchRequest, batch: bool, default_limit: bool) -> bool:
    """When stdout is no terminal and the default limit cut hits, say so on stderr
    ("10 of 72 hits", or in a --stdin batch one line for all its queries); whether it did."""
    if not cut or not default_limit or _tty(sys.stdout):
        return False
    if batch:
        typer.echo(f"{len(cut)} of {ran} queries were cut at {base.limit} hits; --all for every hit", err=True)
    else:
        typer.echo(f"{len(cut[0].hits)} of {cut[0].total} hits; --all for every hit", err=True)
    return True


def _confirm(question: str) -> bool:
    """Ask on stderr, read the answer from stdin; anything but y/yes (or end of
    input) is No. Not typer.confirm: its prompt writes the last character of
    the question to stdout (a readline work-around), and stdout is for data."""
    sys.stderr.write(f"{question} [y/N]: ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def index(
    archive: Annotated[Path | None, typer.Option(
        envvar="EGOVSEARCH_ARCHIVE", show_default="the archive the index was built from",
        help="Archive folder to index.")] = None,
    index_dir: BuildIndexOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Start from scratch.")] = False,
    jobs: Annotated[int | None, typer.Option(min=1, metavar="<n>", help="Worker processes [default: all cores].")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    wait: Annotated[float, typer.Option(min=0, metavar="<seconds>", help="Seconds to wait for another running index.")] = 5.0,
    force: Annotated[bool, typer.Option(
        "--force", help="Remove articles even when most of the index would go (an empty archive).")] = False,
) -> None:
    """Build or update the index; only changed files are read again.

    Only new, changed, renamed and removed files are read or touched; an
    interrupted or failed run leaves the previous index answering.

    A run that would remove more than half of the index's articles (and more
    than 20), or a --rebuild from an archive without articles, asks first on a
    terminal and otherwise stops with exit 2, changing nothing; --force lets it
    through.

    Example: egovsearch index --archive ~/archive --index ~/archive-index
    """
    from egovsearch import api
    from egovsearch.core.errors import WouldRemoveMost
    from egovsearch.output import terminal

    with user_errors():
        source, ix = api.index_to_build(index_dir, archive)
        while True:
            try:
                with terminal.Progress(sys.stderr, enabled=not quiet and _tty(sys.stderr)) as bar:
                    report = api.update_index(source, ix, rebuild=rebuild, jobs=jobs, progress=bar.update,
                                              lock_timeout=wait, force=force)
                break
            except WouldRemoveMost as e:
                # Asked only where a person answers; a script gets the error (exit 2).
                if force or not (_tty(sys.stdin) and _tty(sys.stderr)):
                    raise
                if not _confirm(e.question):
                    error("not confirmed; nothing was changed")
                    raise typer.Exit(ExitCode.ERROR) from None
                force = True
        if not quiet:
            terminal.write_report(report, sys.stderr, color=_color(sys.stderr))


def show(
    ref: Annotated[str, typer.Argument(metavar="ID|PATH", help="Article id, unique id prefix, or path.")],
    highlight: Annotated[str | None, typer.Option(metavar="<query>", help="Highlight these query terms.")] = None,
    fmt: ArticleFormatOpt = "text",
    raw: Annotated[bool, typer.Option("--raw", help="Print the original file as it is.")] = False,
    index_dir: IndexOpt = None,
) -> None:
    """Show a whole article; a unique id prefix is enough.

    Example: egovsearch show f495 --highlight "shared services"
    """
    from egovsearch import api
    from egovsearch.output import formats
    from egovsearch.output.pager import page

    with user_errors():
        art, marks, paths, copies = api.article(index_path(index_dir), ref, highlight)
        if raw:
            with open(paths[0], "rb") as f:
                sys.stdout.buffer.write(f.read())
            return
        color = _color(sys.stdout)
        page(lambda out: formats.write_article(art, fmt, out, color=color, marks=marks, paths=paths,
                                               emphasis=_tty(sys.stdout), copies=copies),
             sys.stdout, tty=_tty(sys.stdout) and fmt == "text")


def sources(
    words: QueryArgs = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    lang: LangOpt = None,
    fmt: SourcesFormatOpt = "table",
    index_dir: IndexOpt = None,
    cross: CrossLanguageOpt = False,
    glossary: GlossaryOpt = None,
) -> None:
    """List the publications with article counts and first/last dates.

    With a QUERY or a filter, only the matching articles are counted (per
    publication, with their own dates; exit 1 when none matches): which
    publications covered a topic, and when.

    Example: egovsearch sources "shared services" --since 2010 --format csv
    """
    from egovsearch import api
    from egovsearch.output import formats
    from egovsearch.output.pager import page

    with user_errors():
        ix = index_path(index_dir)
        text = _query_text(words, optional=True)
        faceted = text is not None or bool(source or since or until or lang)
        req = _request(text, source, since, until, lang, cross=cross, glossary=glossary)
        rows = api.source_facets(ix, req) if faceted else api.sources(ix)
        page(lambda out: formats.write_sources(rows, fmt, out, color=_color(sys.stdout)),
             sys.stdout, tty=_tty(sys.stdout) and fmt == "table")
    raise typer.Exit(ExitCode.NO_HITS if faceted and not rows else ExitCode.OK)


def timeline(
    words: QueryArgs = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    lang: LangOpt = None,
    by: Annotated[Period, typer.Option(help="Period length (week: ISO weeks, labelled 2024-W12).")] = Period.year,
    fmt: TimelineFormatOpt = "chart",
    index_dir: IndexOpt = None,
    collapse: CollapseOpt = False,
    cross: CrossLanguageOpt = False,
    glossary: GlossaryOpt = None,
) -> None:
    """Count matching articles per year, month or week, as a bar chart.

    With --collapse each story counts once, at its earliest matching copy's date.

    Example: egovsearch timeline "open data" --by month --since 2020
    """
    from egovsearch import api
    from egovsearch.output import formats
    from egovsearch.output.pager import page

    with user_errors():
        ix = index_path(index_dir)
        text = _query_text(words, optional=True)  # no query: every article
        req = _request(text, source, since, until, lang, collapse=collapse, cross=cross, glossary=glossary)
        _source_notes(ix, req.sources)
        tl = api.timeline(ix, req, by.value)
        page(lambda out: formats.write_timeline(tl, fmt, out, color=_color(sys.stdout)),
             sys.stdout, tty=_tty(sys.stdout) and fmt == "chart")
        if tl.undated:  # (JSON and CSV have no row for them)
            typer.echo(f"{tl.undated} matching article{'s have' if tl.undated > 1 else ' has'} no date", err=True)
    raise typer.Exit(ExitCode.OK if tl.total else ExitCode.NO_HITS)


def similar(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Article id, unique id prefix, or path.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, metavar="<n>", help="Articles to show.")] = 10,
    fmt: HitFormatOpt = None,
    null: NullOpt = False,
    index_dir: IndexOpt = None,
) -> None:
    """Find the articles most like the given one (its key terms).

    Example: egovsearch similar f495 -f json
    """
    from egovsearch import api
    from egovsearch.output import formats

    with user_errors():
        _check_null(null, fmt, False)
        result = api.similar(index_path(index_dir), ref, limit)
        chosen = fmt or ("table" if _tty(sys.stdout) else "tsv")
        formats.write_hits([(None, result)], chosen, sys.stdout, color=_color(sys.stdout), nul=null,
                           emphasis=_tty(sys.stdout))
    raise typer.Exit(ExitCode.OK if result.hits else ExitCode.NO_HITS)


def export(
    words: QueryArgs = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    lang: LangOpt = None,
    fmt: ExportFormatOpt = "jsonl",
    index_dir: IndexOpt = None,
    collapse: CollapseOpt = False,
    cross: CrossLanguageOpt = False,
    glossary: GlossaryOpt = None,
) -> None:
    """Stream matching articles with their bodies (all by default).

    Without a query or filter, every article is exported, in path order.
    With --collapse each story once (its first copy in that order), with the
    ids of its other copies under duplicates.

    Example: egovsearch export --source "Public Service" > public-service.jsonl
    """
    from egovsearch import api
    from egovsearch.output import formats

    with user_errors():
        text = _query_text(words, optional=True)  # no query: every article
        req = _request(text, source, since, until, lang, collapse=collapse, cross=cross, glossary=glossary)
        ix = index_path(index_dir)
        _source_notes(ix, req.sources)
        archive = api.recorded_archive(ix)  # paths absolute, as in every format
        n = formats.write_articles(api.export(ix, req), fmt, sys.stdout, archive=str(archive or ""))
    raise typer.Exit(ExitCode.OK if n else ExitCode.NO_HITS)


def stats(index_dir: IndexOpt = None, fmt: StatsFormatOpt = "table") -> None:
    """Show what the index holds: articles, languages, sources, dates.

    Example: egovsearch stats --format json
    """
    from egovsearch import api
    from egovsearch.output import formats

    with user_errors():
        formats.write_stats(api.stats(index_path(index_dir)), fmt, sys.stdout, color=_color(sys.stdout))




def doctor(fmt: HealthFormatOpt = None, index_dir: IndexOpt = None) -> None:
    """Check the index against its archive; exit 1 when out of sync.

    Prints a "kind<TAB>path" line per file out of step (-f json: one object
    with the lists and the repairs the reader made, per source; on a terminal:
    the files, then the repairs as a table), and a summary on stderr. Exit 0
    when in sync, 1 when 'egovsearch index' would change something.

    Example: egovsearch doctor --index ~/archive-index -f json | jq .stale
    """
    from egovsearch import api
    from egovsearch.output import formats
    from egovsearch.output.text import clean

    with user_errors():
        h = api.health(index_path(index_dir))
        chosen = fmt or ("table" if _tty(sys.stdout) else "tsv")
        formats.write_health(h, chosen, sys.stdout, color=_color(sys.stdout))
        if h.outdated is not None:
            typer.echo(f"{h.articles} articles indexed from {clean(h.archive)} by another version of egovsearch "
                       f"(schema {h.outdated}): files not compared, repairs not recorded "
                       "(out of sync; run 'egovsearch index --rebuild')", err=True)
        else:
            verdict = "in sync" if h.in_sync else "out of sync; run 'egovsearch index'"
            damaged = f", {len(h.damaged)} damaged side files" if h.damaged else ""
            unrecorded = ", repairs not recorded" if h.repairs is None else ""
            typer.echo(f"{h.articles} articles indexed from {clean(h.archive)}: {len(h.missing)} missing, "
                       f"{len(h.stale)} stale, {len(h.orphaned)} orphaned{damaged}{unrecorded} ({verdict})",
                       err=True)
    raise typer.Exit(ExitCode.OK if h.in_sync else ExitCode.NO_HITS)


def parse(
    paths: Annotated[list[Path], typer.Argument(metavar="FILE|DIR...", help="Archive pages or folders.")],
    fmt: ArticlesFormatOpt = "table",
) -> None:
    """Read archive pages and print the clean records; no index needed.

    A file that is not an article is named on stderr with its reason (exit 2);
    the others are still printed.

    Example: egovsearch parse seeds/ --format json
    """
    from egovsearch import api
    from egovsearch.output import formats

    failed = False

    def skip(path: str, reason: str) -> None:
        nonlocal failed
        failed = True
        error(f"{path}: {reason}")

    with user_errors():
        formats.write_articles(api.parse_paths(paths, skip), fmt, sys.stdout, color=_color(sys.stdout),
                               kind="articles")
    raise typer.Exit(ExitCode.ERROR if failed else ExitCode.OK)
