"""Whoosh's start-up without the imports this project does not need.

Applied once: loading the ``egovsearch.engine`` package calls ``install()``,
which puts a finder in front of ``sys.meta_path``. The first import of any
Whoosh module, from whichever engine module and in whatever order, runs
``whoosh/__init__`` (it only defines the version), then, if that is the
version the trims were written for (``WRITTEN_FOR``), imports Whoosh's
modules with the stand-ins below in ``sys.modules``; the finder then leaves.
For any other Whoosh version nothing is trimmed: plain imports, slower and
correct. Importing the engine's Whoosh-free parts (the index directory's
metadata in ``store``, the plan of an index run) loads no Whoosh at all.

Each stand-in is complete (``core.lazy``): it serves every attribute of the
real module, loading it at the first use of one it does not hold, so Whoosh's
rare functions keep working and so does anything else imported while Whoosh
loads. Stand-ins leave ``sys.modules`` as soon as Whoosh has loaded: any
later import gets the real module.

What they save, measured on this (shared, busy) machine with CPython 3.11:
``import egovsearch.engine.scoring`` in a new process takes 157 ms of wall
time with the trims and 340 ms without (medians of 21 interleaved runs; an
empty ``python -c pass`` takes 26 ms). Each stand-in's share is the cumulative
time of that import under ``python -X importtime`` (which inflates every
import) with the stand-in left out, less the time with all of them (75 ms):
medians of 21 interleaved runs, 41 for the last four:

- ``urllib.request`` (53 ms): ``whoosh.compat`` imports it (http.client,
  email, ssl) for a ``urlretrieve`` nothing in Whoosh calls.
- ``cached_property`` (76 ms): ``whoosh.reading`` imports the package
  (which imports asyncio) for one property that ``functools.cached_property``
  serves the same way.
- ``whoosh.lang.morph_en`` (16 ms): the English morphology tables, for a
  ``Variations`` query this project never builds.
- ``whoosh.lang.porter``, ``whoosh.lang.dmetaphone`` (4.5 ms together):
  Whoosh's Porter stemmer and Double Metaphone, for filters not used here.
- ``hashlib`` (7 ms): ``whoosh.filedb.filetables`` takes MD5 for its hash
  tables, and ``hashlib`` loads OpenSSL; CPython's built-in ``_md5`` gives the
  same digests (and ``_sha1`` the same SHA-1, for ``whoosh.automata.fst``).
- ``whoosh.automata.lev``, ``whoosh.highlight`` (6 ms): Levenshtein
  automata (Whoosh's spelling correction; ours is the query's suggester) and
  the highlighter.
- ``random``, ``tempfile`` (4.8 ms): naming new segments and temporary
  files, which only writing does.
- ``calendar``, ``queue`` (4.5 ms): date fields, the multiprocessing writer.
- ``html`` (-0.6 ms, within the noise: ``html`` with ``html.entities`` takes
  ~3 ms under importtime, and finding its path for a complete package
  stand-in costs some of that back): the highlighter's ``escape``.

``snowball_stemmer`` loads one language's Snowball stemmer without the
package's ``__init__``, which imports all fifteen (~1.5 ms of every query).
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import sys
import types
from collections.abc import Callable, Sequence
from typing import Any

from egovsearch.core.lazy import lazy_module, standing_in

WRITTEN_FOR = (2, 7, 5)  # whoosh-reloaded 2.7.5: the trims name its modules and imports
# What the trims import with the stand-ins in place: every module a query or an
# index run loads whose imports the stand-ins replace.
_PRELOAD = ("whoosh.compat", "whoosh.filedb.filetables", "whoosh.codec.whoosh3", "whoosh.query",
            "whoosh.reading", "whoosh.searching")
trimmed = False  # True once Whoosh was loaded with the trims (for tests and tools)


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


def _standins() -> dict[str, types.ModuleType]:
    """The stand-in of every module the trims keep out, by name."""
    stubs = {
        "urllib.request": lazy_module("urllib.request", urlretrieve=_urlretrieve),
        "cached_property": lazy_module("cached_property", cached_property=functools.cached_property),
        "whoosh.lang.morph_en": lazy_module("whoosh.lang.morph_en", variations=_variations),
        "whoosh.lang.porter": lazy_module("whoosh.lang.porter", stem=_porter_stem),
        "whoosh.lang.dmetaphone": lazy_module("whoosh.lang.dmetaphone", double_metaphone=_double_metaphone),
        "whoosh.automata.lev": lazy_module("whoosh.automata.lev"),
        "whoosh.highlight": lazy_module("whoosh.highlight"),
        "random": lazy_module("random"),
        "tempfile": lazy_module("tempfile"),
        "calendar": lazy_module("calendar"),
        "queue": lazy_module("queue"),
        "html": lazy_module("html", package=True, escape=_html_escape),
    }
    try:  # CPython's own MD5 and SHA-1 (the same digests), where it has them
        from _md5 import md5  # type: ignore[import-not-found]
        from _sha1 import sha1  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        stubs["hashlib"] = lazy_module("hashlib", md5=md5, sha1=sha1)
    return stubs


def _load_trimmed(whoosh: types.ModuleType) -> None:
    """Import Whoosh's modules with the stand-ins in place, if `whoosh` is the
    version they were written for."""
    global trimmed
    if getattr(whoosh, "__version__", None) != WRITTEN_FOR:
        return  # another Whoosh: its modules may import other things; take them all
    with standing_in(_standins()):
        for name in _PRELOAD:
            importlib.import_module(name)
    trimmed = True


class _TrimmingLoader:  # (not importlib.abc.Loader: importlib.abc imports pathlib and tempfile)
    """Runs ``whoosh/__init__`` with Whoosh's own loader, then the trims."""

    def __init__(self, real: Any, finder: _Finder) -> None:
        self._real, self._finder = real, finder

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return self._real.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: types.ModuleType) -> None:
        module.__loader__ = self._real
        if module.__spec__ is not None:
            module.__spec__.loader = self._real
        self._finder.remove()
        self._real.exec_module(module)
        # The package is in sys.modules (still initialising): its submodules import.
        _load_trimmed(module)


