"""Chronologies in the Comparative Connections layout.

    China - Russia

    Chronology from Sep 2021 to Dec 2021

    Dec. 15, 2021: Putin holds talks, via videoconference, with Xi Jinping.

    : Chinese FM Wang Yi pens article ...      <- an entry whose date was stripped

    Date Range                                 <- boilerplate left by the web page, not an event

One entry per paragraph. A printed date gives the entry explicit bounds; a stripped one gives none
here (the enrich stage bounds it by the header's coverage window and the order of entries).
"""
from __future__ import annotations

import re

from ..model import ParsedDocument, Problem
from .datetext import DATE_LABEL, bounds_from_label, month_bounds, parse_month_year
from .text import add_entry, paragraphs

FORMAT = "chronology"

# Header lines are short: every repetition is bounded, so trying them on a paragraph of any length
# costs a bounded number of steps (an unbounded lazy `.+?` or `*?` followed by `\s+` is quadratic in
# the paragraph: 45 s for a 150 KB first line).
PARTIES = re.compile(r"(?P<a>[A-Z][\w .'’()-]{0,80}?)\s{1,8}[-–]\s{1,8}(?P<b>[A-Z][\w .'’()-]{0,80})")
COVERAGE = re.compile(r"Chronology from (?P<start>[^\n]{1,40}?) to (?P<end>[^\n]{1,40}?)\.?")
ENTRY_LABEL = re.compile(rf"(?:{DATE_LABEL.pattern})?\s*:\s*")
# Trailing words web pages leave behind; they are not events.
BOILERPLATE = {"date range", "back to top", "print", "share", "download"}


def looks_like(text: str) -> bool:
    """True when the text opens with a chronology header."""
    head = paragraphs(text)[:4]
    return any(COVERAGE.fullmatch(p.text) for p in head)


def parse(text: str, file: str = "<text>") -> ParsedDocument:
    result = ParsedDocument(format=FORMAT, mentions=[])
    paras = paragraphs(text)
    body_start = 0
    for index, para in enumerate(paras[:4]):
        if (parties := PARTIES.fullmatch(para.text)) and "parties" not in result.header:
            result.header["parties"] = [parties["a"].strip(), parties["b"].strip()]
            body_start = index + 1
        elif match := COVERAGE.fullmatch(para.text):
            start, end = parse_month_year(match["start"]), parse_month_year(match["end"])
            if start is None or end is None:
                result.problems.append(Problem(file, para.line, f"cannot read the coverage in {para.text!r}", "error"))
            else:
                first, _ = month_bounds(*start)
                _, last = month_bounds(*end)
                if last < first:
                    result.problems.append(
                        Problem(file, para.line, f"coverage ends before it starts: {para.text!r}", "error")
                    )
                else:
                    result.header["coverage_start"] = first.isoformat()
                    result.header["coverage_end"] = last.isoformat()
            body_start = index + 1
    if "coverage_start" not in result.header and not any(p.severity == "error" for p in result.problems):
        result.problems.append(Problem(file, 1, "no 'Chronology from <Mon YYYY> to <Mon YYYY>' header", "error"))

    for para in paras[body_start:]:
        label = ENTRY_LABEL.match(para.text)
        if label is None:
            if para.text.strip().lower() not in BOILERPLATE:
                result.problems.append(
                    Problem(file, para.line, f"paragraph is not a chronology entry and was skipped: {para.text[:60]!r}")
                )
        for index, line in enumerate(para.text.split("\n")[1:], 1):
            if ENTRY_LABEL.match(line.lstrip()):  # an entry with no blank line before it: never lost in silence
                where = f"read as part of the entry on line {para.line}" if label else "skipped with the paragraph above it"
                result.problems.append(Problem(file, para.line + index, "line looks like a chronology entry but has no "
                                               f"blank line before it, so it was {where}: {line.strip()[:60]!r}"))
        if label is None:
            continue
        body_offset = label.end()
        excerpt = para.text[body_offset:].rstrip()
        if not excerpt:
            result.problems.append(Problem(file, para.line, "empty chronology entry skipped"))
            continue
        date = None
        reported = None
        if label["y"]:
            reported = para.text[label.start() : label.end()].rstrip(": \t")
            date = bounds_from_label(label)
            if date is None:
                result.problems.append(Problem(file, para.line, f"impossible date {reported!r}; entry kept undated"))
            else:
                date.evidence = f"printed in the entry: {reported}"
        add_entry(result, para, body_offset, excerpt, reported, date)
    if not result.mentions:
        result.problems.append(Problem(file, None, "chronology has no entries", "error"))
    return result
