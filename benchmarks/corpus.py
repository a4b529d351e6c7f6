"""Synthetic archive generator: realistic eGovernment news pages, deterministic for a seed.

The pages follow the layout of the bundled seed (visitor counters, crawl line with a
non-breaking space, slogan, paragraphs, source line, footer, no final newline) and the
variants listed in ARCHIVE-FORMAT.md, in small proportions. About 40% are German.

Text is drawn from a Zipf-distributed vocabulary per language: real function words and
eGovernment terms at the head, ~30,000 synthetic words in the tail, so an index built
over it has a realistic vocabulary size and posting-list shape. For speed (100,000 pages
in a few seconds, one process) the words are drawn once into a token stream per
language and every sentence is a window at a random offset into that stream; the
per-document term statistics stay Zipfian, sentences are shared fragments, not copies
of whole articles.

The phrase "shared services" appears (lowercase, inside a sentence) in a known set of
English pages and nowhere else, so phrase queries have hits and their count is known.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# Fixed, not date.today(): the corpus must be the same bytes whenever it is generated.
FIRST_DATE = date(2001, 1, 1)
LAST_DATE = date(2026, 11, 27)

PHRASE = "shared services"
SLOGAN = "eGovernment Forschung seit 2001 | eGovernment Research since 2001"
FOOTER = "Bitte besuchen Sie/Please visit:\n\nGo to top"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Share of pages per variant. Each page draws each variant independently.
P_GERMAN = 0.40
P_PHRASE = 0.04  # English pages that mention "shared services"
P_BOM = 0.03
P_CP1252 = 0.03
P_CRLF = 0.04
P_NO_SOURCE_LINE = 0.02
P_NO_DATE = 0.03  # source line without a date
P_STRAY_MARKUP = 0.01  # "&amp;", "<br />", "[bold]" left by the scraper
LABELS = (("Quelle/Source:", 0.84), ("Quelle:", 0.08), ("Source:", 0.08))
DATE_FORMS = (("dd.mm.yyyy", 0.85), ("d.m.yyyy", 0.05), ("dd.mm.yy", 0.05), ("iso", 0.05))

VOCAB_SIZE = 30_000  # words per language, function words and terms included
ZIPF_S = 1.07
ZIPF_Q = 2.7  # Zipf-Mandelbrot offset: flattens the very head a little


def _words(text: str) -> list[str]:
    """Whitespace-separated words: long word lists read better as one string."""
    return text.split()


EN_FUNCTION = _words(
    "the of and to in a is that for it as was with be by on not he this are or his from at "
    "which but have an had they you were their one all we can her has there been if more when "
    "will would who so no said also its new its into than other some could these two may "
    "first after most over such only our under should between through about year years"
)
EN_TERMS = _words(
    "public sector government council citizens digital services online data local authority "
    "authorities ministry portal cloud broadband e-government interoperability procurement "
    "strategy agency department minister budget savings network security identity platform "
    "open infrastructure transformation innovation federal national European Commission report "
    "project pilot modernisation technology IT software systems users access information "
    "administration health police schools tax electronic records transparency policy "
    "framework programme citizen-centric e-services e-ID websites applications survey "
    "officials parliament regulation legislation funding contract suppliers"
)
DE_FUNCTION = _words(
    "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es "
    "an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so "
    "zum war haben nur oder aber vor zur bis mehr durch man sein wurde sei können soll sowie "
    "bereits damit künftig dabei jedoch rund laut heißt"
)
DE_TERMS = _words(
    "Verwaltung Digitalisierung Verwaltungsdigitalisierung Bürgerportal E-Government "
    "Open-Data-Portal Kommunen Behörden Bundesregierung Onlinezugangsgesetz Bürgerinnen Bürger "
    "Landesregierung Rechenzentrum Datenschutz IT-Sicherheit Breitbandausbau Ministerium "
    "Stadtverwaltung Landkreis Gemeinde Registermodernisierung Digitalstrategie Plattform "
    "Dienstleistungen Verwaltungsleistungen Förderprogramm Straßenverkehrsamt Personalausweis "
    "Führerschein Gesundheitsämter Schulen Bundesländer Projekt Millionen Euro digitale "
    "elektronische öffentliche Nutzerinnen Nutzer Anwendungen Schnittstellen Cloud Software "
    "Staatssekretär Ministerpräsident Beschaffung Vergabe Haushalt Gesetz Verordnung "
    "Bürgerservice Kommunalverwaltung Fachverfahren Servicekonto E-Akte Modernisierung"
)

EN_SOURCES = (
    "Public Service",
    "GovTech",
    "Government Computing",
    "Computer Weekly",
    "UKAuthority",
    "The Register",
    "ZDNet",
    "Government Technology",
    "FCW",
    "Nextgov",
    "FutureGov",
    "Computerworld",
    "Public Technology",
    "Kable",
    "eGov Innovation",
    "OpenGov Asia",
    "Guardian Public",
    "BBC News",
    "Silicon Republic",
    "ITWeb",
    "Euractiv",
    "Joinup",
    "Government News",
    "iTnews",
    "CIO",
    "StateScoop",
    "Techworld",
    "Governing",
)
DE_SOURCES = (
    "Heise Online",
    "Behörden Spiegel",
    "Computerwoche",
    "Kommune21",
    "eGovernment Computing",
    "Tagesspiegel Background",
    "Golem",
    "Netzpolitik.org",
    "Silicon.de",
    "Der Standard",
    "NZZ",
    "Handelsblatt",
    "Süddeutsche Zeitung",
    "FAZ",
    "Die Welt",
    "Der Spiegel",
    "Staatsanzeiger",
    "Stuttgarter Zeitung",
    "Österreichische Verwaltung",
    "Inside IT",
    "Netzwoche",
    "Kommunal",
    "Der Gemeinderat",
    "Weser-Kurier",
)
N_SOURCES = 300

DE_CHARSET_PROBE = "äöüßÄÖÜ\u00a0"  # all of these must survive cp1252


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What the generator put into one page: the expected result of parsing it."""

    path: str  # relative to the archive root, '/'-separated
    language: str  # "de" | "en"
    source: str | None
    published: date | None
    crawled: date
    has_phrase: bool
    encoding: str  # "utf-8" | "utf-8-sig" | "cp1252"
    crlf: bool


