"""Plain dataclasses that flow through the pipeline: parse -> enrich -> write.

Parse and enrich work on these records in memory (the enrich stages fill in and change the mentions and
events they are given: dates, actors, places); only `loader.database` touches SQLite.
Offsets are character offsets (Unicode code points) into `Document.text`, the document decoded
from UTF-8 exactly as stored, so `text[start:end] == excerpt` always holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Protocol, Sequence


@dataclass(frozen=True)
class Problem:
    """A warning or error about the input, always naming the file and, where it can, the line."""

    file: str
    line: Optional[int]
    message: str
    severity: str = "warning"  # "warning": the build goes on; "error": it cannot

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


class InputError(Exception):
    """Input the build cannot go on with; carries the problems that say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class SourceInfo:
    """Bibliographic facts about one document, from seeds/sources.yml or from its header."""

    id: str
    file: str
    title: Optional[str] = None
    publisher: Optional[str] = None
    author: Optional[str] = None
    url: Optional[str] = None
    published: Optional[str] = None
    coverage_start: Optional[str] = None
    coverage_end: Optional[str] = None
    format: Optional[str] = None
    rights: Optional[str] = None
    notes: dict = field(default_factory=dict)
    registered: bool = True  # False when sources.yml does not list the document


@dataclass
class Document:
    info: SourceInfo
    text: str
    sha256: str


# No __dict__: there is one or more per report, all held until the write. Hashed by value: equal bounds
# are held once (build.Shared), found by the bounds themselves rather than a tuple of their fields per
# value. Nothing changes a DateBounds once its document is read (a parser fills in its own first).
@dataclass(slots=True, unsafe_hash=True)
class DateBounds:
    """Inclusive bounds on the day an event happened (or began), ISO dates.

    `earliest == latest` when the day is known. `end` is the last day of a multi-day event.
    """

    earliest: Optional[str]
    latest: Optional[str]
    end: Optional[str] = None
    precision: Optional[str] = None  # day | days | week | month | window
    method: Optional[str] = None  # explicit | coverage | order | cross-source | cue | relative | curated | unknown
    evidence: Optional[str] = None
    conflict: bool = False  # the sources reporting the event disagree; the bounds span them all


@dataclass(slots=True)  # no __dict__: there is one or more per report, all held until the write
class Mention:
    """One report of an event in one document: the verbatim span and what the parser read off it."""

    source_id: str
    position: int  # 1-based order of the entry in its document
    start: int  # offset of the excerpt in Document.text
    end: int
    excerpt: str
    line: int  # 1-based line where the excerpt starts
    reported_date: Optional[str] = None  # the date as printed ("Dec. 15, 2021", "On Monday"), verbatim
    date: Optional[DateBounds] = None  # what the text itself says about the date, if anything
    categories: Sequence[str] = ()  # the source's own categories (a tuple once its document is read: build.Shared)
    lead: int = 0  # characters at the start of the excerpt that only carry the date ("On May 19, 2021, ")
    # Filled by the actors stage; a tuple once its document is read (build.Shared), nothing adds to it after.
    actors: Sequence["ActorMatch"] = field(default_factory=list)
    # A back-reference: a dated earlier event read inside another entry ("On July 23, 2019, bombers ...
    # conducted their first joint patrols"); the position of that entry. Its span is the sentence.
    reference_of: Optional[int] = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.source_id, self.position)


_EXCERPT = Mention.__dict__["excerpt"]  # the slots themselves, under the properties of `StoredMention`
_ACTORS = Mention.__dict__["actors"]


