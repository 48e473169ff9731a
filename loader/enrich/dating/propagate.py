"""Stage 1, one document: each entry's own evidence, admitted in layers, and bounds propagated through
the order of its list (``date_document``). See the package docstring for the order of trust.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable, Optional

from ...model import DateBounds, Mention, Problem, SourceInfo
from ...parse.datetext import HIGH, LOW
from ..curated_dates import CuratedDate, CuratedDates
from .entries import (NEWEST_FIRST, OLDEST_FIRST, ORDERED_FORMATS, PRINTED, Anchor, Candidate, Entry, anchors, coverage,
                      document_only_holds)
from .textdates import AFTER, BEFORE, ON, read_text_dates
from .wording import contradiction, curated_note, day_range, entry_bounds, entry_name


@dataclass
class DocumentDates:
    """The dating of one document: its entries in document order and how its list runs."""

    source_id: str
    file: str
    format: Optional[str]
    window: tuple[Optional[str], Optional[str]]
    entries: list[Entry]
    ordered: bool
    direction: Optional[str] = None
    direction_note: str = ""
    direction_short: str = ""
    problems: list[Problem] = field(default_factory=list)
    # position -> entry, made only for a list whose positions are not a run (1, 2, 3...): a build's are, and
    # then the place in the list is found from the position, with no dict per document held to the write.
    _index: dict = field(default_factory=dict, repr=False)

    def entry(self, key: tuple[str, int]) -> Entry:
        source_id, position = key
        found = self.at(position) if source_id == self.source_id else None
        if found is None:
            raise KeyError(key)
        return found

    def at(self, position: int) -> Optional[Entry]:
        """The entry of the mention at `position`, if that mention was dated here."""
        entries = self.entries
        if entries:
            i = position - entries[0].mention.position
            if 0 <= i < len(entries) and entries[i].mention.position == position:  # positions are unique
                return entries[i]
        if len(self._index) != len(entries):
            self._index = {e.mention.position: e for e in entries}
        return self._index.get(position)

    def chronological(self) -> list[Entry]:
        """The entries oldest first (the list itself, or reversed when it runs newest first)."""
        return list(reversed(self.entries)) if self.direction == NEWEST_FIRST else list(self.entries)

    def propagate(self) -> list[Entry]:
        """Bounds through the list: one forward pass (earliest) and one backward pass (latest).

        Returns the entries whose bounds changed, in list order.
        """
        before = [(e.lo.day, e.hi.day) for e in self.entries]
        if not self.ordered:
            for entry in self.entries:
                entry.lo, entry.hi = entry.own_lo, entry.own_hi
        else:
            chrono = self.chronological()
            carried: Optional[Anchor] = None
            for entry in chrono:  # oldest first: nothing can be earlier than an entry before it
                if not entry.in_order:
                    entry.lo = entry.own_lo
                    continue
                entry.lo = entry.own_lo if carried is None or entry.own_lo.day >= carried.day else carried
                carried = entry.lo
            carried = None
            for entry in reversed(chrono):  # newest first: nothing can be later than an entry after it
                if not entry.in_order:
                    entry.hi = entry.own_hi
                    continue
                entry.hi = entry.own_hi if carried is None or entry.own_hi.day <= carried.day else carried
                carried = entry.hi
        for entry in self.entries:
            if entry.lo.day > entry.hi.day:  # cannot happen when evidence is admitted through accept()
                raise AssertionError(f"{self.file}:{entry.mention.line}: bounds invert ({entry.lo.day} > {entry.hi.day})")
        return [e for e, days in zip(self.entries, before) if days != (e.lo.day, e.hi.day)]

    def accept(self, offers: dict[tuple[str, int], Candidate]) -> tuple[list[Entry], list[tuple[Entry, Candidate, str]]]:
        """Check a batch of candidates against the bounds established so far, without applying them.

        A candidate is admitted when it overlaps its entry's current bounds and agrees with the order
        of the candidates admitted before it in the batch (a single pass, oldest first). Returns the
        admitted entries and, for the others, why not.
        """
        admitted, refused = [], []
        latest_start: Optional[tuple[Anchor, Entry]] = None  # the latest 'earliest' admitted so far, chronologically
        for entry in (self.chronological() if self.ordered else self.entries):
            offer = offers.get(entry.key)
            if offer is None:
                continue
            lo = offer.lo if offer.lo.day > entry.lo.day else entry.lo
            hi = offer.hi if offer.hi.day < entry.hi.day else entry.hi
            if lo.day > hi.day:
                refused.append((entry, offer, contradiction(entry, offer)))
                continue
            if self.ordered and entry.in_order and latest_start and latest_start[0].day > hi.day:
                other = latest_start[1]
                refused.append((entry, offer,
                                f"it would put {entry_name(entry.mention)} before {entry_name(other.mention)} "
                                f"({latest_start[0].day}, {latest_start[0].kind}), which the list ({self.direction}) "
                                f"places {'above' if self.direction == OLDEST_FIRST else 'below'} it"))
                continue
            admitted.append(entry)
            if self.ordered and entry.in_order and (latest_start is None or lo.day > latest_start[0].day):
                latest_start = (lo, entry)
        return admitted, refused

    def apply(self, entry: Entry, offer: Candidate) -> None:
        """Make an admitted candidate part of the entry's own evidence."""
        if offer.lo.day > entry.own_lo.day:
            entry.own_lo = offer.lo
        if offer.hi.day < entry.own_hi.day:
            entry.own_hi = offer.hi

    def bounds(self, entry: Entry) -> DateBounds:
        """The entry's bounds as a DateBounds: days, precision, method and evidence (see wording.entry_bounds)."""
        return entry_bounds(self, entry)


