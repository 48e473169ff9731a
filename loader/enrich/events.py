"""Events: each mention becomes an event with a stable id, a summary and its sources."""
from __future__ import annotations

import hashlib

from ..model import Event, Mention
from ..parse.text import Span, sentences

SUMMARY_LIMIT = 200


def event_id(mention: Mention, occurrence: int = 0) -> str:
    """Stable across builds and across reordering: a hash of the source id and the excerpt."""
    key = f"{mention.source_id}\n{mention.excerpt}\n{occurrence}"
    return "e" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:11]


def summarize(mention: Mention) -> str:
    """The first sentence of the excerpt, without a leading date ("On May 19, 2021, "), shortened."""
    body = mention.excerpt[mention.lead:]
    first = sentences(Span(body, 0, 1))
    text = first[0].text if first else body
    if mention.lead and text:
        text = text[0].upper() + text[1:]
    if len(text) > SUMMARY_LIMIT:
        text = text[:SUMMARY_LIMIT].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


# Which source's excerpt speaks for an event reported by several: the specialist's chronology first.
TRUST = {"chronology": 0, "timeline": 1, "article": 2}


def mention_ids(mentions: list[Mention]) -> dict[tuple[str, int], str]:
    """A stable id per mention; an excerpt repeated in one source is told apart by its occurrence."""
    ids, seen = {}, {}
    for mention in sorted(mentions, key=lambda m: m.key):
        text_key = (mention.source_id, mention.excerpt)
        occurrence = seen.get(text_key, 0)
        seen[text_key] = occurrence + 1
        ids[mention.key] = event_id(mention, occurrence)
    return ids


def events_from_clusters(clusters: list[list[Mention]], formats: dict[str, str]) -> list[Event]:
    """One event per cluster of linked mentions. The most trusted mention gives the id and summary."""
    ids = mention_ids([m for cluster in clusters for m in cluster])
    events = []
    for cluster in clusters:
        ordered = sorted(cluster, key=lambda m: (TRUST.get(formats.get(m.source_id), 9), m.key))
        first = ordered[0]
        categories = list(dict.fromkeys(c for m in ordered for c in m.categories))
        events.append(
            Event(
                id=ids[first.key],
                summary=summarize(first),
                description=first.excerpt,
                date=first.date,  # until enrich.dates.date_events combines the sources' bounds
                mentions=ordered,
                categories=categories,
                actors=[(m, match) for m in ordered for match in m.actors],
            )
        )
    return events


def events_from_mentions(mentions: list[Mention]) -> list[Event]:
    """One event per mention, before any cross-source linking."""
    return events_from_clusters([[mention] for mention in mentions], {})
