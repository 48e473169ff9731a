"""Events: each mention becomes an event with a stable id, a summary and its sources."""
from __future__ import annotations

import hashlib
import re
import sys
from array import array
from dataclasses import dataclass
from operator import attrgetter
from typing import Callable, Generic, Iterable, Optional, TypeVar

from ..model import EVENT_ID_DIGITS, Event, Mention, piece
from ..parse.text import Span, sentences

SUMMARY_LIMIT = 200
T = TypeVar("T")


def event_number(mention: Mention, occurrence: int = 0) -> int:
    """The event's id as a number (`Event.id` writes it out): stable across builds and across reordering,
    the first EVENT_ID_DIGITS hex digits of a hash of the source id and the excerpt."""
    key = f"{mention.source_id}\n{mention.excerpt}\n{occurrence}"
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:EVENT_ID_DIGITS], 16)


def events_at(events: Iterable[T], mentions: Iterable[Mention],
              members: Callable[[T], Iterable[Mention]] = attrgetter("mentions"),
              values: Optional[list] = None) -> dict[str, "EventsByPosition[T]"]:
    """The event of each of `mentions`, by source id and position: for these mentions only, and without a
    key tuple per mention (a stage that needs the events of a few mentions does not hold a map of all).
    `members` gives an event's mentions (by default its `mentions`; the linker's groups are lists).
    `values`, one per event: what is given for a mention instead of its event (the events are then not held)."""
    events = events if isinstance(events, list) else list(events)
    wanted: dict[str, array] = {}
    for mention in mentions:
        wanted.setdefault(mention.source_id, array("i")).append(mention.position)
    given = events if values is None else values
    found = {source: EventsByPosition(given, positions) for source, positions in wanted.items()}
    del wanted
    for index, event in enumerate(events):
        for mention in members(event):
            held = found.get(mention.source_id)
            if held is not None:
                held.hold(mention.position, index)
    return found


class EventsByPosition(Generic[T]):
    """One source's wanted positions and the event of each, as `events_at` finds them: a dict's `[]`,
    `get` and `in`, held as one array over the span of the wanted positions (the index of each one's
    event, WANTED until it is found, NOT_WANTED between them), not a dict entry and an int per mention:
    a stage may want the events of hundreds of thousands of mentions."""

    NOT_WANTED, WANTED = -1, -2
    __slots__ = ("events", "first", "found")

    def __init__(self, events: list[T], positions: array):
        self.events = events
        self.first = min(positions, default=0)
        self.found = array("i", [self.NOT_WANTED]) * (max(positions, default=-1) - self.first + 1)
        for position in positions:
            self.found[position - self.first] = self.WANTED

    def hold(self, position: int, index: int) -> None:
        at = position - self.first
        if 0 <= at < len(self.found) and self.found[at] != self.NOT_WANTED:
            self.found[at] = index

    def _index(self, position: int) -> int:
        """The index of the event at `position`, or a negative number: not wanted, or not found."""
        at = position - self.first
        return self.found[at] if 0 <= at < len(self.found) else self.NOT_WANTED

    def __getitem__(self, position: int) -> T:
        index = self._index(position)
        if index < 0:
            raise KeyError(position)
        return self.events[index]

    def get(self, position: int, default=None):
        index = self._index(position)
        return self.events[index] if index >= 0 else default

    def __contains__(self, position: int) -> bool:
        return self._index(position) >= 0


def summarize(mention: Mention) -> str:
    """The first sentence of the excerpt, without a leading date ("On May 19, 2021, "), shortened."""
    return summary_of(mention).text


@dataclass
class Summary:
    text: str
    method: str  # excerpt: a verbatim piece of the excerpt; derived: built from it by the rules below
    evidence: str  # how, in words


# A clause cut from a longer sentence may open with a coordinating conjunction ("and on December 6
# made ...", "And finally, on the eve of ..."), with a sentence adverb after it.
CONJUNCTION = re.compile(r"(?i:and|but|or|nor|yet)\b(?:\s+(?:[a-z]+ly|then|also|now|again|meanwhile|later),)?[\s,]*")
# An opening quotation mark and the mark that closes it.
QUOTES = {'"': '"', "\u201c": "\u201d", "'": "'", "\u2018": "\u2019", "\u00ab": "\u00bb"}
STRAY = " ,;:\u2013\u2014-"  # punctuation that never opens a summary
WORD = r"[\w\u2019'.-]+"
# Used when the build gives no word lists (curated/words.yml): words that open a noun phrase.
DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "his", "her", "its", "their"}
# Words that open a phrase, not a verb: "On the eve of the summit *of* Vladimir Putin ...".
PREPOSITIONS = {"of", "in", "at", "on", "by", "with", "between", "from", "to", "for", "during", "after", "before",
                "via", "through", "over", "under", "near", "among", "amid", "against", "about", "as", "than", "since"}


