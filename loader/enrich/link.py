"""Cross-source linking: decide which mentions in different documents report one real-world event.

How a pair is judged (every figure is stored, so a curator can see why):
  - blocking: only pairs whose date bounds overlap or fall within DATE_SLACK days of each other, and
    that share a word, a named actor other than the two states, a place, or an exact day that is rare in
    the months around them (MAX_BLOCK, BLOCK_DAYS: rare then, not over the whole archive, so a longer
    archive does not lose links), are compared; never all pairs against all pairs;
  - content: how much the two first sentences say alike, from words alone. Actor names are replaced by
    actor ids ("PRC" and "China", "Shoygu" and "Shoigu" are one word), places by gazetteer ids,
    synonyms by one word (curated/linking.yml), and a count of ships, aircraft or troops ("five
    Chinese and five Russian ships", "ten ... warships") by one token; common words weigh less (IDF).
    It is the mean of the TF-IDF cosine and of the containment (the share of the shorter sentence's
    weight the other one shares), so a short paraphrase of a long entry still scores. A quotation opened
    in the first sentence runs on to its close; a relative clause set off by commas ("warships, which
    just concluded the drill, conduct ...") tells of another event and is left out;
  - date: evidence, not a gate. 1 when both give the same single day, or one gives a day inside the
    other's curated multi-day span; 0.5 when both are narrow (a week or less) and overlap; 0.5, 0.25
    for a printed day one or two days off the other's bounds (a secondary timeline's day is often a
    day late); no evidence (None) when either is wide;
  - actors: Jaccard overlap of the actors who did it (roles host, subject, addressee) where both say,
    else of every actor the two name, the two states aside; no evidence when either names none
    (silence is not disagreement);
  - kind: 1 when both name the same kind of event (patrol, drill, summit...), -1 when they name
    different kinds that exclude each other, no evidence for kinds that go together (an agreement signed
    at a summit, a statement made at one); -1 also when one names only naval means and the other only air
    means (a naval patrol and an air patrol of one season); no evidence when either names none;
  - place: 1 when both name a gazetteer place and share one, -1 when they name different places;
  - names: -1 when each gives a proper name the other lacks ("the Tanvo deal", "the Zhentro deal": a
    capitalized word the corpus never writes in lower case, not an actor, not a place, not a kind's own
    name, not a model such as "Tu-95MC"; a phrase with a word of curated/linking.yml's place_words is a
    place); 1 when the same two or more named people (not states) did it in both. Otherwise none.
The score is the weighted mean of the features that have evidence (WEIGHTS, rescaled to the ones that
apply), so silence neither helps nor hurts. A pair scoring LINK_AT or more is linked, provided its
content reaches CONTENT_AT: a date and a kind shared by many events of one day never make a link on
their own; when the same two or more named people did it in both a day or two apart, CONTENT_NAMED is
enough (no other event of those days has them). A pair scoring CANDIDATE_AT or more that is not linked goes to `link_candidates`, with its
reason. Each mention links to at most one mention of any other source (its best), and an event never
holds two mentions of one document (a chronology lists distinct events; an article that names a day
twice recalls other events: "posted the day of the summit"); its best among the pairs that could link.
An outcome reported with no one but the two states ("China and Russia signed a roadmap to military
cooperation") joins the one meeting another source reports within DATE_SLACK days that shares a word
with it, when no other does (`outcome_links`, method 'outcome'). Curated decisions in curated/links.yml
win over scores.
"""
from __future__ import annotations

import bisect
from array import array
import datetime as dt
import functools
import itertools
import math
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, MutableSequence, Optional, Union

from .. import schemas
from ..model import InputError, Mention, Problem
from ..parse.datetext import CALENDAR_WORDS, HIGH, LOW, width_days
from ..parse.text import Span, sentences
from ..workers import can_fork, forked, spooled
from .mentionkeys import MentionIndex, MentionKey

LINK_AT = 0.45
CANDIDATE_AT = 0.30
# The least content a link needs: CONTENT_AT when the date is certain to the day, up to
# CONTENT_AT + CONTENT_UNDATED when the date says nothing (many events share a window and a kind).
CONTENT_AT = 0.25
CONTENT_UNDATED = 0.20
MEANS_SHARED = 0.10  # content credit when both name the same means (naval, air): a distinctive term
WEIGHTS = {"text": 0.40, "date": 0.25, "actors": 0.20, "kind": 0.10, "place": 0.05, "names": 0.20}
# Roles of the actors who did what a report says (roles.py); the others are named in passing.
DOER_ROLES = {"host", "subject", "addressee"}
# Named people (never the states) who did it together, shared by two reports a day or two apart: no
# other event of those days has them, so the texts need share only this much more.
CONTENT_NAMED = 0.10
DATE_SLACK = 2  # days a printed day may lie off another report's bounds and still be compared
DATE_NEAR = {1: 0.5, 2: 0.25}  # the share of its date evidence a pair keeps, that many days apart
WIDE_DAYS = 32  # bounds this wide say nothing about the day
# States that take part in nearly every event: sharing them says nothing about a pair.
UBIQUITOUS_ACTORS = {"china", "russia"}
# A blocking key shared by more than MAX_BLOCK mentions within BLOCK_DAYS of a mention's start is too
# common to block on for that mention. Counted around the mention, not over the corpus: a word used a
# few times a month is rare in any one season, however many years an archive covers.
MAX_BLOCK = 200
BLOCK_DAYS = 182
NARROW_DAYS = 7
HIGH_DAYS = 10**6  # the width of bounds that are not known

STOPWORDS = set(CALENDAR_WORDS) | set(
    """a an the and or but of in on at to for from by with without via as is are was were be been being
    it its this that these those their his her they them he she we our us i you your which who whom whose
    what when where while after before over under into onto about against between during also both each
    other than then there here not no nor so such only very more most some any all can could would should
    will shall may might must do does did has have had having said says say told tells one two three first
    second third new year years day days month months time said also two s""".split()
)
WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A relative clause set off by commas ("warships, which just concluded the drill, conduct ...") does not
# say what kind of event the sentence reports.
RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose|where)\b[^,]*,")
# Nor does a phrase that places the sentence by another event ("an article posted the day of the summit").
REFERENCE = re.compile(r"\b(?:on\s+)?the\s+(?:day|eve|sidelines|margins)\s+of\s+the\s+(?:[\w-]+\s+)?[\w-]+")


NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER = r"(?:\d{1,6}(?:,\d{3})*|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"


