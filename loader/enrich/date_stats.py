"""How well each chronology is dated: the figures `loader dates` prints, computed from a collected build.

An entry counts by its own bounds (this source's account): where sources disagree, the event's bounds
are the hull of theirs, and the entry's own bounds are the ones that say how well this list is dated.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Optional

from ..model import DateBounds, Mention
from .dates import DocumentDates, width_days


@dataclass
class EntryDates:
    """One entry of a chronology's list: its own bounds, their width in days, and its event's date."""
    mention: Mention
    date: DateBounds  # the event's bounds
    earliest: Optional[str]
    latest: Optional[str]
    width: Optional[int]  # latest - earliest + 1; None when a bound is unknown


@dataclass
class ChronologyDates:
    doc: DocumentDates
    entries: list[EntryDates] = field(default_factory=list)
    references: list[tuple[Mention, DateBounds]] = field(default_factory=list)  # (mention, the event's date)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def known_widths(self) -> list[int]:
        return sorted(e.width for e in self.entries if e.width is not None)

    @property
    def exact(self) -> int:
        """Entries whose day is known (earliest = latest)."""
        return sum(1 for w in self.known_widths if w == 1)

    @property
    def median_width(self) -> Optional[float]:
        known = self.known_widths
        return statistics.median(known) if known else None

    @property
    def largest_width(self) -> Optional[int]:
        known = self.known_widths
        return known[-1] if known else None

    @property
    def unbounded(self) -> int:
        return self.count - len(self.known_widths)

    @property
    def methods(self) -> dict[str, int]:
        """How many entries each date method dated, by method name."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.date.method] = counts.get(entry.date.method, 0) + 1
        return dict(sorted(counts.items()))


def chronology_dates(data) -> list[ChronologyDates]:
    """Every chronology of a collected build (`build.collect`), with its entries' bounds and its
    back-references (dated earlier events read inside entries: not entries of the list)."""
    event_of = {(m.source_id, m.position): event for event in data.events for m in event.mentions}
    found = []
    for doc in data.dates:
        if doc.format != "chronology":
            continue
        result = ChronologyDates(doc)
        for entry in doc.entries:
            mention = entry.mention
            date = event_of[(mention.source_id, mention.position)].date
            if mention.reference_of is not None:
                result.references.append((mention, date))
                continue
            earliest, latest = (entry.lo.day, entry.hi.day) if date.conflict else (date.earliest, date.latest)
            result.entries.append(EntryDates(mention, date, earliest, latest, width_days(earliest, latest)))
        found.append(result)
    return found
