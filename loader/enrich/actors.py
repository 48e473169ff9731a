"""Actors: the curated dictionary (curated/actors.yml) and the matcher that links events to it.

The text is normalized (NFC) first; offsets are mapped back to the text as written. Matching is a single
pass of the one phrase matcher (phrases.py, Aho-Corasick) over each excerpt. It holds every name the
curated files know and every ISO 3166 state's names and demonyms (countries.py), its cost grows with
the text, not with the number of names, and it prefers the longest name at each place ("Xi Jinping"
over "Xi", "East China Sea" over "China"):

  - aliases: each names one actor (actors.yml `aliases`, and the canonical `name`);
  - short names: a surname alone that may name several actors ("Wang": Wang Yi, Wang Wenbin or Wang
    Yu), or a common one (`short_names`). The context decides, never the order of the dictionary:
      1. the candidate named most recently before it in the same excerpt ("Wang Yu ... Wang expressed");
      2. else the one candidate whose `cues` occur in the excerpt ("Wang and Lavrov discuss" -> Wang Yi);
      3. else the candidate named most recently before it earlier in the same document;
      4. else it is linked to no one and reported as ambiguous in the unmatched-names report.
  - not-actor names (curated/not_actors.yml): matched so that an alias inside them does not count
    ("East China Sea" is not China), and reported with their reason.

A short name, or a one-word alias of a person, followed by another name word is part of a different
full name and links no one ("Wang Huning" is not Wang Yi). A state's name or demonym inside a
geographic name ("Indian Ocean", "Sea of Japan") is a place, reported as not an actor. A name in
another script in parentheses after a name ("Sergey Lavrov (Серге́й Лавро́в)") is stored as an alias
of that actor, never an unknown name. Capitalized names no actor claims go to people.py, which links
or discovers the persons among them from their titles; the rest are reported as unknown.

Each match then gets a role (see roles.py). A person or body also implies its country, linked with
method "country-of" (its role is the person's); a state named in the text keeps its own link.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, get_args

from ..model import ActorMatch, InputError, Mention, NameIssue, Problem
from .. import schemas
from .countries import DEMONYMS_FILE, geographic_name, iso_code_of, load_demonyms, reference_names, slug
from .names import NameWords, unknown_names
from .people import Discovery
from .phrases import PhraseMatcher, normalize
from .roles import NameSpan, RoleWords, assign_roles

TYPES = set(get_args(schemas.ActorType))
IMPLIES_COUNTRY = {"person", "body"}  # types whose `country` is linked to the events they take part in
NOT_ACTORS_FILE = "not_actors.yml"
WORDS_FILE = "words.yml"
SPACES = re.compile(r"\s+")
NEXT_WORD = re.compile(r"[ \u00a0]([^\W\d_][\w’'\-]*)")  # the word right after a name, on the same line
# A name in another script in parentheses: "Sergey Lavrov (Серге́й Лавро́в)", "Wang Yi (王毅)".
OTHER_SCRIPT = re.compile(r"\s*\((?P<name>[^()A-Za-z0-9\n]{2,60})\)")


@dataclass
class Actor:
    id: str
    name: str
    type: str
    country: Optional[str] = None
    titles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    short_names: list[str] = field(default_factory=list)  # surnames alone: linked only when context decides
    cues: list[str] = field(default_factory=list)  # words that point to this actor when a short name is met
    wikidata: Optional[str] = None
    notes: Optional[str] = None
    iso3: Optional[str] = None  # ISO 3166-1 alpha-3 code of a state (pycountry)


@dataclass
class Reading:
    """What the matcher read off one excerpt."""

    matches: list[ActorMatch] = field(default_factory=list)  # names in the text, in text order
    implied: list[ActorMatch] = field(default_factory=list)  # countries of the persons and bodies named
    issues: list[NameIssue] = field(default_factory=list)  # unknown, ambiguous and not-actor names


@dataclass
class DocumentMemory:
    """Where each actor was last named in the document being read (step 3 for short names).

    Pass one per document to `read`/`match`, in text order."""

    last_seen: dict[str, tuple[int, str]] = field(default_factory=dict)  # actor id -> (offset, text)
    window: tuple = (None, None)  # (earliest, latest) ISO dates the document covers: which titles were held


@dataclass
class ActorDictionary:
    actors: dict[str, Actor]
    by_alias: dict[str, str]  # alias -> actor id
    matcher: Optional[PhraseMatcher]  # every alias, short name and not-actor name (enrich/phrases.py)
    short: dict[str, list[str]] = field(default_factory=dict)  # short name -> candidate actor ids
    not_actors: dict[str, str] = field(default_factory=dict)  # name -> reason
    cue_matcher: Optional[PhraseMatcher] = None
    cues: dict[str, set[str]] = field(default_factory=dict)  # cue (lower case) -> actor ids
    role_words: RoleWords = field(default_factory=RoleWords)
    name_words: NameWords = field(default_factory=NameWords)
    discovery: Optional[Discovery] = None

    @property
    def pattern(self):  # the matcher stands where the compiled pattern stood
        return self.matcher

    def match(self, mention: Mention, memory: Optional[DocumentMemory] = None) -> list[ActorMatch]:
        """Every actor named in the mention's excerpt, with its role and offsets into the document."""
        return self.read(mention, memory, report=False).matches

    def read(self, mention: Mention, memory: Optional[DocumentMemory] = None, report: bool = True) -> Reading:
        """Matches, implied countries and (with `report`) the names no actor claims, for one excerpt."""
        reading = Reading()
        if self.matcher is None:
            return reading
        raw, base = mention.excerpt, mention.start
        text, origin = normalize(raw)  # NFC; `origin` maps offsets back to the excerpt as written

        def at(offset: int) -> int:
            return base + (origin[offset] if origin is not None else offset)

        found: list[tuple[int, int, str, Optional[str]]] = []  # (start, end, text, actor id or None)
        covered: list[tuple[int, int]] = []
        seen: dict[str, tuple[int, str]] = {}  # actor id -> last (offset, text) in this excerpt
        cue_hits: Optional[set[str]] = None
        evidence: dict[int, tuple[str, str]] = {}  # start of the name -> (method, why), where not an alias
        for hit in self.matcher.find(text):
            written, start, end = hit.text, hit.start, hit.end
            name = hit.phrase
            actor_id = self.by_alias.get(name)
            actor = self.actors.get(actor_id) if actor_id else None
            if (actor_id is None and name in self.short) or (actor is not None and actor.type == "person" and " " not in name):
                if self._another_full_name(text, end):
                    continue  # "Wang Huning" is not Wang Yi: the whole name is read below
            if actor is not None and actor.type == "state":
                geographic = geographic_name(text, start, end)
                if geographic:
                    covered.append(geographic)
                    if report:
                        reading.issues.append(NameIssue(text[geographic[0]:geographic[1]], "not an actor", at(geographic[0]),
                                                        at(geographic[1]), reason=f"a geographic name: '{name}' inside it is a place, not the state"))
                    found.append((geographic[0], geographic[1], text[geographic[0]:geographic[1]], None))
                    continue
            covered.append((start, end))
            if actor_id is None and name in self.short:
                if cue_hits is None:
                    cue_hits = self._cues(text)
                title = self.discovery.title_before(text, start, self.matcher) if self.discovery else None
                actor_id, why = self._resolve(name, at(start), self.short[name], seen, cue_hits, memory, title)
                if actor_id is None:
                    reading.issues.append(NameIssue(name, "ambiguous", at(start), at(end),
                                                    candidates=list(self.short[name]), reason=why))
                    found.append((start, end, written, None))
                    continue
                evidence[start] = ("title" if why.startswith("title") else "context", why)
            elif actor_id is None:
                if report:
                    reading.issues.append(NameIssue(name, "not an actor", at(start), at(end),
                                                    reason=self.not_actors.get(name)))
                found.append((start, end, written, None))
                continue
            seen[actor_id] = (at(start), written)
            found.append((start, end, written, actor_id))
        covered.sort()
        # Names in another script in parentheses right after a name: alternate spellings, never unknown.
        other_scripts = self._other_scripts(text)
        covered.extend((start, end) for start, end, _, _ in other_scripts)
        covered.sort()
        unknown = unknown_names(text, covered, self.name_words)
        if self.discovery is not None:
            unknown = self.discovery.read(self, text, unknown, found, evidence, seen, memory, reading, at, report)
        for _, _, spelling, after in other_scripts:  # the name it follows, known or just discovered
            owner = next((a for s, e, _, a in found if e == after and a), None)
            if owner and spelling not in self.actors[owner].aliases:
                self.discovery.add_alias(self, owner, spelling)  # learned: see people.Discovery
        found.sort(key=lambda item: item[0])
        spans = [NameSpan(s, e, self.actors[a].type if a else None) for s, e, _, a in found]
        roles = assign_roles(text, mention.lead, spans, self.role_words)
        for (start, end, name, actor_id), (role, why_role) in zip(found, roles):
            if actor_id is None:
                continue
            how = evidence.get(start)
            method, why = how if how else ("alias", None)
            reading.matches.append(ActorMatch(
                actor_id, role, at(start), at(end), name, method=method, evidence=why, role_evidence=why_role))
        reading.implied = self.implied(reading.matches)
        if memory is not None:
            memory.last_seen.update(seen)
        if report:
            for start, end, name in unknown:
                reading.issues.append(NameIssue(name, "unknown", at(start), at(end)))
            reading.issues.sort(key=lambda issue: issue.start)
        return reading

    def _another_full_name(self, text: str, end: int) -> bool:
        """Whether a capitalized name word follows right after (then the hit is part of a longer name)."""
        following = NEXT_WORD.match(text, end)
        if not following:
            return False
        word = following.group(1)
        lower = word.lower()
        return (word[:1].isupper() and len(word) > 1 and lower not in self.name_words.stop_words
                and lower not in self.name_words.titles and not word.isupper()
                and self.matcher.opening(text[following.start(1):following.start(1) + 80]) is None)

    def _other_scripts(self, text: str) -> list[tuple[int, int, str, int]]:
        """(start, end, spelling, where the name before it ends) of each parenthesized name in a
        non-Latin script right after a word: an alternate spelling of that name, never a name of its own."""
        result = []
        if "(" not in text:
            return result
        for match in OTHER_SCRIPT.finditer(text):
            spelling = match.group("name").strip()
            if not any(ch.isalpha() for ch in spelling) or any("LATIN" in unicodedata.name(ch, "") for ch in spelling if ch.isalpha()):
                continue
            if match.start() == 0 or not text[match.start() - 1].isalpha():
                continue
            result.append((match.start("name"), match.end("name"), spelling, match.start()))
        return result

    def implied(self, matches: list[ActorMatch]) -> list[ActorMatch]:
        """The country of each person and body named, with the person's role and span."""
        result = []
        for match in matches:
            actor = self.actors[match.actor_id]
            if actor.type in IMPLIES_COUNTRY and actor.country:
                result.append(ActorMatch(
                    actor.country, match.role, match.start, match.end, match.matched, method="country-of",
                    evidence=f"country of {actor.name}", role_evidence=f"the role of {actor.name}", via=actor.id))
        return result

    def _cues(self, text: str) -> set[str]:
        if self.cue_matcher is None:
            return set()
        return {hit.phrase for hit in self.cue_matcher.find(text)}

    def _resolve(self, name: str, offset: int, candidates: list[str], seen: dict, cue_hits: set[str],
                 memory: Optional[DocumentMemory], title=None) -> tuple[Optional[str], str]:
        """(actor id, why) for a short name, or (None, why not)."""
        named = [(seen[c][0], c) for c in candidates if c in seen]
        if named:
            _, best = max(named)
            return best, f"'{name}' after '{seen[best][1]}' earlier in the excerpt"
        if title is not None and self.discovery is not None:
            by_title = self.discovery.by_title(self, name, title, memory, candidates)
            if by_title:
                return by_title
        by_cue = {c: sorted(cue for cue in cue_hits if c in self.cues.get(cue, ())) for c in candidates}
        cued = [c for c in candidates if by_cue[c]]
        if len(cued) == 1:
            return cued[0], f"'{name}' with the cue '{by_cue[cued[0]][0]}' in the excerpt"
        if memory is not None:
            earlier = [(memory.last_seen[c][0], c) for c in candidates if c in memory.last_seen]
            if earlier:
                _, best = max(earlier)
                return best, f"'{name}' after '{memory.last_seen[best][1]}' earlier in the document"
        if len(cued) > 1:
            return None, "cues for several candidates: " + ", ".join(f"{c} ('{by_cue[c][0]}')" for c in cued)
        return None, "no earlier full name and no cue in the context"