@dataclass(frozen=True, slots=True)
class CorpusSummary:
    """The pages written by `generate`, in order."""

    pages: tuple[PageInfo, ...]
    bytes: int

    @property
    def phrase_pages(self) -> int:
        """How many pages contain "shared services"."""
        return sum(p.has_phrase for p in self.pages)


def _syllable_words(
    rng: random.Random,
    onsets: list[str],
    vowels: list[str],
    codas: list[str],
    suffixes: list[str],
    n: int,
    taken: set[str],
) -> list[str]:
    """`n` distinct pronounceable synthetic words, none of them in `taken`."""
    out: list[str] = []
    while len(out) < n:
        k = rng.choice((1, 1, 2, 2, 2, 2, 3))
        w = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(k))
        if rng.random() < 0.25:
            w += rng.choice(suffixes)
        if w not in taken and len(w) > 2:
            taken.add(w)
            out.append(w)
    return out


def _vocabulary(rng: random.Random, language: str) -> list[str]:
    """VOCAB_SIZE words ordered by rank: function words, then terms mixed into the head of the tail."""
    if language == "en":
        head, terms = list(dict.fromkeys(EN_FUNCTION)), EN_TERMS
        onsets = _words("b c d f g h k l m n p r s t v w br cr dr gr pr st tr ch th pl cl sl fl sp")
        vowels = _words("a e i o u ea ou ai ee oo ie")
        codas = ["", "", "", "", "n", "r", "s", "t", "l", "nd", "st", "ng", "ck", "rt", "m"]
        suffixes = _words("ing ed s tion ment ly er al ity ness")
    else:
        head, terms = list(dict.fromkeys(DE_FUNCTION)), DE_TERMS
        onsets = _words("b d f g h k l m n p r s t w z br dr gr kr pr st tr sch sp pf fl kl")
        vowels = _words("a e i o u ä ö ü ei au ie eu")
        codas = ["", "", "", "", "n", "r", "s", "t", "l", "nd", "ng", "cht", "rn", "tz", "ck", "ß"]
        suffixes = _words("ung en er heit keit lich isch schaft ern")
    taken = set(head) | set(terms) | {"shared", "share", "shares", "sharing", "services", "service"}
    tail = _syllable_words(rng, onsets, vowels, codas, suffixes, VOCAB_SIZE - len(head) - len(terms), taken)
    if language == "de":
        # German nouns are capitalised; long compounds are a German hallmark.
        for i, w in enumerate(tail):
            r = rng.random()
            if r < 0.12:
                tail[i] = (w + rng.choice(tail[:4000]) + rng.choice(("ung", "s", "", "en"))).capitalize()
            elif r < 0.45:
                tail[i] = w.capitalize()
    # Terms go at ranks ~100..1,300 among common tail words, as in a domain news corpus.
    ranked = head + tail[:40]
    step = 1200 // len(terms)
    rest = iter(tail[40:])
    for term in terms:
        ranked.append(term)
        ranked.extend(itertools.islice(rest, step))
    ranked.extend(rest)
    return ranked


