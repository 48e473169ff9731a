"""The site's serving settings, settings.json, as `datasette serve --setting NAME VALUE` flags.

The one translation of the file into flags: `make serve` and `make settings` print it with
`python -m loader.serving settings.json`, and bench/site.py (the benchmark, the load test, the probe)
passes it to the servers it starts. Configuration-directory mode (`datasette serve .`) reads the file
itself. Standard library only, so that the Makefile can run it before .venv/ exists.
"""
from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "settings.json"


def read_settings(path: Path = SETTINGS_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def setting_flags(settings: dict) -> list[str]:
    """`--setting NAME VALUE` for each setting, in the file's order; booleans as JSON spells them
    (`true`, `false`), which Datasette reads as booleans."""
    flags: list[str] = []
    for name, value in settings.items():
        flags += ["--setting", name, json.dumps(value) if isinstance(value, bool) else str(value)]
    return flags


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else SETTINGS_FILE
    try:
        settings = read_settings(path)
    except (OSError, ValueError) as error:
        print(f"{path}: error: {getattr(error, 'strerror', None) or error}", file=sys.stderr)
        return 1
    print(shlex.join(setting_flags(settings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
