"""Dates: the best bounds the evidence allows for every event, and that evidence in words.

Two pure stages over the dataclasses of loader.model:

``date_document(mentions, info, header, curated)``: one document on its own.
    Every entry first gets its own evidence, in this order of trust:
      1. a date printed for it (``explicit``; in an article, also ``relative`` phrases read against the
         article's own date); else, in a chronology or timeline, the dates printed in its own words
         (``in-text``, read by ``read_text_dates``): each is on or within the entry's event ("hold talks
         on Nov. 5"), a bound ("responding to a statement of Oct. 3"), a back-reference to an earlier
         event ("… patrol. On July 23, 2019, bombers … conducted their first joint patrols", which
         ``back_references`` turns into a mention of its own, dated, linked across documents like any
         other), or neither ("inked on Oct. 13, 2009, was set to expire on Dec. 16, 2020"). Every one is
         named in the entry's evidence;
      2. the document's coverage window (``coverage``), when nothing was printed;
      3. an anniversary cue in its text ("telegram ... on the 72nd anniversary of the establishment of
         the PRC"), counted from a reference date in curated/dates.yml (``cue``);
      4. a curated date in curated/dates.yml with its citation (``curated``).
    Then, in a chronology or a timeline, the order of the entries. The direction (newest or oldest
    first) is read from the dated entries, never assumed silently; every entry is no later than the
    one listed above it (newest first) and no earlier than the one below it, so the bounds of a dated
    entry flow to its undated neighbours (``order``). One forward and one backward pass over the list
    compute all of it, so the cost is linear in the length of the document.

    Evidence is admitted in layers, each checked against what the layers before it established:
    printed dates that break the order are reported and kept out of the reasoning; a cue that
    contradicts it is reported and dropped; a curated date that contradicts it fails the build with
    the YAML file and line (unless its entry is marked ``out_of_order`` with the reason).

``date_events(events, documents)``: across documents.
    One event may be reported by several mentions (cross-source links). Their bounds are intersected;
    each mention whose bounds the other sources narrow takes the narrower bounds (``cross-source``),
    and its document's list is propagated again so the anchor narrows the neighbours too, until
    nothing changes. Each round touches only the documents that changed. Sources whose bounds do not
    overlap are not forced to agree: the event is flagged (``DateBounds.conflict``), its bounds are
    the hull of what the sources report (an undated entry's window is left out when it holds a
    reported day), and each source's own bounds stay in event_sources.own_* (``own_bounds``; what it
    prints, in event_sources.reported_*). A curated date
    more than TOLERANCE_DAYS from another source's printed day of the same event fails the build
    unless its entry says why (``disagrees:``); ``curated_contradictions`` finds such pairs the
    linker kept apart because of the curated date itself.

Bounds are always on the day an event happened or began; ``end`` is the last day of a multi-day event.
"""
from __future__ import annotations

import bisect
import calendar
import dataclasses
import re
import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..model import DateBounds, Event, Mention, Problem, SourceInfo
from ..parse.datetext import TextDate, dates_in_text
from .curated_dates import CuratedDate, CuratedDates

LOW, HIGH = "0000-01-01", "9999-12-31"  # no bound known
ORDERED_FORMATS = {"chronology", "timeline"}
NEWEST_FIRST, OLDEST_FIRST = "newest first", "oldest first"
PRINTED = {"explicit", "relative", "in-text"}
# A curated official day may differ from a secondary source's printed day by this much (a time zone, an
# event reported the next day): the build goes on, the event's bounds span both and date_conflict = 1.
# Further apart, the curated date fails the build unless its entry says why (`disagrees:`).
TOLERANCE_DAYS = 1


# --------------------------------------------------------------------------------------------------
# Small helpers


def coverage(info: SourceInfo, header: dict) -> tuple[Optional[str], Optional[str]]:
    """The document's coverage window: its own header first, then the registry."""
    start = header.get("coverage_start") or _full_day(info.coverage_start, first=True)
    end = header.get("coverage_end") or _full_day(info.coverage_end, first=False)
    return start, end