def _token_stream(rng: random.Random, vocab: list[str], size: int) -> list[str]:
    """`size` words drawn from a Zipf-Mandelbrot distribution over `vocab` (by rank)."""
    weights = [1.0 / (rank + ZIPF_Q) ** ZIPF_S for rank in range(len(vocab))]
    return rng.choices(vocab, cum_weights=list(itertools.accumulate(weights)), k=size)


def _sources(rng: random.Random) -> tuple[list[str], list[str]]:
    """~300 publication names per language group, real names at the head of a long tail."""
    en_words = _words("Digital Public Civic Tech Gov City County State Policy Data Cloud Network Daily")
    en_kinds = _words("Times Review Report Journal Insider Today Weekly Monitor Wire Post")
    de_words = _words("Digital Kommunal Verwaltung Stadt Land Bürger Netz Daten Staat Rhein Nord Süd")
    de_kinds = _words("Zeitung Anzeiger Rundschau Kurier Journal Magazin Blatt Nachrichten Report Spiegel")
    en = list(EN_SOURCES)
    de = list(DE_SOURCES)
    names = set(en) | set(de)
    while len(en) + len(de) < N_SOURCES:
        german = len(de) < len(en) * 0.7
        words, kinds = (de_words, de_kinds) if german else (en_words, en_kinds)
        name = f"{rng.choice(words)} {rng.choice(kinds)}"
        if rng.random() < 0.3:
            name = f"{rng.choice(words)}{rng.choice(words).lower()} {rng.choice(kinds)}"
        if name not in names:
            names.add(name)
            (de if german else en).append(name)
    return en, de


def _format_date(d: date, form: str) -> str:
    if form == "d.m.yyyy":
        return f"{d.day}.{d.month}.{d.year}"
    if form == "dd.mm.yy":
        return f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}"
    if form == "iso":
        return d.isoformat()
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    r = rng.random()
    for value, p in table:
        if r < p:
            return value
        r -= p
    return table[0][0]


