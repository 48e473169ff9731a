"""Narrative articles and dispatches: every sentence that dates an event it reports.

A sentence becomes a mention when it carries a date cue that can be resolved:
  - a full date: "on December 15, 2021"                      -> explicit
  - a day without a year: "on November 16"                   -> relative to the document's date
  - a weekday: "on Monday"                                   -> the latest such day on or before it
  - a month: "In October", "in January"                      -> the latest such month on or before it
  - "last week", "last month", "last year"                   -> the period before the document's date
A sentence that opens with a word of sequence ("Then five Chinese and five Russian ships passed
through the Tsugaru Strait") continues the dated narrative before it in its paragraph: it reports a
later event, bounded by that sentence's date and by the next dated sentence of the paragraph (when the
narrative runs forward) or the document's date (method `relative`, the evidence names both).
Cues that point after the document's date, or sit in a clause about the future ("would hold a summit
in Kazan in October"), announce plans rather than report events and are not used. Datelines, photo
captions, footnotes and fragments of fewer than six words are skipped.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from ..model import DateBounds, Mention, ParsedDocument, Problem
from .datetext import DATE_LABEL, MONTH, MONTH_NAME, WEEKDAY_NAME, WEEKDAYS, bounds_from_label, month_bounds, month_number
from .text import paragraphs, sentences

FORMAT = "article"

CUE = re.compile(
    rf"\b(?:(?P<full>{DATE_LABEL.pattern})"
    rf"|[Oo]n\s+(?P<month_day>(?P<md_month>{MONTH})\s+(?P<md_day>\d{{1,2}}))\b(?!,?\s+\d{{4}})"
    rf"|[Oo]n\s+(?P<weekday>{WEEKDAY_NAME})\b"
    rf"|[Ii]n\s+(?P<month>{MONTH_NAME})\b(?!\s+\d{{4}})"
    rf"|\b[Ll]ast\s+(?P<last>week|month|year)\b"
    rf"|\b(?:[Oo]n\s+)?the\s+(?P<relative_to_lead>eve|day)\s+of\s+the\s+(?:summit|meeting|talks|visit)\b)"
)
FUTURE = re.compile(r"\b(?:will|would|shall|expected to|plans? to|upcoming|next)\b", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"[,;:–—]|\band\b")
FOOTNOTE = re.compile(r"^\[\d+\]")
DATELINE = re.compile(DATE_LABEL.pattern)  # a paragraph that opens with a date is the document's dateline
MIN_WORDS = 6
# A sentence that opens with one of these reports what happened next in the narrative before it.
SEQUENCE = re.compile(r"^(?:Then|After that,|Afterwards,|Subsequently,|Later,)\s")


def looks_like(text: str) -> bool:
    """Prose: at least one paragraph of a dozen words or more."""
    return any(len(p.text.split()) >= 12 for p in paragraphs(text))


def document_date(text: str) -> Optional[dt.date]:
    """The dateline: a date that opens one of the first paragraphs ("December 17, 2021 Special Dispatch
    No. 9684"). A date inside a sentence dates an event, not the document."""
    for para in paragraphs(text)[:3]:
        match = DATELINE.match(para.text)
        if match and (bounds := bounds_from_label(match)):
            return dt.date.fromisoformat(bounds.earliest)
    return None


def _clause(sentence: str, start: int, end: int) -> str:
    left = max((m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, start)), default=0)
    right = next((m.start() for m in CLAUSE_BREAK.finditer(sentence, end)), len(sentence))
    return sentence[left:right]


def resolve(cue: re.Match, published: Optional[dt.date], lead: Optional[dt.date] = None) -> Optional[DateBounds]:
    """Bounds for one cue; None when it cannot be resolved without a document date, or would fall
    outside the calendar (a document dated in year 1 and "last month").

    `lead` is the day of the document's lead event (its first fully dated sentence): "the eve of the
    summit" and "the day of the summit" are read against it."""
    try:
        return _resolve(cue, published, lead)
    except (ValueError, OverflowError):
        return None


