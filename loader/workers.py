"""The per-document stages (parse, dates, actors) on several cores, with the same result as on one.

`per_document` pairs each item of the document stream (a Document, or a Problem from reading) with
what `build.read_document` made of it, in the stream's order whatever the number of workers. With
more than one worker the documents go to a process pool (forked: each worker starts with the curated
dictionaries the main process loaded, nothing is loaded twice), at most a few per worker ahead of the
one being consumed, so what waits in memory is bounded by the number of workers, not the corpus.

One thing a document's reading can depend on is another document: the actors dictionary learns
(`enrich/people.py`): a person named after a title and not in curated/actors.yml is discovered, and a
later document's reading of a name after a title sees the persons discovered before it; a spelling in
another script becomes an alias. A worker therefore reads each document against the curated
dictionary alone (it undoes what the document taught it) and says whether that learning was involved
(`DocumentReading.touched`): a name read after a title, or an alias or person added. The main process
reads such a document's actors again, in document order, against the dictionary that has learned from
every earlier document: exactly what one process does. A document that involved none of it reads the
same against either dictionary.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, Optional

from .model import InputError, Problem
from .timings import Timings

AHEAD = 4  # documents submitted per worker beyond the one being consumed
MAX_DEFAULT = 8  # default workers: the cores, at most this many


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT))


def per_document(items: Iterable, read: Callable, stages, workers: int, timings: Timings) -> Iterator[tuple]:
    """(item, reading) for each item in order: reading is `read(document, stages, timings)` for a
    Document, None for a Problem."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            yield item, (None if isinstance(item, Problem) else read(item, stages, timings))
        return
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(read, stages))
    pending: deque = deque()
    try:
        for item in items:
            pending.append((item, None if isinstance(item, Problem) else pool.submit(_read_in_worker, item)))
            while len(pending) > workers * AHEAD or (pending and pending[0][1] is None):
                yield _ready(pending.popleft(), timings)
        while pending:
            yield _ready(pending.popleft(), timings)
    finally:  # also when the consumer stops early (an error, Ctrl-C): drop what is queued
        pool.shutdown(wait=True, cancel_futures=True)


def _ready(entry: tuple, timings: Timings) -> tuple:
    item, future = entry
    if future is None:
        return item, None
    reading, seconds, problems = future.result()
    if problems is not None:  # an InputError in the worker: raised here, its problems intact
        raise InputError(problems)
    timings.add(seconds)
    return item, reading


# In a worker process: what the initializer set.
_read: Optional[Callable] = None
_stages = None
_involved = False  # whether the document being read named a person after a title


def _start_worker(read: Callable, stages) -> None:
    global _read, _stages
    # The main process handles Ctrl-C and SIGTERM (and removes its temporary file); a worker neither
    # prints a traceback on Ctrl-C nor runs the main process's handler it inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _read, _stages = read, stages
    discovery = stages.actors.discovery
    if discovery is not None:
        person = discovery._person  # a name after a title: the only reading that consults what was discovered

        def noting(*args, **kwargs):
            global _involved
            outcome = person(*args, **kwargs)
            _involved = _involved or outcome is not None
            return outcome

        discovery._person = noting


def _read_in_worker(document) -> tuple:
    """(reading, stage seconds, None), or (None, {}, problems) for an InputError."""
    global _involved
    timings = Timings()
    actors = _stages.actors
    learned = _learned(actors)
    _involved = False
    try:
        reading = _read(document, _stages, timings)
    except InputError as error:
        return None, {}, error.problems
    finally:
        changed = _learned(actors) != learned
        if changed:
            _forget(actors, learned)
    reading.touched = _involved or changed
    return reading, timings.seconds, None


def _learned(actors) -> tuple:
    """What the dictionary has learned so far: its actors (and how many aliases each) and discoveries."""
    discovered = actors.discovery.discovered if actors.discovery is not None else {}
    return {actor_id: len(actor.aliases) for actor_id, actor in actors.actors.items()}, dict(discovered)


def _forget(actors, learned: tuple) -> None:
    """Undo what one document taught the dictionary, back to `learned`."""
    aliases, discovered = learned
    for actor_id in [a for a in actors.actors if a not in aliases]:
        del actors.actors[actor_id]
    for actor_id, count in aliases.items():
        del actors.actors[actor_id].aliases[count:]
    if actors.discovery is not None:
        actors.discovery.discovered.clear()
        actors.discovery.discovered.update(discovered)
