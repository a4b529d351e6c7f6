"""What a query process loads: Whoosh without the modules egovsearch.engine.boot
keeps out (urllib.request, asyncio, the English morphology tables).

Every check runs a clean interpreter (``python -I``: no environment variables,
no user site, no current directory on the path) given the project's path
explicitly, and counts only the modules imported after its start-up, so that
what other installed packages load at start-up (pytest plugins, .pth files)
cannot change the result.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def run_clean(code: str) -> list[str]:
    """Run `code` in a clean interpreter; its stdout lines. `BEFORE` is the set of
    modules loaded before `code` ran."""
    prelude = f"import sys\nsys.path.insert(0, {str(REPO)!r})\nBEFORE = set(sys.modules)\n"
    proc = subprocess.run([sys.executable, "-I", "-c", prelude + code], capture_output=True, text=True,
                          cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_search_modules_load_whoosh_without_its_unneeded_imports() -> None:
    code = (
        "import sys, egovsearch.query.run, egovsearch.query.explore, egovsearch.engine.writer, egovsearch.engine.schema\n"
        "print(sorted(m for m in ('urllib.request', 'asyncio', 'cached_property', "
        "'whoosh.lang.morph_en', 'whoosh.lang.porter', 'whoosh.lang.dmetaphone', 'whoosh.automata.lev', "
        "'whoosh.highlight', 'random', 'tempfile', 'html', 'calendar', 'queue') if m in sys.modules and m not in BEFORE))\n"
        "from whoosh.query.terms import variations\n"
        "print(sorted(variations('run'))[:2])\n"  # the tables still load on first use
        "from whoosh.analysis import StemmingAnalyzer, DoubleMetaphoneFilter, RegexTokenizer\n"
        "print([t.text for t in StemmingAnalyzer()('walked services')])\n"  # so do the stemmer and
        "print([t.text for t in (RegexTokenizer() | DoubleMetaphoneFilter())('Smith')])\n"  # metaphone
        "import whoosh.codec.base, whoosh.searching\n"  # the modules bound to stand-ins
        "print(whoosh.codec.base.lev.levenshtein_automaton('abc', 1).to_dfa().accept('abd'))\n"
        "print(type(whoosh.searching.highlight.Highlighter()).__name__)\n"
        "import whoosh.util, whoosh.compat, whoosh.filedb.filestore as fs\n"
        "print(len(whoosh.util.random_name(12)), fs.tempfile.gettempdir() == __import__('tempfile').gettempdir())\n"
        "print(whoosh.compat.htmlescape('<a href=\"x\">'), 'html' in sys.modules)\n"
        "import whoosh.util.times as times\n"
        "print(tuple(map(int, times.calendar.monthrange(2024, 2))), whoosh.compat.queue.Queue().empty())\n"  # (3.12: an IntEnum day)
    )
    assert run_clean(code) == ["[]", "['ran', 'run']", "['walk', 'servic']", "['SM0', 'XMT']",
                                        "True", "Highlighter", "12 True", "&lt;a href=&quot;x&quot;&gt; True",
                                        "(3, 29) True"]


def test_indexing_and_opening_load_whoosh_without_its_unneeded_imports(tmp_path: object) -> None:
    # Function-level Whoosh imports (indexer, store) must also come after the trim.
    code = (
        "import sys, pathlib\n"
        "from egovsearch.engine.writer import update_index\n"
        "from egovsearch.engine.store import open_index\n"
        f"ix = pathlib.Path({str(tmp_path)!r}) / 'index'\n"
        f"update_index(pathlib.Path({str(SEEDS)!r}), ix)\n"
        "open_index(ix)\n"
        "print(sorted(m for m in ('urllib.request', 'asyncio', 'cached_property', "
        "'whoosh.lang.morph_en') if m in sys.modules and m not in BEFORE))\n"
    )
    assert run_clean(code) == ["[]"]


def test_two_snowball_stemmers_alone_then_the_whole_package() -> None:
    code = (
        "import sys\n"
        "from egovsearch.engine.analysis import analysis\n"
        "words = ['services', 'Verwaltungen', 'running', 'Behörden', 'generously', 'Digitalisierung']\n"
        "ours = [analysis(lang)._stem(w.lower()) for lang in ('en', 'de') for w in words]\n"
        "print(sorted(m for m in sys.modules if m.startswith('whoosh.lang.snowball')))\n"
        "from whoosh.lang import stemmer_for_language\n"  # Whoosh's way, loading the package
        "print(ours == [stemmer_for_language(lang)(w.lower()) for lang in ('en', 'de') for w in words])\n"
        "import whoosh.lang.snowball\n"
        "print(len(whoosh.lang.snowball.classes), whoosh.lang.snowball.classes['fr']().stem('maisons'))\n"
    )
    assert run_clean(code) == [
        "['whoosh.lang.snowball.bases', 'whoosh.lang.snowball.english', 'whoosh.lang.snowball.german']",
        "True",
        "14 maison",
    ]


def test_whoosh_hash_tables_use_md5_without_loading_hashlib(tmp_path: object) -> None:
    code = (
        "import sys, pathlib\n"
        "from egovsearch.engine.writer import update_index\n"
        "from egovsearch.query.run import search\n"
        "from egovsearch.core.models import SearchRequest\n"
        f"ix = pathlib.Path({str(tmp_path)!r}) / 'index'\n"
        f"update_index(pathlib.Path({str(SEEDS)!r}), ix, jobs=1)\n"
        "sys.modules.pop('hashlib', None)\n"  # indexing hashes files; a query process never does
        "print(search(ix, SearchRequest('shared services')).total, 'hashlib' in sys.modules)\n"
        "import hashlib, whoosh.filedb.filetables as ft\n"
        "keys = [b'', b'abc', 'Behörde'.encode(), bytes(range(256))]\n"
        "print([ft.md5_hash(k) for k in keys] == [int(hashlib.md5(k).hexdigest(), 16) & 0xFFFFFFFF for k in keys])\n"
        "print(hashlib.sha256(b'').hexdigest()[:8])\n"  # the real module after the stand-in
    )
    assert run_clean(code) == ["1 False", "True", "e3b0c442"]


def test_typer_gets_subprocess_when_it_uses_it() -> None:
    """cli.py keeps subprocess off start-up; Typer's launch() and completion
    still reach the real module through the stand-in."""
    code = (
        "import sys, egovsearch.cli.app\n"
        "print('subprocess' in sys.modules and 'subprocess' not in BEFORE)\n"
        "import typer.main, typer._completion_shared as shared\n"
        "print(typer.main.subprocess.run is shared.subprocess.run is __import__('subprocess').run)\n"
    )
    assert run_clean(code) == ["False", "True"]
