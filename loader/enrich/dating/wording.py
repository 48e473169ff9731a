"""Evidence in words: what every bound of an entry comes from, named so a reader can check it.

Every `*_evidence` text of the dating stage, and the names it gives entries and sources in problems,
is built here from the state in entries.py; nothing here changes that state.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from ...model import DateBounds, Mention
from ...parse.datetext import HIGH, LOW, precision_of
from .entries import OLDEST_FIRST, PRINTED, Anchor, Candidate, Entry, doc_method, printed_day

if TYPE_CHECKING:
    from ..curated_dates import CuratedDate
    from .propagate import DocumentDates


def label(mention: Mention, words: int = 6) -> str:
    """The opening words of an entry, to name it in evidence: “Two Russian Tu-95MC and two Chinese…”."""
    body = mention.excerpt[mention.lead:].split()
    text = " ".join(body[:words]).rstrip(",;:.")
    return f"“{text}…”" if len(body) > words else f"“{text}”"


def entry_name(mention: Mention) -> str:
    return f"entry {mention.position} {label(mention)}"


def day_range(lo: str, hi: str) -> str:
    return lo if lo == hi else f"{lo} to {hi}"


def kind_words(anchor: Anchor) -> str:
    if anchor.short:
        return anchor.short
    return {
        "explicit": "printed",
        "in-text": "printed in its text",
        "relative": "a relative date",
        "cue": "anniversary cue",
        "curated": "curated",
        "coverage": "coverage window",
        "unknown": "unknown",
    }.get(anchor.kind, anchor.note)


def bound_words(entry: Entry, anchor: Anchor, side: str) -> str:
    """One bound, named: the entry or the fact it comes from, and its day."""
    if anchor.entry is entry.mention:
        if anchor.kind == "coverage":
            return f"the coverage window {'starts' if side == 'start' else 'ends'} {anchor.day}"
        return anchor.note if anchor.note.startswith(anchor.day) else f"{anchor.day}: {anchor.note}"
    where = "below" if anchor.entry.position < entry.mention.position else "above"
    return f"listed {where} {entry_name(anchor.entry)} ({anchor.day}, {kind_words(anchor)})"


def method_of(entry: Entry, bounds: Optional[tuple[Anchor, Anchor]] = None) -> str:
    """The method of the entry's bounds (or of `bounds`, the (lo, hi) it had earlier): the kind of its
    evidence, "order" when a neighbour gives a bound."""
    sides = []
    for anchor in bounds or (entry.lo, entry.hi):
        sides.append(anchor.kind if anchor.entry is entry.mention else "order")
    kinds = set(sides)
    if kinds <= {"unknown"}:
        return "unknown"
    if kinds <= {"coverage", "unknown"}:
        return "coverage"
    if "cross-source" in kinds:
        return "cross-source"
    if "order" in kinds:
        return "order"
    for kind in ("explicit", "in-text", "relative", "curated", "cue"):
        if kind in kinds:
            return kind
    return sides[0]


def entry_bounds(doc: DocumentDates, entry: Entry) -> DateBounds:
    """The entry's bounds as a DateBounds: days, precision, method and evidence."""
    lo, hi = entry.lo, entry.hi
    earliest = None if lo.day == LOW else lo.day
    latest = None if hi.day == HIGH else hi.day
    method = method_of(entry)
    if method == "unknown":
        return DateBounds(earliest, latest, entry.end, None, "unknown", entry.own_evidence)
    if method in PRINTED and (lo, hi) == (entry.own_lo, entry.own_hi):
        evidence = entry.own_evidence
        precision = entry.own_precision or precision_of(earliest, latest)
    elif method == "coverage":
        evidence = f"date not printed; bounded by the document's coverage window, {lo.day} to {hi.day}"
        precision = precision_of(earliest, latest)
    elif method in ("cue", "curated") or (lo.entry is entry.mention and hi.entry is entry.mention and lo.note == hi.note):
        evidence = lo.note if lo.kind != "coverage" else hi.note
        precision = precision_of(earliest, latest)
    else:
        by_order = lo.entry is not entry.mention or hi.entry is not entry.mention
        how = f" by chronology order ({doc.direction_short})" if by_order else ""
        sides = [bound_words(entry, hi, "end"), bound_words(entry, lo, "start")]
        if doc.direction == OLDEST_FIRST:
            sides.reverse()
        evidence = f"between {lo.day} and {hi.day}{how}: " + "; ".join(sides)
        precision = precision_of(earliest, latest)
    if not entry.in_order and entry.order_note:
        evidence += f" [{entry.order_note}]"
    if entry.text_note:
        evidence += f" [{entry.text_note}]"
    return DateBounds(earliest, latest, entry.end, precision, method, evidence)


