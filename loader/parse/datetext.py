"""The calendar, in one place: month and weekday names, dates as documents print them ("Dec. 15, 2021",
"Sept. 23-25, 2021", "Nov. 30-Dec. 2, 2021", "December 15, 2021", "Sep 2021"), the days a partial date
("2021", "2021-09") covers, the sentinels for a bound not known, and how wide bounds are.

Shared by the parsers and the enrichment stages (dating, linking, statements) so each rule lives here.
Names are English and written out, not taken from the locale.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Optional

from ..model import DateBounds

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
# Abbreviations as printed, each with the number of its month ("May" is its own abbreviation).
MONTH_ABBREVIATIONS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sept": 9, "Sep": 9,
                       "Oct": 10, "Nov": 11, "Dec": 12}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # date.weekday() order

MONTHS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)}
MONTHS.update({name.lower(): number for name, number in MONTH_ABBREVIATIONS.items()})
WEEKDAYS = {name.lower(): number for number, name in enumerate(WEEKDAY_NAMES)}
# Every month and weekday name and abbreviation, lower case: words that date a text, not say what it is about.
CALENDAR_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)

# Regular-expression alternatives: a full month name, a weekday name.
MONTH_NAME = "|".join(MONTH_NAMES)
WEEKDAY_NAME = "|".join(WEEKDAY_NAMES)
# A month as printed: full name or abbreviation, with or without a period ("Sept.", "Dec", "December").
MONTH = rf"(?:{MONTH_NAME}|{'|'.join(MONTH_ABBREVIATIONS)})\.?"

# Sentinels for a bound not known: before and after every real day, so they sort as bounds should.
LOW, HIGH = "0000-01-01", "9999-12-31"

# "Dec. 15, 2021" | "Sept. 23-25, 2021" | "Nov. 30-Dec. 2, 2021"
DATE_LABEL = re.compile(
    rf"(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})"
    rf"(?:\s*[-–]\s*(?:(?P<m2>{MONTH})\s+)?(?P<d2>\d{{1,2}}))?"
    rf",\s+(?P<y>\d{{4}})"
)
MONTH_YEAR = re.compile(rf"(?P<m>{MONTH})\s+(?P<y>\d{{4}})")


def month_number(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def safe_date(year: int, month: int, day: int) -> Optional[dt.date]:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def first_day(value: Optional[str]) -> Optional[str]:
    """The first day a partial date covers: "2021" -> 2021-01-01, "2021-09" -> 2021-09-01; a day as given."""
    if value is None or len(value) == 10:
        return value
    if len(value) == 4:
        return f"{value}-01-01"
    return f"{value}-01"


def last_day(value: Optional[str]) -> Optional[str]:
    """The last day a partial date covers: "2021" -> 2021-12-31, "2021-02" -> 2021-02-28; a day as given."""
    if value is None or len(value) == 10:
        return value
    year = int(value[:4])
    if len(value) == 4:
        return f"{year}-12-31"
    return month_bounds(year, int(value[5:7]))[1].isoformat()


def is_real_date(value: str) -> bool:
    """True for a day, month or year that exists in the calendar (not 2021-02-30, 2021-13 or 0000)."""
    try:
        dt.date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return False
    return True


def width_days(earliest: Optional[str], latest: Optional[str]) -> Optional[int]:
    """How many days the bounds allow, counting both: 1 when the day is known; None when a bound is unknown."""
    if not earliest or not latest:
        return None
    return (dt.date.fromisoformat(latest) - dt.date.fromisoformat(earliest)).days + 1


def gap_days(lo: str, hi: str, other_lo: str, other_hi: str) -> int:
    """Days between two inclusive ranges of days: 0 when they overlap."""
    if lo > other_hi:
        return (dt.date.fromisoformat(lo) - dt.date.fromisoformat(other_hi)).days
    if other_lo > hi:
        return (dt.date.fromisoformat(other_lo) - dt.date.fromisoformat(hi)).days
    return 0


def precision_of(earliest: Optional[str], latest: Optional[str]) -> Optional[str]:
    """day (1 day), days (2-6), week (7-13), month (14-31), window (longer)."""
    width = width_days(earliest, latest)
    if width is None:
        return None
    if width == 1:
        return "day"
    if width <= 6:
        return "days"
    if width <= 13:
        return "week"
    if width <= 31:
        return "month"
    return "window"


def month_of(date: DateBounds) -> Optional[str]:
    """YYYY-MM when the bounds (and the end of a multi-day event) fall in one month, else None."""
    if not date.earliest or not date.latest:
        return None
    last = date.end or date.latest
    return date.earliest[:7] if date.earliest[:7] == last[:7] == date.latest[:7] else None


def last_day_of(date: DateBounds) -> Optional[str]:
    """The last day the event can have taken place on: its end when that comes after its latest start,
    else its latest start; None when that is unknown."""
    if not date.latest:
        return None
    return max(date.latest, date.end or date.latest)


def bounds_from_label(match: re.Match) -> Optional[DateBounds]:
    """DateBounds for a DATE_LABEL match, or None when the printed day does not exist."""
    year = int(match["y"])
    first_month = month_number(match["m1"])
    start = safe_date(year, first_month, int(match["d1"]))
    if start is None:
        return None
    if match["d2"] is None:
        return DateBounds(start.isoformat(), start.isoformat(), None, "day", "explicit")
    last_month = month_number(match["m2"]) if match["m2"] else first_month
    # "Dec. 30-Jan. 2, 2021" would cross a year; the printed year belongs to the end.
    end = safe_date(year, last_month, int(match["d2"]))
    if end is None:
        return None
    if end < start:
        start = safe_date(year - 1, first_month, int(match["d1"]))
        if start is None or end < start:
            return None
    return DateBounds(start.isoformat(), start.isoformat(), end.isoformat(), "day", "explicit")


def parse_month_year(text: str) -> Optional[tuple[int, int]]:
    match = MONTH_YEAR.fullmatch(text.strip())
    if not match:
        return None
    return int(match["y"]), month_number(match["m"])


# --------------------------------------------------------------------------------------------------
# Dates inside running text: "Oct. 13, 2009", "July 23, 2019", "on Nov. 5", "December 6", "16-17 November"

# Month first: "Nov. 5", "Nov. 30-Dec. 2, 2021", "July 23, 2019". The day must not run on into more
# digits ("Dec 2021" is a month, not a day) and is not a year ("May 2021").
_MONTH_FIRST = (
    rf"(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:\s*[-–]\s*(?:(?P<m2>{MONTH})\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)?"
    rf"(?!\d)(?:,?\s+(?P<y>\d{{4}})\b)?"
)
# Day first: "16 November", "14-17 October 2021".
_DAY_FIRST = (
    rf"(?P<e1>\d{{1,2}})(?:\s*[-–]\s*(?P<e2>\d{{1,2}}))?\s+(?P<n1>{MONTH})(?![a-z])(?:,?\s+(?P<z>\d{{4}})\b)?"
)
IN_TEXT = re.compile(rf"(?<![\w.])(?:{_MONTH_FIRST}|{_DAY_FIRST})")


class TextDate:
    """One explicit date read in running text, with its span (offsets into the text given) and days."""

    __slots__ = ("start", "end", "text", "first", "last", "year_printed")

    def __init__(self, start: int, end: int, text: str, first: dt.date, last: dt.date, year_printed: bool):
        self.start, self.end, self.text = start, end, text
        self.first, self.last, self.year_printed = first, last, year_printed

    def __repr__(self) -> str:
        return f"TextDate({self.text!r}, {self.first}..{self.last})"


def _year_for(month: int, day: int, window: tuple[Optional[str], Optional[str]]) -> Optional[int]:
    """The year of a date printed without one: the year in which it falls inside the coverage window.

    With no window, a day that falls in none of the window's years, or one that falls in several
    (a window longer than a year), None: the date is not read rather than given a guessed year.
    """
    start, end = window
    if not start or not end:
        return None
    years = [year for year in range(int(start[:4]), int(end[:4]) + 1)
             if (day_in := safe_date(year, month, day)) is not None and start <= day_in.isoformat() <= end]
    return years[0] if len(years) == 1 else None  # none, or ambiguous in a window of several years


def dates_in_text(text: str, window: tuple[Optional[str], Optional[str]] = (None, None)) -> list[TextDate]:
    """Every explicit day (or span of days) printed in `text`, in order.

    A date without a year takes the year in which it falls inside `window` (the document's coverage);
    one that falls outside the window in every year is skipped: no year is guessed.
    """
    found = []
    for match in IN_TEXT.finditer(text):
        if match["m1"]:
            m1, d1, m2, d2, y = match["m1"], match["d1"], match["m2"], match["d2"], match["y"]
        else:
            m1, d1, m2, d2, y = match["n1"], match["e1"], None, match["e2"], match["z"]
        first_month, last_month = month_number(m1), month_number(m2) if m2 else month_number(m1)
        first_day, last_day = int(d1), int(d2) if d2 else int(d1)
        if y:
            year = int(y)
        else:
            year = _year_for(first_month, first_day, window)
            if year is None:
                continue
        first = safe_date(year, first_month, first_day)
        last = safe_date(year, last_month, last_day)
        if first is None or last is None:
            continue
        if last < first:  # "Dec. 30-Jan. 2": the printed year belongs to the end when one was printed
            if y:
                first = safe_date(year - 1, first_month, first_day)
            else:
                last = safe_date(year + 1, last_month, last_day)
            if first is None or last is None or last < first:
                continue
        found.append(TextDate(match.start(), match.end(), match.group(0), first, last, bool(y)))
    return found
