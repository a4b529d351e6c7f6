"""Read the article archive: walk its folder tree and parse scraped pages.

Standard library only. No Whoosh, Rich or Typer here: the indexer and the CLI call
``iter_archive``, ``read_article`` / ``parse_file`` / ``parse_bytes``.

A page (see shared ARCHIVE-FORMAT.md) is: visitor counters, a crawl line
``Monday,<NBSP>16.09.2024``, the site slogan, the article paragraphs, a source
line ``Quelle/Source: Public Service, 06.06.2011`` and a footer. Any of the
noise may be missing; only article paragraphs end up in ``Article.body``.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePath

from egovsearch.core.dates import looks_like_page_date, read_page_date
from egovsearch.core.errors import ArchiveError, NotAnArticle
from egovsearch.core.language import detect_language
from egovsearch.core.models import Article

__all__ = [
    "ArchiveFile",
    "article_id",
    "content_hash",
    "decode_bytes",
    "iter_archive",
    "parse_paths",
    "parse_bytes",
    "parse_file",
    "read_article",
]

# A scraped article page is a few KB; anything this big is not one (and would
# cost seconds of parsing and megabytes of index for nothing).
MAX_BYTES = 5_000_000
TITLE_MAX = 120  # the title is cut at the last word boundary at or before this


# ---------------------------------------------------------------------------
# Walking the archive
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchiveFile:
    """One candidate file found by the walk."""

    relpath: str  # '/'-separated, relative to the archive root
    abspath: str
    size: int
    mtime_ns: int


def iter_archive(root: Path, on_skip: Callable[[str, str], None] | None = None) -> Iterator[ArchiveFile]:
    """Yield every ``*.txt`` file below `root`, sorted by relpath.

    Hidden files and folders (name starting with '.') are skipped silently.
    Symlinked folders are followed, each real folder at most once (tracked by
    ``(st_dev, st_ino)``), so link loops end and a folder linked twice is not
    read twice. Broken links, unreadable folders and ``*.txt`` names that are
    not regular files go to ``on_skip(relpath, reason)``. The suffix test is
    case-insensitive (``.TXT`` from Windows scrapers counts).

    Raises ArchiveError if `root` is missing, not a folder or unreadable.
    """
    root_s = os.fspath(root)
    try:
        st = os.stat(root_s)
    except FileNotFoundError:
        raise ArchiveError(f"archive folder not found: {root_s}") from None
    except OSError as exc:
        raise ArchiveError(f"cannot open the archive folder {root_s}: {exc.strerror}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise ArchiveError(f"the archive is not a folder: {root_s}")
    try:
        os.scandir(root_s).close()
    except OSError as exc:
        raise ArchiveError(f"cannot read the archive folder {root_s}: {exc.strerror}") from None

    skip = on_skip or _ignore
    found: list[ArchiveFile] = []
    seen: set[tuple[int, int]] = {(st.st_dev, st.st_ino)}
    # Depth-first over name-sorted entries, so that which of two links to the
    # same folder wins is deterministic; the final sort fixes the order.
    stack: list[tuple[str, str]] = [(root_s, "")]
    while stack:
        dir_abs, dir_rel = stack.pop()
        try:
            with os.scandir(dir_abs) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            skip(dir_rel or ".", f"cannot read folder: {exc.strerror or exc}")
            continue
        subdirs: list[tuple[str, str]] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = f"{dir_rel}/{name}" if dir_rel else name
            try:
                est = entry.stat()  # follows symlinks
            except OSError as exc:
                if entry.is_symlink():
                    skip(rel, "broken symbolic link")
                else:
                    skip(rel, f"cannot read: {exc.strerror or exc}")
                continue
            if stat.S_ISDIR(est.st_mode):
                key = (est.st_dev, est.st_ino)
                if key in seen:
                    continue  # a symlink loop or a second link to a folder
                seen.add(key)
                subdirs.append((entry.path, rel))
            elif name.lower().endswith(".txt"):
                if stat.S_ISREG(est.st_mode):
                    found.append(ArchiveFile(rel, entry.path, est.st_size, est.st_mtime_ns))
                else:
                    skip(rel, "not a regular file")
        stack.extend(reversed(subdirs))
    found.sort(key=lambda f: f.relpath)
    yield from found


def _ignore(relpath: str, reason: str) -> None:
    """Default on_skip: drop the report."""


# ---------------------------------------------------------------------------
# Ids and hashes
# ---------------------------------------------------------------------------

_HEX_NAME = re.compile(r"(?:\d+_)?([0-9a-fA-F]{16})\.txt", re.IGNORECASE)


def article_id(relpath: str) -> str:
    """The 16-hex part of ``NNN_<16 hex>.txt`` (lowercased); otherwise a
    stable 16-hex blake2b hash of the relpath, so renaming changes the id only
    for files that have no id in their name."""
    name = relpath.rpartition("/")[2]
    m = _HEX_NAME.fullmatch(name)
    if m:
        return m.group(1).lower()
    return content_hash(relpath.encode("utf-8", "surrogateescape"))


def content_hash(data: bytes) -> str:
    """16-hex blake2b digest of a file's bytes, for change detection."""
    import hashlib  # here: loading it (OpenSSL) costs a query ~3 ms, and queries need no hash

    return hashlib.blake2b(data, digest_size=8).hexdigest()


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------


