"""The dating stage's public names, kept importable from here (`from loader.enrich.dates import ...`).

The stage itself is the package loader.enrich.dating (its docstring explains it): propagation within a
document, combination across documents, dates read in an entry's text, and the evidence in words. The
calendar (month names, partial dates, the sentinels, width_days, precision_of, month_of) is
loader.parse.datetext.
"""
from __future__ import annotations

from ..parse.datetext import HIGH, LOW, gap_days, last_day_of, month_of, precision_of, width_days
from .dating.combine import START, TOLERANCE_DAYS, UNDER_WAY, curated_contradictions, date_events, own_bounds
from .dating.entries import (NEWEST_FIRST, OLDEST_FIRST, ORDERED_FORMATS, PRINTED, Anchor, Candidate, Entry, coverage,
                             doc_method, printed_day)
from .dating.propagate import DocumentDates, date_document
from .dating.textdates import (AFTER, BACK, BEFORE, NEITHER, ON, RELATION_WORDS, TextReading, back_references,
                               read_text_dates)
from .dating.wording import entry_name, label

__all__ = [
    "AFTER", "BACK", "BEFORE", "HIGH", "LOW", "NEITHER", "NEWEST_FIRST", "OLDEST_FIRST", "ON", "ORDERED_FORMATS",
    "PRINTED", "RELATION_WORDS", "START", "TOLERANCE_DAYS", "UNDER_WAY", "Anchor", "Candidate", "DocumentDates",
    "Entry", "TextReading", "back_references", "coverage", "curated_contradictions", "date_document", "date_events",
    "doc_method", "entry_name", "gap_days", "label", "last_day_of", "month_of", "own_bounds", "precision_of", "printed_day",
    "read_text_dates", "width_days",
]
