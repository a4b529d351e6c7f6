"""The hit table at fixed terminal widths (60, 80, 120 columns), drawn exactly.

What is checked by hand in each expected table: no word is broken across two
lines (a word longer than its column ends in "…"), the first matched word of
every snippet is inside the two snippet lines (here "Verwaltungsdigitalisierung",
~150 characters into its snippet), the id column holds the short ids, and the
source column narrows, then goes, before the title does. Colour and emphasis:
colour on a terminal; bold and underline without colour under NO_COLOR; no
styles at all off a terminal.
"""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from egovsearch.core.models import Hit, SearchResult
from egovsearch.engine.writer import update_index
from egovsearch.output import formats as output

SNIP_DE = ("…die Länder haben im vergangenen Jahr viele Anträge online gestellt, doch die Kommunen klagen über "
           "fehlendes Personal und alte Software, und deshalb kommt die Verwaltungsdigitalisierung nur langsam "
           "voran, sagt der Bericht des Normenkontrollrats…")
_M = SNIP_DE.index("Verwaltungsdigitalisierung")
DE = Hit("3333cccc00000003", "003_3333cccc00000003.txt",
         "Normenkontrollrat: Verwaltungsdigitalisierung kommt in den Ländern nur langsam voran",
         "Behörden Spiegel", date(2024, 5, 2), None, "de", 3.2, SNIP_DE, ((_M, _M + 26),), "3333cccc")
SNIP_EN = ("Shared services save money for central government departments, ministers claim. "
           "The cabinet office published the figures.")
EN = Hit("2222bbbb00000002", "002_2222bbbb00000002.txt",
         "Shared services save money for central government departments, ministers claim.",
         "Computer Weekly", date(2009, 3, 15), None, "en", 2.1, SNIP_EN, ((0, 15),), "2222bbbb")
LONG = "Donaudampfschifffahrtsgesellschaftskapitänsmützenhalterverordnung"
ODD = Hit("2222bbbb10000000", "x/002_2222bbbb10000000.txt", f"Die {LONG} tritt in Kraft",
          "A source with a very long name indeed", None, None, "de", 1.0, "", (), "2222bbbb1")
RESULT = SearchResult(total=12, hits=(DE, EN, ODD), archive="/arch")
SGR = re.compile(r"\x1b\[([0-9;]*)m")


