"""The pipeline, end to end: seeds/ -> parse -> enrich (dates, actors, events) -> write.

`build` opens the database it writes, a temporary file, first: each document's `sources` row (with its
text) goes in as soon as the document is read, and the text is read back by id where a later stage needs
it (a report's excerpt too: its mention holds offsets, `model.StoredMention`); the other stages work on
dataclasses in memory until `TemporaryDatabase.finish` writes the rest and renames the file into place,
but for what spill.py sets aside (each document's dating, on disk until the dates stage, then read back
in part) or holds as numbers (the reports' actor matches, made again when read), and the rows staged in
the database as soon as they are final (the links' once the events are made, the reports' once their
dates are; the date evidence of every report and event as it is made, `database.DateEvidence`). A failed build deletes the temporary file and leaves the database as it was. The stages are
not pure: several fill in the mentions and events an earlier stage made (actors, dates, places), in the
order `check` runs them.
"""
from __future__ import annotations

import dataclasses
import functools
import gc
import itertools
import sqlite3
import sys
import time
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Optional

from .database import (APPLICATION_ID, BuildData, DateEvidence, EventDescription, SourceStore, Staged, stage_link_rows,
                       stage_mention_rows, statement_row, temporary_database)
from .enrich.actors import ActorDictionary, DocumentMemory, load_actors
from .enrich.countries import alpha2_codes
from .enrich.curated_dates import CuratedDates, load_curated_dates
from .enrich.dates import Anchor, DocumentDates, Entry, back_references, curated_contradictions, date_document, date_events
from .enrich.events import events_at, events_from_clusters
from .enrich.mentionkeys import MentionIndex, resolve_all
from .enrich.link import (Curated, Readings, Scorer, Vocabulary, link_mentions, load_curated_links, load_vocabulary,
                          read_for_linking, same_event_but_the_date)
from .enrich.names import report as name_report
from .enrich.places import Gazetteer, load_places
from .enrich.statements import Attribution, Statement, StatementFinder, document_window
from .enrich.taxonomy import FIELDS as TAXONOMY_FIELDS
from .enrich.taxonomy import Taxonomy, classify, load_taxonomy, override_keys
from .model import DateBounds, Document, Event, InputError, Mention, NameIssue, Problem, SourceInfo
from .parse import parse_document
from .sources import read_documents
from .spill import Datings, own_evidence, pickled
from .timings import Timings
from .workers import per_document, settle
from .yamlfiles import load_yaml

ACTORS_FILE = "actors.yml"
LINKS_FILE = "links.yml"
VOCABULARY_FILE = "linking.yml"
DATES_FILE = "dates.yml"
TAXONOMY_FILE = "taxonomy.yml"
PLACES_FILE = "places.yml"
METADATA_FILE = "metadata.yml"  # beside the seeds folder (the project folder); embedded in the database
# Without these the database would have no actors, places or taxonomy and the linker no vocabulary: a
# curated folder that lacks one (emptied, or a typo in --curated) is an error, not an empty dictionary.
# links.yml, dates.yml, not_actors.yml and words.yml only correct and extend: they may be absent.
REQUIRED_CURATED = (ACTORS_FILE, VOCABULARY_FILE, TAXONOMY_FILE, PLACES_FILE)


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


_keeping = 0  # how many `keeping` blocks are open


@contextmanager
def keeping():
    """A build: what it has made at each `keep()` stays to its end, and is kept out of the garbage
    collector's full passes (gc.freeze), which otherwise walk everything held again and again as it grows
    (at 100,000 reports, some 27 passes and 10 s of the main process while the documents are read).
    Frozen objects still go as soon as nothing refers to them; only cycles among them wait for the end
    of the block, where gc.unfreeze() hands them back to the collector."""
    global _keeping
    _keeping += 1
    try:
        yield
    finally:
        _keeping -= 1
        if not _keeping:
            gc.unfreeze()


def keep() -> None:
    """Inside `keeping`: everything made so far is kept to the end of the build (see there)."""
    if _keeping:
        gc.freeze()