class StoredMention(Mention):
    """A mention whose excerpt is read back from its document's text when asked (`text[start:end]`, the
    invariant above), not held as a string of its own, and whose actor matches are held as numbers and
    made again when asked: the build keeps each text once, in the database being built
    (`database.SourceStore`), and each match as two offsets and the index of its `about` tuple
    (`spill.PackedActors`). The excerpts were the largest thing held per report, the matches (near three
    per report, a tuple to hold them) next. Both slots then hold its document's record in the store
    (`database.HeldDocument`), shared by the document's mentions, which finds the matches by the mention's
    position (`actors` gives equal matches, in order, made each time): nothing of its own per mention.
    Assigning a string or a tuple holds that again. `hold` turns a Mention into one in place (same slots:
    only its class changes)."""

    __slots__ = ()

    @classmethod
    def hold(cls, mention: Mention, held: "HeldSource") -> None:
        """`held`: the record of the mention's document; its matches stay the mention's own when `held`
        cannot pack them (none, or too many)."""
        matches = _ACTORS.__get__(mention)
        _ACTORS.__set__(mention, held if held.pack(mention.position, matches) else matches)
        _EXCERPT.__set__(mention, held)
        mention.__class__ = cls

    @property
    def excerpt(self) -> str:
        held = _EXCERPT.__get__(self)
        return held if type(held) is str else held.excerpt(self.source_id, self.start, self.end)

    @excerpt.setter
    def excerpt(self, value: str) -> None:
        held = getattr(self, "_store", None)
        if held is not None:  # the store goes: the actors it holds come back to the mention first
            _ACTORS.__set__(self, self.actors)
        _EXCERPT.__set__(self, value)

    @property
    def _store(self) -> "Optional[HeldSource]":
        """The record the excerpt and the actors are read from; None once a string is held (or in a copy
        being made, dataclasses.replace, before its fields are set)."""
        try:
            held = _EXCERPT.__get__(self)
        except AttributeError:
            return None
        return None if type(held) is str else held

    @property
    def actors(self) -> Sequence["ActorMatch"]:
        held = _ACTORS.__get__(self)
        return held.actors_at(self.position) if held is _EXCERPT.__get__(self) else held

    @actors.setter
    def actors(self, value: Sequence["ActorMatch"]) -> None:
        _ACTORS.__set__(self, value)


class HeldSource(Protocol):
    """What `StoredMention` reads its excerpt and its actors from: its document's record in the store
    (`database.HeldDocument`)."""

    def excerpt(self, source_id: str, start: int, end: int) -> str: ...

    def pack(self, position: int, matches: Sequence["ActorMatch"]) -> bool: ...

    def actors_at(self, position: int) -> tuple["ActorMatch", ...]: ...


@dataclass
class ParsedDocument:
    """What a parser returns: header facts and mentions, plus problems it met."""

    format: str
    mentions: list[Mention]
    header: dict = field(default_factory=dict)  # e.g. parties, coverage_start, coverage_end, published
    problems: list[Problem] = field(default_factory=list)


class ActorMatch:
    """An actor named in a mention's excerpt, or implied by one that is.

    `start`..`end` are offsets into the source document's text: the name as written for a match in
    the text; for an implied link (`method == "country-of"`) the span of the person or body that
    implies it, whose id is in `via`.

    Fields (read-only once made; `replace` makes a changed copy):
      actor_id, role, start, end (offsets into the source document's text), matched (the name as written),
      method: alias | context (a short name resolved by its context) | country-of,
      evidence: why the link holds, in words, where it is not a plain alias,
      role_evidence: which rule gave the role, in words,
      via: for country-of, the person or body whose country this is.

    There are nearly three per report, all held until the write, and the fields other than the offsets
    take a few thousand distinct values in a whole corpus: they are held together in one tuple
    (`about`), which equal matches can share (build.Shared), so a match is its two offsets and that tuple.
    """

    __slots__ = ("start", "end", "about")
    FIELDS = ("actor_id", "role", "start", "end", "matched", "method", "evidence", "role_evidence", "via")

    def __init__(self, actor_id: str, role: str, start: int, end: int, matched: str, method: str = "alias",
                 evidence: Optional[str] = None, role_evidence: Optional[str] = None, via: Optional[str] = None):
        self.start = start
        self.end = end
        self.about = (actor_id, role, matched, method, evidence, role_evidence, via)

    actor_id = property(lambda self: self.about[0])
    role = property(lambda self: self.about[1])
    matched = property(lambda self: self.about[2])
    method = property(lambda self: self.about[3])
    evidence = property(lambda self: self.about[4])
    role_evidence = property(lambda self: self.about[5])
    via = property(lambda self: self.about[6])

    def replace(self, **changes) -> "ActorMatch":
        """A copy with `changes` (field name -> value), as dataclasses.replace gives for a dataclass."""
        if unknown := changes.keys() - set(self.FIELDS):
            raise TypeError(f"ActorMatch has no field {', '.join(sorted(unknown))}")
        return ActorMatch(**{name: changes.get(name, getattr(self, name)) for name in self.FIELDS})

    def __eq__(self, other):
        if other.__class__ is not ActorMatch:
            return NotImplemented
        return (self.start, self.end, self.about) == (other.start, other.end, other.about)

    __hash__ = None  # equal by value and changeable (start, end), as a dataclass is

    def __repr__(self) -> str:
        return "ActorMatch(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS) + ")"

    def __getstate__(self):
        return self.start, self.end, self.about

    def __setstate__(self, state):
        self.start, self.end, self.about = state


