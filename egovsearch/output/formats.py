"""Everything egovsearch prints: result formats, article view, stats, charts, progress.

The only module that imports Rich, and only inside the functions that draw
tables, colours or bars, so ``import egovsearch.output.formats`` stays cheap and the
csv/json/tsv writers never load Rich. Article text is untrusted: every text
format passes it through :func:`clean` and Rich only ever gets ``Text``
objects, never markup strings. stdout gets data; summaries go to ``err``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from egovsearch.core.models import HIT_FIELDS, Article, SearchResult

if TYPE_CHECKING:  # pragma: no cover - typing only, Rich loads lazily at run time
    from rich.console import Console
    from rich.text import Text

    from egovsearch.core.reports import IndexReport, IndexStats, SourceCount, Timeline

HIT_FORMATS = ("table", "tsv", "json", "jsonl", "csv", "paths", "ids")

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
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_MARK = "bold yellow not dim"  # matched terms stand out of the dim snippet


def clean(text: str) -> str:
    """`text` without terminal control characters and escape sequences; \\n and \\t kept."""
    return _CONTROL.sub("", text)


def _clean_marked(text: str, marks: Iterable[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
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


def _one_line(text: str) -> str:
    """A cleaned single-line field: tabs and newlines become spaces (TSV, table cells)."""
    return clean(text).replace("\t", " ").replace("\n", " ")


def _json(obj: Any, indent: int | None = None) -> str:
    """JSON with UTF-8 kept; \\u-escaped only when a lone surrogate would not encode."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return json.dumps(obj, indent=indent) if _SURROGATE.search(text) else text


def _cell(value: Any) -> Any:
    """A CSV cell: None empty, strings made encodable, anything else as is."""
    if value is None:
        return ""
    if isinstance(value, str) and _SURROGATE.search(value):
        return _SURROGATE.sub("\ufffd", value)
    return value


class _Csv:
    """CSV rows ending in "\n" (Unix pipelines). The csv module quotes only the
    characters of its own line terminator, so a row holding a bare \r is fully quoted."""

    def __init__(self, out: TextIO) -> None:
        import csv  # (only for csv output)

        self._plain = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def row(self, values: Iterable[Any]) -> None:
        cells = [_cell(v) for v in values]
        crlf = any(isinstance(c, str) and "\r" in c for c in cells)
        (self._quoted if crlf else self._plain).writerow(cells)


def _check(fmt: str, allowed: Sequence[str]) -> None:
    """Refuse a format the writer does not know (the CLI validates first; this is a bug guard)."""
    if fmt not in allowed:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(allowed)}")


def _width() -> int:
    """Terminal width (COLUMNS first), 80 when there is no terminal."""
    return shutil.get_terminal_size((80, 24)).columns


def _console(out: TextIO, color: bool, *, live: bool = False) -> Console:
    """A Rich console on `out` that never interprets markup, emoji or highlights text.

    `live` (progress bars on stderr): animated, and Rich finds the width itself.
    """
    from rich.console import Console

    return Console(
        file=out, width=None if live else _width(), color_system="auto" if color else None,
        force_terminal=color, no_color=not color, markup=False, emoji=False, highlight=False,
        legacy_windows=False, force_jupyter=False, force_interactive=live,
    )


def _styled(parts: Iterable[tuple[str, str]]) -> Text:
    """A Text from (already cleaned text, style) pieces."""
    from rich.text import Text

    text = Text()
    for piece, style in parts:
        text.append(piece, style or None)
    return text


def _emit(out: TextIO, lines: Iterable[list[tuple[str, str]]], color: bool) -> None:
    """Write lines of (text, style) pieces: plain when not coloured, else through Rich."""
    if not color:
        for line in lines:
            out.write("".join(piece for piece, _ in line) + "\n")
        return
    console = _console(out, True)
    for line in lines:
        console.print(_styled(line), soft_wrap=True)


# --- search hits ------------------------------------------------------------------


