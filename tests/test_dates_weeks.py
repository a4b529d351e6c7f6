"""Calendar weeks in --since/--until (ISO 8601 weeks, as German plans count "KW")."""

from __future__ import annotations

from datetime import date

import pytest

from egovsearch.core.dates import parse_user_date, user_range
from egovsearch.core.errors import DateError, ExitCode

# A Wednesday in ISO week 2024-W14 (Monday 1 April to Sunday 7 April).
TODAY = date(2024, 4, 3)


@pytest.mark.parametrize(
    "text",
    ["2024-W12", "2024W12", "2024-w12", "KW 12/2024", "KW12/2024", "kw 12 / 2024", "KW12 2024",
     "KW 12 2024", "week 12 2024", "Week 12, 2024", "WEEK 12/2024", "Woche 12 2024", "  kw  12   2024 ",
     "KW 12"],  # without a year: this year's
)
def test_a_week_is_its_monday_since_and_its_sunday_until(text: str) -> None:
    assert parse_user_date(text, today=TODAY) == date(2024, 3, 18)
    assert parse_user_date(text, end=True, today=TODAY) == date(2024, 3, 24)


@pytest.mark.parametrize(
    ("text", "monday", "sunday"),
    [
        # 2020 has 53 ISO weeks; its last one ends in January 2021.
        ("2020-W53", date(2020, 12, 28), date(2021, 1, 3)),
        ("KW 53/2020", date(2020, 12, 28), date(2021, 1, 3)),
        # Week 1 of 2025 starts in 2024 (the week with the year's first Thursday).
        ("2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
        ("KW 1/2025", date(2024, 12, 30), date(2025, 1, 5)),
        # Week 1 of 2021 starts in January (1 January 2021 was a Friday, in 2020-W53).
        ("2021-W01", date(2021, 1, 4), date(2021, 1, 10)),
        ("2024-W52", date(2024, 12, 23), date(2024, 12, 29)),
        ("2015-W53", date(2015, 12, 28), date(2016, 1, 3)),
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
        ("1000-W01", date(999, 12, 30), date(1000, 1, 5)),  # a four-digit year, a day before it
    ],
)
def test_iso_week_edges(text: str, monday: date, sunday: date) -> None:
    assert parse_user_date(text, today=TODAY) == monday
    assert parse_user_date(text, end=True, today=TODAY) == sunday
    assert monday.weekday() == 0 and sunday.weekday() == 6


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-W53", "2021 has no calendar week 53 (its weeks are 1 to 52)"),
        ("KW 53/2021", "2021 has no calendar week 53 (its weeks are 1 to 52)"),
        ("week 53 2024", "2024 has no calendar week 53 (its weeks are 1 to 52)"),
        ("2020-W54", "2020 has no calendar week 54 (its weeks are 1 to 53)"),
        ("KW 0/2024", "2024 has no calendar week 0 (its weeks are 1 to 52)"),
        ("KW 99 2024", "2024 has no calendar week 99 (its weeks are 1 to 52)"),
    ],
)
@pytest.mark.parametrize("end", [False, True])
def test_weeks_the_year_does_not_have_are_one_line_errors(text: str, message: str, end: bool) -> None:
    with pytest.raises(DateError) as info:
        parse_user_date(text, end=end, today=TODAY)
    assert str(info.value) == message
    assert info.value.exit_code == ExitCode.ERROR


@pytest.mark.parametrize(
    "text",
    ["KW", "KW 123/2024", "kw122024", "2024-W", "2024-W123", "W12", "KW 12/24", "KW 12/0999",
     "0999-W12", "KW 12.2024", "week twelve 2024", "KW 12/2024/1", "Kalenderwoche 12"],
)
def test_malformed_weeks_are_rejected(text: str) -> None:
    with pytest.raises(DateError, match=r"^cannot understand the date '"):
        parse_user_date(text, today=TODAY)


@pytest.mark.parametrize(
    ("today", "this_week", "last_week"),
    [
        (TODAY, (date(2024, 4, 1), date(2024, 4, 7)), (date(2024, 3, 25), date(2024, 3, 31))),
        # A Monday: this week starts today.
        (date(2024, 4, 1), (date(2024, 4, 1), date(2024, 4, 7)), (date(2024, 3, 25), date(2024, 3, 31))),
        # A Sunday: this week ends today.
        (date(2024, 4, 7), (date(2024, 4, 1), date(2024, 4, 7)), (date(2024, 3, 25), date(2024, 3, 31))),
        # New Year: last week spans the change of year.
        (date(2025, 1, 8), (date(2025, 1, 6), date(2025, 1, 12)), (date(2024, 12, 30), date(2025, 1, 5))),
    ],
)
def test_this_and_last_week_in_both_languages(today: date, this_week: tuple[date, date],
                                              last_week: tuple[date, date]) -> None:
    for text in ("this week", "diese Woche", "THIS WEEK", "Diese  Woche"):
        assert user_range(text, text, today=today) == this_week
    for text in ("last week", "letzte Woche", "LAST WEEK", "Letzte Woche"):
        assert user_range(text, text, today=today) == last_week


def test_kw_without_a_year_is_the_iso_year_of_today() -> None:
    # 30 December 2024 is in 2025-W01, so "KW 2" then means 2025's second week.
    assert parse_user_date("KW 2", today=date(2024, 12, 30)) == date(2025, 1, 6)
    assert parse_user_date("KW 52", today=date(2024, 6, 1)) == date(2024, 12, 23)


def test_a_range_of_weeks() -> None:
    assert user_range("KW 10/2024", "2024-W12", today=TODAY) == (date(2024, 3, 4), date(2024, 3, 24))
    assert user_range("KW 12/2024", "KW 12/2024", today=TODAY) == (date(2024, 3, 18), date(2024, 3, 24))
    with pytest.raises(DateError, match=r"^--since \(2024-03-25\) is after --until \(2024-03-24\)$"):
        user_range("KW 13/2024", "KW 12/2024", today=TODAY)


def test_other_forms_are_unchanged() -> None:
    # "a week ago" stays a day; "2024-12" stays a month.
    assert user_range("a week ago", "a week ago", today=TODAY) == (date(2024, 3, 27), date(2024, 3, 27))
    assert user_range("2024-12", "2024-12", today=TODAY) == (date(2024, 12, 1), date(2024, 12, 31))
