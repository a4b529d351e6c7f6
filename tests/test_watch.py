"""`egovsearch watch`: saved searches that print only what is new since their last run.

On the fixture archive tests/fixtures/mini (its table of articles is in
tests/test_cli.py). The English articles, newest first: G (2020), E (2015),
A (2011), B (2009). Every test has its own XDG_STATE_HOME (tests/conftest.py).
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import egovsearch.query.watch as watch_module
from egovsearch import api
from egovsearch.cli.app import app
from egovsearch.core.errors import WatchError, WatchLocked
from egovsearch.core.watches import Watch, WatchStore, state_dir
from egovsearch.engine.writer import update_index

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
A, B, C, D, E, F, G = (
    "1111aaaa00000001", "2222bbbb00000002", "3333cccc00000003", "3333cddd00000004",
    "5555eeee00000005", "6666ffff00000006", "7777aaaa00000007",
)  # fmt: skip
TITLE = {
    A: "Political resistance to shared services will be overcome by the funding crisis, a report has said.",
    B: "Shared services save money for central government departments, ministers claim.",
    E: "Warning [bold]x[/bold] and [link=http://e]y[/link] and red and z reach the hostile portal.",
    G: "The government opened an open data portal for councils in Wales.",
}
TSV = {  # (paths are absolute: the index of `ix` is built from MINI itself)
    A: f"{A}\t2011-06-06\tPublic Service\t{TITLE[A]}\t{MINI}/001_{A}.txt\n",
    B: f"{B}\t2009-03-15\tComputer Weekly\t{TITLE[B]}\t{MINI}/002_{B}.txt\n",
    E: f"{E}\t2015-07-14\tKable\t{TITLE[E]}\t{MINI}/005_{E}.txt\n",
    G: f"{G}\t2020-02-01\tPublic Service\t{TITLE[G]}\t{MINI}/007_{G}.txt\n",
}
ENGLISH = [G, E, A, B]  # newest first
runner = CliRunner()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive's index (read only by these tests: state lives elsewhere)."""
    index = tmp_path_factory.mktemp("watch") / "index"
    update_index(MINI, index, jobs=1)
    return index