@dataclass
class DocumentDatesInPart(DocumentDates):
    """A document's dating held in part, between the reading and the end of `date_events`: the entries of
    the reports it keeps (`entries`, in list order: those reported with others, the only ones
    date_events reads bounds from or lends them to), and for every report only the bounds its document
    alone gave it (`alone`). A document no other source lends a bound to is never changed after its own
    stage, so its other reports need nothing more. Where one is lent to, its list is read whole again to
    carry the bound through it, then let go (`propagate_through`, date_events' `whole`): only a held entry
    is ever lent a bound, so the others' own evidence is as it was on disk; at the end the bounds the list
    then gives the others are held in their place (`settle_through`). An entry and its anchors take some
    230 bytes; a report not kept here, 8."""

    first: int = 0  # the position of the first report: positions run on from it
    held: list = field(default_factory=list, repr=False)  # by position: the kept Entry, or a DateBounds

    @classmethod
    def of(cls, doc: DocumentDates, keep) -> DocumentDates:
        """`doc` held in part: the entries whose mention `keep(mention)` keeps, and what the others'
        document gives each. `doc` itself when its positions do not run on (1, 2, 3...), as a build's do."""
        entries = doc.entries
        if not entries or any(e.mention.position != entries[0].mention.position + i for i, e in enumerate(entries)):
            return doc
        held = [entry if keep(entry.mention) else entry.document_only for entry in entries]
        return cls(doc.source_id, doc.file, doc.format, doc.window, [e for e in held if type(e) is Entry], doc.ordered,
                   doc.direction, doc.direction_note, doc.direction_short, doc.problems,
                   first=entries[0].mention.position, held=held)

    def at(self, position: int) -> Optional[Entry]:
        held = self._held(position)
        return held if type(held) is Entry else None

    def alone(self, position: int) -> Optional[DateBounds]:
        """The bounds of the report at `position` when it is not held as an entry: what its document alone
        gives it (`Entry.document_only`), or, once `settle_through` has run, what its list gives it then."""
        held = self._held(position)
        return held.document_only if type(held) is Entry else held

    def propagate_through(self, whole: DocumentDates) -> list[Entry]:
        """Propagate the bounds of the held entries through the whole list (`whole`: this document read
        whole again, which the caller then lets go). The other reports' own evidence is as their document
        gave it (only a held entry is lent a bound), so the list propagates as if it had been held whole
        all along. Returns the held entries whose bounds changed, in list order."""
        self._take_part_in(whole)
        return [entry for entry in whole.propagate() if type(self._held(entry.mention.position)) is Entry]

    def settle_through(self, whole: DocumentDates, hold: Callable[[Mention, DateBounds], DateBounds]) -> None:
        """Hold for each report not held as an entry what the whole list gives it now, where that is no
        longer what its document alone gave it: `hold(report, bounds)`, the DateBounds to keep instead."""
        self._take_part_in(whole)
        whole.propagate()
        for i, entry in enumerate(whole.entries):
            if type(self.held[i]) is not Entry and not document_only_holds(entry):
                self.held[i] = hold(entry.mention, whole.bounds(entry))

    def _take_part_in(self, whole: DocumentDates) -> None:
        """Put the held entries in place of their copies in `whole`, the same list read again."""
        for i, held in enumerate(self.held):
            if type(held) is Entry:
                whole.entries[i] = held

    def _held(self, position: int):
        i = position - self.first
        return self.held[i] if 0 <= i < len(self.held) else None