@dataclass
class Vocabulary:
    """curated/linking.yml: kinds of event, synonyms, kinds that go together, means (naval, air) and
    units counted (ships, aircraft), compiled for one pass over a text each. `places` (alias -> place
    id) comes from the gazetteer, curated/places.yml."""

    kinds: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)
    compatible: list[list[str]] = field(default_factory=list)
    means: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, list[str]] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)
    place_words: list[str] = field(default_factory=list)  # words that make a capitalized phrase a place's name
    states: set[str] = field(default_factory=set)  # actor ids of states (curated/actors.yml), from the build

    def __post_init__(self):
        self._synonyms = _phrase_pattern({p: word for word, ps in self.synonyms.items() for p in ps})
        self._kinds = _phrase_pattern({p: kind for kind, ps in self.kinds.items() for p in ps})
        self._means = _phrase_pattern({p: m for m, ps in self.means.items() for p in ps})
        self._compatible = {frozenset(pair) for pair in self.compatible}
        units = {p.lower(): unit for unit, ps in self.counts.items() for p in ps}
        self._count = None
        if units:
            unit = "|".join(re.escape(u) for u in sorted(units, key=lambda u: (-len(u), u)))
            word = r"(?:[\w’'-]+\s+)"
            # "ten Russian and Chinese warships", "five Chinese and five Russian ships": one count each
            self._count = (re.compile(rf"\b({NUMBER})\s+{word}{{0,3}}?(?:and\s+({NUMBER})\s+{word}{{0,3}}?)?({unit})\b",
                                      re.IGNORECASE), units)
        # Every word the vocabulary knows: a kind, a means, a synonym is a word, not a name.
        self.known_words = {w for table in (self.kinds, self.synonyms, self.means, self.counts)
                            for key, phrases in table.items() for p in [key, *phrases] for w in WORD.findall(p.lower())}
        self._place_words = {w.lower() for w in self.place_words}
        self._places = None
        if self.places:
            names = "|".join(re.escape(a) for a in sorted(self.places, key=lambda a: (-len(a), a)))
            self._places = re.compile(rf"(?<![\w-])(?:{names})(?![\w-])")

    def normalize(self, text: str) -> str:
        if self._synonyms is None:
            return text
        pattern, table = self._synonyms
        return pattern.sub(lambda m: f" {table[m.group(0)]} ", text)

    def phrases(self, text: str) -> str:
        """Each kind phrase of several words as one word ("air defense identification zone" ->
        "air-defense-identification-zone"), so that a long phrase does not count once per word."""
        if self._kinds is None:
            return text
        pattern, _ = self._kinds
        return pattern.sub(lambda m: m.group(0).replace(" ", "-"), text)

    def kinds_of(self, text: str) -> set[str]:
        if self._kinds is None:
            return set()
        pattern, table = self._kinds
        return {table[m.group(0)] for m in pattern.finditer(text)}

    def means_of(self, text: str) -> set[str]:
        if self._means is None:
            return set()
        pattern, table = self._means
        return {table[m.group(0)] for m in pattern.finditer(text)}

    def compatible_kinds(self, a: set[str], b: set[str]) -> bool:
        return any(frozenset((x, y)) in self._compatible for x in a for y in b)

    def counts_of(self, text: str) -> list[str]:
        """One token per count of a unit: 'count:ships=10'."""
        if self._count is None:
            return []
        pattern, units = self._count
        found = []
        for match in pattern.finditer(text):
            total = sum(_number(n) for n in match.groups()[:2] if n)
            found.append(f"count:{units[match.group(3).lower()]}={total}")
        return found

    def places_of(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, place id) of each gazetteer name in a text as written (case-sensitive)."""
        if self._places is None:
            return []
        return [(m.start(), m.end(), self.places[m.group(0)]) for m in self._places.finditer(text)]


def _number(text: str) -> int:
    text = text.lower().replace(",", "")
    return int(text) if text.isdigit() else NUMBER_WORDS[text]


def _phrase_pattern(table: dict[str, str]):
    """One alternation over every phrase (longest first), each also matched with a plural -s."""
    if not table:
        return None
    lowered = {p.lower(): v for p, v in table.items()}
    phrases = sorted(lowered, key=lambda p: (-len(p), p))
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")(?=s?\b)")
    return pattern, lowered


LISTS = ("kinds", "synonyms", "means", "counts")


def load_vocabulary(path: Path) -> Vocabulary:
    """curated/linking.yml; its shape (every section, and no other) is `schemas.LinkingFile`."""
    if not path.exists():
        return Vocabulary()
    data, _ = schemas.read(path, schemas.LinkingFile, {})
    return Vocabulary(**{k: getattr(data, k) for k in LISTS}, compatible=data.compatible,
                      place_words=list(data.place_words))


@dataclass(slots=True)  # no __dict__: the links and candidates are held until the write
class PairScore:
    a: Mention
    b: Mention
    text: float
    date: float
    actors: Optional[float]
    kind: Optional[float]
    score: float
    place: Optional[float] = None
    names: Optional[float] = None
    named: bool = False  # two or more named people (not states) did it in both reports
    gap: Optional[int] = None  # days between the two reports' bounds, when they do not overlap
    method: str = "score"  # score | curated
    # Why the pair links or not (`reason`): its words, or the linker's rule that decided (`_reason_below`
    # and the like), whose words are made from the pair's figures when they are read. A corpus's pairs
    # are held from the links to the write, most decided by those rules: one function each, not a string.
    _reason: Union[str, Callable[["PairScore"], str]] = ""

    @property
    def reason(self) -> str:
        """Why the pair links or not, in words."""
        reason = self._reason
        return reason if type(reason) is str else reason(self)

    @reason.setter
    def reason(self, value: Union[str, Callable[["PairScore"], str]]) -> None:
        self._reason = value


@dataclass
class Curated:
    same: list[tuple[list[tuple[str, str]], str, int]] = field(default_factory=list)  # (mentions, reason, line)
    different: list[tuple[list[tuple[str, str]], str, int]] = field(default_factory=list)
    path: str = "curated/links.yml"


@dataclass
class LinkResult:
    clusters: list[list[Mention]]
    links: list[PairScore]  # the pairs that made the clusters (scored or curated)
    candidates: list[PairScore]  # pairs left for a curator
    problems: list[Problem] = field(default_factory=list)
    scorer: Optional["Scorer"] = None  # the one that scored them: later checks reuse it, not rebuild it


# --- reading curated decisions -------------------------------------------------------------------

def load_curated_links(path: Path) -> Curated:
    """curated/links.yml; its shape is `schemas.LinksFile`."""
    curated = Curated(path=str(path))
    if not path.exists():
        return curated
    data, marks = schemas.read(path, schemas.LinksFile, {})
    for kind in ("same", "different"):
        for index, entry in enumerate(getattr(data, kind)):
            getattr(curated, kind).append(([(m.source, m.text) for m in entry.mentions], entry.reason.strip(),
                                           marks.line((kind, index))))
    return curated


def _resolve(curated: Curated, by_source: dict[str, list[Mention]]) -> tuple[list, list, list[Problem], list[Problem]]:
    """Turn (source, text) references into mentions by the one rule of `mentionkeys`: each must name
    exactly one mention. A decision that names a source not loaded (its document missing, under
    --keep-going) cannot apply: it is left out with a warning, as a curated date for such a source is.
    """
    errors, warnings, same, different = [], [], [], []
    index = MentionIndex(m for mentions in by_source.values() for m in mentions)
    for kind, target in (("same", same), ("different", different)):
        for refs, reason, line in getattr(curated, kind):
            keys = [MentionKey(source, text) for source, text in refs]
            absent = sorted({key.source for key in keys if not index.loaded(key)})
            if absent:
                warnings.append(Problem(curated.path, line, f"'{kind}' decision names {', '.join(map(repr, absent))}, "
                                        "a source not loaded; not used", "warning"))
                continue
            found = []
            for key in keys:
                hits, problem = index.resolve(key, curated.path, line, f"'{kind}' decision", one=True)
                if problem is not None:
                    errors.append(problem)
                else:
                    found.append(hits[0])
            target.append((found, reason))
    return same, different, errors, warnings


# --- scoring -------------------------------------------------------------------------------------

def headline(mention: Mention, vocabulary: Optional[Vocabulary] = None, end: Optional[int] = None,
             places: Optional[list] = None) -> str:
    """The excerpt's first sentence, lower case, with each matched actor name replaced by @actor-id
    and each gazetteer place name by #place-id.

    A chronology entry's first sentence says what happened; what follows is context that would
    dilute the comparison. `end` (first_sentence_end) and `places` (the vocabulary's places_of the
    first sentence), when the caller has them.
    """
    text = mention.excerpt
    sentences = first_sentence_end(text) if end is None else end
    # A name as written, not the country it implies (whose span is the person's name).
    names = [(m.start - mention.start, m.end - mention.start, f"@{m.actor_id}") for m in mention.actors
             if m.method != "country-of"]
    if vocabulary is not None:
        if places is None:
            places = vocabulary.places_of(text[:sentences])
        names += [(b, e, f"#{place}") for b, e, place in places]
    pieces, last = [], 0
    for begin, end, token in sorted(names):
        if begin < last or end > sentences:
            continue
        pieces.append(text[last:begin])
        pieces.append(f" {token} ")
        last = end
    pieces.append(text[last:sentences])
    return "".join(pieces).lower()


def first_sentence_end(text: str) -> int:
    """End of the first sentence; a quotation opened in it runs on to the sentence that closes it (a
    statement quoted over two sentences is one statement: its second sentence says what it is about)."""
    found = sentences(Span(text, 0, 1))
    if not found:
        return len(text)
    end = found[0].end
    for following in found[1:]:
        opened = text.count("“", 0, end) - text.count("”", 0, end)
        if opened <= 0:
            break
        end = following.end
    return end


def tokens(mention: Mention, vocabulary: Vocabulary, end: Optional[int] = None, places: Optional[list] = None) -> list[str]:
    """Content words of the headline, synonyms folded, actors and places as ids, counts as one token.
    A relative clause set off by commas ("warships, which just concluded the drill, conduct ...") tells
    of another event: its words are left out."""
    text = vocabulary.phrases(vocabulary.normalize(RELATIVE_CLAUSE.sub(",", headline(mention, vocabulary, end, places))))
    words = vocabulary.counts_of(text)
    for word in HEADLINE_WORD.findall(text):
        if word[0] in "@#":
            if word[1:] not in UBIQUITOUS_ACTORS:  # in nearly every report: says nothing
                words.append(word)
        elif word not in STOPWORDS and not word.isdigit() and word not in NUMBER_WORDS:
            words.append(stem(word))
    return words


HEADLINE_WORD = re.compile(r"[@#][\w-]+|" + WORD.pattern)  # an actor or place id, or a word
LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*")
CAPITALIZED = re.compile(r"(?<![\w’'-])[A-Z][\w’'-]*")
# A run of capitalized words ("Sea of Japan", "Peace Mission 2021"): one phrase.
CAPITALIZED_RUN = re.compile(r"(?<![\w’'-])[A-Z][\w’'-]*(?:\s+(?:(?:of|the|and)\s+)?(?:[A-Z][\w’'-]*|\d+))*")
LEADING_DATE = re.compile(r"^(?:On|In|By)\s[^,]{3,30},\s*")


def name_candidates(mention: Mention, vocabulary: Vocabulary, end: Optional[int] = None,
                    places: Optional[list] = None) -> set[str]:
    """The proper names a report's first sentence may give that are neither an actor nor a gazetteer
    place: an exercise's, a forum's, a ship's, a deal's ("the Tanvo deal"); read without the other
    reports. The sentence's first word (after a leading date) is not read. A candidate is a name when
    the corpus never writes it in lower case (`lower_words`; `_Profile` takes those out). Two reports
    that each give such names and share none are two events."""
    text = mention.excerpt
    end = first_sentence_end(text) if end is None else end
    covered = [(m.start - mention.start, m.end - mention.start) for m in mention.actors]
    covered += [(b, e) for b, e, _ in (vocabulary.places_of(text[:end]) if places is None else places)]
    lead = LEADING_DATE.match(text)
    first = lead.end() if lead else 0
    names = set()
    for run in CAPITALIZED_RUN.finditer(text, 0, end):
        words = re.findall(r"[a-z0-9]+", run.group(0).lower())
        if any(w in vocabulary._place_words for w in words):
            continue  # a place the gazetteer lacks ("South Korea", "the Southern Urals"): the place feature's
        if any(w in vocabulary.known_words for w in words):
            continue  # a kind's own name ("Korea Air Defense Identification Zone"): the kind feature's
        for match in CAPITALIZED.finditer(run.group(0)):
            at = run.start() + match.start()
            word = match.group(0).rstrip("’'-")
            lowered = word.lower()
            if at <= first or len(word) < 3 or lowered in STOPWORDS or any(c.isdigit() for c in word):
                continue  # a sentence's first word, a common word, a model ("Tu-95MC")
            if any(b <= at < e for b, e in covered):
                continue
            names.add(lowered)
    return names


def lower_words(mentions: Iterable[Mention]) -> set[str]:
    """Every word the mentions' excerpts write in lower case: what makes a capitalized word not a name."""
    lower: set[str] = set()
    for m in mentions:
        lower.update(LOWER_WORD.findall(m.excerpt))
    return lower