def _cp1252_latin1(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the five bytes Windows-1252 leaves undefined
    (0x81 0x8D 0x8F 0x90 0x9D) decode as in Latin-1 instead of failing."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bytes(bad).decode("latin-1"), exc.end


codecs.register_error("egovsearch-latin1", _cp1252_latin1)

# Bytes that never occur in text: C0 controls other than \t \n \f \r and ESC.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"
_HIGH_BYTES = bytes(range(128, 256))
_C1_BYTES = bytes(range(0x80, 0xA0))


class _Undecodable(Exception):
    """Internal: the bytes are not text in any encoding we accept."""


def decode_bytes(data: bytes) -> str:
    """Bytes of a page -> str, detecting rather than assuming the encoding.

    Order: byte-order mark (UTF-8, UTF-32, UTF-16), BOM-less UTF-16 (NUL
    pattern), strict UTF-8, then Windows-1252 with Latin-1 for its undefined
    bytes. Non-UTF-8 text whose non-ASCII share is implausible for German or
    English (> 30 % high bytes) is rejected. charset-normalizer is not used:
    measured on this archive's encodings it named Latin-1 pages "mac_latin2"
    and Windows-1252 pages "cp1250", which would garble umlauts.
    Raises ``_Undecodable`` (the caller turns it into NotAnArticle).
    """
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[str, str | None]:
    """decode_bytes, and the name of the encoding when it was not UTF-8
    ("cp1252", "latin-1", "utf-16", "utf-32"; None for UTF-8, BOM or not)."""
    if data.startswith(codecs.BOM_UTF8):
        body = data[3:]
        try:
            return body.decode("utf-8"), None
        except UnicodeDecodeError:
            return body.decode("cp1252", "egovsearch-latin1"), _legacy_name(body)
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), codec[:6]
            except UnicodeDecodeError:
                raise _Undecodable(f"not valid {codec.upper()} text") from None
    if b"\x00" in data:
        return _decode_utf16_without_bom(data), "utf-16"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # German or English in Windows-1252 has a few percent high bytes (umlauts,
    # quotes); a third or more is another script or encoding (KOI8-R, Shift-JIS,
    # compressed data) that cp1252 would turn into fluent-looking garbage.
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if len(data) >= 64 and high * 10 > len(data) * 3:
        raise _Undecodable("not UTF-8/Windows-1252 text")
    return data.decode("cp1252", "egovsearch-latin1"), _legacy_name(data)


def _legacy_name(data: bytes) -> str:
    """The name a legacy page's encoding is reported by: "cp1252" when it holds
    a byte of 0x80-0x9F (printable only in Windows-1252: quotes, dashes, the
    euro sign), else "latin-1" (the bytes read the same in both; ISO 8859-1 is
    the narrower claim)."""
    return "cp1252" if len(data.translate(None, _C1_BYTES)) < len(data) else "latin-1"


def _decode_utf16_without_bom(data: bytes) -> str:
    """NULs in every other byte are UTF-16 text without a BOM; any other NUL
    means binary (text files never hold NUL)."""
    n = len(data) - (len(data) % 2)
    even_nul = data[0:n:2].count(0)
    odd_nul = data[1:n:2].count(0)
    half = n // 2
    if half and odd_nul >= 0.3 * half and even_nul <= 0.02 * half:
        codec = "utf-16-le"
    elif half and even_nul >= 0.3 * half and odd_nul <= 0.02 * half:
        codec = "utf-16-be"
    else:
        raise _Undecodable("binary file")
    try:
        return data[:n].decode(codec)
    except UnicodeDecodeError:
        raise _Undecodable("binary file") from None


