"""Dates: give every mention the best bounds its own document supports, and say how.

Rules, in the order of trust:
  1. a date printed for the entry (or read from a dated sentence) is kept as the parser read it;
  2. an entry whose date was stripped is bounded by its document's coverage window (header or
     registry): never a made-up single day.
"""
from __future__ import annotations

import calendar
from typing import Optional

from ..model import DateBounds, Mention, Problem, SourceInfo


def coverage(info: SourceInfo, header: dict) -> tuple[Optional[str], Optional[str]]:
    """The document's coverage window: its own header first, then the registry."""
    start = header.get("coverage_start") or _full_day(info.coverage_start, first=True)
    end = header.get("coverage_end") or _full_day(info.coverage_end, first=False)
    return start, end


def _full_day(value: Optional[str], first: bool) -> Optional[str]:
    if value is None or len(value) == 10:
        return value

    year = int(value[:4])
    if len(value) == 4:
        return f"{year}-01-01" if first else f"{year}-12-31"
    month = int(value[5:7])
    return f"{value}-01" if first else f"{value}-{calendar.monthrange(year, month)[1]:02d}"


def date_mentions(mentions: list[Mention], info: SourceInfo, header: dict) -> list[Problem]:
    """Fill in `mention.date` for every mention of one document; return warnings."""
    problems = []
    start, end = coverage(info, header)
    for mention in mentions:
        if mention.date is not None:
            if start and end and not (start <= mention.date.earliest <= end) and info.format == "chronology":
                problems.append(Problem(info.file, mention.line,
                    f"entry dated {mention.reported_date!r} lies outside the chronology's coverage {start} to {end}"))
            continue
        if start and end:
            mention.date = DateBounds(
                start, end, None, "window", "coverage",
                f"date not printed; bounded by the document's coverage window, {start} to {end}",
            )
        else:
            mention.date = DateBounds(None, None, None, None, "unknown", "no date printed and no coverage window known")
            problems.append(Problem(info.file, mention.line, "entry has no date and its document no coverage window"))
    return problems


def month_of(date: DateBounds) -> Optional[str]:
    """YYYY-MM when the bounds (and the end of a multi-day event) fall in one month, else None."""
    if not date.earliest or not date.latest:
        return None
    last = date.end or date.latest
    return date.earliest[:7] if date.earliest[:7] == last[:7] == date.latest[:7] else None
