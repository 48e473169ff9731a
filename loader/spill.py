"""The documents' dating, kept on disk from the reading until the events are dated; the actor matches, held as numbers.

Each document's dating (`enrich.dating.DocumentDates`: an entry per report, its anchors, its evidence)
is read by no stage between the reading and the dates stage after the links, and the links are where the
build's memory peaks: at a million reports the datings come to about a sixth of what the main process
holds then. `Datings` keeps them in an anonymous temporary file beside the database being built (deleted
by the system when the build ends, however it ends) and reads them back in document order when the
dates stage asks for them: each held in part (`documents_in_part`: the entries of the reports that have
others, and for each other report only the bounds its document gave it, `DocumentDatesInPart`), and
read whole again only where another source lends a bound. Most reports have no other, so most entries
are let go as they are read. Without a database (`validate`, `loader dates`) they stay in memory, whole,
as before.

A dating refers to its document's mentions (each entry's report, each anchor's entry), which the build
holds anyway: the pickle names each of them by its position in the document (a persistent id), and
loading hands back the very mentions the build holds, so that the dates stage still changes what the
write reads. A worker process pickles its documents' datings itself (`pickled`), so that the main
process, the one serial step, only copies bytes to the file.

The reports' actor matches are held as numbers (`PackedActors`) from the moment a document is read to
the end of the build, and made again each time a stage reads them (`model.StoredMention.actors`).
"""
from __future__ import annotations

import io
import pickle
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence, Union

from .enrich.dating.combine import judged_entries
from .enrich.dating.propagate import DocumentDatesInPart
from .model import ActorMatch, Mention, Problem


# The dates stage reads the datings back each held in part (`Datings.documents_in_part`); False: whole,
# as before (the tests compare the two).
IN_PART = True


@dataclass
class PickledDating:
    """A document's dating as a worker sends it: the pickle, and what the main process reads of it
    at once (its problems; whether it has a curated entry that `curated_contradictions` judges)."""

    source_id: str
    blob: bytes
    problems: list[Problem]
    judged: bool
    own_evidence: list[tuple[int, Optional[str]]]  # `own_evidence(dating)`, read at once by a build (DateEvidence)


class _Pickler(pickle.Pickler):
    def __init__(self, file, mentions: Sequence[Mention]):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.held = {id(m): m.position for m in mentions}

    def persistent_id(self, obj):
        # Only the document's own mention objects go by position; a copy (none is made today) would be
        # pickled whole, so what loads is always what was dumped.
        if isinstance(obj, Mention):
            return self.held.get(id(obj))
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, mentions: Sequence[Mention]):
        super().__init__(file)
        self.by_position = {m.position: m for m in mentions}

    def persistent_load(self, position):
        return self.by_position[position]


def dump(dated, mentions: Sequence[Mention]) -> bytes:
    """A document's dating as bytes, its mentions (`mentions`, the document's) named by position."""
    buffer = io.BytesIO()
    _Pickler(buffer, mentions).dump(dated)
    return buffer.getvalue()


def load(blob: bytes, mentions: Sequence[Mention]):
    """The dating `dump` gave `blob`, referring to `mentions` (the document's, as the build holds them)."""
    return _Unpickler(io.BytesIO(blob), mentions).load()


def pickled(dated, mentions: Sequence[Mention]) -> PickledDating:
    return PickledDating(dated.source_id, dump(dated, mentions), list(dated.problems), bool(judged_entries(dated)),
                         own_evidence(dated))


def own_evidence(dated) -> list[tuple[int, Optional[str]]]:
    """(position, evidence) of each report of a document's dating (or of a worker's `PickledDating` of it):
    the evidence of the bounds its document alone gives it (`Entry.document_only`)."""
    if isinstance(dated, PickledDating):
        return dated.own_evidence
    return [(entry.mention.position, entry.document_only.evidence if entry.document_only else None)
            for entry in dated.entries]


