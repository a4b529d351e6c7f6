"""Help and options as a new user meets them (issue 15): --version, full command
descriptions, the choices of every option that has them, the environment
variable named once, an example in every command's help, `doctor -f json`,
case-insensitive --lang, and option combinations that cannot work refused."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from egovsearch import __version__
from egovsearch.cli.app import COMMANDS, app, summary
from egovsearch.engine.writer import update_index

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
runner = CliRunner()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("mini-help") / "index"
    update_index(MINI, index, jobs=1)
    return index


@pytest.fixture(autouse=True)
def _width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


def helptext(*args: str) -> str:
    r = runner.invoke(app, [*args, "--help"])
    assert r.exit_code == 0, r.stderr
    return r.stdout


def one_line_error(r: Result, message: str) -> None:
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"Error: {message}\n")


# --- --version ----------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    r = runner.invoke(app, [flag])
    assert (r.exit_code, r.stdout, r.stderr) == (0, f"egovsearch {__version__}\n", "")


def test_version_in_a_real_process() -> None:
    p = subprocess.run([sys.executable, "-m", "egovsearch", "--version"], capture_output=True, text=True,
                       timeout=60, check=False)
    assert (p.returncode, p.stdout, p.stderr) == (0, f"egovsearch {__version__}\n", "")


# --- the command list ---------------------------------------------------------------


def test_the_command_list_gives_each_description_whole() -> None:
    block = helptext().split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    # A description may wrap onto indented lines; join them back.
    rows = re.findall(r"^  (\w+) +(.+(?:\n {4,}.+)*)", block, re.M)
    described = {name: " ".join(part.strip() for part in text.splitlines()) for name, text in rows}
    assert list(described) == list(COMMANDS)
    for name, function in COMMANDS.items():
        assert described[name] == summary(function)
        assert not described[name].endswith("..."), name
        # One line each at 80 columns: the descriptions are written to fit.
        assert len(summary(function)) <= 66, name


def test_summary_is_the_first_docstring_line() -> None:
    def f() -> None:
        """First line.

        More.
        """

    assert summary(f) == "First line."


# --- every command's help -----------------------------------------------------------


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_an_example(name: str) -> None:
    assert re.search(r"^  Example: egovsearch " + name + r"\b", helptext(name), re.M), helptext(name)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_environment_variables_are_named_once(name: str) -> None:
    text = helptext(name)
    for var in ("EGOVSEARCH_INDEX", "EGOVSEARCH_ARCHIVE"):
        assert text.count(var) <= 1, (var, text)
    if name != "parse":  # parse needs no index
        assert text.count("EGOVSEARCH_INDEX") == 1


def _choices() -> list[tuple[str, str, list[str]]]:
    """(command, option, choices) for every option of every command with a fixed set of values."""
    group = typer.main.get_command(app)
    found = []
    for name in COMMANDS:
        command = group.commands[name]  # type: ignore[attr-defined]
        for param in command.params:
            choices = getattr(param.type, "choices", None)
            if choices:
                found.append((name, param.opts[-1], [str(getattr(c, "value", c)) for c in choices]))
    return found


def test_the_options_with_choices_are_the_expected_ones() -> None:
    # The --format options check their names in a callback (the registry's
    # message), so they are no Choice type; tests/test_cli_app.py checks their help.
    assert {(c, o) for c, o, _ in _choices()} == {
        ("query", "--lang"), ("query", "--sort"), ("timeline", "--lang"), ("timeline", "--by"),
        ("export", "--lang"), ("sources", "--lang")}


@pytest.mark.parametrize(("name", "option", "choices"), _choices())
def test_choices_are_listed_in_the_help(name: str, option: str, choices: list[str]) -> None:
    text = helptext(name)
    assert f"{option} <{'|'.join(choices)}>" in text, text


def test_no_option_shows_a_bare_type_name() -> None:
    for name in COMMANDS:
        assert not re.search(r"<(str|int|float|int range|float range|text)>", helptext(name)), name


# --- doctor -f json -------------------------------------------------------------------


def test_doctor_json_in_sync(ix: Path) -> None:
    r = runner.invoke(app, ["doctor", "-f", "json", "--index", str(ix)])
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {
        "archive": str(MINI), "articles": 7, "in_sync": True, "outdated": False, "missing": [], "stale": [],
        "orphaned": [], "damaged": [], "skipped": 0,
        "repairs": {"recorded": True, "repaired": 1, "counts": {"escapes": 4},
                    "by_source": [{"source": "Kable", "articles": 1, "repaired": 1, "counts": {"escapes": 4}}]}}
    assert r.stderr.endswith("(in sync)\n")


def test_doctor_json_and_tsv_out_of_sync(tmp_path: Path) -> None:
    import shutil

    archive = tmp_path / "archive"
    shutil.copytree(MINI, archive)
    index = tmp_path / "index"
    update_index(archive, index, jobs=1)
    gone = next(archive.glob("001_*.txt"))
    gone.unlink()
    (archive / "new.txt").write_bytes((archive / "sub").iterdir().__next__().read_bytes().replace(b"6666", b"8888"))
    r = runner.invoke(app, ["doctor", "-f", "json", "--index", str(index)])
    assert r.exit_code == 1, r.stderr
    obj = json.loads(r.stdout)
    assert (obj["in_sync"], obj["missing"], obj["orphaned"]) == (False, ["new.txt"], [gone.name])
    r = runner.invoke(app, ["doctor", "--index", str(index)])
    assert (r.exit_code, r.stdout) == (1, f"missing\tnew.txt\norphaned\t{gone.name}\n")


def test_doctor_unknown_format(ix: Path) -> None:
    r = runner.invoke(app, ["doctor", "-f", "csv", "--index", str(ix)])
    one_line_error(r, "Invalid value for '--format' / '-f': unknown format 'csv'; expected one of tsv, json, table")


# --- --lang in any case ---------------------------------------------------------------


@pytest.mark.parametrize("given", ["de", "DE", "De"])
def test_lang_in_any_case(ix: Path, given: str) -> None:
    r = runner.invoke(app, ["query", "--lang", given, "-f", "ids", "--all", "--index", str(ix)])
    assert (r.exit_code, sorted(r.stdout.split())) == (0, ["3333cccc00000003", "3333cddd00000004",
                                                          "6666ffff00000006"])


def test_unknown_lang_is_refused(ix: Path) -> None:
    r = runner.invoke(app, ["query", "x", "--lang", "fr", "--index", str(ix)])
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("Error: Invalid value for '--lang': 'fr' is not one of") and r.stderr.count("\n") == 1


# --- combinations that cannot work ------------------------------------------------------


@pytest.mark.parametrize(("args", "used"), [
    (["-f", "tsv"], "-f tsv"), (["-f", "json"], "-f json"), (["-f", "table"], "-f table"),
    ([], "the default format (table or tsv)"), (["--count"], "--count"), (["-f", "ids", "--count"], "--count")])
def test_null_needs_paths_or_ids(ix: Path, args: list[str], used: str) -> None:
    r = runner.invoke(app, ["query", "shared", "-0", *args, "--index", str(ix)])
    one_line_error(r, f"-0/--null works with -f paths or -f ids only, not with {used}")


def test_null_with_similar(ix: Path) -> None:
    r = runner.invoke(app, ["similar", "1111aaaa", "-0", "-f", "json", "--index", str(ix)])
    one_line_error(r, "-0/--null works with -f paths or -f ids only, not with -f json")


@pytest.mark.parametrize("fmt", ["paths", "ids"])
def test_null_with_paths_and_ids(ix: Path, fmt: str) -> None:
    r = runner.invoke(app, ["query", "shared services", "-0", "-f", fmt, "--index", str(ix)])
    assert r.exit_code == 0 and r.stdout.count("\0") == 2 and "\n" not in r.stdout


@pytest.mark.parametrize("limit", [["--limit", "3"], ["-n", "10"]])
def test_all_and_limit_exclude_each_other(ix: Path, limit: list[str]) -> None:
    r = runner.invoke(app, ["query", "--source", "Public Service", "--all", *limit, "--index", str(ix)])
    one_line_error(r, "--all and --limit exclude each other; give one")


def test_all_alone_and_limit_alone(ix: Path) -> None:
    base = ["query", "--lang", "en", "-f", "ids", "--index", str(ix)]
    assert len(runner.invoke(app, [*base, "--all"]).stdout.split()) == 4
    assert len(runner.invoke(app, [*base, "-n", "2"]).stdout.split()) == 2
    assert len(runner.invoke(app, base).stdout.split()) == 4  # the default limit (10) cuts nothing here


def test_missing_query_is_one_line_without_clicks_prefix(ix: Path) -> None:
    r = runner.invoke(app, ["query", "--index", str(ix)])
    one_line_error(r, "no QUERY given; give a QUERY, --stdin or a filter (--source, --since, --until, --lang)")