@dataclass(slots=True)
class MentionReading:
    """What the linker reads of one mention by itself, needing no other mention: read per document
    (`read_for_linking`, in the document workers under --workers); `Scorer` adds what needs the whole
    corpus (IDF weights; the names the corpus also writes in lower case)."""

    words: list[str]  # `tokens`: content words, synonyms folded, actors and places as ids
    kinds: frozenset[str]  # kinds of event the first sentence names (relative clauses, references aside)
    means: frozenset[str]  # means (naval, air) it names
    doers: frozenset[str]  # the actors who did it (DOER_ROLES), the two states aside
    actors: frozenset[str]  # every actor named, the two states aside
    places: frozenset[str]  # the gazetteer places the first sentence names, as #place-id words
    names: frozenset[str]  # `name_candidates`
    read_with: Optional[list] = None  # the mention's actors when read (`Readings.extend`)


def mention_reading(mention: Mention, vocabulary: Vocabulary) -> MentionReading:
    """The one rule for what the linker reads of a mention by itself (its actors already read)."""
    end = first_sentence_end(mention.excerpt)
    places = vocabulary.places_of(mention.excerpt[:end])
    words = tokens(mention, vocabulary, end, places)
    main = vocabulary.normalize(RELATIVE_CLAUSE.sub(",", REFERENCE.sub(" ", headline(mention, end=end))))
    actors = mention.actors
    return MentionReading(
        words, frozenset(vocabulary.kinds_of(main)), frozenset(vocabulary.means_of(main)),
        frozenset({a.actor_id for a in actors if a.role in DOER_ROLES} - UBIQUITOUS_ACTORS),
        frozenset({a.actor_id for a in actors} - UBIQUITOUS_ACTORS), frozenset(w for w in words if w[0] == "#"),
        frozenset(name_candidates(mention, vocabulary, end, places)), actors)


@dataclass
class Readings:
    """The linker's readings of mentions: one document's as read (`mentions`, `read_for_linking`), or,
    gathered document by document (`extend`), each kept as numbers (`held`, `HeldProfiles`: the profile
    the scorer makes of it when a pair reads it); and every word their excerpts write in lower case
    (`lower_words`)."""

    mentions: list[MentionReading] = field(default_factory=list)
    lower: set[str] = field(default_factory=set)
    held: "HeldProfiles" = field(default_factory=lambda: HeldProfiles())

    def extend(self, mentions: list[Mention], readings: "Readings", vocabulary: Vocabulary) -> None:
        """Add one document's readings, made for `mentions` (the reading objects are let go with the
        document). A reading made before its mention's actors were settled (workers.settle read the
        mention again) is made again, by the same rule."""
        for mention, reading in zip(mentions, readings.mentions, strict=True):
            if reading.read_with is not mention.actors and reading.read_with != mention.actors:
                reading = mention_reading(mention, vocabulary)
            self.held.add(reading)
        self.lower |= readings.lower

    def let_go(self) -> None:
        """Hold nothing more (the scorer holds the profiles now)."""
        self.mentions, self.lower, self.held = [], set(), HeldProfiles()


class HeldProfiles:
    """Every mention's profile as numbers, from its document's reading to the end of the links: per
    mention its distinct words (ids into `vocabulary`, one run after another in `words`) and its six
    sets (kinds, means, doers, actors, places, names: ids into `sets`, the distinct sets of the corpus,
    a few thousand). A `_Profile` is about 220 bytes with its tuple of words; held here, some 60. The
    scorer makes a mention's profile again (`profile`) when its pairs are scored: the same words (the
    very strings), in the same order, so every sum over them is the same to the last bit. `df` counts
    the mentions that have each word as they come (the IDF needs nothing else of the corpus)."""

    SETS = ("kinds", "means", "doers", "actors", "places", "names")

    def __init__(self):
        self.words = array("i")  # each mention's distinct words, in order, one mention after another
        self.ends = array("q")  # where each mention's words end in `words`
        self.set_ids = array("i")  # per mention, its SETS as ids into `sets`
        self.repeats: dict[int, Union[bytes, tuple]] = {}  # mention -> how often each word comes, when one repeats
        self.vocabulary: list[str] = []  # word id -> the word (one string per word)
        self.df = array("i")  # word id -> how many mentions have it
        self.sets: list[frozenset] = []  # set id -> the set
        self._word_ids: dict[str, int] = {}
        self._set_ids: dict[frozenset, int] = {}
        self._sealed = False  # `seal` has run: no mention is added after

    def __len__(self) -> int:
        return len(self.ends)

    def add(self, reading: MentionReading) -> None:
        if self._sealed:
            raise RuntimeError("a mention added to profiles already sealed")
        words = reading.words
        distinct = dict.fromkeys(words)
        ids, vocabulary, df, add_ids = self._word_ids, self.vocabulary, self.df, self.words.append
        for word in distinct:
            at = ids.get(word)
            if at is None:
                at = ids[word] = len(vocabulary)
                vocabulary.append(word)
                df.append(0)
            df[at] += 1
            add_ids(at)
        if len(distinct) < len(words):  # few do: how often each comes
            counted = Counter(words)
            repeats = [counted[w] for w in distinct]
            self.repeats[len(self.ends)] = bytes(repeats) if max(repeats) < 256 else tuple(repeats)
        self.ends.append(len(self.words))
        set_ids, sets = self._set_ids, self.sets
        for name in self.SETS:
            value = getattr(reading, name)
            at = set_ids.get(value)
            if at is None:
                value = self._held_once(value)
                at = set_ids[value] = len(sets)
                sets.append(value)
            self.set_ids.append(at)

    def seal(self) -> None:
        """Every mention is in: let go of what only `add` reads (the maps from a word and from a set to
        its id; their tables came to 1.5 MB at corpus-100000, the sets' map most of it, growing with the
        distinct sets), before the scoring."""
        self._word_ids, self._set_ids = {}, {}
        self._sealed = True

    @staticmethod
    def _held_once(found: frozenset) -> frozenset:
        """A new set, of its members held once each (sys.intern, as `build.Shared` holds repeated strings).
        Each document's readings arrive with their own copies (a worker's, pickled), and most distinct sets
        are a report's names ("belt", "road", "initiative"), each also in many others: at corpus-1000000,
        370,094 strings in the sets, some 21 MB (`python -m bench.census ... --stage links`). Only read as
        sets (compared, intersected, sorted for keys), never by identity or in their own order."""
        return frozenset([sys.intern(member) for member in found])

    def set_of(self, i: int, name: str) -> frozenset:
        """One of the i-th mention's SETS, by name: its profile's `kinds`, `actors` and so on (the names as read)."""
        return self.sets[self.set_ids[6 * i + self.SETS.index(name)]]

    def kinds(self, i: int) -> frozenset:
        """The kinds of event the i-th mention names (its profile's `kinds`)."""
        return self.set_of(i, "kinds")

    def words_of(self, i: int) -> tuple[str, ...]:
        """The i-th mention's distinct words, in order (its profile's `words`)."""
        vocabulary = self.vocabulary
        return tuple([vocabulary[k] for k in self.word_ids(i)])

    def word_ids(self, i: int) -> array:
        return self.words[self.ends[i - 1] if i else 0 : self.ends[i]]

    def profile(self, i: int) -> "_Profile":
        """The i-th mention's profile as it was read (`_Profile.complete` adds what needs the corpus)."""
        sets, at = self.sets, 6 * i
        kinds, means, doers, actors, places, names = (sets[k] for k in self.set_ids[at : at + 6])  # in SETS' order
        return _Profile(self.words_of(i), self.repeats.get(i), kinds, means, doers, actors, places, names)


def read_for_linking(mentions: list[Mention], vocabulary: Vocabulary) -> Readings:
    """What the linker reads of these mentions (one document's, or all) that needs no other mention."""
    return Readings([mention_reading(m, vocabulary) for m in mentions], lower_words(mentions))


