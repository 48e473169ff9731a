"""Roles: what part an actor named in an excerpt plays, read by a few explicit rules.

The words each rule looks for are curated in curated/words.yml; this module only applies them.
Names and the title words, demonyms and joiners around them form a *group* ("Russian Ambassador to
China Andrey Denisov", "Russia and China"); a group shares the cue before or after it. For each name,
the first rule that applies gives its role, and its evidence says which rule it was:

  1. mentioned   inside quotation marks; in what a speech verb reports ("says that China ..."); a
                 name that only qualifies a word ("US-led", "anti-Chinese"); a state inside a title
                 ("Ambassador *to China*", "Envoy *for Iran*")
     (A phrase in no_role_before, such as "according to", is not a cue: rules 2-4 do not apply.)
  2. host        a host cue before the group ("hosted by", "chaired by", "under chairmanship of") or
                 after it ("Moscow hosts", "Putin chairs", "Uzbekistan's chairmanship")
  3. addressee   an addressee cue before the group ("with", "to", "tells", "meets", "invites")
  4. location    a state after a place cue ("in Beijing", "at Moscow")
     mentioned   a state after a topic cue ("on the Iranian nuclear issue", "sanctions against China")
  5. subject     the group that opens the excerpt's first sentence, after any opening phrase that
                 ends with a comma ("In January, Chinese Foreign Minister Wang Yi said ...")
  6. participant otherwise.

Rules 2 and 3 are not read inside such an opening phrase ("In conjunction with the SCO ..." does not
make the SCO an addressee). Only the first sentence has a subject: later sentences add context.
Everything here is linear in the excerpt.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from ..parse.text import Span, sentences
from .names import KINDS_KEPT
from .phrases import PhraseMatcher

# Roles from strongest to weakest: an actor named several times in an event keeps the strongest.
ROLES = ("host", "subject", "addressee", "participant", "location", "mentioned")
STRENGTH = {role: rank for rank, role in enumerate(ROLES)}

TOKEN = re.compile(r"[’']s(?!\w)|[^\W_](?:[\w’'\-]*[^\W_])?|[^\s\w]")
QUOTED = re.compile(r"“[^”]*(?:”|\Z)|‘.*?’(?!\w)|(?<![\w’'])'(?=\w).*?(?<=\S)'(?!\w)", re.S)
QUOTE_CHARS = "\"“”‘’' "
WINDOW = 80  # characters read before or after a group for its cue


@dataclass
class RoleWords:
    """Cue words from curated/words.yml, lower case."""

    titles: set[str] = field(default_factory=set)
    stop_words: set[str] = field(default_factory=set)  # capitalized words that are not names (months...)
    joiners: set[str] = field(default_factory=set)  # join names into one group ("Russia *and* China")
    title_links: set[str] = field(default_factory=set)  # "Ambassador *to* China": that state is only mentioned
    determiners: set[str] = field(default_factory=set)  # skipped between a cue and its group ("with *the*")
    openers: set[str] = field(default_factory=set)  # open a first sentence's leading phrase ("*In January,*")
    # The role cues, each a list of phrases: before the group ("chaired by", "talks with", "in", "on") or,
    # for host, right after it ("Moscow hosts"); no_role_before ends like a cue but is not one ("according to").
    host_before: list[str] = field(default_factory=list)
    host_after: list[str] = field(default_factory=list)
    addressee_before: list[str] = field(default_factory=list)
    location_before: list[str] = field(default_factory=list)
    topic_before: list[str] = field(default_factory=list)
    no_role_before: list[str] = field(default_factory=list)
    speech: set[str] = field(default_factory=set)  # speech verbs: what they report is only mentioned
    not_content: set[str] = field(default_factory=set)  # after a speech verb, open an adverbial, not the speech

    def __post_init__(self):
        before = (("none", self.no_role_before), ("host", self.host_before), ("addressee", self.addressee_before),
                  ("location", self.location_before), ("topic", self.topic_before))
        self._before = [(role, _ending(cues)) for role, cues in before]
        self._after = _opening(self.host_after)
        self._all_before = PhraseMatcher(((cue, role) for role, cues in before for cue in cues), case_sensitive=False)
        self._kinds: dict[str, tuple] = {}  # word as written -> `kind(word)`: the same words recur in every excerpt

    def kind(self, word: str) -> tuple[str, bool, bool, bool]:
        """(lower case, nameish, named, material) of a word that is not a name span (see _Sentence)."""
        found = self._kinds.get(word)
        if found is None:
            if len(self._kinds) >= KINDS_KEPT:
                self._kinds.clear()
            lower = word.lower()
            named = word[:1].isupper() and lower not in self.stop_words  # a capitalized word, not a month...
            nameish = named or lower in self.titles  # "The" is a stop word: it joins only as a joiner
            material = nameish or lower in ("’s", "'s") or lower in self.joiners or word in ",()"
            found = self._kinds[word] = (lower, nameish, named, material)
        return found

    def cues_before(self, text: str) -> dict[str, dict]:
        """For each role, the longest of its cues that ends `text` ({"cue": words as written})."""
        found: dict[str, tuple[int, str]] = {}
        for hit in self._all_before.ending_all(text):
            for role in hit.values:
                if role not in found or hit.start < found[role][0]:
                    found[role] = (hit.start, hit.text)
        return {role: {"cue": words} for role, (_, words) in found.items()}


class _Cues:
    """Cue words through the one phrase matcher (enrich/phrases.py), case-insensitive, whole words."""

    def __init__(self, cues: list[str], after: bool):
        self.matcher = PhraseMatcher(((c, c) for c in cues), case_sensitive=False)
        self.after = after

    def search(self, text: str) -> Optional[dict]:
        """A cue that ends `text` (the words before a group)."""
        hit = self.matcher.ending(text)
        return {"cue": hit.text} if hit else None

    def match(self, text: str) -> Optional[dict]:
        """A cue that opens `text` (the words after a group); "hosted by" is not one."""
        hit = self.matcher.opening(text)
        if hit is None or BY_AFTER.match(text, hit.end):
            return None
        return {"cue": hit.text}


BY_AFTER = re.compile(r"\s+by\b")
POSSESSIVE_AFTER = re.compile(r"^[’']s\s+")  # "Uzbekistan's chairmanship": the cue after the "'s"


def _ending(cues: list[str]) -> Optional[_Cues]:
    """Text that ends with one of the cues, as whole words (longest cue first)."""
    return _Cues(cues, after=False) if cues else None


def _opening(cues: list[str]) -> Optional[_Cues]:
    return _Cues(cues, after=True) if cues else None


# A token (a word, a mark or a name of a sentence) is a plain tuple (start, end, text, span, lower):
# offsets into the excerpt, the text, for a name the index of its span (else None), and the text in
# lower case (the rules read it often). A sentence makes one per word: a plain tuple is the cheapest
# to make, and the rules unpack it or read it by these indices.
START, END, TEXT, SPAN, LOWER = range(5)
# What TOKEN skips (whitespace and "_": no alternative of TOKEN starts there) before each token, then the
# token: one findall gives (skipped, token) pairs, the offsets follow from their lengths. The token is
# optional so that what trails the last token is read once (an empty token: the end), not once per character.
SKIPPED_AND_TOKEN = re.compile(r"([\s_]*)(" + TOKEN.pattern + ")?")


class NameSpan(NamedTuple):
    """A name found in the excerpt: offsets relative to the excerpt, and the actor's type."""

    start: int
    end: int
    actor_type: Optional[str]  # None for a name that is not an actor (it still joins a group)


