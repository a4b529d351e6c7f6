"""Near-copy detection on a generated archive with known copies (issue 18).

    python benchmarks/copies.py [--stories 2000] [--seed 0] [--work DIR] [--json OUT]
                                [--simulate] [--probes] [--python PATH]

1. **Archive** (`generate`): `--stories` original stories, German (~40%) and English,
   150-800 words in paragraphs, written like the real pages (counters, crawl line, slogan,
   text, `Quelle/Source:` line, footer; corpus.py's label and date forms, some CRLF, BOM and
   cp1252 pages). Text is eGovernment-news-like: sentence templates filled from a topic
   (agency, person, place, project, terms, quotes, an "about" boilerplate paragraph) mixed
   with sentences drawn from corpus.py's Zipf vocabulary, so two stories on one topic share
   names, terms and phrases but not their text. For a share of the stories, 1-6 **wire
   copies** at other publications 1-6 days later, each lightly edited from the original
   (`_edit`): words replaced, inserted or deleted, the lead ("title") changed, a sentence
   dropped or added, two paragraphs swapped, an agency line added, or nothing (verbatim).
   How much is edited is planned per copy against a resemblance drawn from 0.81..0.96 with
   a cost model of 5-word shingles (a word edit costs ~5 shingles each side, a dropped
   sentence its length + 4, ...), so a short article gets fewer edits than a long one; the
   true resemblance is computed afterwards and reported, not assumed.
   **Hard negatives**, which must not be folded: a *same-subject* article (same topic,
   same entities, one or two quoted sentences and the boilerplate paragraph of the story,
   its own text otherwise) and an *update* (a large rewrite: the lead and some sentences
   kept, the rest new; resemblance well below 0.8).
   Ground truth goes to `<archive>.truth.json`: every article with its kind, story, and
   for a copy its original; the resemblance (core.copies.shingles / resemblance over the
   parsed body) of every copy and every negative to its original.
2. **Measure**: `egovsearch index` (a subprocess, timed), then the clusters from
   `open_reader(index).copies()`; pair precision = pairs inside a cluster that are of one
   story / all pairs inside a cluster, pair recall = pairs of one story inside one cluster /
   all pairs of one story (an original and its copies, copies among themselves included);
   hard negatives folded = negatives in a cluster with a member of their story.
   `--simulate` computes the clusters in this process with core.copies alone (shingles,
   bands, candidates, exact check, `cluster`) instead of building an index: the algorithm
   without the writer (with an index build, both are computed and compared).
3. **Probes** (`--probes`): hand-made cases where the clustering may be wrong (very short
   items, mostly a shared quote, boilerplate-heavy releases, German compounds and
   transliterated umlauts, mojibake, undated copies, a copy dated before its original,
   same-day copies, teasers, copies of copies, ...), each with what a reader would expect
   and what the clustering did.

Deterministic for a seed (the same bytes, the same truth). The build-time and index-size
cost is measured with compare.py (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import itertools
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package

from benchmarks import corpus as C
from egovsearch.core import copies as K
from egovsearch.core.archive import parse_bytes
from egovsearch.core.errors import NotAnArticle
from egovsearch.core.textfold import fold

# Shares of stories (each drawn independently).
P_COPIES = 0.5  # stories with 1..6 wire copies
COPY_COUNTS = (1, 2, 3, 4, 5, 6)
COPY_WEIGHTS = (35, 25, 15, 10, 8, 7)
P_SAME_SUBJECT = 0.2  # stories with a different article on the same subject
P_UPDATE = 0.1  # stories with a large rewrite
P_ABOUT = 0.35  # stories ending with the agency's "about" boilerplate paragraph
P_VERBATIM = 0.05  # copies with the original's text unchanged
TARGET = (0.81, 0.96)  # planned resemblance of a copy to its original (the true one is ~0.015 higher)
WORDS = (150, 800, 350)  # triangular: low, high, mode
FIRST = date(2005, 1, 1)
LAST = date(2026, 6, 30)

# ---------------------------------------------------------------------------
# Text material
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Topic:
    """What the articles on one subject share: names, terms, quotes, boilerplate."""

    language: str
    agency: str
    person: str
    role: str
    place: str
    project: str
    terms: tuple[str, ...]
    quotes: tuple[str, ...]
    about: str


def _t(language: str, agency: str, person: str, role: str, place: str, project: str, terms: str,
       quotes: Sequence[str], about: str) -> Topic:
    return Topic(language, agency, person, role, place, project, tuple(terms.split("; ")), tuple(quotes), about)


TOPICS = (
    _t("en", "the Government Digital Service", "Sarah Whitfield", "its chief executive", "Manchester",
       "the single sign-on programme", "digital identity; online accounts; identity checks; "
       "the app store for government; secure log-ins",
       ("We want every citizen to be able to prove who they are online once, and then use that for every service.",
        "This is not about a national identity card, it is about making services easier to use.",
        "The lessons from the pilot have been invaluable and we will apply them across government."),
       "The Government Digital Service leads the digital transformation of government, making public "
       "services simpler, better and safer. It sets standards for websites and services, supports "
       "departments with common platforms and publishes its data openly for anyone to reuse."),
    _t("en", "the Crown Purchasing Agency", "Michael Adebayo", "its director of technology", "Liverpool",
       "the cloud framework", "cloud hosting; procurement rules; framework contracts; small suppliers; "
       "software licences",
       ("Buying cloud services should be as simple as buying stationery, and a lot less expensive.",
        "Small and medium-sized suppliers now win more than a third of the business on the framework."),
       "The Crown Purchasing Agency helps the public sector to get the best value from commercial "
       "activity. In the last financial year it managed spend of more than 20 billion pounds on "
       "behalf of central government, councils, schools and the health service."),
    _t("en", "Westshire County Council", "Helen Marsh", "the council's cabinet member for digital", "Westshire",
       "the rural broadband scheme", "broadband coverage; fibre connections; rural areas; "
       "superfast broadband; voucher schemes",
       ("No household should be left behind because of where they live.",
        "We have connected more homes in the last year than in the previous five combined."),
       "Westshire County Council provides services to more than 500,000 residents, including "
       "education, social care, roads and libraries. Its digital programme aims to make every "
       "council service available online by the end of the decade."),
    _t("en", "the National Cyber Security Office", "David Okafor", "its head of public sector resilience",
       "Bristol", "the council resilience programme", "ransomware attacks; cyber security; backup systems; "
       "incident response; phishing",
       ("Councils are an attractive target because they hold so much sensitive data about citizens.",
        "Paying a ransom is never a guarantee that the data will be returned."),
       "The National Cyber Security Office is the authority on cyber security for public bodies. It "
       "provides advice, guidance and incident response, and works with councils, the health service "
       "and industry to reduce the harm caused by cyber attacks."),
    _t("en", "NHS Digital Services", "Priya Raman", "its chief clinical information officer", "Leeds",
       "the shared care record", "patient records; health data; GP systems; data sharing; "
       "clinical safety",
       ("Patients should not have to tell their story again every time they see a new clinician.",
        "Trust is everything: people need to know exactly who can see their records and why."),
       "NHS Digital Services designs, builds and runs national technology for health and care. Its "
       "systems are used by hospitals, family doctors and pharmacies across the country every day."),
    _t("en", "the European Commission", "Anna Lindqvist", "the Commission's director for interoperability",
       "Brussels", "the interoperability framework", "cross-border services; open standards; "
       "the once-only principle; public administrations; data exchange",
       ("Citizens moving across borders should not face a wall of paperwork.",
        "Interoperability is not a technical detail, it is the backbone of the single market."),
       "The European Commission supports member states in modernising their public administrations. "
       "Its interoperability programme funds common tools, open standards and the exchange of good "
       "practice between national, regional and local authorities."),
    _t("en", "the Treasury Digital Unit", "James Holloway", "the minister for the digital economy", "Cardiff",
       "the online tax account", "online tax returns; digital tax accounts; self-assessment; "
       "small businesses; tax software",
       ("Nobody enjoys doing their tax return, but we can at least make it quicker.",
        "The number of people filing online has doubled in just three years."),
       "The Treasury Digital Unit is responsible for the online services of the tax administration, "
       "used by more than 30 million individuals and five million businesses each year."),
    _t("de", "das Bundesministerium des Innern", "Katrin Vogelsang", "Staatssekretärin im Bundesinnenministerium",
       "Berlin", "die Umsetzung des Onlinezugangsgesetzes", "Onlinezugangsgesetz; Verwaltungsleistungen; "
       "digitale Anträge; Bürgerportal; Servicekonto",
       ("Die Bürgerinnen und Bürger erwarten zu Recht, dass sie ihre Anliegen online erledigen können.",
        "Wir haben viel erreicht, aber wir sind noch lange nicht am Ziel.",
        "Entscheidend ist, dass die Leistungen auch in den Kommunen ankommen."),
       "Das Bundesministerium des Innern ist innerhalb der Bundesregierung für die Digitalisierung der "
       "Verwaltung zuständig. Es koordiniert die Umsetzung des Onlinezugangsgesetzes gemeinsam mit den "
       "Ländern und stellt zentrale Komponenten wie das Servicekonto bereit."),
    _t("de", "die Stadt Neustadt", "Thomas Berger", "Oberbürgermeister der Stadt", "Neustadt",
       "das neue Bürgerportal", "Bürgerportal; Terminvergabe; Bürgeramt; digitale Bauanträge; "
       "Online-Dienste",
       ("Niemand soll mehr einen halben Tag Urlaub nehmen müssen, um einen Ausweis zu beantragen.",
        "Das Portal wächst mit jeder Woche, und die Rückmeldungen sind sehr positiv."),
       "Die Stadt Neustadt hat rund 120.000 Einwohnerinnen und Einwohner. Mit ihrer Digitalstrategie "
       "will sie bis 2028 alle wesentlichen Verwaltungsleistungen online anbieten und die Wartezeiten "
       "im Bürgeramt deutlich verkürzen."),
    _t("de", "der Landkreis Oberwald", "Susanne Kaltenbach", "Landrätin des Kreises", "Oberwald",
       "der Breitbandausbau", "Breitbandausbau; Glasfaseranschlüsse; weiße Flecken; Förderprogramm; "
       "Mobilfunkversorgung",
       ("Schnelles Internet ist heute so wichtig wie Strom und Wasser.",
        "Ohne die Förderung von Bund und Land wäre der Ausbau im ländlichen Raum nicht zu finanzieren."),
       "Der Landkreis Oberwald umfasst 34 Städte und Gemeinden mit zusammen rund 180.000 Einwohnern. "
       "Der Kreis koordiniert den geförderten Breitbandausbau in allen Kommunen und berät Unternehmen "
       "bei der Digitalisierung."),
    _t("de", "das Bundesamt für Sicherheit in der Informationstechnik", "Markus Stein", "Vizepräsident des Amtes",
       "Bonn", "das Programm für kommunale IT-Sicherheit", "IT-Sicherheit; Cyberangriff; Kommunalverwaltung; "
       "Notfallpläne; Datensicherung",
       ("Die Lage ist angespannt, und die Kommunen sind zunehmend im Visier der Angreifer.",
        "Wer heute keine Notfallpläne hat, handelt fahrlässig."),
       "Das Bundesamt für Sicherheit in der Informationstechnik gestaltet als Cybersicherheitsbehörde "
       "des Bundes die Informationssicherheit in der Digitalisierung durch Prävention, Detektion und "
       "Reaktion für Staat, Wirtschaft und Gesellschaft."),
    _t("de", "das Landesamt für Digitalisierung", "Claudia Hoffmann", "Präsidentin des Landesamts", "Stuttgart",
       "die Einführung der E-Akte", "E-Akte; elektronische Aktenführung; Dokumentenmanagement; "
       "Landesverwaltung; Papierakten",
       ("Die E-Akte ist kein IT-Projekt, sondern ein Veränderungsprojekt für die ganze Verwaltung.",
        "Bis Ende des Jahres arbeiten bereits zwei Drittel der Beschäftigten vollständig digital."),
       "Das Landesamt für Digitalisierung ist der zentrale IT-Dienstleister der Landesverwaltung. Es "
       "betreibt die Rechenzentren des Landes, entwickelt Fachverfahren und unterstützt die Behörden "
       "bei der Umstellung auf die elektronische Akte."),
    _t("de", "die Registerbehörde des Bundes", "Jens Wiegand", "Leiter des Projekts", "Köln",
       "die Registermodernisierung", "Registermodernisierung; Identifikationsnummer; Once-Only-Prinzip; "
       "Datenschutzcockpit; Basisregister",
       ("Die Daten sollen laufen, nicht die Bürgerinnen und Bürger.",
        "Mit dem Datenschutzcockpit sieht jeder, welche Behörde welche Daten abgerufen hat."),
       "Die Registerbehörde des Bundes führt die Identifikationsnummer und vernetzt die Register von "
       "Bund, Ländern und Kommunen. Sie ist für den Betrieb des Datenschutzcockpits verantwortlich."),
    _t("de", "das Digitalministerium des Landes", "Andrea Neumann", "Digitalministerin des Landes", "Hannover",
       "die KI-Strategie für die Verwaltung", "künstliche Intelligenz; Chatbots; Sprachmodelle; "
       "Verwaltungsdigitalisierung; automatisierte Bescheide",
       ("Künstliche Intelligenz soll die Beschäftigten entlasten und nicht ersetzen.",
        "Jede Entscheidung über einen Bescheid trifft am Ende ein Mensch."),
       "Das Digitalministerium des Landes bündelt die Zuständigkeiten für Digitalisierung, "
       "Breitbandausbau und Verwaltungsmodernisierung. Es fördert Pilotprojekte in Kommunen und "
       "arbeitet mit Hochschulen und Unternehmen zusammen."),
)

TEMPLATES = {
    "en": (
        "{Agency} has announced plans to extend {project} to a further {n} local authorities by the end of {year}.",
        "The move follows a pilot in {place}, where {pct} per cent of users completed their application online.",
        "According to {agency}, {project} is expected to save around {n} million pounds over the next five years.",
        "{person}, {role}, said the work on {term} was only the beginning.",
        "Critics have warned that the timetable for {project} remains ambitious.",
        "The contract is worth {n} million pounds and runs until {year}.",
        "A spokesperson for {agency} confirmed that {term} would be reviewed in {month}.",
        "The initiative is part of a wider strategy to make {term} simpler, faster and more secure.",
        "Officials in {place} said that demand for {term} had risen sharply since the start of the year.",
        "The team behind {project} will publish a progress report in {month} {year}.",
        "Suppliers have until {month} to respond to the tender for {term}.",
        "Local councils have long complained about the cost of maintaining separate systems for {term}.",
        "The announcement was welcomed by industry groups, who said it would give suppliers more certainty.",
        "Around {n},000 people have already signed up, according to figures released on {weekday}.",
        "The department said data protection had been considered from the outset.",
        "Further details on {term} are expected to be set out in the spending review.",
        "{Place} was among the first areas to adopt {term} in {year}.",
        "The scheme has been backed by {n} million pounds of central government funding.",
        "Independent auditors found that {pct} per cent of the planned milestones had been met.",
        "{Agency} said it would work closely with local government to share the lessons learned.",
    ),
    "de": (
        "{Agency} will {project} bis Ende {year} auf weitere {n} Kommunen ausweiten.",
        "Vorausgegangen war ein Pilotversuch in {place}, bei dem {pct} Prozent der Anträge online gestellt wurden.",
        "Nach eigenen Angaben sollen dadurch in den kommenden fünf Jahren rund {n} Millionen Euro eingespart werden.",
        "{person}, {role}, sagte, beim Thema {term} stehe man erst am Anfang.",
        "Kritiker halten den Zeitplan nach wie vor für ehrgeizig.",
        "Der Auftrag hat ein Volumen von {n} Millionen Euro und läuft bis {year}.",
        "Eine Sprecherin bestätigte, dass das Thema {term} im {month} erneut beraten werde.",
        "Die Initiative ist Teil einer Strategie, die das Thema {term} einfacher, schneller und sicherer machen soll.",
        "In {place} sei die Nachfrage seit Jahresbeginn deutlich gestiegen, hieß es aus der Verwaltung.",
        "Einen ersten Fortschrittsbericht will das Projektteam im {month} {year} vorlegen.",
        "Anbieter können sich noch bis {month} an der Ausschreibung zum Thema {term} beteiligen.",
        "Die Kommunen beklagen seit Langem die hohen Kosten für den Betrieb getrennter Systeme.",
        "Branchenverbände begrüßten die Ankündigung, sie schaffe mehr Planungssicherheit für die Anbieter.",
        "Bislang haben sich nach Angaben vom {weekday} bereits rund {n}.000 Bürgerinnen und Bürger registriert.",
        "Der Datenschutz sei von Anfang an berücksichtigt worden, teilte das Ministerium mit.",
        "Weitere Einzelheiten zum Thema {term} sollen im Rahmen der Haushaltsberatungen bekannt gegeben werden.",
        "{Place} gehörte {year} zu den ersten Regionen, die auf das Thema {term} setzten.",
        "Der Bund fördert das Vorhaben mit {n} Millionen Euro.",
        "Laut einem Prüfbericht wurden bislang {pct} Prozent der geplanten Meilensteine erreicht.",
        "{Agency} kündigte an, die Erfahrungen mit anderen Ländern und Kommunen teilen zu wollen.",
    ),
}
MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),
}
WEEKDAY_NAMES = {
    "en": "Monday Tuesday Wednesday Thursday Friday".split(),
    "de": "Montag Dienstag Mittwoch Donnerstag Freitag".split(),
}
INSERTS = {
    "en": "also now still already recently reportedly currently further".split(),
    "de": "auch nun bereits jetzt inzwischen demnach zudem derzeit".split(),
}
AGENCY_LINES = {
    "en": ("(PA)", "Reuters -", "This article first appeared in {src}.", "Additional reporting by Press Association.",
           "Copyright Press Association, all rights reserved."),
    "de": ("(dpa)", "Mit Material von dpa.", "Dieser Beitrag erschien zuerst bei {src}.", "(epd)",
           "Copyright dpa, alle Rechte vorbehalten."),
}
DATELINES = {"en": ("LONDON -", "UPDATED:", "Exclusive:"), "de": ("BERLIN (dpa) -", "Aktualisiert:", "Exklusiv:")}


def _quote(language: str, person: str, text: str) -> str:
    return f'„{text}“, sagte {person}.' if language == "de" else f'{person} said: "{text}"'


# ---------------------------------------------------------------------------
# Documents and their edits
# ---------------------------------------------------------------------------

Doc = list[list[str]]  # paragraphs of sentences


def doc_text(doc: Doc) -> str:
    return "\n\n".join(" ".join(p) for p in doc if p)


def doc_words(doc: Doc) -> int:
    return sum(len(s.split()) for p in doc for s in p)


@functools.lru_cache(maxsize=2)
def _material(stream_size: int) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    """The vocabularies' heads, the Zipf token streams and the source names: the same for
    every seed, like a language (and cached: drawing 30,000 words a language takes ~1 s)."""
    rng = random.Random(0)
    vocab = {lang: C._vocabulary(rng, lang) for lang in ("en", "de")}
    streams = {lang: C._token_stream(rng, vocab[lang], stream_size) for lang in ("en", "de")}
    # Replacement words: the common head of each vocabulary (real words and common tail words).
    common = {lang: vocab[lang][:3000] for lang in ("en", "de")}
    sources = dict(zip(("en", "de"), C._sources(rng), strict=True))
    return common, streams, sources


class Writer:
    """Sentences and articles for one archive: the Zipf streams and the topics, and the one
    random generator every choice is drawn from."""

    def __init__(self, seed: int, stream_size: int = 400_000) -> None:
        self.common, self.streams, self.sources = _material(stream_size)
        self.rng = random.Random(seed)

    def filler(self, topic: Topic) -> str:
        """A sentence from the Zipf stream with a topic term in it: text of this article alone."""
        rng, stream = self.rng, self.streams[topic.language]
        length = rng.randint(8, 24)
        start = rng.randrange(len(stream) - length)
        toks = stream[start:start + length]
        if rng.random() < 0.6:
            toks[rng.randrange(1, length)] = rng.choice(topic.terms)
        s = " ".join(toks)
        return s[0].upper() + s[1:] + "."

    def template(self, topic: Topic, tpl: str) -> str:
        rng, lang = self.rng, topic.language
        values = {
            "agency": topic.agency, "project": topic.project, "person": topic.person, "role": topic.role,
            "place": topic.place, "term": rng.choice(topic.terms), "n": str(rng.randint(2, 480)),
            "year": str(rng.randint(2006, 2030)), "month": rng.choice(MONTHS[lang]),
            "pct": str(rng.randint(12, 96)), "weekday": rng.choice(WEEKDAY_NAMES[lang]),
        }
        values["Agency"] = values["agency"][:1].upper() + values["agency"][1:]
        values["Place"] = values["place"]
        return tpl.format(**values)

    def sentence(self, topic: Topic, used: set[int]) -> str:
        """A template sentence (not yet used in this article) or a filler sentence, about half each."""
        tpls = TEMPLATES[topic.language]
        if self.rng.random() < 0.45 and len(used) < len(tpls):
            i = self.rng.choice([k for k in range(len(tpls)) if k not in used])
            used.add(i)
            return self.template(topic, tpls[i])
        return self.filler(topic)

    def article(self, topic: Topic, words: int, quotes: Sequence[str] = (), about: bool = False) -> Doc:
        """An article of about `words` words on `topic`: a lead paragraph, body paragraphs of
        2-5 sentences, the `quotes` as a paragraph of their own, the about paragraph last."""
        rng, used = self.rng, set[int]()
        lead = [self.template(topic, TEMPLATES[topic.language][0 if rng.random() < 0.5 else 2]), self.filler(topic)]
        used.add(0)
        used.add(2)
        doc: Doc = [lead]
        budget = words - doc_words(doc) - (len(topic.about.split()) if about else 0)
        quote_par = [_quote(topic.language, topic.person, q) for q in quotes]
        budget -= sum(len(q.split()) for q in quote_par)
        quote_at = rng.randint(1, 3)
        while budget > 0:
            par = [self.sentence(topic, used) for _ in range(rng.randint(2, 5))]
            budget -= sum(len(s.split()) for s in par)
            doc.append(par)
            if quote_par and len(doc) == quote_at:
                doc.append(quote_par)
                quote_par = []
        if quote_par:
            doc.insert(min(quote_at, len(doc)), quote_par)
        if about:
            doc.append([topic.about])
        return doc


@dataclass(slots=True)
class _Cost:
    """Estimated shingles removed from and added to the original by the edits so far."""

    shingles: int
    removed: int = 0
    added: int = 0

    def after(self, removed: int, added: int) -> float:
        return (self.shingles - self.removed - removed) / (self.shingles + self.added + added)


def _word_positions(doc: Doc, para_from: int = 0) -> list[tuple[int, int, int]]:
    """(paragraph, sentence, token) of every alphabetic token except a sentence's first."""
    out = []
    for p in range(para_from, len(doc)):
        for s, sent in enumerate(doc[p]):
            for t, tok in enumerate(sent.split()):
                if t and tok.strip(".,;:\"„“").isalpha():
                    out.append((p, s, t))
    return out