def _full_day(value: Optional[str], first: bool) -> Optional[str]:
    if value is None or len(value) == 10:
        return value
    year = int(value[:4])
    if len(value) == 4:
        return f"{year}-01-01" if first else f"{year}-12-31"
    month = int(value[5:7])
    return f"{value}-01" if first else f"{value}-{calendar.monthrange(year, month)[1]:02d}"


def month_of(date: DateBounds) -> Optional[str]:
    """YYYY-MM when the bounds (and the end of a multi-day event) fall in one month, else None."""
    if not date.earliest or not date.latest:
        return None
    last = date.end or date.latest
    return date.earliest[:7] if date.earliest[:7] == last[:7] == date.latest[:7] else None


def width_days(earliest: Optional[str], latest: Optional[str]) -> Optional[int]:
    """How many days the bounds allow: 1 when the day is known; None when a bound is unknown."""
    if not earliest or not latest:
        return None
    return (dt.date.fromisoformat(latest) - dt.date.fromisoformat(earliest)).days + 1


def precision_of(earliest: Optional[str], latest: Optional[str]) -> Optional[str]:
    """day (1 day), days (2-6), week (7-13), month (14-31), window (longer)."""
    width = width_days(earliest, latest)
    if width is None:
        return None
    if width == 1:
        return "day"
    if width <= 6:
        return "days"
    if width <= 13:
        return "week"
    if width <= 31:
        return "month"
    return "window"


def label(mention: Mention, words: int = 6) -> str:
    """The opening words of an entry, to name it in evidence: “Two Russian Tu-95MC and two Chinese…”."""
    body = mention.excerpt[mention.lead:].split()
    text = " ".join(body[:words]).rstrip(",;:.")
    return f"“{text}…”" if len(body) > words else f"“{text}”"


def entry_name(mention: Mention) -> str:
    return f"entry {mention.position} {label(mention)}"


# --------------------------------------------------------------------------------------------------
# Dates printed inside an entry's text

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
        days = _range(self.date.first.isoformat(), self.date.last.isoformat())
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
_ABBREVIATION = re.compile(r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|Gen|Lt|Col|Dr|Mr|Mrs|Ms|St|No|Vol|vs|[A-Z])\.$")


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


# --------------------------------------------------------------------------------------------------
# Per-document state


@dataclass(frozen=True)
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


@dataclass
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

    key: tuple[str, int] = (None, 0)  # (source id, position): set from the mention

    def __post_init__(self):
        self.lo = self.lo or self.own_lo
        self.hi = self.hi or self.own_hi
        self.key = (self.mention.source_id, self.mention.position)


