"""Dates printed inside an entry's own words, and what each says about the entry's event: on it, a
bound, a back-reference to an earlier event (which becomes a mention of its own), or neither.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional

from ...model import DateBounds, Mention, SourceInfo
from ...parse.datetext import MONTH_ABBREVIATIONS, TextDate, dates_in_text
from .entries import ORDERED_FORMATS, coverage
from .wording import day_range

# What the words just before a date say it is the date of (within its sentence, case-insensitive).
_NEITHER = re.compile(r"\b(?:inked|signed|concluded|adopted|dated|expires?|expired|expiring|expiry|valid|until|till|"
                      r"through|effective|original|originally|since)\b[^.;:]{0,30}$", re.I)
_AFTER = re.compile(r"\b(?:respond\w*|response|referring|refers?|repl\w*|react\w*|following|after|"
                    r"reiterat\w*|recall\w*)\b[^.;:]{0,40}$", re.I)
_BEFORE = re.compile(r"\b(?:ahead\s+of|before|prior\s+to|in\s+preparation\s+for|run-up\s+to)\b[^.;:]{0,40}$", re.I)
_OPENS = re.compile(r"(?:^|(?<=[.;!?]))\s*(?:On\s+)?$")  # the date opens its sentence ("… patrol. On July 23, 2019, …")

ON, AFTER, BEFORE, BACK, NEITHER = "on", "after", "before", "back-reference", "neither"
RELATION_WORDS = {
    ON: "on or within the entry's own event",
    AFTER: "a lower bound: the entry's event is on or after it",
    BEFORE: "an upper bound: the entry's event is on or before it",
    BACK: "a back-reference to an earlier event, read as an event of its own",
    NEITHER: "the date of something else, not of the entry's event",
}


@dataclass
class TextReading:
    """One date printed inside an entry and what it says about the entry's event."""

    date: TextDate
    relation: str  # on | after | before | back-reference | neither
    why: str
    sentence: tuple[int, int] = (0, 0)  # offsets of its sentence in the excerpt (for a back-reference)

    def words(self) -> str:
        days = day_range(self.date.first.isoformat(), self.date.last.isoformat())
        year = "" if self.date.year_printed else ", year from the coverage window"
        return f"'{self.date.text}' ({days}{year}): {self.relation}, {self.why}"


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence of `text` holding start..end: from after the previous '. ' to the next '.' (inclusive)."""
    begin = 0
    for match in re.finditer(r"[.!?;]\s+(?=[A-Z“\"])", text[:start]):
        if not _ABBREVIATION.search(text[:match.start() + 1]):
            begin = match.end()
    for stop in re.finditer(r"[.!?](?=\s|$)", text[end:]):
        if not _ABBREVIATION.search(text[:end + stop.end()]):
            return begin, end + stop.end()
    return begin, len(text.rstrip())


# A period that ends an abbreviation, not a sentence ("Dec. 16", "Gen. Wei", "U.S. troops").
_ABBREVIATION = re.compile(rf"\b(?:{'|'.join(MONTH_ABBREVIATIONS)}|Gen|Lt|Col|Dr|Mr|Mrs|Ms|St|No|Vol|vs|[A-Z])\.$")


def read_text_dates(mention: Mention, window: tuple[Optional[str], Optional[str]]) -> list[TextReading]:
    """Every date printed in the entry's own words, each with its relation to the entry's event.

    A yearless date takes its year from the coverage window (or, for an entry with a printed date,
    from the half-year around that date). Relations, by the words before the date in its sentence:
      - "inked on", "set to expire on", "until", "valid through" ...: neither (another thing's date);
      - "responding to", "referring to", "following", "after" ...: a lower bound;
      - "ahead of", "before", "prior to" ...: an upper bound;
      - a date before the coverage window that opens a sentence other than the first ("… patrol. On
        July 23, 2019, bombers … conducted their first joint patrols"): a back-reference, an event of
        its own;
      - any other date outside the window: neither; inside it: on or within the entry's own event.
    """
    body_start = mention.lead
    text = mention.excerpt
    if mention.date is not None and mention.date.earliest:
        printed = dt.date.fromisoformat(mention.date.earliest)
        window = ((printed - dt.timedelta(days=182)).isoformat(), (printed + dt.timedelta(days=182)).isoformat())
    start, end = window
    readings = []
    for date in dates_in_text(text[body_start:], window):
        date.start += body_start
        date.end += body_start
        before = text[:date.start]
        sentence = _sentence_bounds(text, date.start, date.end)
        context = text[sentence[0]:date.start]
        first_day, last_day = date.first.isoformat(), date.last.isoformat()
        if _NEITHER.search(context):
            relation, why = NEITHER, f"it follows '{_NEITHER.search(context).group(0).split()[0]}'"
        elif start and last_day < start and _OPENS.search(before) and sentence[0] > body_start:
            relation, why = BACK, "it opens a later sentence and precedes the coverage window"
        elif start and end and not (start <= first_day and last_day <= end):
            relation, why = NEITHER, "outside the coverage window and not an event of its own"
        elif _AFTER.search(context):
            relation, why = AFTER, f"it follows '{_AFTER.search(context).group(0).split()[0]}'"
        elif _BEFORE.search(context):
            relation, why = BEFORE, f"it follows '{' '.join(_BEFORE.search(context).group(0).split()[:2])}'"
        else:
            relation, why = ON, "printed in the entry's text within the coverage window"
        readings.append(TextReading(date, relation, why, sentence))
    return readings


def back_references(mentions: list[Mention], info: SourceInfo, header: dict) -> list[Mention]:
    """The back-references printed inside a chronology's or timeline's entries, as mentions of their own.

    Each is the sentence that holds the date ("On July 23, 2019, long-range bombers of the two
    militaries conducted their first joint patrols."), dated explicitly, numbered after the
    document's entries in document order, and linked across documents like any other mention.
    """
    if info.format not in ORDERED_FORMATS:
        return []
    window = coverage(info, header)
    found = []
    position = max((m.position for m in mentions), default=0)
    for mention in mentions:
        if mention.reference_of is not None:
            continue
        for reading in read_text_dates(mention, window):
            if reading.relation != BACK:
                continue
            begin, stop = reading.sentence
            excerpt = mention.excerpt[begin:stop]
            lead = 0
            if (opening := re.match(r"\s*(?:On\s+)?" + re.escape(reading.date.text) + r",?\s*", excerpt)) is not None:
                lead = opening.end()
            position += 1
            first, last = reading.date.first.isoformat(), reading.date.last.isoformat()
            date = DateBounds(first, first, last if last != first else None, "day", "explicit",
                              f"printed in {info.id} entry {mention.position}: {reading.date.text}, "
                              "a back-reference to an earlier event")
            found.append(Mention(mention.source_id, position, mention.start + begin, mention.start + stop, excerpt,
                                 mention.line, reading.date.text, date, list(mention.categories), lead,
                                 reference_of=mention.position))
    return found