def _resolve(cue: re.Match, published: Optional[dt.date], lead: Optional[dt.date]) -> Optional[DateBounds]:
    if cue["full"]:
        return bounds_from_label(cue)
    if cue["relative_to_lead"]:
        if lead is None:
            return None
        day_date = lead - dt.timedelta(days=1 if cue["relative_to_lead"] == "eve" else 0)
        return DateBounds(day_date.isoformat(), day_date.isoformat(), None, "day", "relative",
                          f"'{cue.group(0)}' read against the document's lead event, {lead.isoformat()}")
    if published is None:
        return None
    said = cue.group(0)
    anchor = f"'{said}' read against the document's date {published.isoformat()}"
    if cue["month_day"]:
        month, day = month_number(cue["md_month"]), int(cue["md_day"])
        for year in (published.year, published.year - 1):
            try:
                day_date = dt.date(year, month, day)
            except ValueError:
                return None
            if day_date <= published:
                return DateBounds(day_date.isoformat(), day_date.isoformat(), None, "day", "relative", anchor)
        return None
    if cue["weekday"]:
        back = (published.weekday() - WEEKDAYS[cue["weekday"].lower()]) % 7
        day_date = published - dt.timedelta(days=back)
        return DateBounds(day_date.isoformat(), day_date.isoformat(), None, "day", "relative", anchor)
    if cue["month"]:
        month = month_number(cue["month"])
        year = published.year if month <= published.month else published.year - 1
        first, last = month_bounds(year, month)
        last = min(last, published)
        return DateBounds(first.isoformat(), last.isoformat(), None, "month", "relative", anchor)
    if cue["last"] == "week":
        monday = published - dt.timedelta(days=published.weekday() + 7)
        return DateBounds(monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat(), None, "week", "relative", anchor)
    if cue["last"] == "month":
        year, month = (published.year, published.month - 1) if published.month > 1 else (published.year - 1, 12)
        first, last = month_bounds(year, month)
        return DateBounds(first.isoformat(), last.isoformat(), None, "month", "relative", anchor)
    first, last = dt.date(published.year - 1, 1, 1), dt.date(published.year - 1, 12, 31)
    return DateBounds(first.isoformat(), last.isoformat(), None, "window", "relative", anchor)


def usable_cues(sentence: str, anchor: Optional[dt.date], lead: Optional[dt.date] = None) -> list[tuple[re.Match, DateBounds]]:
    """Cues of a sentence that date a reported event, with their bounds."""
    found = []
    for cue in CUE.finditer(sentence):
        # "last month" is past whatever the clause says next ("the Kremlin said a visit would ...").
        if not cue["last"] and FUTURE.search(_clause(sentence, cue.start(), cue.end())):
            continue
        date = resolve(cue, anchor, lead)
        if date is None or (anchor and date.earliest > anchor.isoformat()):
            continue
        if date.method == "explicit":
            date.evidence = f"printed in the sentence: {cue.group(0)}"
        found.append((cue, date))
    return found


def dated_clauses(sentence: str, anchor: Optional[dt.date], lead: Optional[dt.date] = None) -> list[tuple[int, int, re.Match, DateBounds]]:
    """(begin, end, cue, bounds) per event the sentence reports.

    One event per sentence, dated by its first usable cue, unless later cues give other dates: then
    the sentence is cut before each such cue's clause ("In June ... visited Geneva ..., | and on
    December 6 made a one-day visit to Delhi."), so each event keeps its own verbatim span.
    """
    cues = usable_cues(sentence, anchor, lead)
    if not cues:
        return []
    kept = [cues[0]]
    for cue, date in cues[1:]:
        if (date.earliest, date.latest) != (kept[-1][1].earliest, kept[-1][1].latest):
            kept.append((cue, date))
    cuts = [0]
    for cue, _ in kept[1:]:
        breaks = [m for m in CLAUSE_BREAK.finditer(sentence, cuts[-1] + 1, cue.start())]
        cuts.append(breaks[-1].start() if breaks else cue.start())
    cuts.append(len(sentence))
    clauses = []
    for (cue, date), begin, end in zip(kept, cuts, cuts[1:]):
        piece = sentence[begin:end]
        begin += len(piece) - len(piece.lstrip(" ,;:–—"))
        end -= len(piece) - len(piece.rstrip(" ,;:–—"))
        clauses.append((begin, end, cue, date))
    return clauses


