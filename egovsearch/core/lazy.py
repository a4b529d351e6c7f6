"""Stand-ins for modules a library imports at start-up for functions a run
rarely or never calls (used by ``engine.boot`` and ``cli``).

A stand-in sits in ``sys.modules`` only while the library loads; the library
keeps it under the name it imported, and any later import gets the real
module. A stand-in is complete: it serves every attribute of the real module
(loading the real one at the first use of an attribute it does not hold
itself), and a stand-in for a package also lets its submodules be imported.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def lazy_module(name: str, *, package: bool = False, **light: Any) -> types.ModuleType:
    """A stand-in for module `name` whose real module loads when an attribute
    other than the `light` ones is first used.

    `light` holds attributes served without loading the real module: a cheaper
    object that does the same (``md5`` from CPython's ``_md5``), or a function
    that imports the real one when called. For a package, the stand-in has the
    real package's ``__path__`` (found without importing it), so ``from pkg
    import x`` asks the stand-in for ``x`` and ``import pkg.sub`` loads the
    submodule, which gets the real package for anything it takes from it.
    Say `package` for a package: finding its path costs ~0.2 ms, too much to
    spend on every stand-in to learn that a module is none.
    """
    stub = types.ModuleType(name)
    stub.__dict__.update(light)
    if package:
        parent = name.rpartition(".")[0]
        spec = importlib.machinery.PathFinder.find_spec(name, sys.modules[parent].__path__ if parent else None)
        if spec is not None and spec.submodule_search_locations is not None:
            stub.__path__ = list(spec.submodule_search_locations)

    def __getattr__(attr: str) -> Any:
        if attr == "__path__":  # not a package (else it is set): every `from x import y` asks
            raise AttributeError(attr)
        if sys.modules.get(name) is stub:
            del sys.modules[name]
        return getattr(importlib.import_module(name), attr)

    stub.__getattr__ = __getattr__  # type: ignore[method-assign]
    return stub


@contextmanager
def standing_in(stubs: dict[str, types.ModuleType]) -> Iterator[None]:
    """Put the stand-ins of modules not loaded yet in ``sys.modules`` for the
    imports inside the block; take them out after."""
    added = [name for name in stubs if name not in sys.modules]
    for name in added:
        sys.modules[name] = stubs[name]
    try:
        yield
    finally:
        for name in added:
            if sys.modules.get(name) is stubs[name]:
                del sys.modules[name]