def write_hits(
    results: Iterable[tuple[str | None, SearchResult]], fmt: str, out: TextIO, *,
    color: bool, nul: bool = False, with_query: bool = False, first_rank: int = 1,
) -> int:
    """Write the hits of one or more searches in `fmt`; return how many hits were written.

    `first_rank` numbers the table's first row (the CLI passes offset + 1). `nul`
    ends each line of `paths` and `ids` with NUL instead of a newline.
    """
    _check(fmt, HIT_FORMATS)
    written = 0
    end = "\0" if nul else "\n"
    if fmt == "json":
        # One array over all results, streamed an object a line (as sqlite-utils does).
        out.write("[")
    writer = _Csv(out) if fmt == "csv" else None
    if writer is not None:
        writer.row((("query",) if with_query else ()) + HIT_FIELDS)
    console = _console(out, color) if fmt == "table" else None
    for n, (query, result) in enumerate(results):
        if console is not None:
            _hit_table(console, query if with_query else None, result, first_rank, n > 0)
            written += len(result.hits)
            continue
        for hit in result.hits:
            if fmt in ("json", "jsonl"):
                obj = hit.to_dict()
                if with_query:
                    obj = {"query": query, **obj}
                if fmt == "jsonl":
                    out.write(_json(obj) + "\n")
                else:
                    out.write((",\n " if written else "") + _json(obj))
            elif writer is not None:
                writer.row(([query] if with_query else []) + list(hit.to_dict().values()))
            elif fmt == "tsv":
                fields = [hit.id, hit.to_dict()["published"], hit.source, hit.title, hit.path]
                if with_query:
                    fields.insert(0, query)
                out.write("\t".join(_one_line(f) if f else "" for f in fields) + "\n")
            elif fmt == "paths":
                path = os.path.join(result.archive, hit.path)
                # NUL mode keeps the exact path for xargs -0; line mode is for eyes and must be safe.
                out.write((path if nul else _one_line(path)) + end)
            else:  # ids
                out.write(hit.id + end)
            written += 1
        if fmt == "jsonl":
            out.flush()
    if fmt == "json":
        out.write("]\n")
    return written