def date_document(mentions: list[Mention], info: SourceInfo, header: dict,
                  curated: Optional[CuratedDates] = None) -> DocumentDates:
    """Bounds for every mention of one document from its own evidence and its order.

    Writes into the mentions it is given: `mention.date` of an undated mention becomes what the document
    alone supports (a printed date stays as printed), and an entry dated by a day printed in its own
    words gets that text as `mention.reported_date`. Returns the document's dating, which `date_events`
    continues. Problems: warnings about the source (an entry out of order, an unusable cue) and errors
    about curated dates, naming file and line.
    """
    curated = curated or CuratedDates("")
    start, end = coverage(info, header)
    doc = DocumentDates(info.id, info.file, info.format, (start, end), [], info.format in ORDERED_FORMATS)
    cues: dict[tuple[str, int], Candidate] = {}
    offers: dict[tuple[str, int], Candidate] = {}
    for mention in mentions:
        entry = _own_entry(mention, doc)
        doc.entries.append(entry)
        if mention.date is not None:
            if (key := (info.id, mention.position)) in curated.dates:
                item = curated.dates[key]
                doc.problems.append(Problem(item.file, item.date_line,
                    f"{info.id} entry {mention.position} has a printed date ({mention.reported_date!r}); "
                    "curated dates are for entries whose date was not printed", "error"))
            continue
        if (cue := _anniversary_cue(mention, curated, doc)) is not None:
            cues[entry.key] = cue
        if (item := curated.dates.get(entry.key)) is not None and _curated_key_holds(item, mention, mentions, doc):
            entry.curated = item
            offers[entry.key] = Candidate(
                *anchors(item.earliest, item.latest, mention, "curated", curated_note(item), "curated"), "curated", item)
            if item.end:
                entry.end = item.end
            if item.out_of_order:
                entry.in_order = False
                entry.order_note = f"curated as out of the list's order: {item.out_of_order}"
    if doc.ordered:
        _detect_direction(doc, cues, offers)
        _admit_printed(doc)
    doc.propagate()

    # Layer: anniversary cues. One that contradicts what the text and order establish is dropped.
    admitted, refused = doc.accept(cues)
    for entry, cue, why in refused:
        doc.problems.append(Problem(info.file, entry.mention.line,
            f"anniversary cue ({cue.lo.note.split(';')[0]}) not used for entry {entry.mention.position}: {why}"))
    for entry in admitted:
        doc.apply(entry, cues[entry.key])
    doc.propagate()

    # Layer: curated dates. One that contradicts what the sources establish fails the build.
    out_of_order = {k: o for k, o in offers.items() if not doc.entry(k).in_order}
    in_order = {k: o for k, o in offers.items() if k not in out_of_order}
    for key, offer in out_of_order.items():  # out of the order, but still within the coverage window
        entry = doc.entry(key)
        if offer.lo.day < entry.own_lo.day or offer.hi.day > entry.own_hi.day:
            item = offer.payload
            doc.problems.append(Problem(item.file, item.date_line,
                f"curated date {day_range(item.earliest, item.latest)} for {info.id} entry {key[1]} contradicts "
                f"the entry's own evidence: {contradiction(entry, offer)}", "error"))
        else:
            doc.apply(entry, offer)
    admitted, refused = doc.accept(in_order)
    for entry, offer, why in refused:
        item = offer.payload
        doc.problems.append(Problem(item.file, item.date_line,
            f"curated date {day_range(item.earliest, item.latest)} for {info.id} entry {entry.mention.position} "
            f"contradicts the order of the list: {why}. Correct the date, or, if the source misplaces the "
            "entry, say so with out_of_order: <reason>", "error"))
    for entry in admitted:
        doc.apply(entry, in_order[entry.key])
    doc.propagate()

    for entry in doc.entries:
        entry.document_only = doc.bounds(entry)
        if entry.mention.date is None:
            entry.mention.date = entry.document_only
    return doc


