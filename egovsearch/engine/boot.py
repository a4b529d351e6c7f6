"""Import Whoosh without the start-up costs it does not need (about 55 ms a run).

``whoosh.compat`` imports ``urllib.request`` (http.client, email: ~25 ms) for
a ``urlretrieve`` nothing in Whoosh calls; ``whoosh.reading`` imports the
``cached_property`` package (which imports asyncio: ~20 ms) for one property
that ``functools.cached_property`` serves the same way; ``whoosh.query``
compiles the English morphology tables (~8 ms) for a ``Variations`` query
this project never builds, ``whoosh.analysis`` the Porter stemmer and
Double Metaphone (~1.5 ms) for filters this project does not use, and
``whoosh.filedb.filetables`` takes MD5 (for its hash tables) from ``hashlib``,
which loads OpenSSL (~3 ms): CPython's built-in ``_md5`` gives the same digests.
The Levenshtein automata (for Whoosh's spelling correction; ours is
``search._suggest``), Whoosh's highlighter, ``random`` and ``tempfile``
(for naming new segments and temporary files: writing only), ``calendar``
(date fields) and ``queue`` (the multiprocessing writer) load when first
used; ``html`` (for the highlighter's ``escape``) too (~3 ms together).
While those Whoosh modules load, light stand-ins sit in ``sys.modules``
(``_standins``); they are removed at once, so any later import gets the real
module. Every project module that uses Whoosh imports this one first.

``snowball_stemmer`` loads one language's Snowball stemmer without the
package's ``__init__``, which imports all fifteen (~1.5 ms of every query).
"""

from __future__ import annotations

import functools
import importlib
import sys
import types
from collections.abc import Callable
from typing import Any

from egovsearch.core.lazy import lazy_module, standing_in


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:  # never called by Whoosh
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _variations(word: str) -> object:  # loads the real tables on first use
    from whoosh.lang.morph_en import variations

    return variations(word)


def _porter_stem(word: str) -> str:  # Whoosh's StemmingAnalyzer default; never ours
    from whoosh.lang.porter import stem

    return stem(word)  # type: ignore[no-any-return]


def _double_metaphone(word: str) -> object:  # DoubleMetaphoneFilter; never ours
    from whoosh.lang.dmetaphone import double_metaphone

    return double_metaphone(word)


def _html_escape(s: str, quote: bool = True) -> str:  # Whoosh's highlighter, never a query
    from html import escape

    return escape(s, quote)


def _preload() -> None:
    if "whoosh.reading" in sys.modules:
        return
    stubs = {
        "urllib.request": types.ModuleType("urllib.request"),
        "cached_property": types.ModuleType("cached_property"),
        "whoosh.lang.morph_en": types.ModuleType("whoosh.lang.morph_en"),
        "whoosh.lang.porter": types.ModuleType("whoosh.lang.porter"),
        "whoosh.lang.dmetaphone": types.ModuleType("whoosh.lang.dmetaphone"),
        "whoosh.automata.lev": lazy_module("whoosh.automata.lev"),
        "whoosh.highlight": lazy_module("whoosh.highlight"),
        "random": lazy_module("random"),
        "tempfile": lazy_module("tempfile"),
        "calendar": lazy_module("calendar"),
        "queue": lazy_module("queue"),
        "html": types.ModuleType("html"),
    }
    stubs["html"].escape = _html_escape  # type: ignore[attr-defined]
    stubs["whoosh.lang.morph_en"].variations = _variations  # type: ignore[attr-defined]
    stubs["whoosh.lang.porter"].stem = _porter_stem  # type: ignore[attr-defined]
    stubs["whoosh.lang.dmetaphone"].double_metaphone = _double_metaphone  # type: ignore[attr-defined]
    try:  # CPython's own MD5 and SHA-1 (the same digests), where it has them
        from _md5 import md5
        from _sha1 import sha1
    except ImportError:
        pass
    else:
        stubs["hashlib"] = types.ModuleType("hashlib")
        stubs["hashlib"].md5 = md5  # type: ignore[attr-defined]
        stubs["hashlib"].sha1 = sha1  # type: ignore[attr-defined]
    stubs["urllib.request"].urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    stubs["cached_property"].cached_property = functools.cached_property  # type: ignore[attr-defined]
    with standing_in(stubs):
        import whoosh.codec.whoosh3  # noqa: F401
        import whoosh.compat  # noqa: F401
        import whoosh.filedb.filetables  # noqa: F401
        import whoosh.query  # noqa: F401
        import whoosh.reading  # noqa: F401
        import whoosh.searching  # noqa: F401


_preload()


_SNOWBALL = {"en": ("english", "EnglishStemmer"), "de": ("german", "GermanStemmer")}


def snowball_stemmer(lang: str) -> Callable[[str], str]:
    """The stem function Whoosh's ``stemmer_for_language(lang)`` returns, for en and de."""
    package = "whoosh.lang.snowball"
    module, cls = _SNOWBALL[lang]
    if package in sys.modules:
        return getattr(importlib.import_module(f"{package}.{module}"), cls)().stem  # type: ignore[no-any-return]
    import whoosh.lang

    stub = types.ModuleType(package)
    stub.__path__ = [f"{whoosh.lang.__path__[0]}/snowball"]
    try:
        with standing_in({package: stub}):
            stemmer = getattr(importlib.import_module(f"{package}.{module}"), cls)()
    finally:
        # The real package (and its `classes` table) loads on any later import.
        if getattr(whoosh.lang, "snowball", None) is stub:
            del whoosh.lang.snowball
    return stemmer.stem  # type: ignore[no-any-return]
