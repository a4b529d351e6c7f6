"""The naive Whoosh baseline indexer: what a straightforward first version would do.

``python benchmarks/naive_index.py ARCHIVE INDEX``. One process, one default
``ix.writer()``, ``StemmingAnalyzer`` on title and body, the body stored (for
snippets), source as an ID, published as a DATETIME. Pages are parsed with a few
regular expressions: good enough for the generated corpus, not a reference parser.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime

from whoosh import index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, STORED, TEXT, Schema

_SOURCE = re.compile(r"^(?:Quelle/Source|Quelle|Source):\s*(.*?)(?:,\s*([\d.\-]+))?\s*$", re.MULTILINE)
_HEADER_END = re.compile(r"eGovernment Forschung seit 2001 \| eGovernment Research since 2001\n")
_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")


def schema() -> Schema:
    """The baseline schema: body stored, no positions dropped, no per-language fields."""
    return Schema(
        path=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        source=ID(stored=True),
        published=DATETIME(stored=True),
        raw=STORED(),
    )


def _date(text: str | None) -> datetime | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text or "", fmt)
        except ValueError:
            continue
    return None


def parse(data: bytes) -> dict[str, object]:
    """Fields of one page: decode (UTF-8, else cp1252), cut header and footer by regex."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
    text = text.replace("\r\n", "\n")
    head = _HEADER_END.search(text)
    body = text[head.end() :] if head else text
    m = _SOURCE.search(body)
    source, published = (m.group(1), _date(m.group(2))) if m else (None, None)
    body = (body[: m.start()] if m else body.split("Bitte besuchen Sie/Please visit:")[0]).strip()
    title = body.split(". ", 1)[0][:120]
    fields: dict[str, object] = {"title": title, "body": body}
    if source:
        fields["source"] = source
    if published:
        fields["published"] = published
    return fields


def build(archive: str, index_dir: str) -> int:
    """Index every ``*.txt`` under `archive` into a new index at `index_dir`; the count."""
    os.makedirs(index_dir, exist_ok=True)
    ix = index.create_in(index_dir, schema())
    writer = ix.writer()
    count = 0
    for dirpath, _dirs, files in os.walk(archive):
        for name in files:
            if not name.endswith(".txt"):
                continue
            full = os.path.join(dirpath, name)
            with open(full, "rb") as fh:
                fields = parse(fh.read())
            writer.add_document(path=os.path.relpath(full, archive), **fields)
            count += 1
    writer.commit()
    return count


if __name__ == "__main__":
    n = build(sys.argv[1], sys.argv[2])
    print(f"{n} documents", file=sys.stderr)
