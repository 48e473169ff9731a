"""The data-quality report on names: capitalized names in event excerpts that no actor claims.

A curator reads the `unmatched_names` table, then either adds the name as an alias in
curated/actors.yml (the next build links it) or, when it is not an actor (a place, a named drill, a
document), lists it in curated/not_actors.yml with the reason. Obvious non-names (sentence-initial
words, months, weekdays, title words) are skipped through the stop list in curated/words.yml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..model import Mention, NameIssue

WORD = re.compile(r"[^\W_][\w’'\-.]*")
# A word that may start a name: WORD never starts inside a run of the characters it continues with,
# so it starts at the first letter or digit of such a run; a name word starts with a capital letter
# (A-Z, or any letter outside ASCII: `NameWords.kind` decides).
CAPITALIZED_WORD = re.compile(r"(?<![\w’'\-.])[_’'\-.]*((?=[^\W_])[^\x00-\x40\x5b-\x7f][\w’'\-.]*)")
POSSESSIVE = re.compile(r"(?:[’']s|[’'])$")


@dataclass
class NameWords:
    """Words that are not names (lower case), and the small words that may join a name's parts."""

    stop_words: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)
    name_joiners: set[str] = field(default_factory=set)
    _kinds: dict = field(default_factory=dict, repr=False, compare=False)  # word -> `kind(word)`

    def kind(self, word: str) -> tuple[int, int, bool, bool]:
        """What `unknown_names` reads of a word as WORD finds it: (its length without a final period,
        the length of the name it may start (without a possessive), whether it is a name word, whether
        it is a joiner). Remembered by word: the same words recur in every excerpt."""
        found = self._kinds.get(word)
        if found is None:
            if len(self._kinds) >= KINDS_KEPT:
                self._kinds.clear()
            raw = word.rstrip(".")
            core = POSSESSIVE.sub("", raw) if "'" in raw or "’" in raw else raw  # most words have no apostrophe
            lower = core.lower()
            name = (core[:1].isupper() and len(core) > 1 and not any(ch.isdigit() for ch in core)
                    and lower not in self.stop_words and lower not in self.titles)
            found = self._kinds[word] = (len(raw), len(core), name, lower in self.name_joiners)
        return found


KINDS_KEPT = 50_000  # words whose kind NameWords and RoleWords remember (then they start again: bounded memory)


def unknown_names(text: str, covered: list[tuple[int, int]], words: NameWords) -> list[tuple[int, int, str]]:
    """(start, end, name) of each run of capitalized words outside the `covered` spans (sorted), where
    a run may hold small joiners between its words ("Bay of Bengal"). Stop words, title words and
    designations with digits ("Su-35", "COVID-19") are not names. Linear in the text."""
    found: list[tuple[int, int, str]] = []
    run: Optional[list[int]] = None  # [start, end] of the name being read
    c = 0
    known, kind = words._kinds, words.kind
    position = 0
    while True:
        if run is None:  # only a capitalized word can start a name: skip to the next one
            match = CAPITALIZED_WORD.search(text, position)
            if match is None:
                break
            start, word = match.start(1), match.group(1)
        else:  # every word counts: it continues the name (or joins it to the next word) or ends it
            match = WORD.search(text, position)
            if match is None:
                break
            start, word = match.start(), match.group()
        position = start + len(word)
        raw_length, core_length, name, joiner = known.get(word) or kind(word)
        if run is None and not name:
            continue  # nothing to close, nothing to start (`c` catches up at the next name word)
        while c < len(covered) and covered[c][1] <= start:
            c += 1
        if c < len(covered) and covered[c][0] < start + raw_length:  # part of a name already known
            if run is not None:
                found.append((run[0], run[1], text[run[0]:run[1]]))
                run = None
            continue
        if not name:
            if not joiner:
                found.append((run[0], run[1], text[run[0]:run[1]]))
                run = None
            continue
        gap = text[run[1]:start] if run else ""
        if run is not None and (gap.isspace() or (len(gap.split()) == 1 and gap.strip().lower() in words.name_joiners)):
            run[1] = start + core_length
        else:
            if run is not None:
                found.append((run[0], run[1], text[run[0]:run[1]]))
            run = [start, start + core_length]
    if run is not None:
        found.append((run[0], run[1], text[run[0]:run[1]]))
    return found


@dataclass
class UnmatchedName:
    """One row of the unmatched-names report."""

    name: str
    kind: str  # unknown | ambiguous | discovered (a person read off a title, to review) | not an actor
    count: int = 0  # occurrences in event excerpts
    event_count: int = 0  # distinct events among them
    candidates: list[str] = field(default_factory=list)
    reason: Optional[str] = None
    example_event: Optional[str] = None
    example_source: Optional[str] = None
    example_line: Optional[int] = None
    example_excerpt: Optional[str] = None


def report(groups: Iterable[Iterable[tuple[str, Mention, NameIssue]]]) -> list[UnmatchedName]:
    """One row per group of (event id, mention, issue), each group the occurrences of one name and kind
    (no two groups of the same), the first occurrence as example. Names that need a curator (unknown,
    ambiguous) come first, most frequent first. A group's events are held only while it is counted."""
    rows: list[UnmatchedName] = []
    for group in groups:
        row, events = None, set()
        for event_id, mention, issue in group:
            if row is None:
                relative = issue.start - mention.start
                row = UnmatchedName(
                    issue.name, issue.kind, candidates=list(issue.candidates), reason=issue.reason,
                    example_event=event_id, example_source=mention.source_id,
                    example_line=mention.line + mention.excerpt.count("\n", 0, max(relative, 0)),
                    example_excerpt=mention.excerpt)
                rows.append(row)
            elif (issue.name, issue.kind) != (row.name, row.kind):
                raise ValueError(f"{issue.name!r} ({issue.kind}) in the group of {row.name!r} ({row.kind})")
            row.count += 1
            events.add(event_id)
            for candidate in issue.candidates:
                if candidate not in row.candidates:
                    row.candidates.append(candidate)
        if row is not None:
            row.event_count = len(events)
    order = {"unknown": 0, "ambiguous": 0, "discovered": 1, "not an actor": 2}
    return sorted(rows, key=lambda r: (order.get(r.kind, 0), -r.event_count, -r.count, r.name, r.kind))
