"""The archive's vocabularies: folded word forms with document frequency, per language.

One file per language in the index directory, ``vocab-<lang>.tsv``, in one
format, read and written only here::

    # egovsearch vocabulary v2 words=<n> adler32=<8 hex digits>
    <word><TAB><document frequency>
    ...                                  (sorted by word, one "\\n" after each)

The checksum covers everything after the header line, so a garbled file is
found when it is read (``IndexDamaged`` naming it), by ``egovsearch doctor``,
and by the next ``egovsearch index``, which rebuilds it. (Adler-32: ~1 ms on
the 4 MB German vocabulary of 100,000 articles, about half of CRC-32.)

Written by the indexer (counts only grow between rebuilds: a removed
article's words stay, harmless: an expansion that matches nothing finds
nothing); read for German compound expansion (``compounds``) and for "Did
you mean" suggestions. Standard library only.
"""

from __future__ import annotations

import os
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from egovsearch.core.errors import IndexDamaged
from egovsearch.core.files import write_atomic
from egovsearch.core.textfold import fold, fold_variants

HEADER = "# egovsearch vocabulary v2"
_HEADER_RE = re.compile(r"# egovsearch vocabulary v2 words=(\d+) adler32=([0-9a-f]{8})")
# Words that are never compound parts (compounds.MIN_PART): in-memory
# vocabularies built with from_counts leave them out by default.
SHORTEST = 4
# Letters only (no digits or underscores), at least three of them.
_WORD = re.compile(r"[^\W\d_]{3,}")


class VocabularyError(ValueError):
    """A file that is not a vocabulary file (no header)."""


def _garbled(path: Path, why: str) -> IndexDamaged:
    return IndexDamaged(str(Path(path).parent), f"{Path(path).name} is garbled: {why}; 'egovsearch index' rebuilds it")


def words(text: str, lang: str) -> set[str]:
    """The distinct folded word forms of a text (hyphenated words give their parts).

    German forms are folded fully (Buerger, Bürger -> burger) like the German
    index terms; English ones only lose accents, so suggestions stay real words.
    """
    distinct = set(_WORD.findall(text))  # fold each form once
    if lang == "de":
        return {fold_variants(w)[-1] for w in distinct}
    return {fold(w) for w in distinct}


class Vocabulary:
    """Folded word forms with document frequencies, searchable by substring.

    Speed: held as one sorted, newline-joined string. A substring is found
    with ``str.find`` (C speed), only the hits are looked at in Python; "is
    this a word" is a binary search over the same string, so loading costs one
    file read and no per-word Python objects.
    """

    __slots__ = ("_text", "_size")

    def __init__(self, text: str, size: int) -> None:
        # `text` is "\n" + "word\tdf\n" per word, sorted by word: one string so that
        # a substring scan is a single str.find and membership a binary search.
        self._text = text
        self._size = size

    # -- building -------------------------------------------------------------
    @classmethod
    def from_counts(cls, counts: Mapping[str, int], *, shortest: int = SHORTEST) -> Vocabulary:
        """From word -> document frequency (words folded, textfold.fold); words
        shorter than `shortest` or holding whitespace are left out."""
        items = sorted((w, n) for w, n in counts.items()
                       if len(w) >= shortest and n > 0 and not any(c.isspace() for c in w))
        text = "\n" + "".join(f"{w}\t{n}\n" for w, n in items)
        return cls(text, len(items))

    @classmethod
    def from_words(cls, words: Iterable[str]) -> Vocabulary:
        """From a stream of words; each occurrence counts 1 (feed one set per document for df)."""
        return cls.from_counts(Counter(words))

    @classmethod
    def read(cls, path: Path) -> Vocabulary:
        """Read a vocabulary file.

        Raises:
            OSError: it cannot be read (FileNotFoundError: there is none).
            VocabularyError: it is not a vocabulary file (no header).
            IndexDamaged: it is one, garbled (naming it and its directory).
        """
        data = Path(path).read_bytes()
        head, sep, body = data.partition(b"\n")
        m = _HEADER_RE.fullmatch(head.decode("ascii", "replace"))
        if m is None or not sep:
            raise VocabularyError(f"{Path(path).name} is not an egovsearch vocabulary file")
        if f"{zlib.adler32(body):08x}" != m.group(2):
            raise _garbled(path, "its checksum does not match")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as e:  # (only with a checksum that matches by chance)
            raise _garbled(path, str(e)) from None
        if text.count("\n") != int(m.group(1)) or (text and not text.endswith("\n")):
            raise _garbled(path, f"not {m.group(1)} lines")
        return cls("\n" + text, int(m.group(1)))

    def save(self, path: Path) -> None:
        """Write in the file format above, atomically."""
        body = self._text[1:].encode("utf-8")
        header = f"{HEADER} words={self._size} adler32={zlib.adler32(body):08x}\n"
        write_atomic(path, header.encode("ascii") + body)

    # -- lookups --------------------------------------------------------------
    def __len__(self) -> int:
        return self._size

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.count(word) > 0

    def count(self, word: str) -> int:
        """Document frequency of `word` (0 if absent), by binary search over the sorted text."""
        # Lines are "word<TAB>df"; TAB sorts below every letter, so comparing a line's
        # first len(word)+1 characters with "word<TAB>" orders lines like their words.
        t = self._text
        key = word + "\t"
        n = len(key)
        lo, hi = 0, len(t) - 1  # both always at a "\n"; t[-1] is the closing "\n"
        rfind, find = t.rfind, t.find
        while lo < hi:
            mid = (lo + hi) // 2
            p = rfind("\n", lo, mid + 1) + 1  # start of the line holding `mid`
            cur = t[p : p + n]
            if cur == key:
                return int(t[p + n : find("\n", p)])
            if cur < key:
                lo = find("\n", p)
            else:
                hi = p - 1
        return 0

    def containing(self, part: str) -> Iterable[tuple[str, int]]:
        """Every (word, df) whose word contains `part`; one C-speed scan of the text."""
        t = self._text
        find, rfind = t.find, t.rfind
        i = find(part)
        while i >= 0:
            start = rfind("\n", 0, i) + 1
            tab = find("\t", start)
            end = find("\n", tab)
            if i + len(part) <= tab:  # not a hit inside the df digits
                yield t[start:tab], int(t[tab + 1 : end])
            i = find(part, end)

    def matching(self, pattern: str) -> Iterator[str]:
        """Every word matching a wildcard pattern (``*`` any letters, ``?`` one),
        in sorted order; one C-speed regular-expression scan of the text."""
        body = "".join("[^\t\n]*" if c == "*" else "[^\t\n]" if c == "?" else re.escape(c) for c in pattern)
        for m in re.finditer(f"\n({body})\t", self._text):
            yield m.group(1)

    def items(self) -> Iterator[tuple[str, int]]:
        """Every (word, df), sorted by word."""
        for line in self._text.split("\n"):
            if line:
                word, _, n = line.partition("\t")
                yield word, int(n)

    def words(self) -> list[str]:
        """All words, sorted (for tests and tools; not for the query hot path)."""
        return [line.partition("\t")[0] for line in self._text.split("\n") if line]


