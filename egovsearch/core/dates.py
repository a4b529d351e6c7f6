"""Dates, in two contracts: dates typed by users (strict) and dates written on
archive pages (lenient).

``read_page_date`` reads a date as pages write it (``06.06.2011``, ``6. Juni
2011``, ``June 6, 2011``...) and gives None for anything it cannot read: a
page with an odd date is still an article, just an undated one.

``parse_user_date`` and ``user_range`` read what a user types for
``--since`` / ``--until``, in English and German, and raise ``DateError``
for anything else. Accepted forms (case-insensitive, surrounding and repeated spaces ignored):

* absolute: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``DD.MM.YYYY``, ``MM.YYYY``
  (one-digit days and months allowed, years 1000..9999). A year or month names
  a period: its first day for ``--since`` (``end=False``) and its last day for
  ``--until`` (``end=True``), so both bounds stay inclusive.
* relative days: ``today``/``heute``, ``yesterday``/``gestern``,
  ``vorgestern``/``day before yesterday``; ``N days|weeks|months|years ago``,
  ``a week ago``, ``vor N Tagen|Wochen|Monaten|Jahren``, ``vor einem Monat``,
  ``vor einer Woche``; ``last week|month|year``, ``letzte Woche``,
  ``letzten Monat``, ``letztes Jahr`` (= one unit ago). These name a single day,
  the same for both bounds (except ``last week``: a calendar week, below). Months are calendar months with the day clamped:
  2024-03-31 minus one month is 2024-02-29.
* relative periods: ``this week|month|year``, ``diese Woche``,
  ``diesen Monat``, ``dieses Jahr`` (ISO week Monday..Sunday, month, year);
  ``last week``/``letzte Woche`` is the calendar week before this one.
* calendar weeks (ISO 8601, as German plans count them, "KW"): ``2024-W12``,
  ``KW 12/2024``, ``KW12 2024``, ``week 12 2024``, ``Woche 12/2024``, and
  ``KW 12`` (this year's). A week means its Monday for ``--since`` and its
  Sunday for ``--until``; week 53 only in years that have one.

Anything else, and impossible dates such as ``31.02.2011``, raise
``DateError``. Standard library only and nothing heavy: the archive reader
imports this module on every query (for page dates), so the user forms'
patterns are compiled at their first use (~1 ms), not at import.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from typing import NamedTuple

from egovsearch.core.errors import DateError, shown

__all__ = ["looks_like_page_date", "parse_user_date", "read_page_date", "user_range"]

# ---------------------------------------------------------------------------
# Dates on archive pages: lenient
# ---------------------------------------------------------------------------

_MONTHS = {
    "januar": 1, "jänner": 1, "january": 1, "jan": 1,
    "februar": 2, "february": 2, "feb": 2,
    "märz": 3, "maerz": 3, "march": 3, "mar": 3, "mär": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "december": 12, "dez": 12, "dec": 12,
}  # fmt: skip
_DMY = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})\.?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_D_MONTH_Y = re.compile(r"(\d{1,2})\.?\s+([^\W\d_]+)\.?\s+(\d{4})")
_MONTH_D_Y = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_PAGE_MIN_YEAR, _PAGE_MAX_YEAR = 1900, 2099


def read_page_date(text: str) -> date | None:
    """A date written ``06.06.2011``, ``6.6.2011``, ``06.06.11`` (20YY),
    ``2011-06-06``, ``6. Juni 2011`` or ``June 6, 2011``; None for anything
    else, including impossible dates like 31.02.2011 (never guessed)."""
    s = text.strip()
    if m := _DMY.fullmatch(s):
        d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
        year = 2000 + int(y) if len(y) == 2 else int(y)
    elif m := _ISO.fullmatch(s):
        year, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _D_MONTH_Y.fullmatch(s):
        mo_ = _MONTHS.get(m.group(2).lower())
        if mo_ is None:
            return None
        d, mo, year = int(m.group(1)), mo_, int(m.group(3))
    elif m := _MONTH_D_Y.fullmatch(s):
        mo_ = _MONTHS.get(m.group(1).lower())
        if mo_ is None:
            return None
        d, mo, year = int(m.group(2)), mo_, int(m.group(3))
    else:
        return None
    if not _PAGE_MIN_YEAR <= year <= _PAGE_MAX_YEAR:
        return None
    try:
        return date(year, mo, d)
    except ValueError:
        return None




def looks_like_page_date(text: str) -> bool:
    """`text` is written like a numeric date (``06.06.2011``, ``2011-06-06``),
    possible or not (31.02.2011 looks like one)."""
    return bool(_DMY.fullmatch(text) or _ISO.fullmatch(text))


# ---------------------------------------------------------------------------
# Dates typed by users: strict
# ---------------------------------------------------------------------------

_HINT = "use YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY or '2 weeks ago'"
_MIN_YEAR, _MAX_YEAR = 1000, 9999  # user dates: any four-digit year
# Longer input is cut in the message: it is echoed to a terminal on one line.
_MAX_SHOWN = 60


class _Forms(NamedTuple):
    year: re.Pattern[str]
    year_month: re.Pattern[str]
    iso_day: re.Pattern[str]
    german_day: re.Pattern[str]
    german_month: re.Pattern[str]
    en_ago: re.Pattern[str]
    de_ago: re.Pattern[str]
    last: re.Pattern[str]
    this: re.Pattern[str]
    iso_week: re.Pattern[str]
    named_week: re.Pattern[str]


@functools.cache
def _forms() -> _Forms:
    """The user forms' patterns, compiled at their first use."""
    number = r"(\d{1,6}|[a-zäöüß]+)"
    # re.ASCII: "\d" must not match other scripts' digits ("٢٠١١" is not a year).
    return _Forms(
        year=re.compile(r"(\d{4})", re.ASCII),
        year_month=re.compile(r"(\d{4})-(\d{1,2})", re.ASCII),
        iso_day=re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII),
        german_day=re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII),
        german_month=re.compile(r"(\d{1,2})\.(\d{4})", re.ASCII),
        en_ago=re.compile(number + r" ([a-z]+) ago", re.ASCII),
        de_ago=re.compile(r"vor " + number + r" ([a-z]+)", re.ASCII),
        last=re.compile(r"(?:last|letzte|letzten|letztes|letzter) ([a-z]+)"),
        this=re.compile(r"(?:this|diese|diesen|dieses|dieser) ([a-z]+)"),
        iso_week=re.compile(r"(\d{4})-?w(\d{1,2})", re.ASCII),
        # "kw 12/2024", "kw12 2024", "week 12, 2024", "woche 12"; the year needs a
        # separator, so "kw122024" is no week.
        named_week=re.compile(r"(?:kw|week|woche) ?(\d{1,2})(?:(?: ?[/,] ?| )(\d{4}))?", re.ASCII),
    )

