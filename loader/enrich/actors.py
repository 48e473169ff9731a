"""Actors: the curated dictionary (curated/actors.yml) and the matcher that links events to it.

Matching is a single pass of one compiled pattern, the alternation of every alias in the dictionary
(longest first, so "Xi Jinping" wins over "Xi"), over each excerpt: its cost grows with the text, not
with the number of actors times the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..model import ActorMatch, InputError, Mention, Problem
from ..yamlfiles import load_list

TYPES = {"state", "person", "organization", "body", "company", "media"}
FIELDS = {"id", "name", "type", "country", "titles", "aliases", "wikidata", "notes"}


@dataclass
class Actor:
    id: str
    name: str
    type: str
    country: Optional[str] = None
    titles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    wikidata: Optional[str] = None
    notes: Optional[str] = None


@dataclass
class ActorDictionary:
    actors: dict[str, Actor]
    by_alias: dict[str, str]
    pattern: Optional[re.Pattern]

    def match(self, mention: Mention) -> list[ActorMatch]:
        """Every alias found in the mention's excerpt, with offsets into the document."""
        if self.pattern is None:
            return []
        return [
            ActorMatch(self.by_alias[m.group(0)], "participant", mention.start + m.start(), mention.start + m.end(), m.group(0))
            for m in self.pattern.finditer(mention.excerpt)
        ]


def load_actors(path: Path) -> ActorDictionary:
    """Read and check the dictionary; any inconsistency fails with the file and line."""
    if not path.exists():
        return ActorDictionary({}, {}, None)
    data, where = load_list(path)
    errors, actors, by_alias, names = [], {}, {}, {}
    for index, entry in enumerate(data):
        line = where.get(index)
        if not isinstance(entry, dict) or not all(entry.get(k) for k in ("id", "name", "type")):
            errors.append(Problem(str(path), line, "each actor needs an id, a name and a type", "error"))
            continue
        unknown = set(entry) - FIELDS
        if unknown:
            errors.append(Problem(str(path), line, f"unknown field(s) {sorted(unknown)} in actor {entry['id']!r}", "error"))
            continue
        actor = Actor(**{k: entry[k] for k in entry if entry[k] is not None})
        if actor.type not in TYPES:
            errors.append(Problem(str(path), line, f"actor {actor.id!r} has unknown type {actor.type!r}", "error"))
        if actor.id in actors:
            errors.append(Problem(str(path), line, f"actor id {actor.id!r} is used twice", "error"))
        if actor.name in names:
            errors.append(Problem(str(path), line, f"canonical name {actor.name!r} is shared with actor {names[actor.name]!r}", "error"))
        names[actor.name] = actor.id
        for alias in {actor.name, *actor.aliases}:
            owner = by_alias.get(alias)
            if owner and owner != actor.id:
                errors.append(Problem(str(path), line, f"alias {alias!r} is claimed by both {owner!r} and {actor.id!r}", "error"))
            by_alias[alias] = actor.id
        actors[actor.id] = actor
    for actor in actors.values():
        if actor.country and actor.country not in actors:
            errors.append(Problem(str(path), where.get(list(actors).index(actor.id)), f"actor {actor.id!r} names unknown country {actor.country!r}", "error"))
    if errors:
        raise InputError(errors)
    aliases = sorted(by_alias, key=lambda a: (-len(a), a))
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w-])") if aliases else None
    return ActorDictionary(actors, by_alias, pattern)