def assign_roles(text: str, lead: int, names: list[NameSpan], words: RoleWords) -> list[tuple[str, str]]:
    """(role, evidence) for each name, in the order given. `names` must not overlap."""
    order = sorted(range(len(names)), key=lambda i: names[i].start)
    result: list[Optional[tuple[str, str]]] = [None] * len(names)
    quoted = quoted_spans(text)
    position = 0
    for index, sentence in enumerate(sentences(Span(text, 0, 1)) or [Span(text, 0, 1)]):
        inside, end = [], sentence.end
        while position < len(order) and names[order[position]].start < end:
            inside.append(order[position])
            position += 1
        if inside:
            _Sentence(text, sentence, index == 0, lead, names, inside, words, quoted).assign(result)
    for i in order[position:]:  # a name past the last sentence (not expected): keep the default
        result[i] = ("participant", "named in the excerpt")
    return [r or ("participant", "named in the excerpt") for r in result]


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks. Straight double quotes pair in order; an opening quote with no
    partner at the very start (a quoted article's paragraph) is left out; an unclosed curly quote
    runs to the end of the excerpt."""
    spans = [m.span() for m in QUOTED.finditer(text)] if ("“" in text or "‘" in text or "'" in text) else []
    straight = [i for i, c in enumerate(text) if c == '"'] if '"' in text else []
    if len(straight) % 2 and straight and not text[: straight[0]].strip():
        straight = straight[1:]
    spans += [(straight[i], straight[i + 1] + 1) for i in range(0, len(straight) - 1, 2)]
    return sorted(spans)


class _Sentence:
    def __init__(self, text, sentence: Span, first: bool, lead: int, names, inside, words: RoleWords, quoted):
        self.text, self.sentence, self.words, self.names, self.inside = text, sentence, words, names, inside
        self.start, self.end = sentence.start, sentence.end
        self.quoted = [q for q in quoted if q[0] < self.end and q[1] > self.start]
        self.tokens = self._tokenize()
        self.material = self._material()
        self.core = self._core(lead) if first else None
        self.content = self._reported_content()
        # The cues around a group, by its first and last token: every name of a group reads the same ones.
        self._cues_before: dict[int, dict] = {}
        self._cue_after: dict[int, Optional[dict]] = {}

    # --- reading the sentence ----------------------------------------------------------------

    def _tokenize(self) -> list[tuple]:
        """Every token (see START...LOWER), and (as `_kinds`) each one's (lower, nameish, named,
        material) before the title-link rule of `_material`; (as `token_of`) each name's token; (as
        `_verbs`) the words that are speech verbs (`_reported_content` reads from them)."""
        tokens, kinds, token_of, verbs, position, s = [], [], {}, [], self.start, 0
        spans, names, text, end = self.inside, self.names, self.text, self.end
        known, kind, speech = self.words._kinds, self.words.kind, self.words.speech
        while position < end:
            if s < len(spans) and names[spans[s]].start <= position:
                name = names[spans[s]]
                written = text[name.start:name.end]
                lower = written.lower()
                token_of[spans[s]] = len(tokens)
                tokens.append((name.start, name.end, written, spans[s], lower))
                kinds.append((lower, True, True, True))  # a name is material, nameish and named
                position, s = name.end, s + 1
                continue
            stop = names[spans[s]].start if s < len(spans) else end
            # Every token up to the next name (or the sentence's end), in one scan.
            offset = position
            for skipped, word in SKIPPED_AND_TOKEN.findall(text, position, stop):
                if not word:
                    break  # the end of the stretch
                start = offset + len(skipped)
                offset = start + len(word)
                found = known.get(word) or kind(word)
                if found[0] in speech:
                    verbs.append(len(tokens))
                tokens.append((start, offset, word, None, found[0]))
                kinds.append(found)
            position = stop
        self._kinds, self.token_of, self._verbs = kinds, token_of, verbs
        return tokens

    def _material(self) -> list[bool]:
        """Whether each token can belong to a group of names and titles."""
        flags = []
        title_links = self.words.title_links
        after_nameish = False
        for lower, nameish, _, material in self._kinds:
            # "Ambassador to", "Envoy for": a title link after a title word is part of the title
            flags.append(material or (after_nameish and lower in title_links))
            after_nameish = nameish
        return flags

    def _core(self, lead: int) -> int:
        """Where the first sentence's subject starts: after the date lead and any opening phrases."""
        text, end = self.text, self.end
        core = max(self.start, lead)
        while core < end and text[core] in QUOTE_CHARS:
            core += 1
        for _ in range(4):
            while core < end and text[core] in QUOTE_CHARS:
                core += 1
            first = TOKEN.match(text, core)
            comma = text.find(",", core, end)
            # An opener, or the year of a date the opener began ("On December 31, 2021, ...").
            if not first or comma < 0 or not (first.group(0).lower() in self.words.openers or first.group(0).isdigit()):
                break
            core = comma + 1
        while core < end and text[core] in QUOTE_CHARS:
            core += 1
        return core

    def _reported_content(self) -> Optional[tuple[int, str]]:
        """(offset, verb): where what a speech verb reports begins, to the end of the sentence.

        "says that ..." and "says Russia would ..." start right after the verb; "tells CNN that ..."
        after the person told; "says in a press briefing in Beijing that ..." and "says, for the first
        time, that ..." at the "that" (a comma with no "that" after it: at the comma, as in
        'said, "..."'); "says at a meeting with Putin." reports nothing."""
        tokens = self.tokens
        for i in self._verbs:  # the tokens that are speech verbs and not names, in order
            start, _, verb, _, lower = tokens[i]
            if self._in_quotes(start):
                continue
            j = i + 1
            if j < len(tokens) and lower in self.words.addressee_before:  # "tells CNN that"
                while j < len(tokens) and self.material[j] and tokens[j][TEXT] != ",":
                    j += 1
            if j >= len(tokens):
                return None
            following_start, following_end, following, _, following_lower = tokens[j]
            if following_lower in self.words.not_content or following == ",":
                that = next((t for t in tokens[j:] if t[LOWER] == "that" and not self._in_quotes(t[START])), None)
                if that is not None:
                    return that[START], verb
                return (following_end, verb) if following == "," else None
            return following_start, verb
        return None

    def _in_quotes(self, offset: int) -> bool:
        for a, b in self.quoted:
            if a <= offset < b:
                return True
        return False

    def _group(self, index: int) -> tuple[int, int]:
        """The first and last token of the group of a material token (the consecutive material tokens
        around it, trimmed to names and capitalized words at both ends); asked only of a name's token,
        so only the tokens around names are read."""
        material, kinds = self.material, self._kinds
        first = last = index
        while first > 0 and material[first - 1]:
            first -= 1
        while last + 1 < len(material) and material[last + 1]:
            last += 1
        while first <= last and not kinds[first][2]:  # kinds[k][2]: a name or a capitalized word
            first += 1
        if first > last:
            return index, index
        while not kinds[last][2]:
            last -= 1
        return first, last

    def _before(self, start: int) -> str:
        """The words just before a group that starts at `start`, lower case, without trailing
        determiners. A cue is a few words long, so a short window is enough (and keeps this linear)."""
        begin = max(self.start, start - WINDOW)
        words = self.text[begin:start].lower().split()
        if begin > self.start and words:
            words = words[1:]  # the window may cut the first word
        while words and (words[-1] in self.words.determiners or words[-1].isdigit()):
            words.pop()
        return " ".join(words)

    def _host_after(self, last: int) -> Optional[dict]:
        """A host cue right after the group whose last token is `last` ("Moscow hosts",
        "Uzbekistan's chairmanship")."""
        end = self.tokens[last][END]
        after = self.text[end:min(self.end, end + WINDOW)].lstrip()
        if after.startswith(("’", "'")):
            after = POSSESSIVE_AFTER.sub("", after)
        return self.words._after.match(after.lower())

    # --- the rules ---------------------------------------------------------------------------

    def assign(self, result: list) -> None:
        token_of, tokens = self.token_of, self.tokens
        subject_end = None
        if self.core is not None:
            first = bisect_left(tokens, (self.core,))  # the first token from the core on (tokens in text order)
            if first < len(tokens) and self.material[first]:
                end = first
                while end + 1 < len(tokens) and self.material[end + 1]:
                    end += 1
                subject_end = tokens[end][END]
        for span in self.inside:
            if span in token_of:
                result[span] = self._role(token_of[span], subject_end)

    def _role(self, index: int, subject_end: Optional[int]) -> tuple[str, str]:
        tokens = self.tokens
        start, end, written, span, _ = tokens[index]
        name = self.names[span]
        if self.quoted and self._in_quotes(start):
            return "mentioned", "inside quotation marks"
        modifier = self._modifier(start, end)
        if modifier:
            return "mentioned", f"'{modifier}': the name only qualifies a word"
        if self.content and start >= self.content[0]:
            return "mentioned", f"in what '{self.content[1]}' reports"
        back = index - 1
        if back >= 0 and tokens[back][LOWER] == "the":
            back -= 1
        if back >= 0 and tokens[back][LOWER] in self.words.title_links and self.material[back] \
                and name.actor_type == "state":
            return "mentioned", f"inside a title ('{tokens[back][TEXT]} {written}')"
        first, last = self._group(index)
        first, last = min(first, index), max(last, index)
        in_opening = self.core is not None and start < self.core
        cues_before = self._cues_before.get(first)
        if cues_before is None:  # one pass for the five lists of cues
            cues_before = self._cues_before[first] = self.words.cues_before(self._before(tokens[first][START]))
        for role, pattern in self.words._before:
            if role == "addressee" and not in_opening and self.words._after is not None:
                if last not in self._cue_after:
                    self._cue_after[last] = self._host_after(last)
                host_after = self._cue_after[last]
                if host_after:  # "Moscow hosts", "Uzbekistan's chairmanship"
                    return "host", f"before '{host_after['cue']}'"
            if pattern is None or (in_opening and role in ("host", "addressee")):
                continue
            if role in ("location", "topic") and name.actor_type != "state":
                continue
            found = cues_before.get(role)
            if found:
                if role == "none":  # "according to", "in addition to": not a cue after all
                    break
                if role == "topic":
                    return "mentioned", f"after '{found['cue']}' (a topic)"
                return role, f"after '{found['cue']}'"
        if subject_end is not None and self.core <= start < subject_end:
            return "subject", "opens the first sentence"
        return "participant", "named in the excerpt"

    def _modifier(self, start: int, end: int) -> Optional[str]:
        """The hyphenated word when the name at start..end only qualifies it: "US-led", "anti-Chinese"."""
        text = self.text
        if text[end:end + 1] == "-" and text[end + 1:end + 2].islower():
            return re.match(r"\S*", text[start:]).group(0).rstrip(".,;:”’\"')")
        if start >= 2 and text[start - 1] == "-":
            begin = start - 1
            while begin > 0 and not text[begin - 1].isspace():
                begin -= 1
            if text[begin:begin + 1].islower():  # "anti-Chinese", not "Russian-Chinese"
                return text[begin:end]
        return None