# Number words, so "two weeks ago" and "vor zwei Wochen" work like the digits.
_EN_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_DE_WORDS = {
    "ein": 1, "eins": 1, "einem": 1, "einer": 1, "zwei": 2, "drei": 3,
    "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10,
}  # fmt: skip

# Each language keeps its own words, so "vor 2 days" stays an error.
_EN_UNITS = {
    "day": "day", "days": "day", "week": "week", "weeks": "week",
    "month": "month", "months": "month", "year": "year", "years": "year",
}  # fmt: skip
_DE_UNITS = {
    "tag": "day", "tagen": "day", "woche": "week", "wochen": "week",
    "monat": "month", "monaten": "month", "jahr": "year", "jahren": "year",
}  # fmt: skip
_UNITS = _EN_UNITS | _DE_UNITS  # "last"/"this" forms: unit words of either language

_DAYS_BACK = {
    "today": 0, "heute": 0,
    "yesterday": 1, "gestern": 1,
    "day before yesterday": 2, "vorgestern": 2,
}  # fmt: skip


def parse_user_date(text: str, *, end: bool = False, today: date | None = None) -> date:
    """The date a user means by ``text``: "2011", "06.06.2011", "vor 2 Wochen"...

    Args:
        text: what the user typed.
        end: for a period (a year, a month, "this week") give its last day
            instead of its first, for ``--until``.
        today: the day relative forms count from; ``date.today()`` if None.

    Raises:
        DateError: ``text`` is not one of the accepted forms or names no real day.
    """
    words = " ".join(text.split()).lower()
    today = today or date.today()
    try:
        found = _week(words, end, today) or _absolute(words, end) or _relative(words, end, today)
    except (ValueError, OverflowError):
        # date() rejects day 31 of February, month 13, year 0...; timedelta and
        # date arithmetic overflow on "999999 years ago".
        found = None
    if found is None:
        raise DateError(f"cannot understand the date '{shown(text, _MAX_SHOWN)}' ({_HINT})")
    return found


def user_range(
    since: str | None, until: str | None, *, today: date | None = None
) -> tuple[date | None, date | None]:
    """``--since`` and ``--until`` as inclusive dates; None where not given.

    Raises:
        DateError: either cannot be parsed, or since falls after until.
    """
    today = today or date.today()  # one "today" for both, even across midnight
    start = None if since is None else parse_user_date(since, today=today)
    stop = None if until is None else parse_user_date(until, end=True, today=today)
    if start is not None and stop is not None and start > stop:
        raise DateError(f"--since ({start.isoformat()}) is after --until ({stop.isoformat()})")
    return start, stop


