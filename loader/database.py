"""Write: the one module that touches SQLite; the schema it writes is declared in `loader/tables.py`.

A build writes into a temporary file next to the target (`TemporaryDatabase`, opened by `build` before
the first document is read) and renames it into place only when complete (`finish`), so a failed or
killed build leaves an existing database untouched; `write_database` does the same from a BuildData.
Rows are inserted first: each source's as its document is read (`SourceStore`), every other table's in
one `executemany` over its declared columns (`insert_rows`) when the stages are done; indexes,
full-text search and views are made last by `ensure_db_shape`. A freshly written file has nothing to
compact: no VACUUM.
"""
from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import stat
import tempfile
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

import sqlite_utils

from .aggregates import write_aggregates
from .enrich.actors import Actor
from .enrich.dates import last_day_of, month_of, own_bounds, width_days
from .enrich.events import events_at
from .enrich.link import PairScore, by_keys
from .enrich.places import Gazetteer, PlaceLink
from .enrich.statements import Statement
from .enrich.names import UnmatchedName
from .enrich.participants import event_actor_links, event_countries
from .enrich.taxonomy import Classification, Taxonomy
from .model import ActorMatch, DateBounds, Document, Event, Mention, Problem, StoredMention
from .spill import PackedActors
from .tables import TABLES, VIEWS, Table
from .timings import Timings

SCHEMA_VERSION = 1
APPLICATION_ID = 0x43524576  # "CREv": marks a file this loader wrote, the only kind a build replaces

@dataclass
class BuildData:
    """Everything the write stage needs, produced by the pure stages."""

    documents: list[Document]
    events: list[Event]
    actors: dict[str, Actor]
    problems: list[Problem] = field(default_factory=list)
    links: list[PairScore] = field(default_factory=list)
    candidates: list[PairScore] = field(default_factory=list)
    statements: "Staged" = field(default_factory=lambda: Staged(None, "statements"))  # their rows
    dates: list = field(default_factory=list)  # enrich.dates.DocumentDates per document, for `loader dates`
    # The rows of EVENT_ROWS' tables, staged by the build as soon as they are final (the links' once the
    # events are made, `stage_link_rows`; the reports' once their dates are, `stage_mention_rows`), so that
    # neither `dates` nor `links` nor `candidates` need be held to the write; None: the write makes them
    # from those.
    staged: Optional[dict[str, "Staged"]] = None
    unmatched: list[UnmatchedName] = field(default_factory=list)
    taxonomy: Optional[Taxonomy] = None
    gazetteer: Optional[Gazetteer] = None
    # An event's places and taxonomy, asked for as its row is written (build.describe_events): neither is
    # held for the whole corpus. None: no places, no taxonomy.
    describe: Optional[Callable[[Event], "EventDescription"]] = None
    metadata: Optional[dict] = None  # metadata.yml, embedded in the _metadata table
    # The reports' and the events' date evidence, when the build has set it aside as it was made
    # (`DateEvidence`): the bounds held then carry none.
    date_evidence: Optional["DateEvidence"] = None


@dataclass
class EventDescription:
    """What the places and taxonomy stages give one event."""

    place_links: list[PlaceLink] = field(default_factory=list)
    classification: Classification = field(default_factory=Classification)


def ensure_db_shape(db: sqlite_utils.Database, timings: Optional[Timings] = None) -> None:
    """Create tables (if missing), then indexes, full-text search and views: the one place for all of it."""
    timings = timings or Timings()
    for table in TABLES:
        if not db[table.name].exists():
            create_table(db, table)
    with timings.stage("indexes"):
        for table in TABLES:
            for columns in table.index_list():
                db[table.name].create_index(columns, if_not_exists=True)
    with timings.stage("fts"):
        for table in sorted((t for t in TABLES if t.fts), key=lambda t: t.name):
            if not db[f"{table.name}_fts"].exists():
                db[table.name].enable_fts(list(table.fts), fts_version="FTS5", tokenize="porter",
                                          create_triggers=False)
    for view in VIEWS:
        db.create_view(view.name, view.sql.strip(), replace=True)


def create_table(db: sqlite_utils.Database, table: Table) -> None:
    db[table.name].create(table.column_types(), not_null=table.not_null() or None, **table.create_options())


TABLE_OF = {table.name: table for table in TABLES}


