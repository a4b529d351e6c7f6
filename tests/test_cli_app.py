"""The app is built from its table of commands (cli/app.py), and every --format
option from the output registry (output/formats.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import egovsearch.cli.app as cli_app
from egovsearch.cli.app import COMMANDS, app, build, main
from egovsearch.output import formats

runner = CliRunner()
ORDER = ["query", "index", "show", "sources", "timeline", "similar", "watch", "export", "stats", "doctor", "parse"]
# The kind of record each command writes with --format.
KINDS = {"query": "hits", "similar": "hits", "show": "article", "sources": "sources", "timeline": "timeline",
         "export": "export", "stats": "stats", "parse": "articles", "doctor": "health",
         "watch list": "watches"}


def test_the_table_lists_the_commands_in_the_order_people_use_them() -> None:
    assert list(COMMANDS) == ORDER
    assert [c.name for c in app.registered_commands] == [n for n in ORDER if n != "watch"]
    assert [g.name for g in app.registered_groups] == ["watch"]  # a group of subcommands
    r = runner.invoke(app, ["--help"])
    block = r.stdout.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^  (\w+) ", block, re.M)
    assert listed == ORDER


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """The names main() asks build() for, one entry a call."""
    calls: list[list[str] | None] = []
    real = cli_app.build

    def spy(names: list[str] | None = None) -> object:
        calls.append(None if names is None else list(names))
        return real(names)

    monkeypatch.setattr(cli_app, "build", spy)
    monkeypatch.delenv("_EGOVSEARCH_COMPLETE", raising=False)
    return calls


def test_main_builds_only_the_named_command_and_leaves_the_app_alone(
        built: list[list[str] | None], capsys: pytest.CaptureFixture[str]) -> None:
    before = list(app.registered_commands)
    assert main(["stats", "--help"]) == 0
    assert built == [["stats"]]
    assert capsys.readouterr().out.startswith("Usage: ")
    assert app.registered_commands == before and len(before) == 10


@pytest.mark.parametrize("args", [["--help"], [], ["statz"], ["-h"]])
def test_help_and_unknown_names_get_the_whole_table(
        built: list[list[str] | None], capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    assert main(args) == (0 if args and args[0].startswith("-") else 2)
    assert built == [None]
    if args == ["statz"]:
        assert capsys.readouterr().err == "Error: No such command 'statz'. Did you mean 'stats'?\n"


def test_completion_gets_the_whole_table(built: list[list[str] | None], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_EGOVSEARCH_COMPLETE", "complete_bash")
    main(["stats", "--help"])  # (the completion variable of pytest's program name is not set: help runs)
    assert built == [None]


@pytest.mark.parametrize(("words", "expected"), [
    ("egovsearch st", ["stats"]),  # command names: the whole table
    ("egovsearch stats -f ", ["table", "json"]),  # format names: the registry
    ("egovsearch timeline --format c", ["chart", "csv"]),
])
def test_completion_in_a_real_process(tmp_path: Path, words: str, expected: list[str]) -> None:
    script = Path(sys.executable).parent / "egovsearch"
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOVSEARCH_")}
    env.update(_EGOVSEARCH_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(len(words.split(" ")) - 1))
    proc = subprocess.run([str(script)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False)
    assert (proc.returncode, proc.stdout.split(), proc.stderr) == (0, expected, "")


def test_a_command_built_alone_is_one_command_of_a_group() -> None:
    alone = build(["show"])
    assert [c.name for c in alone.registered_commands] == ["show"]
    assert alone.registered_callback is not None  # keeps `egovsearch show ...` a group's command
    r = runner.invoke(alone, ["show", "--help"])
    assert r.exit_code == 0 and r.stdout == runner.invoke(app, ["show", "--help"]).stdout


@pytest.mark.parametrize("command", sorted(KINDS))
def test_format_choices_in_the_help_come_from_the_registry(command: str) -> None:
    r = runner.invoke(app, [*command.split(), "--help"], env={"COLUMNS": "200"})
    (shown,) = re.findall(r"-f, --format <([a-z|]+)>", r.stdout)
    assert shown.split("|") == list(formats.names(KINDS[command]))


@pytest.mark.parametrize("command", sorted(KINDS))
def test_an_unknown_format_has_one_message_for_every_command(command: str, tmp_path: Path) -> None:
    args = {"query": ["x"], "similar": ["x"], "show": ["x"], "parse": [str(tmp_path)]}.get(command, [])
    r = runner.invoke(app, [*command.split(), *args, "--format", "xml"])
    expected = ", ".join(formats.names(KINDS[command]))
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == (f"Error: Invalid value for '--format' / '-f': unknown format 'xml'; "
                        f"expected one of {expected}\n")


def test_every_kind_of_record_has_a_command() -> None:
    assert set(KINDS.values()) == set(formats.FORMATS)


_BEHIND_THE_API = ("egovsearch.engine", "egovsearch.query", "whoosh", "rich")


def _behind_the_api(source: str) -> list[str]:
    """Modules behind the api that `source` imports, at any depth."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        found += [n for n in names if n.startswith(_BEHIND_THE_API)]
    return found


def test_the_cli_reaches_the_engine_and_the_queries_only_through_the_api() -> None:
    """cli -> api -> query -> engine: no module of the CLI imports the layers behind
    the api (the commands import inside their functions, so every depth counts)."""
    assert _behind_the_api("def f():\n    from egovsearch.engine.store import generation\n") == [
        "egovsearch.engine.store"]
    package = Path(cli_app.__file__).resolve().parent.parent
    paths = [*sorted((package / "cli").glob("*.py")), package / "__main__.py"]
    assert len(paths) >= 7
    assert {p.name: _behind_the_api(p.read_text(encoding="utf-8")) for p in paths} == {p.name: [] for p in paths}
