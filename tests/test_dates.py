"""Tests for egovsearch.core.dates: every accepted form, both bounds, and rejection."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egovsearch.core.dates import parse_user_date, user_range
from egovsearch.core.errors import DateError, ExitCode

# A Sunday at the end of a 31-day month after a leap February: month
# arithmetic has to clamp, and "this week" spans Monday 25th to Sunday 31st.
TODAY = date(2024, 3, 31)


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("2011", date(2011, 1, 1), date(2011, 12, 31)),
        ("2012-02", date(2012, 2, 1), date(2012, 2, 29)),
        ("2011-02", date(2011, 2, 1), date(2011, 2, 28)),
        ("2011-06", date(2011, 6, 1), date(2011, 6, 30)),
        ("2011-12", date(2011, 12, 1), date(2011, 12, 31)),
        ("2011-6", date(2011, 6, 1), date(2011, 6, 30)),
        ("06.2011", date(2011, 6, 1), date(2011, 6, 30)),
        ("6.2011", date(2011, 6, 1), date(2011, 6, 30)),
        ("2011-06-06", date(2011, 6, 6), date(2011, 6, 6)),
        ("2011-6-6", date(2011, 6, 6), date(2011, 6, 6)),
        ("06.06.2011", date(2011, 6, 6), date(2011, 6, 6)),
        ("6.6.2011", date(2011, 6, 6), date(2011, 6, 6)),
        ("29.02.2012", date(2012, 2, 29), date(2012, 2, 29)),
        ("31.12.2011", date(2011, 12, 31), date(2011, 12, 31)),
        ("1000", date(1000, 1, 1), date(1000, 12, 31)),
        ("9999-12", date(9999, 12, 1), date(9999, 12, 31)),
        ("  2011-06-06\t", date(2011, 6, 6), date(2011, 6, 6)),
    ],
)
def test_absolute_forms_give_first_and_last_day(text: str, since: date, until: date) -> None:
    assert parse_user_date(text, today=TODAY) == since
    assert parse_user_date(text, end=True, today=TODAY) == until


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2024, 3, 31)),
        ("heute", date(2024, 3, 31)),
        ("yesterday", date(2024, 3, 30)),
        ("gestern", date(2024, 3, 30)),
        ("vorgestern", date(2024, 3, 29)),
        ("day before yesterday", date(2024, 3, 29)),
        ("1 day ago", date(2024, 3, 30)),
        ("3 days ago", date(2024, 3, 28)),
        ("31 days ago", date(2024, 2, 29)),
        ("a week ago", date(2024, 3, 24)),
        ("2 weeks ago", date(2024, 3, 17)),
        ("two weeks ago", date(2024, 3, 17)),
        ("1 month ago", date(2024, 2, 29)),
        ("a month ago", date(2024, 2, 29)),
        ("2 months ago", date(2024, 1, 31)),
        ("13 months ago", date(2023, 2, 28)),
        ("an year ago", date(2023, 3, 31)),
        ("1 year ago", date(2023, 3, 31)),
        ("10 years ago", date(2014, 3, 31)),
        ("last month", date(2024, 2, 29)),
        ("last year", date(2023, 3, 31)),
        ("vor 1 Tag", date(2024, 3, 30)),
        ("vor 3 Tagen", date(2024, 3, 28)),
        ("vor einem Tag", date(2024, 3, 30)),
        ("vor einer Woche", date(2024, 3, 24)),
        ("vor 2 Wochen", date(2024, 3, 17)),
        ("vor zwei Wochen", date(2024, 3, 17)),
        ("vor fünf Wochen", date(2024, 2, 25)),
        ("vor einem Monat", date(2024, 2, 29)),
        ("vor 2 Monaten", date(2024, 1, 31)),
        ("vor einem Jahr", date(2023, 3, 31)),
        ("vor 3 Jahren", date(2021, 3, 31)),
        ("letzten Monat", date(2024, 2, 29)),
        ("letztes Jahr", date(2023, 3, 31)),
        # Case and spacing do not matter.
        ("  GESTERN ", date(2024, 3, 30)),
        ("Vor  2\tWochen", date(2024, 3, 17)),
        ("2 Weeks Ago", date(2024, 3, 17)),
        ("Last Month", date(2024, 2, 29)),
    ],
)
def test_relative_forms_name_one_day_for_both_bounds(text: str, expected: date) -> None:
    assert parse_user_date(text, today=TODAY) == expected
    assert parse_user_date(text, end=True, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("this year", date(2024, 1, 1), date(2024, 12, 31)),
        ("dieses Jahr", date(2024, 1, 1), date(2024, 12, 31)),
        ("this month", date(2024, 3, 1), date(2024, 3, 31)),
        ("diesen Monat", date(2024, 3, 1), date(2024, 3, 31)),
        ("this week", date(2024, 3, 25), date(2024, 3, 31)),
        ("diese Woche", date(2024, 3, 25), date(2024, 3, 31)),
        ("last week", date(2024, 3, 18), date(2024, 3, 24)),
        ("letzte Woche", date(2024, 3, 18), date(2024, 3, 24)),
    ],
)
def test_current_periods_span_their_period(text: str, since: date, until: date) -> None:
    assert parse_user_date(text, today=TODAY) == since
    assert parse_user_date(text, end=True, today=TODAY) == until


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2024, 3, 31), "1 month ago", date(2024, 2, 29)),  # leap year
        (date(2023, 3, 31), "1 month ago", date(2023, 2, 28)),
        (date(2024, 5, 31), "vor einem Monat", date(2024, 4, 30)),
        (date(2024, 1, 15), "1 month ago", date(2023, 12, 15)),  # across a year
        (date(2024, 2, 29), "1 year ago", date(2023, 2, 28)),
        (date(2024, 2, 29), "4 years ago", date(2020, 2, 29)),
        (date(2024, 3, 1), "yesterday", date(2024, 2, 29)),
        (date(2024, 2, 10), "diesen Monat", date(2024, 2, 1)),
    ],
)
def test_month_arithmetic_clamps_the_day(today: date, text: str, expected: date) -> None:
    assert parse_user_date(text, today=today) == expected


def test_this_month_end_in_february_of_a_leap_year() -> None:
    assert parse_user_date("this month", end=True, today=date(2024, 2, 10)) == date(2024, 2, 29)


def test_today_defaults_to_the_real_day() -> None:
    assert parse_user_date("heute") == date.today()


INVALID = [
    "",
    "   ",
    "31.02.2011",
    "30.02.2012",
    "29.02.2011",
    "2011-02-30",
    "2011-13-01",
    "2011-13",
    "2011-00",
    "2011-06-00",
    "00.06.2011",
    "13.2011",
    "0000",
    "0000-01-01",
    "0999",
    "999",
    "10000",
    "11",
    "2011/06/06",
    "06/06/2011",
    "6.6.11",
    "2011-06-06x",
    "2011 06 06",
    "banana",
    "a",
    "ago",
    "vor",
    "tomorrow",
    "morgen",
    "in 2 days",
    "2 apples ago",
    "zwei weeks ago",
    "vor 2 days",
    "2 tagen ago",
    "vor two Wochen",
    "-2 days ago",
    "last day",
    "this decade",
    "999999 years ago",
    "999999 weeks ago",
    "٢٠١١",  # Arabic-Indic digits are not a year here
    "2011-06-06\n2012",
    "[bold]2011[/bold]",
    "\x1b[31m2011",
]


@pytest.mark.parametrize("text", INVALID)
@pytest.mark.parametrize("end", [False, True])
def test_junk_and_impossible_dates_are_rejected(text: str, end: bool) -> None:
    with pytest.raises(DateError) as info:
        parse_user_date(text, end=end, today=TODAY)
    message = str(info.value)
    shown = text.strip().replace("\n", "\\n").replace("\x1b", "\\x1b")
    assert message == (
        f"cannot understand the date '{shown}' "
        "(use YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY or '2 weeks ago')"
    )
    assert info.value.exit_code == ExitCode.ERROR


def test_error_message_quotes_the_exact_example_from_the_brief() -> None:
    with pytest.raises(DateError, match=r"^cannot understand the date '31\.02\.2011' \(use "):
        parse_user_date("31.02.2011")


def test_error_message_escapes_control_characters_and_stays_short() -> None:
    with pytest.raises(DateError) as info:
        parse_user_date("\x1b]0;pwned\x07" + "x" * 200, today=TODAY)
    message = str(info.value)
    assert "\x1b" not in message and "\x07" not in message
    assert "'\\x1b]0;pwned\\x07" in message
    # 60 characters at most: the 10 of the escape sequence, 47 x and "...".
    assert "x" * 47 + "...'" in message
    assert "x" * 48 not in message


def test_range_parses_since_as_start_and_until_as_end() -> None:
    assert user_range("2011", "2011", today=TODAY) == (date(2011, 1, 1), date(2011, 12, 31))
    assert user_range("2011-06", "06.06.2012", today=TODAY) == (
        date(2011, 6, 1),
        date(2012, 6, 6),
    )
    assert user_range("vor 2 Wochen", "gestern", today=TODAY) == (
        date(2024, 3, 17),
        date(2024, 3, 30),
    )
    assert user_range("this month", "this month", today=TODAY) == (
        date(2024, 3, 1),
        date(2024, 3, 31),
    )


def test_range_with_missing_bounds() -> None:
    assert user_range(None, None, today=TODAY) == (None, None)
    assert user_range("2011", None, today=TODAY) == (date(2011, 1, 1), None)
    assert user_range(None, "2011", today=TODAY) == (None, date(2011, 12, 31))


def test_range_of_one_day_is_allowed() -> None:
    assert user_range("2011-06-06", "6.6.2011", today=TODAY) == (
        date(2011, 6, 6),
        date(2011, 6, 6),
    )


def test_inverted_range_is_an_error() -> None:
    with pytest.raises(DateError) as info:
        user_range("2012", "2011", today=TODAY)
    assert str(info.value) == "--since (2012-01-01) is after --until (2011-12-31)"
    with pytest.raises(
        DateError, match=r"^--since \(2024-03-30\) is after --until \(2024-03-29\)$"
    ):
        user_range("gestern", "vorgestern", today=TODAY)


@pytest.mark.parametrize(("since", "until"), [("junk", "2011"), ("2011", "31.02.2011")])
def test_range_reports_the_bad_bound(since: str, until: str) -> None:
    bad = since if since == "junk" else until
    with pytest.raises(DateError, match=f"^cannot understand the date '{bad}'"):
        user_range(since, until, today=TODAY)


@settings(derandomize=True, max_examples=500, deadline=None)
@given(st.text(), st.booleans())
def test_any_text_parses_or_raises_date_error(text: str, end: bool) -> None:
    try:
        result = parse_user_date(text, end=end, today=TODAY)
    except DateError as error:
        assert "\n" not in str(error) and "\x1b" not in str(error)
    else:
        assert isinstance(result, date)


# Text built from the pieces the parser looks for reaches the deep branches
# (month 0, day 32, huge counts) far more often than arbitrary Unicode does.
_PIECES = st.sampled_from(
    ["0", "1", "2", "9", "12", "13", "31", "99", "2011", "0000", "999999", "-", ".", " ",
     "vor", "ago", "days", "wochen", "monaten", "month", "einem", "a", "last", "this",
     "jahr", "woche", "heute", "\x00", "ß", "İ"]
)  # fmt: skip


@settings(derandomize=True, max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=6).map("".join), st.booleans(), st.dates())
def test_date_like_text_parses_or_raises_date_error(text: str, end: bool, today: date) -> None:
    try:
        result = parse_user_date(text, end=end, today=today)
    except DateError:
        pass
    else:
        assert isinstance(result, date)