def summary_of(mention: Mention, before: Optional[Mention] = None, words=None) -> Summary:
    """The event's summary, and how it was made from the excerpt (never anything the text does not say).

    It starts from the excerpt's first sentence, without a leading date field ("On May 19, 2021, "):
    that alone is the excerpt (method "excerpt"). Then, by rule (method "derived", each step named in
    the evidence):
      - a stray opening quotation mark (one the sentence never closes) is dropped;
      - a leading conjunction ("and", "And finally,") is dropped;
      - a clause with no subject of its own (its date, then a verb: "and on December 6 made a one-day
        visit to Delhi") takes the subject of the clause before it in the same sentence (`before`): the
        words around the actor that clause opens with ("the Russian president"), and its date moves
        after it ("The Russian president made a one-day visit to Delhi on December 6."; when more than
        one phrase follows the verb, the date stays before the verb).
    Finally it is cut at SUMMARY_LIMIT characters, at a word, with "…".
    """
    body = mention.excerpt[mention.lead:]
    first = sentences(Span(body, 0, 1))
    text = first[0].text if first else body
    how = ["the first sentence of the excerpt" if first and len(first) > 1 else "the excerpt"]
    if mention.lead:
        how.append("without its leading date")
    steps = []
    changed = True
    while changed and text:
        changed = False
        if text[0] in QUOTES and QUOTES[text[0]] not in text[1:] or (text[0] == '"' and text.count('"') % 2):
            steps.append(f"dropped the opening quotation mark {text[0]} that the sentence never closes")
            text, changed = text[1:].lstrip(), True
        elif text[0] in STRAY:
            steps.append(f"dropped the leading {text[0]!r}")
            text, changed = text.lstrip(STRAY), True
        elif conjunction := CONJUNCTION.match(text):
            if conjunction.end() < len(text):
                steps.append(f"dropped the leading conjunction '{conjunction.group(0).strip(' ,')}'")
                text, changed = text[conjunction.end():], True
    if steps:
        text, moved = _give_subject(text, mention, before, words, steps)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if len(text) > SUMMARY_LIMIT:
        text = text[:SUMMARY_LIMIT].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"
        (steps or how).append(f"shortened to {SUMMARY_LIMIT} characters")
    if steps:
        return Summary(text, "derived", "From " + ", ".join(how) + ": " + "; ".join(steps))
    return Summary(text, "excerpt", ", ".join(how).capitalize() + ", verbatim")


def _give_subject(text: str, mention: Mention, before: Optional[Mention], words, steps: list[str]) -> tuple[str, bool]:
    """A clause that opens with its date and then a verb borrows its sentence's subject."""
    cue = mention.reported_date
    if not cue or not text.lower().startswith(cue.lower()):
        return text, False
    rest = text[len(cue):].lstrip(" ,")
    head = re.match(WORD, rest)
    determiners = DETERMINERS | set(getattr(words, "determiners", ()) or ())
    if (not head or not head.group(0)[0].islower() or head.group(0).lower() in determiners | PREPOSITIONS
            or any(a.role == "subject" for a in mention.actors)):
        return text, False  # it has its own subject ("last month the Kremlin said ...")
    subject = _subject_of(before, words, determiners) if before else None
    if subject is None:
        steps.append("the clause names no subject and none was found before it")
        return text, False
    phrase, actor_id = subject
    end = rest.rstrip()
    stop = end[-1] if end and end[-1] in ".!?" else "."
    end = end.rstrip(".!?;,: ")
    taken = f"the clause has no subject of its own: it takes its sentence's, '{phrase}' ({actor_id}, the subject of the clause before it)"
    phrase = phrase[0].upper() + phrase[1:]
    if "," in end:  # more than one phrase after the verb: the date stays before it, where it reads right
        steps.append(taken)
        return f"{phrase} {cue} {rest}", True
    steps.append(f"{taken}, and its date '{cue}' moves to the end")
    return f"{phrase} {end} {cue}{stop}", True