@functools.lru_cache(maxsize=1 << 16)  # the same few thousand words, stemmed once each
def stem(word: str) -> str:
    """A light suffix stripper: enough for 'patrols'/'patrol', 'signed'/'sign', 'development'/'develop'."""
    for suffix in ("ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def span(mention: Mention) -> tuple[str, str]:
    return _facts_of(mention)[:2]


def days_of(mention: Mention) -> Optional[int]:
    """How many days the mention's bounds allow (1: a known day), None when a bound is unknown."""
    return _width(_facts_of(mention))


def _facts_of(mention: Mention) -> tuple:
    date = mention.date
    return _facts(date.earliest, date.latest, date.end)


@functools.lru_cache(maxsize=None)
def _facts(earliest: Optional[str], latest: Optional[str], end: Optional[str]) -> tuple:
    """(first day, last day, width in days, then the bounds as given) of a mention's dates: its span
    and `days_of`. Pairs meet the same few thousand bounds again and again: each is worked out once."""
    try:
        width = width_days(earliest, latest)
    except ValueError:
        width = _UNREADABLE  # days_of raises, as width_days does, when it is asked for
    return earliest or LOW, max(latest or HIGH, end or ""), width, earliest, latest, end


_UNREADABLE = object()


def _width(facts: tuple) -> Optional[int]:
    width = facts[2]
    if width is _UNREADABLE:
        return width_days(facts[3], facts[4])  # raises, naming the date
    return width


@functools.lru_cache(maxsize=None)
def _day_number(day: str) -> Optional[int]:
    try:
        return dt.date.fromisoformat(day).toordinal()
    except ValueError:
        return None


def gap_days(a: Mention, b: Mention) -> int:
    """Days between the two reports' spans (the bounds, and a multi-day event's end); 0 when they overlap."""
    return _gap(_facts_of(a), _facts_of(b))


def _gap(fa: tuple, fb: tuple) -> int:
    a0, a1 = fa[0], fa[1]
    b0, b1 = fb[0], fb[1]
    if a0 <= b1 and b0 <= a1:
        return 0
    first_end, later_start = (a1, b0) if a1 < b0 else (b1, a0)
    later, first = _day_number(later_start), _day_number(first_end)
    return 10**6 if later is None or first is None else later - first


def _shifted(day: str, days: int) -> str:
    if day in (LOW, HIGH):
        return day
    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
    except (ValueError, OverflowError):
        return day


def date_score(a: Mention, b: Mention) -> Optional[float]:
    """Date evidence, from 1 down: how likely two reports of different events would fall together.

    1 for the same single day, or a single day inside the other's multi-day span (a curated end);
    for overlapping bounds, less the wider they are: 1 - log(width) / log(WIDE_DAYS), nothing (None)
    from WIDE_DAYS days on (a coverage window says nothing about the day). Spans a day or two apart
    (a secondary timeline's printed day against another source's bounds) keep DATE_NEAR of it."""
    return _pair_dates(_facts_of(a), _facts_of(b))[1]


@functools.lru_cache(maxsize=1 << 16)
def _pair_dates(fa: tuple, fb: tuple) -> tuple[int, Optional[float]]:
    """(gap_days, date_score) of two mentions' date facts: many pairs share their two dates."""
    gap = _gap(fa, fb)
    return gap, _date_evidence(fa, fb, gap)


def _date_evidence(fa: tuple, fb: tuple, gap: int) -> Optional[float]:
    wa, wb = _width(fa), _width(fb)
    for width, day, other in ((wa, fa, fb), (wb, fb, fa)):
        if width == 1 and other[5] and other[0] <= day[3] <= other[1]:
            return 1.0  # a report of one day of a multi-day event whose span is known
    if wa is None or wb is None:
        return None
    width = max(wa, wb)
    if width >= WIDE_DAYS:
        return None
    evidence = 1.0 - math.log(width) / math.log(WIDE_DAYS)
    if gap:
        return round(evidence * DATE_NEAR[gap], 4) if gap in DATE_NEAR else None
    return round(evidence, 4)


def overlaps(a: Mention, b: Mention) -> bool:
    """Whether the pair is compared at all: the spans overlap, or one is a single printed day at most
    DATE_SLACK days off the other's bounds. Two windows that do not meet are different events, however
    close (a year's chronology and the next year's: the annual forum of each year)."""
    return _near(_facts_of(a), _facts_of(b))


def _near(fa: tuple, fb: tuple) -> bool:
    """`overlaps`, given the facts of the two dates (`_facts_of`)."""
    gap = _gap(fa, fb)
    return gap == 0 or (gap <= DATE_SLACK and 1 in (_width(fa), _width(fb)))


W_TEXT, W_DATE, W_ACTORS, W_KIND, W_PLACE, W_NAMES = (WEIGHTS[f] for f in ("text", "date", "actors", "kind", "place", "names"))


def _total(text: float, date: Optional[float], actor: Optional[float], kind: Optional[float],
           place: Optional[float], names: Optional[float]) -> float:
    """A pair's score: the weighted mean of its features that have evidence (None: none), their WEIGHTS
    rescaled to sum to 1, summed in the order of WEIGHTS, rounded to 4 places."""
    weighted, weights = _weigh(W_TEXT * text, date, actor, kind, place, names)
    return round(weighted / weights, 4)


def _weigh(weighted: float, date: Optional[float], actor: Optional[float], kind: Optional[float],
           place: Optional[float], names: Optional[float]) -> tuple[float, float]:
    """`weighted` (the text's share) plus the weighted evidence of the other features that have it, in the
    order of WEIGHTS, and the weights that apply (the text's always)."""
    weights = W_TEXT
    if date is not None:
        weighted, weights = weighted + W_DATE * date, weights + W_DATE
    if actor is not None:
        weighted, weights = weighted + W_ACTORS * actor, weights + W_ACTORS
    if kind is not None:
        weighted, weights = weighted + W_KIND * kind, weights + W_KIND
    if place is not None:
        weighted, weights = weighted + W_PLACE * place, weights + W_PLACE
    if names is not None:
        weighted, weights = weighted + W_NAMES * names, weights + W_NAMES
    return weighted, weights


class Scorer:
    """TF-IDF over the mentions being linked, plus the date, actor, kind and place features."""

    def __init__(self, mentions: list[Mention], vocabulary: Vocabulary, readings: Optional[Readings] = None):
        """`readings`: what `read_for_linking` read of `mentions` (in their order), gathered by
        `Readings.extend`, when the caller has it; used up: the scorer takes the profiles it holds."""
        self.vocabulary = vocabulary
        if readings is None:
            readings = Readings()
            readings.extend(mentions, read_for_linking(mentions, vocabulary), vocabulary)
        if len(readings.held) != len(mentions):
            raise ValueError(f"{len(readings.held)} readings for {len(mentions)} mentions")
        self._index = Positions(mentions)
        self.held = readings.held
        self.held.seal()
        n = max(len(mentions), 1)
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in zip(self.held.vocabulary, self.held.df)}
        self._shared_sets: dict[frozenset, frozenset] = {}
        self._lower = readings.lower  # every word the corpus writes in lower case: a name it is not
        readings.let_go()
        self._compatible: dict[tuple[frozenset, frozenset], bool] = {}
        self._figures: dict[float, float] = {}
        self._key_ids: Optional[BlockingKeyIds] = None

    def profile(self, mention: Mention) -> "_Profile":
        return self.profile_at(self._index.of(mention))

    def profile_at(self, i: int) -> "_Profile":
        """The profile of the i-th mention, made again from the numbers held, completed."""
        profile = self.held.profile(i)
        profile.complete(self, self._lower)
        return profile

    def _share(self, items: set) -> frozenset:
        frozen = frozenset(items)
        return self._shared_sets.setdefault(frozen, frozen)

    def _norm(self, profile: "_Profile") -> float:
        """The length of a mention's TF-IDF vector, whose weight for a word is count * IDF / norm
        (`_Profile`): worked out at each pair from the counts, not held per word."""
        idf = self.idf
        return math.sqrt(sum(v * v for v in (c * idf[w] for w, c in profile.counted()))) or 1.0

    def content(self, a: Mention, b: Mention) -> float:
        """Mean of the TF-IDF cosine and the containment of the shorter headline in the other."""
        pa, pb = self.profile(a), self.profile(b)
        return self._content(pa, pb, set(pa.words).intersection(pb.words))

    def _content(self, pa: "_Profile", pb: "_Profile", common: set[str]) -> float:
        """`content`, given the words the two share."""
        means_a, means_b = pa.means, pb.means
        credit = MEANS_SHARED if means_a and means_b and not means_a.isdisjoint(means_b) else 0.0
        if not common:  # most pairs blocking proposes share an actor or a day, not a word
            return min(1.0, 0.0 + credit)
        # Summed over the words shared only (the others add nothing), in the order of the whole sum
        # (the shorter vector's words; the first mention's weights), so the figure is the same to the last bit.
        # A word's weight is count * IDF / norm, worked out as it always was, so the same float.
        idf = self.idf
        if len(common) == 1:  # the usual case: one shared word, nothing to order
            (w,) = common
            cosine, shared = (pa.count(w) * idf[w] / pa.norm) * (pb.count(w) * idf[w] / pb.norm), idf[w] ** 2
        else:
            sa, sb = (pb, pa) if len(pa.words) > len(pb.words) else (pa, pb)
            na, nb = sa.norm, sb.norm
            cosine = sum((sa.count(w) * idf[w] / na) * (sb.count(w) * idf[w] / nb) for w in sa.words if w in common)
            # In the order of set(words), as `weight_sum` sums: the same figure to the last bit.
            shared = sum(idf[w] ** 2 for w in set(pa.words) if w in common)
        smaller = min(pa.weight_sum, pb.weight_sum)
        containment = shared / smaller if smaller else 0.0
        return min(1.0, (cosine + containment) / 2 + credit)

    def score(self, a: Mention, b: Mention, at_least: Optional[float] = None) -> Optional[PairScore]:
        """The pair's features and score; None when `at_least` is given and the score falls below it
        (most pairs blocking proposes: no record of them is made)."""
        pa, pb = self.profile(a), self.profile(b)
        return self._score(a, b, pa, pb, _facts_of(a), _facts_of(b), at_least, set(pa.words), pb.words)

    def _score(self, a: Mention, b: Mention, pa: "_Profile", pb: "_Profile", fa: tuple, fb: tuple,
               at_least: Optional[float], known: set[str], other: tuple[str, ...]) -> Optional[PairScore]:
        """`score`, given the two profiles, the facts of the two dates, and the words of one of the two as
        a set and the other's (`_pair_figures`)."""
        figures = self._pair_figures(pa, pb, fa, fb, at_least, known, other)
        return None if figures is None else self._pair(a, b, figures)

    def _pair(self, a: Mention, b: Mention, figures: tuple) -> PairScore:
        """The pair of `a` and `b` with the figures `_pair_figures` gave it."""
        text, date, actor, kind, total, place, names, gap, named = figures
        figure = self._figure
        return PairScore(a, b, figure(text), date, None if actor is None else figure(actor), kind,
                         figure(total), place=place, names=names, gap=gap or None, named=named)

    def _pair_figures(self, pa: "_Profile", pb: "_Profile", fa: tuple, fb: tuple, at_least: Optional[float],
                      known: set[str], other: tuple[str, ...]) -> Optional[tuple]:
        """A pair's figures (text, date, actors, kind, score, place, names, gap, named: PairScore's), given
        the two profiles, the facts of the two dates (`_facts_of`), and the words of one
        of the two as a set (`known`: made once for all the pairs of a mention, not once per pair) and the
        other's (`other`). The features other than the text come first: when even the most a text could say
        would leave the total below `at_least`, the texts are never compared (`need` below: no pair that
        reaches it is dropped), and a pair is worked out in full only when its text could bring it there."""
        doers_a, doers_b = pa.doers, pb.doers
        if doers_a and doers_b:  # who did it, where both say; else every actor named
            actors_a, actors_b = doers_a, doers_b
        else:
            actors_a, actors_b = pa.actors, pb.actors
        if actors_a and actors_b:  # Jaccard: |A & B| / |A | B|, the union counted, not made
            shared = len(actors_a & actors_b)
            actor = shared / (len(actors_a) + len(actors_b) - shared)
        else:
            actor = None
        names_a, names_b = pa.names, pb.names
        # Each gives a name the other does not (the Tanvo deal, the Zhentro deal): two events. A name one
        # gives and the other leaves out says nothing: the text counts names shared.
        names = -1.0 if names_a and names_b and not names_a <= names_b and not names_b <= names_a else None
        # The same two or more named people (not states) did it in both: as telling as a shared name.
        named = len(doers_a) > 1 and len(doers_b) > 1 and len(doers_a & doers_b - self.vocabulary.states) >= 2
        if named and names is None:
            names = 1.0
        kind = self._kind_score(pa, pb) if (pa.means and pb.means) or (pa.kinds and pb.kinds) else None
        places_a, places_b = pa.places, pb.places
        place = (-1.0 if places_a.isdisjoint(places_b) else 1.0) if places_a and places_b else None
        gap, date = _pair_dates(fa, fb)
        if at_least is None:
            text = self._content(pa, pb, known.intersection(other))
        else:
            # The least text that could bring the total to `at_least`: the total is W_TEXT * text plus the
            # other features' weighted evidence (`rest`), over the weights that apply, rounded to 4 places
            # (`_total`). A total that rounds to `at_least` or more is at least `at_least` - 0.00005 before
            # rounding; `need` is worked out against `at_least` - 0.0001, whose extra 0.00005 is far more
            # than the floating-point error of either side (about 1e-15: every feature lies within -1..1):
            # a pair whose text falls short of `need` falls short of `at_least`, and the texts of one that
            # cannot reach it (`need` above 1, the most a text says) are never compared. The figures of a
            # pair that can are worked out in full, by `_total`, as when no threshold is given.
            rest, weights = _weigh(0.0, date, actor, kind, place, names)
            need = ((at_least - 0.0001) * weights - rest) / W_TEXT
            if need > 1.0:
                return None
            if need > MEANS_SHARED and known.isdisjoint(other):
                return None  # no word shared: the text says MEANS_SHARED at most (`_content`)
            text = self._content(pa, pb, known.intersection(other))
            if text < need:
                return None
        total = _total(text, date, actor, kind, place, names)  # the kept pairs' figures, worked out in full
        if at_least is not None and total < at_least:
            return None
        return (round(text, 4), date, None if actor is None else round(actor, 4), kind, total, place, names, gap,
                named)

    def _figure(self, value: float) -> float:
        """The one float held for a figure rounded to 4 places (at most 20,001 of them): the pairs kept
        to the write share them. Zero is left as it is (0.0 and -0.0 are equal keys, not one value)."""
        return self._figures.setdefault(value, value) if value else value

    def kind_score(self, a: Mention, b: Mention) -> Optional[float]:
        return self._kind_score(self.profile(a), self.profile(b))

    def _kind_score(self, pa: "_Profile", pb: "_Profile") -> Optional[float]:
        means_a, means_b = pa.means, pb.means
        if means_a and means_b and not means_a & means_b:
            return -1.0  # a naval patrol and an air patrol
        kinds_a, kinds_b = pa.kinds, pb.kinds
        if not kinds_a or not kinds_b:
            return None
        if kinds_a & kinds_b:
            return 1.0
        # Kinds that go together (an agreement signed at a summit) say nothing either way.
        pair = (kinds_a, kinds_b)  # frozensets, one per distinct set of kinds (Scorer._share)
        compatible = self._compatible.get(pair)
        if compatible is None:  # a few dozen sets of kinds: each pair of them judged once
            compatible = self._compatible[pair] = self.vocabulary.compatible_kinds(kinds_a, kinds_b)
        return None if compatible else -1.0

    def blocking_keys(self, mention: Mention) -> set[str]:
        """A mention's blocking keys, by name (`BlockingKeyIds` holds the rule)."""
        keys = self.key_ids()
        return {keys.name(key) for key in keys.of(self._index.of(mention), _facts_of(mention))}

    def key_ids(self) -> "BlockingKeyIds":
        """The mentions' blocking keys as numbers, made once."""
        if self._key_ids is None:
            self._key_ids = BlockingKeyIds(self.held)
        return self._key_ids


