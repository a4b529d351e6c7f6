"""``egovsearch watch``: saved searches that print only what is new (a Typer sub-app).

``add`` saves a search with its current hits as seen, ``run`` prints the hits
new since each search's last run, ``list`` and ``rm`` manage them. The library
part (storage, seen ids, running through the query pipeline) is behind
``egovsearch.api`` (``watch_*``); this module only maps options to it and
writes through the output registry, like ``cli.commands``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from egovsearch.cli.commands import _color, _tty
from egovsearch.cli.errors import user_errors
from egovsearch.cli.options import (
    CollapseOpt,
    CrossLanguageOpt,
    GlossaryOpt,
    HitFormatOpt,
    IndexOpt,
    LangOpt,
    NullOpt,
    QueryArgs,
    SinceOpt,
    SourceOpt,
    UntilOpt,
    WatchesFormatOpt,
    index_path,
)
from egovsearch.core.errors import ExitCode

if TYPE_CHECKING:
    from egovsearch.core.models import SearchResult

EPILOG = """Saved searches live in $XDG_STATE_HOME/egovsearch (else ~/.local/state/egovsearch),
per index. Exit codes: 0 success (run: new hits), 1 (run) no new hit, 2 error (unknown
or existing name, bad query or date, locked), 130 interrupted."""

# The group's own help names the index option its subcommands take.
GROUP_EPILOG = EPILOG.replace("per index.", "per index (--index or EGOVSEARCH_INDEX).")

app = typer.Typer(
    name="watch",
    help="Follow a topic: saved searches that print only what is new.\n\n"
         "Example: egovsearch watch add ozg Onlinezugangsgesetz; egovsearch watch run",
    epilog=GROUP_EPILOG,
    rich_markup_mode=None,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

NameArg = Annotated[str, typer.Argument(metavar="NAME", help="The saved search's name, like 'ozg' or 'e-akte'.")]
WaitOpt = Annotated[float, typer.Option(min=0, metavar="<seconds>", help="Seconds to wait for another running 'watch'.")]


@app.command("add", epilog=EPILOG)
def add(
    name: NameArg,
    words: QueryArgs = None,
    source: SourceOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    lang: LangOpt = None,
    from_start: Annotated[bool, typer.Option(
        "--from-start", help="Let the first run print every current hit (else they count as seen).")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a saved search of the same name.")] = False,
    index_dir: IndexOpt = None,
    collapse: CollapseOpt = False,
    cross: CrossLanguageOpt = False,
    glossary: GlossaryOpt = None,
) -> None:
    """Save a search; its current hits count as seen. Dates are kept as typed:
    --since "last week" means the week before each run. With --collapse a
    near-copy of a story already seen is not new.

    Example: egovsearch watch add ozg Onlinezugangsgesetz --since "last week"
    """
    from egovsearch.core.watches import Watch

    text = " ".join(words).strip() if words else ""
    if not text and not (source or since or until or lang):
        raise typer.BadParameter("no QUERY given; give a QUERY or a filter (--source, --since, --until, --lang)")
    with user_errors():
        ix = index_path(index_dir)
        from egovsearch import api
        from egovsearch.output.text import message

        w = Watch(name=name, query=text or None, sources=tuple(source or ()), since=since, until=until,
                  language=lang.value if lang else None, collapse=collapse, cross_language=cross,
                  # (kept as an absolute path: a later run may start elsewhere)
                  glossary=str(glossary.resolve()) if cross and glossary is not None else None)
        saved, total = api.watch_add(ix, w, from_start=from_start, replace=replace)
        what = ("its first run prints all of them" if from_start else "recorded as seen")
        typer.echo(message(f"watch {saved.name}: {total} current {'hit' if total == 1 else 'hits'}, {what}"),
                   err=True)


@app.command("run", epilog=EPILOG)
def run(
    names: Annotated[list[str] | None, typer.Argument(
        metavar="[NAME]...", help="The saved searches to run [default: all].")] = None,
    fmt: HitFormatOpt = None,
    null: NullOpt = False,
    wait: WaitOpt = 5.0,
    index_dir: IndexOpt = None,
) -> None:
    """Print the hits new since each saved search's last run (newest first);
    exit 0 with new hits, 1 without. A hit counts as seen once its line is
    written: a run that is stopped prints the rest again next time.

    Example: egovsearch watch run -f jsonl >> new-articles.jsonl
    """
    from egovsearch import api
    from egovsearch.output import formats
    from egovsearch.output.pager import page

    chosen = fmt or ("table" if _tty(sys.stdout) else "tsv")
    with user_errors():
        ix = index_path(index_dir)
        with api.watch_run(ix, names or (), wait=wait, snippets=chosen in formats.SNIPPET_FORMATS) as r:
            several = len(r.results) > 1
            if chosen == "table":  # drawn at once (and paged): all shown when it is written
                shown: list[tuple[str | None, SearchResult]] = [(w.name, res) for w, res in r.results if res.hits]

                def render(out: TextIO) -> None:
                    formats.write_hits(shown, "table", out, color=_color(sys.stdout), with_query=True,
                                       lead="watch")

                if shown:
                    page(render, sys.stdout, tty=_tty(sys.stdout))
                sys.stdout.flush()
                r.record_all()
            else:  # streamed: each hit recorded once written and flushed
                formats.write_hits(((w.name, res) for w, res in r.streamed(sys.stdout.flush)), chosen,
                                   sys.stdout, color=False, nul=null, lead="watch",
                                   with_query=several or chosen in ("json", "jsonl"))
            new = r.new
            if not r.results:
                _none_saved(ix)
            if _tty(sys.stderr):
                for w, res in r.results:
                    typer.echo(f"{w.name}: {len(res.hits)} new of {res.total}", err=True)
    raise typer.Exit(ExitCode.OK if new else ExitCode.NO_HITS)


@app.command("list", epilog=EPILOG)
def list_(fmt: WatchesFormatOpt = "table", index_dir: IndexOpt = None) -> None:
    """List the saved searches of the index: name, last run, articles seen, the search.

    Example: egovsearch watch list -f json
    """
    from egovsearch import api
    from egovsearch.output import formats

    with user_errors():
        ix = index_path(index_dir)
        watches = api.watch_list(ix)
        formats.write_watches(watches, fmt, sys.stdout)
        if not watches and fmt == "table":
            _none_saved(ix)


def _none_saved(index: Path) -> None:
    from egovsearch.output.text import message

    typer.echo(message(f"no saved searches for {index}; add one with 'egovsearch watch add NAME QUERY'"), err=True)


@app.command("rm", epilog=EPILOG)
def rm(name: NameArg, wait: WaitOpt = 5.0, index_dir: IndexOpt = None) -> None:
    """Delete a saved search (and what it has seen).

    Example: egovsearch watch rm ozg
    """
    from egovsearch import api
    from egovsearch.output.text import message

    with user_errors():
        gone = api.watch_remove(index_path(index_dir), name, wait=wait)
        typer.echo(message(f"watch {gone.name} removed ({len(gone.seen)} seen articles forgotten)"), err=True)
