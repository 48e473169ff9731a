"""Curated dating knowledge, read from curated/dates.yml: every fact with its evidence and its line.

Two sections:

  anniversary_cues  fixed reference dates ("the founding of the PRC": 1949-10-01), each with its
                    evidence, that an anniversary in an entry's text counts from ("Putin sends telegram
                    to Xi on the 72nd anniversary of the establishment of the PRC" -> 2021-10-01), plus
                    the words that make an entry a message sent for the anniversary and the assumption
                    that such a message is dated the day itself.
  dates             the date of one entry of one source, keyed by the source id, the entry's position
                    and the opening words of its excerpt (so an edited document is noticed rather than
                    silently mis-dated), with a citation or the reasoning.

Reading is pure: the file in, dataclasses out; a problem raises InputError naming the file and line.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional

from .. import schemas
from ..model import InputError, Problem
from ..yamlfiles import Marks


@dataclass(frozen=True)
class Reference:
    """A fixed day that anniversaries count from."""

    id: str
    event: str
    date: dt.date
    names: tuple[str, ...]
    evidence: str
    line: int


@dataclass(frozen=True)
class CuratedDate:
    """The curated date of one entry of one source."""

    source: str
    position: int
    excerpt: str  # the opening words of the entry's excerpt, as a drift check
    earliest: str
    latest: str
    end: Optional[str]
    citation: str  # the citation, or the reasoning when there is no single citation
    out_of_order: Optional[str]  # why the source lists this entry out of its order, if it does
    file: str
    line: int  # line of the item
    date_line: int  # line of its date (or earliest) field: where a contradiction is reported
    disagrees: Optional[str] = None  # why the curated date departs from a source's printed date of the event, if it does

    @property
    def where(self) -> str:
        return f"{self.file}:{self.date_line}"


@dataclass
class CuratedDates:
    file: str
    references: list[Reference] = field(default_factory=list)
    message_words: tuple[str, ...] = ()
    assumption: str = ""
    dates: dict[tuple[str, int], CuratedDate] = field(default_factory=dict)
    # `pattern` and `message_pattern` are computed once, on first use, after loading is complete.

    @cached_property
    def pattern(self) -> Optional[re.Pattern]:
        """'72nd anniversary of the establishment of the PRC': the ordinal and the reference's name."""
        names = sorted({name for ref in self.references for name in ref.names}, key=lambda n: (-len(n), n))
        if not names:
            return None
        alternatives = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
        return re.compile(
            rf"\b(?P<n>\d{{1,3}})(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?(?P<name>{alternatives})(?![\w-])",
            re.IGNORECASE,
        )

    @cached_property
    def message_pattern(self) -> Optional[re.Pattern]:
        if not self.message_words:
            return None
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in self.message_words) + r")\w*", re.IGNORECASE)

    def reference_named(self, name: str) -> Optional[Reference]:
        wanted = " ".join(name.split()).casefold()
        for ref in self.references:
            if any(" ".join(n.split()).casefold() == wanted for n in ref.names):
                return ref
        return None


def load_curated_dates(path: Path) -> CuratedDates:
    """Read curated/dates.yml (its shape is `schemas.DatesFile`) and check what the shape cannot: a date
    or bounds that hold together, a name claimed by one reference, an entry curated once. A missing
    file means no curated knowledge."""
    file = str(path)
    result = CuratedDates(file)
    if not path.exists():
        return result
    data, marks = schemas.read(path, schemas.DatesFile, {})
    errors: list[Problem] = []
    if data.anniversary_cues is not None:
        _read_cues(data.anniversary_cues, result, errors, marks)
    _read_dates(data.dates, result, errors, marks)
    if errors:
        raise InputError(errors)
    return result


def _read_cues(section: schemas.AnniversaryCues, result: CuratedDates, errors: list[Problem], marks: Marks) -> None:
    file = result.file

    result.message_words = tuple(w.strip() for w in section.message_words)
    result.assumption = " ".join(section.assumption.split())
    seen: dict[str, str] = {}
    for index, ref in enumerate(section.references):
        ref_line = marks.line(("anniversary_cues", "references", index))
        for name in ref.names:
            key = " ".join(name.split()).casefold()
            if key in seen and seen[key] != ref.id:
                errors.append(Problem(file, ref_line, f"name {name!r} is claimed by references {seen[key]!r} and {ref.id!r}", "error"))
            seen[key] = ref.id
        result.references.append(Reference(ref.id, " ".join(ref.event.split()), dt.date.fromisoformat(ref.date),
                                           tuple(ref.names), " ".join(ref.evidence.split()), ref_line))


def _read_dates(section: list[schemas.CuratedDate], result: CuratedDates, errors: list[Problem], marks: Marks) -> None:
    file = result.file
    for index, item in enumerate(section):
        item_line = marks.line(("dates", index))
        source, position = item.source, item.position
        citation = item.citation or item.reasoning
        if citation is None:
            errors.append(Problem(file, item_line, f"curated date for {source} entry {position} needs a citation or its reasoning", "error"))
            continue
        given = item.model_fields_set
        if "date" in given:
            if "earliest" in given or "latest" in given:
                errors.append(Problem(file, item_line, "give either date or earliest and latest, not both", "error"))
                continue
            earliest = latest = item.date
            date_line = marks.line(("dates", index, "date"), key=True)
        else:
            earliest, latest = item.earliest, item.latest
            date_line = marks.line(("dates", index, "earliest"), key=True)
        end = item.end
        if earliest is None or latest is None:
            errors.append(Problem(file, date_line, f"curated date for {source} entry {position}: dates must be YYYY-MM-DD "
                                  "(date, or earliest and latest; optional end)", "error"))
            continue
        if earliest > latest or (end is not None and end < latest):
            errors.append(Problem(file, date_line, f"curated date for {source} entry {position}: bounds invert "
                                  f"({earliest} to {latest}{', ending ' + end if end else ''})", "error"))
            continue
        key = (source, position)
        if key in result.dates:
            errors.append(Problem(file, item_line, f"{source} entry {position} is curated twice "
                                  f"(first at line {result.dates[key].line})", "error"))
            continue
        result.dates[key] = CuratedDate(
            source, position, " ".join(item.excerpt.split()), earliest, latest, end, " ".join(citation.split()),
            " ".join(item.out_of_order.split()) if item.out_of_order else None, file, item_line, date_line,
            " ".join(item.disagrees.split()) if item.disagrees else None,
        )
