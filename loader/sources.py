"""Reading the seeds folder: the sources registry (sources.yml) and the documents it describes.

A document the registry does not list still loads: its format is detected from its text, its header
gives what it can, and a warning says it lacks bibliographic data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Iterator

from .model import Document, InputError, Problem, SourceInfo
from .parse import FORMATS, detect_format
from .parse.text import line_of_byte, normalize
from .yamlfiles import load_list

REGISTRY = "sources.yml"
DOCUMENT_SUFFIXES = {".txt", ".text", ".md"}
FIELDS = {"id", "file", "title", "publisher", "author", "url", "published", "coverage_start",
          "coverage_end", "format", "rights", "notes"}
PARTIAL_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
DATE_FIELDS = ("published", "coverage_start", "coverage_end")
CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")  # C0 controls but tab, line ends, vertical tab and form feed; DEL


def _iso(value) -> str | None:
    """YAML reads 2021-12-17 as a date and 2022 as an int; keep all of them as ISO text."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _real_date(value: str) -> bool:
    """True for a day, month or year that exists in the calendar (not 2021-02-30, 2021-13 or 0000)."""
    try:
        dt.date.fromisoformat((value + "-01-01")[:10])
    except ValueError:
        return False
    return True


def read_registry(seeds: Path) -> tuple[dict[str, SourceInfo], list[Problem]]:
    """SourceInfo per file name, from seeds/sources.yml (empty when there is none).

    A malformed registry raises InputError. A listed file that is missing or not a document is
    returned as an error Problem with the entry's line, so the build can report it with the others.
    """
    path = seeds / REGISTRY
    if not path.exists():
        return {}, [Problem(str(path), None, "no sources registry: every document loads without bibliographic data")]
    data, where = load_list(path)
    errors: list[Problem] = []
    missing: list[Problem] = []
    by_file: dict[str, SourceInfo] = {}
    ids: set[str] = set()
    for index, entry in enumerate(data):
        line = where.get(index)
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("file"):
            errors.append(Problem(str(path), line, "each source needs at least an id and a file", "error"))
            continue
        unknown = set(entry) - FIELDS
        if unknown:
            errors.append(Problem(str(path), line, f"unknown field(s) {sorted(unknown)} in source {entry['id']!r}", "error"))
        wrong = [k for k in sorted(FIELDS & set(entry)) if isinstance(entry[k], (list, dict)) and k != "notes"]
        if wrong:
            errors.append(Problem(str(path), line, f"field(s) {wrong} of source {entry['id']!r} must be single values, "
                                  "not lists or mappings", "error"))
            continue
        if not isinstance(entry.get("notes", {}), (dict, str, type(None))):
            errors.append(Problem(str(path), line, f"notes of source {entry['id']!r} must be a mapping (field: how it was "
                                  "established)", "error"))
            continue
        info = SourceInfo(**{k: entry[k] for k in FIELDS if k in entry})
        info.id, info.file = str(info.id), str(info.file)
        for name in DATE_FIELDS:
            setattr(info, name, _iso(getattr(info, name)))
            value = getattr(info, name)
            if value is not None and not (PARTIAL_DATE.fullmatch(value) and _real_date(value)):
                errors.append(Problem(str(path), line, f"{name} {value!r} is not a real YYYY, YYYY-MM or YYYY-MM-DD",
                                      "error"))
        if info.format is not None and info.format not in FORMATS:
            errors.append(Problem(str(path), line, f"unknown format {info.format!r} (known: {', '.join(FORMATS)})", "error"))
        if info.id in ids:
            errors.append(Problem(str(path), line, f"source id {info.id!r} is used twice", "error"))
        if info.file in by_file:
            errors.append(Problem(str(path), line, f"file {info.file!r} is listed twice", "error"))
        if info.coverage_start and info.coverage_end and info.coverage_end < info.coverage_start:
            errors.append(Problem(str(path), line, f"coverage of {info.id!r} ends before it starts", "error"))
        ids.add(info.id)
        by_file[info.file] = info
        document = seeds / info.file
        if Path(info.file).name != info.file:
            errors.append(Problem(str(path), line, f"file {info.file!r} must be a file name in {seeds}, not a path", "error"))
        elif not document.is_file():
            missing.append(Problem(str(path), line, f"source {info.id!r} lists {info.file!r}, which is not in {seeds}", "error"))
        elif not is_document(document):
            missing.append(Problem(str(path), line, f"source {info.id!r} lists {info.file!r}, which is not a document "
                                   f"file ({', '.join(sorted(DOCUMENT_SUFFIXES))})", "error"))
    if errors:
        raise InputError(errors)
    return by_file, missing


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def is_document(path: Path) -> bool:
    return path.suffix.lower() in DOCUMENT_SUFFIXES and not path.name.startswith(".") \
        and not path.name.lower().startswith("readme")