def _set_token(doc: Doc, p: int, s: int, t: int, new: str | None, insert: bool = False) -> None:
    toks = doc[p][s].split()
    if insert:
        toks.insert(t, new or "")
    elif new is None:
        del toks[t]
    else:
        core = toks[t].strip(".,;:\"„“")
        toks[t] = toks[t].replace(core, new, 1)
    doc[p][s] = " ".join(toks)


def edit(w: Writer, topic: Topic, original: Doc, source: str) -> tuple[Doc, list[str], float]:
    """A wire copy of `original`: (text, the edits made, the planned resemblance).

    Edits are tried in random order, each kept only while the estimated resemblance stays at
    or above a target drawn from TARGET; word edits then fill what the budget leaves."""
    rng, lang = w.rng, topic.language
    doc = [list(p) for p in original]
    if rng.random() < P_VERBATIM:
        return doc, ["verbatim"], 1.0
    words = doc_words(doc)
    cost = _Cost(max(1, words - K.SHINGLE + 1))
    target = rng.uniform(*TARGET)
    done: list[str] = []

    def take(name: str, removed: int, added: int) -> bool:
        if cost.after(removed, added) < target:
            return False
        cost.removed += removed
        cost.added += added
        done.append(name)
        return True

    structural = ["title", "agency", "swap", "drop", "add"]
    rng.shuffle(structural)
    for op in structural:
        if op == "title" and rng.random() < 0.6:
            if rng.random() < 0.3:
                line = rng.choice(DATELINES[lang])
                if take("title: dateline", 0, len(line.split()) + 4):
                    doc[0][0] = f"{line} {doc[0][0]}"
            elif take("title: word", 5, 5):
                toks = doc[0][0].split()
                cand = [i for i, tok in enumerate(toks) if i and tok.strip(".,").isalpha()]
                if cand:
                    _set_token(doc, 0, 0, rng.choice(cand), rng.choice(w.common[lang][40:]))
        elif op == "agency" and rng.random() < 0.4:
            line = rng.choice(AGENCY_LINES[lang]).format(src=source)
            if take("agency line", 0, len(line.split()) + 4):
                if line.startswith("("):
                    doc[0][0] = f"{line} {doc[0][0]}"
                else:
                    doc.append([line])
        elif op == "swap" and rng.random() < 0.3 and len(doc) >= 4:
            i = rng.randrange(1, len(doc) - 2)
            if take("paragraphs swapped", 12, 12):
                doc[i], doc[i + 1] = doc[i + 1], doc[i]
        elif op == "drop" and rng.random() < 0.5:
            spots = [(p, s) for p in range(1, len(doc)) for s in range(len(doc[p])) if len(doc[p]) > 1]
            if spots:
                p, s = rng.choice(spots)
                n = len(doc[p][s].split())
                if take("sentence dropped", n + 4, 4):
                    del doc[p][s]
        elif op == "add" and rng.random() < 0.3:
            new = w.filler(topic)
            if take("sentence added", 4, len(new.split()) + 4):
                p = rng.randrange(1, len(doc))
                doc[p].insert(rng.randint(0, len(doc[p])), new)
    while True:
        kind = rng.choice(("replaced", "replaced", "inserted", "deleted"))
        removed, added = {"replaced": (5, 5), "inserted": (4, 5), "deleted": (5, 4)}[kind]
        if not take(f"word {kind}", removed, added):
            break
        p, s, t = rng.choice(_word_positions(doc, 0))
        if kind == "replaced":
            _set_token(doc, p, s, t, rng.choice(w.common[lang][40:]))
        elif kind == "inserted":
            _set_token(doc, p, s, t, rng.choice(INSERTS[lang]), insert=True)
        else:
            _set_token(doc, p, s, t, None)
    if not done:  # the budget allowed nothing: one word edit anyway (a copy is never byte-identical text)
        p, s, t = rng.choice(_word_positions(doc, 0))
        _set_token(doc, p, s, t, rng.choice(w.common[lang][40:]))
        done.append("word replaced")
    return doc, _summary(done), target