def insert_rows(db: sqlite_utils.Database, name: str, rows: Iterable[dict], into: Optional[str] = None) -> None:
    """Insert `rows` (dicts keyed by column name) into table `name`, streamed through one prepared
    statement over the columns tables.py declares: no per-row SQL, no batch held in memory. A key the
    table does not declare is an error (a row would lose it), checked on the first row: every row of a
    table comes from one function and has its keys. `into`: where they go when not `name` itself (a
    temporary table of its columns)."""
    columns = [column.name for column in TABLE_OF[name].columns]
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return
    unknown = set(first) - set(columns)
    if unknown:
        raise ValueError(f"table {name}: rows carry columns it does not declare: {sorted(unknown)}")
    sql = (f"insert into {into or f'[{name}]'} ({', '.join(f'[{c}]' for c in columns)}) "
           f"values ({', '.join('?' for _ in columns)})")
    db.conn.executemany(sql, (tuple(map(row.get, columns)) for row in itertools.chain((first,), iterator)))


def source_rows(documents: list[Document], counts: dict[str, int]) -> Iterable[dict]:
    for doc in documents:
        info = doc.info
        yield {
            "id": info.id, "title": info.title, "publisher": info.publisher, "author": info.author,
            "url": info.url, "published": info.published, "coverage_start": info.coverage_start,
            "coverage_end": info.coverage_end, "format": info.format, "file": info.file,
            "sha256": doc.sha256, "registered": int(info.registered), "event_count": counts.get(info.id, 0),
            "rights": info.rights, "notes": json.dumps(info.notes, ensure_ascii=False) if info.notes else None,
            "text": doc.text,
        }


def event_rows(events: list[Event], evidence: Optional[Iterable[Optional[str]]] = None) -> Iterable[dict]:
    """One row per event, in the order given. `evidence`: each event's date evidence, in that order, when
    the build has set it aside (`DateEvidence`); otherwise each event's own."""
    evidence = evidence if evidence is not None else (event.date.evidence for event in events)
    for event, date_evidence in zip(events, evidence, strict=True):
        first = event.first
        yield {
            "id": event.id, "summary": event.summary, "date_earliest": event.date.earliest,
            "date_latest": event.date.latest, "date_end": event.date.end,
            "date_precision": event.date.precision, "date_method": event.date.method,
            "date_evidence": date_evidence, "date_conflict": int(event.date.conflict),
            "month": month_of(event.date),
            "category": event.category,
            "categories": json.dumps(event.categories) if event.categories else None,
            "source_count": len({m.source_id for m in event.mentions}),
            "first_source": first.source_id, "first_position": first.position,
            "description": event.description,
            "summary_method": event.summary_method, "summary_evidence": event.summary_evidence,
            "date_last": last_day_of(event.date), "date_days": width_days(event.date.earliest, last_day_of(event.date)),
        }


def write_order(events: list[Event]) -> list[Event]:
    """The order the events and their reports are written in: by date, then by the first report. Stable
    sorts from the least telling field to the most, the same order as one sort by the four, with no key
    tuple made per event and held for the length of the sort."""
    ordered = sorted(events, key=lambda e: e.first.position)
    for least_first in (lambda e: e.first.source_id, lambda e: e.date.latest or "9999",
                        lambda e: e.date.earliest or "9999"):
        ordered.sort(key=least_first)
    return ordered