def contradiction(entry: Entry, offer: Candidate) -> str:
    """Why an offered date cannot be admitted: it lies outside the bounds the entry already has."""
    rng = day_range(offer.lo.day, offer.hi.day)
    bounds = day_range(entry.lo.day, entry.hi.day)
    reasons = []
    if offer.hi.day < entry.lo.day:
        reasons.append(f"it is no earlier than {entry.lo.day}: {bound_words(entry, entry.lo, 'start')}")
    if offer.lo.day > entry.hi.day:
        reasons.append(f"it is no later than {entry.hi.day}: {bound_words(entry, entry.hi, 'end')}")
    return f"{rng} lies outside {bounds}, the bounds {entry_name(entry.mention)} already has ({'; '.join(reasons)})"


def curated_note(item: CuratedDate) -> str:
    """A curated date's evidence: where it is curated and its citation."""
    return f"curated ({item.where}): {item.citation}"


def lent(doc: DocumentDates, entry: Entry, anchor: Anchor) -> str:
    """A bound another report of the same event lends an entry, and that report's own evidence."""
    bounds = doc.bounds(entry)
    return (f"{anchor.day} from {entry.mention.source_id} {entry_name(entry.mention)}, which reports the same event "
            f"({bounds.method}: {bounds.evidence})")


def report(entry: Entry, bounds: Optional[tuple[Anchor, Anchor]] = None) -> str:
    """One report of an event, its bounds (or `bounds`, the (lo, hi) it had earlier) and how it got them,
    as a disagreement names it."""
    lo, hi = bounds or (entry.lo, entry.hi)
    method = how = method_of(entry, (lo, hi))  # the method of its bounds, without writing their evidence
    if entry.curated is not None and method == "curated":
        how = f"curated official record, {entry.curated.where}"
        if entry.curated.disagrees:
            how += f"; it departs from the other report because {entry.curated.disagrees}"
    elif printed_day(entry):
        how = f"{method}: {entry.mention.reported_date!r}"
    return f"{entry.mention.source_id} entry {entry.mention.position}: {day_range(lo.day, hi.day)} ({how})"


def disagreement(members: list[tuple[DocumentDates, Entry]], why: Optional[str] = None,
                 bounds: Optional[Sequence[tuple[Anchor, Anchor]]] = None) -> str:
    """The evidence of an event whose sources disagree: each report, and what the bounds are. `bounds`:
    each report's (lo, hi) when the disagreement was found, if they may have moved since."""
    text = "sources disagree: " + "; ".join(report(entry, bounds[i] if bounds else None)
                                            for i, (_, entry) in enumerate(members))
    if why:
        text += f"; {why}"
    official = [e for _, e in members if e.curated is not None and doc_method(e) == "curated"]
    others = [e for _, e in members if e.curated is None]
    if official and others:
        names = ", ".join(e.mention.source_id for e in others)
        return (text + f"; the bounds are the hull of these reports, never wider; where one day is needed, the "
                f"curated official record ({official[0].curated.where}) is the better authority than {names}")
    return text + "; the bounds are the hull of these reports, never wider"
