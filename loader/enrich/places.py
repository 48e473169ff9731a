"""Places: the curated gazetteer (curated/places.yml) and the matcher that links events to it.

Each place's aliases are matched as whole words in every excerpt of an event (each source's report),
case-sensitively. A `locative` place counts only right after a preposition or a verb of visiting, so
"Moscow" as Russia's government is not a place. Curated `also_in` / `not_in` entries add or remove
single links. Pure: no SQLite here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..model import Event, InputError, Problem
from ..yamlfiles import load_list

PRECISIONS = {"site", "city", "region", "sea"}
FIELDS = {"id", "name", "country", "latitude", "longitude", "precision", "aliases", "locative", "evidence",
          "also_in", "not_in", "wikidata"}
LOCATIVE = r"(?:\b(?:in|at|to|near|off|over|from|visit|visits|visited|visiting)\s+(?:the\s+)?)"


@dataclass
class Curated:
    source: str
    text: str
    why: str

    def names(self, mention) -> bool:
        return mention.source_id == self.source and self.text in mention.excerpt


@dataclass
class Place:
    id: str
    name: str
    country: Optional[str]
    latitude: float
    longitude: float
    precision: str
    aliases: list[str]
    evidence: str
    locative: bool = False
    also_in: list[Curated] = field(default_factory=list)
    not_in: list[Curated] = field(default_factory=list)
    line: Optional[int] = None
    pattern: Optional[re.Pattern] = None


@dataclass
class PlaceLink:
    event_id: str
    place_id: str
    source_id: str
    start_offset: Optional[int]  # into sources.text; None for a curated link
    end_offset: Optional[int]
    matched_text: Optional[str]
    match_count: int
    method: str  # name | curated
    evidence: str


@dataclass
class Gazetteer:
    places: dict[str, Place]

    def __post_init__(self):
        # One pass of one pattern over each excerpt finds which places it may name; only those are then
        # checked with their own pattern (locative context, not_in): the cost grows with the text.
        aliases = {alias: place.id for place in self.places.values() for alias in place.aliases}
        # An alias that contains another place's alias ("Japan and East China Seas") names both.
        owner = {alias: {pid for other, pid in aliases.items() if other in alias} for alias in aliases}
        names = "|".join(re.escape(a) for a in sorted(owner, key=lambda a: (-len(a), a)))
        self._owner = owner
        self._any_name = re.compile(rf"(?<![\w-])(?:{names})(?![\w-])") if owner else None
        self._curated = {place.id for place in self.places.values() if place.also_in}

    def candidates(self, event: Event) -> list[Place]:
        named = set(self._curated)
        if self._any_name is not None:
            for mention in event.mentions:
                for match in self._any_name.finditer(mention.excerpt):
                    named |= self._owner[match.group(0)]
        return [place for pid, place in self.places.items() if pid in named]

    def links(self, event: Event) -> list[PlaceLink]:
        """Every place the event's excerpts name (first mention kept, with a count), plus curated links."""
        found: dict[str, PlaceLink] = {}
        for place in self.candidates(event):
            for mention in event.mentions:
                if any(c.names(mention) for c in place.not_in):
                    continue
                for match in place.pattern.finditer(mention.excerpt):
                    link = found.get(place.id)
                    if link:
                        link.match_count += 1
                        continue
                    name = match.group("name")
                    found[place.id] = PlaceLink(
                        event.id, place.id, mention.source_id, mention.start + match.start("name"),
                        mention.start + match.end("name"), name, 1, "name",
                        f"{mention.source_id} names it: '{match.group(0)}'")
            if place.id not in found:
                for curated in place.also_in:
                    mention = next((m for m in event.mentions if curated.names(m)), None)
                    if mention:
                        found[place.id] = PlaceLink(event.id, place.id, mention.source_id, None, None, None, 0,
                                                    "curated", curated.why)
                        break
        return sorted(found.values(), key=lambda link: link.place_id)

    def unused(self, events: list[Event], path: str) -> list[Problem]:
        """Warnings for curated also_in / not_in entries that name no mention."""
        mentions = [m for e in events for m in e.mentions]
        return [Problem(path, place.line, f"place {place.id!r}: curated entry {c.source!r} {c.text[:60]!r} names no excerpt")
                for place in self.places.values() for c in [*place.also_in, *place.not_in]
                if not any(c.names(m) for m in mentions)]


def _curated(entries, path, line, place_id, errors) -> list[Curated]:
    result = []
    for entry in entries or []:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k] for k in ("source", "text", "why")):
            errors.append(Problem(str(path), line, f"place {place_id!r}: also_in / not_in entries need source, text and why", "error"))
            continue
        result.append(Curated(entry["source"], entry["text"], entry["why"]))
    return result


def load_places(path: Path) -> Gazetteer:
    """Read and check the gazetteer; any inconsistency fails with the file and line."""
    if not path.exists():
        return Gazetteer({})
    data, where = load_list(path)
    errors: list[Problem] = []
    places: dict[str, Place] = {}
    owners: dict[str, str] = {}
    for index, entry in enumerate(data):
        line = where.get(index)
        if not isinstance(entry, dict) or not all(entry.get(k) for k in ("id", "name", "precision", "aliases", "evidence")):
            errors.append(Problem(str(path), line, "each place needs an id, a name, a precision, aliases and evidence", "error"))
            continue
        pid = entry["id"]
        unknown = set(entry) - FIELDS
        if unknown:
            errors.append(Problem(str(path), line, f"unknown field(s) {sorted(unknown)} in place {pid!r}", "error"))
            continue
        latitude, longitude = entry.get("latitude"), entry.get("longitude")
        if not isinstance(latitude, (int, float)) or not isinstance(longitude, (int, float)) \
                or not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            errors.append(Problem(str(path), line, f"place {pid!r} needs a latitude in -90..90 and a longitude in -180..180", "error"))
            continue
        if entry["precision"] not in PRECISIONS:
            errors.append(Problem(str(path), line, f"place {pid!r} has unknown precision {entry['precision']!r} (one of {sorted(PRECISIONS)})", "error"))
            continue
        if pid in places:
            errors.append(Problem(str(path), line, f"place id {pid!r} is used twice", "error"))
            continue
        aliases = [str(a) for a in entry["aliases"]]
        for alias in aliases:
            if owners.get(alias, pid) != pid:
                errors.append(Problem(str(path), line, f"alias {alias!r} is claimed by both {owners[alias]!r} and {pid!r}", "error"))
            owners[alias] = pid
        names = "|".join(re.escape(a) for a in sorted(aliases, key=lambda a: (-len(a), a)))
        before = LOCATIVE if entry.get("locative") else ""
        place = Place(pid, entry["name"], entry.get("country"), float(latitude), float(longitude), entry["precision"],
                      aliases, entry["evidence"], bool(entry.get("locative")),
                      _curated(entry.get("also_in"), path, line, pid, errors),
                      _curated(entry.get("not_in"), path, line, pid, errors), line,
                      re.compile(rf"{before}(?<![\w-])(?P<name>{names})(?![\w-])"))
        places[pid] = place
    if errors:
        raise InputError(errors)
    return Gazetteer(places)