def _looks_binary(data: bytes) -> bool:
    """Control bytes (not \\t \\n \\f \\r ESC) above 10 % of the first 8 KB."""
    head = data[:8192]
    ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return ctrl * 10 > len(head)


# ---------------------------------------------------------------------------
# Cleaning text
# ---------------------------------------------------------------------------

# Only real HTML tag names: "a < b", "x<y and z>w" and "[bold]" stay text.
_TAG_NAMES = (
    "a|abbr|b|big|blockquote|body|br|center|cite|code|dd|del|div|dl|dt|em|font|h[1-6]|head|hr|html|"
    "i|img|ins|kbd|li|link|meta|nobr|ol|p|pre|q|s|small|span|strike|strong|sub|sup|table|tbody|"
    "td|tfoot|th|thead|title|tr|tt|u|ul|wbr"
)
# Patterns for content that is rare are strings: re compiles (and caches) them at
# first use instead of at every start-up (~2 ms of a query).
_TAG = rf"(?i)</?(?:{_TAG_NAMES})(?:\s[^<>]*)?/?>"
_BLOCK_TAG = r"(?i)<(?:br|/?p|/?div|/?li|/?tr|/?h[1-6]|hr)(?:\s[^<>]*)?/?>"

# Terminal escape sequences: CSI (incl. SGR colours), OSC (titles, links),
# other two-character ESC sequences. Their parameters are not visible text.
# 8-bit C1 forms (0x9B, 0x9D) are not treated as sequence starts: they are
# also what Windows-1252's undefined bytes decode to, and must not swallow
# text; they are simply dropped as invisible characters. String sequences
# never extend past a line end, so an unterminated one cannot eat the article.
_ESCAPES = (
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte (colours, cursor moves)
    r"|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"  # OSC ... BEL/ST (titles, hyperlinks)
    r"|\x1b[PX^_][^\x1b\n]*(?:\x1b\\)?"  # DCS/SOS/PM/APC strings
    r"|\x1b[ -/]*[0-~]?"  # two-character sequences, or a lone ESC
)
# Controls other than \t \n (C0, DEL, C1), soft hyphens, bidi overrides and
# stray BOMs: invisible, and unsafe or harmful to search in a field.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# UTF-8 decoded as Windows-1252 ("Ã¼" for "ü"): a lead byte shown as
# Â..ô followed by 1-3 continuation bytes shown in Windows-1252.
_CONT_CHARS = "".join(bytes([b]).decode("cp1252", "egovsearch-latin1") for b in range(0x80, 0xC0))
_CP1252_BYTE = {bytes([b]).decode("cp1252", "egovsearch-latin1"): b for b in range(0x80, 0x100)}
_CONT = "[" + re.escape(_CONT_CHARS) + "]"
_MOJIBAKE = f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}"


# html.unescape's own pattern (Lib/html/__init__.py): entities are decoded
# match by match with it, so that the ones that change text can be counted.
_CHARREF = r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)"

# The kinds of repair clean_text counts (Article.repairs; decoding adds
# "encoding:<name>"), in the order doctor lists them. README's doctor section
# documents them.
REPAIR_KINDS = ("mojibake", "entities", "tags", "comments", "escapes", "controls")


def _fix_mojibake_match(m: re.Match[str]) -> str:
    s = m.group(0)
    try:
        return bytes(_CP1252_BYTE[c] for c in s).decode("utf-8")
    except (UnicodeDecodeError, KeyError):
        return s  # not a valid UTF-8 sequence: real text, leave it


