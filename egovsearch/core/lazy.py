"""Stand-ins for modules a library imports at start-up for functions a run
rarely or never calls (used by ``_whoosh`` and ``cli``).

A stand-in sits in ``sys.modules`` only while the library loads; the library
keeps it under the name it imported, and any later import gets the real
module. A lazy stand-in loads the real module at the first use of one of its
attributes, so the library's rare functions still work.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def lazy_module(name: str) -> types.ModuleType:
    """A stand-in for a module imported whole (``import subprocess``) whose
    real module loads when one of its attributes is first used."""
    stub = types.ModuleType(name)

    def __getattr__(attr: str) -> Any:
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
