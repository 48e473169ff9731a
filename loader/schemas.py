"""The shape of every curated file and of the sources registry, declared once (pydantic models).

Each file has one model here; `read(path, Model)` parses the file through the one YAML reader
(`yamlfiles`, which refuses aliases and keeps the parser's line marks) and checks it against the model.
A value of the wrong shape fails with FILE:LINE (the line of its key or list item, from the marks)
and what was expected:

    curated/linking.yml:9: error: kinds.patrol: expected a list, got the text 'patrol' (a kind's name -> ...)

The models say what each file may hold: which fields, of which types, which are required, which
values are allowed. Unknown fields and sections are errors, so a misspelt key is caught. What needs
more than one entry to check (an id used twice, an alias two actors claim, a CAMEO code no root
defines) is checked by the file's loader, with the line from the same marks.

Models are strict: no value is coerced into another type (a number is not text, "yes" is not true);
the few places that accept more than one type say so (a date written as a date or as text).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, TypeVar, Union, get_args

from pydantic.fields import FieldInfo
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError,
                      field_validator)

from .model import InputError, Problem
from .parse import FORMATS
from .yamlfiles import Marks, load_marked
from .parse.datetext import is_real_date

T = TypeVar("T")


# --- value types ---------------------------------------------------------------------------------------

def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


Text = Annotated[str, AfterValidator(_nonblank)]
Words = Annotated[list[Text], Field(description="a list of words")]


def _iso_day(value: Any) -> str:
    """A day, written as a YAML date (2021-12-15) or as the same text ("2021-12-15")."""
    if isinstance(value, dt.datetime) or not isinstance(value, (dt.date, str)):
        raise ValueError("expected a day, YYYY-MM-DD")
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError("expected a day, YYYY-MM-DD") from None


Day = Annotated[Any, AfterValidator(_iso_day)]
PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def _partial_date(value: Any) -> str:
    """A year, a month or a day (2022, 2021-12, 2021-12-17; YAML reads these as a number, text and a
    date), kept as ISO text."""
    if isinstance(value, bool) or isinstance(value, dt.datetime) or not isinstance(value, (dt.date, int, str)):
        raise ValueError("expected a date: YYYY, YYYY-MM or YYYY-MM-DD")
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if not (PARTIAL_DATE.fullmatch(text) and is_real_date(text)):
        raise ValueError(f"{text!r} is not a real YYYY, YYYY-MM or YYYY-MM-DD")
    return text


PartialDate = Annotated[Any, AfterValidator(_partial_date)]


def _regex(value: str) -> str:
    try:
        re.compile(value, re.IGNORECASE)
    except re.error as problem:
        raise ValueError(f"bad regular expression {value!r}: {problem}") from None
    return value


Regex = Annotated[str, AfterValidator(_regex)]


def _none_is_empty(empty):
    return BeforeValidator(lambda value: empty() if value is None else value)


# A section or list left empty in the file (`overrides:` with nothing under it) is an empty one.
Items = Annotated[list[T], _none_is_empty(list)]
Mapping = Annotated[dict[str, T], _none_is_empty(dict)]


class Entry(BaseModel):
    """A mapping of a curated file: every field declared, nothing else allowed, no coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


# --- the {source, text} key: how a curated file names a mention ----------------------------------------

class MentionKey(Entry):
    source: Text = Field(description="a source id of seeds/sources.yml")
    text: Text = Field(description="a verbatim piece of that source's excerpt")


class CuratedMention(MentionKey):
    why: Text


# --- seeds/sources.yml -----------------------------------------------------------------------------------

class Source(Entry):
    id: Text
    file: Text = Field(description="the document's file name in the seeds folder")
    title: Optional[Text] = None
    publisher: Optional[Text] = None
    author: Optional[Text] = None
    url: Optional[Text] = None
    published: Optional[PartialDate] = None
    coverage_start: Optional[PartialDate] = None
    coverage_end: Optional[PartialDate] = None
    format: Optional[Literal[tuple(FORMATS)]] = None
    rights: Optional[Text] = None
    notes: Union[dict[str, Any], str, None] = Field(None, description="a mapping: field -> how it was established")


Registry = list[Source]


# --- curated/actors.yml, not_actors.yml, words.yml, demonyms.yml ------------------------------------------

class TitleHeld(Entry):
    title: Text
    from_: Union[str, int, dt.date, None] = Field(None, alias="from", description="YYYY[-MM[-DD]], start of office")
    to: Union[str, int, dt.date, None] = Field(None, description="YYYY[-MM[-DD]], end of office")


ActorType = Literal["state", "person", "organization", "body", "company", "media"]


