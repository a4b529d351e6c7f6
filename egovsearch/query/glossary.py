"""The bilingual glossary behind ``--cross-language``: German <-> English eGovernment terms.

The file format (the shipped ``egovsearch/data/glossary.tsv`` and a user's own
``--glossary FILE``): UTF-8 text, one entry per line, ``german<TAB>english``;
either side may list several terms separated by ``|`` (each German term of the
line translates to each English one, and back); ``#`` starts a comment (the
rest of the line is ignored); blank lines are ignored. A line that is not of
that form is an error naming the file and the line (`GlossaryError`).

Entries are matched as the index analyses text (``engine.analysis``): each word
of a term is folded and stemmed in the term's language, so Verwaltungen meets
Verwaltung, Behoerden meets Behörde and municipalities meets municipality; a
stop word inside a term (Bundesministerium *des* Innern) is matched as typed,
folded. A German word that is no entry but a compound of two entries
(Datenschutz|gesetz, Verwaltungs|portal: a linking -s-, -es-, -n-, -en- or -e-
allowed) is translated as the phrase of their translations ("data protection
act").

Loading stays cheap: reading and checking the lines is done at once (~1 ms), but
an entry is stemmed only when a query word of its first two folded letters is
looked up (stemming all ~1,000 terms would cost ~25 ms of every -x query).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from egovsearch.core.errors import GlossaryError, shown
from egovsearch.core.textfold import fold, fold_variants
from egovsearch.engine.analysis import WORD_RE, analysis

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "glossary.tsv"
PER_TERM = 6  # translations per word or phrase (compile.MAX_TRANSLATIONS bounds a whole query)
_HYPHENS = re.compile(r"[-\u2010\u2011]")
LINKS = ("s", "es", "n", "en", "e", "")  # linking elements of a German compound's modifier, longest tried first
MIN_PART = 3  # letters of each part of a compound the glossary splits

Entry = tuple[str, str]  # (German term, English term)
Key = tuple[str, ...]


def _folded(lang: str, word: str) -> str:
    """A word folded as its language's analysis folds it (German: the fully
    folded variant, Behoerde -> behorde), hyphens dropped."""
    joined = _HYPHENS.sub("", word)
    return fold_variants(joined)[-1] if lang == "de" else fold(joined)


def word_key(lang: str, word: str) -> str:
    """A word as the glossary matches it: its index term in `lang` (folded,
    stemmed); a stop word or single letter, which has no term, as typed, folded."""
    terms = analysis(lang).query_terms(word)
    return terms[-1] if terms else "~" + _folded(lang, word)


def _bucket(lang: str, word: str) -> str:
    """The first two letters of the folded word: entries are stemmed a bucket at
    a time. (Folding is letter by letter and a digraph ae/oe/ue is two letters,
    so the first few letters decide the first two; this runs for every term
    when a glossary loads, hence the ASCII path without `fold`.)"""
    w = word[:6].lower()
    if not w.isascii():
        w = _HYPHENS.sub("", fold(w))
    elif "-" in w:
        w = w.replace("-", "")
    if lang == "de":
        w = w.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return w[:2]


class Glossary:
    """The entries of the shipped file and the user's, looked up in either direction."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        # lang of the looked-up term -> bucket -> (term, translation) pairs not stemmed yet
        self._pending: dict[str, dict[str, list[tuple[str, str]]]] = {"de": {}, "en": {}}
        # lang -> bucket -> key -> translations (in the order of the file)
        self._index: dict[str, dict[str, dict[Key, list[str]]]] = {"de": {}, "en": {}}
        pending_de, pending_en = self._pending["de"], self._pending["en"]
        for de, en in entries:
            first = WORD_RE.search(de)
            assert first is not None  # (parse_entries: every term has a word)
            pending_de.setdefault(_bucket("de", first.group()), []).append((de, en))
            first = WORD_RE.search(en)
            assert first is not None
            pending_en.setdefault(_bucket("en", first.group()), []).append((en, de))

    def _entries(self, lang: str, bucket: str) -> dict[Key, list[str]]:
        found = self._index[lang].get(bucket)
        if found is None:
            found = self._index[lang][bucket] = {}
            for term, translation in self._pending[lang].get(bucket, ()):
                kept = found.setdefault(tuple(word_key(lang, w) for w in WORD_RE.findall(term)), [])
                if translation not in kept:
                    kept.append(translation)
        return found

    def keys(self, lang: str) -> set[Key]:
        """Every distinct entry of `lang` as matched (stems every entry)."""
        return {key for bucket in self._pending[lang] for key in self._entries(lang, bucket)}

    def translations(self, lang: str, words: Sequence[str]) -> tuple[str, ...]:
        """The translations of exactly these words (a word, or a phrase's words) of
        `lang`; a German word that is no entry may be a compound of two."""
        if not words:
            return ()
        found = self._entries(lang, _bucket(lang, words[0])).get(tuple(word_key(lang, w) for w in words))
        if found:
            return tuple(found[:PER_TERM])
        if lang == "de" and len(words) == 1:
            return self.compound(words[0])
        return ()

    def longest(self, lang: str, words: Sequence[str]) -> tuple[int, tuple[str, ...]]:
        """The longest entry of at least two words that the first of `words` begin:
        (how many words it spans, its translations); (0, ()) when there is none."""
        if len(words) < 2:
            return 0, ()
        entries = self._entries(lang, _bucket(lang, words[0]))
        keys = [word_key(lang, w) for w in words]
        for end in range(len(keys), 1, -1):
            found = entries.get(tuple(keys[:end]))
            if found:
                return end, tuple(found[:PER_TERM])
        return 0, ()

    def compound(self, word: str) -> tuple[str, ...]:
        """A German compound of two single-word entries (the longest modifier
        first): the phrases of the modifier's and the head's translations."""
        folded = _folded("de", word)
        if not folded.isalpha() or len(folded) < 2 * MIN_PART:
            return ()
        for cut in range(len(folded) - MIN_PART, MIN_PART - 1, -1):
            head = self._single("de", folded[cut:])
            if not head:
                continue
            modifier_with_link = folded[:cut]
            for link in LINKS:
                if not modifier_with_link.endswith(link) or len(modifier_with_link) - len(link) < MIN_PART:
                    continue
                modifier = self._single("de", modifier_with_link[: len(modifier_with_link) - len(link)])
                if modifier:
                    phrases = [f"{m} {h}" for h in head for m in modifier]
                    return tuple(dict.fromkeys(phrases))[:PER_TERM]
        return ()

    def _single(self, lang: str, word: str) -> list[str]:
        return self._entries(lang, _bucket(lang, word)).get((word_key(lang, word),), [])


