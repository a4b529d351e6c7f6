"""The Typer app, built from the table of commands.

Typer builds every registered command's options from its signature before it
runs one (~15 ms of a query for all ten), so :func:`main` builds an app with
only the command named on the command line (plus the group callback, which
keeps `egovsearch CMD` a group's command, with the same help and errors).
``--help``, shell completion and unknown names get the whole table, as does
:data:`app` (what tests and ``egovsearch.cli.app:app`` users invoke).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from egovsearch.cli import commands, watch
from egovsearch.cli.errors import error, internal_error, is_typer_signal
from egovsearch.core.errors import ExitCode

EXIT_CODES = """Exit codes: 0 success (query-like commands: at least one hit), 1 no hit
(doctor: index out of sync), 2 error (bad query, bad date, missing, damaged or
locked index, unreadable archive), 130 interrupted."""

# The commands, in the order people use them (also the order of `--help`); a
# Typer app is a group of subcommands (`watch add|run|list|rm`).
COMMANDS: dict[str, Callable[..., None] | typer.Typer] = {
    "query": commands.query,
    "index": commands.index,
    "show": commands.show,
    "sources": commands.sources,
    "timeline": commands.timeline,
    "similar": commands.similar,
    "watch": watch.app,
    "export": commands.export,
    "stats": commands.stats,
    "doctor": commands.doctor,
    "parse": commands.parse,
}


class _OneLineErrors(TyperGroup):
    """Usage errors (bad option values, unknown formats) as one `Error: ...` line
    on stderr with exit code 2, like every other error, instead of Click's
    usage block; any other exception escaping a command is an internal error."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False,
                              windows_expand_args=windows_expand_args, **extra)
        except typer.Abort:
            error("interrupted")
            rv = ExitCode.INTERRUPTED
        except Exception as e:
            if not is_typer_signal(e):  # not a usage error: a bug
                rv = internal_error(e)
            elif type(e).__name__ == "NoArgsIsHelpError":  # bare `egovsearch`: the help, as Click prints it
                typer.echo(e.format_message(), err=True)  # type: ignore[attr-defined]
                rv = e.exit_code  # type: ignore[attr-defined]
            else:
                error(e.format_message())  # type: ignore[attr-defined]
                rv = e.exit_code  # type: ignore[attr-defined]
        code = rv if isinstance(rv, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def list_commands(self, ctx: Any) -> list[str]:
        # Typer lists groups after plain commands: keep the table's order instead.
        order = list(COMMANDS)
        return sorted(super().list_commands(ctx), key=lambda n: order.index(n) if n in order else len(order))


def _print_version(value: bool) -> None:
    if value:
        from egovsearch import __version__

        typer.echo(f"egovsearch {__version__}")
        raise typer.Exit(ExitCode.OK)


def _group(
    version: Annotated[bool, typer.Option(
        "--version", "-V", is_eager=True, callback=_print_version, help="Print the version and exit.")] = False,
) -> None:
    # A callback keeps `egovsearch` a group of commands even when it has only
    # the one it runs (Typer makes a lone command the program).
    pass


def summary(function: Callable[..., None] | typer.Typer) -> str:
    """A command's line in the command list: the first line of its docstring
    (of a group's help), whole (Click would cut it at ~45-66 characters with "...")."""
    text = str(function.info.help or "") if isinstance(function, typer.Typer) else function.__doc__ or ""
    return text.strip().splitlines()[0]


def build(names: Iterable[str] | None = None) -> typer.Typer:
    """A fresh app with the commands of `names` (table order), or the whole table."""
    wanted = set(COMMANDS if names is None else names)
    built = typer.Typer(
        cls=_OneLineErrors,
        name="egovsearch",
        help="Search a bilingual (German/English) eGovernment news archive.",
        epilog=EXIT_CODES,
        rich_markup_mode=None,  # plain help: --help must not load Rich
        pretty_exceptions_enable=False,
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(_group)
    for name, function in COMMANDS.items():
        if name not in wanted:
            continue
        if isinstance(function, typer.Typer):
            built.add_typer(function, name=name, short_help=summary(function))
        else:
            built.command(name, epilog=EXIT_CODES, short_help=summary(function))(function)
    return built


app = build()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit code (`egovsearch.__main__.main` ends the process)."""
    args = list(sys.argv[1:] if argv is None else argv)
    named = args[:1] if args and args[0] in COMMANDS and "_EGOVSEARCH_COMPLETE" not in os.environ else None
    code = build(named)(args=args, standalone_mode=False)
    return code if isinstance(code, int) else 0