class Actor(Entry):
    id: Text
    name: Text
    type: ActorType
    country: Optional[Text] = Field(None, description="the id of a state actor")
    titles: Optional[list[Union[Text, TitleHeld]]] = Field(
        None, description="a list of titles, each a text or {title, from, to} (dates of office)")
    aliases: Optional[Words] = Field(None, description="a list of names")
    short_names: Optional[Words] = Field(None, description="a list of names")
    cues: Optional[Words] = Field(None, description="a list of words")
    wikidata: Optional[Text] = None
    notes: Optional[Text] = None
    iso3: Optional[Text] = None


Actors = list[Actor]


class NotActor(Entry):
    name: Text
    reason: Text


NotActors = list[NotActor]


class WordLists(Entry):
    """curated/words.yml: each list optional, each a list of words."""

    titles: Words = []
    stop_words: Words = []
    name_joiners: Words = []
    joiners: Words = []
    title_links: Words = []
    determiners: Words = []
    openers: Words = []
    speech: Words = []
    not_content: Words = []
    host_before: Words = []
    host_after: Words = []
    addressee_before: Words = []
    location_before: Words = []
    topic_before: Words = []
    no_role_before: Words = []


def _alpha3(code: str) -> str:
    import pycountry

    if pycountry.countries.get(alpha_3=code) is None:
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-3 code")
    return code


Demonyms = Annotated[dict[Annotated[str, AfterValidator(_alpha3)], Words],
                    Field(description="ISO 3166-1 alpha-3 code -> a list of demonyms")]


# --- curated/places.yml ------------------------------------------------------------------------------------

Precision = Literal["site", "city", "region", "sea"]


class Place(Entry):
    id: Text
    name: Text
    country: Optional[Text] = None
    latitude: Annotated[float, Field(ge=-90, le=90, description="decimal degrees, -90..90")]
    longitude: Annotated[float, Field(ge=-180, le=180, description="decimal degrees, -180..180")]
    precision: Precision
    aliases: Annotated[Words, Field(min_length=1, description="a list of names")]
    locative: bool = False
    evidence: Text
    also_in: Items[CuratedMention] = Field([], description="a list of {source, text, why}")
    not_in: Items[CuratedMention] = Field([], description="a list of {source, text, why}")
    wikidata: Optional[Text] = None
    reference: bool = False


Places = list[Place]


# --- curated/taxonomy.yml ----------------------------------------------------------------------------------

CAMEO_CODE = 'a CAMEO root code, a quoted two-digit string such as "04"'
CameoCode = Annotated[str, Field(pattern=r"^\d{2}$", description=CAMEO_CODE)]
Format = Literal["in person", "video", "phone", "written"]


class Root(Entry):
    label: Text
    description: Optional[str] = None


class When(Entry):
    cameo: Optional[CameoCode] = Field(None, description=CAMEO_CODE)
    place_precision: Optional[list[Precision]] = Field(None, description="a list of precisions")


class Rule(Entry):
    rule: Text = Field(description="the rule's name")
    why: Text
    match: Items[Regex] = Field([], description="a list of regular expressions")
    when: Optional[When] = None
    examples: Items[MentionKey] = Field([], description="a list of {source, text}")


class CameoRule(Rule):
    code: CameoCode


class FormatRule(Rule):
    format: Format


class ForumRule(Rule):
    forum: Text


class Override(MentionKey):
    why: Text
    cameo: Optional[CameoCode] = Field(None, description=CAMEO_CODE + "; null leaves it empty")
    format: Optional[Format] = None
    forum: Optional[Text] = None


class TaxonomyFile(Entry):
    roots: Annotated[dict[CameoCode, Root], _none_is_empty(dict)] = Field({}, description='CAMEO root code ("04") -> {label, description}')
    cameo: Items[CameoRule] = []
    format: Items[FormatRule] = []
    forum: Items[ForumRule] = []
    overrides: Items[Override] = []


# --- curated/dates.yml -------------------------------------------------------------------------------------

class Reference(Entry):
    id: Text
    event: Text
    date: Day
    names: Annotated[Words, Field(min_length=1, description="a list of phrases")]
    evidence: Text


class AnniversaryCues(Entry):
    message_words: Annotated[Words, Field(min_length=1, description="a list of words")]
    assumption: Text = Field(description="the assumption it makes, in words")
    references: Items[Reference] = []


class CuratedDate(Entry):
    source: Text = Field(description="a source id")
    position: Annotated[int, Field(ge=1, description="the entry's position, 1 = first entry")]
    excerpt: str = Field(description="the entry's opening words, at least 10 characters")
    date: Optional[Day] = None
    earliest: Optional[Day] = None
    latest: Optional[Day] = None
    end: Optional[Day] = None
    citation: Optional[Text] = None
    reasoning: Optional[Text] = None
    out_of_order: Optional[Text] = Field(None, description="why, in words")
    disagrees: Optional[Text] = Field(None, description="why, in words")

    @field_validator("excerpt")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value.strip()) < 10:
            raise ValueError("must be the entry's opening words, at least 10 characters")
        return value


class DatesFile(Entry):
    anniversary_cues: Optional[AnniversaryCues] = None
    dates: Items[CuratedDate] = []