class BlockingKeyIds:
    """The blocking keys of each mention: its words ("w:word"), places ("p:place"), actors ("a:actor"),
    and its day ("d:day") when it is known to the day. Read as numbers, one per key, from the numbers
    the mention is held as (`HeldProfiles`) without making a string: a word's key is the word's id; a
    place's, an actor's and a day's come after the vocabulary, numbered as they are first met (`name`
    gives a key's name).

    What is worked out once (the keys of each set of places and of actors, each mention's day key) is
    held in arrays, not in dicts of tuples: a forked process reading a mention's keys again
    (`_Candidates.pairs`) then writes to none of the objects it shares with the main process, each page
    of which it would copy (some 11 MB at corpus-100000 with the tuples)."""

    _UNSET, _NONE = -2, -1  # a mention's day key not worked out yet; a mention not known to the day

    def __init__(self, held: HeldProfiles):
        self.held = held
        # Which words are blocking keys: a word, not an actor or a place (those come from the sets).
        self.word_is_key = bytes(w[0] not in "@#" for w in held.vocabulary)
        self.other: dict[str, int] = {}  # "p:place", "a:actor", "d:day" -> its id
        self.other_names: list[str] = []  # those keys in the order of their ids
        # The key ids of set s's places are set_keys[run_start[2 * s]:run_end[2 * s]], of its actors at
        # 2 * s + 1; run_start -1 until worked out.
        self.set_keys = array("i")
        self.run_start = array("q", [-1]) * (2 * len(held.sets))
        self.run_end = array("q", [0]) * (2 * len(held.sets))
        self.day_key = array("i", [self._UNSET]) * len(held)  # per mention: its day's key id, or _NONE

    def _id(self, key: str) -> int:
        found = self.other.get(key)
        if found is None:
            found = self.other[key] = len(self.word_is_key) + len(self.other)
            self.other_names.append(key)
        return found

    def name(self, key: int) -> str:
        """The key numbered `key`, by name ("w:word", "p:place", "a:actor", "d:day")."""
        words = len(self.word_is_key)
        return f"w:{self.held.vocabulary[key]}" if key < words else self.other_names[key - words]

    def _of_set(self, set_id: int, actors: int, keys: Callable[[frozenset], Iterable[str]]) -> array:
        """The key ids of set `set_id`'s places (`actors` 0) or actors (1), `keys` naming them."""
        at = 2 * set_id + actors
        start = self.run_start[at]
        if start < 0:
            made = [self._id(key) for key in sorted(keys(self.held.sets[set_id]))]
            start = self.run_start[at] = len(self.set_keys)
            self.set_keys.extend(made)
            self.run_end[at] = len(self.set_keys)
        return self.set_keys[start:self.run_end[at]]

    def of(self, i: int, facts: tuple) -> list[int]:
        """The ids of the i-th mention's blocking keys, each once; `facts` are its date's (`_facts_of`)."""
        held, is_key = self.held, self.word_is_key
        ids = [w for w in held.word_ids(i) if is_key[w]]  # a mention's words are distinct
        at = 6 * i
        ids += self._of_set(held.set_ids[at + 4], 0, _place_keys)
        ids += self._of_set(held.set_ids[at + 3], 1, _actor_keys)
        day = self.day_key[i]
        if day == self._UNSET:
            day = self.day_key[i] = self._id(f"d:{facts[3]}") if _width(facts) == 1 else self._NONE
        if day != self._NONE:
            ids.append(day)
        return ids