def keeps(function):
    """Run `function` inside `keeping`."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        with keeping():
            return function(*args, **kwargs)
    return run


def collect(seeds: Path, curated: Path, keep_going: bool = False,
            progress: Optional[Callable[[Document], None]] = None,
            timings: Optional[Timings] = None, workers: int = 1, sources: Optional[SourceStore] = None) -> BuildData:
    """Run the stages before the write. Raises InputError when the build cannot go on.

    With `keep_going`, a document that cannot be read or parsed is skipped with a warning instead.
    `timings`, when given, receives the wall time of each stage. `workers` > 1 runs the per-document
    stages in that many processes (workers.py); the result is the same. `sources` keeps the documents'
    texts (by default in memory; `build` gives one that writes them into the database being built).
    """
    data, errors = check(seeds, curated, keep_going=keep_going, progress=progress, timings=timings, workers=workers,
                         sources=sources)
    if errors:
        raise InputError(errors)
    return data


@keeps
def check(seeds: Path, curated: Path, keep_going: bool = False,
          progress: Optional[Callable[[Document], None]] = None,
          timings: Optional[Timings] = None, workers: int = 1,
          sources: Optional[SourceStore] = None) -> tuple[BuildData, list[Problem]]:
    """The stages before the write, shared by `build` and `validate`: what they produced (warnings in
    `problems`) and every error found, curated files and documents alike. Never raises for bad input."""
    timings = timings or Timings()
    sources = sources if sources is not None else SourceStore()
    curated_errors = check_curated_folder(curated)
    if curated_errors:
        return BuildData(documents=[], events=[], actors={}, problems=[]), curated_errors
    documents: list[Document] = []
    mentions: list[Mention] = []
    name_issues = NameIssues()  # for the unmatched-names report
    problems: list[Problem] = []
    errors: list[Problem] = []
    actors = _curated(errors, curated / ACTORS_FILE, load_actors, ActorDictionary({}, {}, None))
    decisions = _curated(errors, curated / LINKS_FILE, load_curated_links, Curated())
    vocabulary = _curated(errors, curated / VOCABULARY_FILE, load_vocabulary, Vocabulary())
    curated_dates = _curated(errors, curated / DATES_FILE, load_curated_dates, CuratedDates(str(curated / DATES_FILE)))
    taxonomy = _curated(errors, curated / TAXONOMY_FILE, load_taxonomy, Taxonomy({}, {f: [] for f in TAXONOMY_FIELDS}, []))
    gazetteer = _curated(errors, curated / PLACES_FILE, load_places, Gazetteer({}))
    gazetteer.country_codes = alpha2_codes(actors.actors)  # homonyms go to a country the event involves
    metadata_path = seeds.parent / METADATA_FILE
    metadata = _curated(errors, metadata_path, load_yaml, None) if metadata_path.exists() else None
    keep()  # the curated dictionaries stay to the end

    def fail(problem: Problem) -> None:
        if keep_going:
            problems.append(Problem(problem.file, problem.line, problem.message + " (skipped: --keep-going)"))
        else:
            errors.append(problem)

    # The linker folds every gazetteer name of a place into one token: places shared are evidence.
    places = {alias: place.id for place in gazetteer.places.values() for alias in place.aliases}
    states = {actor.id for actor in actors.actors.values() if actor.type == "state"}
    link_vocabulary = dataclasses.replace(vocabulary, places=places, states=states)
    stages = DocumentStages(actors, curated_dates, gazetteer, link_vocabulary)
    readings = Readings()  # what the linker read of each mention in its document's stages
    # Building a database: the date evidence goes there as it is made, and the bounds are held without it.
    date_evidence = DateEvidence.for_build(sources.db)
    shared = Shared(without_evidence=date_evidence is not None)  # what the documents' records repeat, held once
    # Each document's dating, on disk beside the database being built until the dates stage (spill.py).
    dating = Datings(sources.directory, share=shared.dating)
    spans: dict[str, tuple[int, int]] = {}  # source id -> where its mentions lie in `mentions`
    for item, reading in per_document(timings.iterate("read", _read_documents(seeds, errors)), read_document,
                                      stages, workers, timings):
        if isinstance(item, Problem):
            (fail if item.severity == "error" else problems.append)(item)
            continue
        document = item  # ids are unique: read_documents refuses an unlisted file whose name gives a taken id
        problems.extend(p for p in reading.parse_problems if p.severity != "error")
        doc_errors = [p for p in reading.parse_problems if p.severity == "error"]
        if doc_errors:
            for problem in doc_errors:
                fail(problem)
            continue
        document.info = reading.info
        dated = reading.dated
        # A curated date that contradicts a source is a curation error: never skipped by --keep-going.
        errors.extend(p for p in dated.problems if p.severity == "error")
        problems.extend(p for p in dated.problems if p.severity != "error")
        if reading.learned is not None:  # read in a worker: settle what depended on other documents
            with timings.stage("settle"):  # the main process's share of the actors stage
                reading.name_issues = settle(reading, document.info, stages)
        name_issues.extend(reading.name_issues)
        documents.append(document)
        sources.keep_drafts(document.info.id, reading.statements)  # to the statements stage, not in memory
        sources.add(document)  # its text kept there, not in memory; read back by id (events, statements)
        spans[document.info.id] = (len(mentions), len(reading.mentions))
        mentions.extend(reading.mentions)
        with timings.stage("link readings"):
            readings.extend(reading.mentions, reading.linking, link_vocabulary)
        shared.mentions(reading.mentions)  # after the readings: they compare each mention's actors as read
        dating.add(dated, reading.mentions)
        if date_evidence is not None:
            date_evidence.add_document(document.info.id, own_evidence(dated))
        sources.hold_excerpts(reading.mentions)  # the excerpts are read back from the text kept there
        if progress:
            progress(document)
        keep()  # the document's mentions and readings stay to the end
    loaded = {document.info.id for document in documents}
    for item in curated_dates.dates.values():
        if item.source not in loaded:
            problems.append(Problem(item.file, item.line, f"curated date for {item.source!r}, a source not loaded; not used"))
    if not documents and not errors:
        errors.append(Problem(str(seeds), None, "no documents to load", "error"))

    def mentions_of(source_id: str) -> list[Mention]:
        first, count = spans[source_id]
        return mentions[first:first + count]

    partial = BuildData(documents=documents, events=[], actors=actors.actors, problems=problems,
                        dates=[] if dating.spilled else dating.documents(mentions_of))
    if errors:
        return partial, errors
    # The overrides and places that name mentions ({source, text}) must name at least one each.
    for problem in resolve_all(MentionIndex(mentions), [*override_keys(taxonomy, str(curated / TAXONOMY_FILE)),
                                                        *gazetteer.keys(str(curated / PLACES_FILE))]):
        (errors if problem.severity == "error" else problems).append(problem)
    if errors:
        return partial, errors
    # Across documents: link the reports of one event, then give it the bounds its sources allow together.
    formats = {d.info.id: d.info.format for d in documents}
    try:
        with timings.stage("links"):
            linked = link_mentions(mentions, decisions, link_vocabulary, readings, workers)
    except InputError as error:  # a curated link that names no mention
        return partial, error.problems
    del partial  # it holds the documents' dating, let go after the dates stage
    problems.extend(linked.problems)
    with timings.stage("dates"):
        # Judged on the sources' own days, before date_events lends any: the last stage to read the scorer.
        # Only a document with a curated entry is judged; none, and the datings wait on disk a little longer.
        contradictions = curated_contradictions(dating.documents(mentions_of) if dating.judged else [],
                                                linked.clusters, same_event_judge(linked.scorer))
    # The scorer (the IDF, every mention's profile held as numbers) is read by no later stage: let it go before
    # the events and their dates are made, which then take the room it leaves rather than come on top.
    linked.scorer = None
    keep()
    with timings.stage("events"):
        events = events_from_clusters(linked.clusters, formats, texts=sources,
                                      words=actors.role_words)
    linked.clusters = None  # each event holds its mentions now
    with timings.stage("write"):
        # The links' and candidates' rows need the events' ids and nothing the dates change: staged now, and
        # the scored pairs let go (held on only for `loader links`, which builds no database) before the
        # documents' datings are read back, where the build's memory peaks.
        staged, strongest = stage_link_rows(sources.db, events, linked.links, linked.candidates)
    if sources.db is not None:
        linked.links, linked.candidates = [], []
    keep()
    with timings.stage("dates"):
        # Read back now that the scorer is gone, each document's in part: the entries of the reports that
        # have others, what its document alone gives each other one; one that is lent to is read whole.
        datings = dating
        dating, whole = datings.documents_in_part(mentions_of, reported_with_others(events))
        # Each event's bounds shared as they are made, their evidence set aside when a database is built.
        aside = date_evidence is not None
        found = date_events(events, dating, shared.date, whole,
                            functools.partial(date_evidence.settle, share=shared.date) if aside else None,
                            functools.partial(date_evidence.settle_report, share=shared.date) if aside else None)
        datings.close()
        for event in events:  # made in the main process, held to the write too
            _share(event)
        shared.forget_dates()  # no later stage shares a DateBounds: the map of those held so far may go
        for problem in dict.fromkeys(found + contradictions):  # a pair found twice is reported once
            (errors if problem.severity == "error" else problems).append(problem)
    with timings.stage("write"):
        # The reports' own bounds are final now: their rows are staged, and the documents' dating let go
        # (held on only for `loader dates`, which builds no database).
        staged.update(stage_mention_rows(sources.db, events, strongest, dating))
    if sources.db is not None:
        dating = []
    del strongest
    keep()
    with timings.stage("statements"):
        statements = Staged(sources.db, "statements")  # into the database being built as they are found
        for statement in find_statements(documents, mentions, events, actors, sources):
            statements.add(statement_row(statement))
    unmatched = name_report(name_issues.occurrences(events))
    del name_issues  # one entry per report, read by no later stage
    keep()
    with timings.stage("taxonomy"):
        describe = describe_events(events, taxonomy, gazetteer, timings)
    keep()
    return BuildData(documents=documents, events=events, actors=actors.actors, problems=problems,
                     links=linked.links, candidates=linked.candidates, statements=statements, dates=dating, staged=staged,
                     unmatched=unmatched, taxonomy=taxonomy, gazetteer=gazetteer, describe=describe,
                     metadata=metadata, date_evidence=date_evidence), errors


# String fields whose values repeat across a corpus's records: ISO days, roles, methods, the words of a
# rule, names as written, a document's coverage note. `Shared` holds each equal value once
# (sys.intern), not once per record: a document read in a worker process arrives with its own copies,
# and a day or a note written with an f-string is a new string each time. At corpus-10000 the copies
# came to about 8 MB, more than half of what these fields held.
SHARED_FIELDS: dict[type, tuple[str, ...]] = {
    Mention: ("source_id", "reported_date"),
    DateBounds: ("earliest", "latest", "end", "precision", "method", "evidence"),
    Entry: ("own_kind", "own_evidence", "own_precision", "end", "order_note", "text_note"),
    Anchor: ("day", "kind", "note", "short"),
    Event: ("summary_method", "summary_evidence"),
}
# Int fields: offsets into a document's text, lines, positions. An int above 256 is an object of its own
# (32 bytes) per record that holds it, and an offset of one document is an offset of the next too.
SHARED_INTS: dict[type, tuple[str, ...]] = {
    Mention: ("position", "start", "end", "line", "lead"),
}
# Offsets below this are held once each in a list indexed by the value (8 bytes a slot, up to the
# longest document's length); larger ones, in a document of more than a million characters, are not.
SHARED_INTS_BELOW = 1 << 20


class Shared:
    """What the records of a corpus repeat, held once per value rather than once per report: strings
    (SHARED_FIELDS), ints (SHARED_INTS), equal DateBounds (a mention's date and its dating entry's
    `document_only` are equal, and reports of one day with one kind of evidence give equal bounds),
    an actor match's fields but its offsets (`ActorMatch.about`: a few thousand distinct in a corpus;
    the matches themselves are then packed as numbers, spill.PackedActors), and a mention's categories
    as a tuple (most are empty: then the one empty tuple; a few combinations in all). Nothing changes a DateBounds, a match's `about` or a mention's categories once its document
    is read, so sharing them is safe; the values are unchanged, only who holds them. `mentions` runs on
    each document's mentions as the main process takes them, `dating` on its dating as it is made in the
    main process (spill.Datings: when added, or read back from disk); from a worker, or read back, each
    arrives with its own copies of all of these."""

    def __init__(self, without_evidence: bool = False):
        # True: a DateBounds is held without its evidence, which the build has set aside (database.DateEvidence).
        self.without_evidence = without_evidence
        self._ints: list = []  # value -> the int held for it, or None
        self._dates: dict[DateBounds, DateBounds] = {}  # each value of DateBounds -> the one held for it
        self._categories: dict[tuple, tuple] = {}  # a mention's categories -> the equal tuple held
        self._abouts: dict[tuple, tuple] = {}  # ActorMatch.about -> the equal tuple held, its strings shared

    def mentions(self, mentions: list[Mention]) -> None:
        abouts = self._abouts
        for mention in mentions:
            _share(mention)
            self._share_ints(mention)
            mention.date = self.date(self._plain(mention.date))
            categories = tuple(sys.intern(category) for category in mention.categories)
            mention.categories = self._categories.setdefault(categories, categories)
            # Its matches are packed as numbers next (spill.PackedActors), their `about` tuples held once each.
            for match in mention.actors:
                about = abouts.get(match.about)
                if about is None:
                    about = abouts[match.about] = tuple(sys.intern(v) if type(v) is str else v for v in match.about)
                match.about = about

    def dating(self, dated: DocumentDates) -> None:
        for entry in dated.entries:
            _share(entry)
            entry.document_only = self.date(self._plain(entry.document_only))
            for anchor in (entry.own_lo, entry.own_hi, entry.lo, entry.hi):  # often one anchor twice: sharing is idempotent
                _share(anchor)

    def date(self, bounds: Optional[DateBounds]) -> Optional[DateBounds]:
        """The DateBounds held for the value of `bounds` (its strings shared), `bounds` itself the first time."""
        if bounds is None:
            return None
        held = self._dates.get(bounds)
        if held is None:
            _share(bounds)
            held = self._dates[bounds] = bounds
        return held

    def _plain(self, bounds: Optional[DateBounds]) -> Optional[DateBounds]:
        """`bounds` without its evidence, when held so (`without_evidence`)."""
        if bounds is None or bounds.evidence is None or not self.without_evidence:
            return bounds
        return dataclasses.replace(bounds, evidence=None)

    def forget_dates(self) -> None:
        """Hold none of the DateBounds held so far (they may go once nothing else holds them); `date` starts again."""
        self._dates = {}

    def held_int(self, value: int) -> int:
        """The int object held for `value` (an offset, a line): the first one given, below SHARED_INTS_BELOW."""
        if 256 < value < SHARED_INTS_BELOW:
            ints = self._ints
            if value >= len(ints):
                ints.extend([None] * (value + 1 - len(ints)))
            held = ints[value]
            if held is None:
                ints[value] = value
                return value
            return held
        return value

    def _share_ints(self, record) -> None:
        held_int = self.held_int
        for name in SHARED_INTS[type(record)]:
            value = getattr(record, name)
            held = held_int(value)
            if held is not value:
                setattr(record, name, held)


def _share(record) -> None:
    if record is None:
        return
    for name in SHARED_FIELDS[type(record)]:
        value = getattr(record, name)
        if type(value) is str:
            object.__setattr__(record, name, sys.intern(value))  # Anchor is frozen: the value stays the same


class NameIssues:
    """The (mention, NameIssue) pairs of the corpus, held compactly until the events are known: per name
    and kind, its first pair, the candidates of all its pairs (in the order met), and a reference to the
    mention of each later pair. `occurrences` gives enrich.names.report what the pairs themselves would:
    the same rows, from one entry per name rather than one object per report."""

    def __init__(self):
        self.groups: dict[tuple[str, str], tuple[Mention, NameIssue, list[str], list[Mention]]] = {}

    def extend(self, pairs) -> None:
        for mention, issue in pairs:
            group = self.groups.get((issue.name, issue.kind))
            if group is None:
                self.groups[(issue.name, issue.kind)] = (mention, issue, list(issue.candidates), [])
                continue
            group[3].append(mention)
            group[2].extend(c for c in issue.candidates if c not in group[2])

    def occurrences(self, events: list[Event]):
        """Per name and kind, its (event id, mention, issue) pairs: the first with every candidate its pairs
        gave, the later ones with none (the report takes the example and the candidates from the first it
        sees). The event of each mention is looked up by source and position, for these mentions only."""
        event_at = events_at(events, (m for mention, _, _, later in self.groups.values() for m in (mention, *later)))
        for mention, issue, candidates, later in self.groups.values():
            again = NameIssue(issue.name, issue.kind, issue.start, issue.end, reason=issue.reason)
            yield itertools.chain(
                [(event_at[mention.source_id][mention.position].id, mention, dataclasses.replace(issue, candidates=candidates))],
                ((event_at[other.source_id][other.position].id, other, again) for other in later))


@dataclass
class DocumentStages:
    """The curated data the per-document stages read (in a worker, its own copy, loaded once)."""

    actors: ActorDictionary
    curated_dates: CuratedDates
    gazetteer: Gazetteer
    vocabulary: Vocabulary  # the linker's, with the gazetteer's places


@dataclass
class DocumentReading:
    """What the per-document stages (parse, dates, actors, link readings, statements) made of one document."""

    info: SourceInfo
    parse_problems: list[Problem]  # an error among them: the document is not loaded
    mentions: list[Mention] = field(default_factory=list)
    dated: Optional[DocumentDates] = None
    name_issues: list = field(default_factory=list)  # (mention, NameIssue) for the unmatched-names report
    learned: Optional[object] = None  # read in a worker: what settle() needs (workers.Learned)
    linking: Optional[Readings] = None  # what the linker reads of each mention by itself
    statements: Optional[array] = None  # the statements found in its text (enrich.statements.DRAFT ints each)

    def pack(self) -> None:
        """Made ready to leave a worker: its dating pickled here (spill.py), so the main process copies it
        to disk as bytes rather than make its objects."""
        if self.dated is not None:
            self.dated = pickled(self.dated, self.mentions)


def read_document(document: Document, stages: DocumentStages, timings: Timings, watch=None) -> DocumentReading:
    """Parse one document, date its entries, read its actors and find its statements: the stages that need
    no other document."""
    with timings.stage("parse"):
        parsed = parse_document(document)
    if any(p.severity == "error" for p in parsed.problems):
        return DocumentReading(document.info, parsed.problems)
    info = document.info
    if not info.registered:
        # An unlisted document takes what its own header gives.
        info.coverage_start = info.coverage_start or parsed.header.get("coverage_start")
        info.coverage_end = info.coverage_end or parsed.header.get("coverage_end")
        info.published = info.published or parsed.header.get("published")
        info.title = info.title or first_line(document.text)
    with timings.stage("dates"):
        # A dated earlier event printed inside an entry becomes a mention of its own (linked and dated like any other).
        parsed.mentions.extend(back_references(parsed.mentions, info, parsed.header))
        dated = date_document(parsed.mentions, info, parsed.header, stages.curated_dates)
    with timings.stage("actors"):
        name_issues = read_actors(parsed.mentions, info, stages.actors, stages.gazetteer, watch)
    with timings.stage("link readings"):
        linking = read_for_linking(parsed.mentions, stages.vocabulary)
    with timings.stage("find statements"):  # their speakers and dates wait for the events (find_statements)
        own = [m for m in parsed.mentions if m.reference_of is None]  # a back-reference lies inside its entry
        statements = StatementFinder(document.text, own).drafts(prose=info.format == "article")
    return DocumentReading(info, parsed.problems, parsed.mentions, dated, name_issues, linking=linking,
                           statements=statements)


def read_actors(mentions: list[Mention], info: SourceInfo, actors: ActorDictionary, gazetteer: Gazetteer,
                watch=None) -> list:
    """Set each mention's actors; return (mention, NameIssue) for the names to report.

    Short names may refer back to a full name earlier in the document; titles are read in the
    document's window (which office holder a title named then). `watch` (workers.py) sees the memory
    before and after each mention."""
    memory = document_memory(info)
    name_issues = []
    for index, mention in enumerate(mentions):
        if watch:
            watch.before(memory)
        found = read_mention(mention, memory, actors, gazetteer)
        if watch:
            watch.after(index, mention, memory, found)
        name_issues.extend(found)
    _states_of_the_entry(mentions, actors)
    return name_issues


def document_memory(info: SourceInfo, last_seen: Optional[dict] = None) -> DocumentMemory:
    return DocumentMemory(last_seen=dict(last_seen or {}),
                          window=(info.coverage_start or info.published, info.coverage_end or info.published))


def read_mention(mention: Mention, memory: DocumentMemory, actors: ActorDictionary, gazetteer: Gazetteer) -> list:
    """Set one mention's actors; return its (mention, NameIssue) pairs."""
    reading = actors.read(mention, memory)
    mention.actors = reading.matches + reading.implied
    return [(mention, gazetteer.as_place(issue, mention)) for issue in reading.issues]


