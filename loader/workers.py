"""The per-document stages (build.read_document) on several cores, with the same result as on one.

`per_document` pairs each item of the document stream (a Document, or a Problem from reading) with
what `build.read_document` made of it, in the stream's order whatever the number of workers. With
more than one worker the documents go to a process pool (forked: each worker starts with the curated
dictionaries the main process loaded, nothing is loaded twice), at most a few per worker ahead of the
one being consumed, so what waits in memory is bounded by the number of workers, not the corpus.

One thing a document's reading can depend on is another document: the actors dictionary learns
(`enrich/people.py`): a person named after a title and not in curated/actors.yml is discovered, and a
later document's reading of a name after a title sees the persons discovered before it; a spelling in
another script becomes an alias. A worker reads each document against its starting dictionary (it
undoes what the document taught it) and notes, mention by mention, where that learning was involved
(a name after a title resolved, a person discovered), with the document memory before and after
(`Learned`). The main process, in document order, takes the worker's reading of every other mention
and reads those again against the dictionary that learned from every earlier document (`settle`):
exactly what one process does. A mention that involved none of it reads the same against either
dictionary; where the memory after such a mention differs from the worker's, it reads the rest of
the document itself. An alias added to a known actor makes it read the whole document again.

`forked` runs one piece of work in a process forked when it is needed (the linker's scoring of the later
half of its pairs, enrich/link.py): the child starts with the main process's memory and sends nothing
back but its results, through a temporary file. `spooled` keeps the items of an iterable in such a file
while a block runs (the linker's own half of the pairs, while the forked process scores the other).
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, Optional

from .model import InputError, Problem
from .timings import Timings

AHEAD = 4  # documents submitted per worker beyond the one being consumed
BATCH = 4096  # items pickled at a time (`forked`, `spooled`)
MAX_DEFAULT = 8  # default workers: the cores, at most this many


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_DEFAULT))


def per_document(items: Iterable, read: Callable, stages, workers: int, timings: Timings) -> Iterator[tuple]:
    """(item, reading) for each item in order: reading is `read(document, stages, timings)` for a
    Document, None for a Problem."""
    if workers <= 1 or not can_fork():
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


def _start_worker(read: Callable, stages) -> None:
    global _read, _stages
    # The main process handles Ctrl-C and SIGTERM (and removes its temporary file); a worker neither
    # prints a traceback on Ctrl-C nor runs the main process's handler it inherited.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _read, _stages = read, stages


@dataclass
class Learned:
    """What a worker's reading of one document's actors needs to be settled in the main process."""

    own: list = field(default_factory=list)  # per mention: its actors as read (before the states of the entry)
    issues: list = field(default_factory=list)  # per mention: its (mention, NameIssue) pairs
    memories: dict = field(default_factory=dict)  # mention index -> (memory before, after) where learning mattered
    everything: bool = False  # an alias added to a known actor: the main process reads the whole document again


class _Watch:
    """Passed to build.read_actors in a worker: notes, mention by mention, whether the dictionary's
    learning was involved (a name after a title resolved, a person discovered) and the memory around it."""

    def __init__(self, actors):
        self.actors, self.learned = actors, Learned()

    def _resolved(self) -> int:
        """Names after a title resolved so far: the only reading that consults what was learned."""
        discovery = self.actors.discovery
        return discovery.resolved if discovery is not None else 0

    def before(self, memory) -> None:
        self.resolved, self.memory = self._resolved(), dict(memory.last_seen)

    def after(self, index: int, mention, memory, found: list) -> None:
        self.learned.own.append(list(mention.actors))
        self.learned.issues.append(found)
        if self._resolved() != self.resolved:
            self.learned.memories[index] = (self.memory, dict(memory.last_seen))


def _read_in_worker(document) -> tuple:
    """(reading, stage seconds, None), or (None, {}, problems) for an InputError."""
    timings = Timings()
    discovery = _stages.actors.discovery
    snapshot = discovery.snapshot() if discovery is not None else None
    watch = _Watch(_stages.actors)
    try:
        reading = _read(document, _stages, timings, watch)
    except InputError as error:
        return None, {}, error.problems
    finally:
        if discovery is not None:  # read every document against the starting dictionary
            watch.learned.everything = discovery.taught_known_actors(snapshot)
            discovery.restore(_stages.actors, snapshot)
    reading.learned = watch.learned
    reading.pack()
    return reading, timings.seconds, None


def settle(reading, info, stages) -> list:
    """In the main process, in document order: the worker's reading of each mention, except where the
    dictionary's learning was involved; there the mention is read again against the main dictionary
    (which learns from it as one process would), from the memory the worker had before it. A mention
    that involved no learning reads only its text, the curated dictionary and the memory: when the
    memory after a mention read again is not the worker's, every later mention is read again too.
    Returns the document's (mention, NameIssue) pairs."""
    from .build import _states_of_the_entry, document_memory, read_actors, read_mention

    learned: Learned = reading.learned
    if learned.everything:
        return read_actors(reading.mentions, info, stages.actors, stages.gazetteer)
    name_issues: list = []
    memory = None  # None while the main process agrees with the worker
    for index, mention in enumerate(reading.mentions):
        if memory is None and index not in learned.memories:
            mention.actors = learned.own[index]
            name_issues.extend(learned.issues[index])
            continue
        if memory is None:
            before, after = learned.memories[index]
            memory = document_memory(info, before)
            found = read_mention(mention, memory, stages.actors, stages.gazetteer)
            if memory.last_seen == after:
                memory = None  # the same memory after it: later mentions read as in the worker
        else:
            found = read_mention(mention, memory, stages.actors, stages.gazetteer)
        name_issues.extend(found)
    _states_of_the_entry(reading.mentions, stages.actors)
    return name_issues


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def forked(produce: Callable[[], Iterable]) -> Iterator[Callable[[], Iterator]]:
    """Run `produce()` in a forked process while the block runs; the block's `collect()` waits for it and
    gives what it produced, in order. The child starts with this process's memory as it is (nothing is
    sent) and writes its items, pickled a batch at a time, into an unnamed temporary file, so it never
    waits on the parent. It runs no collector (gc.disable: a pass would touch, and so copy, every page
    of the objects it inherited) and leaves by os._exit: no handler of the build runs twice. When the
    child fails or cannot start, `collect()` runs `produce()` here instead: the same items, later.
    Leaving the block before collecting stops the child."""
    file = tempfile.TemporaryFile(prefix=".forked.")
    try:
        pid = os.fork()
    except OSError:  # no memory for another process, or no more processes: do it here
        pid = None
    if pid == 0:  # the child
        status = 1
        try:
            gc.disable()
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C, and stops this child
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _write(produce(), file)
            status = 0
        finally:
            os._exit(status)
    waiting = pid

    def collect() -> Iterator:
        nonlocal waiting
        failed = waiting is None
        if waiting is not None:
            _, status = os.waitpid(waiting, 0)
            waiting = None
            failed = status != 0
        if failed:
            yield from produce()
            return
        yield from _read(file)

    try:
        yield collect
    finally:
        if waiting is not None:  # left before collecting (an error here): the child's work is not wanted
            os.kill(waiting, signal.SIGKILL)
            os.waitpid(waiting, 0)
        file.close()


@contextmanager
def spooled(items: Iterable) -> Iterator[Callable[[], Iterator]]:
    """Take every item now and keep them on disk, pickled a batch at a time in an unnamed temporary file,
    while the block runs: its `collect()` gives them back, in order. What is held meanwhile is one batch."""
    with tempfile.TemporaryFile(prefix=".spooled.") as file:
        _write(items, file)
        yield lambda: _read(file)


def _write(items: Iterable, file) -> None:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            pickle.dump(batch, file, pickle.HIGHEST_PROTOCOL)
            batch = []
    pickle.dump(batch, file, pickle.HIGHEST_PROTOCOL)
    file.flush()


def _read(file) -> Iterator:
    file.seek(0)
    while True:
        try:
            batch = pickle.load(file)
        except EOFError:
            return
        yield from batch