def load_actors(path: Path, not_actors: Optional[Path] = None, words: Optional[Path] = None) -> ActorDictionary:
    """Read and check the dictionary; any inconsistency fails with the file and line.

    `not_actors` and `words` default to not_actors.yml and words.yml beside `path`; either may be
    absent (then nothing is known not to be an actor, and every role is "participant")."""
    path = Path(path)
    not_actors = Path(not_actors) if not_actors else path.with_name(NOT_ACTORS_FILE)
    words = Path(words) if words else path.with_name(WORDS_FILE)
    if not path.exists():
        return ActorDictionary({}, {}, None)
    errors: list[Problem] = []
    try:
        entries, marks = schemas.read(path, schemas.Actors, [])
    except InputError as error:  # still check the files beside it, and report everything together
        entries, marks = [], None
        errors.extend(error.problems)
    actors: dict[str, Actor] = {}
    lines: dict[str, Optional[int]] = {}
    by_alias: dict[str, str] = {}
    short: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    cues: dict[str, set[str]] = {}
    for index, entry in enumerate(entries):
        line = marks.line((index,))
        actor = Actor(**entry.model_dump(by_alias=True, exclude_none=True))
        lines[actor.id] = line
        if actor.id in actors:
            errors.append(Problem(str(path), line, f"actor id {actor.id!r} is used twice", "error"))
        if actor.name in names:
            errors.append(Problem(str(path), line, f"canonical name {actor.name!r} is shared with actor {names[actor.name]!r}", "error"))
        names[actor.name] = actor.id
        for alias in spellings([actor.name, *actor.aliases]):
            owner = by_alias.get(alias)
            if owner and owner != actor.id:
                errors.append(Problem(str(path), line, f"alias {alias!r} is claimed by both {owner!r} and {actor.id!r}", "error"))
            by_alias[alias] = actor.id
        for name in spellings(actor.short_names):
            if actor.id not in short.setdefault(name, []):
                short[name].append(actor.id)
        for cue in actor.cues:
            cues.setdefault(cue.lower(), set()).add(actor.id)
        actors[actor.id] = actor
    for name, candidates in short.items():
        if name in by_alias:
            errors.append(Problem(str(path), lines.get(candidates[0]), f"short name {name!r} of {', '.join(candidates)} "
                                  f"is also an alias of {by_alias[name]!r}: make it a short name of both", "error"))
    for actor in actors.values():
        if actor.country and actor.country not in actors:
            errors.append(Problem(str(path), lines.get(actor.id), f"actor {actor.id!r} names unknown country {actor.country!r}", "error"))
        elif actor.country and actors[actor.country].type != "state":
            errors.append(Problem(str(path), lines.get(actor.id), f"actor {actor.id!r}: country {actor.country!r} is not a state", "error"))
    excluded, exclusion_errors = load_not_actors(not_actors, by_alias, short)
    errors.extend(exclusion_errors)
    role_words, name_words, word_errors = load_words(words)
    errors.extend(word_errors)
    demonyms, demonym_errors = load_demonyms(path.with_name(DEMONYMS_FILE))
    errors.extend(demonym_errors)
    if errors:
        raise InputError(errors)
    add_iso_states(actors, by_alias, short, excluded, demonyms)
    phrases = [(alias, (actors[owner].type, owner)) for alias, owner in by_alias.items()]
    phrases += [(name, ("short", name)) for name in short]
    phrases += [(name, ("not", name)) for name in excluded]
    matcher = PhraseMatcher(phrases) if phrases else None
    cue_matcher = PhraseMatcher(((c, c) for c in cues), case_sensitive=False) if cues else None
    discovery = Discovery(role_words.titles, role_words.title_links, name_words.stop_words)
    return ActorDictionary(actors, by_alias, matcher, short, excluded, cue_matcher, cues, role_words, name_words, discovery)


