"""The pipeline, end to end: seeds/ -> parse -> enrich (dates, actors, events) -> write.

Everything before `write_database` is pure: it reads files and returns dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .database import BuildData, write_database
from .enrich.actors import DocumentMemory, load_actors
from .enrich.dates import date_mentions
from .enrich.events import events_from_mentions
from .enrich.names import report as name_report
from .model import Document, Event, InputError, Problem
from .parse import parse_document
from .sources import read_documents

ACTORS_FILE = "actors.yml"


@dataclass
class BuildReport:
    documents: int = 0
    events: int = 0
    mentions: int = 0
    actors: int = 0
    actor_links: int = 0
    names_to_review: list = field(default_factory=list)  # unmatched-names rows that are unknown or ambiguous
    problems: list[Problem] = field(default_factory=list)

    @property
    def unmatched(self) -> int:
        return len(self.names_to_review)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def collect(seeds: Path, curated: Path, keep_going: bool = False,
            progress: Optional[Callable[[Document], None]] = None) -> BuildData:
    """Run the pure stages. Raises InputError when the build cannot go on.

    With `keep_going`, a document that cannot be read or parsed is skipped with a warning instead.
    """
    actors = load_actors(curated / ACTORS_FILE)
    documents: list[Document] = []
    events: list[Event] = []
    name_issues: list = []  # (event id, mention, NameIssue) for the unmatched-names report
    problems: list[Problem] = []
    errors: list[Problem] = []
    ids: set[str] = set()

    def fail(problem: Problem) -> None:
        if keep_going:
            problems.append(Problem(problem.file, problem.line, problem.message + " (skipped: --keep-going)"))
        else:
            errors.append(problem)

    for item in read_documents(seeds):
        if isinstance(item, Problem):
            (fail if item.severity == "error" else problems.append)(item)
            continue
        document = item
        if document.info.id in ids:  # an unregistered file whose name slugs to an id already in use
            document.info.id = f"{document.info.id}-{document.sha256[:8]}"
        ids.add(document.info.id)
        parsed = parse_document(document)
        doc_errors = [p for p in parsed.problems if p.severity == "error"]
        problems.extend(p for p in parsed.problems if p.severity != "error")
        if doc_errors:
            for problem in doc_errors:
                fail(problem)
            continue
        info = document.info
        if not info.registered:
            # An unlisted document takes what its own header gives.
            info.coverage_start = info.coverage_start or parsed.header.get("coverage_start")
            info.coverage_end = info.coverage_end or parsed.header.get("coverage_end")
            info.published = info.published or parsed.header.get("published")
            info.title = info.title or first_line(document.text)
        problems.extend(date_mentions(parsed.mentions, info, parsed.header))
        document_events = events_from_mentions(parsed.mentions)
        memory = DocumentMemory()  # short names may refer back to a full name earlier in the document
        for event in document_events:
            for mention in event.mentions:
                reading = actors.read(mention, memory)
                event.actors.extend((mention, match) for match in reading.matches + reading.implied)
                name_issues.extend((event.id, mention, issue) for issue in reading.issues)
        documents.append(document)
        events.extend(document_events)
        if progress:
            progress(document)
    if errors:
        raise InputError(errors)
    if not documents:
        raise InputError([Problem(str(seeds), None, "no documents to load", "error")])
    return BuildData(documents=documents, events=events, actors=actors.actors, problems=problems,
                     unmatched=name_report(name_issues))


def first_line(text: str) -> Optional[str]:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return None


def build(seeds: Path, db_path: Path, curated: Path, keep_going: bool = False,
          progress: Optional[Callable[[Document], None]] = None) -> BuildReport:
    data = collect(seeds, curated, keep_going=keep_going, progress=progress)
    write_database(db_path, data)
    return BuildReport(
        documents=len(data.documents),
        events=len(data.events),
        mentions=sum(len(e.mentions) for e in data.events),
        actors=len(data.actors),
        actor_links=sum(len({m.actor_id for _, m in e.actors}) for e in data.events),
        names_to_review=[row for row in data.unmatched if row.kind != "not an actor"],
        problems=data.problems,
    )