def _states_of_the_entry(mentions: list[Mention], actors) -> None:
    """A back-reference that names no state ("bombers of the two militaries conducted their first joint
    patrols") takes the states the entry it is read from names, saying so."""
    entries = {m.position: m for m in mentions if m.reference_of is None}
    for mention in mentions:
        parent = entries.get(mention.reference_of) if mention.reference_of is not None else None
        if parent is None or any(actors.actors[a.actor_id].type == "state" for a in mention.actors
                                 if a.actor_id in actors.actors):
            continue
        seen = {a.actor_id for a in mention.actors}
        for match in parent.actors:
            if match.actor_id in seen or actors.actors.get(match.actor_id) is None \
                    or actors.actors[match.actor_id].type != "state":
                continue
            seen.add(match.actor_id)
            mention.actors.append(match.replace(
                role="participant", method="context", via=None,
                evidence=f"the back-reference names no state; entry {parent.position}, which it is read from, names "
                         f"{match.matched!r}",
                role_evidence="a state of the entry the back-reference is read from"))


def reported_with_others(events: list[Event]) -> Callable[[Mention], bool]:
    """Whether a mention is one of several reports of its event: the only ones `date_events` reads bounds
    from or lends them to, so the only ones whose document's dating it needs in full."""
    several = [event for event in events if len(event.mentions) > 1]
    at = events_at(several, (m for event in several for m in event.mentions))

    def reported(mention: Mention) -> bool:
        held = at.get(mention.source_id)
        return held is not None and mention.position in held
    return reported