def add_iso_states(actors: dict[str, Actor], by_alias: dict[str, str], short: dict, excluded: dict,
                   demonyms: dict[str, list[str]]) -> None:
    """Every ISO 3166 country as a state (see countries.py); the curated dictionary wins."""
    import pycountry

    curated = {}
    for actor in actors.values():
        if actor.type == "state":
            actor.iso3 = actor.iso3 or iso_code_of(actor)
            if actor.iso3:
                curated[actor.iso3] = actor
    for country in sorted(pycountry.countries, key=lambda c: c.alpha_3):
        names = reference_names(country)
        actor = curated.get(country.alpha_3)
        if actor is None:
            name = names[0] if names else country.name
            actor_id = slug(name)
            if actor_id in actors:
                actor_id = f"{actor_id}-{country.alpha_3.lower()}"
            actor = actors[actor_id] = Actor(actor_id, name, "state", iso3=country.alpha_3,
                                             notes=f"From ISO 3166 (pycountry): {country.alpha_3}.")
        for alias in spellings([*names, *demonyms.get(country.alpha_3, [])]):
            if alias in by_alias or alias in short or alias in excluded:
                continue  # a curated actor claims it
            by_alias[alias] = actor.id
            if alias not in actor.aliases and alias != actor.name:
                actor.aliases.append(alias)


