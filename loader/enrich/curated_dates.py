"""Curated dating knowledge, read from curated/dates.yml: every fact with its evidence and its line.

Two sections:

  anniversary_cues  fixed reference dates ("the founding of the PRC": 1949-10-01), each with its
                    evidence, that an anniversary in an entry's text counts from ("Putin sends telegram
                    to Xi on the 72nd anniversary of the establishment of the PRC" -> 2021-10-01), plus
                    the words that make an entry a message sent for the anniversary and the assumption
                    that such a message is dated the day itself.
  dates             the date of one entry of one source, keyed by the source id, the entry's position
                    and the opening words of its excerpt (so an edited document is noticed rather than
                    silently mis-dated), with a citation or the reasoning.

Reading is pure: the file in, dataclasses out; a problem raises InputError naming the file and line.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Optional

import yaml

from ..model import InputError, Problem
from ..yamlfiles import CheckedLoader, load_yaml

SECTIONS = {"anniversary_cues", "dates"}
CUE_FIELDS = {"message_words", "assumption", "references"}
REFERENCE_FIELDS = {"id", "event", "date", "names", "evidence"}
DATE_FIELDS = {"source", "position", "excerpt", "date", "earliest", "latest", "end", "citation", "reasoning",
               "out_of_order", "disagrees"}


@dataclass(frozen=True)
class Reference:
    """A fixed day that anniversaries count from."""

    id: str
    event: str
    date: dt.date
    names: tuple[str, ...]
    evidence: str
    line: int


@dataclass(frozen=True)
class CuratedDate:
    """The curated date of one entry of one source."""

    source: str
    position: int
    excerpt: str  # the opening words of the entry's excerpt, as a drift check
    earliest: str
    latest: str
    end: Optional[str]
    citation: str  # the citation, or the reasoning when there is no single citation
    out_of_order: Optional[str]  # why the source lists this entry out of its order, if it does
    file: str
    line: int  # line of the item
    date_line: int  # line of its date (or earliest) field: where a contradiction is reported
    disagrees: Optional[str] = None  # why the curated date departs from a source's printed date of the event, if it does

    @property
    def where(self) -> str:
        return f"{self.file}:{self.date_line}"


@dataclass
class CuratedDates:
    file: str
    references: list[Reference] = field(default_factory=list)
    message_words: tuple[str, ...] = ()
    assumption: str = ""
    dates: dict[tuple[str, int], CuratedDate] = field(default_factory=dict)
    # `pattern` and `message_pattern` are computed once, on first use, after loading is complete.

    @cached_property
    def pattern(self) -> Optional[re.Pattern]:
        """'72nd anniversary of the establishment of the PRC': the ordinal and the reference's name."""
        names = sorted({name for ref in self.references for name in ref.names}, key=lambda n: (-len(n), n))
        if not names:
            return None
        alternatives = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in names)
        return re.compile(
            rf"\b(?P<n>\d{{1,3}})(?:st|nd|rd|th)\s+anniversary\s+of\s+(?:the\s+)?(?P<name>{alternatives})(?![\w-])",
            re.IGNORECASE,
        )

    @cached_property
    def message_pattern(self) -> Optional[re.Pattern]:
        if not self.message_words:
            return None
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in self.message_words) + r")\w*", re.IGNORECASE)

    def reference_named(self, name: str) -> Optional[Reference]:
        wanted = " ".join(name.split()).casefold()
        for ref in self.references:
            if any(" ".join(n.split()).casefold() == wanted for n in ref.names):
                return ref
        return None


class _Mapping(dict):
    """A YAML mapping that remembers its line and the line of each key."""

    line: int = 0
    key_lines: dict


