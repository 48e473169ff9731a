"""Splitting text into paragraphs and sentences while keeping every offset."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..model import DateBounds, Mention, ParsedDocument


@dataclass(frozen=True)
class Span:
    text: str  # stripped of surrounding whitespace
    start: int  # offset of text[0] in the document
    line: int  # 1-based line of text[0]

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def normalize(text: str) -> str:
    """The one reading of every document before it is parsed or stored: a leading byte-order mark
    dropped, CRLF and a lone CR (old Mac files) turned into LF. Offsets, excerpts and line numbers are
    all counted in this text, which is also what `sources.text` keeps."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def line_of_byte(raw: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting line ends as normalize() does (CRLF, LF or CR)."""
    head = raw[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


BLANK_LINES = re.compile(r"\n[ \t\r\u00a0]*\n\s*")  # \r: a CRLF file splits as an LF one


def paragraphs(text: str) -> list[Span]:
    """Paragraphs separated by blank lines, with offsets and line numbers."""
    spans = []
    position = 0
    line, counted_to = 1, 0  # line numbers counted incrementally: linear in the text
    for match in [*BLANK_LINES.finditer(text), None]:
        stop = match.start() if match else len(text)
        chunk = text[position:stop]
        stripped = chunk.strip()
        if stripped:
            start = position + (len(chunk) - len(chunk.lstrip()))
            line += text.count("\n", counted_to, start)
            counted_to = start
            spans.append(Span(stripped, start, line))
        if match:
            position = match.end()
    return spans


# Words after which a period does not end a sentence.
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "no", "vol", "gen", "lt", "col", "u.s", "u.n", "u.k", "e.g", "i.e",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "etc", "jr",
}
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’]?\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def sentences(span: Span) -> list[Span]:
    """Sentences of a paragraph; abbreviations such as "Dec." and "U.S." do not end one."""
    result = []
    begin = 0
    text = span.text
    for match in SENTENCE_END.finditer(text):
        before = text[begin : match.start()].rstrip("\"'”’")
        last_word = before.rsplit(None, 1)[-1].rstrip(".").lower() if before.split() else ""
        if last_word in ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        piece_end = match.start() + (len(match.group(0)) - len(match.group(0).lstrip("\"'”’")))
        if text[begin:piece_end].strip():
            result.append(_sub(span, text, begin, piece_end))
        begin = match.end()
    if text[begin:].strip():
        result.append(_sub(span, text, begin, len(text)))
    return result


def _sub(span: Span, text: str, begin: int, end: int) -> Span:
    piece = text[begin:end]
    lead = len(piece) - len(piece.lstrip())
    stripped = piece.strip()
    start = span.start + begin + lead
    line = span.line + text.count("\n", 0, begin + lead)
    return Span(stripped, start, line)


def add_entry(
    result: ParsedDocument,
    para: Span,
    body_offset: int,
    excerpt: str,
    reported: Optional[str],
    date: Optional[DateBounds],
    **more,
) -> None:
    """Append to `result` the mention of a list entry (a chronology's or a timeline's) whose excerpt starts
    `body_offset` characters into its paragraph; `more` sets the format's own fields (categories, lead)."""
    start = para.start + body_offset
    result.mentions.append(
        Mention(
            source_id="",
            position=len(result.mentions) + 1,
            start=start,
            end=start + len(excerpt),
            excerpt=excerpt,
            line=para.line,
            reported_date=reported,
            date=date,
            **more,
        )
    )
