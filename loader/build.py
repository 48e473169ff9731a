"""The pipeline, end to end: seeds/ -> parse -> enrich (dates, actors, events) -> write.

Everything before `write_database` is pure: it reads files and returns dataclasses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .database import BuildData, write_database
from .enrich.actors import ActorDictionary, DocumentMemory, load_actors
from .enrich.countries import alpha2_codes
from .enrich.curated_dates import CuratedDates, load_curated_dates
from .enrich.dates import DocumentDates, date_document, date_events
from .enrich.events import events_from_clusters
from .enrich.link import Curated, Vocabulary, link_mentions, load_curated_links, load_vocabulary
from .enrich.names import report as name_report
from .enrich.places import Gazetteer, load_places
from .enrich.statements import StatementFinder, document_window
from .enrich.taxonomy import FIELDS as TAXONOMY_FIELDS
from .enrich.taxonomy import Taxonomy, classify, load_taxonomy, unused_overrides
from .model import Document, InputError, Mention, Problem
from .parse import parse_document
from .sources import read_documents
from .timings import Timings
from .yamlfiles import load_yaml

ACTORS_FILE = "actors.yml"
LINKS_FILE = "links.yml"
VOCABULARY_FILE = "linking.yml"
DATES_FILE = "dates.yml"
TAXONOMY_FILE = "taxonomy.yml"
PLACES_FILE = "places.yml"
METADATA_FILE = "metadata.yml"  # beside the seeds folder (the project folder); embedded in the database


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
    names_to_review: list = field(default_factory=list)  # unmatched-names rows that are unknown or ambiguous
    problems: list[Problem] = field(default_factory=list)

    @property
    def unmatched(self) -> int:
        return len(self.names_to_review)

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
    data, errors = check(seeds, curated, keep_going=keep_going, progress=progress, timings=timings)
    if errors:
        raise InputError(errors)
    return data


def check(seeds: Path, curated: Path, keep_going: bool = False,
          progress: Optional[Callable[[Document], None]] = None,
          timings: Optional[Timings] = None) -> tuple[BuildData, list[Problem]]:
    """The pure stages, shared by `build` and `validate`: what they produced (warnings in
    `problems`) and every error found, curated files and documents alike. Never raises for bad input."""
    timings = timings or Timings()
    documents: list[Document] = []
    mentions: list[Mention] = []
    name_issues: list = []  # (mention, NameIssue) for the unmatched-names report
    problems: list[Problem] = []
    errors: list[Problem] = []
    ids: set[str] = set()
    actors = _curated(errors, curated / ACTORS_FILE, load_actors, ActorDictionary({}, {}, None), "the actors")
    decisions = _curated(errors, curated / LINKS_FILE, load_curated_links, Curated(), "the link decisions")
    vocabulary = _curated(errors, curated / VOCABULARY_FILE, load_vocabulary, Vocabulary(), "the linking vocabulary")
    curated_dates = _curated(errors, curated / DATES_FILE, load_curated_dates, CuratedDates(str(curated / DATES_FILE)),
                             "the curated dates")
    taxonomy = _curated(errors, curated / TAXONOMY_FILE, load_taxonomy,
                        Taxonomy({}, {f: [] for f in TAXONOMY_FIELDS}, []), "the taxonomy")
    gazetteer = _curated(errors, curated / PLACES_FILE, load_places, Gazetteer({}), "the gazetteer")
    gazetteer.country_codes = alpha2_codes(actors.actors)  # homonyms go to a country the event involves
    metadata_path = seeds.parent / METADATA_FILE
    metadata = _curated(errors, metadata_path, load_yaml, None, "the site metadata") if metadata_path.exists() else None
    dating: list[DocumentDates] = []

    def fail(problem: Problem) -> None:
        if keep_going:
            problems.append(Problem(problem.file, problem.line, problem.message + " (skipped: --keep-going)"))
        else:
            errors.append(problem)

    for item in timings.iterate("read", _read_documents(seeds, errors)):
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
            dated = date_document(parsed.mentions, info, parsed.header, curated_dates)
        # A curated date that contradicts a source is a curation error: never skipped by --keep-going.
        errors.extend(p for p in dated.problems if p.severity == "error")
        problems.extend(p for p in dated.problems if p.severity != "error")
        dating.append(dated)
        with timings.stage("actors"):
            # Short names may refer back to a full name earlier in the document; titles are read in the
            # document's window (which office holder a title named then).
            memory = DocumentMemory(window=(info.coverage_start or info.published, info.coverage_end or info.published))
            for mention in parsed.mentions:
                reading = actors.read(mention, memory)
                mention.actors = reading.matches + reading.implied
                name_issues.extend((mention, gazetteer.as_place(issue, mention)) for issue in reading.issues)
        documents.append(document)
        mentions.extend(parsed.mentions)
        if progress:
            progress(document)
    loaded = {document.info.id for document in documents}
    for item in curated_dates.dates.values():
        if item.source not in loaded:
            problems.append(Problem(item.file, item.line, f"curated date for {item.source!r}, a source not loaded; not used"))
    if not documents and not errors:
        errors.append(Problem(str(seeds), None, "no documents to load", "error"))
    partial = BuildData(documents=documents, events=[], actors=actors.actors, problems=problems, dates=dating)
    if errors:
        return partial, errors
    # Across documents: link the reports of one event, then give it the bounds its sources allow together.
    formats = {d.info.id: d.info.format for d in documents}
    try:
        with timings.stage("links"):
            linked = link_mentions(mentions, decisions, vocabulary)
    except InputError as error:  # a curated link that names no mention
        return partial, error.problems
    problems.extend(linked.problems)
    with timings.stage("events"):
        events = events_from_clusters(linked.clusters, formats)
    with timings.stage("dates"):
        for problem in date_events(events, dating):
            (errors if problem.severity == "error" else problems).append(problem)
    with timings.stage("statements"):
        statements = find_statements(documents, mentions, events, actors)
    event_of = {m.key: e.id for e in events for m in e.mentions}
    unmatched = name_report((event_of[mention.key], mention, issue) for mention, issue in name_issues)
    with timings.stage("taxonomy"):
        place_links, classes = describe_events(events, taxonomy, gazetteer)
    problems.extend(unused_overrides(taxonomy, events, str(curated / TAXONOMY_FILE)))
    problems.extend(gazetteer.unused(events, str(curated / PLACES_FILE)))
    return BuildData(documents=documents, events=events, actors=actors.actors, problems=problems,
                     links=linked.links, candidates=linked.candidates, statements=statements, dates=dating,
                     unmatched=unmatched, taxonomy=taxonomy, classes=classes, gazetteer=gazetteer,
                     place_links=place_links, metadata=metadata), errors


def describe_events(events: list, taxonomy, gazetteer) -> tuple[list, dict]:
    """Places first (a format rule may ask for the precision of an event's place), then the taxonomy."""
    place_links, classes = [], {}
    gazetteer.learn(events)  # which city a homonym means in each document
    for event in events:
        links = gazetteer.links(event)
        place_links.extend(links)
        precisions = {gazetteer.places[link.place_id].precision for link in links}
        classes[event.id] = classify(event, taxonomy, precisions)
    return place_links, classes


def _curated(errors: list[Problem], path: Path, load, empty, what: str):
    """Load one curated file; its problems become errors (with the rest) instead of stopping here."""
    try:
        return load(path)
    except InputError as error:
        errors.extend(error.problems)
    except (TypeError, ValueError, AttributeError) as error:  # a value of a type the file's checks missed
        errors.append(Problem(str(path), None, f"cannot read {what}: {type(error).__name__}: {error} (a field of the wrong type?)", "error"))
    return empty


def _read_documents(seeds: Path, errors: list[Problem]):
    """read_documents(), with a registry that cannot be read turned into errors rather than raised."""
    try:
        yield from read_documents(seeds)
    except InputError as error:
        errors.extend(error.problems)


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
        names_to_review=[row for row in data.unmatched if row.kind != "not an actor"],
        actors=len(data.actors),
        actor_links=sum(len({m.actor_id for _, m in e.actors}) for e in data.events),
        problems=data.problems,
    )