def _own_entry(mention: Mention, doc: DocumentDates) -> Entry:
    """The entry with only its own evidence: a printed date, else the dates printed in its text, else
    the coverage window."""
    start, end = doc.window
    if mention.reference_of is not None:  # a back-reference: dated as printed, outside the list's order
        date = mention.date
        note = date.evidence or f"printed: {mention.reported_date}"
        entry = Entry(mention, *anchors(date.earliest, date.latest, mention, "explicit", note),
                      "explicit", note, date.precision, date.end)
        entry.in_order = False
        entry.order_note = f"a back-reference read inside entry {mention.reference_of}; not part of the list's order"
        return entry
    readings = read_text_dates(mention, doc.window) if doc.ordered else []
    entry = _printed_or_window(mention, doc)
    if not readings:
        return entry
    used = {ON, AFTER, BEFORE} if mention.date is None and entry.own_kind == "coverage" else set()
    on = [r for r in readings if r.relation == ON and ON in used]
    after = [r for r in readings if r.relation == AFTER and AFTER in used]
    before = [r for r in readings if r.relation == BEFORE and BEFORE in used]
    lo = max([entry.own_lo.day] + [r.date.first.isoformat() for r in after])
    hi = min([entry.own_hi.day] + [r.date.last.isoformat() for r in before])
    if on:
        first = min(r.date.first for r in on)
        last = max(r.date.last for r in on)
        if lo <= first.isoformat() <= hi:
            if (last - first).days <= 13:  # one event over a few days: it began on the first of them
                lo = hi = first.isoformat()
                entry.end = last.isoformat() if last > first else None
            else:
                lo, hi = first.isoformat(), last.isoformat()
        else:
            doc.problems.append(Problem(doc.file, mention.line,
                f"entry prints {', '.join(r.date.text for r in on)} for its event, outside the bounds its other dates "
                f"give ({lo} to {hi}); the bounds are used"))
            on = []
    shaping = on + after + before
    if shaping and lo <= hi:
        note = "printed in the entry's text: " + "; ".join(r.words() for r in shaping)
        entry.own_lo, entry.own_hi = entry.lo, entry.hi = anchors(lo, hi, mention, "in-text", note)
        entry.own_kind, entry.own_evidence = "in-text", note
        entry.own_precision = "day" if lo == hi else None
        if on and lo == hi:
            mention.reported_date = ", ".join(dict.fromkeys(r.date.text for r in on))
    rest = [r for r in readings if r not in shaping]
    if rest:
        entry.text_note = "other dates in its text: " + "; ".join(r.words() for r in rest)
    return entry


def _printed_or_window(mention: Mention, doc: DocumentDates) -> Entry:
    """The entry with only its own printed date, else the coverage window."""
    start, end = doc.window
    date = mention.date
    if date is not None and date.earliest and date.latest:
        note = date.evidence or f"printed: {mention.reported_date}"
        if date.method not in PRINTED:
            note = date.evidence or date.method
        entry = Entry(mention, *anchors(date.earliest, date.latest, mention, date.method or "explicit", note),
                      date.method or "explicit", note, date.precision, date.end)
        if doc.ordered and start and end and not (start <= date.earliest <= end):
            doc.problems.append(Problem(doc.file, mention.line,
                f"entry dated {mention.reported_date!r} lies outside the document's coverage {start} to {end}; "
                "it is kept as printed but does not bound its neighbours"))
            entry.in_order = False
            entry.order_note = "outside the document's coverage window"
        return entry
    if start and end:
        note = f"the document's coverage window, {start} to {end}"
        return Entry(mention, *anchors(start, end, mention, "coverage", note),
                     "coverage", f"date not printed; bounded by the document's coverage window, {start} to {end}", "window")
    doc.problems.append(Problem(doc.file, mention.line, "entry has no date and its document no coverage window"))
    note = "no date printed and no coverage window known"
    return Entry(mention, Anchor(LOW, mention, "unknown", note), Anchor(HIGH, mention, "unknown", note), "unknown", note)


def _anniversary_cue(mention: Mention, curated: CuratedDates, doc: DocumentDates) -> Optional[Candidate]:
    """'telegram ... on the 72nd anniversary of the establishment of the PRC' -> 2021-10-01.

    Only an entry that reports a message sent for the anniversary is dated by it, on the assumption
    (stated in curated/dates.yml and repeated in the evidence) that such a message is dated the day.
    """
    pattern, message = curated.pattern, curated.message_pattern
    if pattern is None or message is None or not message.search(mention.excerpt):
        return None
    for match in pattern.finditer(mention.excerpt):
        ref = curated.reference_named(match["name"])
        if ref is None:
            continue
        years = int(match["n"])
        try:
            day = ref.date.replace(year=ref.date.year + years).isoformat()
        except ValueError:  # 29 February in a year without one
            continue
        start, end = doc.window
        if start and end and not (start <= day <= end):
            doc.problems.append(Problem(doc.file, mention.line,
                f"anniversary cue '{' '.join(match.group(0).split())}' gives {day}, outside the coverage {start} to {end}; not used"))
            continue
        note = (f"anniversary cue '{' '.join(match.group(0).split())}': {ref.event}, {ref.date.isoformat()}, "
                f"+ {years} years = {day}; assumes {curated.assumption} (reference: {curated.file}:{ref.line})")
        short = f"anniversary cue: {' '.join(match.group(0).split())}"
        return Candidate(*anchors(day, day, mention, "cue", note, short), "cue", ref)
    return None


