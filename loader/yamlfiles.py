"""Reading curated and registry YAML: the one reader every YAML file of the project goes through.

Every problem names the file and the line, taken from the YAML parser's own marks (so an entry written
as `-` on a line of its own, or a file that opens with a byte-order mark, is counted right). The files
are written by hand and hold plain data, so the reader refuses what plain data never needs and what
makes a small file expensive: aliases (`*name`, including `<<: *name` merges), which let a few lines
expand to gigabytes ("billion laughs") or refer to themselves, and nesting deeper than MAX_DEPTH.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import yaml

from .model import InputError, Problem

MAX_DEPTH = 64  # lists and mappings inside one another; the curated files use fewer than 5


class CheckedLoader(yaml.SafeLoader):
    """yaml.SafeLoader, except that an impossible date (2021-13-45) is a marked error, not a ValueError,
    and aliases and deep nesting are refused at their line."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"alias *{event.anchor} is not allowed: write the value out in full", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"impossible date {node.value!r} ({error})", node.start_mark) from None


CheckedLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _read(path: Path, loader: type[CheckedLoader]) -> tuple[object, Optional[yaml.Node]]:
    """(data, the composed node tree, which keeps the parser's line marks), every problem an InputError at its line."""
    try:
        reader = loader(path.read_bytes().decode("utf-8"))
        try:
            node = reader.get_single_node()
            data = reader.construct_document(node) if node is not None else None
        finally:
            reader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(str(path), line, f"malformed YAML: {error.problem or error.context}", "error")]) from None
    except UnicodeDecodeError as error:
        line = error.object.count(b"\n", 0, error.start) + 1
        raise InputError([Problem(str(path), line, f"not UTF-8 (byte {error.object[error.start]:#04x} at offset {error.start})",
                                  "error")]) from None
    except yaml.YAMLError as error:
        raise InputError([Problem(str(path), None, f"unreadable YAML: {error}", "error")]) from None
    except RecursionError:  # a constructor deeper than the composer allowed: never expected, still not a traceback
        raise InputError([Problem(str(path), None, "malformed YAML: nested too deeply", "error")]) from None
    return data, node


class Marks:
    """Where each value of a parsed file is: the line of the node a path of keys and indexes leads to,
    from the parser's own marks. A path is what pydantic reports as an error's `loc` ("kinds",
    "patrol", 2); a step that names nothing in the file (a union member's tag, a missing field) is
    skipped, so a missing field is reported at the line of the mapping that lacks it."""

    def __init__(self, node: Optional[yaml.Node]):
        self.node = node

    def line(self, loc: tuple = (), key: bool = False) -> Optional[int]:
        """Line of the value at `loc` (of its key, with `key`, where the last step is a mapping key)."""
        if self.node is None:
            return 1
        node, key_node = self.node, None
        for step in loc:
            if step == "[key]" and key_node is not None:
                node = key_node
                continue
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(step)), None)
                if found is not None:
                    key_node, node = found
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node, key_node = node.value[step], None
        chosen = key_node if key and key_node is not None else node
        return chosen.start_mark.line + 1


def load_yaml(path: Path, loader: type[CheckedLoader] = CheckedLoader):
    """Parse a YAML file; a syntax error, an alias or deep nesting becomes an InputError naming the file and line."""
    return _read(path, loader)[0]


def load_marked(path: Path) -> tuple[object, Marks]:
    """Parse a YAML file, keeping where each value is (`Marks`)."""
    data, node = _read(path, CheckedLoader)
    return data, Marks(node)