def _strip_comments(text: str) -> tuple[str, int]:
    """Drop ``<!-- ... -->``; (text, comments dropped). With str.find, not a
    lazy regex: a page full of unterminated "<!--" made the regex quadratic
    (minutes for 350 KB). An unterminated comment is left as text."""
    out: list[str] = []
    pos = 0
    while (start := text.find("<!--", pos)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        out.append(text[pos:start])
        pos = end + 3
    out.append(text[pos:])
    return "".join(out), len(out) - 1


def _subn_changed(pattern: str, fix: Callable[[re.Match[str]], str], text: str) -> tuple[str, int]:
    """re.sub with `fix`, and how many matches it changed (a match it gives
    back unchanged, as real text, is not a repair)."""
    changed = 0

    def one(m: re.Match[str]) -> str:
        nonlocal changed
        out = fix(m)
        if out != m.group(0):
            changed += 1
        return out

    return re.sub(pattern, one, text), changed


def _unescape_match() -> Callable[[re.Match[str]], str]:
    """What html.unescape does to one match of its pattern: its own replacer
    when this Python has it (a private name, unchanged since 3.4; measured ~2x
    faster than a second unescape per match), else that second unescape."""
    import html  # (its table of 2,200 entities loads only for pages that need it)

    replace: Callable[[re.Match[str]], str] | None = getattr(html, "_replace_charref", None)
    return replace if replace is not None else lambda m: html.unescape(m.group(0))


def clean_text(text: str, counts: dict[str, int] | None = None) -> str:
    """Decoded page text -> clean text: LF line ends, no terminal escapes or
    control characters, stray tags dropped, entities decoded, mojibake
    repaired, NFC. Each step is skipped when its trigger character is absent
    (the common case), which keeps parsing fast; so is counting.

    `counts`, when given, gets the number of repairs of each kind done (only
    kinds of REPAIR_KINDS with at least one): the step's own substitution
    count, so counting costs nothing more than the repair.
    """
    c: dict[str, int] = counts if counts is not None else {}
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text:
        text, n = re.subn(_ESCAPES, "", text)
        _count(c, "escapes", n)
    if "<" in text:
        if "<!--" in text:
            text, n = _strip_comments(text)
            _count(c, "comments", n)
        text, n = re.subn(_BLOCK_TAG, " ", text)
        text, m = re.subn(_TAG, "", text)
        _count(c, "tags", n + m)
    if "&" in text:
        # Tags first, entities second: "&lt;b&gt;" is text meant to be seen.
        text, n = _subn_changed(_CHARREF, _unescape_match(), text)
        _count(c, "entities", n)
    if "Ã" in text or "Â" in text or "â" in text or "Å" in text:
        text, n = _subn_changed(_MOJIBAKE, _fix_mojibake_match, text)
        _count(c, "mojibake", n)
    # Last, because entities ("&#27;") and repaired mojibake ("Â\x80") can
    # produce control characters too.
    text, n = _INVISIBLE.subn("", text)
    _count(c, "controls", n)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _count(counts: dict[str, int], kind: str, n: int) -> None:
    if n:
        counts[kind] = counts.get(kind, 0) + n


# ---------------------------------------------------------------------------
# Page structure
# ---------------------------------------------------------------------------

_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|"
    "mon|tue|wed|thu|fri|sat|sun|mo|di|mi|do|fr|sa|so"
)
# The weekday is optional: a bare date above the article is the crawl date too.
_CRAWL = re.compile(rf"(?:(?:{_WEEKDAYS})\.?,?\s*)?(\d.*)", re.IGNORECASE)
_COUNTER = re.compile(r"(?:today|yesterday|all|heute|gestern|gesamt|alle|total)\s*:?\s*[\d.,' ]+", re.IGNORECASE)
_SLOGAN = re.compile(r"egovernment (?:forschung seit|research since) \d{4}.*", re.IGNORECASE)
_SOURCE = re.compile(r"(?:quelle\s*/\s*source|source\s*/\s*quelle|quelle|source)\s*:\s*(.*)", re.IGNORECASE)
_SOURCE_INITIALS = frozenset("QqSs")  # cheap pre-test before the regex
_FOOTER = re.compile(
    r"(?:bitte besuchen sie|please visit)(?:\s*/\s*(?:bitte besuchen sie|please visit))?\s*:?.*"
    r"|(?:go to top|back to top|nach oben|zum seitenanfang)\W*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”“’»«)\]]*(?=\s+[\"'„“‚‘»«(\[]*[^\W_a-zäöüß])")
_ABBREVIATIONS = frozenset(
    "dr prof mr mrs ms st nr no bzw ca vgl etc inc ltd co jr sr vs hr fr abs art bspw ggf usw mio mrd "
    "z.b u.a d.h e.g i.e u.s u.k z.t o.ä s.o s.u".split()
)
# Whitespace tokens that are punctuation only and so are not words. A set
# lookup per token (C speed) instead of a word regex keeps parsing fast.
_NOT_WORDS = frozenset("- – — ― | / \\ & + * = • · ● ► » « > < ... … : ; , . ! ? \" ' „ “ ” ( )".split())


