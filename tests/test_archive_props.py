"""Property-based tests of the archive reader (hypothesis, derandomized).

1. Arbitrary bytes never raise anything but NotAnArticle, and whatever parses
   is a clean Article (no control characters, known language, a body).
2. A well-formed page (random paragraphs of words with umlauts, optional
   header, source line and footer, any supported encoding and line ending)
   keeps every paragraph: the body is exactly the paragraphs joined by blank
   lines.
"""

from __future__ import annotations

import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egovsearch.core.archive import parse_bytes
from egovsearch.core.errors import NotAnArticle

PROPS = settings(
    derandomize=True, database=None, max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

HEADER = "Today 1078\n\nYesterday 1557\n\nAll 39534380\n\nMonday,\u00a016.09.2024\n"
SLOGAN = "eGovernment Forschung seit 2001 | eGovernment Research since 2001\n"
FOOTER = "\n\nBitte besuchen Sie/Please visit:\n\nGo to top"

# Fragments that make random bytes look like pages, so the fuzzing reaches
# the structure parser and not only the decoder.
FRAGMENTS = [
    HEADER.encode(),
    SLOGAN.encode(),
    FOOTER.encode(),
    b"Quelle/Source: ",
    b", 06.06.2011",
    b"\r\n",
    b"\n\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00",
    b"\x1b[31m",
    b"\x1b]8;;",
    b"<b>",
    b"&amp;",
    b"&#",
    b"\xc3\xbc",
    b"\xfc",
    b"\x81",
    b"\xe2\x80",
    "Straße".encode(),
]
page_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=40)), max_size=12).map(b"".join)
text_in_any_encoding = st.tuples(
    st.text(max_size=200), st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1"])
).map(lambda t: t[0].encode(t[1], "replace"))


def _check(data: bytes) -> None:
    try:
        article = parse_bytes(data, "x.txt")
    except NotAnArticle as exc:
        assert exc.path == "x.txt" and exc.reason
        return
    assert article.body and article.title
    assert article.language in ("de", "en")
    assert article.words >= 0
    for field in (article.title, article.body, article.source or ""):
        assert not CONTROL.search(field), field
        assert "\r" not in field
    assert article.published is None or isinstance(article.published, date)


@PROPS
@given(st.binary(max_size=600))
def test_arbitrary_bytes_only_raise_not_an_article(data: bytes) -> None:
    _check(data)


@PROPS
@given(page_like)
def test_page_like_bytes_only_raise_not_an_article(data: bytes) -> None:
    _check(data)


@PROPS
@given(text_in_any_encoding)
def test_encoded_text_only_raises_not_an_article(data: bytes) -> None:
    _check(data)


# --- well-formed pages --------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜéè"
# The first word of a paragraph is a real word, so a random paragraph can never
# be a noise line by chance ("Go to top", "Today 5", "Source: x" all need other
# first words, a digit or a colon).
FIRST = ["Die", "The", "Über", "Straße", "Behörde", "Council", "Bürger", "Ministers"]
word = st.text(alphabet=LETTERS, min_size=1, max_size=12)
sentence = st.tuples(st.sampled_from(FIRST), st.lists(word, max_size=15)).map(lambda t: " ".join([t[0], *t[1]]) + ".")
paragraph = st.lists(sentence, min_size=1, max_size=3).map(" ".join)


@st.composite
def pages(draw: st.DrawFn) -> tuple[bytes, list[str], str | None]:
    paras = draw(st.lists(paragraph, min_size=1, max_size=6))
    has_header = draw(st.booleans())
    source = draw(st.sampled_from([None, "Public Service", "Behörden Spiegel", "Bund, Länder"]))
    text = (HEADER + SLOGAN if has_header else "") + "\n\n".join(paras)
    if source is not None:
        text += f"\n\n\nQuelle/Source: {source}, 06.06.2011"
    if draw(st.booleans()):
        text += FOOTER
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(encoding), paras, source


@PROPS
@given(pages())
def test_no_paragraph_of_a_well_formed_page_is_lost(page: tuple[bytes, list[str], str | None]) -> None:
    data, paras, source = page
    article = parse_bytes(data, "x.txt")
    assert article.body == "\n\n".join(paras)
    assert article.source == source
    assert article.published == (date(2011, 6, 6) if source else None)
    assert paras[0].startswith(article.title.rstrip("…"))