def parse_entries(text: str, name: str) -> list[Entry]:
    """The (German, English) pairs of a glossary file's text; `name` names the
    file in a GlossaryError."""
    entries: list[Entry] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip(" \r\ufeff")
        if not line.strip():
            continue
        sides = [s.strip() for s in line.split("\t") if s.strip()]
        if len(sides) != 2:
            why = ("no tab between the German and the English side" if len(sides) < 2
                   else f"{len(sides)} tab-separated parts; an entry is german<TAB>english")
            raise GlossaryError(name, number, why)
        de_terms, en_terms = sides[0].split("|"), sides[1].split("|")
        for terms in (de_terms, en_terms):
            for i, term in enumerate(terms):
                term = terms[i] = term.strip()
                if not term:
                    raise GlossaryError(name, number, "an empty term ('|' at an end, or '||')")
                if not WORD_RE.search(term):
                    raise GlossaryError(name, number, f"'{shown(term, 30)}' has no word in it")
        entries += [(de, en) for de in de_terms for en in en_terms]
    return entries


def read_entries(path: Path | str) -> list[Entry]:
    """The entries of a glossary file. Raises GlossaryError (missing,
    unreadable, not UTF-8, a malformed line)."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise GlossaryError(name, None, "no such file") from None
    except IsADirectoryError:
        raise GlossaryError(name, None, "is a directory, not a file") from None
    except OSError as e:
        raise GlossaryError(name, None, f"cannot read it ({e.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        number = data.count(b"\n", 0, e.start) + 1
        raise GlossaryError(name, number, "not UTF-8 text") from None
    return parse_entries(text, name)


# Glossaries of this process by (file, its size and mtime) of the user's file: a
# --stdin batch or a Session loads once; a changed file is read again.
_LOADED: dict[tuple[object, ...], Glossary] = {}


def load(user: str | None = None) -> Glossary:
    """The shipped glossary plus the entries of the user's file `user` (a path;
    None: none). Raises GlossaryError for the user's file."""
    key: tuple[object, ...] = ()
    if user is not None:
        try:
            st = os.stat(user)
            key = (os.path.abspath(user), st.st_size, st.st_mtime_ns)
        except OSError:
            read_entries(user)  # raises, saying what is wrong
            raise GlossaryError(user, None, "cannot read it") from None
    found = _LOADED.get(key)
    if found is None:
        entries = read_entries(SHIPPED)
        if user is not None:
            entries += read_entries(user)
        if len(_LOADED) >= 16:
            _LOADED.clear()
        found = _LOADED[key] = Glossary(entries)
    return found