@dataclass(slots=True)  # no __dict__: there is one or more per report, all held until the write
class NameIssue:
    """A capitalized name in an excerpt that no actor claims (`kind` "unknown"), a short name whose
    context did not decide between its candidates ("ambiguous"), or a name curated as not an actor
    ("not an actor", with the curator's reason)."""

    name: str
    kind: str
    start: int  # offsets into the source document's text
    end: int
    candidates: list[str] = field(default_factory=list)
    reason: Optional[str] = None


# A piece of an excerpt, start and end, as one int (an event holds it to the write: one object, not a
# tuple and the ints in it): `start << PIECE_BITS | end`, for an excerpt shorter than 1 << PIECE_BITS.
PIECE_BITS = 24
PIECE_MASK = (1 << PIECE_BITS) - 1


def piece(start: int, end: int) -> Optional[int]:
    """`start`..`end` of an excerpt as one int, or None where they do not fit."""
    return start << PIECE_BITS | end if 0 <= start <= end <= PIECE_MASK else None


EVENT_ID_DIGITS = 11  # an event id is "e" and this many hex digits (enrich.events.event_number)


@dataclass(slots=True)  # no __dict__: there is one or more per report, all held until the write
class Event:
    """One real-world event, reported by one or more mentions."""

    # The id as a number (`id` writes it out): a string per event, held to the write, took 61 bytes, the
    # number takes 32.
    number: int
    # The summary, or where it lies in the first mention's excerpt: most summaries are the excerpt or a
    # piece of it, read back when asked (`summary`) rather than held as a copy. None: the whole excerpt;
    # an int: the piece from `start` to `end`, one number (`piece`); a string: a summary of its own.
    summary_piece: str | int | None
    date: DateBounds
    # Its reports (`mentions`): the one report of most events itself, else a tuple of them in order.
    # A tuple of one, per event to the write, took 48 bytes.
    reports: "Mention | tuple[Mention, ...]"
    categories: Sequence[str] = ()  # the sources' own categories, in their order
    summary_method: str = "excerpt"  # excerpt (a verbatim piece of it) or derived (loader/enrich/events.py)
    summary_evidence: Optional[str] = None  # how the summary was made from the excerpt, in words

    @property
    def id(self) -> str:
        return f"e{self.number:0{EVENT_ID_DIGITS}x}"

    @property
    def mentions(self) -> tuple[Mention, ...]:
        """Its reports, in order: the first, the most trusted (enrich.events.TRUST), speaks for the event."""
        held = self.reports
        return held if type(held) is tuple else (held,)

    @mentions.setter
    def mentions(self, value: Sequence[Mention]) -> None:
        reports = tuple(value)
        self.reports = reports[0] if len(reports) == 1 else reports

    @property
    def first(self) -> Mention:
        """The report that speaks for the event (`mentions[0]`)."""
        held = self.reports
        return held[0] if type(held) is tuple else held

    @property
    def summary(self) -> str:
        piece = self.summary_piece
        if piece is None:
            return self.first.excerpt
        if type(piece) is int:
            return self.first.excerpt[piece >> PIECE_BITS:piece & PIECE_MASK]
        return piece

    @property
    def summary_span(self) -> Optional[tuple[int, int]]:
        """Where the summary lies in the first mention's excerpt, (start, end); None for a summary of its own."""
        piece = self.summary_piece
        if piece is None:
            return 0, len(self.first.excerpt)
        if type(piece) is int:
            return piece >> PIECE_BITS, piece & PIECE_MASK
        return None

    @property
    def description(self) -> str:
        """The excerpt of the mention that speaks for the event: read from it when asked, not held twice."""
        return self.first.excerpt

    @property
    def actors(self) -> list[tuple[Mention, ActorMatch]]:
        """(mention, actor) for each actor its mentions name, in the mentions' order: read from the mentions
        when asked, not held (one tuple per actor of every report would be held from linking to the write)."""
        return [(mention, match) for mention in self.mentions for match in mention.actors]

    @property
    def category(self) -> Optional[str]:
        return self.categories[0] if self.categories else None
