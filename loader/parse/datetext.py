"""Reading dates as documents print them: "Dec. 15, 2021", "Sept. 23-25, 2021", "Nov. 30-Dec. 2, 2021",
"December 15, 2021", "Sep 2021". Shared by every parser so each rule lives in one place."""
from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Optional

from ..model import DateBounds

MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9

# A month as printed: full name or abbreviation, with or without a period ("Sept.", "Dec", "December").
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"

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
