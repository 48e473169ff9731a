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
from typing import Iterable, Optional, get_args

import ahocorasick

from .. import schemas
from ..model import Event, InputError, Problem
from .mentionkeys import MentionKey

FIELDS = ("cameo", "format", "forum")
FORMATS = set(get_args(schemas.Format))
RULE_KEYS = {"cameo": "code", "format": "format", "forum": "forum"}


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
    _any: object = field(default=None, repr=False, compare=False)  # `_any_of(patterns)`, made when first needed
    _needs: object = field(default=None, repr=False, compare=False)  # `needs`, worked out when first asked
    _each: object = field(default=None, repr=False, compare=False)  # per pattern, its `needed_words` as a set

    @property
    def needs(self):
        """The words (lower case) of which any match of any of the rule's patterns holds one
        (`needed_words`), or False when one of its patterns shows none."""
        if self._needs is None:
            self._each = [None if words is None else frozenset(words) for words in map(needed_words, self.patterns)]
            self._needs = False if None in self._each else frozenset().union(*self._each)
        return self._needs

    def applies(self, summary: str, cameo: Optional[str], precisions: set[str],
                present: Optional[set[str]] = None) -> Optional[str]:
        """The words that made the rule match (or a description of its condition), else None.

        `present`: which needed words of the taxonomy the summary holds (`Taxonomy.words_in`); a rule
        that needs words none of which it holds cannot match, and is not searched."""
        if self.when_cameo is not None and cameo != self.when_cameo:
            return None
        if self.when_place_precision is not None and not (precisions & self.when_place_precision):
            return None
        if not self.patterns:
            return "a place of precision " + "/".join(sorted(self.when_place_precision or ()))
        if present is not None and self.needs is not False:
            if self.needs.isdisjoint(present):
                return None
            for pattern, words in zip(self.patterns, self._each):  # every pattern shows its words: search
                if not words.isdisjoint(present):  # only those the summary may match, in order
                    found = pattern.search(summary)
                    if found:
                        return found.group(0)
            return None
        if self._any is None:
            self._any = _any_of(self.patterns)
        if self._any is not False and not self._any.search(summary):
            return None  # none of its patterns matches: one search instead of one per pattern
        for pattern in self.patterns:
            found = pattern.search(summary)
            if found:
                return found.group(0)
        return None


def _any_of(patterns: list[re.Pattern]):
    """One pattern that matches where any of `patterns` does (their alternation), or False when they
    cannot be joined as they are (flags that differ, numbered back-references, a group name used twice)."""
    if len({p.flags for p in patterns}) != 1 or any(re.search(r"\\[1-9]|\(\?P=", p.pattern) for p in patterns):
        return False
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
    except re.error:
        return False


