"""Statements: quotations and attributed claims, with their speaker, span, date and event.

What counts as a statement, per sentence of a document's prose:
  - a quotation attributed in the same sentence: `Xi responded: "Our countries ..."`,
    `"... on this issue will unfold," said Ushakov`, `Lavrov says that "Russia ..."`;
  - a claim reported without quotation marks: `Lavrov says Russia would not pressure China ...`,
    `... confirmed, Zhang Hanhui said in an interview`, `according to a Russian statement`;
  - a block quotation: a paragraph ending `Vladimir Putin said:` followed by paragraphs that open
    with a quotation mark.
The text kept is the quotation itself (or the claim), verbatim, with its offsets. Headlines (lines
without closing punctuation) are skipped: on news pages they are links to other stories.

The speaker is the actor named nearest the attribution verb outside the quotation (a person first);
`speaker_text` keeps the words used, so a speaker missing from the dictionary is still visible.
The date is, in order: the date of the event mention that contains the statement; the day of a
footnote ("[2]") the statement cites; the document's window up to its publication date.

Two steps. `StatementFinder` reads a document's text where the document is read (the per-document
stages, on the workers) and keeps a few offsets per statement found; `Attribution` reads each one's
speaker and date in the main process once the events are known, with the actors dictionary as it
stands after every document (it learns persons as documents are read).
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import Optional

from ..model import DateBounds, Event, Mention
from ..parse.datetext import DATE_LABEL, MONTH_NAMES, WEEKDAY_NAMES, bounds_from_label
from ..parse.text import Span, paragraphs, sentences
from .events import EventsByPosition

VERB = (
    r"said|says|say|told|tells|responded|replied|added|adding|noted|stressed|claimed|claims|"
    r"explains|explained|continued|summed up|warned|urged|urges|asserted|called for|calls for|[Aa]ccording to"
)
ATTRIBUTION = re.compile(rf"\b(?:{VERB})\b")
QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"|(?<![\w])'([^']+?)'(?![\w])|‘([^’]+)’")
THAT = re.compile(r"\bthat\s+")
ENDS_SENTENCE = re.compile(r"[.!?…\"'”’]\s*(?:\[\d+\])?$")
FOOTNOTE_MARK = re.compile(r"\[(\d+)\]")
FOOTNOTE_LINE = re.compile(r"^\[(\d+)\][^\n]*?,\s*(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4})")
NAME = re.compile(r"(?:[A-Z][\w’'.-]+\s+){0,5}[A-Z][\w’'.-]+")
ADDRESSING = {"told", "tells", "urged", "urges"}
# A speaker stands in the verb's own clause: not across ", and ...", ", while ...", ";".
CLAUSE_BETWEEN = re.compile(r",\s+(?:and|but|while|whereas)\b|;")
NAME_REACH = 60  # a capitalized name farther than this from the verb is not taken for the speaker
NOT_NAMES = {"This", "That", "These", "We", "It", "They", "The", "He", "She", "In", "On", "And", "But", "Of",
             *MONTH_NAMES, *WEEKDAY_NAMES}
# A quotation opened after "X said:" / "Xi responded:" and left open at the end of its paragraph.
OPEN_QUOTE = re.compile(rf"\b(?:{VERB})\b[^\"“]*?:\s*[\"“](?=[^\"”]*$)")
CLOSE_THEN_ATTRIBUTION = re.compile(rf"[\"”],?\s+(?:{VERB})\b|[\"”],?\s+[^\"”]{{0,60}}\b(?:{VERB})\b[^\"”]*$")
PERSON_FIRST = {"person": 0, "body": 1, "organization": 2, "media": 3, "company": 4, "state": 5}


@dataclass
class Statement:
    source_id: str
    start: int
    end: int
    text: str
    line: int
    speaker_id: Optional[str]
    speaker_text: Optional[str]
    kind: str  # quotation | claim | block
    date: DateBounds
    event_id: Optional[str] = None
    position: int = 0


def _last(iterator):
    last = None
    for last in iterator:  # noqa: B007 (the loop leaves the last item in `last`)
        pass
    return last


def _date_of(value: str) -> Optional[str]:
    match = DATE_LABEL.search(value)
    bounds = bounds_from_label(match) if match else None
    return bounds.earliest if bounds else None


def closes(paragraph: str) -> bool:
    """True when the paragraph closes a quotation: a closing mark at its end, or one followed by the
    attribution ('..., "said Ushakov.[2]'). Paragraphs of a quotation that goes on do not close it."""
    text = FOOTNOTE_MARK.sub("", paragraph).rstrip()
    return bool(re.search(r"[\"”'’]$", text) or CLOSE_THEN_ATTRIBUTION.search(text))


def footnote_dates(text: str) -> dict[str, str]:
    """'[2], December 15, 2021.' at the foot of a dispatch dates the source of footnote 2."""
    dates = {}
    for para in paragraphs(text):
        match = FOOTNOTE_LINE.match(para.text)
        if match and (day := _date_of(match["date"])):
            dates[match[1]] = day
    return dates


KINDS = ("quotation", "claim", "block")
# A statement found in a document's text, before its speaker and date are read: offsets into the text.
#   kind (an index into KINDS), start, end, line: the statement itself;
#   the attribution: start, end, line, and 1 when its text opens with a space where the document has
#     the quotation mark of a quotation left open (`_paragraph`), else 0;
#   the context a mention holding the statement is looked for in: start, end;
#   the footnote number the statement cites: start, end (-1, -1 for none).
DRAFT = 12  # ints per statement found


class StatementFinder:
    """Finds the statements in one document's text. Pure over the text and the document's own mentions
    (their spans): the per-document stages run it (`drafts`), and `Attribution.complete` reads each
    statement's speaker and date once the events are known."""

    def __init__(self, text: str, mentions: list[Mention]):
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.start)

    def drafts(self, prose: bool = True) -> array:
        """The statements found (see DRAFT), DRAFT ints each, in order."""
        return array("q", (value for draft in self.find(prose) for value in draft))

    def find(self, prose: bool = True) -> list[tuple]:
        """Statements of the document, one tuple of DRAFT ints each. `prose` reads every paragraph
        (articles); otherwise only the entries' own excerpts (chronologies, timelines), so labels and
        dates around them stay out."""
        found: list[tuple] = []
        if prose:
            paras = paragraphs(self.text)
        else:
            paras = [Span(m.excerpt[m.lead:], m.start + m.lead, m.line) for m in self.mentions]
        index = 0
        while index < len(paras):
            para = paras[index]
            block_end = self._block(paras, index)
            if block_end > index or (block_end == index and OPEN_QUOTE.search(para.text)
                                     and not para.text.rstrip().endswith(":")):
                found.append(self._block_statement(paras, index, block_end))
                index = block_end + 1
                continue
            if FOOTNOTE_LINE.match(para.text) or not ENDS_SENTENCE.search(para.text):
                index += 1
                continue
            found.extend(self._paragraph(para))
            index += 1
        return found

    def _draft(self, kind: str, start: int, end: int, line: int, attribution: Span, context: Span,
               footnote: Optional[re.Match], shift: int = 0) -> tuple:
        """The DRAFT ints of a statement; `footnote` a match of FOOTNOTE_MARK `shift` characters into the text."""
        blanked = int(attribution.text[:1] != self.text[attribution.start:attribution.start + 1])
        note = (shift + footnote.start(1), shift + footnote.end(1)) if footnote else (-1, -1)
        return (KINDS.index(kind), start, end, line, attribution.start, attribution.end, attribution.line, blanked,
                context.start, context.end, *note)

    # -- block quotations ---------------------------------------------------------------------

    def _block(self, paras: list[Span], index: int) -> int:
        """Index of the last paragraph of a block quotation that paras[index] opens, else index.

        Either the paragraph ends "X said:" and the quotation fills the next paragraphs, or it opens
        the quotation itself ('Xi responded: "Our countries ...') and leaves it open."""
        para = paras[index]
        last_sentence = sentences(para)[-1].text if para.text else ""
        ends_with_colon = para.text.rstrip().endswith(":") and ATTRIBUTION.search(last_sentence)
        if not ends_with_colon and not OPEN_QUOTE.search(para.text):
            return index
        end = index
        if not ends_with_colon and closes(para.text):
            return end
        while end + 1 < len(paras) and paras[end + 1].text[:1] in "\"“'‘":
            end += 1
            if closes(paras[end].text):
                break
        return end

    def _block_statement(self, paras: list[Span], intro: int, last: int) -> tuple:
        opener = OPEN_QUOTE.search(paras[intro].text)
        if opener and not paras[intro].text.rstrip().endswith(":"):
            start = paras[intro].start + opener.end()  # the quotation opens inside the intro paragraph
            first_line = paras[intro].line
            attribution = Span(paras[intro].text[: opener.start() + len(opener.group(0))], paras[intro].start, paras[intro].line)
        else:
            start = paras[intro + 1].start + 1  # after the opening quotation mark
            first_line = paras[intro + 1].line
            attribution = sentences(paras[intro])[-1]
        final = paras[last]
        footnote = FOOTNOTE_MARK.search(final.text)
        end_in_final = footnote.start() if footnote else len(final.text)
        closing = CLOSE_THEN_ATTRIBUTION.search(final.text[:end_in_final])
        if closing:  # '..., "said Ushakov.' -> the quotation ends at its closing mark
            end_in_final = closing.start()
        end = final.start + end_in_final
        while end > start and self.text[end - 1] in "\"”'’ ,":
            end -= 1
        return self._draft("block", start, end, first_line, attribution, paras[intro], footnote, final.start)

    # -- quotations and claims inside one sentence ------------------------------------------------

    def _paragraph(self, para: Span) -> list[tuple]:
        """Quotations attributed next to them, then claims in sentences with no quotation."""
        text = para.text
        left_open = (text[:1] == '"' and text.count('"') % 2 == 1) or (
            text[:1] == "“" and text.count("“") > text.count("”"))
        if left_open:
            text = " " + text[1:]  # an outer quotation left open (a quoted article's paragraph): not a quote
        quotes = [q for q in QUOTED.finditer(text) if len(q.group(0).split()) >= 3]
        found = []
        for index, quote in enumerate(quotes):
            before_from = quotes[index - 1].end() if index else 0
            after_to = quotes[index + 1].start() if index + 1 < len(quotes) else len(text)
            before = text[max(before_from, quote.start() - 150) : quote.start()]
            before = before[before.rfind(". ") + 1 :] if ". " in before else before
            after = text[quote.end() : min(after_to, quote.end() + 150)]
            after = after[: after.find(". ") + 1] if ". " in after else after
            verb = ATTRIBUTION.search(after) or _last(ATTRIBUTION.finditer(before))
            if verb is None:
                continue
            begin, end = quote.start() + 1, quote.end() - 1
            while end > begin and text[end - 1] in " ,;:":  # '..., will be discussed,' the Kremlin said
                end -= 1
            start = para.start + begin
            attribution = (Span(after, para.start + quote.end(), para.line) if ATTRIBUTION.search(after)
                           else Span(before, para.start + quote.start() - len(before), para.line))
            footnote = FOOTNOTE_MARK.search(text[quote.end() : after_to])
            found.append(self._draft("quotation", start, para.start + end, para.line + text.count("\n", 0, begin),
                                     attribution, attribution, footnote, para.start + quote.end()))
        quoted = [(para.start + q.start(), para.start + q.end()) for q in quotes]
        for sentence in sentences(para):
            if any(a < sentence.end and sentence.start < b for a, b in quoted):
                continue
            statement = self._claim_statement(sentence)
            if statement:
                found.append(statement)
        return found

    def _claim_statement(self, sentence: Span) -> Optional[tuple]:
        verb = ATTRIBUTION.search(sentence.text)
        if verb is None:
            return None
        begin, end, kind = self._claim(sentence.text, verb)
        if begin is None:
            return None
        text = sentence.text[begin:end].strip(" ,")
        if len(text.split()) < 3:
            return None
        offset = sentence.text.index(text, begin)
        start = sentence.start + offset
        return self._draft(kind, start, start + len(text), sentence.line + sentence.text.count("\n", 0, offset),
                           sentence, sentence, None)

    @staticmethod
    def _claim(text: str, verb: re.Match) -> tuple[Optional[int], int, str]:
        """The claim a verb reports without quotation marks: after it ('says that ...', 'according to X, ...')
        or before it ('..., Zhang Hanhui said in an interview')."""
        after = text[verb.end():]
        if verb.group(0) == "according to":
            if verb.start() > 0:  # "..., according to X, ..." -> the claim is what comes before
                return 0, verb.start(), "claim"
            comma = after.find(",")  # "According to X, ..." -> the claim follows the comma
            return (verb.end() + comma + 1, len(text), "claim") if comma != -1 else (None, 0, "claim")
        that = THAT.search(after)
        if that and that.start() <= 40:
            return verb.end() + that.end(), len(text), "claim"
        before = text[: verb.start()]
        # "<claim>, <speaker> said" / "<claim>, <name>, <title>, says": the claim ends at the leftmost
        # comma that leaves a speaker phrase of a dozen words or fewer before the verb.
        commas = [m.start() for m in re.finditer(r", ", before) if m.start() > 20 and len(before[m.start():].split()) <= 12]
        if commas:
            return 0, commas[0], "claim"
        if len(after.split()) >= 4 and verb.group(0) in {"says", "said", "tells", "told"}:
            return verb.end(), len(text), "claim"
        return None, 0, "claim"