def _sequel(read: list, index: int, anchor: Optional[dt.date]) -> list:
    """The one clause of an undated sentence that opens with a word of sequence, dated after the
    narrative's previous dated sentence in its paragraph: [(0, end, word, bounds)], or [] when it does
    not continue one (no dated sentence before it, a plan rather than an event, no upper bound)."""
    sentence = read[index][0]
    opening = SEQUENCE.match(sentence.text)
    if not opening or FUTURE.search(sentence.text):
        return []
    before = [clauses[-1][3] for _, clauses in read[:index] if clauses]
    if not before:
        return []
    previous = before[-1]
    after = [clauses[0][3] for _, clauses in read[index + 1:] if clauses]
    if after and after[0].latest >= previous.earliest:
        latest, why = after[0].latest, f"the paragraph's next dated sentence ({after[0].latest})"
    elif anchor is not None:
        latest, why = anchor.isoformat(), f"the document's date ({anchor.isoformat()})"
    else:
        return []
    word = opening.group(0).strip().rstrip(",")
    first, last = dt.date.fromisoformat(previous.earliest), dt.date.fromisoformat(latest)
    span = (last - first).days
    precision = "day" if span == 0 else "week" if span <= 7 else "month" if span <= 31 else "window"
    evidence = (f"'{word}' continues the narrative of the sentence before it, dated {previous.earliest}"
                f"{'' if previous.latest == previous.earliest else '..' + previous.latest}: on or after its start, "
                f"on or before {why}")
    return [(0, len(sentence.text), word, DateBounds(previous.earliest, latest, None, precision, "relative", evidence))]


def parse(text: str, file: str = "<text>", published: Optional[str] = None) -> ParsedDocument:
    """Mentions for every dated sentence. `published` (ISO day) anchors relative cues; without it the
    date printed at the top of the document is used, and failing that only full dates are read."""
    result = ParsedDocument(format=FORMAT, mentions=[])
    anchor = None
    if published and re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        anchor = dt.date.fromisoformat(published)
    else:
        anchor = document_date(text)
        if anchor:
            result.header["published"] = anchor.isoformat()
    if anchor is None:
        result.problems.append(
            Problem(file, None, "no publication day known: only fully dated sentences are read as events")
        )
    lead = None  # the day of the first fully dated sentence, once read
    for para in paragraphs(text):
        if (
            FOOTNOTE.match(para.text)
            or DATELINE.match(para.text)
            or "Photo:" in para.text
            or len(para.text.split()) < MIN_WORDS
        ):
            continue
        read = []  # (sentence, its dated clauses), in order
        for sentence in sentences(para):
            if len(sentence.text.split()) < MIN_WORDS:
                continue
            clauses = dated_clauses(sentence.text, anchor, lead)
            for _, _, cue, date in clauses:
                if lead is None and cue["full"]:
                    lead = dt.date.fromisoformat(date.earliest)
            read.append((sentence, clauses))
        for index, (sentence, clauses) in enumerate(read):
            if not clauses:
                clauses = _sequel(read, index, anchor)
            for begin, end, said, date in clauses:
                excerpt = sentence.text[begin:end]
                result.mentions.append(
                    Mention(
                        source_id="",
                        position=len(result.mentions) + 1,
                        start=sentence.start + begin,
                        end=sentence.start + end,
                        excerpt=excerpt,
                        line=sentence.line + sentence.text.count("\n", 0, begin),
                        reported_date=said if isinstance(said, str) else said.group(0),
                        date=date,
                    )
                )
    if not result.mentions:
        result.problems.append(Problem(file, None, "article has no dated sentence: no events read from it"))
    return result
