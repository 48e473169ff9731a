"""Stage 2, across documents: the reports of one event combined (``date_events``), each report's own
account kept (``own_bounds``), and curated dates checked against the other sources (``curated_contradictions``).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, Optional, Sequence

from ..events import events_at
from ...model import DateBounds, Event, Mention, Problem
from ...parse.datetext import HIGH, LOW, gap_days, precision_of
from .entries import PRINTED, Anchor, Candidate, Entry, doc_method, document_only_holds, printed_day
from .propagate import DocumentDates, DocumentDatesInPart
from .wording import day_range, disagreement, lent, report

# A curated official day may differ from a secondary source's printed day by this much (a time zone, an
# event reported the next day): the build goes on, the event's bounds span both and date_conflict = 1.
# Further apart, the curated date fails the build unless its entry says why (`disagrees:`).
TOLERANCE_DAYS = 1


def date_events(events: list[Event], documents: list[DocumentDates],
                share: Callable[[DateBounds], DateBounds] = lambda bounds: bounds,
                whole: Optional[Callable[[str], DocumentDates]] = None,
                settle: Optional[Callable[[Event, DateBounds, Optional[Mention]], DateBounds]] = None,
                report_bounds: Optional[Callable[[Mention, DateBounds], DateBounds]] = None) -> list[Problem]:
    """Final bounds for every event: its mentions' bounds combined, anchors propagated to a fixpoint.

    Writes into what it is given: sets `event.date` (with `conflict` when its sources disagree), and
    narrows the entries of `documents` with the bounds other reports lend them. Returns problems: an error when a
    curated date contradicts another source reporting the same event. `share(bounds)` gives the DateBounds
    to hold for each event's (build.Shared.date: one object per value), called as each is made so that
    equal ones never pile up; an event whose one report kept its own document's bounds takes that
    report's `document_only`.

    A document may be held in part (`DocumentDatesInPart`: the entries of the reports that have others,
    and what the document alone gives the rest): `whole(source id)` reads it whole again where another
    source lends it a bound, to propagate the bound through its list, and lets it go again, one document
    at a time (`propagate_through`); once no bound moves, what the list then gives each of its other
    reports is held in the part (`settle_through`), as `report_bounds(report, bounds)` gives it (by default
    `share`; the build's sets the evidence aside, database.DateEvidence).

    `settle(event, bounds, report)`, when given, takes each event's bounds as they are made and gives what
    the event holds instead (`share` is then its to call): the build's sets their evidence aside
    (database.DateEvidence). `report` is the one report whose own bounds (`document_only`) they are, if so.
    """
    by_id = {doc.source_id: doc for doc in documents}
    lent_to: dict[str, DocumentDatesInPart] = {}  # the documents held in part that another source lent a bound
    problems: list[Problem] = []

    def located(event: Event) -> list[tuple[DocumentDates, Entry]]:
        seen, result = set(), []
        for mention in event.mentions:
            member = _member(by_id, mention)
            if member is not None and id(member[1]) not in seen:
                seen.add(id(member[1]))
                result.append(member)
        return result

    linked = [e for e in events if len(located(e)) > 1]
    conflicts: dict[str, Disagreement] = {}

    pending = linked
    while pending:
        offers: dict[str, dict[tuple[str, int], Candidate]] = {}
        for event in pending:
            if event.id in conflicts:
                continue
            members = located(event)
            starts, during = _roles(members)
            lo_doc, lo_entry = max(starts, key=lambda de: de[1].lo.day)
            hi_doc, hi_entry = min(starts + during, key=lambda de: de[1].hi.day)
            last = max((e.end for _, e in starts if e.end), default=HIGH)
            if lo_entry.lo.day > hi_entry.hi.day or any(e.lo.day > last for _, e in during):
                conflicts[event.id] = Disagreement.of(members)
                problems.extend(_curated_disagreements(members, during))
                continue
            for doc, entry in starts:
                if entry.lo.day >= lo_entry.lo.day and entry.hi.day <= hi_entry.hi.day:
                    continue
                # A lent bound's note (the lender's evidence) is written only if the offer is applied.
                lo_from = None if entry.lo.day >= lo_entry.lo.day else (lo_doc, lo_entry)
                hi_from = None if entry.hi.day <= hi_entry.hi.day else (hi_doc, hi_entry)
                lo = entry.own_lo if lo_from is None else Anchor(
                    lo_entry.lo.day, entry.mention, "cross-source", "", f"dated by {lo_entry.mention.source_id}")
                hi = entry.own_hi if hi_from is None else Anchor(
                    hi_entry.hi.day, entry.mention, "cross-source", "", f"dated by {hi_entry.mention.source_id}")
                offers.setdefault(doc.source_id, {})[entry.key] = Candidate(lo, hi, "cross-source",
                                                                            (event, lo_from, hi_from))
        # Check every document's batch first; an event refused anywhere lends nothing anywhere. No event
        # offering is in `conflicts` yet, and checking changes nothing: its disagreement is noted at once.
        for source_id, batch in offers.items():
            _, refused = by_id[source_id].accept(batch)
            for entry, offer, why in refused:
                event = offer.payload[0]
                if event.id not in conflicts:  # the first refusal names it
                    conflicts[event.id] = Disagreement.of(
                        located(event), f"{entry.mention.source_id} entry {entry.mention.position}: {why}")
        # The lent notes read the lenders as they were when offered: write them all before applying any.
        applied = [(doc, [(doc.entry(key), _lent(offer)) for key, offer in batch.items()
                          if offer.payload[0].id not in conflicts])
                   for doc, batch in ((by_id[source_id], batch) for source_id, batch in offers.items())]
        del offers
        changed: list[Entry] = []
        for doc, batch in applied:
            for entry, offer in batch:
                doc.apply(entry, offer)
            if isinstance(doc, DocumentDatesInPart):  # its list is read whole to propagate, then let go
                if batch:
                    lent_to.setdefault(doc.source_id, doc)
                    changed += doc.propagate_through(whole(doc.source_id))
            else:
                changed += doc.propagate()
        del applied
        pending = _touched(linked, located, changed)

    # A document held in part that other sources lent to: its other reports' bounds, now final, held in its
    # part (`report_bounds` decides how), one document read whole at a time.
    for doc in lent_to.values():
        doc.settle_through(whole(doc.source_id), report_bounds or share)

    def hold(event: Event, bounds: DateBounds, own: Optional[Mention] = None, shared: bool = False) -> DateBounds:
        if settle is not None:
            return settle(event, bounds, own)
        return bounds if shared else share(bounds)

    for event in events:
        members = located(event)
        if not members:
            # A report whose document is held in part (it has no other): what that document gives it, as
            # its entry's `document_only` would. Else a mention of a document that was not dated: kept.
            alone = [(m, bounds) for m in event.mentions if (bounds := _alone(by_id, m)) is not None]
            event.date = hold(event, alone[0][1], alone[0][0], shared=True) if len(alone) == 1 else \
                hold(event, event.date)
        elif len(members) == 1:
            doc, entry = members[0]
            event.date = hold(event, entry.document_only, entry.mention, shared=True) if document_only_holds(entry) else \
                hold(event, doc.bounds(entry))
        elif event.id in conflicts:
            event.date = hold(event, _hull(members, conflicts[event.id].words()))
        else:
            event.date = hold(event, _combined(*_roles(members)))
    return problems


@dataclass(slots=True)
class Disagreement:
    """An event whose sources disagree, as `date_events` finds it: its reports and the bounds each had then,
    and why, if a document refused what the others would lend. Its evidence is written in words only once
    the event's bounds are made (`words`), so that the rounds hold a few references per event, not a
    sentence naming every report (some 900 characters each at corpus-100000, 4,770 of them)."""

    members: list[tuple[DocumentDates, Entry]]
    bounds: tuple[tuple[Anchor, Anchor], ...]  # each member's (lo, hi) when the disagreement was found
    why: Optional[str] = None

    @classmethod
    def of(cls, members: list[tuple[DocumentDates, Entry]], why: Optional[str] = None) -> "Disagreement":
        return cls(members, tuple((entry.lo, entry.hi) for _, entry in members), why)

    def words(self) -> str:
        """The disagreement in words (`wording.disagreement`), each report's bounds as they were when found:
        a neighbour in its list may have moved them since. Nothing else it reads changes (a report of an
        event in disagreement is lent nothing more)."""
        return disagreement(self.members, self.why, self.bounds)


def _touched(linked: list[Event], located, changed: list[Entry]) -> list[Event]:
    """The events with a report among `changed`, in the order of the first key (source id, position) of
    those reports, then as listed. Found by going over the linked events rather than from a map of
    every report to its events, held through all the rounds."""
    if not changed:
        return []
    ids = {id(entry) for entry in changed}
    found = []
    for event in linked:
        keys = [entry.key for _, entry in located(event) if id(entry) in ids]
        if keys:
            found.append((min(keys), event))
    found.sort(key=lambda first_event: first_event[0])  # stable: as listed when the first key is shared
    return [event for _, event in found]


def _lent(offer: Candidate) -> Candidate:
    """The offer with the note of each bound another report lends: that report's day and own evidence."""
    event, lo_from, hi_from = offer.payload
    lo = offer.lo if lo_from is None else dataclasses.replace(offer.lo, note=lent(*lo_from, lo_from[1].lo))
    hi = offer.hi if hi_from is None else dataclasses.replace(offer.hi, note=lent(*hi_from, hi_from[1].hi))
    return Candidate(lo, hi, offer.kind, event)


START, UNDER_WAY = "start", "under way"


def own_bounds(documents: list[DocumentDates]) -> Callable[[Event], dict[tuple[str, int], tuple[DateBounds, str]]]:
    """Each report's own bounds once dating is done, before any cross-source hull, and its role: a function
    that gives, for one event, (source id, position) -> (bounds with method and evidence, "start" or
    "under way") for each of its reports; event_sources.own_*. Made per event as its rows are written, not
    held for the whole corpus.

    The bounds are what the report's document gives its entry: a date printed for it or in its text, a
    cue, a curated date with its citation, the order of its list, its coverage window, and days the
    other sources of the same event lent it where they agree (method ``cross-source``). Where the
    sources of an event disagree (``DateBounds.conflict``) nothing was lent between them, so each report
    keeps its own account here while the event takes the hull. The role is the one ``_roles`` gives: a
    printed date of an event another report says lasted several days is a day it was under way.

    ``date_events`` judges a disagreement on these same bounds (the reports of its first day, role
    "start", share no day, or a report of a day it was under way falls before that first day or after
    the last end), and also where a document refuses the days the others would lend an entry, because
    they would put it out of its list's order: judged on the whole round's offers, some of which may be
    withdrawn in turn, so such an entry can keep own bounds that overlap the others'. ``date_conflict``
    is therefore the one record of a disagreement (the table date_disagreements is read from it).
    """
    by_id = {doc.source_id: doc for doc in documents}

    def of(event: Event) -> dict[tuple[str, int], tuple[DateBounds, str]]:
        members = [member for m in event.mentions if (member := _member(by_id, m)) is not None]
        under_way = {entry.key for _, entry in _roles(members)[1]}
        found = {entry.key: (doc.bounds(entry), UNDER_WAY if entry.key in under_way else START) for doc, entry in members}
        for m in event.mentions:  # a report of a document held in part (`DocumentDatesInPart`) and never changed
            if len(found) < len(event.mentions) and m.key not in found and (alone := _alone(by_id, m)) is not None:
                found[m.key] = (alone, START)
        return found
    return of


def _alone(documents: dict[str, DocumentDates], mention: Mention) -> Optional[DateBounds]:
    """What its document alone gives a report not held as an entry of a dating held in part, else None:
    that document is as its own stage left it, so this is the bounds its entry's `doc.bounds` would give."""
    doc = documents.get(mention.source_id)
    return doc.alone(mention.position) if isinstance(doc, DocumentDatesInPart) and doc.at(mention.position) is None else None


def _member(documents: dict[str, DocumentDates], mention: Mention) -> Optional[tuple[DocumentDates, Entry]]:
    """(document, entry) of a mention, from its documents' datings by source id; None for a mention not dated.
    Looked up in the document's own index by position rather than in one corpus-wide dict keyed by
    (source id, position), which made a tuple per report, held while the write ran (own_bounds)."""
    doc = documents.get(mention.source_id)
    entry = doc.at(mention.position) if doc is not None else None
    return None if entry is None else (doc, entry)


def _roles(members: list[tuple[DocumentDates, Entry]]) -> tuple[list, list]:
    """Which mentions date the event's first day, and which only a day it was under way.

    Normally every mention dates the day the event happened or began. But when one source knows the
    event lasted several days (it gives an end: "Maritime Interaction 2021, 14-17 October"), a single
    printed day from another source ("On October 15, 2021, Russia and China held naval drills") says
    the event was under way that day: the event began no later than it, and ended no earlier.
    """
    if not any(entry.end for _, entry in members):
        return members, []
    starts, during = [], []
    for doc, entry in members:
        printed_day = entry.own_kind in PRINTED and not entry.end and entry.own_lo.kind in PRINTED
        (during if printed_day else starts).append((doc, entry))
    return starts, during


def _curated_disagreements(members: list[tuple[DocumentDates, Entry]], during: list) -> list[Problem]:
    """A curated date that contradicts another report of the same event fails the build, unless it is
    within TOLERANCE_DAYS of a day the other source prints, or its entry says why (`disagrees:`)."""
    problems = []
    under_way = {id(entry) for _, entry in during}
    for _doc, entry in members:
        if entry.curated is None or entry.curated.disagrees:
            continue
        for _, other in members:
            if other.mention.source_id == entry.mention.source_id:
                continue
            last = (entry.end or entry.hi.day) if id(other) in under_way else entry.hi.day
            gap = gap_days(entry.lo.day, last, other.lo.day, other.hi.day)
            if gap == 0 or (printed_day(other) and gap <= TOLERANCE_DAYS):
                continue
            item = entry.curated
            problems.append(Problem(item.file, item.date_line,
                f"curated date {day_range(item.earliest, item.latest)} for {item.source} entry {item.position} "
                f"contradicts {report(other)}, which reports the same event"
                f"{f' ({gap} days apart; the tolerance is {TOLERANCE_DAYS})' if printed_day(other) else ''}. "
                "Correct the date, or say why the sources differ with disagrees: <reason>", "error"))
            break
    return problems


def judged_entries(doc: DocumentDates) -> list[Entry]:
    """The entries of `doc` that `curated_contradictions` judges: curated, with no `disagrees:`, in a
    document whose coverage window is known at both ends (the window stands in for the curated day)."""
    if not (doc.window[0] and doc.window[1]):
        return []
    return [entry for entry in doc.entries if entry.curated is not None and not entry.curated.disagrees]


def curated_contradictions(documents: list[DocumentDates], groups: Iterable[Sequence[Mention]], same_event) -> list[Problem]:
    """Curated dates that put their entry away from another source's printed day for the same event
    (`groups`: the reports the linker put in one event, each group an event to be).

    Linking compares dates, so a wrong curated day can keep its entry apart from the other reports of
    its event (the event then splits in two, silently). Here each curated entry is judged as the
    linker would judge it undated (its document's coverage window): against every mention of another
    source that prints an exact day in that window, `same_event(mention, other)` gives the linker's
    score, or None below its threshold. As the linker does, only the best-scoring mention of each
    other source counts, and a source already in the entry's event is left to date_events. That
    mention's day more than TOLERANCE_DAYS from the curated one is an error naming the curated file
    and line, unless the entry says why with `disagrees:`; a day within the tolerance, a warning.
    """
    judged = [(doc, entry) for doc in documents for entry in judged_entries(doc)]
    if not judged:  # then nothing below is needed: a corpus-wide index of days and of events, for none
        return []
    by_day: dict[str, list[Entry]] = {}
    for doc in documents:
        for entry in doc.entries:
            if printed_day(entry) and not entry.end:
                by_day.setdefault(entry.own_lo.day, []).append(entry)
    if not by_day:
        return []
    group_at = events_at(groups, (entry.mention for _, entry in judged), members=iter)  # the judged entries' only
    problems = []
    for doc, entry in judged:
        start, end = doc.window
        item = entry.curated
        group = group_at[entry.mention.source_id].get(entry.mention.position, (entry.mention,))
        present = {m.source_id for m in group}
        widened = dataclasses.replace(entry.mention, date=DateBounds(start, end, None, "window", "coverage"))
        best: dict[str, tuple[float, Entry]] = {}
        day, stop = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        while day <= stop:
            for other in by_day.get(day.isoformat(), []):
                source = other.mention.source_id
                if source in present:
                    continue
                score = same_event(widened, other.mention)
                if score is not None and (source not in best or score > best[source][0]):
                    best[source] = (score, other)
            day += dt.timedelta(days=1)
        for source, (score, other) in sorted(best.items()):
            gap = gap_days(item.earliest, item.end or item.latest, other.own_lo.day, other.own_hi.day)
            where = (f"curated date {day_range(item.earliest, item.latest)} for {item.source} entry {item.position}")
            other_name = f"{source} entry {other.mention.position}"
            if gap > TOLERANCE_DAYS:
                problems.append(Problem(item.file, item.date_line,
                    f"{where} contradicts {other_name}, which prints {other.mention.reported_date!r} "
                    f"({other.own_lo.day}) for what reads as the same event (link score {score:.2f} without the "
                    f"date; {gap} days apart, the tolerance is {TOLERANCE_DAYS}). Correct the date, or say why "
                    "the sources differ with disagrees: <reason>", "error"))
            elif gap > 0:
                problems.append(Problem(item.file, item.date_line,
                    f"{where} is {gap} day from {other_name} ({other.mention.reported_date!r}), which reads as the "
                    f"same event (link score {score:.2f} without the date) but was not linked to it; within the "
                    "tolerance, so the build goes on (link them in links.yml to give the event the hull of both days)"))
    return problems


def _reports_a_date(entry: Entry) -> bool:
    """The entry's own evidence dates it (printed, in its text, curated, a cue), not only inference."""
    return entry.own_kind in PRINTED or doc_method(entry) in ("curated", "cue")


def _hull(members: list[tuple[DocumentDates, Entry]], evidence: str) -> DateBounds:
    """The hull of what the sources report: the smallest bounds holding every date a source gives.

    A mention bounded only by inference (its coverage window, the order of its list) reports no date:
    it is left out of the hull when another mention does report one and its bounds hold some of the
    reported days, so two reports a day apart give those two days, not the window of an undated entry
    linked to both. Bounds that hold none of them are part of the disagreement and are kept.
    """
    reporting = [(doc, entry) for doc, entry in members if _reports_a_date(entry)] or members
    lo = min(entry.lo.day for _, entry in reporting)
    hi = max(entry.hi.day for _, entry in reporting)
    chosen = {id(entry) for _, entry in reporting}
    reporting += [(doc, entry) for doc, entry in members
                  if id(entry) not in chosen and (entry.hi.day < lo or entry.lo.day > hi)]
    earliest = min(entry.lo.day for _, entry in reporting)
    latest = max(entry.hi.day for _, entry in reporting)
    ends = [entry.end for _, entry in reporting if entry.end]
    earliest_out = None if earliest == LOW else earliest
    latest_out = None if latest == HIGH else latest
    return DateBounds(earliest_out, latest_out, max(ends) if ends else None, precision_of(earliest_out, latest_out),
                      "cross-source", evidence, conflict=True)


def _combined(starts: list[tuple[DocumentDates, Entry]], during: list[tuple[DocumentDates, Entry]]) -> DateBounds:
    """Every mention dating the start now has the same bounds (the intersection). Say where they come from."""
    doc, entry = starts[0]
    first = doc.bounds(entry)  # once nothing changes, every start mention has these bounds
    ends = [e.end for _, e in starts if e.end]
    narrowed = [e for _, e in starts
                if e.document_only is not None and (e.document_only.earliest, e.document_only.latest) != (first.earliest, first.latest)]
    under_way = "".join(f"; {e.mention.source_id} entry {e.mention.position} reports "
                        f"{day_range(e.lo.day, e.hi.day)}, when it was under way" for _, e in during)
    if not narrowed:
        agreeing = ", ".join(e.mention.source_id for _, e in starts[1:])
        evidence = first.evidence + (f" ({agreeing} report{'s' if len(starts) == 2 else ''} the same bounds)" if agreeing else "")
        return DateBounds(first.earliest, first.latest, max(ends) if ends else first.end, first.precision, first.method,
                          evidence + under_way)
    parts = []
    for _, e in starts:
        own = e.document_only
        parts.append(f"{e.mention.source_id} entry {e.mention.position} alone gives "
                     f"{day_range(own.earliest or '?', own.latest or '?')} ({own.method})")
    evidence = (f"{day_range(first.earliest or '?', first.latest or '?')}, combining {len(starts) + len(during)} reports "
                "of the event: " + "; ".join(parts) + under_way)
    return DateBounds(first.earliest, first.latest, max(ends) if ends else None,
                      precision_of(first.earliest, first.latest), "cross-source", evidence)
