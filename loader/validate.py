"""`python -m loader validate`: check seeds/ and curated/ without building.

It runs the same stages as the build (`build.check`: registry, documents, parsers, dates, actors)
and stops before the write, so what it reports is what a build would report. It also parses every
YAML file in the curated folder for syntax, a file the build does not know among them (a misnamed
one, say), which the build would pass over.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .build import check
from .model import InputError, Problem
from .yamlfiles import load_yaml


@dataclass
class Validation:
    documents: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]


def validate_inputs(seeds: Path, curated: Path) -> Validation:
    data, errors = check(seeds, curated)
    problems = list(data.problems) + list(errors)
    if curated.is_dir():
        for path in sorted([*curated.glob("*.yml"), *curated.glob("*.yaml")]):
            try:
                load_yaml(path)
            except InputError as error:
                problems.extend(p for p in error.problems if p not in problems)
    return Validation(documents=len(data.documents), events=len(data.events), problems=problems)