@pytest.fixture(autouse=True)
def _terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINES", "24")
    monkeypatch.setenv("TERM", "xterm")
    for var in ("NO_COLOR", "FORCE_COLOR", "COLORTERM", "PAGER", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(var, raising=False)


def table(monkeypatch: pytest.MonkeyPatch, columns: int, **kw: bool) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    buf = io.StringIO()
    output.write_hits([(None, RESULT)], "table", buf, color=kw.pop("color", False), **kw)
    return buf.getvalue()


def plain(text: str) -> str:
    return "\n".join(line.rstrip() for line in SGR.sub("", text).split("\n"))


AT_60 = """\
#   Id          Published    Title
────────────────────────────────────────────────────────────
1   3333cccc    2024-05-02   Normenkontrollrat:
                             Verwaltungsdigitalisierung
                             kommt in den Ländern nur
                             langsam voran
                             …Verwaltungsdigitalisierung nur
                             langsam voran, sagt der…

2   2222bbbb    2009-03-15   Shared services save money for
                             central government departments,
                             ministers claim.
                             Shared services save money for
                             central government…

3   2222bbbb1                Die
                             Donaudampfschifffahrtsgesellsc…
                             tritt in Kraft
"""

AT_80 = """\
#   Id          Published    Source               Title
────────────────────────────────────────────────────────────────────────────────
1   3333cccc    2024-05-02   Behörden Spiegel     Normenkontrollrat:
                                                  Verwaltungsdigitalisierung
                                                  kommt in den Ländern nur
                                                  langsam voran
                                                  …Verwaltungsdigitalisierung
                                                  nur langsam voran, sagt der…

2   2222bbbb    2009-03-15   Computer Weekly      Shared services save money for
                                                  central government
                                                  departments, ministers claim.
                                                  Shared services save money for
                                                  central government…

3   2222bbbb1                A source with a      Die
                             very long name       Donaudampfschifffahrtsgesells…
                             indeed               tritt in Kraft
"""

AT_120 = """\
#   Id          Published    Source                 Title
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
1   3333cccc    2024-05-02   Behörden Spiegel       Normenkontrollrat: Verwaltungsdigitalisierung kommt in den Ländern
                                                    nur langsam voran
                                                    …alte Software, und deshalb kommt die Verwaltungsdigitalisierung nur
                                                    langsam voran, sagt der Bericht des Normenkontrollrats…

2   2222bbbb    2009-03-15   Computer Weekly        Shared services save money for central government departments,
                                                    ministers claim.
                                                    Shared services save money for central government departments,
                                                    ministers claim. The cabinet office published the figures.

3   2222bbbb1                A source with a very   Die
                             long name indeed       Donaudampfschifffahrtsgesellschaftskapitänsmützenhalterverordnung
                                                    tritt in Kraft
"""


@pytest.mark.parametrize(("columns", "expected"), [(60, AT_60), (80, AT_80), (120, AT_120)])
def test_table_fits_each_width_without_breaking_a_word(
        monkeypatch: pytest.MonkeyPatch, columns: int, expected: str) -> None:
    text = table(monkeypatch, columns)
    assert plain(text) == expected
    assert "\x1b" not in text  # off a terminal: no styles at all
    assert max(len(line) for line in text.splitlines()) == columns
    assert_whole_words(plain(text))


def assert_whole_words(text: str) -> None:
    """Every word in the source and title columns is a whole word of its hit, or
    the start of one cut with "…" (the snippet's leading "…" aside)."""
    lines = text.splitlines()
    words = {w for h in RESULT.hits for w in f"{h.title} {h.snippet} {h.source}".split()}
    cut_off = [w.strip("…") for w in words]
    start = min(i for i in (lines[0].find("Source"), lines[0].find("Title")) if i >= 0)
    for line in lines[2:]:
        for word in line[start:].split():
            if word.endswith("…") and word not in words:
                assert any(w.startswith(word[:-1].lstrip("…")) for w in cut_off), word
            else:
                assert word in words or word.lstrip("…") in cut_off, word


def _codes(text: str) -> set[str]:
    return {code for group in SGR.findall(text) for code in group.split(";") if code}


def test_no_color_on_a_terminal_marks_matches_bold_and_underlined_in_no_colour(
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = table(monkeypatch, 80, emphasis=True)
    assert plain(text) == AT_80
    assert "\x1b[1;4mVerwaltungsdigitalisierung\x1b[0m" in text
    assert "\x1b[1;4mShared services\x1b[0m" in text
    assert _codes(text) == {"0", "1", "2", "4"}  # reset, bold, dim, underline: no colour code


def test_colour_on_a_terminal_marks_matches_in_yellow(monkeypatch: pytest.MonkeyPatch) -> None:
    text = table(monkeypatch, 80, color=True)
    assert plain(text) == AT_80
    assert "\x1b[1;33mVerwaltungsdigitalisierung\x1b[0m" in text


@pytest.mark.parametrize("columns", range(60, 161, 7))
def test_the_first_match_shows_at_every_width(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    text = table(monkeypatch, columns, emphasis=True)
    assert "\x1b[1;4mVerwaltungsdigitalisierung\x1b[0m" in text
    assert "\x1b[1;4mShared services\x1b[0m" in text
    assert max(len(line) for line in plain(text).splitlines()) == columns
    assert_whole_words(plain(text))


def test_a_snippet_whose_only_match_is_at_its_end(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "word " * 40 + "Registermodernisierung"
    start = body.index("Registermodernisierung")
    hit = Hit("aa", "a.txt", "T", None, None, None, "de", 1.0, body, ((start, start + 22),), "aaaaaaaa")
    monkeypatch.setenv("COLUMNS", "60")
    buf = io.StringIO()
    output.write_hits([(None, SearchResult(1, (hit,), "/a"))], "table", buf, color=False)
    assert plain(buf.getvalue()).splitlines()[2:] == [
        "1   aaaaaaaa                T",
        "                            …word Registermodernisierung",
    ]


# --- end to end: the CLI on a pseudo-terminal ---------------------------------------------

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("widths") / "index"
    update_index(MINI, index, jobs=1)
    return index


def _on_a_pty(index: Path, *args: str, columns: int, no_color: bool) -> str:
    """What `egovsearch ARGS` shows on a real (pseudo-)terminal of `columns` columns:
    stdout and stderr both go to it, as in a shell."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "PAGER", "LINES")}
    env.update({"COLUMNS": str(columns), "LINES": "100", "TERM": "xterm", "PAGER": ""})
    if no_color:
        env["NO_COLOR"] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "egovsearch", *args, "--index", str(index)],
                            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed its end (EIO on Linux)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) in (0, 1)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


PTY_60 = """\
#   Id         Published    Title
────────────────────────────────────────────────────────────
1   1111aaaa   2011-06-06   Political resistance to shared
                            services will be overcome by the
                            funding crisis, a report has
                            said.
                            Political resistance to shared
                            services will be overcome by…

2   2222bbbb   2009-03-15   Shared services save money for
                            central government departments,
                            ministers claim.
                            Shared services save money for
                            central government departments,…
1-2 of 2 articles
"""


def test_on_a_terminal_with_no_color_the_table_has_emphasis_only(mini_index: Path) -> None:
    out = _on_a_pty(mini_index, "query", "shared services", columns=60, no_color=True)
    assert plain(out) == PTY_60
    assert "to \x1b[0m\x1b[1;4mshared\x1b[0m" in out and "\x1b[1;4mservices\x1b[0m\x1b[2m will" in out
    assert _codes(out) <= {"0", "1", "2", "4"}
    coloured = _on_a_pty(mini_index, "query", "shared services", columns=60, no_color=False)
    assert plain(coloured) == PTY_60 and "33" in _codes(coloured)
    shown = _on_a_pty(mini_index, "show", "1111aaaa", "--highlight", "councils", columns=60, no_color=True)
    assert "\x1b[1;4mcouncils\x1b[0m" in shown and _codes(shown) <= {"0", "1", "2", "4"}


def test_on_a_terminal_no_hits_say_so(mini_index: Path) -> None:
    assert _on_a_pty(mini_index, "query", "nothingzzz", columns=80, no_color=True) == "No articles match.\n"