class DateEvidence:
    """The date evidence (`DateBounds.evidence`) of the reports and the events, set aside in temporary
    tables of the database being built as soon as it is made, so that the build holds every DateBounds
    without it (one object per value, build.Shared): much of it is one sentence per report or event (which
    entry a date was read from, which sources disagree). At a million reports the DateBounds' strings came
    to 71 MB at the start of the statements, held from the reading to the write.

    - `_own_evidence`: each report's, as its document alone dates it (`Entry.document_only`), added as the
      document is read (`add_document`), and replaced where the dates stage changes the bounds of a report
      held in part only by its list (`settle_report`);
    - `_event_evidence`: each event's, as `date_events` makes its bounds (`settle`): the evidence itself, or
      the report whose own bounds the event took.

    Read back where the rows are written: the events' in the write's order (`of`), and the reports'
    own_evidence and the statements' date_evidence where their staged row has none (`FILLS`, given to
    `Staged.write`): a report dated by its document alone, and a statement dated by its event."""

    BATCH = 10_000  # rows read back, or gathered before an insert, at a time
    FILLS = {
        "event_sources": {"own_evidence": "coalesce(s.own_evidence, (select o.evidence from temp._own_evidence o "
                                          "where o.source_id = s.source_id and o.position = s.position))"},
        "statements": {"date_evidence": "coalesce(s.date_evidence, (select e.date_evidence from events e "
                                        "where e.id = s.event_id))"},
    }

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        db.conn.execute("create temp table _own_evidence (source_id text, position integer, evidence text, "
                        "primary key (source_id, position)) without rowid")
        db.conn.execute("create temp table _event_evidence (id text primary key, evidence text, source_id text, "
                        "position integer) without rowid")
        self._events: list[tuple] = []  # rows of _event_evidence not inserted yet
        self._reports: list[tuple] = []  # rows of _own_evidence to replace, not yet

    @classmethod
    def for_build(cls, db: Optional[sqlite_utils.Database]) -> Optional["DateEvidence"]:
        """With a database being built, the evidence goes there; without one (validate, `loader dates`), None:
        it stays in the DateBounds."""
        return cls(db) if db is not None else None

    def add_document(self, source_id: str, evidence: Iterable[tuple[int, Optional[str]]]) -> None:
        """Each report's own evidence, (position, evidence), as its document alone dates it."""
        self.db.conn.executemany("insert into temp._own_evidence values (?, ?, ?)",
                                 ((source_id, position, text) for position, text in evidence))

    def settle(self, event: Event, bounds: DateBounds, own: Optional[Mention],
               share: Callable[[DateBounds], DateBounds]) -> DateBounds:
        """The bounds `event` holds (`share`d, without evidence) once `date_events` makes `bounds` for it: their
        evidence set aside, or, for bounds already without it (one report's own, `own`, else its first), the
        report whose own evidence it is."""
        if bounds.evidence is None:
            report = own if own is not None else event.first
            self._events.append((event.id, None, report.source_id, report.position))
        else:
            self._events.append((event.id, bounds.evidence, None, None))
            bounds = share(dataclasses.replace(bounds, evidence=None))
        if len(self._events) >= self.BATCH:
            self.flush()
        return bounds

    def settle_report(self, report: Mention, bounds: DateBounds, share: Callable[[DateBounds], DateBounds]) -> DateBounds:
        """The bounds to hold for a report whose own bounds other sources changed after its document was read
        (a neighbour in its list lent a bound, `DocumentDatesInPart.settle_through`): their evidence takes the
        place of what its document alone gave it."""
        self._reports.append((report.source_id, report.position, bounds.evidence))
        if len(self._reports) >= self.BATCH:
            self.flush()
        return share(dataclasses.replace(bounds, evidence=None))

    def flush(self) -> None:
        self.db.conn.executemany("insert into temp._event_evidence values (?, ?, ?, ?)", self._events)
        self.db.conn.executemany("insert or replace into temp._own_evidence values (?, ?, ?)", self._reports)
        self._events, self._reports = [], []

    def of(self, events: list[Event]) -> Iterator[Optional[str]]:
        """The events' evidence, in the order of `events` (the write's), read back a batch at a time."""
        self.flush()
        conn = self.db.conn
        conn.execute("create temp table _write_order (id text)")  # rowid: the place in the write's order
        conn.executemany("insert into temp._write_order (id) values (?)", ((event.id,) for event in events))
        for first in range(1, len(events) + 1, self.BATCH):
            yield from (row[0] for row in conn.execute(
                "select coalesce(e.evidence, o.evidence) from temp._write_order w "
                "join temp._event_evidence e on e.id = w.id "
                "left join temp._own_evidence o on o.source_id = e.source_id and o.position = e.position "
                "where w.rowid between ? and ? order by w.rowid", (first, first + self.BATCH - 1)))
        conn.execute("drop table temp._write_order")


# The tables whose rows are final once the events' ids are (`stage_link_rows`), and the one whose rows
# wait for their dates too (`stage_mention_rows`).
LINK_ROWS = ("event_links", "link_candidates")
EVENT_ROWS = ("event_sources", *LINK_ROWS)


def stage_event_rows(db: Optional[sqlite_utils.Database], events: list[Event], links: list[PairScore],
                     candidates: list[PairScore], dates: list) -> dict[str, "Staged"]:
    """The rows of the reports, the links and the link candidates, staged at once (`stage_link_rows`, then
    `stage_mention_rows`): for data whose dates are already final."""
    staged, strongest = stage_link_rows(db, events, links, candidates)
    staged.update(stage_mention_rows(db, events, strongest, dates))
    return staged


def stage_link_rows(db: Optional[sqlite_utils.Database], events: list[Event], links: list[PairScore],
                    candidates: list[PairScore]) -> tuple[dict[str, "Staged"], "StrongestLinks"]:
    """The links' and the link candidates' rows, staged, and what the reports' rows will need of the links
    (`StrongestLinks`): they read the pairs the linker scored and the events' ids, nothing the dates stage
    changes, so the build stages them once the events are made and lets the pairs go before the dates."""
    event_of = event_ids_of(events, [pair.a for pair in links] + [m for pair in candidates for m in (pair.a, pair.b)])
    staged = {table: Staged(db, table) for table in LINK_ROWS}
    for table, rows in (("event_links", link_rows(links, event_of)),
                        ("link_candidates", candidate_rows(candidates, event_of))):
        for row in rows:
            staged[table].add(row)
    return staged, StrongestLinks(links)