def _summary(done: list[str]) -> list[str]:
    """The edits made, with counts: ["word replaced x3", "sentence dropped"]."""
    counts: dict[str, int] = {}
    for d in done:
        counts[d] = counts.get(d, 0) + 1
    return [k if n == 1 else f"{k} x{n}" for k, n in counts.items()]


def same_subject(w: Writer, topic: Topic, words: int, quotes: Sequence[str], about: bool) -> Doc:
    """A different article on the story's subject: same names and terms, one quote shared."""
    shared = list(quotes[: w.rng.randint(1, 2)]) if quotes else [topic.quotes[0]]
    return w.article(topic, words, shared, about)


def update(w: Writer, topic: Topic, original: Doc) -> Doc:
    """A large rewrite of `original`: the lead and about a third of the sentences kept, the
    rest new, a paragraph added."""
    rng = w.rng
    used: set[int] = set()
    doc: Doc = [list(original[0])]
    for par in original[1:]:
        doc.append([s if rng.random() < 0.33 else w.sentence(topic, used) for s in par])
    doc.insert(1, [w.sentence(topic, used) for _ in range(rng.randint(2, 4))])
    return doc


# ---------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    """One generated page: what the reader should find in it."""

    id: str
    path: str
    kind: str  # "original" | "copy" | "same-subject" | "update"
    story: int  # the story it belongs to (a negative: the story it must not join)
    original: str | None  # a copy's or a negative's original
    language: str
    source: str | None
    published: date | None
    words: int
    edits: tuple[str, ...] = ()
    planned: float | None = None  # a copy's planned resemblance

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "path": self.path, "kind": self.kind, "story": self.story, "original": self.original,
            "language": self.language, "source": self.source,
            "published": self.published.isoformat() if self.published else None, "words": self.words,
        }
        if self.edits:
            d["edits"] = list(self.edits)
        if self.planned is not None:
            d["planned"] = round(self.planned, 4)
        return d


