"""People from their titles: persons the curated dictionary does not know, read off the text.

A personal name right after a title or office ("Indian Prime Minister Narendra Modi", "Kremlin
spokesman Dmitry Peskov") or followed by one in apposition ("Narendra Modi, India's prime
minister") is a person. The curated dictionary (curated/actors.yml) wins wherever it knows the
person; otherwise, in this order:

  1. a surname alone after a title ("China's ambassador to Russia Zhang") is the one known person
     with that surname whose curated title holds every title word and state the text gives, in office
     (`from`/`to` on the title) during the event's window: link_method "title";
  2. a surname alone that a person named earlier in the same document carries: "context";
  3. a full name that is a spelling variant of a known or discovered person's name (rapidfuzz
     `fuzz.ratio` at least FUZZY_AT, same number of words with the same initials): "fuzzy", with
     the score in the evidence;
  4. otherwise a new person actor: a stable id from the name, type person, the country of the
     demonym or state in the title (not one after "to"/"for": that is where an ambassador is posted),
     the title as written: "discovered". Each is listed in unmatched_names as `discovered`, to review.

A run of capitalized words holding an office word ("Russian Direct Investment Fund Kirill Dmitriev")
is split after its last office word: the words after it are the name. A name is at most four capitalized words (with small joiners: "Lula da Silva").
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from rapidfuzz import fuzz

from ..model import NameIssue
from .countries import slug

FUZZY_AT = 90  # rapidfuzz fuzz.ratio (0-100) a spelling variant must reach to join a person
TOKEN = re.compile(r"[’']s(?!\w)|[^\W_](?:[\w’'\-]*[^\W_])?|,")
NON_SPACE = re.compile(r"\S+")
OFFICE_WORDS = {
    "fund", "bank", "council", "committee", "commission", "ministry", "agency", "service", "corporation",
    "company", "party", "army", "navy", "forces", "force", "office", "administration", "government",
    "assembly", "duma", "parliament", "university", "institute", "academy", "organization",
    "organisation", "group", "daily", "news", "times", "post", "guard", "staff", "department", "bureau",
    "court", "conference", "forum", "summit", "expo", "embassy", "union",
}
JOINERS = {"de", "da", "dos", "al", "bin", "ibn", "von", "van", "der"}  # lower-case words inside a name
LINKS = {"of", "the", "to", "for", "and", "on", "’s", "'s"}
WINDOW = 100
SENTENCE_ENDS = set(".!?;:")  # after a title's last word, the title does not reach the name that follows
ABBREVIATION_MAX = 3  # a title word this short before a full stop is an abbreviation ("Dr.", "Mrs.")


@dataclass
class Title:
    text: str
    start: int
    words: list[str]  # title words, lower case
    states: list[str]  # state ids the title names for its holder (not after to / for)
    places: list[str] = field(default_factory=list)  # state ids after to / for (where one is posted)


@dataclass
class Discovery:
    """Reads persons off their titles, and keeps what the dictionary learns while reading.

    The dictionary learns two things: a person discovered (a new actor, `discovered`) and a spelling
    in another script added to an actor's aliases (`add_alias`). Each goes into a journal, so that
    `snapshot()` / `restore()` can undo what a stretch of reading taught (workers.py: a worker reads
    every document against its starting dictionary), and into the index of spellings that step 3
    (`_variant`) compares a new name with. `resolved` counts the names after a title resolved so far
    (the only reading that consults what was learned)."""

    titles: set[str]
    title_links: set[str]
    stop_words: set[str]
    discovered: dict[str, str] = field(default_factory=dict)  # name -> actor id
    resolved: int = 0  # names after a title resolved (linked or discovered) so far
    _journal: list = field(default_factory=list, init=False, repr=False)  # ("person" | "alias", actor id, name)
    _spellings: Optional[dict] = field(default=None, init=False, repr=False)  # initials -> [(rank, position, actor id, spelling)]
    _ranks: dict = field(default_factory=dict, init=False, repr=False)  # person id -> its place in the dictionary's order
    _next_rank: int = field(default=0, init=False, repr=False)

    # --- reading a title ---------------------------------------------------------------------------

    def title_before(self, text: str, start: int, matcher) -> Optional[Title]:
        begin = max(0, start - WINDOW)
        window = text[begin:start]
        if window and not window[-1].isspace():
            return None
        # Most names have neither an office nor "to <state>" right before them: the last two words say
        # so, read alone first (no word spans whitespace: the window's last two chunks hold them).
        tail = TOKEN.findall(" ".join(window.rsplit(None, 2)[-2:]))
        if len(tail) > 1 and not self._office(tail[-1]) and tail[-2].lower() not in self.title_links:
            return None
        words = TOKEN.findall(window)  # the words alone first: most names have no title before them
        if begin > 0 and words:
            words = words[1:]
        if not words or self._sentence_ends(window, words[-1]):
            return None
        last = words[-1]
        if not self._office(last) and not (len(words) > 1 and words[-2].lower() in self.title_links):
            return None  # neither an office nor "to <state>" right before the name
        tokens = [(m.start() + begin, m.end() + begin, m.group(0)) for m in TOKEN.finditer(window)]
        if begin > 0:
            tokens = tokens[1:]
        hits = {h.start: h for h in matcher.find(text[begin:start])}
        posted = len(tokens) > 1 and tokens[-2][2].lower() in self.title_links and any(
            h.start + begin <= tokens[-1][0] and h.end + begin >= tokens[-1][1] and h.values[0][0] == "state"
            for h in hits.values())  # "Ambassador to Russia Zhang"
        if not self._office(last) and not posted:
            return None
        kept = []
        index = len(tokens) - 1
        while index >= 0:
            s, e, word = tokens[index]
            lower = word.lower()
            hit = next((h for h in hits.values() if h.start + begin <= s and h.end + begin >= e), None)
            if word == ",":
                break
            if lower in self.titles or lower in OFFICE_WORDS or lower in LINKS or lower in self.title_links \
                    or hit is not None or (word[:1].isupper() and lower not in self.stop_words):
                kept.append((s, e, word, hit))
                index -= 1
                continue
            break
        while kept and kept[-1][2].lower() in LINKS | self.title_links:
            kept.pop()
        if not kept:
            return None
        kept.reverse()
        words = [w.lower() for _, _, w, h in kept if h is None and (w.lower() in self.titles or w.lower() in OFFICE_WORDS)]
        if not words:
            return None
        states, places = [], []
        previous = None
        for _, _, word, hit in kept:
            if hit is not None and hit.values and isinstance(hit.values[0], tuple) and hit.values[0][0] == "state":
                target = places if previous in self.title_links else states
                if hit.values[0][1] not in target:
                    target.append(hit.values[0][1])
            previous = word.lower()
        return Title(text[kept[0][0]:kept[-1][1]], kept[0][0], words, states, places)

    def title_after(self, text: str, end: int, matcher) -> Optional[Title]:
        """A title in apposition: ", India's prime minister", ", the Mongolian foreign minister"."""
        rest = text[end:end + WINDOW]
        if not rest.startswith(","):
            return None
        tokens = [(m.start() + end, m.end() + end, m.group(0)) for m in TOKEN.finditer(rest)][1:]
        hits = matcher.find(rest)
        kept, states, places, words = [], [], [], []
        previous = None
        for s, e, word in tokens:
            lower = word.lower()
            hit = next((h for h in hits if h.start + end <= s and h.end + end >= e), None)
            if hit is not None and hit.values and hit.values[0][0] == "state":
                (places if previous in self.title_links else states).append(hit.values[0][1])
            elif lower in self.titles or lower in OFFICE_WORDS:
                words.append(lower)
            elif lower in ("the", "a", "’s", "'s") or lower in self.title_links or lower == "of" or (hit is not None):
                pass
            else:
                break
            kept.append((s, e))
            previous = lower
        if not words or not kept:
            return None
        return Title(text[kept[0][0]:kept[-1][1]], kept[0][0], words, states, places)

    def _sentence_ends(self, window: str, last: str) -> bool:
        """Whether the text before a name closes a sentence ("...the Mongolian government. Afterwards"):
        an office word there ends the sentence, it is not the next word's title. A title abbreviation
        before its full stop ("Dr.", "Mr.") does not end one."""
        before = window.rstrip()[-1:]
        if before not in SENTENCE_ENDS:
            return False
        return not (before == "." and len(last) <= ABBREVIATION_MAX and last.lower() in self.titles)

    def _office(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.titles or lower in OFFICE_WORDS

    # --- deciding who it is ------------------------------------------------------------------------

    def by_title(self, dictionary, name: str, title: Title, memory, candidates=None):
        """(actor id, why) for a surname after a title, from the curated titles in office then."""
        people = candidates or [a.id for a in dictionary.actors.values()
                                if a.type == "person" and name in (a.name.split()[0], a.name.split()[-1])]
        window = memory.window if memory is not None else (None, None)
        fits = []
        for actor_id in people:
            actor = dictionary.actors[actor_id]
            for held in actor.titles:
                label, since, until = _title_parts(held)
                lowered = label.lower()
                states = [dictionary.actors[s].name.lower() for s in title.states + title.places if s in dictionary.actors]
                if all(w in lowered for w in title.words if w not in ("state",)) and all(s in lowered for s in states) \
                        and _in_office(since, until, window):
                    fits.append((actor_id, label, since, until))
                    break
        if len({f[0] for f in fits}) == 1:
            actor_id, label, since, until = fits[0]
            when = f" ({since or '?'} to {until or 'now'})" if since or until else ""
            return actor_id, f"title: '{name}' after '{title.text}' is {dictionary.actors[actor_id].name}, {label}{when}"
        return None

    def read(self, dictionary, text, unknown, found, evidence, seen, memory, reading, at, report):
        """Link or discover the persons among the unknown runs; return the runs still unknown."""
        remaining = []
        for start, end, run in unknown:
            outcome = self._person(dictionary, text, start, end, run, memory)
            if outcome is None:
                remaining.append((start, end, run))
                continue
            self.resolved += 1
            n_start, n_end, actor_id, method, why = outcome
            found.append((n_start, n_end, text[n_start:n_end], actor_id))
            evidence[n_start] = (method, why)
            seen[actor_id] = (at(n_start), text[n_start:n_end])
            if memory is not None:
                memory.last_seen[actor_id] = (at(n_start), text[n_start:n_end])
            if report and method in ("discovered", "fuzzy"):
                reading.issues.append(NameIssue(text[n_start:n_end], "discovered", at(n_start), at(n_end),
                                                candidates=[actor_id], reason=why))
            if n_start > start:
                rest = text[start:n_start].rstrip()
                if rest:
                    remaining.append((start, start + len(rest), rest))
        return remaining

    def _person(self, dictionary, text, start, end, run, memory):
        words = [(m.start() + start, m.end() + start, m.group(0)) for m in NON_SPACE.finditer(run)]
        offices = [i for i, (_, _, w) in enumerate(words) if w.lower().strip(",") in OFFICE_WORDS]
        if offices:
            words = words[offices[-1] + 1:]
        capitalized = [w for _, _, w in words if w[:1].isupper()]
        if not words or len(capitalized) > 4 or len(words) > 6 or not words[0][2][:1].isupper() \
                or not words[-1][2][:1].isupper():
            return None
        n_start, n_end = words[0][0], words[-1][1]
        name = text[n_start:n_end]
        if any(w.isupper() and len(w) > 1 for _, _, w in words) or len(capitalized) + sum(
                1 for _, _, w in words if w.lower() in JOINERS) != len(words):
            return None
        title = self.title_before(text, n_start, dictionary.matcher)
        if title is None:
            title = self.title_after(text, n_end, dictionary.matcher)
        if title is None:
            return None
        if len(words) == 1:
            found = self.by_title(dictionary, name, title, memory)
            if found:
                return n_start, n_end, found[0], "title", found[1]
            if memory is not None:
                earlier = [(offset, actor_id) for actor_id, (offset, _) in memory.last_seen.items()
                           if actor_id in dictionary.actors and dictionary.actors[actor_id].type == "person"
                           and name in dictionary.actors[actor_id].name.split()]
                if earlier:
                    _, actor_id = max(earlier)
                    return n_start, n_end, actor_id, "context", f"'{name}' after '{dictionary.actors[actor_id].name}' earlier in the document"
        if name in dictionary.by_alias:
            return n_start, n_end, dictionary.by_alias[name], "alias", None
        if name in self.discovered:
            actor_id = self.discovered[name]
            return n_start, n_end, actor_id, "discovered", f"'{name}' after the title '{title.text}' (discovered)"
        variant = self._variant(dictionary, name)
        if variant:
            actor_id, known, score = variant
            return n_start, n_end, actor_id, "fuzzy", (
                f"'{name}' is a spelling of '{known}' (rapidfuzz ratio {score:.0f} >= {FUZZY_AT}), after '{title.text}'")
        actor_id = self._new_person(dictionary, name, title)
        return n_start, n_end, actor_id, "discovered", f"'{name}' after the title '{title.text}' (discovered, to review)"

    def _variant(self, dictionary, name: str):
        """(actor id, spelling, score) of the known person's spelling closest to `name` (step 3): same
        number of words, same initials, ratio at least FUZZY_AT; of equal scores the first in the
        dictionary's order (actors as listed, then discovered; each one's name, then its aliases)."""
        words = name.split()
        if len(words) < 2:
            return None
        best = None
        for _, _, actor_id, alias in self._index(dictionary).get(_initials(name), ()):
            score = fuzz.ratio(name, alias)
            if score >= FUZZY_AT and (best is None or score > best[2]):
                best = (actor_id, alias, score)
        return best

    # --- what the dictionary learns ----------------------------------------------------------------

    def _new_person(self, dictionary, name: str, title: Title) -> str:
        from .actors import Actor

        base = slug(name) or "person"
        actor_id = base if base not in dictionary.actors else f"{base}-person"
        number = 2
        while actor_id in dictionary.actors:
            actor_id, number = f"{base}-person-{number}", number + 1
        country = title.states[0] if title.states else None
        actor = dictionary.actors[actor_id] = Actor(
            actor_id, name, "person", country, titles=[title.text], aliases=[name],
            notes=f"Discovered: named after the title '{title.text}'; not in curated/actors.yml (to review).")
        self.discovered[name] = actor_id
        self._journal.append(("person", actor_id, name))
        if self._spellings is not None:
            self._rank(actor_id)
            for position, spelling in enumerate([actor.name, *actor.aliases]):
                self._file(actor_id, position, spelling)
        return actor_id

    def add_alias(self, dictionary, actor_id: str, spelling: str) -> None:
        """Another spelling of a known or discovered actor (a name in another script after its name)."""
        actor = dictionary.actors[actor_id]
        actor.aliases.append(spelling)
        self._journal.append(("alias", actor_id, spelling))
        if actor_id in self._ranks:
            self._file(actor_id, len(actor.aliases), spelling)

    def snapshot(self) -> int:
        """What the dictionary has learned so far, for `restore` and `taught_known_actors`."""
        return len(self._journal)

    def restore(self, dictionary, snapshot: int) -> None:
        """Undo what the dictionary learned after `snapshot`, latest first."""
        while len(self._journal) > snapshot:
            kind, actor_id, spelling = self._journal.pop()
            actor = dictionary.actors[actor_id]
            if kind == "alias":
                if actor_id in self._ranks:
                    self._file(actor_id, len(actor.aliases), spelling, remove=True)
                actor.aliases.pop()
            else:
                if actor_id in self._ranks:
                    for position, alias in enumerate([actor.name, *actor.aliases]):
                        self._file(actor_id, position, alias, remove=True)
                    del self._ranks[actor_id]
                del dictionary.actors[actor_id]
                del self.discovered[spelling]

    def taught_known_actors(self, snapshot: int) -> bool:
        """Whether an actor known at `snapshot` got another spelling since (not one discovered since)."""
        new = {actor_id for kind, actor_id, _ in self._journal[snapshot:] if kind == "person"}
        return any(kind == "alias" and actor_id not in new for kind, actor_id, _ in self._journal[snapshot:])

    def _index(self, dictionary) -> dict:
        """Every person's spellings by their words' initials, each with its place in the dictionary's
        order (`_ranks`, then its position in [name, *aliases]); made at the first use, then kept in
        step by `_new_person`, `add_alias` and `restore`."""
        if self._spellings is None:
            self._spellings = {}
            for actor in dictionary.actors.values():
                if actor.type == "person":
                    self._rank(actor.id)
                    for position, spelling in enumerate([actor.name, *actor.aliases]):
                        self._file(actor.id, position, spelling)
        return self._spellings

    def _rank(self, actor_id: str) -> None:
        self._ranks[actor_id], self._next_rank = self._next_rank, self._next_rank + 1

    def _file(self, actor_id: str, position: int, spelling: str, remove: bool = False) -> None:
        entries = self._spellings.setdefault(_initials(spelling), [])
        entry = (self._ranks[actor_id], position, actor_id, spelling)
        if remove:
            entries.remove(entry)
        else:
            bisect.insort(entries, entry)


def _initials(name: str) -> tuple:
    """What two spellings of one name share (`_variant`): the first letter of each word, in lower case."""
    return tuple(word[:1].lower() for word in name.split())


def _title_parts(held) -> tuple[str, Optional[str], Optional[str]]:
    if isinstance(held, dict):
        return str(held.get("title", "")), _text(held.get("from")), _text(held.get("to"))
    return str(held), None, None


def _text(value) -> Optional[str]:
    return None if value is None else str(value)


def _in_office(since: Optional[str], until: Optional[str], window) -> bool:
    """Whether a term from `since` to `until` (ISO dates or their prefixes) meets the window."""
    earliest, latest = window
    if since and latest and latest[:len(since)] < since:
        return False
    if until and earliest and earliest[:len(until)] > until:
        return False
    return True