def needed_words(pattern: re.Pattern) -> Optional[tuple[str, ...]]:
    """Words in lower case of which every match of `pattern` holds at least one, as far as its literal
    text shows ("\\bmeets?\\b": "meet"; "\\b(?:holds?|held)\\b": "old" or "eld"); None when it shows none.
    Only ASCII characters count: a match then holds the word in lower case whatever the pattern's flags,
    in a text without the four characters IGNORECASE pairs with ASCII letters (`lower_for_words`)."""
    try:
        return _needed(re._parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # the parser is the standard library's own: if it ever changes, search as before
        return None


# The only characters outside ASCII that IGNORECASE matches to an ASCII character, in the whole of
# Unicode (tests/test_taxonomy.py checks it): İ ı ſ and the Kelvin sign K.
CASE_TWINS = "\u0130\u0131\u017f\u212a"


def lower_for_words(summary: str) -> Optional[str]:
    """The summary in lower case, where `needed_words` may be looked for in it; else None."""
    if not summary.isascii() and any(twin in summary for twin in CASE_TWINS):
        return None
    return summary.lower()


def _needed(items) -> Optional[tuple[str, ...]]:
    """`needed_words` of a parsed sequence: its longest run of literal characters, or one of the
    alternatives of a branch or group it must match, whichever has the longest shortest word."""
    options, run = [], []

    def close():
        if run:
            options.append(("".join(run).lower(),))
            run.clear()

    for op, value in items:
        name = str(op)
        if name == "LITERAL" and value < 128:
            run.append(chr(value))
            continue
        close()
        if name == "SUBPATTERN":
            found = _needed(value[-1])
        elif name == "BRANCH":
            found = [_needed(branch) for branch in value[1]]
            found = None if any(f is None for f in found) else tuple(w for f in found for w in f)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT") and value[0] >= 1:
            found = _needed(value[2])
        else:
            found = None
        if found:
            options.append(found)
    close()
    return max(options, key=lambda words: min(len(w) for w in words)) if options else None


@dataclass
class Override:
    key: MentionKey  # the mention it names, by the rule of mentionkeys
    values: dict[str, Optional[str]]
    why: str
    line: Optional[int] = None

    def matches(self, event: Event) -> bool:
        return any(self.key.names(m) for m in event.mentions)


@dataclass
class Taxonomy:
    roots: dict[str, dict]  # "04" -> {"label": ..., "description": ...}
    rules: dict[str, list[Rule]]
    overrides: list[Override]
    _finder: object = field(default=None, repr=False, compare=False)  # every rule's needed words (Aho-Corasick)
    _by_word: object = field(default=None, repr=False, compare=False)  # see `rules_for`

    def rules_for(self, section: str, present: Optional[set[str]]) -> list[Rule]:
        """The section's rules in file order, less those that need words of which the summary holds
        none (`present`, from `words_in`): they cannot match, and are not tried."""
        rules = self.rules.get(section, [])
        if present is None:
            return rules
        if self._by_word is None:  # section -> (rules always tried, needed word -> rules that need it), by index
            self._by_word = {}
            for name, listed in self.rules.items():
                always, by_word = set(), {}
                for index, rule in enumerate(listed):
                    if not rule.patterns or rule.needs is False:
                        always.add(index)
                    else:
                        for word in rule.needs:
                            by_word.setdefault(word, set()).add(index)
                self._by_word[name] = (always, by_word)
        always, by_word = self._by_word.get(section, (set(), {}))
        tried = always.union(*(by_word[word] for word in present if word in by_word))
        return [rules[index] for index in sorted(tried)]

    def words_in(self, summary: str) -> Optional[set[str]]:
        """The rules' needed words that the summary holds, in one pass over it; None when they cannot
        be looked for in it (`lower_for_words`)."""
        lowered = lower_for_words(summary)
        if lowered is None:
            return None
        if self._finder is None:
            words = {w for rules in self.rules.values() for rule in rules if rule.patterns and rule.needs for w in rule.needs}
            self._finder = False
            if words:
                self._finder = ahocorasick.Automaton()
                for word in words:
                    self._finder.add_word(word, word)
                self._finder.make_automaton()
        return {word for _, word in self._finder.iter(lowered)} if self._finder else set()


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


def load_taxonomy(path: Path) -> Taxonomy:
    """Read curated/taxonomy.yml (its shape is `schemas.TaxonomyFile`) and check what the shape cannot:
    every CAMEO code a rule or override uses is a root the file defines. Problems name the file and line."""
    if not path.exists():
        return Taxonomy({}, {f: [] for f in FIELDS}, [])
    data, marks = schemas.read(path, schemas.TaxonomyFile, {})
    errors: list[Problem] = []

    def error(loc, message):
        errors.append(Problem(str(path), marks.line(loc), message, "error"))

    roots = {code: {"label": root.label, "description": root.description} for code, root in data.roots.items()}
    rules: dict[str, list[Rule]] = {}
    for section in FIELDS:
        rules[section] = []
        for index, entry in enumerate(getattr(data, section)):
            key = RULE_KEYS[section]
            value = getattr(entry, key)
            when = entry.when or schemas.When()
            if section == "cameo" and value not in roots:
                error((section, index, key), f"rule {entry.rule!r} uses unknown CAMEO root {value!r}")
                continue
            if not entry.match and not when.model_fields_set:
                error((section, index), f"rule {entry.rule!r} needs `match` patterns or a `when` condition")
                continue
            rules[section].append(Rule(
                section, value, entry.rule, entry.why, [re.compile(text, re.IGNORECASE) for text in entry.match],
                when.cameo, set(when.place_precision) if when.place_precision else None,
                [Example(e.source, e.text) for e in entry.examples], marks.line((section, index))))
    overrides = []
    for index, entry in enumerate(data.overrides):
        values = {k: getattr(entry, k) for k in FIELDS if k in entry.model_fields_set}
        if not values:
            error(("overrides", index), "an override must set at least one of cameo, format, forum")
            continue
        if values.get("cameo") is not None and values["cameo"] not in roots:
            error(("overrides", index, "cameo"), f"override sets unknown CAMEO root {values['cameo']!r}")
            continue
        overrides.append(Override(MentionKey(entry.source, entry.text), values, entry.why, marks.line(("overrides", index))))
    if errors:
        raise InputError(errors)
    return Taxonomy(roots, rules, overrides)


def classify(event: Event, taxonomy: Taxonomy, place_precisions: Iterable[str] = ()) -> Classification:
    """Apply the rules (first match wins, in file order) and then any override to one event."""
    result = Classification()
    precisions = set(place_precisions)
    summary = event.summary or ""
    present = taxonomy.words_in(summary)
    override = next((o for o in taxonomy.overrides if o.matches(event)), None)
    for section in FIELDS:
        if override and section in override.values:
            value = override.values[section]
            setattr(result, _attribute(section), value)
            result.evidence.append(f"{section} {_show(section, value, taxonomy)}: curated override ({override.why})")
            continue
        for rule in taxonomy.rules_for(section, present):
            found = rule.applies(summary, result.cameo_root, precisions, present)
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


def override_keys(taxonomy: Taxonomy, path: str):
    """Each override's key, for `mentionkeys.resolve_all`: an override that names no mention is an error."""
    return [(o.key, path, o.line, "override") for o in taxonomy.overrides]