@dataclass
class Candidate:
    """Evidence offered to an entry after its own: a cue, a curated date or another source's bounds."""

    lo: Anchor
    hi: Anchor
    kind: str
    payload: object = None  # the CuratedDate, or the Event lending the bounds


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
    _index: dict = field(default_factory=dict, repr=False)

    def entry(self, key: tuple[str, int]) -> Entry:
        if len(self._index) != len(self.entries):
            self._index = {e.key: e for e in self.entries}
        return self._index[key]

    # -- order ---------------------------------------------------------------------------------

    def chronological(self) -> list[Entry]:
        """The entries oldest first (the list itself, or reversed when it runs newest first)."""
        return list(reversed(self.entries)) if self.direction == NEWEST_FIRST else list(self.entries)

    def propagate(self) -> set[tuple[str, int]]:
        """Bounds through the list: one forward pass (earliest) and one backward pass (latest).

        Returns the keys of the entries whose bounds changed.
        """
        before = {e.key: (e.lo.day, e.hi.day) for e in self.entries}
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
        return {e.key for e in self.entries if before[e.key] != (e.lo.day, e.hi.day)}

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
                refused.append((entry, offer, self._contradiction(entry, offer)))
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

    def _contradiction(self, entry: Entry, offer: Candidate) -> str:
        rng = _range(offer.lo.day, offer.hi.day)
        bounds = _range(entry.lo.day, entry.hi.day)
        reasons = []
        if offer.hi.day < entry.lo.day:
            reasons.append(f"it is no earlier than {entry.lo.day}: {self._side(entry, entry.lo, 'start')}")
        if offer.lo.day > entry.hi.day:
            reasons.append(f"it is no later than {entry.hi.day}: {self._side(entry, entry.hi, 'end')}")
        return f"{rng} lies outside {bounds}, the bounds {entry_name(entry.mention)} already has ({'; '.join(reasons)})"

    # -- evidence in words ---------------------------------------------------------------------

    def _side(self, entry: Entry, anchor: Anchor, side: str) -> str:
        """One bound, named: the entry or the fact it comes from, and its day."""
        if anchor.entry is entry.mention:
            if anchor.kind == "coverage":
                return f"the coverage window {'starts' if side == 'start' else 'ends'} {anchor.day}"
            return anchor.note if anchor.note.startswith(anchor.day) else f"{anchor.day}: {anchor.note}"
        where = "below" if anchor.entry.position < entry.mention.position else "above"
        return f"listed {where} {entry_name(anchor.entry)} ({anchor.day}, {_kind_words(anchor)})"

    def method(self, entry: Entry) -> str:
        sides = []
        for anchor in (entry.lo, entry.hi):
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

    def bounds(self, entry: Entry) -> DateBounds:
        """The entry's bounds as a DateBounds: days, precision, method and evidence."""
        lo, hi = entry.lo, entry.hi
        earliest = None if lo.day == LOW else lo.day
        latest = None if hi.day == HIGH else hi.day
        method = self.method(entry)
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
            how = f" by chronology order ({self.direction_short})" if by_order else ""
            sides = [self._side(entry, hi, "end"), self._side(entry, lo, "start")]
            if self.direction == OLDEST_FIRST:
                sides.reverse()
            evidence = f"between {lo.day} and {hi.day}{how}: " + "; ".join(sides)
            precision = precision_of(earliest, latest)
        if not entry.in_order and entry.order_note:
            evidence += f" [{entry.order_note}]"
        if entry.text_note:
            evidence += f" [{entry.text_note}]"
        return DateBounds(earliest, latest, entry.end, precision, method, evidence)


def _range(lo: str, hi: str) -> str:
    return lo if lo == hi else f"{lo} to {hi}"


def _kind_words(anchor: Anchor) -> str:
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


# --------------------------------------------------------------------------------------------------
# Stage 1: one document