def stage_mention_rows(db: Optional[sqlite_utils.Database], events: list[Event], strongest: "StrongestLinks",
                       dates: list) -> dict[str, "Staged"]:
    """The reports' rows (`mention_rows`, in the write's order), staged once the dates stage is done: the
    events' dates give the order, and each report's own bounds (`dates`) its own_* columns."""
    staged = Staged(db, "event_sources")
    for row in mention_rows(write_order(events), strongest, own_bounds(dates)):
        staged.add(row)
    return {"event_sources": staged}


class StrongestLinks:
    """Each linked report's strongest link (curated first, then by score, then as listed): the method and
    the score its event_sources row gives, held per link as one (method, score) pair and found through
    `events_at`'s arrays, not through the scored pairs, which can then be let go."""

    def __init__(self, links: list[PairScore]):
        # The links weakest first, so that the last one `events_at` holds for a report is its strongest;
        # by position, not a key tuple each.
        ranked = sorted(links, key=lambda p: -p.score)
        ranked.sort(key=lambda p: p.method != "curated")
        ranked.reverse()
        # One (method, score) tuple per distinct pair of them, shared by the links that have it: the
        # methods are a few words and the scores are held once per value (`Scorer._figure`), and these
        # are held through the dates stage, where the build peaks: at corpus-100000, 20,826 links share
        # 3,272 tuples (56 bytes each).
        distinct: dict[tuple[str, float], tuple[str, float]] = {}
        values = [distinct.setdefault(value, value) for value in ((pair.method, pair.score) for pair in ranked)]
        del distinct
        self._at = events_at(ranked, (m for pair in ranked for m in (pair.a, pair.b)), members=lambda p: (p.a, p.b),
                             values=values)

    def of(self, mention: Mention) -> Optional[tuple[str, float]]:
        """(method, score) of the mention's strongest link; None for a report no link names."""
        held = self._at.get(mention.source_id)
        return held.get(mention.position) if held is not None else None


def mention_rows(events: list[Event], strongest: StrongestLinks, own: Optional[Callable] = None) -> Iterable[dict]:
    """One row per report. `own(event)`: (source id, position) -> the report's own bounds and role
    (enrich.dates.own_bounds); a report it lacks (data without the dating stage's documents) keeps the
    bounds its document gave it."""
    for event in events:
        bounds = own(event) if own is not None else {}
        for index, m in enumerate(event.mentions):
            link = strongest.of(m) if index else None
            yield {
                "event_id": event.id, "source_id": m.source_id, "position": m.position, "excerpt": m.excerpt,
                "start_offset": m.start, "end_offset": m.end, "line": m.line, "reported_date": m.reported_date,
                "reported_earliest": m.date.earliest if m.date and m.reported_date else None,
                "reported_latest": m.date.latest if m.date and m.reported_date else None,
                "link_method": (link[0] if link else "joined") if index else "first",
                "link_score": link[1] if link else None,
                "reference_of": m.reference_of,
                **own_columns(*(bounds.get(m.key) or (m.date, "start"))),
            }


def own_columns(date, role: str) -> dict:
    if date is None:
        return {"own_earliest": None, "own_latest": None, "own_end": None, "own_method": None, "own_evidence": None,
                "own_role": None}
    return {"own_earliest": date.earliest, "own_latest": date.latest, "own_end": date.end,
            "own_method": date.method, "own_evidence": date.evidence, "own_role": role}


def statement_row(st: Statement) -> dict:
    key = f"{st.source_id}\n{st.start}\n{st.text}"
    return {
        "id": "s" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:11], "source_id": st.source_id,
        "position": st.position, "speaker_id": st.speaker_id, "speaker_text": st.speaker_text,
        "kind": st.kind, "text": st.text, "date_earliest": st.date.earliest, "date_latest": st.date.latest,
        "date_method": st.date.method, "date_evidence": st.date.evidence, "event_id": st.event_id,
        "start_offset": st.start, "end_offset": st.end, "line": st.line,
    }


def _features(pair: PairScore) -> dict:
    return {"score": pair.score, "text_score": pair.text, "date_score": pair.date,
            "actor_score": pair.actors, "kind_score": pair.kind, "reason": pair.reason,
            "place_score": pair.place, "names_score": pair.names}


def event_ids_of(events: list[Event], mentions: list) -> Callable[[Mention], str]:
    """The id of the event of each of `mentions` (the pairs' reports a link or candidate row names)."""
    event_at = events_at(events, mentions)
    return lambda mention: event_at[mention.source_id][mention.position].id