def _is_noise_header(line: str) -> tuple[bool, date | None]:
    """(is this a header noise line, crawl date if it is the crawl line)."""
    if _COUNTER.fullmatch(line) or _SLOGAN.fullmatch(line):
        return True, None
    m = _CRAWL.fullmatch(line)
    if m:
        d = read_page_date(m.group(1))
        if d is not None:
            return True, d
        if looks_like_page_date(m.group(1).strip()):
            return True, None  # a crawl line with an impossible date
    return False, None


def _split_source(value: str) -> tuple[str | None, date | None]:
    """``Public Service, 06.06.2011`` -> ("Public Service", 2011-06-06).

    Read from the end: the date is the last comma-separated part, so commas
    inside the publication's name survive. A last part that looks like a date
    but is impossible is dropped without a date; one that is no date at all
    belongs to the name."""
    value = value.strip().rstrip(";,").strip()  # "Public Service, ": the date left out
    head, comma, tail = value.rpartition(",")
    if comma:
        tail = tail.strip()
        d = read_page_date(tail)
        if d is None and tail.isdigit() and len(tail) == 4:
            # "June 6, 2011": the date itself holds a comma.
            head2, comma2, tail2 = head.rpartition(",")
            d2 = read_page_date(f"{tail2.strip()}, {tail}")
            if d2 is not None:
                return (head2.strip(" ,") or None) if comma2 else None, d2
        if d is not None or looks_like_page_date(tail) or (tail.isdigit() and len(tail) == 4):
            return head.strip(" ,") or None, d
        return value or None, None
    # No comma: a date may still end the line ("Public Service 06.06.2011").
    name, _, last = value.rpartition(" ")
    if name and looks_like_page_date(last):
        return name.strip(" ,") or None, read_page_date(last)
    if read_page_date(value) is not None or looks_like_page_date(value):
        return None, read_page_date(value)
    return value or None, None


def _first_sentence(paragraph: str) -> str:
    """The first sentence of `paragraph` (whitespace collapsed), or the whole
    text when no sentence ends within reach of TITLE_MAX (it is cut anyway).
    A period after an abbreviation, an initial or a one/two-digit number
    ("am 6. Juni") does not end a sentence."""
    text = " ".join(paragraph[: TITLE_MAX * 8].split())
    # Only ends that can fit in a title matter; a bounded head also keeps a
    # paragraph of "1. 2. 3. ..." from being scanned end to end.
    head = text[: TITLE_MAX + 16]
    for m in _SENTENCE_END.finditer(head):
        start = m.start()
        if head[start] == ".":
            word = head[head.rfind(" ", 0, start) + 1 : start].lstrip("\"'„“‚‘»«([").lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or (word.isdigit() and len(word) <= 2):
                continue
        return head[: m.end()]
    return text


def _make_title(first_paragraph: str) -> str:
    """The lead's first sentence, cut at a word boundary near TITLE_MAX."""
    s = _first_sentence(first_paragraph)
    if len(s) <= TITLE_MAX:
        return s
    cut = s[: TITLE_MAX + 1].rpartition(" ")[0].rstrip(" ,;:-–—(\"'„“")
    if len(cut) < TITLE_MAX // 2:  # one monstrous word: cut inside it
        cut = s[:TITLE_MAX]
    return cut + "…"


def _count_words(body: str) -> int:
    """Whitespace-separated tokens, minus tokens that are punctuation only."""
    tokens = body.split()
    return len(tokens) - sum(map(_NOT_WORDS.__contains__, tokens))


def _paragraphs(lines: list[str]) -> list[str]:
    """Group stripped lines into paragraphs at blank lines; collapse spaces
    inside each line; drop slogan lines wherever they are."""
    paras: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paras.append("\n".join(current))
                current = []
            continue
        if line[0] in "eE" and _SLOGAN.fullmatch(line):
            continue
        current.append(" ".join(line.split()))
    if current:
        paras.append("\n".join(current))
    return paras


