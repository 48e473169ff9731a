"""The one phrase matcher: every list of names or cue words the enrich stages look for in text (and
its hits without the automaton, for the gazetteer's long list: `NameIndex`).

Actors (names, short names, not-actor names, cues), roles (the cue words before and after a name),
places (curated aliases and cue words) use it, and link kinds and curated-date keys can switch to it
the same way. It is an Aho-Corasick automaton (pyahocorasick): one pass over the text finds every
phrase, whatever the number of phrases, so the cost grows with the text, not the list.

`NameIndex` gives the same hits as a case-sensitive `PhraseMatcher.find` for a long list of names the
caller already holds in a dict or set (the gazetteer's city names), without the automaton: it looks up
each piece of the text that starts where a name can start and ends at a word boundary. It costs a
sorted list of references where the automaton took some 25 MB for 130,000 names.

ONE definition of a whole word, here and nowhere else (`is_word_char`, `_boundary_before`,
`_boundary_after`): a phrase matches only where the character before it and the character after it
are not word characters. Word characters are letters, digits, the underscore and combining marks (so
a stress accent inside "Лавро́в" does not end the word). An apostrophe between letters continues the
word, except a possessive "'s" after the phrase. "Xinhua" does not contain "Xi", "Indiana" does not
contain "India", "Xi’an" does not contain "Xi"; "Xi's" contains "Xi", "US-led" contains "US".

A space inside a phrase matches any run of whitespace in the text (line breaks, no-break spaces).

API
    matcher = PhraseMatcher(phrases, case_sensitive=True)
        `phrases`: an iterable of (phrase, value) pairs; one phrase may carry several values
        (all are kept, in the order given). Empty phrases are ignored.
    matcher.find(text) -> list[Hit]
        whole-word hits, leftmost-longest and not overlapping, in text order (what a longest-first
        alternation gives: "Xi Jinping" over "Xi", "East China Sea" over "China").
    matcher.find_all(text) -> list[Hit]
        every whole-word hit, overlapping ones included, in order of (start, -length).
    matcher.ending(text) -> Optional[Hit]
        the longest whole-word hit that ends exactly where `text` ends (a cue just before a name).
    matcher.ending_all(text) -> list[Hit]
        every whole-word hit that ends exactly where `text` ends (several lists in one matcher).
    matcher.opening(text) -> Optional[Hit]
        the longest whole-word hit that starts exactly where `text` starts (a cue just after a name).
    Hit: start, end (offsets into the text as given), text (as written there), phrase (as listed,
    with single spaces), values (the tuple of values listed for the phrase).
    len(matcher), bool(matcher): the number of distinct phrases.

    index = NameIndex(names, value)
        `names`: a collection of strings (a dict's keys are read in place, not copied, and must not
        change afterwards), each with `value`.
    index.find(text) -> list[Hit]
        exactly `PhraseMatcher(((name, value) for name in names)).find(text)`.

With `case_sensitive=False` phrases and text are compared in lower case (the offsets stay those of
the text as given).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import cached_property, lru_cache
from itertools import chain
from typing import Collection, Iterable, NamedTuple, Optional

import ahocorasick

_SPACE_RUN = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"\W")  # every character that is not a word character, and combining marks
_ODD_SPACE = re.compile(r"\s\s|[^\S ]")  # whitespace that is not one plain space


def is_word_char(char: str) -> bool:
    """The one definition of a word character (see the module's docstring)."""
    if char.isalnum() or char == "_":
        return True
    return char >= "\x80" and unicodedata.category(char).startswith("M")  # no ASCII character is a mark


APOSTROPHES = "'’"


def _boundary_before(text: str, start: int) -> bool:
    """No word character right before; nor an apostrophe inside a word ("d’Ivoire")."""
    if start == 0:
        return True
    if is_word_char(text[start - 1]):
        return False
    return not (text[start - 1] in APOSTROPHES and start >= 2 and is_word_char(text[start - 2]))


def _boundary_after(text: str, end: int) -> bool:
    """No word character right after; an apostrophe ends the word only as a possessive ("Xi's", not
    "Xi’an")."""
    if end >= len(text):
        return True
    char = text[end]
    if is_word_char(char):
        return False
    if char in APOSTROPHES and end + 1 < len(text) and is_word_char(text[end + 1]):
        return text[end + 1] in "sS" and (end + 2 >= len(text) or not is_word_char(text[end + 2]))
    return True


class Hit(NamedTuple):
    """One phrase found (a named tuple: the matcher makes one per hit, and a frozen dataclass costs
    several times as much to make)."""

    start: int
    end: int
    text: str
    phrase: str
    values: tuple


def _squeeze(text: str) -> tuple[str, Optional[list[int]]]:
    """The text with every whitespace run as one space, and where each of its characters came from
    (None when nothing changed, the usual case)."""
    if not _ODD_SPACE.search(text):
        return text, None
    parts, origin, position = [], [], 0
    for run in _SPACE_RUN.finditer(text):
        parts.append(text[position:run.start()])
        origin.extend(range(position, run.start()))
        parts.append(" ")
        origin.append(run.start())
        position = run.end()
    parts.append(text[position:])
    origin.extend(range(position, len(text)))
    origin.append(len(text))
    return "".join(parts), origin


def _lower(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)  # keep offsets ("İ")


class PhraseMatcher:
    def __init__(self, phrases: Iterable[tuple[str, object]], case_sensitive: bool = True):
        self.case_sensitive = case_sensitive
        values: dict[str, tuple] = {}
        for phrase, value in phrases:
            phrase = _SPACE_RUN.sub(" ", str(phrase).strip())
            if not phrase:
                continue
            key = phrase if case_sensitive else _lower(phrase)
            listed = values.get(key, ())
            if value not in listed:
                values[key] = (*listed, value)
        self._automaton = None
        self._count = len(values)
        self._longest = max((len(key) for key in values), default=0)
        self._reach = 4 * self._longest + 8  # see ending / opening
        # The automaton holds the phrases alone (their length is all a hit needs: the phrase is the text
        # it matched); each distinct tuple of values is kept once, and not at all per phrase when every
        # phrase has the same values (the gazetteer's names: a hundred thousand of them).
        shared: dict[tuple, tuple] = {}
        for key, listed in values.items():
            values[key] = shared.setdefault(listed, listed)
        self._same = next(iter(shared)) if len(shared) == 1 else None
        self._values = values if self._same is None else None
        if values:
            automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
            for key in values:
                automaton.add_word(key)
            automaton.make_automaton()
            self._automaton = automaton

    @cached_property
    def _edges(self) -> tuple[tuple, tuple, int]:
        """(last words, first words, longest of them) of the phrases. A hit that ends where the text
        ends ends with a phrase's last word; one that opens the text opens with a phrase's first word
        (no phrase has a space at either end): `ending_all` and `opening` ask str.endswith /
        str.startswith first (`_may_end`, `_may_open`), most texts need no automaton."""
        keys = list(self._values or (self._automaton.keys() if self._automaton is not None else ()))
        last_words = tuple({key.rsplit(" ", 1)[-1] for key in keys})
        first_words = tuple({key.split(" ", 1)[0] for key in keys})
        return last_words, first_words, max((len(word) for word in (*last_words, *first_words)), default=0)

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def find_all(self, text: str) -> list[Hit]:
        return self._find_all(text)

    def _find_all(self, text: str, shift: int = 0, ending: bool = False) -> list[Hit]:
        """`find_all`, each hit's offsets moved by `shift`; with `ending`, only the hits that end where
        the text ends and do not start at 0 when `shift` is not 0 (what `ending_all` keeps)."""
        if self._automaton is None or not text:
            return []
        squeezed, origin = _squeeze(text)
        haystack = squeezed if self.case_sensitive else _lower(squeezed)
        hits = []
        size = len(text)
        same, values = self._same, self._values
        for last, length in self._automaton.iter(haystack):
            start, end = last + 1 - length, last + 1
            if ending and origin is None and end != size:
                continue  # the text as given: a hit that does not end where it ends is not kept below
            # A space on either side is a boundary: ask the rules only of other characters.
            if start and haystack[start - 1] != " " and not _boundary_before(haystack, start):
                continue
            if end < len(haystack) and haystack[end] != " " and not _boundary_after(haystack, end):
                continue
            key = haystack[start:end]
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            if ending and (end != size or (shift and start == 0)):
                continue
            written = text[start:end]
            if written == key:
                key = written  # one string for both, the usual case
            hits.append(Hit(start + shift, end + shift, written, key, same or values[key]))
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        return hits

    def find(self, text: str) -> list[Hit]:
        result, reached = [], 0
        for hit in self.find_all(text):
            if hit.start >= reached:
                result.append(hit)
                reached = hit.end
        return result

    def ending(self, text: str) -> Optional[Hit]:
        found = self.ending_all(text)
        return min(found, key=lambda h: h.start) if found else None

    def ending_all(self, text: str) -> list[Hit]:
        """Every whole-word hit that ends exactly where `text` ends."""
        # Only the tail can hold such a hit: read a window a little longer than the longest phrase
        # (whitespace runs may make it longer in the text), not the whole text.
        edge = self._edges[2]
        if not self._may_end(text[-edge:] if edge else ""):
            return []
        begin = max(0, len(text) - self._reach)
        if begin > 0:  # the character before the window decides the boundary: keep it, then drop hits on it
            begin -= 1
        if not _ODD_SPACE.search(text, begin):
            # No whitespace to squeeze in the window: such a hit is at most the longest phrase, and the two
            # characters before it decide its boundary (`_boundary_before`).
            begin = max(begin, len(text) - self._longest - 2)
        return self._find_all(text[begin:], shift=begin, ending=True)

    def _may_end(self, tail: str) -> bool:
        """False when no phrase can end where `tail` (the end of a text) ends. Lower case is compared
        only for ASCII, where it does not depend on the letters around (a Greek final sigma does)."""
        last_words = self._edges[0]
        if self.case_sensitive:
            return tail.endswith(last_words)
        return not tail.isascii() or tail.lower().endswith(last_words)

    def _may_open(self, head: str) -> bool:
        """False when no phrase can start where `head` (the start of a text) starts."""
        first_words = self._edges[1]
        if self.case_sensitive:
            return head.startswith(first_words)
        return not head.isascii() or head.lower().startswith(first_words)

    def opening(self, text: str) -> Optional[Hit]:
        if not self._may_open(text[:self._edges[2]]):
            return None
        window = text[:self._reach + 1]
        found = [h for h in self.find_all(window) if h.start == 0 and (len(window) == len(text) or h.end < len(window))]
        return max(found, key=lambda h: h.end) if found else None


class NameIndex:
    """`PhraseMatcher(((name, value) for name in names)).find(text)`, hit for hit, without an automaton:
    for a long list of proper names (the gazetteer's, some 130,000, where the automaton took some 25 MB).
    A name can start only at a character some name starts with, at a word boundary, and end only at a
    word boundary; each such piece of the text is looked up in `names` itself (the dict or set the
    caller holds), and a sorted list of the names (references, not copies) ends the search from a
    start as soon as no name goes on as the text does. Case-sensitive, as the gazetteer's matcher was.
    """

    def __init__(self, names: Collection[str], value: object, cache: int = 4096):
        self._names = names
        # The matcher lists each name with its whitespace squeezed (`PhraseMatcher.__init__`): the few
        # names not written so are held apart, and listed as the matcher lists them.
        self._odd = frozenset(name for name in names if _SPACE_RUN.sub(" ", name.strip()) != name)
        self._added = frozenset(filter(None, (_SPACE_RUN.sub(" ", name.strip()) for name in self._odd)))
        # Built at the build's peak: a list sorted once, no set or tuple copy on the way (a name listed
        # twice, once squeezed, changes nothing below).
        self._sorted = sorted(chain((name for name in names if name not in self._odd), self._added))
        self._values = (value,)
        firsts = sorted({key[0] for key in self._sorted})
        # Such a character not right after a letter or digit (`_boundary_before` decides the rest), and the
        # word characters after it (group 1): where they end is the first place a name starting there can
        # end. Taken whole when every name starts with a letter (no start inside it is missed), else looked
        # ahead at, so that a start right after the "(" of "(Foo" is tried too.
        within = "[" + "".join(map(re.escape, firsts)) + r"]\w*"
        letters = all(re.fullmatch(r"\w", first) for first in firsts)
        self._starts = re.compile(rf"(?<!\w)({within})" if letters else rf"(?<!\w)(?=({within}))") if firsts else None
        # The same capitalized words come again and again ("Russia", "Putin"): remember the last few.
        self._look = lru_cache(maxsize=cache)(self._lookup)

    def __len__(self) -> int:
        return len(self._sorted)

    def _lookup(self, piece: str) -> tuple[bool, bool]:
        """(is `piece` a listed name, does a longer listed name start with it)."""
        names = self._sorted
        after = bisect_right(names, piece)  # the names that start with `piece` come right after it
        listed = (piece in self._names and piece not in self._odd) or piece in self._added
        return listed, after < len(names) and names[after].startswith(piece)

    def find(self, text: str) -> list[Hit]:
        """Whole-word hits, leftmost-longest and not overlapping, in text order (`PhraseMatcher.find`)."""
        if self._starts is None or not text:
            return []
        haystack, origin = _squeeze(text)
        size = len(haystack)
        hits: list[Hit] = []
        reached = 0
        look = self._look
        for first in self._starts.finditer(haystack):
            start, end = first.span(1)
            if start < reached:
                continue
            listed, goes_on = look(first.group(1))  # most capitalized words: no name starts so (one lookup)
            if not (listed or goes_on) or (start and haystack[start - 1] != " "
                                           and not _boundary_before(haystack, start)):
                continue
            best = None
            while True:
                if listed and (end == size or haystack[end] == " " or _boundary_after(haystack, end)):
                    best = end
                if not goes_on or end == size:
                    break
                # The next place a name can end: the end of the text or a character that is not a word
                # character (\W also takes the combining marks, which `_boundary_after` then rejects).
                following = _NOT_ALNUM.search(haystack, end + 1)
                end = following.start() if following else size
                listed, goes_on = look(haystack[start:end])
            if best is None:
                continue
            reached = best
            key = haystack[start:best]
            if origin is not None:
                start, best = origin[start], origin[best - 1] + 1
            written = text[start:best]
            if written == key:
                key = written  # one string for both, the usual case
            hits.append(Hit(start, best, written, key, self._values))
        return hits


def normalize(text: str) -> tuple[str, Optional[list[int]]]:
    """NFC form of `text`, and where each of its characters came from in `text` (None when the text
    is already in NFC, the usual case). Offsets found in the normalized text map back through it."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    parts, origin = [], []
    start = 0
    # Normalize one run at a time: a run starts at a character that combines with nothing before it.
    for index in range(1, len(text) + 1):
        if index == len(text) or unicodedata.combining(text[index]) == 0:
            piece = unicodedata.normalize("NFC", text[start:index])
            parts.append(piece)
            origin.extend([start] * len(piece))
            start = index
    origin.append(len(text))
    return "".join(parts), origin