# --- curated/linking.yml and links.yml ---------------------------------------------------------------------

Phrases = Mapping[Words]


class LinkingFile(Entry):
    """Every section the linker reads; a new section is declared here before the file may use it."""

    kinds: Phrases = Field({}, description="a kind's name -> the list of words or phrases that name it")
    synonyms: Phrases = Field({}, description="a word -> the list of spellings that mean it")
    means: Phrases = Field({}, description="a means' name (navy, air) -> the list of words that name it")
    counts: Phrases = Field({}, description="a unit -> the list of words it is counted in")
    compatible: Items[Annotated[list[Text], Field(min_length=2, max_length=2)]] = Field(
        [], description="a list of pairs of kinds, [summit, agreement]")
    place_words: Items[Text] = Field(
        [], description="words that make a capitalized phrase a place's name (south, sea, strait), not a proper name that parts two events")


class Decision(Entry):
    mentions: Annotated[list[MentionKey], Field(min_length=2, description="two or more {source, text}")]
    reason: Text


class LinksFile(Entry):
    same: Items[Decision] = []
    different: Items[Decision] = []


# --- reading ---------------------------------------------------------------------------------------------

def read(path: Path, schema: type[T], empty: Any = None) -> tuple[T, Marks]:
    """Parse `path` and check it against `schema` (a model, or a list or mapping of models).

    An empty file is `empty` (checked like the rest). Raises InputError with one Problem per wrong
    value, each at its line (its key's, or its list item's), saying what was expected."""
    data, marks = load_marked(path)
    if data is None:
        data = empty
    try:
        return TypeAdapter(schema).validate_python(data), marks
    except ValidationError as error:
        raise InputError([Problem(str(path), marks.line(tuple(e["loc"]), key=True), _message(e, schema), "error")
                          for e in error.errors()]) from None


def _message(error: dict, schema) -> str:
    loc = tuple(error["loc"])
    # An entry of a file that is a list is named by its line alone.
    where = _path(loc[1:] if _is_list(schema) and loc and isinstance(loc[0], int) else loc)
    what = error["msg"]
    if error["type"] == "missing":
        what = "required, but missing"
    elif error["type"] == "extra_forbidden":
        known = _fields_at(schema, loc[:-1])
        what = "unknown field" + (f" (known: {', '.join(known)})" if known else "")
    elif error["type"].startswith("value_error"):
        what = str(error["ctx"]["error"]) if "ctx" in error else what
    elif error["type"] == "model_type" or error["type"] == "dict_type":
        what = "expected a mapping"
    elif error["type"] in EXPECTED:
        what = EXPECTED[error["type"]]
    else:
        what = re.sub(r"^Input should be (?:a valid )?", "expected ", what)
    got = "" if error["type"] in ("missing", "extra_forbidden") or error["type"].startswith("value_error") \
        else f", got {_shown(error.get('input'))}"
    expected = _description(schema, loc)
    return f"{where or 'the file'}: {what}{got}" + (f" ({expected})" if expected else "")


EXPECTED = {"list_type": "expected a list", "string_type": "expected text", "int_type": "expected a whole number",
            "float_type": "expected a number", "bool_type": "expected true or false",
            "date_type": "expected a date, YYYY-MM-DD"}


def _is_list(schema) -> bool:
    return getattr(schema, "__origin__", None) is list


def _path(loc: tuple) -> str:
    """('kinds', 'patrol', 2) -> 'kinds.patrol[2]'; entries of a list file are named by their number."""
    text = ""
    for step in loc:
        if isinstance(step, int):
            text += f"[{step}]"
        elif step == "[key]":
            text += " (the key)"
        elif any(c in str(step) for c in "[(") or step in ("str", "int", "date", "bool", "float", "list", "dict", "none"):
            continue  # a union member's tag, not a place in the file
        else:
            text += ("." if text else "") + str(step)
    return text.lstrip(".")


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"the text {value[:60]!r}"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dt.date):
        return f"the date {value}"
    return type(value).__name__


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _walk(schema, loc: tuple):
    """(the model reached, the description of the deepest field passed) along `loc`."""
    models = _models_in(schema)
    description = next((m.description for m in getattr(schema, "__metadata__", ()) if isinstance(m, FieldInfo)), None)
    for step in loc:
        model = next((m for m in models if isinstance(step, str) and step in _by_name(m)), None)
        if model is None:
            continue
        field = _by_name(model)[step]
        description = field.description or description
        models = _models_in(field.annotation) + [m for meta in field.metadata for m in _models_in(meta)]
    return models, description


def _by_name(model: type[BaseModel]) -> dict:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _fields_at(schema, loc: tuple) -> list[str]:
    models, _ = _walk(schema, loc)
    return sorted(_by_name(models[0])) if models else []


def _description(schema, loc: tuple) -> Optional[str]:
    _, description = _walk(schema, loc)
    return description
