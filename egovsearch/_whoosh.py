"""Import Whoosh without two start-up costs it does not need (about 45 ms a run).

``whoosh.compat`` imports ``urllib.request`` (http.client, email: ~25 ms) for
a ``urlretrieve`` nothing in Whoosh calls, and ``whoosh.reading`` imports the
``cached_property`` package (which imports asyncio: ~20 ms) for one property
that ``functools.cached_property`` serves the same way. While those two Whoosh
modules load, light stand-ins sit in ``sys.modules``; they are removed at once,
so any later ``import urllib.request`` gets the real module. Every project
module that uses Whoosh imports this one first.
"""

from __future__ import annotations

import functools
import sys
import types


def _urlretrieve(*args: object, **kwargs: object) -> object:  # never called by Whoosh
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _preload() -> None:
    if "whoosh.reading" in sys.modules:
        return
    stubs = {
        "urllib.request": types.ModuleType("urllib.request"),
        "cached_property": types.ModuleType("cached_property"),
    }
    stubs["urllib.request"].urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    stubs["cached_property"].cached_property = functools.cached_property  # type: ignore[attr-defined]
    added = [name for name in stubs if name not in sys.modules]
    for name in added:
        sys.modules[name] = stubs[name]
    try:
        import whoosh.compat  # noqa: F401
        import whoosh.reading  # noqa: F401
    finally:
        for name in added:
            if sys.modules.get(name) is stubs[name]:
                del sys.modules[name]


_preload()