def render(rng: random.Random, text: str, source: str | None, published: date | None,
           crawled: date, variants: bool = True) -> bytes:
    """The page's bytes in the archive's layout (corpus.py's), with its label and date form,
    and (with `variants`) corpus.py's shares of CRLF, BOM and cp1252 pages."""
    label = C._pick(rng, C.LABELS)
    if source is None:
        line = ""
    elif published is None:
        line = f"{label} {source}\n\n"
    else:
        line = f"{label} {source}, {C._format_date(published, C._pick(rng, C.DATE_FORMS))}\n\n"
    page = (
        f"Today {rng.randint(300, 3000)}\n\nYesterday {rng.randint(300, 3000)}\n\nAll {rng.randint(39_000_000, 41_000_000)}\n\n"
        f"{C.WEEKDAYS[crawled.weekday()]},\u00a0{crawled.day:02d}.{crawled.month:02d}.{crawled.year}\n"
        f"{C.SLOGAN}\n{text}\n\n\n{line}{C.FOOTER}"
    )
    if variants and rng.random() < C.P_CRLF:
        page = page.replace("\n", "\r\n")
    r = rng.random() if variants else 1.0
    encoding = "utf-8-sig" if r < C.P_BOM else "cp1252" if r < C.P_BOM + C.P_CP1252 else "utf-8"
    try:
        return page.encode(encoding)
    except UnicodeEncodeError:  # „“ are in cp1252, but keep any other text safe
        return page.encode("utf-8")


@dataclass
class _Pending:
    """A page to write, once every page of the archive is known (written in shuffled order)."""

    data: bytes
    kind: str
    story: int
    original: int | None  # index into the pending list
    language: str
    source: str | None
    published: date | None
    words: int
    edits: tuple[str, ...] = ()
    planned: float | None = None


def _other_source(rng: random.Random, names: Sequence[str], taken: set[str]) -> str:
    while True:
        s = names[min(int(rng.paretovariate(1.0)) - 1, len(names) - 1)] if rng.random() < 0.5 else rng.choice(names)
        if s not in taken:
            taken.add(s)
            return s


def _story(w: Writer, story: int, pending: list[_Pending], same_day: float,
           length: tuple[int, int, int]) -> None:
    """One story's pages: the original, its copies, its negatives (appended to `pending`)."""
    rng = w.rng
    lang = "de" if rng.random() < C.P_GERMAN else "en"
    topic = rng.choice([t for t in TOPICS if t.language == lang])
    names = w.sources[lang]
    words = int(rng.triangular(*length))
    quotes = rng.sample(topic.quotes, rng.randint(1, 2)) if rng.random() < 0.7 else []
    has_negative = rng.random() < P_SAME_SUBJECT
    about = rng.random() < (0.6 if has_negative else P_ABOUT)
    doc = w.article(topic, words, quotes, about)
    published = FIRST + timedelta(days=rng.randrange((LAST - FIRST).days))
    taken: set[str] = set()
    source = _other_source(rng, names, taken)

    def add(kind: str, d: Doc, src: str, day: date, original: int | None, **kw: Any) -> int:
        crawled = day + timedelta(days=rng.randint(0, 400))
        pending.append(_Pending(render(rng, doc_text(d), src, day, crawled), kind, story, original,
                                lang, src, day, doc_words(d), **kw))
        return len(pending) - 1

    first = add("original", doc, source, published, None)
    if rng.random() < P_COPIES:
        for _ in range(rng.choices(COPY_COUNTS, COPY_WEIGHTS)[0]):
            src = _other_source(rng, names, taken)
            copy, edits, planned = edit(w, topic, doc, src)
            delay = 0 if rng.random() < same_day else rng.randint(1, 6)
            add("copy", copy, src, published + timedelta(days=delay), first,
                edits=tuple(edits), planned=planned)
    if has_negative:
        other = same_subject(w, topic, int(rng.triangular(*length)), quotes, about)
        add("same-subject", other, _other_source(rng, names, taken),
            published + timedelta(days=rng.randint(-5, 10)), first)
    if rng.random() < P_UPDATE:
        add("update", update(w, topic, doc), rng.choice([source, _other_source(rng, names, taken)]),
            published + timedelta(days=rng.randint(1, 30)), first)


def generate(stories: int, out_dir: Path, seed: int = 0, same_day: float = 0.0,
             stream_size: int = 400_000, words: tuple[int, int, int] = WORDS) -> list[Page]:
    """Write the archive of `stories` stories with their copies and negatives under `out_dir`
    (created) and return its pages; the same arguments give the same bytes. A share
    `same_day` of the copies is dated on the original's day (else 1-6 days later); the
    stories' lengths in words are drawn from a triangular distribution (low, high, mode)."""
    w = Writer(seed, stream_size)
    rng = w.rng
    pending: list[_Pending] = []
    for story in range(stories):
        _story(w, story, pending, same_day, words)

    order = list(range(len(pending)))
    rng.shuffle(order)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids: dict[int, str] = {}
    paths: dict[int, str] = {}
    for number, i in enumerate(order):
        p = pending[i]
        hexid = hashlib.blake2b(p.data, digest_size=8).hexdigest()
        assert p.published is not None
        rel = f"{p.published.year}/{number:05d}_{hexid}.txt"
        (out_dir / rel).parent.mkdir(exist_ok=True)
        (out_dir / rel).write_bytes(p.data)
        ids[i], paths[i] = hexid, rel
    if len(set(ids.values())) != len(ids):
        raise RuntimeError("two generated pages have the same id")
    return [
        Page(ids[i], paths[i], p.kind, p.story, None if p.original is None else ids[p.original], p.language,
             p.source, p.published, p.words, p.edits, p.planned)
        for i, p in enumerate(pending)
    ]


# ---------------------------------------------------------------------------
# Ground truth
# ---------------------------------------------------------------------------


def shingles_of(archive: Path, pages: Sequence[Page]) -> dict[str, frozenset[int]]:
    """Each page's shingle set, from its parsed body (what the index sees)."""
    out = {}
    for p in pages:
        art = parse_bytes((archive / p.path).read_bytes(), p.path)
        out[p.id] = K.shingles(art.body)
    return out


def truth(archive: Path, pages: Sequence[Page]) -> dict[str, Any]:
    """The ground truth: every page, the true pairs (one story: original and copies), the
    negatives, and each copy's and negative's true resemblance to its original."""
    sh = shingles_of(archive, pages)
    groups: dict[int, list[str]] = {}
    for p in pages:
        if p.kind in ("original", "copy"):
            groups.setdefault(p.story, []).append(p.id)
    articles = []
    for p in pages:
        d = p.to_dict()
        if p.original is not None:
            d["resemblance"] = round(K.resemblance(sh[p.id], sh[p.original]), 4)
        articles.append(d)
    copy_pairs = []
    for members in groups.values():
        for a, b in itertools.combinations(members, 2):
            copy_pairs.append(K.resemblance(sh[a], sh[b]))
    return {
        "articles": articles,
        "stories": [ids for ids in groups.values() if len(ids) > 1],
        "copy_pair_resemblance_below_threshold": sum(r < K.THRESHOLD for r in copy_pairs),
        "copy_pairs": len(copy_pairs),
    }