class _Finder:  # a MetaPathFinder
    """Catches the first import of ``whoosh`` (every ``whoosh.x`` imports it first)."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: types.ModuleType | None = None,
                  ) -> importlib.machinery.ModuleSpec | None:
        if name != "whoosh":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _TrimmingLoader(spec.loader, self)  # type: ignore[assignment]  # a duck-typed Loader
        return spec

    def remove(self) -> None:
        # Only from exec_module: the import system's loop over sys.meta_path has ended.
        if self in sys.meta_path:
            sys.meta_path.remove(self)


def install() -> None:
    """Have the first import of Whoosh trimmed (``egovsearch.engine`` calls this once)."""
    if "whoosh" in sys.modules or any(isinstance(f, _Finder) for f in sys.meta_path):
        return  # Whoosh is loaded already (untrimmed: correct), or the finder waits
    sys.meta_path.insert(0, _Finder())


_SNOWBALL = {"en": ("english", "EnglishStemmer"), "de": ("german", "GermanStemmer")}


def snowball_stemmer(lang: str) -> Callable[[str], str]:
    """The stem function Whoosh's ``stemmer_for_language(lang)`` returns, for en and de."""
    import whoosh.lang

    package = "whoosh.lang.snowball"
    if package in sys.modules or whoosh.__version__ != WRITTEN_FOR:
        from whoosh.lang import stemmer_for_language

        return stemmer_for_language(lang)  # type: ignore[no-any-return]
    module, cls = _SNOWBALL[lang]
    stub = lazy_module(package)  # complete: anything but the two stemmers loads the real package
    stub.__path__ = [f"{whoosh.lang.__path__[0]}/snowball"]
    try:
        with standing_in({package: stub}):
            stemmer = getattr(importlib.import_module(f"{package}.{module}"), cls)()
    finally:
        # The real package (and its `classes` table) loads on any later import.
        if getattr(whoosh.lang, "snowball", None) is stub:
            del whoosh.lang.snowball
    return stemmer.stem  # type: ignore[no-any-return]
