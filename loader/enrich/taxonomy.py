"""Taxonomy: a CAMEO root code, a format and a forum for each event, from curated/taxonomy.yml.

Rules are regular expressions tried against the event's summary; the first rule that matches wins
within each of cameo, format and forum. Curated overrides (named by source id and a verbatim piece of
an excerpt) win over every rule. What decided each value is kept, in words, as the event's evidence.
Pure: no SQLite here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from ..model import Event, InputError, Problem
from ..yamlfiles import load_yaml

FIELDS = ("cameo", "format", "forum")
FORMATS = {"in person", "video", "phone", "written"}
CODE = re.compile(r"\d{2}")
RULE_KEYS = {"cameo": "code", "format": "format", "forum": "forum"}
RULE_FIELDS = {"rule", "why", "match", "when", "examples"}
OVERRIDE_FIELDS = {"source", "text", "why", *FIELDS}


@dataclass
class Example:
    source: str
    text: str


@dataclass
class Rule:
    field: str  # cameo | format | forum
    value: str
    name: str
    why: str
    patterns: list[re.Pattern]
    when_cameo: Optional[str] = None
    when_place_precision: Optional[set[str]] = None
    examples: list[Example] = field(default_factory=list)
    line: Optional[int] = None

    def applies(self, summary: str, cameo: Optional[str], precisions: set[str]) -> Optional[str]:
        """The words that made the rule match (or a description of its condition), else None."""
        if self.when_cameo is not None and cameo != self.when_cameo:
            return None
        if self.when_place_precision is not None and not (precisions & self.when_place_precision):
            return None
        if not self.patterns:
            return "a place of precision " + "/".join(sorted(self.when_place_precision or ()))
        for pattern in self.patterns:
            found = pattern.search(summary)
            if found:
                return found.group(0)
        return None


@dataclass
class Override:
    source: str
    text: str
    values: dict[str, Optional[str]]
    why: str
    line: Optional[int] = None

    def matches(self, event: Event) -> bool:
        return any(m.source_id == self.source and self.text in m.excerpt for m in event.mentions)


@dataclass
class Taxonomy:
    roots: dict[str, dict]  # "04" -> {"label": ..., "description": ...}
    rules: dict[str, list[Rule]]
    overrides: list[Override]


@dataclass
class Classification:
    cameo_root: Optional[str] = None
    format: Optional[str] = None
    forum: Optional[str] = None
    evidence: list[str] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)  # which rule gave each value (none for overrides)

    @property
    def evidence_text(self) -> Optional[str]:
        return "; ".join(self.evidence) or None


def _lines(path: Path) -> dict[tuple[str, int], int]:
    """Line of the n-th list item under each top-level key, so a problem can name its line."""
    lines, section, index = {}, None, 0
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text and not text[0].isspace() and text.rstrip().endswith(":") and not text.startswith("#"):
            section, index = text.rstrip()[:-1], 0
        elif section and text.startswith("  - "):
            lines[(section, index)] = number
            index += 1
    return lines


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and check curated/taxonomy.yml; every problem names the file and the line."""
    if not path.exists():
        return Taxonomy({}, {f: [] for f in FIELDS}, [])
    data = load_yaml(path) or {}
    where = _lines(path)
    errors: list[Problem] = []

    def error(line, message):
        errors.append(Problem(str(path), line, message, "error"))

    if not isinstance(data, dict):
        raise InputError([Problem(str(path), 1, "this file must be a mapping with roots, cameo, format, forum and overrides", "error")])
    unknown = set(data) - {"roots", "overrides", *FIELDS}
    if unknown:
        error(1, f"unknown section(s) {sorted(unknown)}")
    roots = {}
    for code, root in (data.get("roots") or {}).items():
        if not isinstance(code, str) or not CODE.fullmatch(code):
            error(None, f"CAMEO root {code!r} must be a quoted two-digit string such as \"04\"")
        elif not isinstance(root, dict) or not root.get("label"):
            error(None, f"CAMEO root {code!r} needs a label")
        else:
            roots[code] = {"label": root["label"], "description": root.get("description")}
    rules: dict[str, list[Rule]] = {}
    for section in FIELDS:
        rules[section] = []
        for index, entry in enumerate(data.get(section) or []):
            line = where.get((section, index))
            rule = _rule(section, entry, line, roots, error)
            if rule:
                rules[section].append(rule)
    overrides = []
    for index, entry in enumerate(data.get("overrides") or []):
        line = where.get(("overrides", index))
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k] for k in ("source", "text", "why")):
            error(line, "each override needs a source, a verbatim text and a why")
            continue
        extra = set(entry) - OVERRIDE_FIELDS
        if extra:
            error(line, f"unknown field(s) {sorted(extra)} in override")
            continue
        values = {k: entry[k] for k in FIELDS if k in entry}
        if not values:
            error(line, "an override must set at least one of cameo, format, forum")
            continue
        if "cameo" in values and values["cameo"] is not None and values["cameo"] not in roots:
            error(line, f"override sets unknown CAMEO root {values['cameo']!r} (quote it: \"04\")")
            continue
        if values.get("format") is not None and values["format"] not in FORMATS:
            error(line, f"override sets unknown format {values['format']!r} (one of {sorted(FORMATS)})")
            continue
        overrides.append(Override(entry["source"], entry["text"], values, entry["why"], line))
    if errors:
        raise InputError(errors)
    return Taxonomy(roots, rules, overrides)