class _LineLoader(CheckedLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {key.value: key.start_mark.line + 1 for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read(path: Path):
    return load_yaml(path, loader=_LineLoader)


def _day(value) -> Optional[str]:
    """YAML reads 2021-12-15 as a date; accept that or the same text."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    return None


def load_curated_dates(path: Path) -> CuratedDates:
    """Read and check curated/dates.yml. A missing file means no curated knowledge."""
    file = str(path)
    result = CuratedDates(file)
    if not path.exists():
        return result
    data = _read(path)
    if data is None:
        return result
    if not isinstance(data, dict):
        raise InputError([Problem(file, 1, f"this file must be a mapping with the sections {sorted(SECTIONS)}", "error")])
    errors: list[Problem] = []
    unknown = set(data) - SECTIONS
    if unknown:
        errors.append(Problem(file, data.line, f"unknown section(s) {sorted(unknown)} (known: {sorted(SECTIONS)})", "error"))
    _read_cues(data.get("anniversary_cues"), result, errors, data.key_lines.get("anniversary_cues", data.line))
    _read_dates(data.get("dates"), result, errors, data.key_lines.get("dates", data.line))
    if errors:
        raise InputError(errors)
    return result


def _read_cues(section, result: CuratedDates, errors: list[Problem], line: int) -> None:
    file = result.file
    if section is None:
        return
    if not isinstance(section, dict):
        errors.append(Problem(file, line, "anniversary_cues must be a mapping", "error"))
        return
    unknown = set(section) - CUE_FIELDS
    if unknown:
        errors.append(Problem(file, section.line, f"unknown field(s) {sorted(unknown)} in anniversary_cues", "error"))
    words = section.get("message_words")
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        errors.append(Problem(file, section.key_lines.get("message_words", section.line),
                              "anniversary_cues needs message_words: a list of words", "error"))
    else:
        result.message_words = tuple(w.strip() for w in words)
    assumption = section.get("assumption")
    if not isinstance(assumption, str) or not assumption.strip():
        errors.append(Problem(file, section.line, "anniversary_cues needs the assumption it makes, in words", "error"))
    else:
        result.assumption = " ".join(assumption.split())
    references = section.get("references") or []
    if not isinstance(references, list):
        errors.append(Problem(file, section.key_lines.get("references", section.line), "references must be a list", "error"))
        return
    seen: dict[str, str] = {}
    for ref in references:
        ref_line = getattr(ref, "line", section.line)
        if not isinstance(ref, dict):
            errors.append(Problem(file, ref_line, "each reference must be a mapping", "error"))
            continue
        unknown = set(ref) - REFERENCE_FIELDS
        missing = sorted(k for k in REFERENCE_FIELDS if not ref.get(k))
        if unknown or missing:
            errors.append(Problem(file, ref_line, f"reference needs {sorted(REFERENCE_FIELDS)}"
                                  + (f"; missing {missing}" if missing else "")
                                  + (f"; unknown {sorted(unknown)}" if unknown else ""), "error"))
            continue
        day = _day(ref["date"])
        names = ref["names"]
        if day is None:
            errors.append(Problem(file, ref.key_lines.get("date", ref_line), f"reference {ref['id']!r}: date must be YYYY-MM-DD", "error"))
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            errors.append(Problem(file, ref.key_lines.get("names", ref_line), f"reference {ref['id']!r}: names must be a list of phrases", "error"))
            continue
        for name in names:
            key = " ".join(name.split()).casefold()
            if key in seen and seen[key] != ref["id"]:
                errors.append(Problem(file, ref_line, f"name {name!r} is claimed by references {seen[key]!r} and {ref['id']!r}", "error"))
            seen[key] = ref["id"]
        result.references.append(Reference(str(ref["id"]), " ".join(str(ref["event"]).split()), dt.date.fromisoformat(day),
                                           tuple(names), " ".join(str(ref["evidence"]).split()), ref_line))


def _read_dates(section, result: CuratedDates, errors: list[Problem], line: int) -> None:
    file = result.file
    if section is None:
        return
    if not isinstance(section, list):
        errors.append(Problem(file, line, "dates must be a list of entries", "error"))
        return
    for item in section:
        item_line = getattr(item, "line", line)
        if not isinstance(item, dict):
            errors.append(Problem(file, item_line, "each curated date must be a mapping", "error"))
            continue
        lines = item.key_lines
        unknown = set(item) - DATE_FIELDS
        if unknown:
            errors.append(Problem(file, item_line, f"unknown field(s) {sorted(unknown)} (known: {sorted(DATE_FIELDS)})", "error"))
            continue
        source, position, excerpt = item.get("source"), item.get("position"), item.get("excerpt")
        if not isinstance(source, str) or not isinstance(position, int) or position < 1 \
                or not isinstance(excerpt, str) or len(excerpt.strip()) < 10:
            errors.append(Problem(file, item_line, "a curated date needs source (an id), position (1 = first entry) and "
                                  "excerpt (the entry's opening words, at least 10 characters)", "error"))
            continue
        citation = item.get("citation") or item.get("reasoning")
        if not isinstance(citation, str) or not citation.strip():
            errors.append(Problem(file, item_line, f"curated date for {source} entry {position} needs a citation or its reasoning", "error"))
            continue
        if "date" in item:
            if "earliest" in item or "latest" in item:
                errors.append(Problem(file, item_line, "give either date or earliest and latest, not both", "error"))
                continue
            earliest = latest = _day(item["date"])
            date_line = lines.get("date", item_line)
        else:
            earliest, latest = _day(item.get("earliest")), _day(item.get("latest"))
            date_line = lines.get("earliest", item_line)
        end = _day(item["end"]) if item.get("end") is not None else None
        if earliest is None or latest is None or (item.get("end") is not None and end is None):
            errors.append(Problem(file, date_line, f"curated date for {source} entry {position}: dates must be YYYY-MM-DD "
                                  "(date, or earliest and latest; optional end)", "error"))
            continue
        if earliest > latest or (end is not None and end < latest):
            errors.append(Problem(file, date_line, f"curated date for {source} entry {position}: bounds invert "
                                  f"({earliest} to {latest}{', ending ' + end if end else ''})", "error"))
            continue
        out_of_order = item.get("out_of_order")
        if out_of_order is not None and (not isinstance(out_of_order, str) or not out_of_order.strip()):
            errors.append(Problem(file, lines.get("out_of_order", item_line), "out_of_order must say why, in words", "error"))
            continue
        disagrees = item.get("disagrees")
        if disagrees is not None and (not isinstance(disagrees, str) or not disagrees.strip()):
            errors.append(Problem(file, lines.get("disagrees", item_line), "disagrees must say why, in words", "error"))
            continue
        key = (source, position)
        if key in result.dates:
            errors.append(Problem(file, item_line, f"{source} entry {position} is curated twice "
                                  f"(first at line {result.dates[key].line})", "error"))
            continue
        result.dates[key] = CuratedDate(
            source, position, " ".join(excerpt.split()), earliest, latest, end, " ".join(citation.split()),
            " ".join(out_of_order.split()) if out_of_order else None, file, item_line, date_line,
            " ".join(disagrees.split()) if disagrees else None,
        )
