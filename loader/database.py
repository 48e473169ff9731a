"""Write: the one module that owns the database schema and touches SQLite.

`write_database` builds into a temporary file next to the target and renames it into place only when
complete, so a failed or killed build leaves an existing database untouched. Rows are inserted first;
indexes, full-text search and views are made last by `ensure_db_shape`.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import sqlite_utils

from .enrich.actors import Actor
from .enrich.dates import month_of
from .enrich.link import PairScore
from .enrich.statements import Statement
from .model import Document, Event, Problem
from .timings import Timings

SCHEMA_VERSION = 1

TABLES = {
    "sources": (
        {
            "id": str, "title": str, "publisher": str, "author": str, "url": str, "published": str,
            "coverage_start": str, "coverage_end": str, "format": str, "file": str, "sha256": str,
            "registered": int, "event_count": int, "rights": str, "notes": str, "text": str,
        },
        {"pk": "id"},
    ),
    "events": (
        {
            "id": str, "summary": str, "date_earliest": str, "date_latest": str, "date_end": str,
            "date_precision": str, "date_method": str, "date_evidence": str, "month": str,
            "date_conflict": int, "category": str, "categories": str, "source_count": int,
            "first_source": str, "first_position": int, "description": str,
        },
        {"pk": "id", "foreign_keys": [("first_source", "sources", "id")]},
    ),
    "actors": (
        {"id": str, "name": str, "type": str, "country": str, "titles": str, "aliases": str,
         "wikidata": str, "event_count": int, "notes": str},
        {"pk": "id", "foreign_keys": [("country", "actors", "id")]},
    ),
    "event_sources": (
        {
            "event_id": str, "source_id": str, "position": int, "excerpt": str, "start_offset": int,
            "end_offset": int, "line": int, "reported_date": str, "reported_earliest": str,
            "reported_latest": str, "link_method": str, "link_score": float,
        },
        {"pk": ("source_id", "position"),
         "foreign_keys": [("event_id", "events", "id"), ("source_id", "sources", "id")]},
    ),
    "event_actors": (
        {"event_id": str, "actor_id": str, "role": str, "source_id": str, "start_offset": int,
         "end_offset": int, "matched_text": str, "match_count": int},
        {"pk": ("event_id", "actor_id"),
         "foreign_keys": [("event_id", "events", "id"), ("actor_id", "actors", "id"), ("source_id", "sources", "id")]},
    ),
    "event_links": (
        {"id": int, "event_id": str, "source_a": str, "position_a": int, "source_b": str, "position_b": int,
         "method": str, "score": float, "text_score": float, "date_score": float, "actor_score": float,
         "kind_score": float, "reason": str},
        {"pk": "id", "foreign_keys": [("event_id", "events", "id"), ("source_a", "sources", "id"),
                                     ("source_b", "sources", "id")]},
    ),
    "link_candidates": (
        {"id": int, "source_a": str, "position_a": int, "event_a": str, "excerpt_a": str,
         "source_b": str, "position_b": int, "event_b": str, "excerpt_b": str, "score": float,
         "text_score": float, "date_score": float, "actor_score": float, "kind_score": float, "reason": str},
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
}

NOT_NULL = {
    "sources": {"file", "sha256", "text", "format"},
    "events": {"summary", "date_method"},
    "event_sources": {"excerpt", "start_offset", "end_offset"},
    "actors": {"name", "type"},
}

INDEXES = {
    "events": [["date_earliest", "date_latest"], ["month"], ["category"], ["date_method"],
               ["date_precision"], ["source_count"], ["first_source"]],
    "event_sources": [["event_id"]],
    "event_links": [["event_id"]],
    "link_candidates": [["score"]],
    "statements": [["speaker_id"], ["event_id"], ["source_id"], ["date_earliest", "date_latest"]],
    "event_actors": [["actor_id"], ["role"]],
    "actors": [["type"], ["country"]],
}

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
            "date_evidence": event.date.evidence, "month": month_of(event.date),
            "date_conflict": int(event.date.conflict),
            "category": event.category,
            "categories": json.dumps(event.categories) if event.categories else None,
            "source_count": len({m.source_id for m in event.mentions}),
            "first_source": first.source_id, "first_position": first.position,
            "description": event.description,
        }


def mention_rows(events: list[Event], links: list[PairScore]) -> Iterable[dict]:
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
            }


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
            "actor_score": pair.actors, "kind_score": pair.kind, "reason": pair.reason}


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


def event_actor_rows(events: list[Event]) -> Iterable[dict]:
    for event in events:
        first: dict[str, dict] = {}
        for mention, match in event.actors:
            row = first.get(match.actor_id)
            if row is None:
                first[match.actor_id] = {
                    "event_id": event.id, "actor_id": match.actor_id, "role": match.role,
                    "source_id": mention.source_id, "start_offset": match.start, "end_offset": match.end,
                    "matched_text": match.matched, "match_count": 1,
                }
            else:
                row["match_count"] += 1
        yield from first.values()


def actor_rows(actors: dict[str, Actor], counts: dict[str, int]) -> Iterable[dict]:
    # States first so that a person's `country` foreign key points at an existing row.
    for actor in sorted(actors.values(), key=lambda a: (a.type != "state", a.id)):
        yield {
            "id": actor.id, "name": actor.name, "type": actor.type, "country": actor.country,
            "titles": json.dumps(actor.titles, ensure_ascii=False) if actor.titles else None,
            "aliases": json.dumps(actor.aliases, ensure_ascii=False), "wikidata": actor.wikidata,
            "event_count": counts.get(actor.id, 0), "notes": actor.notes,
        }


def write_rows(db: sqlite_utils.Database, data: BuildData) -> None:
    """Insert every row in one transaction, in a stable order."""
    events = sorted(data.events, key=lambda e: (e.date.earliest or "9999", e.date.latest or "9999",
                                                e.mentions[0].source_id, e.mentions[0].position))
    event_counts: dict[str, int] = {}
    for event in events:
        for source_id in {m.source_id for m in event.mentions}:
            event_counts[source_id] = event_counts.get(source_id, 0) + 1
    links = list(event_actor_rows(events))
    actor_counts: dict[str, int] = {}
    for link in links:
        actor_counts[link["actor_id"]] = actor_counts.get(link["actor_id"], 0) + 1
    with db.conn:
        db["sources"].insert_all(source_rows(data.documents, event_counts))
        db["actors"].insert_all(actor_rows(data.actors, actor_counts))
        db["events"].insert_all(event_rows(events))
        event_of = {m.key: e.id for e in events for m in e.mentions}
        db["event_sources"].insert_all(mention_rows(events, data.links))
        db["event_links"].insert_all(link_rows(data.links, event_of))
        db["link_candidates"].insert_all(candidate_rows(data.candidates, event_of))
        db["statements"].insert_all(statement_rows(data.statements))
        db["event_actors"].insert_all(links)
        db["build_problems"].insert_all(
            {"file": p.file, "line": p.line, "severity": p.severity, "message": p.message} for p in data.problems
        )


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
        with timings.stage("vacuum"):
            db.conn.execute("vacuum")
        db.close()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