def _absolute(words: str, end: bool) -> date | None:
    """Calendar forms; None when ``words`` is not one of them."""
    f = _forms()
    if m := f.iso_day.fullmatch(words):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := f.german_day.fullmatch(words):
        return _day(int(m[3]), int(m[2]), int(m[1]))
    if m := f.year_month.fullmatch(words):
        return _month(int(m[1]), int(m[2]), end)
    if m := f.german_month.fullmatch(words):
        return _month(int(m[2]), int(m[1]), end)
    if m := f.year.fullmatch(words):
        year = _check_year(int(m[1]))
        return date(year, 12, 31) if end else date(year, 1, 1)
    return None


def _relative(words: str, end: bool, today: date) -> date | None:
    """Forms counted from ``today``; None when ``words`` is not one of them."""
    if words in _DAYS_BACK:
        return today - timedelta(days=_DAYS_BACK[words])
    f = _forms()
    for pattern, numbers, units in (
        (f.en_ago, _EN_WORDS, _EN_UNITS),
        (f.de_ago, _DE_WORDS, _DE_UNITS),
    ):
        if m := pattern.fullmatch(words):
            count = int(m[1]) if m[1].isdigit() else numbers.get(m[1])
            unit = units.get(m[2])
            return None if count is None or unit is None else _back(today, count, unit)
    if m := f.last.fullmatch(words):
        unit = _UNITS.get(m[1])
        if unit == "week":  # the calendar week before this one, as planners mean it
            return _this(today - timedelta(weeks=1), unit, end)
        return None if unit is None or unit == "day" else _back(today, 1, unit)
    if m := f.this.fullmatch(words):
        return _this(today, _UNITS.get(m[1]), end)
    return None


def _week(words: str, end: bool, today: date) -> date | None:
    """A calendar week (ISO 8601): its Monday, or its Sunday with ``end``;
    None when ``words`` is not written as a week.

    Raises:
        DateError: a week the year does not have (0, 54, or 53 in a year of 52).
    """
    f = _forms()
    if m := f.iso_week.fullmatch(words):
        year, week = int(m[1]), int(m[2])
    elif m := f.named_week.fullmatch(words):
        week = int(m[1])
        year = int(m[2]) if m[2] else today.isocalendar().year  # "KW 12": this (ISO) year's
    else:
        return None
    year = _check_year(year)
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        weeks = date(year, 12, 28).isocalendar().week  # 28 December is always in the year's last week
        raise DateError(f"{year} has no calendar week {week} (its weeks are 1 to {weeks})") from None
    return monday + timedelta(days=6) if end else monday


def _back(today: date, count: int, unit: str) -> date:
    """``count`` days/weeks/months/years before ``today``; months clamp the day."""
    if unit == "day":
        return today - timedelta(days=count)
    if unit == "week":
        return today - timedelta(weeks=count)
    months = count * 12 if unit == "year" else count
    index = today.year * 12 + today.month - 1 - months
    year, month0 = divmod(index, 12)
    # date() raises ValueError below year 1: parse_user_date turns that into DateError.
    return date(year, month0 + 1, min(today.day, _last_day(year, month0 + 1)))


def _this(today: date, unit: str | None, end: bool) -> date | None:
    """First (or last, with ``end``) day of the current week, month or year."""
    if unit == "year":
        return date(today.year, 12, 31) if end else date(today.year, 1, 1)
    if unit == "month":
        return date(today.year, today.month, _last_day(today.year, today.month) if end else 1)
    if unit == "week":  # ISO week, Monday to Sunday, as German calendars count
        monday = today - timedelta(days=today.weekday())
        return monday + timedelta(days=6) if end else monday
    return None


def _day(year: int, month: int, day: int) -> date:
    """A real calendar day; ValueError for 31.02. or month 13."""
    return date(_check_year(year), month, day)


def _month(year: int, month: int, end: bool) -> date:
    """First or last day of a month; ValueError for month 0 or 13."""
    year = _check_year(year)
    return date(year, month, _last_day(year, month) if end else 1)


def _check_year(year: int) -> int:
    """Only four-digit years make sense for an archive; "0000" and "0999" do not."""
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"year {year} out of range")
    return year


def _last_day(year: int, month: int) -> int:
    """Days in the month (no ``calendar`` import: it pulls in ``locale``)."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


# --- durations (--half-life) ---------------------------------------------------------

# Days per unit: a month and a year on average (365.25 days a year), so that
# 12m and 1y are the same half-life.
_DURATION_UNITS = {"d": 1.0, "w": 7.0, "m": 365.25 / 12, "y": 365.25}


def parse_duration_days(text: str) -> float:
    """A positive duration such as ``90d``, ``6w``, ``6m`` (months), ``2y`` or
    ``1.5y``, in days; DateError for anything else."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([dwmy])\s*", text.lower())
    if m is None or not float(m[1]) > 0:
        raise DateError(f"'{shown(text)}' is no duration; give a number with d (days), w (weeks), "
                        "m (months) or y (years): 90d, 6m, 2y")
    return float(m[1]) * _DURATION_UNITS[m[2]]