def path_for(index_dir: Path, lang: str) -> Path:
    """The vocabulary file of `lang` in an index directory."""
    return Path(index_dir) / f"vocab-{lang}.tsv"


def load_vocabulary(index_dir: Path, lang: str) -> Vocabulary:
    """The vocabulary of `lang` of the index at `index_dir`; empty when there is none.

    Raises:
        IndexDamaged: the file is there but garbled (or not a vocabulary file),
            naming it; the next ``egovsearch index`` rebuilds it.
    """
    path = path_for(index_dir, lang)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return Vocabulary.from_counts({})
    # One read (and checksum) per file version and process: a query reads
    # the German vocabulary for compounds and wildcards, "Did you mean" both,
    # and a --stdin batch would read them again for every line.
    key = (str(path), st.st_mtime_ns, st.st_size)
    cached = _LOADED.get(key)
    if cached is not None:
        return cached
    try:
        vocab = Vocabulary.read(path)
    except FileNotFoundError:
        return Vocabulary.from_counts({})
    except VocabularyError:
        raise _garbled(path, "no vocabulary header") from None
    _LOADED[key] = vocab
    return vocab


_LOADED: dict[tuple[str, int, int], Vocabulary] = {}


def check(index_dir: Path, lang: str) -> str | None:
    """Why the vocabulary file of `lang` needs a rebuild ("missing", "garbled..."), or None."""
    try:
        Vocabulary.read(path_for(index_dir, lang))
    except FileNotFoundError:
        return "missing"
    except VocabularyError:
        return "no vocabulary header"
    except IndexDamaged as e:
        return e.detail
    except OSError as e:
        return f"unreadable ({e.strerror})"
    return None


def write_vocabulary(path: Path, counts: Mapping[str, int]) -> None:
    """Save word -> document frequency as a vocabulary file, every word kept (atomic)."""
    Vocabulary.from_counts(counts, shortest=1).save(path)


def update(index_dir: Path, lang: str, counts: Counter[str], *, replace: bool = False) -> None:
    """Add `counts` to the stored vocabulary (or replace it), atomically."""
    if not counts and not replace:
        return
    merged = Counter() if replace else Counter(dict(load_vocabulary(index_dir, lang).items()))
    merged.update(counts)
    write_vocabulary(path_for(index_dir, lang), merged)
