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


def events_from_mentions(mentions: list[Mention]) -> list[Event]:
    events, seen = [], {}
    for mention in mentions:
        key = (mention.source_id, mention.excerpt)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        events.append(
            Event(
                id=event_id(mention, occurrence),
                summary=summarize(mention),
                description=mention.excerpt,
                date=mention.date,
                mentions=[mention],
                categories=list(mention.categories),
            )
        )
    return events