def link_rows(links: list[PairScore], event_of: Callable[[Mention], str]) -> Iterable[dict]:
    for pair in by_keys(links, first=lambda p: event_of(p.a)):
        yield {"event_id": event_of(pair.a), "source_a": pair.a.source_id, "position_a": pair.a.position,
               "source_b": pair.b.source_id, "position_b": pair.b.position, "method": pair.method,
               **_features(pair)}


def candidate_rows(candidates: list[PairScore], event_of: Callable[[Mention], str]) -> Iterable[dict]:
    for pair in by_keys(candidates, first=lambda p: p.score, reverse=True):  # the highest score first
        yield {"source_a": pair.a.source_id, "position_a": pair.a.position, "event_a": event_of(pair.a),
               "excerpt_a": pair.a.excerpt, "source_b": pair.b.source_id, "position_b": pair.b.position,
               "event_b": event_of(pair.b), "excerpt_b": pair.b.excerpt, **_features(pair)}


def event_actor_rows(events: list[Event], actors: dict[str, Actor],
                     counts: Optional[dict[str, int]] = None) -> Iterable[dict]:
    """One row per actor of an event: the link enrich.participants chose among the actor's links.
    `counts`, when given, counts each actor's rows (its events) as they are made."""
    for event in events:
        for mention, match, count in event_actor_links(event):
            if counts is not None:
                counts[match.actor_id] = counts.get(match.actor_id, 0) + 1
            yield {
                "event_id": event.id, "actor_id": match.actor_id, "role": match.role,
                "source_id": mention.source_id, "start_offset": match.start, "end_offset": match.end,
                "matched_text": match.matched, "match_count": count,
                "actor_type": actors[match.actor_id].type if match.actor_id in actors else None,
                "role_evidence": match.role_evidence, "link_method": match.method,
                "link_evidence": match.evidence, "via_actor_id": match.via,
            }


def unmatched_rows(rows: list[UnmatchedName]) -> Iterable[dict]:
    for row in rows:
        yield {
            "name": row.name, "kind": row.kind, "reason": row.reason,
            "candidates": json.dumps(row.candidates) if row.candidates else None,
            "event_count": row.event_count, "count": row.count, "example_event_id": row.example_event,
            "example_source_id": row.example_source, "example_line": row.example_line,
            "example_excerpt": row.example_excerpt,
        }


def actor_rows(actors: dict[str, Actor], counts: dict[str, int]) -> Iterable[dict]:
    # States first so that a person's `country` foreign key points at an existing row.
    for actor in sorted(actors.values(), key=lambda a: (a.type != "state", a.id)):
        yield {
            "id": actor.id, "name": actor.name, "type": actor.type, "country": actor.country,
            "titles": json.dumps(actor.titles, ensure_ascii=False) if actor.titles else None,
            "aliases": json.dumps(actor.aliases, ensure_ascii=False), "wikidata": actor.wikidata,
            "event_count": counts.get(actor.id, 0), "notes": actor.notes,
            "short_names": json.dumps(actor.short_names, ensure_ascii=False) if actor.short_names else None,
            "cues": json.dumps(actor.cues, ensure_ascii=False) if actor.cues else None,
            "iso3": actor.iso3,
        }


def write_rows(db: sqlite_utils.Database, data: BuildData) -> None:
    """Insert every row in one transaction, in a stable order."""
    events = write_order(data.events)
    event_counts: dict[str, int] = {}
    for event in events:
        for source_id in {m.source_id for m in event.mentions}:
            event_counts[source_id] = event_counts.get(source_id, 0) + 1
    actor_counts: dict[str, int] = {}  # events per actor, counted as the event_actors rows are written
    with db.conn:
        # A source the build stored as it read it (SourceStore: no text here) takes its event count now.
        insert_rows(db, "sources", source_rows([d for d in data.documents if d.text is not None], event_counts))
        db.conn.executemany("update sources set event_count = ? where id = ?",
                            [(event_counts[d.info.id], d.info.id) for d in data.documents
                             if d.text is None and d.info.id in event_counts])
        insert_rows(db, "actors", actor_rows(data.actors, {}))  # each event_count set once its event_actors rows are
        described = Described(db)  # each event's places and taxonomy, asked for as its row is written
        insert_rows(db, "cameo_roots", cameo_root_rows(data.taxonomy))
        aside = data.date_evidence
        insert_rows(db, "events", described.rows(event_rows(events, aside.of(events) if aside else None), events,
                                                 data.describe))
        described.count_roots()
        staged = data.staged or stage_event_rows(db, events, data.links, data.candidates, data.dates)
        fills = aside.FILLS if aside else {}
        for table in EVENT_ROWS:
            staged[table].write(db, fills.get(table))
        data.statements.write(db, fills.get("statements"))
        insert_rows(db, "event_actors", event_actor_rows(events, data.actors, actor_counts))  # streamed, never held
        db.conn.executemany("update actors set event_count = ? where id = ?",
                            [(count, actor_id) for actor_id, count in actor_counts.items()])
        insert_rows(db, "unmatched_names", unmatched_rows(data.unmatched))
        write_site_rows(db, data, described)
        insert_rows(db, "build_problems", ({"file": p.file, "line": p.line, "severity": p.severity,
                                            "message": p.message} for p in data.problems))


