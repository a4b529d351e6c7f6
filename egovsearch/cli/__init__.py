"""The command line: a Typer app built from a table of commands.

- ``app``: the table of commands (a new command is one line there) and the app;
- ``commands``: the commands, each calling one ``egovsearch.api`` function;
- ``options``: the options several commands share (``--index``, filters, ``--format``);
- ``errors``: the one mapping of failures to ``Error: ...`` lines and exit codes;
- ``fastexit``: ending the process without the interpreter's teardown.

Typer is imported here, first, for every module of the package: it imports
``subprocess`` (and with it ``signal`` and ``selectors``: about 3 ms of every run,
7 ms on a loaded machine, median of 9 ``python -X importtime`` runs) only for
``typer.launch()`` and installing shell completion. A stand-in takes its place
while Typer loads, and the real module loads when one of those runs
(tests/test_startup.py checks both).
"""

from egovsearch.core.lazy import lazy_module, standing_in

with standing_in({"subprocess": lazy_module("subprocess")}):
    import typer  # noqa: F401  (loaded here, under the stand-in; the modules import it by name)