def _rule(section, entry, line, roots, error) -> Optional[Rule]:
    key = RULE_KEYS[section]
    if not isinstance(entry, dict) or not isinstance(entry.get(key), str) or not entry.get("rule") or not entry.get("why"):
        error(line, f"each {section} rule needs `{key}` (a string), `rule` (a name) and `why`")
        return None
    extra = set(entry) - RULE_FIELDS - {key}
    if extra:
        error(line, f"unknown field(s) {sorted(extra)} in {section} rule {entry['rule']!r}")
        return None
    value = entry[key]
    if section == "cameo" and value not in roots:
        error(line, f"rule {entry['rule']!r} uses unknown CAMEO root {value!r} (quote it: \"04\")")
        return None
    if section == "format" and value not in FORMATS:
        error(line, f"rule {entry['rule']!r} uses unknown format {value!r} (one of {sorted(FORMATS)})")
        return None
    patterns = []
    for text in entry.get("match") or []:
        try:
            patterns.append(re.compile(text, re.IGNORECASE))
        except re.error as problem:
            error(line, f"rule {entry['rule']!r}: bad regular expression {text!r}: {problem}")
            return None
    when = entry.get("when") or {}
    if not patterns and not when:
        error(line, f"rule {entry['rule']!r} needs `match` patterns or a `when` condition")
        return None
    if set(when) - {"cameo", "place_precision"}:
        error(line, f"rule {entry['rule']!r}: `when` takes cameo and place_precision only")
        return None
    examples = []
    for example in entry.get("examples") or []:
        if not isinstance(example, dict) or not example.get("source") or not example.get("text"):
            error(line, f"rule {entry['rule']!r}: each example needs a source and a text")
            return None
        examples.append(Example(example["source"], example["text"]))
    precision = when.get("place_precision")
    return Rule(section, value, entry["rule"], entry["why"], patterns, when.get("cameo"),
                set(precision) if precision else None, examples, line)


def classify(event: Event, taxonomy: Taxonomy, place_precisions: Iterable[str] = ()) -> Classification:
    """Apply the rules (first match wins, in file order) and then any override to one event."""
    result = Classification()
    precisions = set(place_precisions)
    summary = event.summary or ""
    override = next((o for o in taxonomy.overrides if o.matches(event)), None)
    for section in FIELDS:
        if override and section in override.values:
            value = override.values[section]
            setattr(result, _attribute(section), value)
            result.evidence.append(f"{section} {_show(section, value, taxonomy)}: curated override ({override.why})")
            continue
        for rule in taxonomy.rules.get(section, []):
            found = rule.applies(summary, result.cameo_root, precisions)
            if found is not None:
                setattr(result, _attribute(section), rule.value)
                result.rules[section] = rule
                result.evidence.append(f"{section} {_show(section, rule.value, taxonomy)}: rule '{rule.name}' matched '{found}'")
                break
    return result


def _attribute(section: str) -> str:
    return "cameo_root" if section == "cameo" else section


def _show(section: str, value: Optional[str], taxonomy: Taxonomy) -> str:
    if value is None:
        return "left empty"
    if section == "cameo":
        return f"{value} ({taxonomy.roots.get(value, {}).get('label', '?')})"
    return value


def unused_overrides(taxonomy: Taxonomy, events: list[Event], path: str) -> list[Problem]:
    """A warning for each override that names no event (its text or source changed)."""
    return [Problem(path, o.line, f"override for {o.source!r} {o.text[:60]!r} matches no event; it was not applied")
            for o in taxonomy.overrides if not any(o.matches(e) for e in events)]
