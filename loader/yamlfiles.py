"""Reading curated YAML files so that every problem names the file and the line."""
from __future__ import annotations

from pathlib import Path

import yaml

from .model import InputError, Problem


class CheckedLoader(yaml.SafeLoader):
    """yaml.SafeLoader, except that an impossible date (2021-13-45) is a marked error, not a ValueError."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"impossible date {node.value!r} ({error})", node.start_mark) from None


CheckedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(path: Path, loader: type[CheckedLoader] = CheckedLoader):
    """Parse a YAML file; a syntax error becomes an InputError naming the file and line."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(str(path), line, f"malformed YAML: {error.problem}", "error")]) from None
    except UnicodeDecodeError as error:
        line = error.object.count(b"\n", 0, error.start) + 1
        raise InputError([Problem(str(path), line, f"not UTF-8 (byte {error.object[error.start]:#04x} at offset {error.start})",
                                  "error")]) from None
    except yaml.YAMLError as error:
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