@pytest.fixture
def own(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the fixture archive and its index, for tests that change them."""
    archive = tmp_path / "archive"
    shutil.copytree(MINI, archive)
    index = tmp_path / "index"
    update_index(archive, index, jobs=1)
    return archive, index


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "24")


def run(index: Path, *args: str) -> Result:
    return runner.invoke(app, ["watch", *args, "--index", str(index)])


def ok(result: Result, code: int = 0) -> Result:
    assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    return result


def one_line_error(result: Result, *needles: str) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith("Error: ") and err.count("\n") == 1 and err.endswith("\n"), err
    for needle in needles:
        assert needle in err, err
    return err


def add_english(index: Path, name: str = "en", *extra: str) -> Result:
    return ok(run(index, "add", name, "--lang", "en", *extra))


def state_files() -> list[Path]:
    return sorted((Path(os.environ["XDG_STATE_HOME"]) / "egovsearch" / "watches").iterdir())


def new_page(archive: Path, aid: str, title: str) -> None:
    """A new English page of Public Service, like G, with another id and lead."""
    text = (MINI / f"007_{G}.txt").read_text(encoding="utf-8").replace(TITLE[G], title)
    (archive / f"008_{aid}.txt").write_text(text, encoding="utf-8")


# --- add and run ----------------------------------------------------------------------------


def test_add_records_the_current_hits_and_run_prints_only_new_ones(own: tuple[Path, Path]) -> None:
    archive, index = own
    r = add_english(index)
    assert (r.stdout, r.stderr) == ("", "watch en: 4 current hits, recorded as seen\n")
    r = ok(run(index, "run"), 1)  # nothing new: exit 1, nothing printed
    assert (r.stdout, r.stderr) == ("", "")
    new_page(archive, "8888aaaa00000008", "Wales puts every council budget online.")
    update_index(archive, index, jobs=1)
    r = ok(run(index, "run"))
    assert r.stdout == ("8888aaaa00000008\t2020-02-01\tPublic Service\tWales puts every council budget online."
                        f"\t{archive}/008_8888aaaa00000008.txt\n")
    assert r.stderr == ""
    ok(run(index, "run"), 1)


def test_from_start_prints_every_current_hit_once(ix: Path) -> None:
    r = add_english(ix, "en", "--from-start")
    assert r.stderr == "watch en: 4 current hits, its first run prints all of them\n"
    assert ok(run(ix, "run")).stdout == "".join(TSV[i] for i in ENGLISH)
    assert ok(run(ix, "run"), 1).stdout == ""


def test_a_query_with_filters(ix: Path) -> None:
    ok(run(ix, "add", "ss", "shared", "services", "--source", "public service", "--since", "2010", "--from-start"))
    assert ok(run(ix, "run", "ss")).stdout == TSV[A]
    ok(run(ix, "add", "gov", "government", "--from-start"))
    assert ok(run(ix, "run", "gov")).stdout == TSV[G] + TSV[B]


@pytest.mark.parametrize(("fmt", "expected"), [
    ("tsv", "".join(TSV[i] for i in ENGLISH)),
    ("ids", "".join(i + "\n" for i in ENGLISH)),
    ("paths", "".join(TSV[i].split("\t")[4] for i in ENGLISH)),
])
def test_line_formats_of_one_watch_have_no_watch_column(ix: Path, fmt: str, expected: str) -> None:
    add_english(ix, "en", "--from-start")
    assert ok(run(ix, "run", "-f", fmt)).stdout == expected


def test_jsonl_and_json_carry_the_watch_key(ix: Path) -> None:
    add_english(ix, "en", "--from-start")
    r = ok(run(ix, "run", "-f", "jsonl"))
    objs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [list(o)[:2] for o in objs] == [["watch", "id"]] * 4
    assert [(o["watch"], o["id"], o["score"]) for o in objs] == [("en", i, 0.0) for i in ENGLISH]
    assert objs[0]["snippet"].startswith(TITLE[G])
    ok(run(ix, "add", "gov", "government", "--from-start"))
    r = ok(run(ix, "run", "gov", "-f", "json"))
    data = json.loads(r.stdout)
    assert [(o["watch"], o["id"]) for o in data] == [("gov", G), ("gov", B)]
    assert all(o["score"] > 0 for o in data)


def test_several_watches_get_a_leading_watch_column(ix: Path) -> None:
    ok(run(ix, "add", "gov", "government", "--from-start"))
    ok(run(ix, "add", "ss", '"shared services"', "--from-start"))
    r = ok(run(ix, "run", "ss", "gov", "-f", "tsv"))  # in the order named
    # Each watch has its own seen ids: B is new for both.
    assert r.stdout == f"ss\t{TSV[A]}ss\t{TSV[B]}gov\t{TSV[G]}gov\t{TSV[B]}"
    r = ok(run(ix, "run", "-f", "csv"), 1)  # all, in name order: nothing new, the header only
    assert r.stdout == "watch,id,path,title,source,published,crawled,language,score,snippet\n"


def test_seen_ids_are_per_watch_and_csv_of_several(ix: Path) -> None:
    ok(run(ix, "add", "gov", "government", "--from-start"))
    ok(run(ix, "add", "ss", '"shared services"', "--from-start"))
    r = ok(run(ix, "run", "-f", "csv"))
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0][:3] == ["watch", "id", "path"]
    assert [(row[0], row[1]) for row in rows[1:]] == [("gov", G), ("gov", B), ("ss", A), ("ss", B)]


def test_table_has_a_heading_per_watch_with_new_hits(ix: Path) -> None:
    ok(run(ix, "add", "gov", "government", "--from-start"))
    ok(run(ix, "add", "en", "--lang", "en"))  # nothing new for this one
    r = ok(run(ix, "run", "-f", "table"))
    lines = r.stdout.splitlines()
    assert lines[0] == "watch: gov"
    assert "watch: en" not in r.stdout
    assert [ln.split()[0] for ln in lines if ln[:3].strip().isdigit()] == ["1", "2"]
    assert ok(run(ix, "run", "-f", "table"), 1).stdout == ""


# --- list and rm ------------------------------------------------------------------------------


def test_list_and_rm(ix: Path) -> None:
    r = ok(run(ix, "list"))
    assert r.stdout == ""
    assert r.stderr == f"no saved searches for {ix}; add one with 'egovsearch watch add NAME QUERY'\n"
    assert ok(run(ix, "list", "-f", "json")).stdout == "[]\n"
    add_english(ix)
    ok(run(ix, "add", "ozg", "Onlinezugangsgesetz", "--since", "last week", "--source", "Behörden Spiegel"))
    ok(run(ix, "run", "en"), 1)
    r = ok(run(ix, "list"))
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["Name", "Last", "run", "Seen", "Search"]
    assert lines[1].split()[0] == "en" and lines[1].split()[2:] == ["4", "--lang", "en"]
    assert lines[2].split() == ["ozg", "never", "0", "Onlinezugangsgesetz", "--source", "'Behörden", "Spiegel'",
                                "--since", "'last", "week'"]
    data = json.loads(ok(run(ix, "list", "-f", "json")).stdout)
    assert [list(o) for o in data] == [["name", "query", "filters", "created", "last_run", "seen"]] * 2
    assert data[1] | {"created": None} == {
        "name": "ozg", "query": "Onlinezugangsgesetz", "created": None, "last_run": None, "seen": 0,
        "filters": {"source": ["Behörden Spiegel"], "since": "last week", "until": None, "lang": None}}
    assert data[0]["last_run"] is not None and data[0]["seen"] == 4 and data[0]["query"] is None
    r = ok(run(ix, "rm", "en"))
    assert (r.stdout, r.stderr) == ("", "watch en removed (4 seen articles forgotten)\n")
    assert [o["name"] for o in json.loads(ok(run(ix, "list", "-f", "json")).stdout)] == ["ozg"]
    one_line_error(run(ix, "rm", "en"), "no saved search named 'en'", "(saved: ozg;")


def test_no_saved_searches_at_all(ix: Path) -> None:
    r = ok(run(ix, "run"), 1)
    assert (r.stdout, r.stderr) == ("", f"no saved searches for {ix}; add one with 'egovsearch watch add NAME QUERY'\n")


def test_unknown_names_and_existing_names_are_errors(ix: Path) -> None:
    one_line_error(run(ix, "run", "nope"), "no saved search named 'nope'", "saved: none yet")
    add_english(ix)
    one_line_error(run(ix, "run", "en", "nope"), "'nope'")
    one_line_error(run(ix, "add", "en", "government"), "a saved search named 'en' exists already", "--replace")
    r = ok(run(ix, "add", "en", "government", "--replace", "--from-start"))
    assert r.stderr == "watch en: 2 current hits, its first run prints all of them\n"
    assert ok(run(ix, "run", "en")).stdout == TSV[G] + TSV[B]


@pytest.mark.parametrize(("args", "needle"), [
    (("add", "two words", "x"), "cannot name a saved search"),
    (("add", "-y", "government"), "No such option"),  # (-x is --cross-language)
    (("add", "a\tb", "government"), "cannot name a saved search"),
    (("add", "n", "shared", "("), "the query ends too early"),
    (("add", "n", "government", "--since", "KW 53/2021"), "2021 has no calendar week 53"),
    (("add", "n", "government", "--since", "soon"), "cannot understand the date 'soon'"),
    (("add", "n"), "no QUERY given"),
    (("add", "n", "in", "an"), "stop words"),
])
def test_bad_adds_are_one_line_errors(ix: Path, args: tuple[str, ...], needle: str) -> None:
    one_line_error(run(ix, *args), needle)
    assert ok(run(ix, "list", "-f", "json")).stdout == "[]\n"  # nothing saved


def test_umlaut_names_and_queries(ix: Path) -> None:
    r = ok(run(ix, "add", "behörde-Ä.1", "Verwaltung", "--source", "behorden spiegel", "--from-start"))
    assert r.stderr == "watch behörde-Ä.1: 2 current hits, its first run prints all of them\n"
    assert ok(run(ix, "run", "behörde-Ä.1", "-f", "ids")).stdout == f"{C}\n{D}\n"


def test_a_missing_index_is_an_error(tmp_path: Path) -> None:
    one_line_error(run(tmp_path / "none", "add", "x", "government"), "no index at")


# --- where the watches live --------------------------------------------------------------------


def test_state_directory_from_xdg_else_home() -> None:
    assert state_dir({"XDG_STATE_HOME": "/s", "HOME": "/h"}) == Path("/s/egovsearch")
    assert state_dir({"HOME": "/h"}) == Path("/h/.local/state/egovsearch")
    assert state_dir({"XDG_STATE_HOME": "", "HOME": "/h"}) == Path("/h/.local/state/egovsearch")
    assert state_dir({"XDG_STATE_HOME": "relative", "HOME": "/h"}) == Path("/h/.local/state/egovsearch")


def test_watches_are_kept_per_absolute_index_path(ix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  own: tuple[Path, Path]) -> None:
    add_english(ix)
    monkeypatch.chdir(ix.parent)
    # The same index by a relative path: the same watches.
    assert ok(runner.invoke(app, ["watch", "run", "en", "--index", "index"]), 1).stdout == ""
    # Another index: its own (none).
    one_line_error(run(own[1], "run", "en"), "no saved search named 'en'")
    (file,) = [p for p in state_files() if p.suffix == ".json"]
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data["index"] == str(ix.resolve()) and list(data["watches"]) == ["en"]
    assert sorted(data["watches"]["en"]["seen"]) == sorted(ENGLISH)


def test_a_read_only_index_directory_is_not_written(tmp_path: Path, own: tuple[Path, Path]) -> None:
    _, index = own
    before = {p: p.stat().st_mtime_ns for p in index.rglob("*")}
    modes = {p: p.stat().st_mode for p in [index, *index.rglob("*")]}
    for p in modes:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        add_english(index, "en", "--from-start")
        assert ok(run(index, "run", "-f", "ids")).stdout == "".join(i + "\n" for i in ENGLISH)
        ok(run(index, "run"), 1)
        ok(run(index, "rm", "en"))
    finally:
        for p, mode in modes.items():
            p.chmod(mode)
    assert {p: p.stat().st_mtime_ns for p in index.rglob("*")} == before  # nothing added, nothing changed


def test_a_rebuild_between_runs_prints_nothing_again(own: tuple[Path, Path]) -> None:
    archive, index = own
    add_english(index, "en", "--from-start")
    ok(run(index, "run"))
    ok(runner.invoke(app, ["index", "--rebuild", "--index", str(index), "--archive", str(archive), "-q"]))
    assert ok(run(index, "run"), 1).stdout == ""
    shutil.rmtree(index)  # even a new index at the same place: the same articles, the same ids
    update_index(archive, index, jobs=1)
    assert ok(run(index, "run"), 1).stdout == ""


def test_a_damaged_state_file_is_one_line_error(ix: Path) -> None:
    add_english(ix)
    (file,) = [p for p in state_files() if p.suffix == ".json"]
    file.write_text('{"version": 1, "watches": {"en": {"seen": "x"}}}', encoding="utf-8")
    one_line_error(run(ix, "run"), "is damaged", "move it away")
    file.write_text("{", encoding="utf-8")
    one_line_error(run(ix, "list"), "is damaged")


# --- relative dates --------------------------------------------------------------------------------


def test_relative_dates_are_evaluated_at_each_run(ix: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def today(d: date) -> None:
        monkeypatch.setattr(watch_module, "_today", lambda: d)

    today(date(2019, 11, 20))  # in 2019-W47; last week (W46) has no article
    r = ok(run(ix, "add", "lw", "--since", "last week", "--until", "last week"))
    assert r.stderr == "watch lw: 0 current hits, recorded as seen\n"
    today(date(2019, 11, 27))  # W48: last week is W47, with D (2019-11-20)
    assert ok(run(ix, "run", "-f", "ids")).stdout == f"{D}\n"
    assert ok(run(ix, "run", "-f", "ids"), 1).stdout == ""
    today(date(2020, 2, 5))  # W6: last week is W5, with G (2020-02-01)
    assert ok(run(ix, "run", "-f", "ids")).stdout == f"{G}\n"
    saved = api.watch_list(ix)
    assert (saved[0].since, saved[0].until, saved[0].seen) == ("last week", "last week", frozenset({D, G}))


# --- what counts as shown: flushed records only -----------------------------------------------------


def test_a_hit_counts_as_seen_only_after_its_flush(ix: Path) -> None:
    api.watch_add(ix, Watch("en", None, language="en"), from_start=True)
    flushes = 0

    def flush() -> None:
        nonlocal flushes
        flushes += 1
        if flushes == 2:  # the second record does not reach the reader
            raise BrokenPipeError

    shown = []
    with pytest.raises(BrokenPipeError), api.watch_run(ix) as r:
        for _, result in r.streamed(flush):
            shown.append(result.hits[0].id)
    assert shown == [G, E]
    with api.watch_run(ix, snippets=False) as r:
        assert [h.id for _, res in r.results for h in res.hits] == [E, A, B]
    # That run showed nothing (no record_all): its watch keeps no last run of it.
    assert api.watch_list(ix)[0].last_run is None


def test_an_interrupted_run_prints_the_rest_next_time(ix: Path) -> None:
    api.watch_add(ix, Watch("en", None, language="en"), from_start=True)
    with pytest.raises(KeyboardInterrupt), api.watch_run(ix) as r:
        for n, _ in enumerate(r.streamed(lambda: None)):
            if n == 2:
                raise KeyboardInterrupt
    assert ok(run(ix, "run", "-f", "ids")).stdout == f"{A}\n{B}\n"


def test_journal_lines_cut_by_a_kill_are_not_recorded(ix: Path) -> None:
    add_english(ix, "en", "--from-start")
    store = WatchStore(Path(os.environ["XDG_STATE_HOME"]) / "egovsearch", ix)
    store.journal.write_bytes(f"en\t{G}\nen\t{E}\nother\t{A}\nen\t{A[:5]}".encode())
    assert store.load()["en"].seen == {G, E}
    assert ok(run(ix, "run", "-f", "ids")).stdout == f"{A}\n{B}\n"
    assert not store.journal.exists()  # merged into the file


# --- real processes: killed, locked, closed pipe ----------------------------------------------------


def _cli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "egovsearch", *map(str, args)]


def _wait_for(predicate: object, what: str) -> None:
    deadline = time.monotonic() + 120
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def blocked(ix: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, int]]:
    """A `watch run -f tsv` whose stdout is a pipe with room for its first line
    and one byte more: it writes (and records) that line, then blocks on the
    second, holding the lock. Yields the process, the pipe's read end and the
    number of filler bytes in front of the first line."""
    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        pytest.skip("needs Linux pipes (F_SETPIPE_SZ)")
    add_english(ix, "en", "--from-start")
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    size = fcntl.fcntl(write, fcntl.F_GETPIPE_SZ)
    filler = size - len(TSV[G].encode()) - 1
    os.write(write, b"x" * filler)
    with open(tmp_path / "err", "wb") as err:
        proc = subprocess.Popen(_cli("watch", "run", "-f", "tsv", "--index", ix), stdout=write, stderr=err,
                                stdin=subprocess.DEVNULL)
    os.close(write)
    journal = WatchStore(Path(os.environ["XDG_STATE_HOME"]) / "egovsearch", ix).journal
    try:
        _wait_for(lambda: journal.exists() and journal.read_bytes() == f"en\t{G}\n".encode(), "the first record")
        yield proc, read, filler
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(60)
        os.close(read)


def _drain(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_killed_run_prints_the_rest_again(ix: Path, blocked: tuple[subprocess.Popen[bytes], int, int]) -> None:
    proc, read, filler = blocked
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(60) == -signal.SIGKILL
    assert _drain(read)[filler:] == TSV[G].encode()  # its first line reached the reader, no more
    r = ok(run(ix, "run"))
    assert r.stdout == TSV[E] + TSV[A] + TSV[B]
    assert ok(run(ix, "run"), 1).stdout == ""


def test_a_second_run_waits_for_the_first_then_gives_up(
        ix: Path, tmp_path: Path, blocked: tuple[subprocess.Popen[bytes], int, int]) -> None:
    proc, read, filler = blocked
    one_line_error(run(ix, "run", "--wait", "0.3"), "another 'egovsearch watch' is using the saved searches",
                   "waited 0.3 s")
    with pytest.raises(WatchLocked, match="^another 'egovsearch watch' is using"):  # add and rm lock too
        api.watch_add(ix, Watch("x", "government"), wait=0.1)
    with pytest.raises(WatchLocked):
        api.watch_remove(ix, "en", wait=0.1)
    # A second run that waits long enough runs after the first, which has shown everything.
    with open(tmp_path / "out2", "wb") as out2, open(tmp_path / "err2", "wb") as err2:
        second = subprocess.Popen(_cli("watch", "run", "--wait", "120", "--index", ix), stdout=out2, stderr=err2,
                                  stdin=subprocess.DEVNULL)
    assert _drain(read)[filler:] == "".join(TSV[i] for i in ENGLISH).encode()
    assert proc.wait(60) == 0
    assert second.wait(120) == 1
    assert (tmp_path / "out2").read_bytes() == b"" and (tmp_path / "err2").read_bytes() == b""


def test_a_closed_pipe_records_nothing(ix: Path) -> None:
    add_english(ix, "en", "--from-start")
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    proc = subprocess.run(_cli("watch", "run", "-f", "tsv", "--index", ix), stdout=write, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, check=False, timeout=120)
    os.close(write)
    assert (proc.returncode, proc.stderr) == (0, b"")  # quietly, like grep
    assert ok(run(ix, "run")).stdout == "".join(TSV[i] for i in ENGLISH)


def test_watch_errors_are_watch_errors() -> None:
    assert issubclass(WatchError, Exception) and WatchError("x").exit_code == 2