def story_keys(articles: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Article id -> the key of its story (negatives: a key of their own)."""
    return {a["id"]: (f"s{a['story']}" if a["kind"] in ("original", "copy") else f"n{a['id']}") for a in articles}


# ---------------------------------------------------------------------------
# Scores (pure)
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairScore:
    """Pairs of articles: inside one cluster, of one story, both."""

    clustered: int
    true: int
    correct: int
    wrong: tuple[tuple[str, str], ...] = field(default=())  # clustered, not of one story
    missed: tuple[tuple[str, str], ...] = field(default=())  # of one story, not clustered

    @property
    def precision(self) -> float:
        return self.correct / self.clustered if self.clustered else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.true if self.true else 1.0


def pair_score(clusters: Sequence[Sequence[str]], story_of: Mapping[str, str]) -> PairScore:
    """Pair precision and recall of `clusters` (lists of ids) against the stories (`story_of`:
    id -> story key; an id missing there is a story of its own)."""
    where = {aid: i for i, c in enumerate(clusters) for aid in c}
    clustered = correct = 0
    wrong = []
    for c in clusters:
        for a, b in itertools.combinations(sorted(c), 2):
            clustered += 1
            if a in story_of and story_of.get(a) == story_of.get(b):
                correct += 1
            else:
                wrong.append((a, b))
    groups: dict[str, list[str]] = {}
    for aid, key in story_of.items():
        groups.setdefault(key, []).append(aid)
    true = 0
    missed = []
    for key in sorted(groups):
        for a, b in itertools.combinations(sorted(groups[key]), 2):
            true += 1
            if where.get(a) is None or where.get(a) != where.get(b):
                missed.append((a, b))
    return PairScore(clustered, true, correct, tuple(wrong), tuple(missed))


def negatives_folded(clusters: Sequence[Sequence[str]], articles: Sequence[Mapping[str, Any]]) -> list[str]:
    """The negatives (same-subject articles, updates) in one cluster with a member of their story."""
    where = {aid: i for i, c in enumerate(clusters) for aid in c}
    story_clusters: dict[int, set[int]] = {}
    for a in articles:
        if a["kind"] in ("original", "copy") and a["id"] in where:
            story_clusters.setdefault(a["story"], set()).add(where[a["id"]])
    return [a["id"] for a in articles
            if a["kind"] not in ("original", "copy") and a["id"] in where
            and where[a["id"]] in story_clusters.get(a["story"], set())]


def quantiles(values: Sequence[float]) -> dict[str, float]:
    """min, 5th percentile, median, 95th percentile, max."""
    if not values:
        return {}
    v = sorted(values)

    def q(f: float) -> float:
        return v[min(len(v) - 1, int(f * (len(v) - 1) + 0.5))]

    return {"min": v[0], "p5": q(0.05), "median": statistics.median(v), "p95": q(0.95), "max": v[-1]}


# ---------------------------------------------------------------------------
# Clusters: from an index, or computed here
# ---------------------------------------------------------------------------


def central_keys(keys: Mapping[str, tuple[int, str]], edges: Mapping[tuple[str, str], float]) -> dict[str, tuple[int, str]]:
    """`keys` with a different tie-break among articles of one date: the one resembling its
    neighbours most (the sum of its edges) first, then by id. A variant of order_key, to
    show what it would change: the original of same-day copies then heads their cluster."""
    weight: dict[str, float] = {}
    for (a, b), r in edges.items():
        weight[a] = weight.get(a, 0.0) + r
        weight[b] = weight.get(b, 0.0) + r
    return {aid: (day, f"{99_999_999 - round(weight.get(aid, 0.0) * 10_000):08d}{aid}")
            for aid, (day, _) in keys.items()}


def simulate(archive: Path, ties: str = "id", info: dict[str, Any] | None = None) -> list[list[str]]:
    """The clusters core.copies gives for the archive, computed in this process (every page
    parsed, candidate pairs from the bands, each checked exactly, then `cluster`); with
    `ties` = "central", articles of one date are ordered by `central_keys`. `info`, when
    given, receives the candidate pairs and the number of edges."""
    sh: dict[str, frozenset[int]] = {}
    keys: dict[str, tuple[int, str]] = {}
    for f in sorted(archive.rglob("*.txt")):
        rel = f.relative_to(archive).as_posix()
        try:
            art = parse_bytes(f.read_bytes(), rel)
        except NotAnArticle:
            continue
        sh[art.id] = K.shingles(art.body)
        keys[art.id] = K.order_key(art.id, int(art.published.strftime("%Y%m%d")) if art.published else None)
    bands = {aid: K.bands(s) for aid, s in sh.items()}
    bands = {aid: b for aid, b in bands.items() if b}
    edges = {}
    pairs = K.candidates(bands, bands)
    for a, b in sorted(pairs):
        r = K.resemblance(sh[a], sh[b])
        if r >= K.THRESHOLD:
            edges[(a, b)] = r
    if info is not None:
        info.update(candidates=pairs, edges=len(edges), articles=len(sh))
    if ties == "central":
        keys = central_keys(keys, edges)
    return [[aid for aid, _ in members] for members in K.cluster(keys, edges)]


def index_clusters(archive: Path, index: Path, egov: str, fresh: bool = True) -> tuple[list[list[str]], float]:
    """Build the index of `archive` (from scratch when `fresh`, else an incremental run)
    with `egov index` and read its clusters: (clusters, build seconds)."""
    import shutil

    from egovsearch.engine.search import open_reader

    if fresh:
        shutil.rmtree(index, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run([egov, "index", "--archive", str(archive), "--index", str(index), "--quiet"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=index.parent)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"egovsearch index exited {proc.returncode}: {proc.stderr[-2000:]}")
    with open_reader(index) as r:
        return [list(c.ids) for c in r.copies().clusters], seconds


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def measure(truth_: Mapping[str, Any], clusters: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Every figure of the report for one set of clusters."""
    arts = truth_["articles"]
    by_id = {a["id"]: a for a in arts}
    score = pair_score(clusters, story_keys(arts))
    # Recall over the pairs that are copies by the definition (resemblance >= 0.8 to the original).
    reachable = {a["id"] for a in arts if a["kind"] == "original"
                 or (a["kind"] == "copy" and a["resemblance"] >= K.THRESHOLD)}
    keys_ok = {k: v for k, v in story_keys(arts).items() if k in reachable}
    score_ok = pair_score([[i for i in c if i in reachable] for c in clusters], keys_ok)
    where = {aid: i for i, c in enumerate(clusters) for aid in c}
    copies = [a for a in arts if a["kind"] == "copy"]
    with_original = {a["id"] for a in copies if a["id"] in where and where[a["id"]] == where.get(a["original"])}
    neg = [a for a in arts if a["kind"] in ("same-subject", "update")]
    folded = negatives_folded(clusters, arts)
    per_edit: dict[str, list[int]] = {}
    for a in copies:
        for e in a.get("edits", []):
            name = e.split(" x")[0]
            hit = per_edit.setdefault(name, [0, 0])
            hit[0] += a["id"] in with_original
            hit[1] += 1
    missed_copies = sorted((a for a in copies if a["id"] not in with_original), key=lambda a: a["resemblance"])
    return {
        "articles": len(arts),
        "originals": sum(a["kind"] == "original" for a in arts),
        "copies": len(copies),
        "clusters": len(clusters),
        "clustered_articles": len(where),
        "pairs_clustered": score.clustered,
        "pairs_true": score.true,
        "pairs_correct": score.correct,
        "precision": score.precision,
        "recall": score.recall,
        "recall_copies_at_threshold": score_ok.recall,
        "copies_with_original": len(with_original),
        "copies_below_threshold": sum(a["resemblance"] < K.THRESHOLD for a in copies),
        "copy_resemblance": quantiles([a["resemblance"] for a in copies]),
        "copy_pairs_below_threshold": truth_["copy_pair_resemblance_below_threshold"],
        "copy_pairs": truth_["copy_pairs"],
        "negatives": {k: sum(a["kind"] == k for a in neg) for k in ("same-subject", "update")},
        "negative_resemblance": {k: quantiles([a["resemblance"] for a in neg if a["kind"] == k])
                                 for k in ("same-subject", "update")},
        "negatives_folded": folded,
        "wrong_pairs": [list(p) + [by_id.get(p[0], {}).get("kind"), by_id.get(p[1], {}).get("kind")]
                        for p in score.wrong[:20]],
        "missed_copies": [{k: a[k] for k in ("id", "original", "words", "resemblance", "edits")}
                          for a in missed_copies[:20]],
        "recall_by_edit": {k: v[0] / v[1] for k, v in sorted(per_edit.items())},
    }


def _q(d: Mapping[str, float]) -> str:
    return " / ".join(f"{d[k]:.3f}" for k in ("min", "p5", "median", "p95", "max")) if d else "-"


def markdown(m: Mapping[str, Any], label: str) -> str:
    """The report as a small markdown table."""
    rows = [
        ("articles (originals / copies / negatives)",
         f"{m['articles']} ({m['originals']} / {m['copies']} / {sum(m['negatives'].values())})", ""),
        ("clusters (articles in them)", f"{m['clusters']} ({m['clustered_articles']})", ""),
        ("pairs in one cluster / true pairs", f"{m['pairs_clustered']} / {m['pairs_true']}", ""),
        ("**pair precision**", f"**{m['precision']:.4f}**", ">= 0.99"),
        ("**pair recall**", f"**{m['recall']:.4f}**", ">= 0.90"),
        ("pair recall, copies >= 0.8 to their original", f"{m['recall_copies_at_threshold']:.4f}", ""),
        ("copies in their original's cluster", f"{m['copies_with_original']} / {m['copies']}", ""),
        ("**hard negatives folded**", f"**{len(m['negatives_folded'])}** of {sum(m['negatives'].values())}", "0"),
        ("copies below 0.8 to their original", f"{m['copies_below_threshold']} / {m['copies']}", ""),
        ("copy pairs (copy-copy incl.) below 0.8", f"{m['copy_pairs_below_threshold']} / {m['copy_pairs']}", ""),
        ("resemblance copy-original min/p5/median/p95/max", _q(m["copy_resemblance"]), "0.82..0.97"),
        ("same-subject negatives: resemblance", _q(m["negative_resemblance"]["same-subject"]), "< 0.8"),
        ("updates: resemblance", _q(m["negative_resemblance"]["update"]), "< 0.8"),
    ]
    out = [f"#### {label}", "", "| measure | value | target |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    out.append("")
    out.append("Copies in their original's cluster, by edit: " + ", ".join(
        f"{k} {v:.3f}" for k, v in m["recall_by_edit"].items()))
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Probes: the hard cases, one at a time
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Probe:
    """One hard case: its pages (name, text, source, date) and the pairs to check."""

    name: str
    pages: tuple[tuple[str, str, str | None, date | None], ...]
    checks: tuple[tuple[str, str, bool], ...]  # (page, page, a reader would fold them)
    note: str = ""


def _translit(text: str) -> str:
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return text


def _mojibake(text: str) -> str:
    """UTF-8 read as cp1252 (BehÃ¶rde), for the letters that survive the round trip."""
    return text.encode("utf-8").decode("cp1252", errors="replace")


def probes(seed: int = 0) -> list[Probe]:
    """The hard cases (each on text of its own, so they do not meet)."""
    w = Writer(seed + 1000, stream_size=200_000)
    rng = w.rng
    en = [t for t in TOPICS if t.language == "en"]
    de = [t for t in TOPICS if t.language == "de"]
    day = date(2024, 3, 4)
    d1, d2, d3 = day + timedelta(days=1), day + timedelta(days=2), day + timedelta(days=3)
    out: list[Probe] = []

    def words_edit(doc: Doc, n: int, lang: str = "en") -> Doc:
        doc = [list(p) for p in doc]
        for _ in range(n):
            p, s, t = rng.choice(_word_positions(doc))
            _set_token(doc, p, s, t, rng.choice(w.common[lang][40:]))
        return doc

    short = [[w.template(en[0], TEMPLATES["en"][0]), w.filler(en[0]), w.filler(en[0])]]
    out.append(Probe("very short item (~45 words), one word changed",
                     (("o", doc_text(short), "GovTech", day), ("c", doc_text(words_edit(short, 1)), "Kable", d1)),
                     (("o", "c", True),), f"{doc_words(short)} words"))
    out.append(Probe("very short item, verbatim at another publication",
                     (("o", doc_text(short), "GovTech", day), ("c", doc_text(short), "FCW", d1)),
                     (("o", "c", True),)))
    s2 = [[w.template(en[1], TEMPLATES["en"][2]), w.filler(en[1]), w.filler(en[1]), w.filler(en[1])]]
    s2c = [list(s2[0]) + [w.filler(en[1])]]
    out.append(Probe("short item (~60 words), one sentence added",
                     (("o", doc_text(s2), "GovTech", day), ("c", doc_text(s2c), "Kable", d1)),
                     (("o", "c", True),), f"{doc_words(s2)} words"))
    statement = " ".join(w.filler(en[2]) for _ in range(9))
    qa = [[w.filler(en[2]), w.filler(en[2])], [f'{en[2].person} said in a statement: "{statement}"']]
    qb = [[w.filler(en[2]), w.filler(en[2])], [f'{en[2].person} said in a statement: "{statement}"']]
    out.append(Probe("two articles that are mostly one long shared statement",
                     (("a", doc_text(qa), "Computer Weekly", day), ("b", doc_text(qb), "The Register", day)),
                     (("a", "b", False),), f"statement {len(statement.split())} of {doc_words(qa)} words"))
    boiler = [[en[3].about], [w.filler(en[3]) for _ in range(4)], [w.filler(en[3]) for _ in range(3)],
              ["Notes to editors: for media enquiries please contact the press office on 020 7946 0000 or by "
               "email. Follow us on social media for the latest updates. This press release is issued on behalf of "
               f"{en[3].agency} and may be reproduced without charge. All information is correct at the time of "
               "publication."]]
    ba = [[w.filler(en[3]), w.filler(en[3])], *boiler]
    bb = [[w.filler(en[3]), w.filler(en[3])], *boiler]
    out.append(Probe("two different press releases, boilerplate-heavy (same about/notes block)",
                     (("a", doc_text(ba), "Public Technology", day), ("b", doc_text(bb), "Public Technology", d2)),
                     (("a", "b", False),), f"own text ~{doc_words(ba) - doc_words(boiler)} of {doc_words(ba)} words"))
    bx = [[w.filler(en[3])], *boiler]
    by = [[w.filler(en[3])], *boiler]
    out.append(Probe("two different notices, almost all boilerplate (one own sentence each)",
                     (("a", doc_text(bx), "Public Technology", day), ("b", doc_text(by), "Public Technology", d3)),
                     (("a", "b", False),), f"own text ~{doc_words(bx) - doc_words(boiler)} of {doc_words(bx)} words"))
    long_statement = " ".join(w.filler(en[2]) for _ in range(16))
    qc = [[w.filler(en[2])], [f'{en[2].person} said in a statement: "{long_statement}"']]
    qd = [[w.filler(en[2])], [f'{en[2].person} said in a statement: "{long_statement}"']]
    out.append(Probe("two articles that are one lead sentence and the same long statement",
                     (("a", doc_text(qc), "Computer Weekly", day), ("b", doc_text(qd), "ZDNet", d1)),
                     (("a", "b", False),), f"statement {len(long_statement.split())} of {doc_words(qc)} words"))
    bulletin = ("The weekly figures for {place} show that {a} applications were submitted online in the week to "
                "{d}, compared with {b} in the previous week. The average processing time was {c} days. "
                "The service was available for 99.{e} per cent of the time. The figures are published every "
                "week and are provisional. They include applications for parking permits, council tax "
                "discounts, waste collection and housing benefit, and cover every service on the council's "
                "website. Residents who need help with an online application can visit any library in the "
                "county, where staff will be able to assist them during normal opening hours.")
    b1 = bulletin.format(place="Westshire", a=1234, b=1180, c=4, d="4 March", e=7)
    b2 = bulletin.format(place="Westshire", a=1302, b=1234, c=5, d="11 March", e=4)
    out.append(Probe("recurring bulletin: the same template, other figures and dates",
                     (("a", b1, "Westshire News", day), ("b", b2, "Westshire News", day + timedelta(days=7))),
                     (("a", "b", False),)))
    g = w.article(de[0], 300, de[0].quotes[:1], False)
    out.append(Probe("German copy, umlauts transliterated (ü -> ue, ß -> ss)",
                     (("o", doc_text(g), "Behörden Spiegel", day), ("c", _translit(doc_text(g)), "Kommune21", d1)),
                     (("o", "c", True),)))
    comp = [["Das Onlinezugangsgesetz verpflichtet Bund, Länder und Kommunen, ihre Verwaltungsleistungen "
             "über ein Bürgerportal anzubieten. Das Servicekonto und die E-Akte gelten als Grundlage."],
            [w.filler(de[0]) for _ in range(5)], [w.filler(de[0]) for _ in range(4)],
            ["Beim E-Government-Gipfel forderten die Kommunalverbände mehr Geld für die "
             "Verwaltungsdigitalisierung und eine bessere Breitbandversorgung."]]
    hyph = doc_text(comp)
    for a, b in (("Onlinezugangsgesetz", "Online-Zugangsgesetz"), ("Bürgerportal", "Bürger-Portal"),
                 ("Servicekonto", "Service-Konto"), ("E-Akte", "eAkte"), ("E-Government-Gipfel", "eGovernment-Gipfel"),
                 ("Verwaltungsdigitalisierung", "Verwaltungs-Digitalisierung"),
                 ("Breitbandversorgung", "Breitband-Versorgung"), ("Kommunalverbände", "kommunalen Spitzenverbände")):
        hyph = hyph.replace(a, b)
    out.append(Probe("German copy, compounds spelt otherwise (Online-Zugangsgesetz, Bürger-Portal, eAkte)",
                     (("o", doc_text(comp), "eGovernment Computing", day), ("c", hyph, "Kommune21", d1)),
                     (("o", "c", True),), f"{doc_words(comp)} words"))
    m = w.article(de[1], 300, de[1].quotes[:1], False)
    out.append(Probe("German copy with mojibake (BehÃ¶rde)",
                     (("o", doc_text(m), "Heise Online", day), ("c", _mojibake(doc_text(m)), "Golem", d1)),
                     (("o", "c", True),)))
    u = w.article(en[4], 350, en[4].quotes[:1], False)
    uc, _, _ = edit(w, en[4], u, "Kable")
    out.append(Probe("undated copy (source line without a date)",
                     (("o", doc_text(u), "Computer Weekly", day), ("c", doc_text(uc), "Kable", None)),
                     (("o", "c", True),)))
    v = w.article(en[5], 350, en[5].quotes[:1], False)
    v1, _, _ = edit(w, en[5], v, "Euractiv")
    v2, _, _ = edit(w, en[5], v, "Joinup")
    out.append(Probe("undated original, two dated copies",
                     (("o", doc_text(v), "Euractiv", None), ("c1", doc_text(v1), "Joinup", d1),
                      ("c2", doc_text(v2), "FutureGov", d2)),
                     (("o", "c1", True), ("o", "c2", True), ("c1", "c2", True))))

    def heavy(doc: Doc, topic: Topic, n: int, drop: int) -> Doc:
        doc = words_edit(doc, n, topic.language)
        for _ in range(drop):
            cand = [(p, s) for p in range(1, len(doc)) for s in range(len(doc[p])) if len(doc[p]) > 1]
            p, s = rng.choice(cand)
            del doc[p][s]
        return doc

    e = w.article(en[6], 400, en[6].quotes[:1], False)
    e1 = heavy(e, en[6], 4, 1)
    e2 = heavy(e, en[6], 4, 1)
    e3 = heavy(e, en[6], 4, 1)
    out.append(Probe("copy dated a day BEFORE its original (a wrong date), two later copies",
                     (("o", doc_text(e), "Computerworld", d1), ("early", doc_text(e1), "CIO", day),
                      ("c2", doc_text(e2), "iTnews", d2), ("c3", doc_text(e3), "Techworld", d3)),
                     (("o", "early", True), ("o", "c2", True), ("o", "c3", True)),
                     "the cluster's first member is the early copy; c2, c3 must be within 0.8 of it"))
    sd = w.article(de[2], 350, (), False)
    s1 = heavy(sd, de[2], 4, 1)
    s2_ = heavy(sd, de[2], 4, 1)
    out.append(Probe("same-day copies, a copy's id sorting before the original's",
                     (("o", doc_text(sd), "Kommunal", day), ("0000000000000001", doc_text(s1), "NZZ", day),
                      ("c2", doc_text(s2_), "Die Welt", day)),
                     (("o", "0000000000000001", True), ("o", "c2", True)),
                     "same date: the first member is the lowest id"))
    cc = w.article(en[0], 400, en[0].quotes[:1], False)
    cc1 = heavy(cc, en[0], 5, 1)
    cc2 = heavy(cc1, en[0], 5, 1)
    out.append(Probe("copy of a copy (c2 edited from c1, not from the original)",
                     (("o", doc_text(cc), "GovTech", day), ("c1", doc_text(cc1), "Kable", d1),
                      ("c2", doc_text(cc2), "FCW", d2)),
                     (("o", "c1", True), ("c1", "c2", True), ("o", "c2", True)), "no chains by design"))
    t = w.article(en[1], 500, en[1].quotes[:1], False)
    teaser = [list(p) for p in t[:2]] + [["Read the full story on our website."]]
    out.append(Probe("teaser: the first two paragraphs and 'read more'",
                     (("o", doc_text(t), "Government Computing", day), ("c", doc_text(teaser), "UKAuthority", d1)),
                     (("o", "c", True),), "a reader would fold it; below 0.8 by the definition"))
    r = w.article(en[2], 350, en[2].quotes[:1], False)
    related = [["Related stories: " + "; ".join(w.filler(en[2])[:-1] for _ in range(6)) + "."],
               ["Comments are closed. Sign up for our daily newsletter to receive the latest news on public sector "
                "technology, digital transformation and procurement straight to your inbox."]]
    out.append(Probe("copy with a long related-links/newsletter block appended",
                     (("o", doc_text(r), "Governing", day), ("c", doc_text([*r, *related]), "StateScoop", d1)),
                     (("o", "c", True),), f"{doc_words(related)} words appended to {doc_words(r)}"))
    x = w.article(en[3], 400, en[3].quotes[:1], False)
    x_plus = [*x, [w.filler(en[3]) for _ in range(3)]]
    out.append(Probe("update: the same article plus one new paragraph",
                     (("o", doc_text(x), "BBC News", day), ("c", doc_text(x_plus), "BBC News", d2)),
                     (("o", "c", True),), "folds by the definition"))
    y = w.article(de[3], 500, de[3].quotes[:1], False)
    shuffled = [y[0], *rng.sample(y[1:], len(y) - 1)]
    out.append(Probe("copy with every paragraph but the lead reordered",
                     (("o", doc_text(y), "Golem", day), ("c", doc_text(shuffled), "Netzwoche", d1)),
                     (("o", "c", True),), f"{len(y)} paragraphs"))
    z = w.article(de[4], 300, de[4].quotes[:1], True)
    out.append(Probe("the same page crawled twice (other counters and crawl date)",
                     (("o", doc_text(z), "Staatsanzeiger", day), ("c", doc_text(z), "Staatsanzeiger", day)),
                     (("o", "c", True),)))
    return out


def write_probes(out_dir: Path, plist: Sequence[Probe]) -> dict[tuple[int, str], str]:
    """Write the probes' pages (probe number and page name -> id)."""
    rng = random.Random(7)
    ids: dict[tuple[int, str], str] = {}
    for i, pr in enumerate(plist):
        for name, text, source, published in pr.pages:
            crawled = (published or date(2024, 3, 4)) + timedelta(days=30 + len(ids))
            data = render(rng, text, source, published, crawled, variants=False)
            hexid = name if len(name) == 16 else hashlib.blake2b(data, digest_size=8).hexdigest()
            rel = f"p{i:02d}/{len(ids):03d}_{hexid}.txt"
            (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (out_dir / rel).write_bytes(data)
            ids[(i, name)] = hexid
    return ids


_JOINED = re.compile(r"\w+(?:-\w+)*")
_TRANSLIT = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def shingles_joined(text: str) -> frozenset[int]:
    """A variant of core.copies.shingles, to show what it would change: hyphenated words
    joined (Bürger-Portal = Bürgerportal, E-Akte = eAkte) and ae/oe/ue folded like ä/ö/ü
    (Buergerportal = Bürgerportal). Only for comparing shingle sets, never for search terms."""
    words = []
    for m in _JOINED.findall(text):
        word = fold(m.replace("-", ""))
        for a, b in _TRANSLIT:
            word = word.replace(a, b)
        words.append(word.encode("utf-8", "surrogatepass"))
    if len(words) < K.SHINGLE:
        return frozenset((zlib.crc32(b" ".join(words)),)) if words else frozenset()
    return frozenset(zlib.crc32(b" ".join(words[i:i + K.SHINGLE])) for i in range(len(words) - K.SHINGLE + 1))


def probe_report(archive: Path, plist: Sequence[Probe], ids: Mapping[tuple[int, str], str],
                 clusters: Sequence[Sequence[str]]) -> tuple[list[dict[str, Any]], str]:
    """Each check of each probe: the resemblance, whether a reader would fold, whether it is folded."""
    sh, sj = {}, {}
    for f in archive.rglob("*.txt"):
        rel = f.relative_to(archive).as_posix()
        art = parse_bytes(f.read_bytes(), rel)
        sh[art.id] = K.shingles(art.body)
        sj[art.id] = shingles_joined(art.body)
    where = {aid: i for i, c in enumerate(clusters) for aid in c}
    rows = []
    lines = ["| probe | pair | resemblance | joined/translit | a reader would fold | folded | |",
             "|---|---|---|---|---|---|---|"]
    for i, pr in enumerate(plist):
        for a, b, expect in pr.checks:
            ia, ib = ids[(i, a)], ids[(i, b)]
            res = K.resemblance(sh[ia], sh[ib])
            alt = K.resemblance(sj[ia], sj[ib])
            folded = ia in where and where[ia] == where.get(ib)
            ok = folded == expect
            rows.append({"probe": pr.name, "pair": [a, b], "ids": [ia, ib], "resemblance": round(res, 4),
                         "joined_translit": round(alt, 4), "reader_folds": expect, "folded": folded, "note": pr.note})
            lines.append(f"| {pr.name}{' (' + pr.note + ')' if pr.note else ''} | {a}-{b} | {res:.3f} | {alt:.3f} | "
                         f"{'yes' if expect else 'no'} | {'yes' if folded else 'no'} | {'' if ok else 'WRONG'} |")
    return rows, "\n".join(lines)


def incremental(archive: Path, work: Path, egov: str, seed: int) -> list[dict[str, Any]]:
    """Incremental index runs on a copy of `archive`, each compared with the clusters
    computed from scratch (`simulate`) for the archive as it is then: 70% of the pages,
    then the rest added, then 10% removed, then 5% changed (a paragraph appended, or two
    pages' texts swapped under their names)."""
    import shutil

    rng = random.Random(seed + 7)
    inc, index = work / "incremental", work / "incremental.index"
    shutil.rmtree(inc, ignore_errors=True)
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(archive, inc)
    files = sorted(inc.rglob("*.txt"))
    held = {f: f.read_bytes() for f in rng.sample(files, len(files) * 3 // 10)}
    steps: list[dict[str, Any]] = []

    def step(name: str) -> None:
        built, seconds = index_clusters(inc, index, egov, fresh=not steps)
        sim = simulate(inc)
        same = sorted(map(sorted, built)) == sorted(map(sorted, sim))
        steps.append({"step": name, "seconds": round(seconds, 2), "clusters": len(built),
                      "simulated": len(sim), "same": same})
        _log(f"incremental: {name}: {len(built)} clusters in {seconds:.1f} s, "
             + ("= from scratch" if same else f"DIFFERENT from scratch ({len(sim)} clusters)"))

    for f in held:
        f.unlink()
    step(f"{len(files) - len(held)} pages (70%)")
    for f, data in held.items():
        f.write_bytes(data)
    step(f"{len(held)} pages added")
    gone = rng.sample(files, len(files) // 10)
    for f in gone:
        f.unlink()
    step(f"{len(gone)} pages removed")
    left = sorted(set(files) - set(gone))
    changed = rng.sample(left, max(2, len(left) // 20))
    half = len(changed) // 2
    for f in changed[:half]:
        data = f.read_bytes()
        cut = data.rfind(b"\n\n\n")  # before the source line
        extra = b"\n\n" + " ".join(rng.choice(("more", "text", "added", "later", "today"))
                                    for _ in range(60)).encode() + b"."
        f.write_bytes(data[:cut] + extra + data[cut:] if cut > 0 else data + extra)
    swap = changed[half:]
    contents = [f.read_bytes() for f in swap]
    for f, data in zip(swap, contents[1:] + contents[:1], strict=True):
        f.write_bytes(data)
    step(f"{len(changed)} pages changed")
    return steps


# ---------------------------------------------------------------------------
# Cost: builds with and without copy detection
# ---------------------------------------------------------------------------


def cost(archive: Path, old_rev: str, rounds: int, work: Path) -> dict[str, Any]:
    """Full builds of `archive` by the revision `old_rev` (compare.py's worktree and
    virtualenv) and by this checkout, alternating, `rounds` times each: wall time, CPU time
    of the process tree (run.py's /proc samples; it depends far less on the machine's load
    than wall time) and index size, medians and ratios new/old."""
    import os
    import shutil

    from benchmarks import compare, run

    _, old_python, old_commit = compare.checkout(old_rev)
    sides = {"old": (run.egovsearch_script(old_python), work / "cost-old"),
             "new": (run.egovsearch_script(sys.executable), work / "cost-new")}
    figures: dict[str, dict[str, list[float]]] = {k: {"wall s": [], "cpu s": [], "index MB": []} for k in sides}
    load = [os.getloadavg()[0]]
    for i in range(rounds):
        for label, (egov, index) in sides.items():
            shutil.rmtree(index, ignore_errors=True)
            r = run.run_measured([egov, "index", "--archive", str(archive), "--index", str(index), "--quiet"],
                                 cwd=work)
            if r.returncode:
                raise SystemExit(f"{label} build failed: {r.stderr[-1000:]}")
            figures[label]["wall s"].append(r.seconds)
            figures[label]["cpu s"].append(r.cpu_s)
            figures[label]["index MB"].append(run.dir_bytes(index) / run.MB)
        load.append(os.getloadavg()[0])
        _log(f"cost round {i + 1}/{rounds}: " + ", ".join(
            f"{k} {v['wall s'][-1]:.1f} s wall {v['cpu s'][-1]:.1f} s cpu" for k, v in figures.items()))
    med = {k: {m: statistics.median(v) for m, v in f.items()} for k, f in figures.items()}
    return {"old": old_commit, "new": run.code_version(), "rounds": rounds, "load": load, "runs": figures,
            "median": med, "ratio": {m: med["new"][m] / med["old"][m] for m in med["new"]}}


def cost_table(c: Mapping[str, Any], label: str) -> str:
    lines = [f"#### cost: {label}, old {c['old']} (no copy detection) against new {c['new']}, "
             f"{c['rounds']} alternating builds each, load {min(c['load']):.1f}..{max(c['load']):.1f}", "",
             "| measure | old | new | new/old | budget |", "|---|---|---|---|---|"]
    for m in ("wall s", "cpu s", "index MB"):
        lines.append(f"| {m} | {c['median']['old'][m]:.2f} | {c['median']['new'][m]:.2f} | "
                     f"{c['ratio'][m]:.3f} | <= 1.10 |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _log(msg: str) -> None:
    print(f"[copies] {msg}", file=sys.stderr, flush=True)


_CANDIDATES: dict[Path, set[tuple[str, str]]] = {}  # the last simulation's candidate pairs, per archive


def _clusters_for(archive: Path, index: Path, simulate_only: bool, egov: str,
                  central: bool = False) -> Iterator[tuple[str, list[list[str]]]]:
    """('simulated', clusters), then, unless `simulate_only`, ('index', clusters); with
    `central`, also the clusters with `central_keys`."""
    start = time.perf_counter()
    info: dict[str, Any] = {}
    sim = simulate(archive, info=info)
    _log(f"simulated in {time.perf_counter() - start:.1f} s: {len(sim)} clusters; {len(info['candidates'])} "
         f"candidate pairs checked for {info['articles']} articles, {info['edges']} at or above {K.THRESHOLD}")
    _CANDIDATES[archive] = info["candidates"]
    yield "simulated (core.copies in this process)", sim
    if central:
        yield "simulated, same-date ties by most resemblance (central_keys)", simulate(archive, "central")
    if not simulate_only:
        built, seconds = index_clusters(archive, index, egov)
        _log(f"egovsearch index in {seconds:.1f} s: {len(built)} clusters")
        same = sorted(map(sorted, built)) == sorted(map(sorted, sim))
        _log("index clusters " + ("= simulated clusters" if same else "DIFFER from the simulated ones"))
        yield f"index ({seconds:.1f} s build)", built


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stories", type=int, default=2000, help="original stories (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "egovsearch-copies")
    ap.add_argument("--json", type=Path, help="write every figure here")
    ap.add_argument("--same-day", type=float, default=0.0,
                    help="share of copies dated on the original's day (default 0: 1-6 days later)")
    ap.add_argument("--words", type=int, nargs=3, default=list(WORDS), metavar=("LOW", "HIGH", "MODE"),
                    help="story length in words, triangular (default 150 800 350)")
    ap.add_argument("--simulate", action="store_true", help="no index: clusters computed with core.copies here")
    ap.add_argument("--probes", action="store_true", help="also run the hard cases")
    ap.add_argument("--central", action="store_true",
                    help="also simulate same-date ties broken by resemblance (central_keys) instead of by id")
    ap.add_argument("--python", default=sys.executable, help="interpreter of the egovsearch under test")
    ap.add_argument("--incremental", action="store_true",
                    help="also check incremental runs (pages added, removed, changed) against clusters from scratch")
    ap.add_argument("--cost", metavar="REV", help="also time full builds of the archive: REV (compare.py's "
                    "worktree) against this checkout, alternating")
    ap.add_argument("--cost-archive", type=Path, help="the archive --cost builds (default: the generated one)")
    ap.add_argument("--rounds", type=int, default=3, help="builds per side for --cost (default 3)")
    args = ap.parse_args(argv)

    from benchmarks.run import egovsearch_script

    egov = egovsearch_script(args.python)
    args.work.mkdir(parents=True, exist_ok=True)
    words = (args.words[0], args.words[1], args.words[2])
    archive = args.work / (f"copies-{args.stories}-seed{args.seed}" + (f"-sameday{args.same_day}" if args.same_day else "")
                           + (f"-words{'-'.join(map(str, words))}" if words != WORDS else ""))
    import shutil

    shutil.rmtree(archive, ignore_errors=True)
    start = time.perf_counter()
    pages = generate(args.stories, archive, args.seed, args.same_day, words=words)
    t = truth(archive, pages)
    (args.work / f"{archive.name}.truth.json").write_text(json.dumps(t, indent=1, ensure_ascii=False))
    _log(f"{len(pages)} pages in {archive}, truth in {archive.name}.truth.json ({time.perf_counter() - start:.1f} s)")
    result: dict[str, Any] = {"stories": args.stories, "seed": args.seed, "same_day": args.same_day,
                              "archive": str(archive), "runs": {}}
    for label, clusters in _clusters_for(archive, args.work / f"{archive.name}.index", args.simulate, egov,
                                        args.central):
        m = measure(t, clusters)
        result["runs"][label] = m
        if archive in _CANDIDATES and "band_misses" not in result:
            # True copy pairs at or above the threshold that no band brought together.
            cand = _CANDIDATES[archive]
            due = [(min(a["id"], a["original"]), max(a["id"], a["original"])) for a in t["articles"]
                   if a["kind"] == "copy" and a["resemblance"] >= K.THRESHOLD]
            result["band_misses"] = [p for p in due if p not in cand]
            result["candidates"] = len(cand)
            _log(f"band misses: {len(result['band_misses'])} of {len(due)} copy-original pairs >= {K.THRESHOLD}")
        same = f", {args.same_day:.0%} of copies on the original's day" if args.same_day else ""
        same += f", {words[0]}-{words[1]} words (mode {words[2]})" if words != WORDS else ""
        print(markdown(m, f"{label}: {args.stories} stories, seed {args.seed}{same}"))
        print()
    if args.probes:
        parchive = args.work / "probes"
        shutil.rmtree(parchive, ignore_errors=True)
        plist = probes(args.seed)
        ids = write_probes(parchive, plist)
        result["probes"] = {}
        for label, clusters in _clusters_for(parchive, args.work / "probes.index", args.simulate, egov, args.central):
            rows, table = probe_report(parchive, plist, ids, clusters)
            result["probes"][label] = rows
            print(f"#### probes, {label}\n\n{table}\n")
    if args.incremental:
        result["incremental"] = incremental(archive, args.work, egov, args.seed)
        print("#### incremental runs\n\n| step | clusters | build s | = from scratch |\n|---|---|---|---|")
        for st in result["incremental"]:
            print(f"| {st['step']} | {st['clusters']} | {st['seconds']:.1f} | {'yes' if st['same'] else 'NO'} |")
        print()
    if args.cost:
        target = args.cost_archive or archive
        result["cost"] = cost(target, args.cost, args.rounds, args.work)
        print(cost_table(result["cost"], f"{target.name}"))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