def _place_keys(places: frozenset) -> set[str]:
    return {f"p:{w[1:]}" for w in places}  # a place's token without its prefix


def _actor_keys(actors: frozenset) -> set[str]:
    return {f"a:{a}" for a in actors}


class _Profile:
    """What every pair reads of one mention, worked out once for all its pairs: a mention is met in
    hundreds of pairs. Made again from the numbers its reading is held as (`HeldProfiles.profile`) when
    its pairs come; `complete` adds what needs the whole corpus (the IDF weights; the names the corpus
    also writes in lower case)."""

    __slots__ = ("words", "repeats", "norm", "weight_sum", "means", "kinds", "doers", "actors", "names", "places")

    def __init__(self, words: tuple[str, ...], repeats: Union[None, bytes, tuple], kinds: frozenset,
                 means: frozenset, doers: frozenset, actors: frozenset, places: frozenset, names: frozenset):
        # Each distinct word once, in the order of the words, and how often each comes only when one comes
        # more than once (few do): a tuple, not a dict per mention.
        self.words, self.repeats = words, repeats
        self.norm = self.weight_sum = 0.0
        self.means, self.kinds, self.doers = means, kinds, doers
        self.actors, self.places, self.names = actors, places, names  # every actor named, the two states aside

    def count(self, word: str) -> int:
        """How often one of its words comes."""
        return 1 if self.repeats is None else self.repeats[self.words.index(word)]

    def counted(self) -> Iterable[tuple[str, int]]:
        """Each distinct word and how often it comes, in the order of the words."""
        return zip(self.words, self.repeats) if self.repeats is not None else ((w, 1) for w in self.words)

    def complete(self, scorer: Scorer, lower: set[str]) -> None:
        idf = scorer.idf
        self.norm = scorer._norm(self)
        # The containment weighs each distinct word by its IDF squared, summed in the order of the set of
        # the words: set(words) grows as set(dict keys) did (the same first insertions), so the same order.
        self.weight_sum = sum(idf[w] ** 2 for w in set(self.words))
        names = self.names
        if names and not names.isdisjoint(lower):
            self.names = scorer._share(names - lower)


# --- linking -------------------------------------------------------------------------------------

def candidate_pairs(mentions: list[Mention], scorer: Scorer) -> Iterable[tuple[Mention, Mention]]:
    """Pairs that share a blocking key and whose dates overlap, each once, in a stable order."""
    for i, j, _ in _candidate_indices(mentions, scorer):
        yield mentions[i], mentions[j]


def _candidate_indices(mentions: list[Mention], scorer: Scorer,
                       passed: Optional[Callable[[int], None]] = None) -> Iterable[tuple[int, int, int]]:
    """`candidate_pairs`, as positions in `mentions`, the mention with the lower key first, each with the
    position of the one (i or j) among whose partners it was found: the pairs come grouped by that one,
    in the order of the start of their spans (widened by DATE_SLACK days), and each of its partners
    starts no earlier than it. `passed(i)`, when given, is called once each mention's pairs have all come
    (whether it had any or not): no later pair has it."""
    return _Candidates(mentions, scorer).pairs(passed=passed)


