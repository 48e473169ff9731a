"""Every state, from ISO 3166 (pycountry), behind the curated dictionary.

Each ISO 3166-1 country is a state actor with its alpha-3 code (`iso3`, as CAMEO, ICEWS and PLOVER
code countries), its short, common and official names, and its demonyms from curated/demonyms.yml
(pycountry has none). A state the curated dictionary already has (curated/actors.yml) keeps its id,
name and aliases, and only gains its code and the reference names no other actor claims: the
curated dictionary wins. Names written with a comma ("Korea, Republic of") are catalogue forms, not
text, and are left out.

A country's name or demonym inside a geographic name ("Indian Ocean", "Sea of Japan", "South China
Sea", "Korean Peninsula") names a place, not the state: `geographic_name` finds such a name around a
hit, and the actor matcher then treats it as a place name.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import pycountry

from .. import schemas
from ..model import InputError, Problem

DEMONYMS_FILE = "demonyms.yml"

# A word after a state's name or demonym that makes the whole a geographic feature ...
FEATURE_AFTER = re.compile(r"\s+(?:Ocean|Sea|Seas|Gulf|Strait|Straits|Peninsula|Bay|Basin|Plateau|Archipelago)(?!\w)")
# ... or before it ("Sea of Japan", "Gulf of Oman", "the Bay of Bengal").
FEATURE_BEFORE = re.compile(r"(?:Sea|Gulf|Strait|Straits|Bay|Gulf)\s+of\s+(?:the\s+)?$")
# Compass words that begin such a name ("South China Sea", "East China Sea").
COMPASS_BEFORE = re.compile(r"(?:North|South|East|West|Northern|Southern|Eastern|Western)\s+$")


def slug(text: str) -> str:
    """A stable id from a name: ASCII letters and digits joined by hyphens ("António" -> "antonio")."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def reference_names(country) -> list[str]:
    names = []
    for attribute in ("common_name", "name", "official_name"):
        value = getattr(country, attribute, None)
        if not value or "," in value or "(" in value:
            continue
        value = re.sub(r"^the\s+", "", value)
        if value not in names:
            names.append(value)
    return names


def load_demonyms(path: Path) -> tuple[dict[str, list[str]], list[Problem]]:
    """curated/demonyms.yml: ISO alpha-3 code -> demonyms (`schemas.Demonyms`)."""
    if not path.exists():
        return {}, []
    try:
        data, _ = schemas.read(path, schemas.Demonyms, {})
    except InputError as error:
        return {}, error.problems
    return {code: [w.strip() for w in words] for code, words in data.items()}, []


def iso_code_of(actor) -> Optional[str]:
    """The alpha-3 code of a curated state, from its name or an alias (None for a former state)."""
    for name in [actor.name, *actor.aliases]:
        try:
            return pycountry.countries.lookup(name).alpha_3
        except LookupError:
            continue
    return None


def geographic_name(text: str, start: int, end: int) -> Optional[tuple[int, int]]:
    """(start, end) of the geographic name that the state name at text[start:end] is part of, if any."""
    after = FEATURE_AFTER.match(text, end)
    before = FEATURE_BEFORE.search(text, max(0, start - 30), start)
    if after:
        compass = COMPASS_BEFORE.search(text, max(0, start - 12), start)
        return (compass.start() if compass else start), after.end()
    if before:
        return before.start(), end
    return None


def alpha2_codes(actors: dict) -> dict[str, str]:
    """State actor id -> ISO alpha-2 code, for the states that have an alpha-3 code."""
    result = {}
    for actor in actors.values():
        if actor.type == "state" and getattr(actor, "iso3", None):
            country = pycountry.countries.get(alpha_3=actor.iso3)
            if country is not None:
                result[actor.id] = country.alpha_2
    return result
