"""The dating stage's state: an entry, its bounds (each an Anchor with where it comes from), evidence
offered to it (a Candidate), and the facts about an entry both stages ask (does its source print a day).

Plain data; the stages that fill it are in propagate.py (one document) and combine.py (across documents).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ...model import DateBounds, Mention, SourceInfo
from ...parse.datetext import first_day, last_day
from ..curated_dates import CuratedDate

ORDERED_FORMATS = {"chronology", "timeline"}
NEWEST_FIRST, OLDEST_FIRST = "newest first", "oldest first"
PRINTED = {"explicit", "relative", "in-text"}


def coverage(info: SourceInfo, header: dict) -> tuple[Optional[str], Optional[str]]:
    """The document's coverage window: its own header first, then the registry (a month or a year
    stands for all its days)."""
    start = header.get("coverage_start") or first_day(info.coverage_start)
    end = header.get("coverage_end") or last_day(info.coverage_end)
    return start, end


@dataclass(frozen=True, slots=True)  # no __dict__: two or more per report, held until the write
class Anchor:
    """One bound and where it comes from.

    `entry` is the entry *of this document* whose constraint gives the day: the entry itself for its
    own evidence (or an anchor another source lent it), a neighbour when the day came by order.
    """

    day: str
    entry: Mention
    kind: str  # explicit | relative | coverage | unknown | cue | curated | cross-source
    note: str  # how `entry` got the day, in words
    short: str = ""  # the same in a few words, when a neighbour quotes it ("curated", "dated by overwatch-2020-2022")


def anchors(earliest: str, latest: str, entry: Mention, kind: str, note: str, short: str = "") -> tuple[Anchor, Anchor]:
    """The two bounds one piece of evidence gives: one Anchor twice when it gives one day (an Anchor is
    frozen, so the two bounds can share it; there is one such pair per dated report, held until the write)."""
    lo = Anchor(earliest, entry, kind, note, short)
    return lo, lo if latest == earliest else Anchor(latest, entry, kind, note, short)


@dataclass(slots=True)  # no __dict__: one per report, held until the write
class Entry:
    """One mention inside its document, with its own evidence and its bounds after propagation."""

    mention: Mention
    own_lo: Anchor
    own_hi: Anchor
    own_kind: str
    own_evidence: str
    own_precision: Optional[str] = None
    end: Optional[str] = None
    in_order: bool = True  # False: out of the list's order; it neither bounds nor is bounded by its neighbours
    order_note: Optional[str] = None  # why it is out of order
    curated: Optional[CuratedDate] = None
    lo: Optional[Anchor] = None
    hi: Optional[Anchor] = None
    document_only: Optional[DateBounds] = None  # what its own document alone supports
    text_note: str = ""  # dates printed in its text that do not bound it (another thing's date, a back-reference)

    def __post_init__(self):
        self.lo = self.lo or self.own_lo
        self.hi = self.hi or self.own_hi

    @property
    def key(self) -> tuple[str, int]:
        """(source id, position): its mention's key, made when asked rather than held per entry."""
        return self.mention.key


@dataclass
class Candidate:
    """Evidence offered to an entry after its own: a cue, a curated date or another source's bounds."""

    lo: Anchor
    hi: Anchor
    kind: str
    payload: object = None  # the CuratedDate, or the Event lending the bounds


def document_only_holds(entry: Entry) -> bool:
    """Its bounds are still those its own document gave it (`document_only`): no other source lent it a
    bound, nor a neighbour one (a lent bound that moves along the list is the lent Anchor itself)."""
    return entry.document_only is not None and "cross-source" not in (
        entry.lo.kind, entry.hi.kind, entry.own_lo.kind, entry.own_hi.kind)


def printed_day(entry: Entry) -> bool:
    """The source prints an exact day (or span) for this entry's event: its own evidence, not inference."""
    return entry.own_kind in PRINTED and entry.own_lo.day == entry.own_hi.day and entry.mention.reported_date is not None


def doc_method(entry: Entry) -> str:
    return "curated" if entry.own_lo.kind == "curated" or entry.own_hi.kind == "curated" else entry.own_kind