def spellings(names: list[str]) -> list[str]:
    """Each name, and with the other apostrophe where it has one ("People's" / "People’s")."""
    result = []
    for name in names:
        name = SPACES.sub(" ", name.strip())
        for variant in (name, name.replace("'", "’"), name.replace("’", "'")):
            if variant not in result:
                result.append(variant)
    return result


def trie_pattern(words: list[str]) -> str:
    """One regular expression matching any of `words`, built as a trie: at each character only the
    branches that can still match are tried, and a longer word is tried before its prefix. A space
    matches any run of whitespace (line breaks, no-break spaces)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + build(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def load_not_actors(path: Path, by_alias: dict[str, str], short: dict[str, list[str]]) -> tuple[dict[str, str], list[Problem]]:
    """curated/not_actors.yml: names that are not actors, each with its reason."""
    if not path.exists():
        return {}, []
    entries, marks = schemas.read(path, schemas.NotActors, [])
    result: dict[str, str] = {}
    errors = []
    for index, entry in enumerate(entries):
        line = marks.line((index,))
        for name in spellings([entry.name]):
            if name in by_alias or name in short:
                owner = by_alias.get(name) or ", ".join(short[name])
                errors.append(Problem(str(path), line, f"{name!r} is listed as not an actor but names {owner!r} in actors.yml", "error"))
            elif name in result and name == entry.name:
                errors.append(Problem(str(path), line, f"{name!r} is listed twice", "error"))
            result[name] = entry.reason.strip()
    return result, errors


def load_words(path: Path) -> tuple[RoleWords, NameWords, list[Problem]]:
    """curated/words.yml: the word lists the role rules and the unmatched-names report use (`schemas.WordLists`)."""
    if not path.exists():
        return RoleWords(), NameWords(), []
    try:
        data, _ = schemas.read(path, schemas.WordLists, {})
    except InputError as error:
        return RoleWords(), NameWords(), error.problems
    lists = {key: [v.strip().lower() for v in value] for key, value in data.model_dump().items()}
    titles = set(lists["titles"])
    roles = RoleWords(
        titles=titles, stop_words=set(lists["stop_words"]), joiners=set(lists["joiners"]), title_links=set(lists["title_links"]),
        determiners=set(lists["determiners"]), openers=set(lists["openers"]),
        host_before=lists["host_before"], host_after=lists["host_after"],
        addressee_before=lists["addressee_before"], location_before=lists["location_before"],
        topic_before=lists["topic_before"], no_role_before=lists["no_role_before"], speech=set(lists["speech"]), not_content=set(lists["not_content"]),
    )
    return roles, NameWords(set(lists["stop_words"]), titles, set(lists["name_joiners"])), []
