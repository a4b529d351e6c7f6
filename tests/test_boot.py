"""Whoosh's start-up trims (egovsearch.engine.boot): applied once, whichever
module imports Whoosh first; only for the Whoosh version they were written for
(any other gets plain imports, and works); and their stand-ins are complete
modules. Each check runs a clean interpreter (see test_startup.run_clean)."""

from __future__ import annotations

import json

from test_startup import SEEDS, run_clean

HEAVY = ("urllib.request", "asyncio", "cached_property", "whoosh.lang.morph_en", "whoosh.lang.porter",
         "whoosh.automata.lev", "whoosh.highlight", "random", "tempfile", "calendar", "queue")
LOADED = f"print(sorted(m for m in {HEAVY!r} if m in sys.modules and m not in BEFORE))\n"


def test_the_engine_package_alone_loads_no_whoosh() -> None:
    code = ("import egovsearch.engine.store, egovsearch.engine.writer, egovsearch.engine.health\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh'))\n")
    assert run_clean(code) == ["[]"]


def test_the_trims_apply_to_the_first_whoosh_import_wherever_it_is() -> None:
    for first in ("import egovsearch.engine.schema", "import egovsearch.engine.codec",
                  "from egovsearch.engine.store import open_index, INDEX_NAME; import whoosh.index",
                  "import egovsearch.engine; from whoosh.fields import TEXT"):
        code = (f"{first}\nimport egovsearch.engine.scoring, egovsearch.engine.boot as boot\n" + LOADED
                + "print(boot.trimmed, any(type(f).__name__ == '_Finder' for f in sys.meta_path))\n"
                "import whoosh\nprint(type(whoosh.__loader__).__name__, type(whoosh.__spec__.loader).__name__)\n")
        assert run_clean(code) == ["[]", "True False", "SourceFileLoader SourceFileLoader"], first


def _search_seeds(tmp: str) -> str:
    return ("import pathlib\n"
            "from egovsearch.engine.writer import update_index\n"
            "from egovsearch.query.run import search\n"
            "from egovsearch.core.models import SearchRequest\n"
            f"ix = pathlib.Path({tmp!r}) / 'index'\n"
            f"update_index(pathlib.Path({str(SEEDS)!r}), ix, jobs=1)\n"
            "print(search(ix, SearchRequest('\"shared services\"')).total, search(ix, SearchRequest('Verwaltung')).total)\n")


def test_another_whoosh_version_gets_plain_imports_and_works(tmp_path: object) -> None:
    # As if the installed Whoosh were not the version the trims name.
    code = ("import egovsearch.engine.boot as boot\nboot.WRITTEN_FOR = (2, 7, 4)\n"
            + _search_seeds(str(tmp_path))
            + "print(boot.trimmed, 'urllib.request' in sys.modules, 'whoosh.lang.snowball' in sys.modules)\n")
    assert run_clean(code) == ["1 0", "False True True"]


def test_the_written_for_version_gets_the_trims_and_the_same_answers(tmp_path: object) -> None:
    code = ("import egovsearch.engine.boot as boot\n" + _search_seeds(str(tmp_path))
            + "print(boot.trimmed, 'urllib.request' in sys.modules, 'whoosh.lang.snowball' in sys.modules)\n")
    assert run_clean(code) == ["1 0", "True False False"]


def test_whoosh_loaded_before_the_engine_is_left_as_it_is() -> None:
    code = ("import whoosh.index\nimport egovsearch.engine.scoring, egovsearch.engine.boot as boot\n"
            "print(boot.trimmed, 'urllib.request' in sys.modules)\n")
    assert run_clean(code) == ["False True"]


def test_a_stand_in_serves_every_attribute_of_the_real_module() -> None:
    """During the window, whatever is imported gets everything from a stand-in:
    each public attribute of each real module, submodules of a package, and
    the light attributes do what the real ones do."""
    names = run_clean("from egovsearch.engine.boot import _standins\nprint(list(_standins()))\n")
    stubs = json.loads(names[0].replace("'", '"'))
    real = json.loads(run_clean(
        "import importlib, json\n"
        f"print(json.dumps({{n: [a for a in dir(importlib.import_module(n)) if not a.startswith('__')] for n in {stubs!r}}}))\n")[0])
    code = (
        "import importlib, json\n"
        "from egovsearch.core.lazy import standing_in\n"
        "from egovsearch.engine.boot import _standins\n"
        "stubs = _standins()\n"
        "missing = {}\n"
        "with standing_in(stubs):\n"
        f"    for name, attrs in {real!r}.items():\n"
        "        stub = stubs[name]\n"
        "        lost = [a for a in attrs if not hasattr(stub, a)]\n"
        "        if lost: missing[name] = lost\n"
        "print(json.dumps(missing))\n"
        "print(all(getattr(stubs[n], a) is getattr(importlib.import_module(n), a)\n"
        f"          for n, attrs in {real!r}.items() for a in attrs if a not in vars(stubs[n])))\n"
        "print(sorted(n for n, s in stubs.items() if hasattr(s, '__path__')))\n"
    )
    assert run_clean(code) == ["{}", "True", "['html']"]


def test_imports_during_the_window_get_what_they_ask_for() -> None:
    """What the partial stand-ins of old broke: hashlib.sha256, html.parser,
    urllib.request.Request, imported while Whoosh loads."""
    code = (
        "from egovsearch.core.lazy import standing_in\n"
        "from egovsearch.engine.boot import _standins\n"
        "with standing_in(_standins()):\n"
        "    import hashlib, hmac, html.parser\n"
        "    from html import parser, escape, unescape\n"
        "    from urllib.request import Request\n"
        "    import cached_property as cp\n"
        "    print(hashlib.sha256(b'').hexdigest()[:8], hashlib.md5(b'').hexdigest()[:8],\n"
        "          hmac.new(b'k', b'm', 'sha256').hexdigest()[:8])\n"
        "    p = html.parser.HTMLParser(); p.feed('<b>x</b>'); print(parser is html.parser, unescape('&amp;'), escape('<'))\n"
        "    print(Request('http://example.org/x').host, cp.cached_property.__module__)\n"
        "import html, hashlib, urllib.request\n"
        "print(html.parser.HTMLParser.__name__, hashlib.sha256.__module__, urllib.request.Request.__name__)\n"
    )
    assert run_clean(code) == ["e3b0c442 d41d8cd9 b60090e3", "True & &lt;", "example.org functools",
                               "HTMLParser _hashlib Request"]


def test_more_imports_inside_the_real_window_work() -> None:
    """Modules that take real attributes from stand-ins load inside the real
    window too (added to what the trims import)."""
    code = ("import egovsearch.engine.boot as boot\n"
            "boot._PRELOAD = ('html.parser', 'hmac', *boot._PRELOAD, 'secrets', 'email.utils')\n"
            "import egovsearch.engine.scoring, html.parser, hmac, secrets\n"
            "print(boot.trimmed, hmac.new(b'k', b'm', 'sha256').hexdigest()[:8], len(secrets.token_hex(4)),\n"
            "      html.parser.HTMLParser.__name__)\n")
    assert run_clean(code) == ["True b60090e3 8 HTMLParser"]