def same_event_judge(scorer: Scorer):
    """The linker's score for a pair that reads as one event but for the date (`same_event_but_the_date`),
    else None: the linker's own scorer, so the check sees the evidence the linker saw."""
    def judge(a: Mention, b: Mention):
        pair = scorer.score(a, b)
        return pair.score if same_event_but_the_date(pair) else None
    return judge


def check_curated_folder(curated: Path) -> list[Problem]:
    """Errors for a curated folder that is missing or lacks a file the build cannot do without."""
    if not curated.is_dir():
        return [Problem(str(curated), None, "curated folder does not exist", "error")]
    return [Problem(str(curated / name), None, f"missing from the curated folder: without it the database would have no "
                    f"{REQUIRED_WHAT[name]}", "error")
            for name in REQUIRED_CURATED if not (curated / name).is_file()]


REQUIRED_WHAT = {ACTORS_FILE: "actors", VOCABULARY_FILE: "linking vocabulary", TAXONOMY_FILE: "taxonomy",
                 PLACES_FILE: "places"}


def check_output(db_path: Path) -> None:
    """Raise InputError unless `db_path` is absent or a database this loader wrote (the build replaces it).

    A file is ours when it opens as SQLite and carries the loader's application_id, or (a database
    written before application_id was set) the loader's schema version and its tables. Anything else,
    `seeds/sources.yml`, notes, another project's database, is left alone."""
    db_path = Path(db_path)
    if not db_path.exists() and not db_path.is_symlink():
        return
    why = _not_ours(db_path)
    if why:
        raise InputError([Problem(str(db_path), None, f"not a database this loader wrote ({why}); refusing to replace "
                                  "it: choose another --db or remove the file", "error")])