def _hit_table(console: Console, query: str | None, result: SearchResult, first_rank: int, gap: bool) -> None:
    """One borderless table: rank, date, source, title with a two-line snippet below it."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if gap:
        console.print()
    if query is not None:
        console.print(_styled([("query: ", "bold"), (_one_line(query), "")]), soft_wrap=True)
    if not result.hits:
        return
    rank_w = len(str(first_rank + len(result.hits) - 1))
    # Below 60 columns the source gives way to the title. Each column gap is 3 cells
    # (separator and padding, no outer edge); the title takes the rest.
    source_w = min(20, max(len("Source"), *(len(_one_line(h.source or "")) for h in result.hits)))
    source_w = source_w if console.width >= 60 else 0
    title_w = max(10, console.width - rank_w - 10 - source_w - (9 if source_w else 6))
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, show_lines=True, header_style="bold")
    table.add_column("#", justify="right", width=rank_w, no_wrap=True)
    table.add_column("Published", width=10, no_wrap=True)
    if source_w:
        table.add_column("Source", width=source_w, overflow="fold")
    table.add_column("Title", width=title_w, overflow="fold")
    for rank, hit in enumerate(result.hits, start=first_rank):
        cell = Text(_one_line(hit.title), style="bold", end="")
        snippet, marks = _clean_marked(hit.snippet, hit.marks)
        snippet = snippet.replace("\t", " ").replace("\n", " ").strip()
        if snippet:
            text = Text(snippet, style="dim")
            for start, end in marks:
                text.stylize(_MARK, start, end)
            lines = list(text.wrap(console, title_w, overflow="fold"))
            if len(lines) > 2:  # at most two lines of snippet; mark the cut
                last = lines[1]
                last.rstrip()
                if last.cell_len >= title_w:  # make room for the ellipsis: drop the last word
                    cut = last.plain.rstrip().rfind(" ")
                    last = last[: cut if cut > 0 else len(last.plain) - 1]
                    last.rstrip()
                last.append("…", "dim")
                lines = [lines[0], last]
            cell = Text("\n").join([cell, *lines])
        source = [Text(_one_line(hit.source or ""))] if source_w else []
        table.add_row(Text(str(rank)), Text(hit.to_dict()["published"] or ""), *source, cell)
    console.print(table)


# --- articles -------------------------------------------------------------------------


def write_article(article: Article, fmt: str, out: TextIO, *, color: bool,
                  marks: Sequence[tuple[int, int]] = ()) -> None:
    """One whole article: `text` (metadata header, blank line, body) or `json` (with body)."""
    if fmt == "json":
        out.write(_json(article.to_dict(), indent=2) + "\n")
        return
    _check(fmt, ("text",))
    data = article.to_dict()
    header = [("Title", article.title), ("Source", article.source), ("Published", data["published"]),
              ("Crawled", data["crawled"]), ("Language", article.language), ("Path", article.path),
              ("Id", article.id)]
    lines = [[(f"{key + ':':<11}", "bold"), (_one_line(value) if value else "unknown", "")]
             for key, value in header]
    body, spans = _clean_marked(article.body, marks)
    if not color:
        _emit(out, lines, False)
        out.write("\n" + body + "\n")
        return
    from rich.text import Text

    _emit(out, lines, True)
    text = Text(body)
    for start, end in spans:
        text.stylize(_MARK, start, end)
    console = _console(out, True)
    console.print()
    console.print(text)


def write_articles(articles: Iterable[Article], fmt: str, out: TextIO, *, color: bool = False) -> int:
    """Whole records, streamed: `jsonl` (bulk-loadable), `csv`, `json` (one array) or
    `table` (one row a record, without the body); return the count."""
    _check(fmt, ("jsonl", "csv", "json", "table"))
    if fmt == "table":
        return _article_table(list(articles), out, color)
    writer = _Csv(out) if fmt == "csv" else None
    n = 0
    if fmt == "json":
        out.write("[")
    for article in articles:
        data = article.to_dict()
        if fmt == "json":
            out.write((",\n " if n else "") + _json(data))
        elif writer is None:
            out.write(_json(data) + "\n")
        else:
            if n == 0:
                writer.row(data)
            writer.row(data.values())
        n += 1
    if fmt == "json":
        out.write("]\n")
    if writer is not None and n == 0:
        writer.row(Article("", "", "", "", None, None, None, "", 0).to_dict())
    return n


def _article_table(articles: list[Article], out: TextIO, color: bool) -> int:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="bold")
    for name in ("Id", "Published", "Source", "Lang", "Title"):
        table.add_column(name, no_wrap=name != "Title", ratio=1 if name == "Title" else None,
                         min_width=20 if name == "Title" else None, overflow="fold" if name == "Title" else "ellipsis",
                         max_width=24 if name == "Source" else None)
    for a in articles:
        d = a.to_dict()
        table.add_row(*(Text(_one_line(str(v))) for v in (
            a.id, d["published"] or "", a.source or "", a.language, a.title)))
    _console(out, color).print(table)
    return len(articles)


# --- archive overviews -----------------------------------------------------------------


def _json_array(objs: Iterable[dict[str, Any]], out: TextIO) -> None:
    """A JSON array with one object a line."""
    out.write("[" + ",\n ".join(_json(o) for o in objs) + "]\n")


def _human_bytes(n: int) -> str:
    """1234567 -> "1.2 MB"."""
    units = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
    return next((f"{n / size:.1f} {unit}" for size, unit in units if n >= size), f"{n} B")


def write_stats(stats: IndexStats, fmt: str, out: TextIO, *, color: bool) -> None:
    """Index statistics as aligned `table` lines or one `json` object."""
    if fmt == "json":
        out.write(_json(stats.to_dict(), indent=2) + "\n")
        return
    _check(fmt, ("table", "json"))
    data = stats.to_dict()
    langs = ", ".join(f"{lang} {n}" for lang, n in sorted(stats.languages.items()))
    rows = [
        ("Articles", f"{stats.articles}" + (f" ({langs})" if langs else "")),
        ("Sources", str(stats.sources)),
        ("Published", f"{data['published_min'] or 'unknown'} .. {data['published_max'] or 'unknown'}"),
        ("Index size", _human_bytes(stats.index_bytes)),
        ("Built at", stats.built_at or "unknown"),
        ("Archive", stats.archive or "unknown"),
    ]
    _emit(out, ([(f"{k:<12}", "bold"), (_one_line(v), "")] for k, v in rows), color)


def write_sources(sources: Sequence[SourceCount], fmt: str, out: TextIO, *, color: bool) -> None:
    """Publications with counts and first/last dates: `table`, `json` or `csv`."""
    if fmt == "json":
        _json_array((s.to_dict() for s in sources), out)
        return
    if fmt == "csv":
        writer = _Csv(out)
        writer.row(("source", "count", "first", "last"))
        for s in sources:
            writer.row(s.to_dict().values())
        return
    _check(fmt, ("table", "json", "csv"))
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Source", overflow="fold")
    table.add_column("Articles", justify="right", no_wrap=True)
    table.add_column("First", no_wrap=True)
    table.add_column("Last", no_wrap=True)
    for s in sources:
        d = s.to_dict()
        table.add_row(Text(_one_line(s.source)), Text(str(s.count)), Text(d["first"] or ""), Text(d["last"] or ""))
    _console(out, color).print(table)


def write_timeline(tl: Timeline, fmt: str, out: TextIO, *, color: bool) -> None:
    """Articles per period: a bar `chart` with undated and total lines, `json` or `csv`."""
    if fmt == "json":
        _json_array(({"period": p, "count": c} for p, c in tl.periods), out)
        return
    if fmt == "csv":
        writer = _Csv(out)
        for row in (("period", "count"), *tl.periods):
            writer.row(row)
        return
    _check(fmt, ("chart", "json", "csv"))
    block = "█"
    try:
        block.encode(getattr(out, "encoding", None) or "utf-8")
    except (LookupError, UnicodeEncodeError):
        block = "#"  # a terminal that cannot show the block character
    lines: list[list[tuple[str, str]]] = []
    if tl.periods:
        label_w = max(len(p) for p, _ in tl.periods)
        count_w = max(len(str(c)) for _, c in tl.periods)
        most = max(c for _, c in tl.periods)
        room = max(10, _width() - label_w - count_w - 3)
        for period, count in tl.periods:
            bar = block * (max(1, int(count * room / most + 0.5)) if count and most else 0)
            lines.append([(f"{period:<{label_w}}  ", "bold"), (bar + " " if bar else "", "cyan"), (str(count), "")])
    if tl.undated:
        lines.append([("undated: ", "dim"), (str(tl.undated), "")])
    lines.append([("total: ", "bold"), (str(tl.total), "bold")])
    _emit(out, lines, color)


# --- stderr: index report and progress --------------------------------------------------


def write_report(report: IndexReport, err: TextIO, *, color: bool) -> None:
    """The summary of an `index` run: counts, skipped files with reasons, time taken."""
    counts = [("added", report.added), ("updated", report.updated), ("renamed", report.renamed),
              ("removed", report.removed), ("unchanged", report.unchanged), ("skipped", len(report.skipped))]
    done = "rebuilt" if report.rebuilt else "updated"
    head: list[tuple[str, str]] = [(f"Index {done} in {report.seconds:.1f} s: ", "bold")]
    for i, (name, n) in enumerate(counts):
        style = "yellow" if name == "skipped" and n else ("green" if n else "")
        head += [(", " if i else "", ""), (f"{n} {name}", style)]
    lines = [head]
    for s in report.skipped[:5]:
        lines.append([("  skipped ", "yellow"), (_one_line(s.path), ""), (f": {_one_line(s.reason)}", "dim")])
    if len(report.skipped) > 5:
        lines.append([(f"  ... and {len(report.skipped) - 5} more", "dim")])
    _emit(err, lines, color)


class Progress:
    """A progress bar on `err` (count, files/s, ETA) while indexing; does nothing when disabled."""

    def __init__(self, err: TextIO, *, enabled: bool, description: str = "Indexing") -> None:
        self._err = err
        self._enabled = enabled
        self._description = description
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self._enabled:
            from rich import progress as rp

            class Rate(rp.ProgressColumn):
                """Files per second, blank until Rich has a speed estimate."""

                def render(self, task: rp.Task) -> Text:
                    return _styled([(f"{task.speed:,.0f} files/s" if task.speed else "", "cyan")])

            self._bar = rp.Progress(
                rp.TextColumn("{task.description}"), rp.BarColumn(), rp.MofNCompleteColumn(), Rate(),
                rp.TimeRemainingColumn(), console=_console(self._err, True, live=True),
            )
            self._bar.start()
            self._task = self._bar.add_task(self._description, total=None)
        return self

    def update(self, done: int, total: int) -> None:
        """Show `done` of `total` files; safe to call from the indexer's callback."""
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# --- pager ----------------------------------------------------------------------------


def page(render: Callable[[TextIO], None], out: TextIO, *, tty: bool) -> None:
    """Run `render`; on a terminal, send its text through $PAGER when taller than the screen.

    Defaults to ``less -FRX``; an empty PAGER or ``cat`` means no pager. If the
    pager cannot start, the text is written directly.
    """
    if not tty:
        render(out)
        return
    buf = io.StringIO()
    render(buf)
    text = buf.getvalue()
    command = os.environ.get("PAGER", "less -FRX")
    if text.count("\n") < shutil.get_terminal_size((80, 24)).lines or command.strip() in ("", "cat"):
        out.write(text)
        return
    import shlex
    import subprocess

    out.flush()  # what was written before must appear above the pager's output
    try:
        proc = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE,
                                encoding=getattr(out, "encoding", None) or "utf-8", errors="replace")
    except (OSError, ValueError):
        out.write(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write(text)
    except (BrokenPipeError, KeyboardInterrupt):
        pass  # the user quit the pager early, or Ctrl-C, which belongs to the pager
    finally:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    while True:
        try:
            proc.wait()
            return
        except KeyboardInterrupt:  # less uses Ctrl-C itself; wait until the user quits it
            continue