def generate(n: int, out_dir: str | os.PathLike[str], seed: int = 0) -> CorpusSummary:
    """Write `n` archive pages under `out_dir` (created) and describe what was written.

    The same `n` and `seed` give the same bytes. Files are named `NNN_<16 hex>.txt` (a
    running number and a hash of the content) in year folders, some in year/month
    folders and some at the top level.
    """
    rng = random.Random(seed)
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    vocab = {"en": _vocabulary(rng, "en"), "de": _vocabulary(rng, "de")}
    stream_size = min(max(n * 40, 20_000), 4_000_000)
    streams = {lang: _token_stream(rng, vocab[lang], stream_size) for lang in ("en", "de")}
    en_sources, de_sources = _sources(rng)
    source_cw = {
        lang: list(itertools.accumulate(1.0 / (r + 1.5) ** 1.1 for r in range(len(names))))
        for lang, names in (("en", en_sources), ("de", de_sources))
    }
    source_names = {"en": en_sources, "de": de_sources}
    span = (LAST_DATE - FIRST_DATE).days
    made_dirs: set[Path] = set()
    pages: list[PageInfo] = []
    total_bytes = 0
    visits = 39_000_000
    rnd = rng.random

    for i in range(n):
        lang = "de" if rng.random() < P_GERMAN else "en"
        stream = streams[lang]
        terms = DE_TERMS if lang == "de" else EN_TERMS
        # More articles in later years, as the archive grew.
        published = FIRST_DATE + timedelta(days=int(span * rng.random() ** 0.8))
        crawled = published + timedelta(days=int((LAST_DATE - published).days * rng.random() ** 0.3))

        # Body: 200..600 words (mode ~320) in 3..10 paragraphs of 6..28-word sentences.
        target = int(rng.triangular(200, 600, 320))
        n_par = rng.randint(3, 10)
        sentences: list[str] = []
        words = 0
        # rnd() arithmetic instead of randint/choice: this loop is the generator's hot spot.
        while words < target:
            length = 6 + int(rnd() * 23)
            start = int(rnd() * (stream_size - length))
            toks = stream[start : start + length]
            if rnd() < 0.5:
                toks[1 + int(rnd() * (length - 1))] = terms[int(rnd() * len(terms))]
            s = " ".join(toks)
            sentences.append(s[0].upper() + s[1:] + ".")
            words += length
        has_phrase = lang == "en" and rng.random() < P_PHRASE
        if has_phrase:
            k = rng.randrange(len(sentences))
            sentences[k] = sentences[k][:-1] + f" and {PHRASE} for the {rng.choice(terms)}."
        if rng.random() < P_STRAY_MARKUP:
            k = rng.randrange(len(sentences))
            sentences[k] = sentences[k][:-1] + rng.choice(
                (" &amp; more.", " <br /> ", " [bold]note[/bold].", " &nbsp;")
            )
        n_par = min(n_par, len(sentences))
        cuts = sorted(rng.sample(range(1, len(sentences)), n_par - 1)) if n_par > 1 else []
        paragraphs = [" ".join(sentences[a:b]) for a, b in zip([0, *cuts], [*cuts, len(sentences)], strict=True)]

        # Source line and its variants.
        names = source_names[lang]
        source: str | None = rng.choices(names, cum_weights=source_cw[lang])[0]
        pub_expected: date | None = published
        if rng.random() < P_NO_SOURCE_LINE:
            source, pub_expected, source_line = None, None, ""
        else:
            label = _pick(rng, LABELS)
            if rng.random() < P_NO_DATE:
                pub_expected = None
                source_line = f"{label} {source}\n\n"
            else:
                source_line = f"{label} {source}, {_format_date(published, _pick(rng, DATE_FORMS))}\n\n"

        visits += rng.randint(300, 3000)
        text = (
            f"Today {rng.randint(300, 3000)}\n\nYesterday {rng.randint(300, 3000)}\n\nAll {visits}\n\n"
            f"{WEEKDAYS[crawled.weekday()]},\u00a0{crawled.day:02d}.{crawled.month:02d}.{crawled.year}\n"
            f"{SLOGAN}\n" + "\n\n".join(paragraphs) + "\n\n\n" + source_line + FOOTER
        )
        crlf = rng.random() < P_CRLF
        if crlf:
            text = text.replace("\n", "\r\n")
        r = rng.random()
        encoding = "utf-8-sig" if r < P_BOM else "cp1252" if r < P_BOM + P_CP1252 else "utf-8"
        data = text.encode(encoding)

        r = rng.random()
        if r < 0.10:
            folder = root
        elif r < 0.25:
            folder = root / str(crawled.year if pub_expected is None else published.year) / f"{published.month:02d}"
        else:
            folder = root / str(crawled.year if pub_expected is None else published.year)
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        name = f"{i:03d}_{hashlib.blake2b(data, digest_size=8).hexdigest()}.txt"
        with open(folder / name, "wb") as fh:
            fh.write(data)
        total_bytes += len(data)
        pages.append(
            PageInfo(
                (folder / name).relative_to(root).as_posix(),
                lang,
                source,
                pub_expected,
                crawled,
                has_phrase,
                encoding,
                crlf,
            )
        )
    return CorpusSummary(tuple(pages), total_bytes)
