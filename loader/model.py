"""Plain dataclasses that flow through the pipeline: parse -> enrich -> write.

Parse and enrich work on these records in memory (the enrich stages fill in and change the mentions and
events they are given: dates, actors, places); only `loader.database` touches SQLite.
Offsets are character offsets (Unicode code points) into `Document.text`, the document decoded
from UTF-8 exactly as stored, so `text[start:end] == excerpt` always holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence


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


@dataclass(slots=True)  # no __dict__: there is one or more per report, all held until the write
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
    actors: list["ActorMatch"] = field(default_factory=list)  # filled by the actors stage
    # A back-reference: a dated earlier event read inside another entry ("On July 23, 2019, bombers ...
    # conducted their first joint patrols"); the position of that entry. Its span is the sentence.
    reference_of: Optional[int] = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.source_id, self.position)


@dataclass
class ParsedDocument:
    """What a parser returns: header facts and mentions, plus problems it met."""

    format: str
    mentions: list[Mention]
    header: dict = field(default_factory=dict)  # e.g. parties, coverage_start, coverage_end, published
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)  # no __dict__: there is one or more per report, all held until the write
class ActorMatch:
    """An actor named in a mention's excerpt, or implied by one that is.

    `start`..`end` are offsets into the source document's text: the name as written for a match in
    the text; for an implied link (`method == "country-of"`) the span of the person or body that
    implies it, whose id is in `via`.
    """

    actor_id: str
    role: str
    start: int  # offsets into the source document's text
    end: int
    matched: str
    method: str = "alias"  # alias | context (a short name resolved by its context) | country-of
    evidence: Optional[str] = None  # why the link holds, in words, where it is not a plain alias
    role_evidence: Optional[str] = None  # which rule gave the role, in words
    via: Optional[str] = None  # for country-of: the person or body whose country this is


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


@dataclass(slots=True)  # no __dict__: there is one or more per report, all held until the write
class Event:
    """One real-world event, reported by one or more mentions."""

    id: str
    summary: str
    description: str
    date: DateBounds
    mentions: list[Mention]
    categories: list[str] = field(default_factory=list)
    summary_method: str = "excerpt"  # excerpt (a verbatim piece of it) or derived (loader/enrich/events.py)
    summary_evidence: Optional[str] = None  # how the summary was made from the excerpt, in words

    @property
    def actors(self) -> list[tuple[Mention, ActorMatch]]:
        """(mention, actor) for each actor its mentions name, in the mentions' order: read from the mentions
        when asked, not held (one tuple per actor of every report would be held from linking to the write)."""
        return [(mention, match) for mention in self.mentions for match in mention.actors]

    @property
    def category(self) -> Optional[str]:
        return self.categories[0] if self.categories else None