def date_document(mentions: list[Mention], info: SourceInfo, header: dict,
                  curated: Optional[CuratedDates] = None) -> DocumentDates:
    """Bounds for every mention of one document from its own evidence and its order.

    Sets `mention.date` to what the document alone supports (a printed date stays as printed) and
    returns the document's dating, which `date_events` continues. Problems: warnings about the source
    (an entry out of order, an unusable cue) and errors about curated dates, naming file and line.
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
                Anchor(item.earliest, mention, "curated", _curated_note(item), "curated"),
                Anchor(item.latest, mention, "curated", _curated_note(item), "curated"), "curated", item)
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
                f"curated date {_range(item.earliest, item.latest)} for {info.id} entry {key[1]} contradicts "
                f"the entry's own evidence: {doc._contradiction(entry, offer)}", "error"))
        else:
            doc.apply(entry, offer)
    admitted, refused = doc.accept(in_order)
    for entry, offer, why in refused:
        item = offer.payload
        doc.problems.append(Problem(item.file, item.date_line,
            f"curated date {_range(item.earliest, item.latest)} for {info.id} entry {entry.mention.position} "
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
        entry = Entry(mention, Anchor(date.earliest, mention, "explicit", note), Anchor(date.latest, mention, "explicit", note),
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
        entry.own_lo = entry.lo = Anchor(lo, mention, "in-text", note)
        entry.own_hi = entry.hi = Anchor(hi, mention, "in-text", note)
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
        entry = Entry(mention, Anchor(date.earliest, mention, date.method or "explicit", note),
                      Anchor(date.latest, mention, date.method or "explicit", note),
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
        return Entry(mention, Anchor(start, mention, "coverage", note), Anchor(end, mention, "coverage", note),
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
        return Candidate(Anchor(day, mention, "cue", note, short), Anchor(day, mention, "cue", note, short), "cue", ref)
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


def _curated_note(item: CuratedDate) -> str:
    return f"curated ({item.where}): {item.citation}"


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


# --------------------------------------------------------------------------------------------------
# Stage 2: across documents


def date_events(events: list[Event], documents: list[DocumentDates]) -> list[Problem]:
    """Final bounds for every event: its mentions' bounds combined, anchors propagated to a fixpoint.

    Sets `event.date` (with `conflict` when its sources disagree). Returns problems: an error when a
    curated date contradicts another source reporting the same event.
    """
    where: dict[tuple[str, int], tuple[DocumentDates, Entry]] = {}
    for doc in documents:
        for entry in doc.entries:
            where[entry.key] = (doc, entry)
    problems: list[Problem] = []

    def located(event: Event) -> list[tuple[DocumentDates, Entry]]:
        seen, result = set(), []
        for mention in event.mentions:
            key = (mention.source_id, mention.position)
            if key in where and key not in seen:
                seen.add(key)
                result.append(where[key])
        return result

    linked = [e for e in events if len(located(e)) > 1]
    linked_by_id = {e.id: e for e in linked}
    by_id = {doc.source_id: doc for doc in documents}
    events_of: dict[tuple[str, int], list[Event]] = {}
    for event in linked:
        for _, entry in located(event):
            events_of.setdefault(entry.key, []).append(event)
    conflicts: dict[str, str] = {}

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
                conflicts[event.id] = _disagreement(members)
                problems.extend(_curated_disagreements(members, during))
                continue
            for doc, entry in starts:
                if entry.lo.day >= lo_entry.lo.day and entry.hi.day <= hi_entry.hi.day:
                    continue
                lo = entry.own_lo if entry.lo.day >= lo_entry.lo.day else Anchor(
                    lo_entry.lo.day, entry.mention, "cross-source", _lent(lo_doc, lo_entry, lo_entry.lo),
                    f"dated by {lo_entry.mention.source_id}")
                hi = entry.own_hi if entry.hi.day <= hi_entry.hi.day else Anchor(
                    hi_entry.hi.day, entry.mention, "cross-source", _lent(hi_doc, hi_entry, hi_entry.hi),
                    f"dated by {hi_entry.mention.source_id}")
                offers.setdefault(doc.source_id, {})[entry.key] = Candidate(lo, hi, "cross-source", event)
        # Check every document's batch first; an event refused anywhere lends nothing anywhere.
        refused_events = {}
        for source_id, batch in offers.items():
            _, refused = by_id[source_id].accept(batch)
            for entry, offer, why in refused:
                refused_events.setdefault(offer.payload.id, f"{entry.mention.source_id} entry {entry.mention.position}: {why}")
        for event_id, why in refused_events.items():
            conflicts[event_id] = _disagreement(located(linked_by_id[event_id]), why)
        changed: set[tuple[str, int]] = set()
        for source_id, batch in offers.items():
            doc = by_id[source_id]
            for key, offer in batch.items():
                if offer.payload.id not in conflicts:
                    doc.apply(doc.entry(key), offer)
            changed |= doc.propagate()
        pending = _unique(event for key in sorted(changed) for event in events_of.get(key, []))

    for event in events:
        members = located(event)
        if not members:
            continue  # a mention of a document that was not dated: keep what the event has
        if len(members) == 1:
            doc, entry = members[0]
            event.date = doc.bounds(entry)
        elif event.id in conflicts:
            event.date = _hull(members, conflicts[event.id])
        else:
            event.date = _combined(*_roles(members))
    return problems


START, UNDER_WAY = "start", "under way"


def own_bounds(events: list[Event], documents: list[DocumentDates]) -> dict[tuple[str, int], tuple[DateBounds, str]]:
    """Each report's own bounds once dating is done, before any cross-source hull, and its role:
    (source id, position) -> (bounds with method and evidence, "start" or "under way"); event_sources.own_*.

    The bounds are what the report's document gives its entry: a date printed for it or in its text, a
    cue, a curated date with its citation, the order of its list, its coverage window, and days the
    other sources of the same event lent it where they agree (method ``cross-source``). Where the
    sources of an event disagree (``DateBounds.conflict``) nothing was lent between them, so each report
    keeps its own account here while the event takes the hull. The role is the one ``_roles`` gives: a
    printed date of an event another report says lasted several days is a day it was under way.

    ``date_events`` judges a disagreement on these same bounds, so an event has ``date_conflict`` = 1
    exactly when its reports' own bounds disagree: the reports of its first day (role "start") share
    no day, or a report of a day it was under way falls before that first day or after the last end.
    """
    where = {entry.key: (doc, entry) for doc in documents for entry in doc.entries}
    result = {key: (doc.bounds(entry), START) for key, (doc, entry) in where.items()}
    for event in events:
        members = [where[m.key] for m in event.mentions if m.key in where]
        for _, entry in _roles(members)[1]:
            result[entry.key] = (result[entry.key][0], UNDER_WAY)
    return result


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


def _unique(events: Iterable[Event]) -> list[Event]:
    seen, result = set(), []
    for event in events:
        if event.id not in seen:
            seen.add(event.id)
            result.append(event)
    return result


def _lent(doc: DocumentDates, entry: Entry, anchor: Anchor) -> str:
    bounds = doc.bounds(entry)
    return (f"{anchor.day} from {entry.mention.source_id} {entry_name(entry.mention)}, which reports the same event "
            f"({bounds.method}: {bounds.evidence})")


def _report(doc: DocumentDates, entry: Entry) -> str:
    bounds = doc.bounds(entry)
    how = bounds.method
    if entry.curated is not None and bounds.method == "curated":
        how = f"curated official record, {entry.curated.where}"
        if entry.curated.disagrees:
            how += f"; it departs from the other report because {entry.curated.disagrees}"
    elif printed_day(entry):
        how = f"{bounds.method}: {entry.mention.reported_date!r}"
    return f"{entry.mention.source_id} entry {entry.mention.position}: {_range(entry.lo.day, entry.hi.day)} ({how})"


def _disagreement(members: list[tuple[DocumentDates, Entry]], why: Optional[str] = None) -> str:
    text = "sources disagree: " + "; ".join(_report(doc, entry) for doc, entry in members)
    if why:
        text += f"; {why}"
    official = [e for _, e in members if e.curated is not None and doc_method(e) == "curated"]
    others = [e for _, e in members if e.curated is None]
    if official and others:
        names = ", ".join(e.mention.source_id for e in others)
        return (text + f"; the bounds are the hull of these reports, never wider; where one day is needed, the "
                f"curated official record ({official[0].curated.where}) is the better authority than {names}")
    return text + "; the bounds are the hull of these reports, never wider"


def doc_method(entry: Entry) -> str:
    return "curated" if entry.own_lo.kind == "curated" or entry.own_hi.kind == "curated" else entry.own_kind


def gap_days(lo: str, hi: str, other_lo: str, other_hi: str) -> int:
    """Days between two inclusive ranges of days: 0 when they overlap."""
    if lo > other_hi:
        return (dt.date.fromisoformat(lo) - dt.date.fromisoformat(other_hi)).days
    if other_lo > hi:
        return (dt.date.fromisoformat(other_lo) - dt.date.fromisoformat(hi)).days
    return 0


def printed_day(entry: Entry) -> bool:
    """The source prints an exact day (or span) for this entry's event: its own evidence, not inference."""
    return entry.own_kind in PRINTED and entry.own_lo.day == entry.own_hi.day and entry.mention.reported_date is not None


