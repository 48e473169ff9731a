"""Reading curated YAML files so that every problem names the file and the line."""
from __future__ import annotations

from pathlib import Path

import yaml

from .model import InputError, Problem


def load_yaml(path: Path):
    """Parse a YAML file; a syntax error becomes an InputError naming the file and line."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(str(path), line, f"malformed YAML: {error.problem}", "error")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise InputError([Problem(str(path), None, f"unreadable YAML: {error}", "error")]) from None


def item_lines(path: Path) -> dict[int, int]:
    """Line number of each top-level '- ' list item, by index, so problems can name the line."""
    lines, index = {}, 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("- "):
            lines[index] = number
            index += 1
    return lines


def load_list(path: Path) -> tuple[list, dict[int, int]]:
    """A curated file that is a YAML list of mappings, with the line of each item."""
    data = load_yaml(path)
    if data is None:
        return [], {}
    if not isinstance(data, list):
        raise InputError([Problem(str(path), 1, "this file must be a YAML list of entries", "error")])
    return data, item_lines(path)
