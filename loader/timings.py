"""Wall time of each build stage, for `loader build --timings` and the benchmark in bench/.

Stages are timed around whole calls (per document at most), never per mention, so timing costs
nothing measurable whether or not anyone reads it. A stage's start is also where the memory the last
one freed goes back to the system (memory.give_back), in the main process and in a worker alike.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional, TypeVar

from .memory import give_back

T = TypeVar("T")


class Timings:
    """Seconds per stage name, summed over every time the stage ran."""

    def __init__(self, on_stage: Optional[Callable[[str], None]] = None):
        self.seconds: dict[str, float] = {}
        self.on_stage = on_stage  # called the first time a stage starts (progress messages)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.on_stage and name not in self.seconds:
            self.on_stage(name)
        self.seconds.setdefault(name, 0.0)
        start = time.perf_counter()
        give_back()  # counted in the stage: at corpus-100000, 0.3 s of the main process in all
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start

    def iterate(self, name: str, items: Iterable[T]) -> Iterator[T]:
        """The items, with the time spent producing each one counted under `name`."""
        iterator = iter(items)
        while True:
            with self.stage(name):
                item = next(iterator, StopIteration)
            if item is StopIteration:
                return
            yield item

    def add(self, seconds: dict[str, float]) -> None:
        """Count stage seconds measured elsewhere (a worker process): summed, so with several workers a
        stage's seconds are its time on every core, and can exceed the build's wall time."""
        for name, value in seconds.items():
            if self.on_stage and name not in self.seconds:
                self.on_stage(name)
            self.seconds[name] = self.seconds.get(name, 0.0) + value

    def as_json(self) -> str:
        return json.dumps({name: round(seconds, 3) for name, seconds in self.seconds.items()})