def _not_ours(db_path: Path) -> Optional[str]:
    if not db_path.is_file():
        return "not a regular file"
    with open(db_path, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            return "no SQLite header"
    try:
        connection = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            application_id = connection.execute("pragma application_id").fetchone()[0]
            version = connection.execute("pragma user_version").fetchone()[0]
            tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
        finally:
            connection.close()
    except sqlite3.Error as error:
        return f"cannot read it as SQLite: {error}"
    if application_id == APPLICATION_ID:
        return None
    if application_id == 0 and version >= 1 and {"events", "sources", "event_sources"} <= tables:
        return None  # written by the loader before it set application_id
    return f"application_id {application_id}, not the loader's {APPLICATION_ID}"


def describe_events(events: list, taxonomy, gazetteer, timings: Optional[Timings] = None):
    """The function that gives one event its places and taxonomy (`EventDescription`), made once every
    event is known: which city a homonym means is learned from each document's events first. The write
    calls it event by event as it writes the event's row, so no corpus-wide list of place links or
    classifications is ever held; its seconds count under the "taxonomy" stage."""
    gazetteer.learn(events)  # which city a homonym means in each document
    timings = timings or Timings()

    def describe(event: Event) -> EventDescription:
        """Places first (a format rule may ask for the precision of an event's place), then the taxonomy."""
        start = time.perf_counter()
        links = gazetteer.links(event)
        precisions = {gazetteer.places[link.place_id].precision for link in links}
        found = EventDescription(links, classify(event, taxonomy, precisions))
        seconds = time.perf_counter() - start
        timings.add({"taxonomy": seconds, "write": -seconds})  # the write calls it: counted here, not twice
        return found
    return describe


def _curated(errors: list[Problem], path: Path, load, empty):
    """Load one curated file; its problems become errors (with the rest) instead of stopping here."""
    try:
        return load(path)
    except InputError as error:  # a wrong shape (schemas.py) or an inconsistency, each at its line
        errors.extend(error.problems)
    return empty


def _read_documents(seeds: Path, errors: list[Problem]):
    """read_documents(), with a registry that cannot be read turned into errors rather than raised."""
    try:
        yield from read_documents(seeds)
    except InputError as error:
        errors.extend(error.problems)


def find_statements(documents: list[Document], mentions: list[Mention], events: list, actors,
                    sources: SourceStore) -> Iterator[Statement]:
    """Each document's statements (what read_document found in its text, kept by `sources`:
    `SourceStore.keep_drafts`) with their speakers, dates and events, in document order."""
    speaking = set(sources.speaking)  # most documents quote no one
    own: dict[str, list[Mention]] = {source: [] for source in speaking}  # grouped once: a scan per document is quadratic
    for mention in mentions:
        if mention.source_id in speaking and mention.reference_of is None:  # a back-reference lies inside its entry
            own[mention.source_id].append(mention)
    event_at = events_at(events, (m for found in own.values() for m in found))
    types = {a.id: a.type for a in actors.actors.values()}
    for document in documents:
        info = document.info
        if info.id not in speaking:
            continue

        def match(span, source_id=info.id):
            return actors.match(Mention(source_id, 0, span.start, span.end, span.text, span.line))

        attribution = Attribution(info.id, sources.get(info.id), own.pop(info.id), event_at.pop(info.id, {}), types, match,
                                  document_window(info.coverage_start, info.published))
        yield from attribution.complete(sources.drafts(info.id))


def first_line(text: str) -> Optional[str]:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return None


@keeps
def build(seeds: Path, db_path: Path, curated: Path, keep_going: bool = False,
          progress: Optional[Callable[[Document], None]] = None,
          timings: Optional[Timings] = None, workers: int = 1) -> BuildReport:
    check_output(db_path)
    with temporary_database(db_path) as building:  # removed unless the build completes
        data = collect(seeds, curated, keep_going=keep_going, progress=progress, timings=timings, workers=workers,
                       sources=SourceStore(building))
        building.finish(data, timings=timings)
    return BuildReport(
        documents=len(data.documents),
        events=len(data.events),
        mentions=sum(len(e.mentions) for e in data.events),
        corroborated=sum(1 for e in data.events if len({m.source_id for m in e.mentions}) > 1),
        statements=data.statements.count,
        candidates=data.staged["link_candidates"].count if data.staged else len(data.candidates),
        names_to_review=[row for row in data.unmatched if row.kind != "not an actor"],
        actors=len(data.actors),
        actor_links=sum(len({m.actor_id for _, m in e.actors}) for e in data.events),
        problems=data.problems,
    )
