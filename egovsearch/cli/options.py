"""Options shared by several commands, declared once as ``Annotated`` aliases.

The ``--format`` options come from the output registry
(:data:`egovsearch.output.formats.FORMATS`): their choices in the help, their
completion, and the check of an unknown name with its message, the same for
every command.
"""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from egovsearch.output import formats


class Sort(str, Enum):
    """--sort: the order of the hits."""

    relevance = "relevance"
    newest = "newest"
    oldest = "oldest"
    hybrid = "hybrid"  # relevance blended with recency (query --help)


class Lang(str, Enum):
    """--lang: the two languages of the archive."""

    de = "de"
    en = "en"


class Period(str, Enum):
    """timeline --by: the length of a period."""

    year = "year"
    month = "month"
    week = "week"  # ISO 8601 weeks (calendar weeks, KW), labelled 2024-W12


def index_path(option: Path | None) -> Path:
    """The index a reading command searches: --index (or EGOVSEARCH_INDEX), else
    ./index where it holds an index, else the bundled sample's index in the cache
    directory (built on first use; a note on stderr says that the sample is searched)."""
    from egovsearch import api

    index_dir, sample_articles = api.reading_index(option)
    if sample_articles is not None:
        articles = f"{sample_articles} article" + ("" if sample_articles == 1 else "s")
        typer.echo(f"searching the bundled sample ({articles}); build your own with "
                   "egovsearch index --archive DIR", err=True)
    return index_dir


def _complete_source(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion for --source: the publication names of the index in use."""
    try:
        from egovsearch import api

        index = ctx.params.get("index_dir") or os.environ.get("EGOVSEARCH_INDEX")
        index_dir, _ = api.reading_index(Path(index) if index else None, build=False)
        names = [s.source for s in api.sources(index_dir)]
    except Exception:  # completion must never fail loudly
        return []
    low = incomplete.lower()
    return [n for n in names if n.lower().startswith(low)]


def format_option(kind: str, *, show_default: bool | str = True) -> Any:
    """``--format/-f`` for records of `kind`: the names, the check and the
    completion from the output registry."""
    names = formats.names(kind)

    def check(value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return formats.check(kind, value)
        except formats.UnknownFormat as e:
            raise typer.BadParameter(str(e)) from None

    def complete(incomplete: str) -> list[str]:
        return [n for n in names if n.startswith(incomplete)]

    return typer.Option("--format", "-f", metavar="<" + "|".join(names) + ">", callback=check,
                        autocompletion=complete, show_default=show_default, help="Output format.")


# The QUERY of query, timeline and export: several arguments are one query (as in gh, notmuch).
QueryArgs = Annotated[list[str] | None, typer.Argument(
    metavar="[QUERY]...",
    help='Words, "phrases", AND/OR/NOT, (groups), field:value, prefix*; several arguments are one query.')]
IndexOpt = Annotated[Path | None, typer.Option(
    "--index", envvar="EGOVSEARCH_INDEX", show_default="./index if there, else the bundled sample's",
    help="Index directory.")]
BuildIndexOpt = Annotated[Path | None, typer.Option(
    "--index", envvar="EGOVSEARCH_INDEX", show_default="./index",
    help="Index directory to build or update.")]
SourceOpt = Annotated[list[str] | None, typer.Option(
    "--source", "-s", metavar="<name>", help="Only this publication (exact name, any case; repeat for OR).",
    autocompletion=_complete_source)]
SinceOpt = Annotated[str | None, typer.Option(
    metavar="<date>", help="Published on or after: YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY, 2024-W12 or 'KW 12/2024', 'last week', 'vor 2 Wochen'.")]
UntilOpt = Annotated[str | None, typer.Option(metavar="<date>", help="Published on or before (same forms as --since).")]
LangOpt = Annotated[Lang | None, typer.Option("--lang", case_sensitive=False, help="Only articles in this language.")]
NullOpt = Annotated[bool, typer.Option("-0", "--null", help="End records with NUL (with -f paths or ids only).")]
CollapseOpt = Annotated[bool, typer.Option(
    "--collapse", help="Each story once: near-copies (the same text at other publications) fold into the "
                       "best-ranked one, their ids under duplicates; counts and limits count stories.")]

# One --format per kind of record; the default in each signature is the
# registry's first name (hits: table on a terminal, else tsv).
HitFormatOpt = Annotated[str | None, format_option("hits", show_default="table on a terminal, else tsv")]
ArticlesFormatOpt = Annotated[str, format_option("articles")]
ArticleFormatOpt = Annotated[str, format_option("article")]
StatsFormatOpt = Annotated[str, format_option("stats")]
HealthFormatOpt = Annotated[str | None, format_option("health", show_default="table on a terminal, else tsv")]
SourcesFormatOpt = Annotated[str, format_option("sources")]
TimelineFormatOpt = Annotated[str, format_option("timeline")]
ExportFormatOpt = Annotated[str, format_option("export")]
WatchesFormatOpt = Annotated[str, format_option("watches")]


# -x: each query word and phrase also through its glossary translation (German <-> English).
CrossLanguageOpt = Annotated[bool, typer.Option(
    "--cross-language", "-x",
    help="Also search each word and phrase through its translation (German <-> English, from the "
         "eGovernment glossary); --explain shows the translations.")]
GlossaryOpt = Annotated[Path | None, typer.Option(
    "--glossary", envvar="EGOVSEARCH_GLOSSARY", metavar="FILE",
    help="With -x: your own entries (german<TAB>english lines, '|' between alternatives, '#' comments), "
         "added to the shipped glossary; read only with -x.")]