def _subject_of(before: Mention, words, determiners: set[str]) -> Optional[tuple[str, str]]:
    """The noun phrase around the actor whose role is subject in `before`: determiners, title words and
    names on either side of the name ("the Russian president", "Russian President Vladimir Putin")."""
    named = [a for a in before.actors if a.role == "subject" and a.method != "country-of"
             and before.start <= a.start < a.end <= before.end]
    if not named:
        return None
    actor = min(named, key=lambda a: (a.start, -a.end))
    titles = set(getattr(words, "titles", ()) or ())
    stop_words = set(getattr(words, "stop_words", ()) or ())
    text = before.excerpt
    start, end = actor.start - before.start, actor.end - before.start

    def name_like(word: str) -> bool:
        return word[0].isupper() and word.lower() not in stop_words

    while (left := re.search(rf"({WORD})[ \t]+$", text[:start])) and (
            left.group(1).lower() in determiners or left.group(1).lower() in titles or name_like(left.group(1))):
        start = left.start(1)
    while (right := re.match(rf"[ \t]+({WORD})", text[end:])) and (
            right.group(1).lower() in titles or name_like(right.group(1))):
        end += right.end(1)
    return text[start:end].rstrip(".,"), actor.actor_id


# Which source's excerpt speaks for an event reported by several: the specialist's chronology first.
TRUST = {"chronology": 0, "timeline": 1, "article": 2}


def repeated_excerpts(mentions: list[Mention]) -> dict[tuple[str, int], int]:
    """For `event_id`, which tells an excerpt repeated in one source apart by its occurrence: the
    occurrence (1, 2, ...) of each mention whose excerpt an earlier mention of its source (by position)
    already has. The first of each excerpt, nearly every mention, is left out (occurrence 0)."""
    by_source: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_source.setdefault(mention.source_id, []).append(mention)
    repeats = {}
    for items in by_source.values():
        seen: dict[str, int] = {}  # one source's excerpts at a time
        for mention in sorted(items, key=attrgetter("position")):
            occurrence = seen.get(mention.excerpt, 0)
            seen[mention.excerpt] = occurrence + 1
            if occurrence:
                repeats[mention.key] = occurrence
    return repeats


def clause_before(mentions: list[Mention], texts) -> dict[tuple[str, int], Mention]:
    """For each mention cut from the same sentence as the mention before it (the text between them is
    only the punctuation the cut removed), that mention."""
    found = {}
    by_source: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_source.setdefault(mention.source_id, []).append(mention)
    for source_id, items in by_source.items():
        text = texts.get(source_id)
        if text is None:
            continue
        items.sort(key=lambda m: (m.start, m.end))
        for previous, mention in zip(items, items[1:]):
            if previous.end <= mention.start and re.fullmatch(r"[ ,;:\u2013\u2014]*", text[previous.end:mention.start]):
                found[mention.key] = previous
    return found


def events_from_clusters(clusters: list[list[Mention]], formats: dict[str, str],
                         texts=None, words=None) -> list[Event]:
    """One event per cluster of linked mentions. The most trusted mention gives the id and summary.

    `texts` (`texts.get(source id)` -> document text: a dict, or the build's SourceStore) lets a clause
    cut from a longer sentence borrow its sentence's subject; `words` are curated/words.yml's lists
    (determiners, titles, stop words)."""
    mentions = [m for cluster in clusters for m in cluster]
    repeats = repeated_excerpts(mentions)
    before = clause_before(mentions, texts or {})
    del mentions
    events = []
    for cluster in clusters:
        ordered = sorted(cluster, key=lambda m: (TRUST.get(formats.get(m.source_id), 9), m.key))
        first = ordered[0]  # it speaks for the event: its id and summary
        # Most events have no categories: the one empty tuple, not a list each.
        categories = tuple(dict.fromkeys(c for m in ordered for c in m.categories))
        summary = summary_of(first, before.get(first.key), words)
        events.append(
            Event(
                number=event_number(first, repeats.get(first.key, 0)),
                summary_piece=piece_of(first.excerpt, summary.text),
                summary_method=summary.method,
                summary_evidence=sys.intern(summary.evidence),  # mostly the same few words: held once
                date=first.date,  # until enrich.dates.date_events combines the sources' bounds
                reports=first if len(ordered) == 1 else tuple(ordered),  # nothing adds to them
                categories=categories,
            )
        )
    return events


def piece_of(excerpt: str, text: str) -> str | int | None:
    """What an event holds for its summary `text` (`Event.summary_piece`): None when it is the whole
    `excerpt`, where it lies in it as one int (`model.piece`) when it is a piece of it, else `text` itself."""
    if text and text == excerpt:
        return None
    at = excerpt.find(text)
    held = piece(at, at + len(text)) if at >= 0 and text else None
    return text if held is None else held


def events_from_mentions(mentions: list[Mention]) -> list[Event]:
    """One event per mention, before any cross-source linking."""
    return events_from_clusters([[mention] for mention in mentions], {})
