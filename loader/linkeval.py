"""How well the cross-source linker does: precision and recall over pairs of reports.

Two answer keys:
  - a labelled set of pairs (YAML: `same:` and `different:` lists, each pair naming two mentions by
    source id and a verbatim piece of the excerpt, with the reason), as tests/linking_pairs.yml holds
    for the seeds. A pair counts as linked when both mentions are in one event;
  - a full partition (the benchmark generator's truth.jsonl: the world event of every entry), scored
    over every pair of reports from different documents (a document reports an event once, so pairs
    within one document are never the linker's to make).

precision = linked pairs that are the same event / linked pairs; recall = same-event pairs linked /
same-event pairs. Both are None when their denominator is 0.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from .model import InputError, Problem
from .yamlfiles import load_yaml


@dataclass
class LabelledPair:
    label: str  # same | different
    a: tuple[str, str]  # (source id, text)
    b: tuple[str, str]
    reason: str
    line: Optional[int] = None


@dataclass
class Quality:
    true_positive: int = 0
    linked: int = 0  # pairs the linker put in one event (of those judged)
    same: int = 0  # pairs that are one event
    misses: list = field(default_factory=list)  # labelled pairs judged wrongly: (pair, linked?)

    @property
    def precision(self) -> Optional[float]:
        return round(self.true_positive / self.linked, 4) if self.linked else None

    @property
    def recall(self) -> Optional[float]:
        return round(self.true_positive / self.same, 4) if self.same else None

    def as_dict(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "true_positive": self.true_positive,
                "linked_pairs": self.linked, "same_pairs": self.same}


def load_pairs(path: Path) -> list[LabelledPair]:
    data = load_yaml(path) or {}
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), 1, "expected 'same:' and 'different:' lists of pairs", "error")])
    lines = _pair_lines(path)
    pairs, errors = [], []
    for label in ("same", "different"):
        for index, entry in enumerate(data.get(label) or []):
            line = lines.get((label, index))
            mentions = entry.get("mentions") if isinstance(entry, dict) else None
            if (not isinstance(mentions, list) or len(mentions) != 2
                    or not all(isinstance(m, dict) and m.get("source") and m.get("text") for m in mentions)):
                errors.append(Problem(str(path), line, f"each '{label}' pair needs exactly two mentions with source and text", "error"))
                continue
            if not entry.get("reason"):
                errors.append(Problem(str(path), line, f"a '{label}' pair must give its reason", "error"))
                continue
            a, b = ((m["source"], m["text"]) for m in mentions)
            pairs.append(LabelledPair(label, a, b, str(entry["reason"]).strip(), line))
    if errors:
        raise InputError(errors)
    return pairs


def _pair_lines(path: Path) -> dict[tuple[str, int], int]:
    import re

    lines, section, index = {}, None, 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"^(same|different):", line):
            section, index = line.split(":")[0], 0
        elif section and line.startswith("  - "):
            lines[(section, index)] = number
            index += 1
    return lines


def judge_pairs(pairs: list[LabelledPair], event_of: dict[tuple[str, int], str],
                excerpts: dict[tuple[str, int], str], path: str = "") -> Quality:
    """Score labelled pairs against the events (`event_of`: (source, position) -> event id)."""
    by_source: dict[str, list[tuple[tuple[str, int], str]]] = defaultdict(list)
    for key, excerpt in excerpts.items():
        by_source[key[0]].append((key, excerpt))
    errors, quality = [], Quality()

    def find(ref: tuple[str, str], line) -> Optional[tuple[str, int]]:
        hits = [key for key, excerpt in by_source.get(ref[0], []) if ref[1] in excerpt]
        if len(hits) != 1:
            errors.append(Problem(path, line, f"{'no' if not hits else len(hits)} mention of {ref[0]!r} contains {ref[1]!r}", "error"))
            return None
        return hits[0]

    for pair in pairs:
        a, b = find(pair.a, pair.line), find(pair.b, pair.line)
        if a is None or b is None:
            continue
        linked = event_of[a] == event_of[b]
        same = pair.label == "same"
        quality.linked += linked
        quality.same += same
        quality.true_positive += linked and same
        if linked != same:
            quality.misses.append((pair, linked))
    if errors:
        raise InputError(errors)
    return quality


def judge_partition(predicted: Iterable[tuple[str, int, str]], truth: dict[tuple[str, int], object]) -> Quality:
    """Pairwise precision and recall of a clustering against a full partition, over pairs of reports
    from different documents, in time linear in the reports.

    `predicted`: (source id, position, event id) rows; `truth`: (source id, position) -> true event.
    Reports missing from `truth` are left out."""
    pred_sizes: dict[str, Counter] = defaultdict(Counter)  # event -> reports per source
    true_sizes: dict[object, Counter] = defaultdict(Counter)
    both: dict[tuple, Counter] = defaultdict(Counter)
    for source, position, event in predicted:
        label = truth.get((source, position))
        if label is None:
            continue
        pred_sizes[event][source] += 1
        true_sizes[label][source] += 1
        both[(event, label)][source] += 1
    quality = Quality()
    quality.linked = sum(_cross_pairs(c) for c in pred_sizes.values())
    quality.same = sum(_cross_pairs(c) for c in true_sizes.values())
    quality.true_positive = sum(_cross_pairs(c) for c in both.values())
    return quality


def _cross_pairs(per_source: Counter) -> int:
    """Pairs of reports from different sources in a group: all pairs less those within one source."""
    n = sum(per_source.values())
    return n * (n - 1) // 2 - sum(k * (k - 1) // 2 for k in per_source.values())


def read_truth(path: Path) -> dict[tuple[str, int], int]:
    """bench/generate.py's truth.jsonl: (source id, position) -> world event number."""
    truth = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            for position, event in enumerate(row["events"], 1):
                truth[(row["source"], position)] = event
    return truth