def parse_text(text: str, relpath: str, *, encoding: str | None = None) -> Article:
    """Parse already decoded page text. Raises NotAnArticle("no article text").

    `encoding`: the legacy encoding the text was decoded from (None: UTF-8),
    counted among the article's repairs as "encoding:<name>"."""
    counts: dict[str, int] = {}
    text = clean_text(text, counts)
    if encoding is not None:
        counts[f"encoding:{encoding}"] = 1
    lines = [ln.strip() for ln in text.split("\n")]
    n = len(lines)

    # Header: counters, crawl line and slogan, in any order, before the text.
    crawled: date | None = None
    i = 0
    while i < n:
        line = lines[i]
        if line:
            noise, d = _is_noise_header(line)
            if not noise:
                break
            if d is not None and crawled is None:
                crawled = d
        i += 1

    # The LAST source line; everything after it is footer.
    source: str | None = None
    published: date | None = None
    end = n
    for j in range(n - 1, i - 1, -1):
        m = _SOURCE.fullmatch(lines[j]) if lines[j][:1] in _SOURCE_INITIALS else None
        if m:
            value = m.group(1)
            if not value.strip():
                # Label on its own line: the value is the next non-blank line
                # unless that is already footer.
                nxt = next((ln for ln in lines[j + 1 :] if ln), "")
                value = "" if _FOOTER.fullmatch(nxt) else nxt
            source, published = _split_source(value)
            end = j
            break
    body_lines = lines[i:end]
    if end < n and not any(body_lines):
        # Source line above the text: the article follows it.
        body_lines = lines[end + 1 :]
    # Footer lines at the end (when there is no source line, or text after it).
    k = len(body_lines)
    while k and (not body_lines[k - 1] or _FOOTER.fullmatch(body_lines[k - 1])):
        k -= 1
    paras = _paragraphs(body_lines[:k])
    if not paras:
        raise NotAnArticle(relpath, "no article text")

    body = "\n\n".join(paras)
    return Article(
        id=article_id(relpath),
        path=relpath,
        title=_make_title(paras[0]),
        body=body,
        source=source,
        published=published,
        crawled=crawled,
        language=detect_language(body),
        words=_count_words(body),
        repairs=tuple(sorted(counts.items())) if counts else (),
    )


def parse_bytes(data: bytes, relpath: str) -> Article:
    """Parse the bytes of one page. Raises NotAnArticle (empty file, binary
    file, not UTF-8/Windows-1252 text, no article text) and nothing else."""
    if not data.strip():
        raise NotAnArticle(relpath, "empty file")
    try:
        text, encoding = _decode(data)
    except _Undecodable as exc:
        raise NotAnArticle(relpath, str(exc)) from None
    # Control-character density is judged on the decoded text (UTF-16 text
    # is full of NUL bytes but is text).
    if _looks_binary(text[:8192].encode("utf-8", "surrogatepass")):
        raise NotAnArticle(relpath, "binary file")
    return parse_text(text, relpath, encoding=encoding)


def _relpath(file: Path | str, root: Path | str) -> str:
    try:
        return PurePath(file).relative_to(root).as_posix()
    except ValueError:
        return PurePath(os.path.relpath(file, root)).as_posix()


def parse_file(file: Path | str, root: Path | str) -> Article:
    """Read and parse one file; its path in the Article is relative to
    `root`. An unreadable file is NotAnArticle("cannot read: <reason>")."""
    relpath = _relpath(file, root)
    return parse_bytes(_read(root, relpath), relpath)


def parse_paths(paths: Iterable[Path], on_skip: Callable[[str, str], None]) -> Iterator[Article]:
    """Articles of the given files and folders (folders walked like the archive),
    in the order given; what is not an article goes to `on_skip(path, reason)`."""
    for path in paths:
        if path.is_dir():
            def skip(rel: str, why: str, folder: Path = path) -> None:
                on_skip(str(folder / rel), why)

            for f in iter_archive(path, on_skip=skip):
                try:
                    yield parse_file(f.abspath, path)
                except NotAnArticle as e:
                    on_skip(f.abspath, e.reason)
        elif path.exists():
            try:
                yield parse_file(path, path.parent)
            except NotAnArticle as e:
                on_skip(str(path), e.reason)
        else:
            on_skip(str(path), "no such file or folder")


def read_article(root: Path | str, relpath: str) -> tuple[Article, str]:
    """(article, content_hash) of ``root/relpath``, reading the file once."""
    data = _read(root, relpath)
    return parse_bytes(data, relpath), content_hash(data)


def _read(root: Path | str, relpath: str) -> bytes:
    """The bytes of ``root/relpath``; NotAnArticle if too large or unreadable."""
    try:
        with open(os.path.join(root, relpath), "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:
                raise NotAnArticle(relpath, f"file too large ({size / 1e6:.0f} MB; an article page "
                                            f"is at most {MAX_BYTES // 1_000_000} MB)")
            data = fh.read()
    except OSError as exc:
        raise NotAnArticle(relpath, f"cannot read: {exc.strerror or exc}") from None
    return data