class Staged:
    """Rows of one table made before the rows they refer to exist (foreign keys are on): written as they
    come, in batches, into a temporary table of its columns in the database being built, and moved into
    the table, in `order`, by `write`; only a count is held. Without that database (`db` None: validate,
    or a build that writes elsewhere) the rows are held until `write` stages them in the database it is given."""

    BATCH = 1000  # rows gathered before they go to the temporary table in one insert (5,000 held 4 MB more)

    def __init__(self, db: Optional[sqlite_utils.Database], table: str, order: str = "rowid"):
        self.db, self.table, self.order = None, table, order
        self.count = 0
        self._pending: list[dict] = []
        self._columns = ", ".join(f"[{c.name}]" for c in TABLE_OF[table].columns)
        if db is not None:
            self._stage_in(db)

    def _stage_in(self, db: sqlite_utils.Database) -> None:
        db.conn.execute(f"create temp table [_{self.table}] ({self._columns})")
        self.db = db

    def add(self, row: dict) -> None:
        self._pending.append(row)
        self.count += 1
        if self.db is not None and len(self._pending) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        insert_rows(self.db, self.table, self._pending, into=f"temp.[_{self.table}]")
        self._pending = []

    def write(self, db: sqlite_utils.Database, fills: Optional[dict[str, str]] = None) -> None:
        """The rows into their table in `db`, in `order`. `fills`: column -> the SQL that gives its value,
        over the staged row `s` (DateEvidence.FILLS: evidence set aside, read back where a row has none)."""
        if self.db is not db:
            self._stage_in(db)
        self._flush()
        values = ", ".join((fills or {}).get(c.name, f"s.[{c.name}]") for c in TABLE_OF[self.table].columns)
        db.conn.execute(f"insert into [{self.table}] ({self._columns}) select {values} "
                        f"from temp.[_{self.table}] s order by {self.order}")
        db.conn.execute(f"drop table temp.[_{self.table}]")


