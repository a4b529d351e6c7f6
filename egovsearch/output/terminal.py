"""Everything drawn for a person at a terminal: hit and record tables, the
article view, stats lines, the timeline chart, doctor's report, the index
report and progress bar.

The only module of egovsearch that uses Rich, and it imports Rich inside the
functions that colour or draw tables, so that the plain (colourless) paths and
``import egovsearch.output.terminal`` stay cheap. Article text is untrusted:
all text passes through :mod:`egovsearch.output.text` and Rich only ever gets
``Text`` objects, never markup strings. Summaries go to the `err` stream.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from egovsearch.core.models import Article, Hit, SearchResult
from egovsearch.output.text import clean_marked, one_line

if TYPE_CHECKING:  # pragma: no cover - typing only, Rich loads lazily at run time
    from rich.console import Console
    from rich.text import Text

    from egovsearch.core.copies import Copy
    from egovsearch.core.reports import Health, IndexReport, IndexStats, SourceCount, Timeline

_MARK = "bold yellow not dim"  # matched terms stand out of the dim snippet
# With NO_COLOR on a terminal: no colour, but emphasis (NO_COLOR forbids colour only).
_MARK_PLAIN = "bold underline not dim"
_TITLE_MIN = 30  # the title column's width before the source column gets any room
_SOURCE_MIN = 10  # a narrower source column is dropped


def width() -> int:
    """Terminal width (COLUMNS first), 80 when there is no terminal."""
    return shutil.get_terminal_size((80, 24)).columns


def _console(out: TextIO, color: bool, *, live: bool = False, emphasis: bool = False) -> Console:
    """A Rich console on `out` that never interprets markup, emoji or highlights text.

    `live` (progress bars on stderr): animated, and Rich finds the width itself.
    `emphasis` without `color`: bold, dim and underline, but no colour (NO_COLOR
    on a terminal); neither: no styles at all (not a terminal).
    """
    from rich.console import Console

    styled = color or emphasis
    return Console(
        file=out, width=None if live else width(),
        color_system="auto" if color else "standard" if emphasis else None,
        force_terminal=styled, no_color=not color, markup=False, emoji=False, highlight=False,
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


def hit_tables(results: Iterable[tuple[str | None, SearchResult]], out: TextIO, *, color: bool,
               with_query: bool = False, first_rank: int = 1, emphasis: bool = False,
               label: str = "query") -> int:
    """One table per search (a `query:` line above it in a batch, `watch:` for a
    saved search's); return the hits drawn."""
    console = _console(out, color, emphasis=emphasis)
    mark = _MARK if color else _MARK_PLAIN
    written = 0
    for n, (query, result) in enumerate(results):
        _hit_table(console, query if with_query else None, result, first_rank, n > 0, mark, label)
        written += len(result.hits)
    return written


def _centred(text: str, marks: Sequence[tuple[int, int]], line: int) -> tuple[str, list[tuple[int, int]]]:
    """`text` cut ahead of its first mark (an ellipsis for what is cut, at a word
    boundary) so that the mark sits in the middle of two lines of `line`
    characters, if it would not show in them otherwise: at the end of the first
    line when it fits there (wrapping at spaces would otherwise push it to the
    second, leaving the first nearly empty)."""
    if not marks:
        return text, []
    room = 2 * line - 4  # what wrapping at spaces leaves of two lines, about
    first, end = marks[0]
    if end <= room:
        return text, list(marks)
    before = max(0, (room - (end - first)) // 2)
    if end - first <= line - 2:
        before = min(before, line - 2 - (end - first))
    cut = text.find(" ", first - before - 1, first)  # start at a word: after a space
    cut = cut + 1 if cut >= 0 else first
    shift = cut - 1  # the ellipsis takes one character
    return "…" + text[cut:], [(a - shift, b - shift) for a, b in marks if a >= cut]


def _snippet_lines(console: Console, hit: Hit, room: int, mark: str) -> list[Text]:
    """At most two lines of `room` cells of the hit's snippet, its first match
    inside them, words never broken (a word longer than a line ends in "…")."""
    from rich.text import Text

    raw, marks = clean_marked(hit.snippet, hit.marks)
    raw = raw.replace("\t", " ").replace("\n", " ")
    lead = len(raw) - len(raw.lstrip())
    snippet = raw.strip()
    marks = sorted((a - lead, b - lead) for a, b in marks if a >= lead and b - lead <= len(snippet))
    if not snippet:
        return []
    snippet, marks = _centred(snippet, marks, room)
    text = Text(snippet, style="dim")
    for start, end in marks:
        text.stylize(mark, start, end)
    lines = list(text.wrap(console, room, overflow="ellipsis"))
    if len(lines) > 2:  # at most two lines of snippet; mark the cut
        last = lines[1]
        last.rstrip()
        if last.cell_len >= room:  # make room for the ellipsis: drop the last word
            cut = last.plain.rstrip().rfind(" ")
            last = last[: cut if cut > 0 else len(last.plain) - 1]
            last.rstrip()
        last.append("…", "dim")
        lines = [lines[0], last]
    return lines


def copies_note(hit: Hit) -> str:
    """"+2 copies (Kable, Heise Online)": a collapsed hit's near-copies and
    their publications, each named once; "" for a hit without copies."""
    if not hit.duplicates:
        return ""
    n = len(hit.duplicates)
    names = list(dict.fromkeys(one_line(s) for s in hit.duplicate_sources if s))
    return f"+{n} {'copy' if n == 1 else 'copies'}" + (f" ({', '.join(names)})" if names else "")


def _copies_line(console: Console, hit: Hit, room: int) -> list[Text]:
    """The copies note as one line of `room` cells (cut with "…"), under the title."""
    from rich.text import Text

    note = copies_note(hit)
    if not note:
        return []
    text = Text(note, style="italic", end="")
    text.truncate(room, overflow="ellipsis")
    return [text]


def _hit_table(console: Console, query: str | None, result: SearchResult, first_rank: int, gap: bool,
               mark: str, label: str = "query") -> None:
    """One borderless table: rank, short id, date, source, title with a two-line snippet below it.

    The columns fit the console's width: the title gets at least 30 cells and
    the source column what is left up to 20 (none below 10, as at 60 columns).
    Text wraps at spaces only; a word longer than its column ends in "…".
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if gap:
        console.print()
    if query is not None:
        console.print(_styled([(label + ": ", "bold"), (one_line(query), "")]), soft_wrap=True)
    if not result.hits:
        return
    rank_w = len(str(first_rank + len(result.hits) - 1))
    ids = [one_line(h.short_id or h.id) for h in result.hits]
    # Below 60 columns the id and the source give way to the title.
    id_w = max(len("Id"), *(len(i) for i in ids)) if console.width >= 60 else 0
    # Each column gap is 3 cells (separator and padding, no outer edge); the title takes the rest.
    fixed = rank_w + 10 + (id_w + 3 if id_w else 0)
    longest = max(len("Source"), *(len(one_line(h.source or "")) for h in result.hits))
    room = console.width - fixed - 9 - _TITLE_MIN
    source_w = min(20, longest, room) if room >= _SOURCE_MIN else 0
    title_w = max(10, console.width - fixed - source_w - (9 if source_w else 6))
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, show_lines=True, header_style="bold")
    table.add_column("#", justify="right", width=rank_w, no_wrap=True)
    if id_w:
        table.add_column("Id", width=id_w, no_wrap=True)
    table.add_column("Published", width=10, no_wrap=True)
    if source_w:
        table.add_column("Source", width=source_w, overflow="ellipsis")
    table.add_column("Title", width=title_w, overflow="ellipsis")
    for rank, (hit, short) in enumerate(zip(result.hits, ids, strict=True), start=first_rank):
        title = Text(one_line(hit.title), style="bold", end="")
        lines = [*title.wrap(console, title_w, overflow="ellipsis"), *_copies_line(console, hit, title_w),
                 *_snippet_lines(console, hit, title_w, mark)]
        source = [Text(one_line(hit.source or ""))] if source_w else []
        ident = [Text(short)] if id_w else []
        table.add_row(Text(str(rank)), *ident, Text(hit.to_dict()["published"] or ""), *source,
                      Text("\n").join(lines))
    console.print(table)


# --- articles -------------------------------------------------------------------------


def article_text(article: Article, out: TextIO, *, color: bool, marks: Sequence[tuple[int, int]] = (),
                 emphasis: bool = False, paths: Sequence[str] = (), copies: Sequence[Copy] = ()) -> None:
    """One whole article: a metadata header, a blank line, the body (marks highlighted:
    in colour, or bold and underlined with `emphasis` alone).

    `paths`: the article's absolute paths, a Path line each (byte-identical
    copies are one article); without them, its path in the archive.
    `copies`: its near-copies, a line each under ``Copies:`` (id, date,
    publication, resemblance to the cluster's first member).
    """
    data = article.to_dict()
    header = [("Title", article.title), ("Source", article.source), ("Published", data["published"]),
              ("Crawled", data["crawled"]), ("Language", article.language),
              *(("Path", p) for p in (paths or [article.path])), ("Id", article.id)]
    lines = [[(f"{key + ':':<11}", "bold"), (one_line(value) if value else "unknown", "")]
             for key, value in header]
    if copies:
        n = len(copies)
        lines.append([(f"{'Copies:':<11}", "bold"),
                      (f"{n} near-cop{'y' if n == 1 else 'ies'} (resemblance to the cluster's first article)", "")])
        for c in copies:
            when = c.published.isoformat() if c.published else "undated"
            lines.append([(f"  {c.resemblance:.2f}  {one_line(c.id)}  {when:<10}  ", ""),
                          (one_line(c.source or "unknown"), "")])
    body, spans = clean_marked(article.body, marks)
    if not (color or emphasis):
        _emit(out, lines, False)
        out.write("\n" + body + "\n")
        return
    from rich.text import Text

    console = _console(out, color, emphasis=emphasis)
    for line in lines:
        console.print(_styled(line), soft_wrap=True)
    text = Text(body)
    for start, end in spans:
        text.stylize(_MARK if color else _MARK_PLAIN, start, end)
    console.print()
    console.print(text)


def article_table(articles: Iterable[Article], out: TextIO, *, color: bool) -> int:
    """One row a record, without the body; return the count."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    rows = list(articles)
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="bold")
    for name in ("Id", "Published", "Source", "Lang", "Title"):
        table.add_column(name, no_wrap=name != "Title", ratio=1 if name == "Title" else None,
                         min_width=20 if name == "Title" else None, overflow="fold" if name == "Title" else "ellipsis",
                         max_width=24 if name == "Source" else None)
    for a in rows:
        d = a.to_dict()
        table.add_row(*(Text(one_line(str(v))) for v in (
            a.id, d["published"] or "", a.source or "", a.language, a.title)))
    _console(out, color).print(table)
    return len(rows)


# --- archive overviews -----------------------------------------------------------------


def _human_bytes(n: int) -> str:
    """1234567 -> "1.2 MB"."""
    units = [(1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")]
    return next((f"{n / size:.1f} {unit}" for size, unit in units if n >= size), f"{n} B")


def stats_lines(stats: IndexStats, out: TextIO, *, color: bool) -> None:
    """Index statistics as aligned lines."""
    data = stats.to_dict()
    langs = ", ".join(f"{lang} {n}" for lang, n in sorted(stats.languages.items()))
    rows = [
        ("Articles", f"{stats.articles}" + (f" ({langs})" if langs else "")),
        ("Sources", str(stats.sources)),
        # (Only when there are any: JSON has copy_clusters 0 for an index without copies.)
        *([("Copies", f"{stats.copy_clusters} cluster{'' if stats.copy_clusters == 1 else 's'} of near-copies "
                      f"({stats.copied_articles} article{'' if stats.copied_articles == 1 else 's'})")]
          if stats.copy_clusters else []),
        ("Published", f"{data['published_min'] or 'unknown'} .. {data['published_max'] or 'unknown'}"),
        ("Index size", _human_bytes(stats.index_bytes)),
        ("Built at", stats.built_at or "unknown"),
        ("Archive", stats.archive or "unknown"),
    ]
    _emit(out, ([(f"{k:<12}", "bold"), (one_line(v), "")] for k, v in rows), color)


def source_table(sources: Sequence[SourceCount], out: TextIO, *, color: bool) -> None:
    """Publications with counts and first/last dates."""
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
        table.add_row(Text(one_line(s.source)), Text(str(s.count)), Text(d["first"] or ""), Text(d["last"] or ""))
    _console(out, color).print(table)


def timeline_chart(tl: Timeline, out: TextIO, *, color: bool) -> None:
    """Articles per period as bars, with undated and total lines."""
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
        room = max(10, width() - label_w - count_w - 3)
        for period, count in tl.periods:
            bar = block * (max(1, int(count * room / most + 0.5)) if count and most else 0)
            lines.append([(f"{period:<{label_w}}  ", "bold"), (bar + " " if bar else "", "cyan"), (str(count), "")])
    if tl.undated:
        lines.append([("undated: ", "dim"), (str(tl.undated), "")])
    lines.append([("total: ", "bold"), (str(tl.total), "bold")])
    _emit(out, lines, color)


# --- doctor ------------------------------------------------------------------------------

def health_table(health: Health, out: TextIO, *, color: bool) -> None:
    """doctor on a terminal: a line per file out of step, then the repairs as a
    table, a row per publication (most repairs first) and a total; or the line
    saying that they are not recorded. The verdict goes to stderr (the CLI)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    lines: list[list[tuple[str, str]]] = []
    if health.outdated is not None:
        lines.append([("Outdated: ", "bold yellow"), (f"built by another version of egovsearch (schema "
                      f"{health.outdated}); files not compared; run 'egovsearch index --rebuild'", "")])
    files = [("missing", health.missing), ("stale", health.stale), ("orphaned", health.orphaned),
             ("damaged", health.damaged)]
    for kind, paths in files:
        lines += [[(f"{kind:<10}", "yellow"), (one_line(path), "")] for path in paths]
    if lines:
        lines.append([])
    fixes = health.repairs
    if fixes is None:
        lines.append([("Repairs: ", "bold"), ("not recorded (the index was built before egovsearch counted "
                                               "them; 'egovsearch index --rebuild' counts them)", "")])
    elif not fixes.repaired:
        lines.append([("Repairs: ", "bold"), (f"none (all {health.articles} articles read cleanly)", "")])
    else:
        lines.append([("Repairs: ", "bold"), (f"{fixes.repaired} of {health.articles} articles", "")])
    _emit(out, lines, color)
    if fixes is None or not fixes.repaired:
        return

    from egovsearch.core.archive import REPAIR_KINDS

    # core.archive's order; a kind it does not name after them, the encodings
    # ("encoding:<name>") last.
    order = {kind: i for i, kind in enumerate(REPAIR_KINDS)}

    def listed(counts: tuple[tuple[str, int], ...]) -> Text:
        # A line per kind, in a fixed order (then others, then the encodings), so
        # that rows compare and a count is never wrapped away from its kind.
        ranked = sorted(counts, key=lambda kn: (kn[0].startswith("encoding:"), order.get(kn[0], len(order)), kn[0]))
        return Text("\n".join(f"{kind} {n}" for kind, n in ranked))

    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False, header_style="bold", show_footer=True,
                  footer_style="bold")
    table.add_column("Source", "Total", overflow="fold", ratio=2)
    table.add_column("Articles", str(health.articles), justify="right", no_wrap=True)
    table.add_column("Repaired", str(fixes.repaired), justify="right", no_wrap=True)
    table.add_column("Repairs", listed(fixes.counts), overflow="fold", ratio=3)
    for src in fixes.by_source:
        name = Text(one_line(src.source)) if src.source is not None else Text("(unknown)", "dim")
        table.add_row(name, Text(str(src.articles)), Text(str(src.repaired)), listed(src.counts))
    _console(out, color).print(table)


# --- stderr: index report and progress --------------------------------------------------


def write_report(report: IndexReport, err: TextIO, *, color: bool) -> None:
    """The summary of an `index` run: skipped files with reasons, side files
    rebuilt, leftovers removed, and last the counts and the time taken."""
    lines: list[list[tuple[str, str]]] = []
    for s in report.skipped[:5]:
        lines.append([("  skipped ", "yellow"), (one_line(s.path), ""), (f": {one_line(s.reason)}", "dim")])
    if len(report.skipped) > 5:
        lines.append([(f"  ... and {len(report.skipped) - 5} more", "dim")])
    for name in report.repaired:
        lines.append([("  rebuilt ", "yellow"), (one_line(name), ""), (": it was missing, damaged or out of date", "dim")])
    if report.cleaned:
        files = "file" if report.cleaned == 1 else "files"
        lines.append([("  removed ", "yellow"), (f"{report.cleaned} leftover {files}", ""),
                      (" of an earlier interrupted or failed run", "dim")])
    counts = [("added", report.added), ("updated", report.updated), ("renamed", report.renamed),
              ("removed", report.removed), ("unchanged", report.unchanged), ("skipped", len(report.skipped))]
    done = "rebuilt" if report.rebuilt else "updated"
    head: list[tuple[str, str]] = [(f"Index {done} in {report.seconds:.1f} s: ", "bold")]
    for i, (name, n) in enumerate(counts):
        style = "yellow" if name == "skipped" and n else ("green" if n else "")
        head += [(", " if i else "", ""), (f"{n} {name}", style)]
    lines.append(head)
    _emit(err, lines, color)


class Progress:
    """A progress bar on `err` while indexing: the phase, then count, files/s and
    ETA while articles are counted; does nothing when disabled."""

    def __init__(self, err: TextIO, *, enabled: bool, description: str = "Indexing") -> None:
        self._err = err
        self._enabled = enabled
        self._description = description
        self._phase: str | None = None
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self._enabled:
            from rich import progress as rp

            class Rate(rp.ProgressColumn):
                """Files per second, blank until Rich has a speed estimate."""

                def render(self, task: rp.Task) -> Text:
                    return _styled([(f"{task.speed:,.0f} files/s" if task.speed and task.total else "", "cyan")])

            class Count(rp.MofNCompleteColumn):
                """done/total, blank in a phase without a count."""

                def render(self, task: rp.Task) -> Text:
                    return super().render(task) if task.total else _styled([])

            class Remaining(rp.TimeRemainingColumn):
                def render(self, task: rp.Task) -> Text:
                    return super().render(task) if task.total else _styled([])

            self._bar = rp.Progress(
                rp.TextColumn("{task.description}"), rp.BarColumn(), Count(), Rate(),
                Remaining(), console=_console(self._err, True, live=True),
            )
            self._bar.start()
            self._task = self._bar.add_task(self._description, total=None)
        return self

    def update(self, phase: str, done: int, total: int) -> None:
        """Show the phase ("indexing", "committing"...) and, when `total` is not 0,
        `done` of `total` files; safe to call from the indexer's callback."""
        if self._bar is None:
            return
        if phase != self._phase:  # a new phase: its own task, so its own count, speed and ETA
            self._phase = phase
            self._bar.refresh()  # the last phase's final count is drawn once
            self._bar.remove_task(self._task)
            self._task = self._bar.add_task(phase[:1].upper() + phase[1:], total=total or None, completed=done)
        else:
            self._bar.update(self._task, completed=done, total=total or None)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