class Attribution:
    """Completes one document's statements (`StatementFinder.drafts`) once its events are known: the
    speaker, read with the actors dictionary as it stands after every document was read, and the date
    and event. The speakers are read in the order the statements were found (the dictionary can learn)."""

    def __init__(self, source_id: str, text: str, mentions: list[Mention],
                 events: EventsByPosition[Event] | dict[int, Event],
                 actor_types: dict[str, str], match_actors, window: DateBounds):
        self.source_id = source_id
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.events = events  # the event of each of `mentions`, by its position: one source, so no key tuple
        self.actor_types = actor_types
        self.match_actors = match_actors  # (Span) -> list[ActorMatch]
        self.window = window
        self._footnotes: Optional[dict[str, str]] = None

    @property
    def footnotes(self) -> dict[str, str]:
        if self._footnotes is None:  # read only where a statement is dated by its footnote
            self._footnotes = footnote_dates(self.text)
        return self._footnotes

    def complete(self, drafts) -> list[Statement]:
        found = []
        for position, at in enumerate(range(0, len(drafts), DRAFT), 1):
            kind, start, end, line, a_start, a_end, a_line, blanked, c_start, c_end, n_start, n_end = drafts[at:at + DRAFT]
            said = self.text[a_start:a_end]
            attribution = Span(" " + said[1:] if blanked else said, a_start, a_line)
            verb = (_last(ATTRIBUTION.finditer(attribution.text)) if KINDS[kind] == "block"
                    else ATTRIBUTION.search(attribution.text))
            speaker, words = self._speaker(attribution, (start, end), verb)
            statement = Statement(self.source_id, start, end, self.text[start:end], line, speaker, words,
                                  KINDS[kind], self.window, position=position)
            found.append(self._dated(statement, (c_start, c_end), self.text[n_start:n_end] if n_start >= 0 else None))
        return found

    def _speaker(self, sentence: Span, said: tuple[int, int], verb: Optional[re.Match] = None):
        """(actor id, words) of whoever the sentence says is speaking.

        Candidates are the actors and other capitalized names outside what was said (`said` is the
        statement's span in document offsets) and within reach of the attribution verb: a person
        before a body before a state before an unknown name, then the nearest to the verb, the
        subject before it ("Mr. Lomanov noted") or the name right after it in an inverted
        attribution ('..., said Ushakov')."""
        def outside(start: int, end: int) -> bool:
            return end <= said[0] or start >= said[1]

        if verb is None:
            verb_start = verb_end = sentence.end
        else:
            verb_start, verb_end = sentence.start + verb.start(), sentence.start + verb.end()
        # '..., said Ushakov' / ',' continued IMEMO RAN Deputy Director Alexander Lomanov': the name follows.
        # ("tells Wei", "urged the US": what follows those verbs is the addressee.)
        inverted = (verb is not None and verb.group(0) not in ADDRESSING
                    and re.match(r"\s+(?!That\b|The\b)[A-Z]", sentence.text[verb.end():]) is not None)

        def distance(start: int, end: int) -> int:
            between = (self.text[end:verb_start] if end <= verb_start else self.text[verb_end:start])
            if CLAUSE_BETWEEN.search(between):
                return 10**6  # another clause: not this verb's speaker
            if end <= verb_start:
                return verb_start - end
            return start - verb_end + (0 if inverted else 40)  # after the verb: usually the addressee

        candidates = []
        for m in self.match_actors(sentence):
            if outside(m.start, m.end) and distance(m.start, m.end) <= NAME_REACH:
                rank = PERSON_FIRST.get(self.actor_types.get(m.actor_id), 9)
                candidates.append((rank, distance(m.start, m.end), m.start, m.actor_id, m.matched))
        covered = [(c[2], c[2] + len(c[4])) for c in candidates]
        for m in NAME.finditer(sentence.text):
            start, end = sentence.start + m.start(), sentence.start + m.end()
            if m.group(0).split()[0] in NOT_NAMES or not outside(start, end):
                continue
            if start < verb_end and verb_start < end or distance(start, end) > NAME_REACH:
                continue
            if any(a < end and start < b for a, b in covered):
                continue
            words = " ".join(m.group(0).rstrip(".,").split()[-2:])
            candidates.append((10, distance(start, end), start, None, words))
        if not candidates:
            return None, None
        best = min(candidates)
        return best[3], best[4]

    # -- dates and events ---------------------------------------------------------------------

    def _dated(self, statement: Statement, context: tuple[int, int], footnote: Optional[str]) -> Statement:
        # The event mention that holds the statement, else one in the statement's own sentence or
        # (for a block quotation) the paragraph that introduces it.
        holder = next((m for m in self.mentions if m.start <= statement.start and statement.end <= m.end), None)
        holder = holder or next((m for m in self.mentions if m.start < context[1] and context[0] < m.end), None)
        if holder is not None:
            event = self.events.get(holder.position)
            statement.date = event.date if event else holder.date
            statement.event_id = event.id if event else None
            return statement
        if footnote and footnote in self.footnotes:
            day = self.footnotes[footnote]
            statement.date = DateBounds(day, day, None, "day", "cue",
                                        f"footnote [{footnote}] dates the statement's source {day}")
            same_day = [self.events[m.position] for m in self.mentions if m.position in self.events
                        and self.events[m.position].date.earliest == self.events[m.position].date.latest == day]
            with_speaker = [e for e in same_day if any(a.actor_id == statement.speaker_id for _, a in e.actors)]
            chosen = {e.id for e in (with_speaker if statement.speaker_id else same_day)}
            if len(chosen) == 1:  # the one event that day (with the speaker taking part, when known)
                statement.event_id = chosen.pop()
        return statement


def document_window(earliest: Optional[str], published: Optional[str]) -> DateBounds:
    """A statement reported by a document was made on or before the document's date."""
    if published and len(published) == 10:
        return DateBounds(earliest, published, None, "window", "coverage",
                          f"not dated in the text; made on or before the document's date, {published}")
    return DateBounds(earliest, None, None, None, "unknown", "not dated in the text")
