"""Text made safe for a terminal: the one home of cleaning control characters.

Everything egovsearch shows on a terminal that may hold article text, file
names or user input passes through :func:`clean` (the table, chart and report
writers, the TSV and line-mode path writers, and the CLI's ``Error:`` lines).
Machine formats that keep values exact (JSON, CSV, NUL-ended paths) do not.
Standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Whole escape sequences first (so their parameters do not survive as text), then
# lone control characters: C0 except \n and \t, DEL, C1, and lone surrogates
# (which cannot be encoded and would crash the write). A string sequence (OSC,
# DCS, APC...) without its terminator loses only its introducer, not the text after it.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC (hyperlinks, titles), DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # any other ESC sequence, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c)"  # 8-bit string sequences
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]"
)


def clean(text: str) -> str:
    """`text` without terminal control characters and escape sequences; \\n and \\t kept."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """A cleaned single-line field: tabs and newlines become spaces (TSV, table cells)."""
    return clean(text).replace("\t", " ").replace("\n", " ")


def message(text: str) -> str:
    """A cleaned one-line message: every run of whitespace becomes one space."""
    return " ".join(clean(text).split())


def clean_marked(text: str, marks: Iterable[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """Clean `text` and move the (start, end) `marks` to the same characters in the result."""
    removed = [m.span() for m in _CONTROL.finditer(text)]
    spans = [(max(0, s), min(len(text), e)) for s, e in marks if s < e]
    if not removed:
        return text, spans

    def shift(pos: int) -> int:
        gone = 0
        for start, end in removed:
            if start >= pos:
                break
            gone += min(end, pos) - start
        return pos - gone

    return _CONTROL.sub("", text), [(shift(s), shift(e)) for s, e in spans]