def document_paths(seeds: Path) -> list[Path]:
    """Document files in name order (the order the build reads them in)."""
    return sorted(p for p in seeds.iterdir() if p.is_file() and is_document(p))


def ignored_paths(seeds: Path) -> list[Path]:
    """Files of the folder that are neither documents nor the registry, a README or hidden: worth a warning."""
    return sorted(
        p for p in seeds.iterdir()
        if p.is_file() and not is_document(p) and p.name != REGISTRY and not p.name.startswith(".")
        and not p.name.lower().startswith("readme")
    )


def read_documents(seeds: Path) -> Iterator[Document | Problem]:
    """Yield each document of the folder, or a Problem (severity error) for one that cannot be read.

    Reading is streamed, one document at a time. The registry's problems come first; then the files
    the registry lists, then the others (so a registered document is never the one skipped as a
    duplicate, and its id is never taken), each group in name order. Every document's text goes
    through parse.text.normalize (byte-order mark, CRLF, CR).
    """
    if not seeds.is_dir():
        raise InputError([Problem(str(seeds), None, "seeds folder does not exist", "error")])
    registry, problems = read_registry(seeds)
    yield from problems
    paths = sorted(document_paths(seeds), key=lambda p: (p.name not in registry, p.name))
    for path in ignored_paths(seeds):
        yield Problem(str(path), None, f"ignored: not a document (documents end in {', '.join(sorted(DOCUMENT_SUFFIXES))})")
    root = seeds.resolve()
    registered_ids = {info.id: info.file for info in registry.values()}
    unlisted_ids: dict[str, str] = {}  # id -> file of the unlisted document that has it
    seen_hashes: dict[str, str] = {}
    for path in paths:
        target = path.resolve()
        if not target.is_relative_to(root):
            # A symbolic link (or a link inside the path) to a file elsewhere: never published.
            yield Problem(str(path), None, f"links to {target}, outside {seeds}: only files inside the seeds folder "
                          "are read", "error")
            continue
        raw = target.read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
        if b"\x00" in raw:
            yield Problem(str(path), None, "binary file, not a text document", "error")
            continue
        try:
            text = normalize(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            line = line_of_byte(raw, error.start)
            yield Problem(str(path), line, f"not UTF-8 (byte {raw[error.start]:#04x} at offset {error.start})", "error")
            continue
        control = CONTROL.search(text)
        if control:  # never in a text document; U+0002/U+0003 also mark search matches on the site
            yield Problem(str(path), text.count("\n", 0, control.start()) + 1,
                          f"control character U+{ord(control.group()):04X}: not a text document", "error")
            continue
        if not text.strip():
            yield Problem(str(path), None, "empty document", "error")
            continue
        if sha in seen_hashes:
            yield Problem(str(path), None, f"duplicate of {seen_hashes[sha]} (same bytes); skipped")
            continue
        info = registry.get(path.name)
        if info is None:
            info = SourceInfo(id=slug(path.stem), file=path.name, registered=False)
            if info.id in registered_ids:
                yield Problem(str(path), None, f"not listed in {REGISTRY}, and its name gives the id {info.id!r}, which "
                              f"{REGISTRY} gives to {registered_ids[info.id]!r}: rename the file or list it in {REGISTRY}",
                              "error")
                continue
            if info.id in unlisted_ids:
                yield Problem(str(path), None, f"not listed in {REGISTRY}, and its name gives the id {info.id!r}, as "
                              f"{unlisted_ids[info.id]!r} does: rename one of them or list both in {REGISTRY}", "error")
                continue
            unlisted_ids[info.id] = path.name
            yield Problem(str(path), None, f"not listed in {REGISTRY}: loaded without bibliographic data")
        seen_hashes[sha] = path.name
        if info.format is None:
            info.format = detect_format(text)
            if info.format is None:
                yield Problem(str(path), 1, "unknown document format (not a chronology, a timeline or prose)", "error")
                continue
        yield Document(info=info, text=text, sha256=sha)