class Datings:
    """Every document's dating in document order: in memory (`directory` None), or in a temporary file
    in `directory` until `documents()` reads them all back (once; later calls give the same list).
    `share(dated)` is given each dating as it is made in this process (build.Shared: what it repeats,
    held once): as it is added in memory, or as it is read back."""

    def __init__(self, directory: Optional[Path] = None, share: Callable = lambda dated: None):
        self._share = share
        self._file = tempfile.TemporaryFile(prefix=".datings.", dir=directory) if directory is not None else None
        self._held: list = []  # in memory: the datings; on disk: (source id, offset, length) each
        self._offset = 0
        self._loaded: Optional[list] = None
        self.judged = False  # a document has a curated entry that `curated_contradictions` judges
        self._at: dict[str, tuple[int, int]] = {}  # held in part: source id -> where its dating lies in the file
        self._mentions_of: Callable[[str], Sequence[Mention]] = lambda source_id: ()

    @property
    def spilled(self) -> bool:
        return self._file is not None

    def add(self, dated: Union[PickledDating, object], mentions: Sequence[Mention]) -> None:
        """A document's dating (or a worker's `PickledDating` of it), with the document's mentions."""
        if self._file is None:
            if isinstance(dated, PickledDating):
                dated = load(dated.blob, mentions)
            self._share(dated)
            self._held.append(dated)
            self.judged = self.judged or bool(judged_entries(dated))
            return
        if not isinstance(dated, PickledDating):  # read in this process
            dated = pickled(dated, mentions)
        self.judged = self.judged or dated.judged
        self._file.write(dated.blob)
        self._held.append((dated.source_id, self._offset, len(dated.blob)))
        self._offset += len(dated.blob)

    def documents(self, mentions_of: Callable[[str], Sequence[Mention]]) -> list:
        """Every dating, in the order added; read back from the file the first time.
        `mentions_of(source_id)` gives a document's mentions as the build holds them."""
        if self._file is None:
            return self._held
        if self._loaded is None:
            self._loaded = []
            self._file.flush()
            for source_id, offset, length in self._held:
                self._loaded.append(self._read(offset, length, mentions_of(source_id)))
            self._held = []
            self.close()
        return self._loaded

    def documents_in_part(self, mentions_of: Callable[[str], Sequence[Mention]], keep: Callable[[Mention], bool]
                          ) -> tuple[list, Callable[[str], object]]:
        """Every dating, in the order added, each held in part (`DocumentDatesInPart.of`: the entries of the
        mentions `keep` keeps, and the bounds each other report's document gives it), and the function that
        reads one whole again (`date_events`' `whole`), by source id. Read one document at a time, so the
        whole of every dating is never held at once. Held in memory, or read whole already: the datings
        themselves. `close()` once they are read no more."""
        if self._file is None or self._loaded is not None or not IN_PART:
            return self.documents(mentions_of), self._whole
        self._file.flush()
        self._at = {source_id: (offset, length) for source_id, offset, length in self._held}
        self._mentions_of = mentions_of
        return [DocumentDatesInPart.of(self._whole(source_id), keep) for source_id in self._at], self._whole

    def _whole(self, source_id: str):
        """A document's dating read whole from the file, by source id (`documents_in_part`)."""
        offset, length = self._at[source_id]
        return self._read(offset, length, self._mentions_of(source_id))

    def _read(self, offset: int, length: int, mentions: Sequence[Mention]):
        """The dating stored at `offset`, its strings and bounds shared as it is read."""
        self._file.seek(offset)
        dated = load(self._file.read(length), mentions)
        self._share(dated)
        return dated

    def close(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()


class PackedActors:
    """The actor matches of every mention the build holds (`model.StoredMention`), as numbers from the
    moment its document is read to the end of the build: per match its two offsets and which of the
    corpus's distinct `about` tuples it holds (a few thousand). A match is an object of 56 bytes and a slot
    in its mention's tuple, near three per report: at a million reports some 170 MB, against 12 bytes a
    match here. Each mention's handle (one int: where its matches begin, and how many) is kept in an array
    of its document's (`database.HeldDocument`); `matches` makes equal matches again, in the same order, each
    time it is asked (the `about` tuples are the ones held)."""

    LIMIT = 64  # a mention with more matches than fit in the handle's low bits (none in practice) holds them itself

    def __init__(self):
        self.spans = array("i")  # per match: start, end
        self.about_of = array("i")  # per match: its index in `abouts`
        self.abouts: list[tuple] = []
        self._index: dict[tuple, int] = {}

    def pack(self, matches: Sequence[ActorMatch]) -> Union[int, Sequence[ActorMatch]]:
        """The handle to hold for a mention's `matches`; none (an empty tuple) or too many are held as they are."""
        count = len(matches)
        if not count or count >= self.LIMIT:
            return matches
        first = len(self.about_of)
        index, abouts, about_of, spans = self._index, self.abouts, self.about_of, self.spans
        for match in matches:
            about = match.about
            at = index.get(about)
            if at is None:
                at = index[about] = len(abouts)
                abouts.append(about)
            about_of.append(at)
            spans.append(match.start)
            spans.append(match.end)
        return first * self.LIMIT + count

    def matches(self, handle: int) -> tuple[ActorMatch, ...]:
        """The matches `pack` gave `handle` for, made again."""
        first, count = divmod(handle, self.LIMIT)
        new, abouts, about_of, spans = ActorMatch.__new__, self.abouts, self.about_of, self.spans
        made = []
        for i in range(first, first + count):
            match = new(ActorMatch)
            match.start, match.end, match.about = spans[2 * i], spans[2 * i + 1], abouts[about_of[i]]
            made.append(match)
        return tuple(made)
