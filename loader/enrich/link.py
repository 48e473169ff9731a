"""Cross-source linking: decide which mentions in different documents report one real-world event.

How a pair is judged (every figure is stored, so a curator can see why):
  - blocking: only pairs whose date bounds overlap and that share a rare word, a named actor other
    than the two states, or an exact day are compared, never all pairs against all pairs;
  - text: TF-IDF cosine of the two excerpts, with actor names replaced by actor ids (so "PRC" and
    "China", "Shoygu" and "Shoigu" count as the same word) and common words weighted down;
  - date: 1 when both give the same single day, 0.5 when both are narrow (a week or less) and
    overlap; when either is wide the date says nothing and the other features are judged alone
    (their weights rescaled to sum to 1);
  - actors: Jaccard overlap of the actors the two excerpts name;
  - kind: 1 when both name the same kind of event (patrol, drill, summit...), 0 when either names
    none, -1 when they name different kinds.
A pair scoring LINK_AT or more is linked; one scoring CANDIDATE_AT or more, or a linked pair that
another decision overrode, goes to `link_candidates` for a curator. Each mention links to at most one
mention of any other source (its best), and an event never holds two mentions of one document (a
chronology lists distinct events; an article that names a day twice recalls other events: "posted
the day of the summit"). Curated decisions in curated/links.yml win over scores.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..model import InputError, Mention, Problem
from ..parse.text import Span, sentences
from ..yamlfiles import load_yaml

LINK_AT = 0.45
CANDIDATE_AT = 0.30
WEIGHTS = {"text": 0.50, "date": 0.25, "actors": 0.10, "kind": 0.15}
# States that take part in nearly every event: sharing them says nothing about a pair.
UBIQUITOUS_ACTORS = {"china", "russia"}
MAX_BLOCK = 200  # a blocking key shared by more mentions than this is too common to block on
NARROW_DAYS = 7

MONTHS_AND_DAYS = """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday"""
STOPWORDS = set(MONTHS_AND_DAYS.split()) | set(
    """a an the and or but of in on at to for from by with without via as is are was were be been being
    it its this that these those their his her they them he she we our us i you your which who whom whose
    what when where while after before over under into onto about against between during also both each
    other than then there here not no nor so such only very more most some any all can could would should
    will shall may might must do does did has have had having said says say told tells one two three first
    second third new year years day days month months time said also two""".split()
)
WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A relative clause set off by commas ("warships, which just concluded the drill, conduct ...") does not
# say what kind of event the sentence reports.
RELATIVE_CLAUSE = re.compile(r",\s*(?:which|who|whose|where)\b[^,]*,")


@dataclass
class Vocabulary:
    """curated/linking.yml: kinds of event and synonyms, compiled for one pass over a text each."""

    kinds: dict[str, list[str]] = field(default_factory=dict)
    synonyms: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self):
        self._synonyms = _phrase_pattern({p: word for word, ps in self.synonyms.items() for p in ps})
        self._kinds = _phrase_pattern({p: kind for kind, ps in self.kinds.items() for p in ps})

    def normalize(self, text: str) -> str:
        if self._synonyms is None:
            return text
        pattern, table = self._synonyms
        return pattern.sub(lambda m: f" {table[m.group(0)]} ", text)

    def kinds_of(self, text: str) -> set[str]:
        if self._kinds is None:
            return set()
        pattern, table = self._kinds
        return {table[m.group(0)] for m in pattern.finditer(text)}


def _phrase_pattern(table: dict[str, str]):
    """One alternation over every phrase (longest first), each also matched with a plural -s."""
    if not table:
        return None
    lowered = {p.lower(): v for p, v in table.items()}
    phrases = sorted(lowered, key=lambda p: (-len(p), p))
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")(?=s?\b)")
    return pattern, lowered


def load_vocabulary(path: Path) -> Vocabulary:
    if not path.exists():
        return Vocabulary()
    data = load_yaml(path) or {}
    if not isinstance(data, dict) or not all(isinstance(data.get(k, {}), dict) for k in ("kinds", "synonyms")):
        raise InputError([Problem(str(path), 1, "expected 'kinds:' and 'synonyms:' mappings of name -> list of phrases", "error")])
    return Vocabulary(kinds=data.get("kinds") or {}, synonyms=data.get("synonyms") or {})


@dataclass
class PairScore:
    a: Mention
    b: Mention
    text: float
    date: float
    actors: float
    kind: float
    score: float
    decision: str = "below threshold"  # linked | candidate | below threshold
    method: str = "score"  # score | curated
    reason: str = ""


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


# --- reading curated decisions -------------------------------------------------------------------

def load_curated_links(path: Path) -> Curated:
    curated = Curated(path=str(path))
    if not path.exists():
        return curated
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), 1, "expected 'same:' and 'different:' lists", "error")])
    lines = _decision_lines(path)
    errors = []
    for kind in ("same", "different"):
        for index, entry in enumerate(data.get(kind) or []):
            line = lines.get((kind, index))
            mentions = entry.get("mentions") if isinstance(entry, dict) else None
            if not mentions or len(mentions) < 2 or not all(
                isinstance(m, dict) and m.get("source") and m.get("text") for m in mentions
            ):
                errors.append(Problem(str(path), line, f"each '{kind}' decision needs two or more mentions with source and text", "error"))
                continue
            if not entry.get("reason"):
                errors.append(Problem(str(path), line, f"a '{kind}' decision must give its reason", "error"))
                continue
            getattr(curated, kind).append(([(m["source"], m["text"]) for m in mentions], entry["reason"].strip(), line))
    if errors:
        raise InputError(errors)
    return curated


def _decision_lines(path: Path) -> dict[tuple[str, int], int]:
    """Line of each decision ('  - ' under 'same:' or 'different:')."""
    lines, section, index = {}, None, 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"^(same|different):", line):
            section, index = line.split(":")[0], 0
        elif section and line.startswith("  - "):
            lines[(section, index)] = number
            index += 1
    return lines


def _resolve(curated: Curated, by_source: dict[str, list[Mention]]) -> tuple[list, list, list[Problem], list[Problem]]:
    """Turn (source, text) references into mentions; a reference that matches none or several is an error.

    A decision that names a source not loaded (its document missing, under --keep-going) cannot
    apply: it is left out with a warning, as a curated date for such a source is.
    """
    errors, warnings, same, different = [], [], [], []
    for kind, target in (("same", same), ("different", different)):
        for refs, reason, line in getattr(curated, kind):
            absent = sorted({source for source, _ in refs if source not in by_source})
            if absent:
                warnings.append(Problem(curated.path, line, f"'{kind}' decision names {', '.join(map(repr, absent))}, "
                                        "a source not loaded; not used", "warning"))
                continue
            found = []
            for source, text in refs:
                hits = [m for m in by_source.get(source, []) if text in m.excerpt]
                if len(hits) != 1:
                    how = "no" if not hits else f"{len(hits)}"
                    errors.append(Problem(curated.path, line, f"{how} mention of {source!r} contains {text!r}", "error"))
                else:
                    found.append(hits[0])
            target.append((found, reason))
    return same, different, errors, warnings


# --- scoring -------------------------------------------------------------------------------------

def headline(mention: Mention) -> str:
    """The excerpt's first sentence, with each matched actor name replaced by @actor-id, lower case.

    A chronology entry's first sentence says what happened; what follows is context that would
    dilute the comparison.
    """
    text = mention.excerpt
    sentences = first_sentence_end(text)
    pieces, last = [], 0
    for match in sorted(mention.actors, key=lambda m: m.start):
        begin, end = match.start - mention.start, match.end - mention.start
        if begin < last or end > sentences:
            continue
        pieces.append(text[last:begin])
        pieces.append(f" @{match.actor_id} ")
        last = end
    pieces.append(text[last:sentences])
    return "".join(pieces).lower()


def first_sentence_end(text: str) -> int:
    found = sentences(Span(text, 0, 1))
    return found[0].end if found else len(text)


def tokens(mention: Mention, vocabulary: Vocabulary) -> list[str]:
    """Content words of the headline, synonyms folded, actor names as actor ids."""
    text = vocabulary.normalize(headline(mention))
    words = []
    for word in re.findall(r"@[\w-]+|" + WORD.pattern, text):
        if word.startswith("@"):
            words.append(word)
        elif word not in STOPWORDS and not word.isdigit():
            words.append(stem(word))
    return words


def stem(word: str) -> str:
    """A light suffix stripper: enough for 'patrols'/'patrol', 'signed'/'sign', 'development'/'develop'."""
    for suffix in ("ments", "ment", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def span(mention: Mention) -> tuple[str, str]:
    date = mention.date
    return date.earliest or "0000-01-01", max(date.latest or "9999-12-31", date.end or "")


def width_days(mention: Mention) -> int:
    import datetime as dt

    first, last = mention.date.earliest, mention.date.latest
    if not first or not last:
        return 10**6
    return (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days


def date_score(a: Mention, b: Mention) -> Optional[float]:
    """1 for the same single day, 0.5 for overlapping narrow bounds, None when either is too wide to tell."""
    wa, wb = width_days(a), width_days(b)
    if wa == 0 and wb == 0 and a.date.earliest == b.date.earliest:
        return 1.0
    if wa <= NARROW_DAYS and wb <= NARROW_DAYS:
        return 0.5
    return None


def overlaps(a: Mention, b: Mention) -> bool:
    a0, a1 = span(a)
    b0, b1 = span(b)
    return a0 <= b1 and b0 <= a1


class Scorer:
    """TF-IDF over the mentions being linked, plus the date, actor and kind features."""

    def __init__(self, mentions: list[Mention], vocabulary: Vocabulary):
        self.words = {m.key: tokens(m, vocabulary) for m in mentions}
        df = Counter(w for words in self.words.values() for w in set(words))
        n = max(len(mentions), 1)
        self.idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items()}
        self.df = df
        self.vectors = {key: self._vector(words) for key, words in self.words.items()}
        self.kinds = {
            m.key: vocabulary.kinds_of(vocabulary.normalize(RELATIVE_CLAUSE.sub(",", headline(m))))
            for m in mentions
        }

    def _vector(self, words: list[str]) -> dict[str, float]:
        counts = Counter(words)
        vector = {w: c * self.idf[w] for w, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {w: v / norm for w, v in vector.items()}

    def score(self, a: Mention, b: Mention) -> PairScore:
        va, vb = self.vectors[a.key], self.vectors[b.key]
        if len(va) > len(vb):
            va, vb = vb, va
        text = sum(v * vb.get(w, 0.0) for w, v in va.items())
        actors_a = {m.actor_id for m in a.actors} - UBIQUITOUS_ACTORS
        actors_b = {m.actor_id for m in b.actors} - UBIQUITOUS_ACTORS
        actor = len(actors_a & actors_b) / len(actors_a | actors_b) if actors_a | actors_b else 0.0
        kinds_a, kinds_b = self.kinds[a.key], self.kinds[b.key]
        kind = 0.0 if not kinds_a or not kinds_b else (1.0 if kinds_a & kinds_b else -1.0)
        date = date_score(a, b)
        total = WEIGHTS["text"] * text + WEIGHTS["actors"] * actor + WEIGHTS["kind"] * kind
        if date is None:  # no date evidence: judge on the other features alone
            total /= 1 - WEIGHTS["date"]
        else:
            total += WEIGHTS["date"] * date
        return PairScore(a, b, round(text, 4), date, round(actor, 4), kind, round(total, 4))

    def blocking_keys(self, mention: Mention) -> set[str]:
        keys = {f"w:{w}" for w in set(self.words[mention.key]) if not w.startswith("@")}
        keys |= {f"a:{m.actor_id}" for m in mention.actors if m.actor_id not in UBIQUITOUS_ACTORS}
        if width_days(mention) == 0:
            keys.add(f"d:{mention.date.earliest}")
        return keys


# --- linking -------------------------------------------------------------------------------------

def candidate_pairs(mentions: list[Mention], scorer: Scorer) -> Iterable[tuple[Mention, Mention]]:
    """Pairs that share a blocking key and whose dates overlap, each once, in a stable order.

    A pair is yielded in the first block, in key order, that holds both mentions: a later block skips
    it when the two share an earlier usable key. So no set of the pairs already compared is kept, and
    memory grows with the mentions, not with the pairs (tens of millions on a large corpus).
    """
    blocks: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        for key in scorer.blocking_keys(mention):
            blocks[key].append(mention)
    usable = sorted(key for key, members in blocks.items() if 2 <= len(members) <= MAX_BLOCK)
    blocks = {key: blocks[key] for key in usable}
    keys_of: dict[tuple, set[str]] = defaultdict(set)
    for key in usable:
        for mention in blocks[key]:
            keys_of[mention.key].add(key)
    spans = {m.key: span(m) for m in mentions}
    for key in usable:
        members = blocks[key]
        for i, a in enumerate(members):
            earlier = [k for k in keys_of[a.key] if k < key]
            a0, a1 = spans[a.key]
            for b in members[i + 1 :]:
                if a.source_id == b.source_id:  # a document reports each event once; later mentions recall others
                    continue
                if earlier:
                    keys_b = keys_of[b.key]
                    if any(k in keys_b for k in earlier):
                        continue  # compared in an earlier block
                b0, b1 = spans[b.key]
                if a0 <= b1 and b0 <= a1:  # the dates overlap
                    yield (a, b) if a.key < b.key else (b, a)


class Clusters:
    """Union-find over mentions that refuses merges breaking a rule (same list twice, a curated 'different')."""

    def __init__(self, mentions: list[Mention], apart: list[tuple[Mention, Mention]]):
        self.parent = {m.key: m.key for m in mentions}
        self.members = {m.key: [m] for m in mentions}
        self.apart = {(a.key, b.key) for a, b in apart} | {(b.key, a.key) for a, b in apart}

    def find(self, key):
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def conflict(self, a: Mention, b: Mention) -> Optional[str]:
        ra, rb = self.find(a.key), self.find(b.key)
        if ra == rb:
            return "already in one event"
        left, right = self.members[ra], self.members[rb]
        if {m.source_id for m in left} & {m.source_id for m in right}:
            return "would put two mentions of one document in one event"
        if any((x.key, y.key) in self.apart for x in left for y in right):
            return "a curated 'different' decision keeps them apart"
        return None

    def union(self, a: Mention, b: Mention) -> None:
        ra, rb = sorted((self.find(a.key), self.find(b.key)))
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))


def link_mentions(mentions: list[Mention], curated: Curated, vocabulary: Vocabulary) -> LinkResult:
    """Group mentions into events. Pure: the same mentions and decisions give the same clusters."""
    by_source: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        by_source[mention.source_id].append(mention)
    same, different, errors, warnings = _resolve(curated, by_source)
    if errors:
        raise InputError(errors)
    apart = [(x, y) for found, _ in different for i, x in enumerate(found) for y in found[i + 1 :]]
    scorer = Scorer(mentions, vocabulary)
    clusters = Clusters(mentions, apart)
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
            pair.decision, pair.method, pair.reason = "linked", "curated", reason
            links.append(pair)

    # Scored as they come, keeping only those a curator or the linker will use.
    scored = [p for p in (scorer.score(a, b) for a, b in candidate_pairs(mentions, scorer))
              if p.score >= CANDIDATE_AT]
    scored.sort(key=lambda p: (-p.score, p.a.key, p.b.key))
    best_to_source: dict[tuple, PairScore] = {}
    for pair in scored:  # each mention keeps only its best link to any one other source
        for x, y in ((pair.a, pair.b), (pair.b, pair.a)):
            best_to_source.setdefault((x.key, y.source_id), pair)
    curated_pairs = {(p.a.key, p.b.key) for p in links} | {(p.b.key, p.a.key) for p in links}
    for pair in scored:
        if (pair.a.key, pair.b.key) in curated_pairs:
            continue
        if pair.score < LINK_AT:
            pair.decision, pair.reason = "candidate", f"score {pair.score} below {LINK_AT}"
            candidates.append(pair)
            continue
        if best_to_source[(pair.a.key, pair.b.source_id)] is not pair or best_to_source[(pair.b.key, pair.a.source_id)] is not pair:
            pair.decision, pair.reason = "candidate", "a better-scoring pair links one of these mentions to that source"
            candidates.append(pair)
            continue
        why = clusters.conflict(pair.a, pair.b)
        if why == "already in one event":
            pair.decision, pair.reason = "linked", "joined through other links"
            links.append(pair)
            continue
        if why:
            pair.decision, pair.reason = "candidate", why
            candidates.append(pair)
            continue
        clusters.union(pair.a, pair.b)
        pair.decision, pair.reason = "linked", f"score {pair.score} at or above {LINK_AT}"
        links.append(pair)

    # A pair that other links have already put in one event is settled, not a question for a curator.
    candidates = [p for p in candidates if clusters.find(p.a.key) != clusters.find(p.b.key)]
    groups = sorted(
        (sorted(members, key=lambda m: m.key) for members in clusters.members.values()),
        key=lambda ms: ms[0].key,
    )
    return LinkResult(clusters=groups, links=links, candidates=candidates, problems=problems)