def _curated_key_holds(item: CuratedDate, mention: Mention, mentions: list[Mention], doc: DocumentDates) -> bool:
    """The entry at the curated position must still open with the curated words."""
    if " ".join(mention.excerpt.split()).startswith(item.excerpt):
        return True
    moved = [m.position for m in mentions if " ".join(m.excerpt.split()).startswith(item.excerpt)]
    hint = f"; an entry opening that way is now at position {', '.join(map(str, moved))}" if moved else ""
    doc.problems.append(Problem(item.file, item.line,
        f"{item.source} entry {item.position} no longer opens with {item.excerpt!r} (it opens "
        f"{' '.join(mention.excerpt.split())[:len(item.excerpt) + 10]!r}){hint}: the document changed, so the "
        "curated date cannot be trusted; update its position and excerpt", "error"))
    return False


def _detect_direction(doc: DocumentDates, cues: dict, offers: dict) -> None:
    """Newest or oldest first, from consecutive dated entries (printed, cue or curated).

    Counts the steps between consecutive dated entries that go back in time against those that go
    forward. With no evidence either way the list is taken as newest first, and the evidence says so.
    """
    dated, kinds = [], set()
    for entry in doc.entries:
        if not entry.in_order:
            continue
        if entry.own_kind in PRINTED:
            dated.append((entry.own_lo.day, entry.own_hi.day))
            kinds.add("printed dates")
        elif (offer := cues.get(entry.key) or offers.get(entry.key)) is not None:
            dated.append((offer.lo.day, offer.hi.day))
            kinds.add("anniversary cues" if offer.kind == "cue" else "curated dates")
    shown = "its " + " and ".join(sorted(kinds)) + " show" if kinds else ""
    back = sum(1 for (a, b) in zip(dated, dated[1:]) if a[0] > b[1])
    forward = sum(1 for (a, b) in zip(dated, dated[1:]) if a[1] < b[0])
    steps = back + forward
    if back > forward:
        doc.direction = NEWEST_FIRST
        doc.direction_note = f"listed newest first: {back} of {steps} steps between its dated entries go back in time"
        doc.direction_short = f"the list runs newest first, as {shown}"
    elif forward > back:
        doc.direction = OLDEST_FIRST
        doc.direction_note = f"listed oldest first: {forward} of {steps} steps between its dated entries go forward in time"
        doc.direction_short = f"the list runs oldest first, as {shown}"
    else:
        doc.direction = NEWEST_FIRST
        why = "no two of its dated entries tell the direction" if steps == 0 else \
            f"its dated entries are split ({back} steps back, {forward} forward)"
        doc.direction_note = f"assumed newest first, as chronologies are usually listed: {why}"
        doc.direction_short = f"assumed newest first: {why}"
        if steps:
            doc.problems.append(Problem(doc.file, None, f"cannot tell which way the list runs: {why}; assumed newest first"))


def _admit_printed(doc: DocumentDates) -> None:
    """Keep the largest set of printed dates that agree with the list's order; report the others.

    The longest non-decreasing run (oldest first) of the printed earliest days, found in O(n log n);
    an entry outside it keeps its printed date but neither bounds nor is bounded by its neighbours.
    """
    chrono = [e for e in doc.chronological() if e.in_order and e.own_kind in PRINTED]
    tails: list[str] = []  # smallest last day of a run of each length
    tail_at: list[int] = []
    previous: list[int] = [-1] * len(chrono)
    for i, entry in enumerate(chrono):
        k = bisect.bisect_right(tails, entry.own_lo.day)
        if k == len(tails):
            tails.append(entry.own_lo.day)
            tail_at.append(i)
        else:
            tails[k] = entry.own_lo.day
            tail_at[k] = i
        previous[i] = tail_at[k - 1] if k else -1
    keep = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(i)
        i = previous[i]
    for i, entry in enumerate(chrono):
        if i not in keep:
            entry.in_order = False
            entry.order_note = f"printed out of the list's order ({doc.direction})"
            doc.problems.append(Problem(doc.file, entry.mention.line,
                f"entry dated {entry.mention.reported_date!r} is out of the list's order ({doc.direction}); "
                "it keeps its printed date but does not bound its neighbours"))