def _curated_disagreements(members: list[tuple[DocumentDates, Entry]], during: list) -> list[Problem]:
    """A curated date that contradicts another report of the same event fails the build, unless it is
    within TOLERANCE_DAYS of a day the other source prints, or its entry says why (`disagrees:`)."""
    problems = []
    under_way = {id(entry) for _, entry in during}
    for _doc, entry in members:
        if entry.curated is None or entry.curated.disagrees:
            continue
        for other_doc, other in members:
            if other.mention.source_id == entry.mention.source_id:
                continue
            last = (entry.end or entry.hi.day) if id(other) in under_way else entry.hi.day
            gap = gap_days(entry.lo.day, last, other.lo.day, other.hi.day)
            if gap == 0 or (printed_day(other) and gap <= TOLERANCE_DAYS):
                continue
            item = entry.curated
            problems.append(Problem(item.file, item.date_line,
                f"curated date {_range(item.earliest, item.latest)} for {item.source} entry {item.position} "
                f"contradicts {_report(other_doc, other)}, which reports the same event"
                f"{f' ({gap} days apart; the tolerance is {TOLERANCE_DAYS})' if printed_day(other) else ''}. "
                "Correct the date, or say why the sources differ with disagrees: <reason>", "error"))
            break
    return problems


def curated_contradictions(documents: list[DocumentDates], events: list[Event], same_event) -> list[Problem]:
    """Curated dates that put their entry away from another source's printed day for the same event.

    Linking compares dates, so a wrong curated day can keep its entry apart from the other reports of
    its event (the event then splits in two, silently). Here each curated entry is judged as the
    linker would judge it undated (its document's coverage window): against every mention of another
    source that prints an exact day in that window, `same_event(mention, other)` gives the linker's
    score, or None below its threshold. As the linker does, only the best-scoring mention of each
    other source counts, and a source already in the entry's event is left to date_events. That
    mention's day more than TOLERANCE_DAYS from the curated one is an error naming the curated file
    and line, unless the entry says why with `disagrees:`; a day within the tolerance, a warning.
    """
    by_day: dict[str, list[Entry]] = {}
    for doc in documents:
        for entry in doc.entries:
            if printed_day(entry) and not entry.end:
                by_day.setdefault(entry.own_lo.day, []).append(entry)
    if not by_day:
        return []
    event_of = {m.key: event for event in events for m in event.mentions}
    problems = []
    for doc in documents:
        start, end = doc.window
        if not start or not end:
            continue
        for entry in doc.entries:
            item = entry.curated
            if item is None or item.disagrees:
                continue
            event = event_of.get(entry.mention.key)
            present = {m.source_id for m in event.mentions} if event else {entry.mention.source_id}
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
                where = (f"curated date {_range(item.earliest, item.latest)} for {item.source} entry {item.position}")
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
                        f"{_range(e.lo.day, e.hi.day)}, when it was under way" for _, e in during)
    if not narrowed:
        agreeing = ", ".join(e.mention.source_id for _, e in starts[1:])
        evidence = first.evidence + (f" ({agreeing} report{'s' if len(starts) == 2 else ''} the same bounds)" if agreeing else "")
        return DateBounds(first.earliest, first.latest, max(ends) if ends else first.end, first.precision, first.method,
                          evidence + under_way)
    parts = []
    for _, e in starts:
        own = e.document_only
        parts.append(f"{e.mention.source_id} entry {e.mention.position} alone gives "
                     f"{_range(own.earliest or '?', own.latest or '?')} ({own.method})")
    evidence = (f"{_range(first.earliest or '?', first.latest or '?')}, combining {len(starts) + len(during)} reports "
                "of the event: " + "; ".join(parts) + under_way)
    return DateBounds(first.earliest, first.latest, max(ends) if ends else None,
                      precision_of(first.earliest, first.latest), "cross-source", evidence)
