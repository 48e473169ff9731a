"""Parse: one module per document format, each a pure function from text to mentions with offsets.

To add a format, write a module with FORMAT, looks_like(text) and parse(text, file, ...) and list it
in FORMATS. Detection tries the formats in this order; `article` (any prose) comes last.
"""
from __future__ import annotations

from typing import Optional

from ..model import Document, ParsedDocument
from . import article, chronology, timeline

FORMATS = {module.FORMAT: module for module in (chronology, timeline, article)}


def detect_format(text: str) -> Optional[str]:
    """The first format whose looks_like() accepts the text, or None."""
    for name, module in FORMATS.items():
        if module.looks_like(text):
            return name
    return None


def parse_document(document: Document) -> ParsedDocument:
    info = document.info
    module = FORMATS[info.format]
    if module is article:
        parsed = article.parse(document.text, info.file, published=info.published)
    else:
        parsed = module.parse(document.text, info.file)
    for mention in parsed.mentions:
        mention.source_id = info.id
    return parsed