class Described:
    """The events' places and taxonomy as the event rows are written: each event's place links are staged
    (the event_places rows, in event id order, go in once the places table is written), and only counts
    are held: events per CAMEO root and per place."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.root_counts: dict[str, int] = {}
        self.place_counts: dict[str, int] = {}
        self.place_links = Staged(db, "event_places", order="event_id, place_id")

    def rows(self, rows: Iterable[dict], events: list[Event], describe: Optional[Callable]) -> Iterable[dict]:
        """Event rows (made from `events`, in their order) with their taxonomy and place count."""
        for row, event in zip(rows, events, strict=True):
            found = describe(event) if describe is not None else EventDescription()
            classes = found.classification
            if classes.cameo_root:
                self.root_counts[classes.cameo_root] = self.root_counts.get(classes.cameo_root, 0) + 1
            for link in found.place_links:
                self.place_counts[link.place_id] = self.place_counts.get(link.place_id, 0) + 1
                self.place_links.add(place_link_row(link))
            yield {**row, "cameo_root": classes.cameo_root, "format": classes.format, "forum": classes.forum,
                   "taxonomy_evidence": classes.evidence_text, "place_count": len(found.place_links)}

    def count_roots(self) -> None:
        self.db.conn.executemany("update cameo_roots set event_count = ? where code = ?",
                                 [(count, code) for code, count in self.root_counts.items()])

    def write_event_places(self) -> None:
        """The staged links as event_places rows, in (event id, place id) order: the places exist now."""
        self.place_links.write(self.db)


def cameo_root_rows(taxonomy: Optional[Taxonomy]) -> Iterable[dict]:
    """The roots, each with no event yet: `Described.count_roots` counts them once the events are written."""
    for code, root in sorted((taxonomy.roots if taxonomy else {}).items()):
        yield {"code": code, "label": root["label"], "description": root.get("description"), "event_count": 0}


def place_link_row(link: PlaceLink) -> dict:
    return {"event_id": link.event_id, "place_id": link.place_id, "source_id": link.source_id,
            "start_offset": link.start_offset, "end_offset": link.end_offset, "matched_text": link.matched_text,
            "match_count": link.match_count, "method": link.method, "evidence": link.evidence, "route": link.route}


def write_site_rows(db: sqlite_utils.Database, data: BuildData, described: Described) -> None:
    """Places and their links, the countries taking part in each event, and the embedded metadata."""
    places = data.gazetteer.places.values() if data.gazetteer else []
    counts = described.place_counts
    insert_rows(db, "places", (
        {"id": p.id, "name": p.name, "country": p.country, "latitude": p.latitude, "longitude": p.longitude,
         "precision": p.precision, "aliases": json.dumps(p.aliases, ensure_ascii=False), "evidence": p.evidence,
         "event_count": counts.get(p.id, 0), "route": p.route}
        for p in sorted(places, key=lambda p: p.id)
    ))
    described.write_event_places()
    # By event (SQLite sorts on disk past its cache): event_countries holds one event's countries at a time.
    written = db.conn.execute("select event_id, actor_id, role from event_actors order by event_id, rowid")
    participants = ({"event_id": event_id, "actor_id": actor_id, "role": role} for event_id, actor_id, role in written)
    insert_rows(db, "event_countries", event_countries(participants, data.actors))
    if data.metadata is not None:
        insert_rows(db, "_metadata", [{"key": "metadata",
                                       "value": json.dumps(data.metadata, ensure_ascii=False, sort_keys=True)}])


class TemporaryDatabase:
    """The database being built: a temporary file beside `path`, with every table created, renamed into
    place by `finish` only when complete. Rows go in as soon as they are final (`SourceStore` writes each
    source as it is read), so what the build holds in memory is what a later stage still needs."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(handle)
        self.temporary = Path(temporary)
        try:
            self.db = sqlite_utils.Database(temporary)
            self.db.conn.execute("pragma foreign_keys = on")
            # A temporary file nobody reads until it is complete: a failed build deletes it, so a rollback
            # journal and a sync per cache spill buy nothing. One fsync in `finish` makes the result durable.
            self.db.conn.execute("pragma journal_mode = off")
            self.db.conn.execute("pragma synchronous = off")
            for table in TABLES:
                create_table(self.db, table)
        except BaseException:
            self.discard()
            raise

    def finish(self, data: BuildData, timings: Optional[Timings] = None) -> None:
        """The rest of the rows, then indexes, full-text search and aggregates; rename into place."""
        timings = timings or Timings()
        db = self.db
        with timings.stage("write"):
            write_rows(db, data)
        ensure_db_shape(db, timings)
        write_aggregates(db.conn, timings)  # loader/aggregates.py: what canned queries read
        db.conn.execute(f"pragma user_version = {SCHEMA_VERSION}")
        db.conn.execute(f"pragma application_id = {APPLICATION_ID}")
        db.close()
        with open(self.temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(self.temporary, _mode_for(self.path))  # mkstemp made it 0600
        os.replace(self.temporary, self.path)

    def discard(self) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            db.close()
        self.temporary.unlink(missing_ok=True)


@contextmanager
def temporary_database(path: Path) -> Iterator[TemporaryDatabase]:
    """A TemporaryDatabase for `path`, deleted when the block fails or is interrupted (an existing
    database at `path` is then left as it was)."""
    building = TemporaryDatabase(path)
    try:
        yield building
    except BaseException:
        building.discard()
        raise


def write_database(path: Path, data: BuildData, timings: Optional[Timings] = None) -> None:
    """Build the whole database from `data` in a temporary file beside `path`, then rename it into place."""
    with temporary_database(path) as building:
        building.finish(data, timings)


class SourceStore:
    """Where the build keeps each document's text once it is read: in memory (`database` None: validate
    and the commands that only report), or as the document's `sources` row in the database being built,
    written at once; the Document then carries no text (None) and a later stage reads it back by id.
    Its mentions then hold no excerpt either (`hold_excerpts`): each is read back as `text[start:end]`."""

    CACHED = 32  # texts read back and kept, the most recently used: stages go document by document or by date

    def __init__(self, database: Optional[TemporaryDatabase] = None):
        self.db = database.db if database is not None else None
        self.texts: dict[str, str] = {}  # in memory: every text; with a database: the CACHED last read
        # Where the build may keep other temporary files: beside the database being built; None in memory.
        self.directory = database.temporary.parent if database is not None else None
        self.packed = PackedActors()  # the actor matches of the mentions held here (`hold_excerpts`)
        self.speaking: list[str] = []  # the documents whose statements are kept here (`keep_drafts`), in order
        self._drafts: dict[str, array] = {}  # in memory: those statements

    def add(self, document: Document) -> None:
        if self.db is None:
            self.texts[document.info.id] = document.text
            return
        insert_rows(self.db, "sources", source_rows([document], {}))
        document.text = None

    def get(self, source_id: str) -> Optional[str]:
        if self.db is None:
            return self.texts.get(source_id)
        text = self.texts.pop(source_id, None)  # popped and put back: the dict's order is the order of use
        if text is None:
            row = self.db.conn.execute("select text from sources where id = ?", (source_id,)).fetchone()
            if row is None:
                return None
            text = row[0]
            if len(self.texts) >= self.CACHED:
                del self.texts[next(iter(self.texts))]
        self.texts[source_id] = text
        return text

    def keep_drafts(self, source_id: str, drafts: array) -> None:
        """A document's statements as its reading found them (enrich.statements.DRAFT ints each), kept to
        the statements stage: with a database, in a temporary table of it (some 15 MB at a million reports,
        held from the documents' reading through the links otherwise); none kept for a document that
        quotes no one (most)."""
        if not drafts:
            return
        self.speaking.append(source_id)
        if self.db is None:
            self._drafts[source_id] = drafts
            return
        if len(self.speaking) == 1:
            self.db.conn.execute("create temp table _drafts (source_id text primary key, typecode text, drafts blob)")
        self.db.conn.execute("insert into temp._drafts values (?, ?, ?)", (source_id, drafts.typecode, drafts.tobytes()))

    def drafts(self, source_id: str) -> array:
        """What `keep_drafts` kept for the document (an empty array when nothing was)."""
        if self.db is None or not self.speaking:  # in memory, or no table: no document quoted anyone
            return self._drafts.get(source_id, array("q"))
        row = self.db.conn.execute("select typecode, drafts from temp._drafts where source_id = ?", (source_id,)).fetchone()
        if row is None:
            return array("q")
        found = array(row[0])
        found.frombytes(row[1])
        return found

    def excerpt(self, source_id: str, start: int, end: int) -> str:
        return self.get(source_id)[start:end]

    def hold_excerpts(self, mentions: Iterable[Mention]) -> None:
        """From now on these mentions (of documents added here) read their excerpts from the texts kept here,
        and their actor matches from the numbers packed here (model.StoredMention), through their document's
        record (`HeldDocument`): each one whose excerpt is its text at its offsets, as the parsers promise
        (model.py); one that is not keeps its own string and matches, so what is written never changes.
        Nothing changes a mention's actors after this."""
        by_source: dict[str, list[Mention]] = {}
        for mention in mentions:
            by_source.setdefault(mention.source_id, []).append(mention)
        for source_id, found in by_source.items():
            text = self.get(source_id)
            if text is None:
                continue
            positions = [m.position for m in found]
            held = HeldDocument(self, min(positions), max(positions))
            for mention in found:
                if text[mention.start:mention.end] == mention.excerpt:
                    StoredMention.hold(mention, held)


class HeldDocument:
    """One document's mentions as a `SourceStore` holds them (`hold_excerpts`): where their excerpts are read
    from, and the handle of each one's actor matches among the store's numbers (`spill.PackedActors`), by
    position. Both slots of each of its held mentions point here (model.StoredMention): a handle of its own
    in each mention was an int object of 32 bytes, here it is 8 bytes of an array."""

    __slots__ = ("store", "first", "handles")

    def __init__(self, store: SourceStore, first: int, last: int):
        self.store, self.first = store, first  # the positions of its mentions, first to last
        self.handles = array("q", [-1]) * (last - first + 1)  # -1: no matches held here for that position

    def excerpt(self, source_id: str, start: int, end: int) -> str:
        return self.store.excerpt(source_id, start, end)

    def pack(self, position: int, matches: Sequence[ActorMatch]) -> bool:
        """Hold the matches of the mention at `position` as numbers, when they can be (`PackedActors.pack`)
        and no other mention of that position has its matches here: False, and the mention keeps them."""
        at = position - self.first
        if self.handles[at] >= 0:
            return False
        handle = self.store.packed.pack(matches)
        if type(handle) is not int:
            return False
        self.handles[at] = handle
        return True

    def actors_at(self, position: int) -> tuple[ActorMatch, ...]:
        """The matches `pack` held for `position`, made again."""
        return self.store.packed.matches(self.handles[position - self.first])


def _mode_for(path: Path) -> int:
    """The permission bits the database keeps: an existing file's own, else a new file's (0666 less the
    umask: 0644 under the usual 022), so a server running as another user can still read a rebuilt file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