class _Candidates:
    """What `_candidate_indices` needs to propose the pairs of any run of mentions in the order of their
    starts (`pairs`), worked out once for the whole corpus: each mention's rank in that order, and the
    blocks.

    Each usable block is sorted by the start of its members' spans (widened by DATE_SLACK days); a
    pair is met from the member that comes first in that order, among the members that start no later
    than that one ends (a slice found by bisection, so pairs whose dates cannot meet are never looked
    at). A mention's partners over all its blocks are gathered in one set, so a pair two blocks share is
    compared once, and memory grows with one mention's neighbours, not with the pairs (tens of millions
    on a large corpus). A block serves a mention only when at most MAX_BLOCK of its members start within
    BLOCK_DAYS of that mention's start or inside its span (`block_serves`), so no mention is ever
    compared with more than MAX_BLOCK members of one block; the pair is met from the one that starts first.
    Nothing here reads a mention once it is made: a forked process proposing pairs touches (and so
    copies) none of them.
    """

    def __init__(self, mentions: list[Mention], scorer: Scorer):
        # Compared when the spans overlap once each is widened by DATE_SLACK days at its start. Many
        # mentions share their dates: each distinct start is widened once.
        # Each mention's date facts (first day, last day, ...), by position: shared by the mentions of one date.
        self.facts = facts_of = [_facts_of(m) for m in mentions]
        widened: dict[str, str] = {}
        starts = []  # each mention's widened start
        for facts in facts_of:
            start = widened.get(facts[0])
            if start is None:
                start = widened[facts[0]] = _shifted(facts[0], -DATE_SLACK)
            starts.append(start)
        del widened
        n = len(mentions)
        # By the widened start, ties in the order of `mentions` (a stable sort of the places): a mention's
        # rank. Its partners are near it in that order, and all come after it.
        self.order = order = array("i", sorted(range(n), key=starts.__getitem__))
        self.starts = [starts[i] for i in order]  # sorted
        self.facts_of = facts_of = [facts_of[i] for i in order]  # by rank
        self.sources = [mentions[i].source_id for i in order]
        self.keys = keys = scorer.key_ids()
        # The blocks of two or more members, one run after another in `members` (block b's from start[b] to
        # start[b + 1]), each run's ranks in rank order; block_of[key id] is the key's block, or -1 for a key
        # of one member. Counted in one pass over the keys and filled in a second, so no Python object is
        # made per block or per key: a forked process reading them copies no page of them.
        counts = array("i", [0]) * len(keys.word_is_key)  # per key id; the other keys' come after the words'
        for r, i in enumerate(order):
            for key in keys.of(i, facts_of[r]):
                if key >= len(counts):
                    counts.extend(array("i", [0]) * (key + 1 - len(counts)))
                counts[key] += 1
        self.block_of = block_of = array("i", [0]) * len(counts)
        self.start = start = array("q", [0])
        for key, count in enumerate(counts):
            if count > 1:
                block_of[key] = len(start) - 1
                start.append(start[-1] + count)
            else:
                block_of[key] = -1
        del counts
        self.members = members = array("i", [0]) * start[-1]
        filled = array("q", start[:-1])  # where each block's next member goes
        for r, i in enumerate(order):
            for key in keys.of(i, facts_of[r]):
                b = block_of[key]
                if b >= 0:
                    members[filled[b]] = r
                    filled[b] += 1

    def __len__(self) -> int:
        return len(self.order)

    def blocks_of(self, i: int, facts: tuple) -> list[int]:
        """The blocks of two or more members among the i-th mention's blocking keys, whose date's facts
        are `facts`."""
        block_of = self.block_of
        return [b for b in (block_of[key] for key in self.keys.of(i, facts)) if b >= 0]

    def pairs(self, part: int = 0, parts: int = 1,
              passed: Optional[Callable[[int], None]] = None) -> Iterable[tuple[int, int, int]]:
        """The pairs met from the mentions of one of `parts` parts (`part`, from 0) of the ranks: runs of
        PART_RANKS ranks dealt in turn, so that each part has mentions of every season and about as many
        pairs (`_candidate_indices`). Every mention is passed, in rank order, its own part's after its pairs."""
        order, starts, facts_of, sources = self.order, self.starts, self.facts_of, self.sources
        members, start, blocks_of = self.members, self.start, self.blocks_of
        for own, i in enumerate(order):  # a mention's pairs, then it is passed
            if (own // PART_RANKS) % parts == part:
                yield from _pairs_from(own, i, blocks_of(i, facts_of[own]), members, start, order, starts,
                                       facts_of, sources)
            if passed is not None:
                passed(i)


def _pairs_from(own: int, i: int, blocks: list[int], members: array, start: array, order: array,
                starts: list[str], facts_of: list[tuple], sources: list[str]) -> Iterable[tuple[int, int, int]]:
    """The pairs met from the mention of rank `own` (position i in the mentions), over its `blocks` of two
    or more (block b's ranks are members[start[b]:start[b + 1]]): `_candidate_indices`, for one mention."""
    if not blocks:
        return  # alone in each of its blocks
    fa = facts_of[own]
    r0 = fa[0]
    a0, a1 = starts[own], fa[1]  # the widened span; r0..a1 the bounds
    source = sources[own]
    # The ranks that start within BLOCK_DAYS of this mention's start or inside its span, [low, high),
    # and those that start no later than it ends, [0, last): `starts` is sorted.
    low = bisect.bisect_left(starts, _shifted(a0, -BLOCK_DAYS))
    high = bisect.bisect_right(starts, max(a1, _shifted(a0, BLOCK_DAYS)))
    last = bisect.bisect_right(starts, a1)
    partners: set[int] = set()
    left, right = bisect.bisect_left, bisect.bisect_right
    for b in blocks:
        first, end = start[b], start[b + 1]
        if not block_serves(members, low, high, first, end):
            continue  # too common in the months around this mention
        partners.update(members[right(members, own, first, end) : left(members, last, first, end)])
    for r in sorted(partners):
        if source == sources[r]:  # a document reports each event once; later mentions recall others
            continue
        fb = facts_of[r]
        s0, s1 = fb[0], fb[1]
        if a0 > s1:  # (and it starts no later than this one ends: r < last)
            continue
        if (r0 <= s1 and s0 <= a1) or _near(fa, fb):  # the dates overlap, or nearly (DATE_SLACK)
            j = order[r]
            # The lower key first: the sources differ, so the source ids decide.
            yield (i, j, i) if source < sources[r] else (j, i, i)


def block_serves(members, low: int, high: int, first: int = 0, end: Optional[int] = None) -> bool:
    """Whether a block is rare enough to propose pairs for a mention: at most MAX_BLOCK of its members
    start within BLOCK_DAYS before its start to BLOCK_DAYS after it or its span's end, whichever is
    later. The block's members are `members[first:end]` (all of them by default), ranks in the order of
    the start of their widened spans, and those that start in that window are the ranks from `low` up
    to, not including, `high`."""
    end = len(members) if end is None else end
    if end - first <= MAX_BLOCK:
        return True
    return bisect.bisect_left(members, high, first, end) - bisect.bisect_left(members, low, first, end) <= MAX_BLOCK


class Positions:
    """Each mention's place in a list, by its key (source id, position), held as numbers, not a tuple and an
    int object per mention. Per source: when its mentions lie in a run of places in the order of a run of
    positions (as a build lists them), the first of each and the count; else its positions in order and
    their places, found by bisection."""

    __slots__ = ("by_source",)

    def __init__(self, mentions: list[Mention]):
        places: dict[str, dict[int, int]] = {}
        for i, mention in enumerate(mentions):
            places.setdefault(mention.source_id, {})[mention.position] = i  # the last, for a key given twice
        self.by_source: dict[str, tuple] = {}
        while places:
            source, found = places.popitem()
            positions = sorted(found)
            first, base = positions[0], found[positions[0]]
            if positions[-1] - first == len(positions) - 1 and all(found[p] == base + p - first for p in positions):
                self.by_source[source] = (first, base, len(positions))
            else:
                self.by_source[source] = (array("i", positions), array("i", [found[p] for p in positions]))

    def __getitem__(self, key: tuple[str, int]) -> int:
        return self._at(key[0], key[1])

    def of(self, mention: Mention) -> int:
        return self._at(mention.source_id, mention.position)

    def _at(self, source: str, position: int) -> int:
        held = self.by_source[source]
        if len(held) == 3:  # a run
            first, base, count = held
            if 0 <= position - first < count:
                return base + position - first
            raise KeyError((source, position))
        positions, places = held
        at = bisect.bisect_left(positions, position)
        if at == len(positions) or positions[at] != position:
            raise KeyError((source, position))
        return places[at]


def union_root(parent: MutableSequence[int], i: int) -> int:
    """The root of `i` in a union-find's `parent` links (a root is its own parent), each link passed on the
    way pointed one step nearer the root (path halving), so later finds are shorter."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


class Clusters:
    """Union-find over mentions that refuses merges breaking a rule (same list twice, a curated 'different').
    A cluster is named by the place in `mentions` of one of its members (`find`); only clusters of two or
    more mentions hold a list of their members."""

    def __init__(self, mentions: list[Mention], apart: list[tuple[Mention, Mention]], index: Positions):
        self.mentions, self.index = mentions, index
        self.parent = array("i", range(len(mentions)))  # each mention's parent, by place in `mentions`
        self.members: dict[int, list[Mention]] = {}  # root -> members, for clusters of two or more
        self.apart = {(a.key, b.key) for a, b in apart} | {(b.key, a.key) for a, b in apart}

    def find(self, key) -> int:
        """The cluster of the mention with this key."""
        return self._root(self.index[key])

    def _root(self, i: int) -> int:
        return union_root(self.parent, i)

    def _members(self, root: int) -> list[Mention]:
        return self.members.get(root) or [self.mentions[root]]

    def conflict(self, a: Mention, b: Mention) -> Optional[str]:
        ra, rb = self.find(a.key), self.find(b.key)
        if ra == rb:
            return "already in one event"
        left, right = self._members(ra), self._members(rb)
        if {m.source_id for m in left} & {m.source_id for m in right}:
            return "would put two mentions of one document in one event"
        if any((x.key, y.key) in self.apart for x in left for y in right):
            return "a curated 'different' decision keeps them apart"
        return None

    def union(self, a: Mention, b: Mention) -> None:
        ra, rb = sorted((self.find(a.key), self.find(b.key)))
        self.parent[rb] = ra
        merged = self._members(ra) + self._members(rb)
        self.members.pop(rb, None)
        self.members[ra] = merged

    def groups(self) -> list[list[Mention]]:
        """Every cluster, its members in the order of their keys, the clusters in the order of their first:
        the mentions are read in the order of their keys (stable sorts, position then source: no key tuple
        per mention), and each cluster is given when its first member is met."""
        by_key = sorted(self.mentions, key=lambda m: m.position)
        by_key.sort(key=lambda m: m.source_id)
        given = bytearray(len(self.mentions))
        groups = []
        for mention in by_key:
            root = self._root(self.index.of(mention))
            if given[root]:
                continue
            given[root] = 1
            members = self.members.get(root)
            groups.append(sorted(members, key=lambda m: m.key) if members else [mention])
        return groups


def content_needed(date: Optional[float], named: bool = False) -> float:
    """The content a link needs, given its date evidence (None: none), and less when the same two or
    more named people did it in both reports a day or two apart (`PairScore.named`)."""
    if named and date:
        return CONTENT_NAMED
    return round(CONTENT_AT + CONTENT_UNDATED * (1 - (date or 0.0)), 4)


def links_on_merit(pair: PairScore) -> bool:
    """Whether a pair's evidence alone makes one event: the score reaches LINK_AT and the texts share
    enough content for its date evidence (the rule `link_mentions` applies)."""
    return pair.score >= LINK_AT and pair.text >= content_needed(pair.date, pair.named)


def same_event_but_the_date(pair: PairScore) -> bool:
    """Whether a pair scored with one side's date widened to its whole window reads as one event: the
    score reaches LINK_AT, the texts share the content a dated link needs (CONTENT_AT: the window says
    nothing, so it cannot stand in for words), and no feature says they differ (kinds that exclude each
    other). Used to catch a curated day that keeps its entry apart from another source's report."""
    return pair.score >= LINK_AT and pair.text >= CONTENT_AT and (pair.kind is None or pair.kind >= 0)


def _date_note(pair: PairScore) -> str:
    if not pair.gap:
        return ""
    (a0, a1), (b0, b1) = span(pair.a), span(pair.b)
    return (f"; the dates are {pair.gap} day{'s' if pair.gap > 1 else ''} apart ({pair.a.source_id} {_range(a0, a1)}, "
            f"{pair.b.source_id} {_range(b0, b1)}): the date lowers the score, each source keeps its own")


# The rules `link_mentions` decides most pairs by, each giving the pair its words (`PairScore.reason`)
# from the pair's own figures and its reports' dates, which nothing changes once the links are made.

def _reason_below(pair: PairScore) -> str:
    return f"score {pair.score} below {LINK_AT}{_date_note(pair)}"


def _reason_too_little_content(pair: PairScore) -> str:
    needed = content_needed(pair.date, pair.named)
    return (f"score {pair.score}, but the texts share too little (content {pair.text} below {needed} for date "
            f"evidence {pair.date}): the date, actors and kind alone do not make one event{_date_note(pair)}")


def _reason_linked(pair: PairScore) -> str:
    return f"score {pair.score} at or above {LINK_AT}{_date_note(pair)}"


def _range(first: str, last: str) -> str:
    return first if first == last else f"{first}..{last}"


MEETING = "summit"  # the kind (curated/linking.yml) of a meeting, a call or a videoconference


def outcome_links(mentions: list[Mention], scorer: Scorer, clusters: Clusters) -> list[PairScore]:
    """An outcome reported on its own ("China and Russia signed a roadmap to military cooperation"): a
    report that names no one but the two states, of a kind that goes with a meeting without being one
    (an agreement), dated to the day, is the outcome of the meeting another source reports within
    DATE_SLACK days that shares a content word with it (here the defence ministers' videoconference),
    when that is the only such meeting any other source reports in those days: two, and nothing says
    which; and nothing says they differ (kinds that exclude each other, places, names). Method 'outcome', scored as any pair; the reason says why. Joins `clusters` as it goes."""
    found = []
    # What is read of each mention here, its kinds and words, is read from the numbers held
    # (`HeldProfiles`), not from a profile made for it.
    at, held = scorer._index.of, scorer.held
    kinds_of = lambda m: held.kinds(at(m))  # noqa: E731
    words_of = lambda m: held.words_of(at(m))  # noqa: E731
    dated = [m for m in mentions if (days_of(m) or HIGH_DAYS) <= NARROW_DAYS + 1 and kinds_of(m)]
    by_day: dict[str, list[Mention]] = defaultdict(list)  # the meetings among them, by day
    meeting_words: dict[tuple, tuple[str, ...]] = {}  # key -> a meeting's words, read once for every report near it
    for m in dated:
        if MEETING in kinds_of(m):
            by_day[m.date.earliest].append(m)
            meeting_words[m.key] = words_of(m)
    for x in dated:
        kinds_x = kinds_of(x)
        if MEETING in kinds_x or not scorer.vocabulary.compatible_kinds(kinds_x, {MEETING}):
            continue
        if days_of(x) != 1 or not x.actors or {a.actor_id for a in x.actors} - UBIQUITOUS_ACTORS:
            continue
        x_words = {w for w in words_of(x) if w[0] not in "@#"}  # words, not actors or places
        near = [y for shift in range(-DATE_SLACK - NARROW_DAYS, DATE_SLACK + 1)
                for y in by_day.get(_shifted(x.date.earliest, shift), [])]
        meetings = [y for y in near if y.source_id != x.source_id and not kinds_x & kinds_of(y)
                    and not x_words.isdisjoint(meeting_words[y.key]) and overlaps(x, y)]
        if len({clusters.find(y.key) for y in meetings}) != 1:
            continue
        y = min(meetings, key=lambda m: m.key)
        if clusters.conflict(x, y):
            continue
        pair = scorer.score(*sorted((x, y), key=lambda m: m.key))
        if -1.0 in (pair.kind, pair.place, pair.names):
            continue  # the kinds exclude each other, or the places or the names differ
        shared = sorted(x_words.intersection(meeting_words[y.key]))
        pair.method = "outcome"
        pair.reason = (f"an outcome ({', '.join(sorted(kinds_x))}) reported with no one but the two states, and the "
                       f"only meeting another source reports within {DATE_SLACK} days that shares its words "
                       f"({', '.join(shared)}); score {pair.score}{_date_note(pair)}")
        clusters.union(x, y)
        found.append(pair)
    return found


def by_keys(pairs: list[PairScore], first: Optional[Callable[[PairScore], object]] = None,
            reverse: bool = False) -> list[PairScore]:
    """`pairs` in the order of their two keys (source id, position), after `first(pair)` when given
    (descending with `reverse`): stable sorts from the least telling field to the most, the order one sort
    by a tuple of them gives, with no key tuple made per pair (a million reports give some 200,000 links)."""
    ordered = sorted(pairs, key=lambda p: p.b.position)
    for least_first in (lambda p: p.b.source_id, lambda p: p.a.position, lambda p: p.a.source_id):
        ordered.sort(key=least_first)
    if first is not None:
        ordered.sort(key=first, reverse=reverse)  # stable, reversed too: equal ones keep the order of the keys
    return ordered


# A corpus smaller than this is scored in one process: a fork would cost more than it saves.
FORK_AT = 20_000
PART_RANKS = 1024  # mentions in a run of the order of their starts that one process scores (`_Candidates.pairs`)


def _score_candidates(mentions: list[Mention], scorer: Scorer, workers: int = 1) -> list[PairScore]:
    """The candidate pairs (`_candidate_indices`) that score CANDIDATE_AT or more, in no set order.

    With two or more `workers` and FORK_AT mentions or more, a forked process (workers.forked) scores
    the pairs of every other run of mentions in the order of their starts (`_Candidates.pairs`) while
    this one scores the rest: the same pairs, with the same figures (the same code on the same numbers),
    whatever the number of workers."""
    candidates = _Candidates(mentions, scorer)
    facts = candidates.facts
    pair = scorer._pair
    if workers < 2 or len(candidates) < FORK_AT or not can_fork():
        return [pair(mentions[i], mentions[j], figures) for i, j, figures in _scored_figures(candidates, scorer, facts)]
    with forked(lambda: _scored_figures(candidates, scorer, facts, 1, 2)) as other_half:
        # Each page either process writes while both run is copied (and so held twice): this one reads no
        # mention until the other has ended, its half's pairs waiting on disk as figures meanwhile. Its own
        # pairs are made first, as they were when made while it scored: made after the other half's,
        # the main process peaked 26 MB higher in the later stages at 1M (979.6 MB against 953.2).
        with spooled(_scored_figures(candidates, scorer, facts, 0, 2)) as own_half:
            theirs = other_half()
            first = list(itertools.islice(theirs, 1))  # waits for the other process to end
            scored = [pair(mentions[i], mentions[j], figures) for i, j, figures in own_half()]
            scored.extend(pair(mentions[i], mentions[j], figures) for i, j, figures in itertools.chain(first, theirs))
    return scored


def _scored_figures(candidates: "_Candidates", scorer: Scorer, facts: list[tuple], part: int = 0,
                    parts: int = 1) -> Iterator[tuple[int, int, tuple]]:
    """(i, j, the pair's figures) for each pair met from the mentions of one part of the ranks
    (`_Candidates.pairs`) that scores CANDIDATE_AT or more (`Scorer._pair_figures`); reads no mention,
    only their positions.

    The pairs come in the order of their spans' starts, each mention's partners starting no earlier than
    it: the profiles made for them (`Scorer.profile_at`) are held while pairs may still read them, each
    let go as soon as its mention is passed, so what is held is the mentions whose spans meet the current
    one's, not the corpus."""
    profiles: dict[int, _Profile] = {}  # position -> the profile made for it, while its pairs may come
    held = profiles.get

    def make(i: int) -> _Profile:
        made = profiles[i] = scorer.profile_at(i)
        return made

    figures_of = scorer._pair_figures
    known_of, known, mine = -1, set(), None  # the mention whose partners come now: its profile, its words as a set
    for i, j, own in candidates.pairs(part, parts, passed=lambda i: profiles.pop(i, None)):
        if own != known_of:
            mine = held(own) or make(own)  # (a profile is never false)
            known_of, known = own, set(mine.words)
        if own == i:
            pi, pj = mine, held(j) or make(j)
            other = pj.words
        else:
            pi, pj = held(i) or make(i), mine
            other = pi.words
        figures = figures_of(pi, pj, facts[i], facts[j], CANDIDATE_AT, known, other)
        if figures is not None:
            yield i, j, figures


def link_mentions(mentions: list[Mention], curated: Curated, vocabulary: Vocabulary,
                  readings: Optional[Readings] = None, workers: int = 1) -> LinkResult:
    """Group mentions into events. Pure: the same mentions and decisions give the same clusters, whatever
    the number of `workers` (processes that score the pairs, `_score_candidates`).
    `readings`: what `read_for_linking` read of `mentions` (in their order), when the caller has it."""
    by_source: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_source[mention.source_id].append(mention)
    same, different, errors, warnings = _resolve(curated, by_source)
    if errors:
        raise InputError(errors)
    apart = [(x, y) for found, _ in different for i, x in enumerate(found) for y in found[i + 1 :]]
    scorer = Scorer(mentions, vocabulary, readings)
    clusters = Clusters(mentions, apart, scorer._index)
    links: list[PairScore] = []
    candidates: list[PairScore] = []
    problems: list[Problem] = list(warnings)

    for found, reason in same:
        for other in found[1:]:
            pair = scorer.score(found[0], other)
            why = clusters.conflict(found[0], other)
            if why and why != "already in one event":
                problems.append(Problem(curated.path, None, f"curated link not applied: {why}: {reason[:60]}"))
                continue
            if not why:
                clusters.union(found[0], other)
            pair.method, pair.reason = "curated", reason
            links.append(pair)

    # Scored as they come, keeping only those a curator or the linker will use.
    scored = _score_candidates(mentions, scorer, workers)
    scored = by_keys(scored, first=lambda p: p.score, reverse=True)  # the highest score first
    best_to_source: dict[tuple, PairScore] = {}  # (source, position, other source) -> the pair
    for pair in scored:  # each mention keeps only its best link to any one other source, of those that could link
        if not links_on_merit(pair):
            continue
        for x, y in ((pair.a, pair.b), (pair.b, pair.a)):
            best_to_source.setdefault((x.source_id, x.position, y.source_id), pair)
    curated_pairs = {(p.a.key, p.b.key) for p in links} | {(p.b.key, p.a.key) for p in links}
    for pair in scored:
        if (pair.a.key, pair.b.key) in curated_pairs:
            continue
        if pair.score < LINK_AT:
            pair.reason = _reason_below
            candidates.append(pair)
            continue
        if pair.text < content_needed(pair.date, pair.named):
            pair.reason = _reason_too_little_content
            candidates.append(pair)
            continue
        a, b = pair.a, pair.b
        if (best_to_source.get((a.source_id, a.position, b.source_id)) is not pair
                or best_to_source.get((b.source_id, b.position, a.source_id)) is not pair):
            pair.reason = "a better-scoring pair links one of these mentions to that source"
            candidates.append(pair)
            continue
        why = clusters.conflict(pair.a, pair.b)
        if why == "already in one event":
            pair.reason = "joined through other links"
            links.append(pair)
            continue
        if why:
            pair.reason = why
            candidates.append(pair)
            continue
        clusters.union(pair.a, pair.b)
        pair.reason = _reason_linked
        links.append(pair)
    # Every scored pair is in `links` or `candidates` now. The best pair per (report, other source), keyed
    # by tuples, and the list of them in score order are read no more: let go before the outcome links and
    # the grouping, where the links stage peaks, not held on to its end.
    del scored, best_to_source, curated_pairs

    links.extend(outcome_links(mentions, scorer, clusters))

    # A pair that other links have already put in one event is settled, not a question for a curator.
    candidates = [p for p in candidates if clusters.find(p.a.key) != clusters.find(p.b.key)]
    return LinkResult(clusters=clusters.groups(), links=links, candidates=candidates, problems=problems, scorer=scorer)
