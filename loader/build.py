"""The pipeline, end to end: seeds/ -> parse -> enrich (dates, actors, events) -> write.

Everything before `write_database` is pure: it reads files and returns dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .database import BuildData, write_database
from .enrich.actors import load_actors
from .enrich.dates import date_mentions
from .enrich.events import events_from_clusters
from .enrich.link import link_mentions, load_curated_links, load_vocabulary
from .enrich.statements import StatementFinder, document_window
from .model import Document, InputError, Mention, Problem
from .parse import parse_document
from .sources import read_documents
from .timings import Timings

ACTORS_FILE = "actors.yml"
LINKS_FILE = "links.yml"
VOCABULARY_FILE = "linking.yml"


@dataclass
class BuildReport:
    documents: int = 0
    events: int = 0
    mentions: int = 0
    actors: int = 0
    actor_links: int = 0
    corroborated: int = 0
    statements: int = 0
    candidates: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def collect(seeds: Path, curated: Path, keep_going: bool = False,
            progress: Optional[Callable[[Document], None]] = None,
            timings: Optional[Timings] = None) -> BuildData:
    """Run the pure stages. Raises InputError when the build cannot go on.

    With `keep_going`, a document that cannot be read or parsed is skipped with a warning instead.
    `timings`, when given, receives the wall time of each stage.
    """
    timings = timings or Timings()
    actors = load_actors(curated / ACTORS_FILE)
    decisions = load_curated_links(curated / LINKS_FILE)
    vocabulary = load_vocabulary(curated / VOCABULARY_FILE)
    documents: list[Document] = []
    mentions: list[Mention] = []
    problems: list[Problem] = []
    errors: list[Problem] = []
    ids: set[str] = set()

    def fail(problem: Problem) -> None:
        if keep_going:
            problems.append(Problem(problem.file, problem.line, problem.message + " (skipped: --keep-going)"))
        else:
            errors.append(problem)

    for item in timings.iterate("read", read_documents(seeds)):
        if isinstance(item, Problem):
            (fail if item.severity == "error" else problems.append)(item)
            continue
        document = item
        if document.info.id in ids:  # an unregistered file whose name slugs to an id already in use
            document.info.id = f"{document.info.id}-{document.sha256[:8]}"
        ids.add(document.info.id)
        with timings.stage("parse"):
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
        with timings.stage("dates"):
            problems.extend(date_mentions(parsed.mentions, info, parsed.header))
        with timings.stage("actors"):
            for mention in parsed.mentions:
                mention.actors = actors.match(mention)
        documents.append(document)
        mentions.extend(parsed.mentions)
        if progress:
            progress(document)
    if errors:
        raise InputError(errors)
    if not documents:
        raise InputError([Problem(str(seeds), None, "no documents to load", "error")])
    formats = {d.info.id: d.info.format for d in documents}
    with timings.stage("links"):
        linked = link_mentions(mentions, formats, decisions, vocabulary)
    problems.extend(linked.problems)
    with timings.stage("events"):
        events = events_from_clusters(linked.clusters, formats)
    with timings.stage("statements"):
        statements = find_statements(documents, mentions, events, actors)
    return BuildData(documents=documents, events=events, actors=actors.actors, problems=problems,
                     links=linked.links, candidates=linked.candidates, statements=statements)


def find_statements(documents: list[Document], mentions: list[Mention], events: list, actors) -> list:
    event_of = {m.key: e for e in events for m in e.mentions}
    types = {a.id: a.type for a in actors.actors.values()}
    by_source: dict[str, list[Mention]] = {}  # grouped once: a scan per document is quadratic
    for mention in mentions:
        by_source.setdefault(mention.source_id, []).append(mention)
    found = []
    for document in documents:
        info = document.info
        own = by_source.get(info.id, [])

        def match(span, source_id=info.id):
            return actors.match(Mention(source_id, 0, span.start, span.end, span.text, span.line))

        finder = StatementFinder(info.id, document.text, own, event_of, types, match,
                                 document_window(info.coverage_start, info.published))
        found.extend(finder.find(prose=info.format == "article"))
    return found


def first_line(text: str) -> Optional[str]:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return None


def build(seeds: Path, db_path: Path, curated: Path, keep_going: bool = False,
          progress: Optional[Callable[[Document], None]] = None,
          timings: Optional[Timings] = None) -> BuildReport:
    data = collect(seeds, curated, keep_going=keep_going, progress=progress, timings=timings)
    write_database(db_path, data, timings=timings)
    return BuildReport(
        documents=len(data.documents),
        events=len(data.events),
        mentions=sum(len(e.mentions) for e in data.events),
        corroborated=sum(1 for e in data.events if len({m.source_id for m in e.mentions}) > 1),
        statements=len(data.statements),
        candidates=len(data.candidates),
        actors=len(data.actors),
        actor_links=sum(len({m.actor_id for _, m in e.actors}) for e in data.events),
        problems=data.problems,
    )
