"""`{source, text}` keys: how a curated file names a mention of a document, with one rule.

curated/links.yml (each mention of a decision), curated/taxonomy.yml (each override) and
curated/places.yml (each `also_in` / `not_in` entry) name mentions the same way: a source id and a
verbatim piece of the mention's excerpt. The rule, for all of them:

  - a key names the mentions of its source whose excerpt contains its text, exactly as written;
  - a key whose source is not loaded (its document absent, or skipped under --keep-going) cannot
    apply: a warning, and the key is not used;
  - a key that names no mention is an error: the file and the documents have drifted apart (the text
    was edited, the entry removed), and a key that silently applies to nothing is a wrong database;
  - where one mention is required (a links.yml decision joins or separates exactly the mentions it
    names), a key that names several is an error saying which lines they are on. Elsewhere a key
    applies to every mention it names (an override or a place names an event, and the same words may
    be both an entry and a back-reference read inside it).

Pure: no SQLite here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ..model import Mention, Problem


@dataclass(frozen=True)
class MentionKey:
    source: str
    text: str

    def names(self, mention: Mention) -> bool:
        """The rule: the mention is of the key's source and its excerpt contains the key's text."""
        return mention.source_id == self.source and self.text in mention.excerpt


class MentionIndex:
    """The mentions of a build, by source, for resolving keys."""

    def __init__(self, mentions: Iterable[Mention]):
        self.by_source: dict[str, list[Mention]] = {}
        for mention in mentions:
            self.by_source.setdefault(mention.source_id, []).append(mention)

    def loaded(self, key: MentionKey) -> bool:
        return key.source in self.by_source

    def resolve(self, key: MentionKey, file: str, line: Optional[int], what: str,
                one: bool = False) -> tuple[list[Mention], Optional[Problem]]:
        """(the mentions `key` names, the problem if there is one). `what` names the key's entry in the
        file ("'same' decision", "override"); `one`: the entry needs exactly one mention."""
        if not self.loaded(key):
            return [], Problem(file, line, f"{what} names {key.source!r}, a source not loaded; not used", "warning")
        hits = [m for m in self.by_source[key.source] if key.names(m)]
        if not hits:
            return [], Problem(file, line, f"no mention of {key.source!r} contains {key.text!r} ({what}: quote a verbatim "
                                            "piece of its excerpt)", "error")
        if one and len(hits) > 1:
            where = ", ".join(str(m.line) for m in hits)
            return hits, Problem(file, line, f"{len(hits)} mentions of {key.source!r} contain {key.text!r} (at lines {where} of "
                                             f"the document); a {what} names one: quote more of its excerpt", "error")
        return hits, None


def resolve_all(index: MentionIndex, keys: Iterable[tuple[MentionKey, str, Optional[int], str]]) -> list[Problem]:
    """The problems of keys that need not name one mention each: (key, file, line, what) in file order."""
    problems = []
    for key, file, line, what in keys:
        _, problem = index.resolve(key, file, line, what)
        if problem is not None:
            problems.append(problem)
    return problems
