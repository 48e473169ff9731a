"""Write: the one module that owns the database schema and touches SQLite.

`write_database` builds into a temporary file next to the target and renames it into place only when
complete, so a failed or killed build leaves an existing database untouched. Rows are inserted first;
indexes, full-text search and views are made last by `ensure_db_shape`.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import sqlite_utils

from .enrich.actors import Actor
from .enrich.dates import month_of, own_bounds
from .enrich.link import PairScore
from .enrich.places import Gazetteer, PlaceLink
from .enrich.statements import Statement
from .enrich.names import UnmatchedName
from .enrich.roles import STRENGTH
from .enrich.taxonomy import Classification, Taxonomy
from .model import Document, Event, Problem
from .timings import Timings

SCHEMA_VERSION = 1
APPLICATION_ID = 0x43524576  # "CREv": marks a file this loader wrote, the only kind a build replaces

TABLES = {
    "sources": (
        {
            "id": str, "title": str, "publisher": str, "author": str, "url": str, "published": str,
            "coverage_start": str, "coverage_end": str, "format": str, "file": str, "sha256": str,
            "registered": int, "event_count": int, "rights": str, "notes": str, "text": str,
        },
        {"pk": "id"},
    ),
    # The CAMEO root codes (curated/taxonomy.yml): events.cameo_root points here, so facets show labels.
    "cameo_roots": (
        {"code": str, "label": str, "description": str, "event_count": int},
        {"pk": "code"},
    ),
    "events": (
        {
            "id": str, "summary": str, "date_earliest": str, "date_latest": str, "date_end": str,
            "date_precision": str, "date_method": str, "date_evidence": str, "date_conflict": int, "month": str,
            "category": str, "categories": str, "source_count": int, "first_source": str,
            "first_position": int, "description": str,
            # The site issue: taxonomy (curated/taxonomy.yml) and places (curated/places.yml).
            "cameo_root": str, "format": str, "forum": str, "taxonomy_evidence": str, "place_count": int,
            # How the summary was made from the excerpt (loader/enrich/events.py): excerpt or derived.
            "summary_method": str, "summary_evidence": str,
        },
        {"pk": "id", "foreign_keys": [("first_source", "sources", "id"), ("cameo_root", "cameo_roots", "code")]},
    ),
    "actors": (
        {"id": str, "name": str, "type": str, "country": str, "titles": str, "aliases": str,
         "wikidata": str, "event_count": int, "notes": str, "short_names": str, "cues": str, "iso3": str},
        {"pk": "id", "foreign_keys": [("country", "actors", "id")]},
    ),
    "event_sources": (
        {
            "event_id": str, "source_id": str, "position": int, "excerpt": str, "start_offset": int,
            "end_offset": int, "line": int, "reported_date": str, "reported_earliest": str,
            "reported_latest": str, "link_method": str, "link_score": float,
            # A back-reference (a dated earlier event read inside an entry): the position of that entry.
            "reference_of": int,
            # The report's own bounds before any cross-source hull (enrich.dates.own_bounds): what its
            # document (with curation) gives it, and how.
            "own_earliest": str, "own_latest": str, "own_end": str, "own_method": str, "own_evidence": str, "own_role": str,
        },
        {"pk": ("source_id", "position"),
         "foreign_keys": [("event_id", "events", "id"), ("source_id", "sources", "id")]},
    ),
    "event_actors": (
        {"event_id": str, "actor_id": str, "role": str, "source_id": str, "start_offset": int,
         "end_offset": int, "matched_text": str, "match_count": int, "actor_type": str, "role_evidence": str,
         "link_method": str, "link_evidence": str, "via_actor_id": str},
        {"pk": ("event_id", "actor_id"),
         "foreign_keys": [("event_id", "events", "id"), ("actor_id", "actors", "id"), ("source_id", "sources", "id"),
                          ("via_actor_id", "actors", "id")]},
    ),
    "unmatched_names": (
        {"name": str, "kind": str, "reason": str, "candidates": str, "event_count": int, "count": int,
         "example_event_id": str, "example_source_id": str, "example_line": int, "example_excerpt": str},
        {"pk": ("name", "kind"),
         "foreign_keys": [("example_event_id", "events", "id"), ("example_source_id", "sources", "id")]},
    ),
    "event_links": (
        {"id": int, "event_id": str, "source_a": str, "position_a": int, "source_b": str, "position_b": int,
         "method": str, "score": float, "text_score": float, "date_score": float, "actor_score": float,
         "kind_score": float, "reason": str, "place_score": float, "names_score": float},
        {"pk": "id", "foreign_keys": [("event_id", "events", "id"), ("source_a", "sources", "id"),
                                     ("source_b", "sources", "id")]},
    ),
    "link_candidates": (
        {"id": int, "source_a": str, "position_a": int, "event_a": str, "excerpt_a": str,
         "source_b": str, "position_b": int, "event_b": str, "excerpt_b": str, "score": float,
         "text_score": float, "date_score": float, "actor_score": float, "kind_score": float, "reason": str,
         "place_score": float, "names_score": float},
        {"pk": "id", "foreign_keys": [("source_a", "sources", "id"), ("source_b", "sources", "id"),
                                     ("event_a", "events", "id"), ("event_b", "events", "id")]},
    ),
    "statements": (
        {"id": str, "source_id": str, "position": int, "speaker_id": str, "speaker_text": str, "kind": str,
         "text": str, "date_earliest": str, "date_latest": str, "date_method": str, "date_evidence": str,
         "event_id": str, "start_offset": int, "end_offset": int, "line": int},
        {"pk": "id", "foreign_keys": [("source_id", "sources", "id"), ("speaker_id", "actors", "id"),
                                     ("event_id", "events", "id")]},
    ),
    "build_problems": (
        {"id": int, "file": str, "line": int, "severity": str, "message": str},
        {"pk": "id"},
    ),
    "places": (
        {"id": str, "name": str, "country": str, "latitude": float, "longitude": float, "precision": str,
         "aliases": str, "evidence": str, "event_count": int, "route": str},
        {"pk": "id"},
    ),
    "event_places": (
        {"event_id": str, "place_id": str, "source_id": str, "start_offset": int, "end_offset": int,
         "matched_text": str, "match_count": int, "method": str, "evidence": str, "route": str},
        {"pk": ("event_id", "place_id"),
         "foreign_keys": [("event_id", "events", "id"), ("place_id", "places", "id"), ("source_id", "sources", "id")]},
    ),
    # States taking part in an event: a state actor itself, or the country of a person or body.
    "event_countries": (
        {"event_id": str, "country_id": str, "via": str},
        {"pk": ("event_id", "country_id"),
         "foreign_keys": [("event_id", "events", "id"), ("country_id", "actors", "id")]},
    ),
    # metadata.yml as JSON, so that `datasette serve events.db` describes itself (loader/site plugin).
    "_metadata": (
        {"key": str, "value": str},
        {"pk": "key"},
    ),
}

NOT_NULL = {
    "sources": {"file", "sha256", "text", "format"},
    "events": {"summary", "date_method"},
    "event_sources": {"excerpt", "start_offset", "end_offset"},
    "actors": {"name", "type"},
}

INDEXES = {
    # (date_earliest, id): Datasette 0.65 pages the events table (sorted by date_earliest) with an `id`
    # tie-break on later pages but not on the first, so ties must come out in id order: this index
    # gives them that order and serves date range queries too.
    "events": [["date_earliest", "id"], ["date_latest"], ["month"], ["category"], ["date_method"], ["date_conflict"],
               ["date_precision"], ["source_count"], ["first_source"]],
    "event_sources": [["event_id"]],
    "event_links": [["event_id"]],
    "link_candidates": [["score"]],
    "statements": [["speaker_id"], ["event_id"], ["source_id"], ["date_earliest", "date_latest"]],
    "event_actors": [["actor_id", "role"], ["role"], ["actor_type", "actor_id"], ["link_method"]],
    "actors": [["type"], ["country"], ["name"]],
    "unmatched_names": [["kind"]],
    "event_places": [["place_id"]],
    "event_countries": [["country_id"]],
}
# Behind the site's facets (metadata.yml): one index per faceted column.
INDEXES["events"] += [["cameo_root"], ["format"], ["forum"], ["place_count"]]
INDEXES["event_sources"] += [["link_method"]]
INDEXES["event_links"] += [["method"]]
INDEXES["statements"] += [["kind"]]
INDEXES["event_places"] += [["method"]]

FTS = {
    "events": ["summary", "description"],
    "sources": ["title", "text"],
    "statements": ["text", "speaker_text"],
}

VIEWS = {
    "timeline": """
        select
          events.date_earliest,
          events.date_latest,
          events.date_end,
          events.date_precision,
          events.category,
          events.summary,
          (select group_concat(source_id, ', ') from
             (select distinct source_id from event_sources where event_sources.event_id = events.id order by source_id)
          ) as sources,
          events.id as event_id
        from events
        order by events.date_earliest, events.date_latest, events.first_source, events.first_position
    """,
    # The map: datasette-cluster-map draws rows with latitude/longitude and shows `popup` on a click.
    # The popup's link is relative ("events/<id>"), so it works whatever the database is called.
    "event_map": """
        select
          events.id as event_id,
          events.date_earliest,
          events.date_latest,
          events.summary,
          events.cameo_root,
          events.cameo_root || ' ' || cameo_roots.label as kind,
          events.forum,
          places.name as place,
          places.precision,
          places.latitude,
          places.longitude,
          json_object(
            'title', places.name || ' · ' || case when events.date_earliest = events.date_latest
                       then events.date_earliest
                       else coalesce(events.date_earliest, '?') || ' to ' || coalesce(events.date_latest, '?') end,
            'description', events.summary,
            'link', 'events/' || events.id
          ) as popup
        from event_places
        join events on events.id = event_places.event_id
        join places on places.id = event_places.place_id
        left join cameo_roots on cameo_roots.code = events.cameo_root
        order by events.date_earliest, events.id, places.name
    """,
}


@dataclass
class BuildData:
    """Everything the write stage needs, produced by the pure stages."""

    documents: list[Document]
    events: list[Event]
    actors: dict[str, Actor]
    problems: list[Problem] = field(default_factory=list)
    links: list[PairScore] = field(default_factory=list)
    candidates: list[PairScore] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    dates: list = field(default_factory=list)  # enrich.dates.DocumentDates per document, for `loader dates`
    unmatched: list[UnmatchedName] = field(default_factory=list)
    taxonomy: Optional[Taxonomy] = None
    classes: dict[str, Classification] = field(default_factory=dict)  # event id -> taxonomy
    gazetteer: Optional[Gazetteer] = None
    place_links: list[PlaceLink] = field(default_factory=list)
    metadata: Optional[dict] = None  # metadata.yml, embedded in the _metadata table


def ensure_db_shape(db: sqlite_utils.Database, timings: Optional[Timings] = None) -> None:
    """Create tables (if missing), then indexes, full-text search and views: the one place for all of it."""
    timings = timings or Timings()
    for name, (columns, options) in TABLES.items():
        if not db[name].exists():
            db[name].create(columns, not_null=NOT_NULL.get(name), **options)
    with timings.stage("indexes"):
        for name, indexes in INDEXES.items():
            for columns in indexes:
                db[name].create_index(columns, if_not_exists=True)
    with timings.stage("fts"):
        for name, columns in FTS.items():
            if not db[f"{name}_fts"].exists():
                db[name].enable_fts(columns, fts_version="FTS5", tokenize="porter", create_triggers=False)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)


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


def event_rows(events: list[Event]) -> Iterable[dict]:
    for event in events:
        first = event.mentions[0]
        yield {
            "id": event.id, "summary": event.summary, "date_earliest": event.date.earliest,
            "date_latest": event.date.latest, "date_end": event.date.end,
            "date_precision": event.date.precision, "date_method": event.date.method,
            "date_evidence": event.date.evidence, "date_conflict": int(event.date.conflict),
            "month": month_of(event.date),
            "category": event.category,
            "categories": json.dumps(event.categories) if event.categories else None,
            "source_count": len({m.source_id for m in event.mentions}),
            "first_source": first.source_id, "first_position": first.position,
            "description": event.description,
            "summary_method": event.summary_method, "summary_evidence": event.summary_evidence,
        }


def mention_rows(events: list[Event], links: list[PairScore], own: Optional[dict] = None) -> Iterable[dict]:
    """One row per report. `own`: (source id, position) -> the report's own bounds and role
    (enrich.dates.own_bounds); a report it lacks (data without the dating stage's documents) keeps the
    bounds its document gave it."""
    own = own or {}
    joined: dict[tuple, PairScore] = {}  # mention -> the strongest link that joined it to its event
    for pair in sorted(links, key=lambda p: (p.method != "curated", -p.score)):
        for mention in (pair.a, pair.b):
            joined.setdefault(mention.key, pair)
    for event in events:
        for index, m in enumerate(event.mentions):
            pair = joined.get(m.key) if index else None
            yield {
                "event_id": event.id, "source_id": m.source_id, "position": m.position, "excerpt": m.excerpt,
                "start_offset": m.start, "end_offset": m.end, "line": m.line, "reported_date": m.reported_date,
                "reported_earliest": m.date.earliest if m.date and m.reported_date else None,
                "reported_latest": m.date.latest if m.date and m.reported_date else None,
                "link_method": (pair.method if pair else "joined") if index else "first",
                "link_score": pair.score if pair else None,
                "reference_of": m.reference_of,
                **own_columns(*(own.get(m.key) or (m.date, "start"))),
            }


def own_columns(date, role: str) -> dict:
    if date is None:
        return {"own_earliest": None, "own_latest": None, "own_end": None, "own_method": None, "own_evidence": None,
                "own_role": None}
    return {"own_earliest": date.earliest, "own_latest": date.latest, "own_end": date.end,
            "own_method": date.method, "own_evidence": date.evidence, "own_role": role}


def statement_rows(statements: list[Statement]) -> Iterable[dict]:
    for st in statements:
        key = f"{st.source_id}\n{st.start}\n{st.text}"
        yield {
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


def link_rows(links: list[PairScore], event_of: dict[tuple, str]) -> Iterable[dict]:
    for pair in sorted(links, key=lambda p: (event_of[p.a.key], p.a.key, p.b.key)):
        yield {"event_id": event_of[pair.a.key], "source_a": pair.a.source_id, "position_a": pair.a.position,
               "source_b": pair.b.source_id, "position_b": pair.b.position, "method": pair.method,
               **_features(pair)}


def candidate_rows(candidates: list[PairScore], event_of: dict[tuple, str]) -> Iterable[dict]:
    for pair in sorted(candidates, key=lambda p: (-p.score, p.a.key, p.b.key)):
        yield {"source_a": pair.a.source_id, "position_a": pair.a.position, "event_a": event_of[pair.a.key],
               "excerpt_a": pair.a.excerpt, "source_b": pair.b.source_id, "position_b": pair.b.position,
               "event_b": event_of[pair.b.key], "excerpt_b": pair.b.excerpt, **_features(pair)}


def event_actor_rows(events: list[Event], actors: dict[str, Actor]) -> Iterable[dict]:
    """One row per actor of an event. Of the actor's links (each name in each excerpt, and the
    countries implied by persons and bodies), the row keeps the strongest role; at equal role, a
    name in the text before an implied link, then the first in the text."""
    for event in events:
        best: dict[str, tuple] = {}
        counts: dict[str, int] = {}
        for order, (mention, match) in enumerate(event.actors):
            if match.method != "country-of":
                counts[match.actor_id] = counts.get(match.actor_id, 0) + 1
            key = (STRENGTH.get(match.role, len(STRENGTH)), match.method == "country-of", order)
            if match.actor_id not in best or key < best[match.actor_id][0]:
                best[match.actor_id] = (key, mention, match)
        for actor_id, (_, mention, match) in sorted(best.items(), key=lambda item: item[1][0][2]):
            yield {
                "event_id": event.id, "actor_id": actor_id, "role": match.role,
                "source_id": mention.source_id, "start_offset": match.start, "end_offset": match.end,
                "matched_text": match.matched, "match_count": counts.get(actor_id, 0),
                "actor_type": actors[actor_id].type if actor_id in actors else None,
                "role_evidence": match.role_evidence, "link_method": match.method,
                "link_evidence": match.evidence, "via_actor_id": match.via,
            }


def unmatched_rows(rows: list[UnmatchedName]) -> Iterable[dict]:
    for row in rows:
        yield {
            "name": row.name, "kind": row.kind, "reason": row.reason,
            "candidates": json.dumps(row.candidates) if row.candidates else None,
            "event_count": len(row.events), "count": row.count, "example_event_id": row.example_event,
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
    events = sorted(data.events, key=lambda e: (e.date.earliest or "9999", e.date.latest or "9999",
                                                e.mentions[0].source_id, e.mentions[0].position))
    event_counts: dict[str, int] = {}
    for event in events:
        for source_id in {m.source_id for m in event.mentions}:
            event_counts[source_id] = event_counts.get(source_id, 0) + 1
    links = list(event_actor_rows(events, data.actors))
    actor_counts: dict[str, int] = {}
    for link in links:
        actor_counts[link["actor_id"]] = actor_counts.get(link["actor_id"], 0) + 1
    with db.conn:
        db["sources"].insert_all(source_rows(data.documents, event_counts))
        db["actors"].insert_all(actor_rows(data.actors, actor_counts))
        db["cameo_roots"].insert_all(cameo_root_rows(data))
        db["events"].insert_all(with_site_columns(event_rows(events), data))
        event_of = {m.key: e.id for e in events for m in e.mentions}
        db["event_sources"].insert_all(mention_rows(events, data.links, own_bounds(events, data.dates)))
        db["event_links"].insert_all(link_rows(data.links, event_of))
        db["link_candidates"].insert_all(candidate_rows(data.candidates, event_of))
        db["statements"].insert_all(statement_rows(data.statements))
        db["event_actors"].insert_all(links)
        db["unmatched_names"].insert_all(unmatched_rows(data.unmatched))
        write_site_rows(db, data)
        db["build_problems"].insert_all(
            {"file": p.file, "line": p.line, "severity": p.severity, "message": p.message} for p in data.problems
        )


def cameo_root_rows(data: BuildData) -> Iterable[dict]:
    counts: dict[str, int] = {}
    for found in data.classes.values():
        if found.cameo_root:
            counts[found.cameo_root] = counts.get(found.cameo_root, 0) + 1
    for code, root in sorted((data.taxonomy.roots if data.taxonomy else {}).items()):
        yield {"code": code, "label": root["label"], "description": root.get("description"),
               "event_count": counts.get(code, 0)}


def with_site_columns(rows: Iterable[dict], data: BuildData) -> Iterable[dict]:
    """Event rows with their taxonomy and place count."""
    places: dict[str, int] = {}
    for link in data.place_links:
        places[link.event_id] = places.get(link.event_id, 0) + 1
    for row in rows:
        found = data.classes.get(row["id"]) or Classification()
        yield {**row, "cameo_root": found.cameo_root, "format": found.format, "forum": found.forum,
               "taxonomy_evidence": found.evidence_text, "place_count": places.get(row["id"], 0)}


def write_site_rows(db: sqlite_utils.Database, data: BuildData) -> None:
    """Places and their links, the countries taking part in each event, and the embedded metadata."""
    counts: dict[str, int] = {}
    for link in data.place_links:
        counts[link.place_id] = counts.get(link.place_id, 0) + 1
    places = data.gazetteer.places.values() if data.gazetteer else []
    db["places"].insert_all(
        {"id": p.id, "name": p.name, "country": p.country, "latitude": p.latitude, "longitude": p.longitude,
         "precision": p.precision, "aliases": json.dumps(p.aliases, ensure_ascii=False), "evidence": p.evidence,
         "event_count": counts.get(p.id, 0), "route": p.route}
        for p in sorted(places, key=lambda p: p.id)
    )
    db["event_places"].insert_all(
        {"event_id": link.event_id, "place_id": link.place_id, "source_id": link.source_id,
         "start_offset": link.start_offset, "end_offset": link.end_offset, "matched_text": link.matched_text,
         "match_count": link.match_count, "method": link.method, "evidence": link.evidence, "route": link.route}
        for link in sorted(data.place_links, key=lambda link: (link.event_id, link.place_id))
    )
    db.execute("""
        insert into event_countries (event_id, country_id, via)
        select event_actors.event_id,
               case when actors.type = 'state' then actors.id else actors.country end as country_id,
               group_concat(event_actors.actor_id, ', ') as via
        from (select * from event_actors order by event_id, actor_id) as event_actors
        join actors on actors.id = event_actors.actor_id
        -- Countries take part through participants only: a state or the country of a person or body
        -- that acts in the event, never a medium's country, a place (role location) or a mention.
        where (actors.type = 'state' or (actors.type != 'media' and actors.country is not null))
          and event_actors.role not in ('location', 'mentioned')
        group by 1, 2
        order by 1, 2
    """)
    if data.metadata is not None:
        db["_metadata"].insert({"key": "metadata", "value": json.dumps(data.metadata, ensure_ascii=False, sort_keys=True)})


def write_database(path: Path, data: BuildData, timings: Optional[Timings] = None) -> None:
    """Build the whole database in a temporary file beside `path`, then rename it into place."""
    timings = timings or Timings()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite_utils.Database(temporary)
        db.conn.execute("pragma foreign_keys = on")
        # A temporary file nobody reads until it is complete: a failed build deletes it, so a rollback
        # journal and a sync per cache spill buy nothing. One fsync below makes the result durable.
        db.conn.execute("pragma journal_mode = off")
        db.conn.execute("pragma synchronous = off")
        with timings.stage("write"):
            for name, (columns, options) in TABLES.items():
                db[name].create(columns, not_null=NOT_NULL.get(name), **options)
            write_rows(db, data)
        ensure_db_shape(db, timings)
        db.conn.execute(f"pragma user_version = {SCHEMA_VERSION}")
        db.conn.execute(f"pragma application_id = {APPLICATION_ID}")
        with timings.stage("vacuum"):
            db.conn.execute("vacuum")
        db.close()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(path))  # mkstemp made it 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permission bits the database keeps: an existing file's own, else a new file's (0666 less the
    umask: 0644 under the usual 022), so a server running as another user can still read a rebuilt file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
