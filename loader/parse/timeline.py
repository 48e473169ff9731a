"""Dated timelines: one event per "Category: On Month D, YYYY, ..." paragraph.

    Political/Economic: On July 26, 2021, China and Russia offered their support to ...

A compound category ("Political/Economic") gives both categories. Paragraphs that do not open this
way (the introduction, the closing analysis, a subscription form) are part of the document, not events.
"""
from __future__ import annotations

import re

from ..model import ParsedDocument, Problem
from .datetext import DATE_LABEL, MONTH, bounds_from_label
from .text import add_entry, paragraphs

FORMAT = "timeline"

ITEM = re.compile(
    rf"(?P<category>[A-Z][A-Za-z-]*(?:\s*/\s*[A-Z][A-Za-z-]*)*):\s+"
    rf"(?P<lead>On\s+(?P<date>{DATE_LABEL.pattern}),?\s*)"
)

# A line that opens like an item ("Tech: On Dec 12 2020", "Military:On…", "Political: July 3, 2021") whether
# or not ITEM can read it: such a line is never dropped or swallowed without a warning.
ITEM_SHAPE = re.compile(
    rf"[A-Z][A-Za-z-]*(?:\s*/\s*[A-Z][A-Za-z-]*)*:\W*(?:[Oo]n\b[^\n]{{0,20}}?\d|{MONTH}\W*\d)"
)


def looks_like(text: str) -> bool:
    """True when at least two paragraphs open like timeline items."""
    return sum(1 for p in paragraphs(text) if ITEM.match(p.text)) >= 2


def parse(text: str, file: str = "<text>") -> ParsedDocument:
    result = ParsedDocument(format=FORMAT, mentions=[])
    for para in paragraphs(text):
        item = ITEM.match(para.text)
        for index, line in enumerate(para.text.split("\n")):
            line = line.lstrip()
            if (index == 0 and item) or not ITEM_SHAPE.match(line):
                continue
            if index == 0:
                why = "cannot be read as 'Category: On Month D, YYYY', so it was skipped"
            elif item:
                why = f"has no blank line before it, so it was read as part of the item on line {para.line}"
            else:
                why = "has no blank line before it, so it was skipped with the paragraph above it"
            result.problems.append(
                Problem(file, para.line + index, f"line looks like a timeline item but {why}: {line[:60]!r}"))
        if item is None:
            continue
        body_offset = item.start("lead")  # the excerpt keeps "On July 26, 2021, ...": it is the source's own sentence
        excerpt = para.text[body_offset:]
        reported = item["date"]
        date = bounds_from_label(item)
        if date is None:
            result.problems.append(Problem(file, para.line, f"impossible date {reported!r}; item kept undated"))
        else:
            date.evidence = f"printed in the item: On {reported}"
        categories = [c.strip().lower() for c in item["category"].split("/")]
        add_entry(result, para, body_offset, excerpt, reported, date,
                  categories=categories, lead=item.end("lead") - body_offset)
    if not result.mentions:
        result.problems.append(Problem(file, None, "timeline has no 'Category: On Month D, YYYY' items", "error"))
    return result
