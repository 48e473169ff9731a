"""The declared shape of every curated file and of the sources registry (loader/schemas.py), and the one
rule for `{source, text}` keys (loader/enrich/mentionkeys.py), through the CLI.

A value of the wrong shape in any of these files fails `loader validate` and `loader build` with
FILE:LINE (the value's own line) and what was expected; the existing database is left untouched.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CURATED, SEEDS, event_named
from loader.cli import cli


def invoke(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def errors_of(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line]


# (file, the line as written, the same line with a value of the wrong shape, what the error must say)
WRONG_SHAPES = [
    # The known miss: a string where a list of phrases is expected turned every letter into a kind.
    ("linking.yml", re.compile(r"^  patrol: \[.*$", re.M), "  patrol: patrol",
     ["kinds.patrol: expected a list, got the text 'patrol'", "list of words or phrases"]),
    ("links.yml", re.compile(r'^      - \{source: memri-sd-9684, text: "held a video conference.*$', re.M),
     "      - memri-sd-9684", ["same[0].mentions[0]: expected a mapping, got the text 'memri-sd-9684'", "{source, text}"]),
    ("actors.yml", re.compile(r"^  aliases: \[Russia, .*$", re.M), "  aliases: {name: Russia}",
     ["aliases: expected a list, got a mapping", "a list of names"]),
    ("not_actors.yml", re.compile(r"^- name: East China Sea$", re.M), "- name: [East China Sea]",
     ["name: expected text, got a list"]),
    ("words.yml", re.compile(r"^title_links: \[to, for\]$", re.M), "title_links: to for",
     ["title_links: expected a list, got the text 'to for'", "a list of words"]),
    ("demonyms.yml", re.compile(r"^ALB: \[Albanian\]$", re.M), "ALB: Albanian",
     ["ALB: expected a list, got the text 'Albanian'", "a list of demonyms"]),
    ("places.yml", re.compile(r"^  latitude: 55\.76$", re.M), '  latitude: "55.76"',
     ["latitude: expected a number, got the text '55.76'", "decimal degrees"]),
    ("taxonomy.yml", re.compile(r'^    cameo: "01"$', re.M), "    cameo: 1",
     ["overrides[2].cameo: expected text, got the number 1", 'a quoted two-digit string such as "04"']),
    ("dates.yml", re.compile(r"^    position: 1$", re.M), "    position: first",
     ["dates[0].position: expected a whole number, got the text 'first'", "1 = first entry"]),
    ("sources.yml", re.compile(r"^  coverage_start: 2021-09-01$", re.M), "  coverage_start: [2021-09-01]",
     ["coverage_start: expected a date: YYYY, YYYY-MM or YYYY-MM-DD"]),
]


@pytest.fixture
def folders(tmp_path) -> tuple[Path, Path]:
    seeds, curated = tmp_path / "seeds", tmp_path / "curated"
    shutil.copytree(SEEDS, seeds)
    shutil.copytree(CURATED, curated)
    return seeds, curated


@pytest.mark.parametrize("name, written, wrong, expected", WRONG_SHAPES, ids=[case[0] for case in WRONG_SHAPES])
def test_a_wrong_shaped_value_fails_validate_and_build_at_its_line_saying_what_was_expected(
        folders, tmp_path, seed_db, name, written, wrong, expected):
    seeds, curated = folders
    path = (seeds if name == "sources.yml" else curated) / name
    text = path.read_text(encoding="utf-8")
    found = written.search(text)
    assert found, f"{name} no longer has the line this test changes"
    path.write_text(text[:found.start()] + wrong + text[found.end():], encoding="utf-8")
    line = text.count("\n", 0, found.start()) + 1
    db = tmp_path / "events.db"
    shutil.copyfile(seed_db, db)
    before = db.read_bytes()

    for result in (invoke("validate", "--seeds", seeds, "--curated", curated),
                   invoke("build", "--seeds", seeds, "--curated", curated, "--db", db)):
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        errors = errors_of(result.output)
        assert len(errors) == 1, result.output
        assert errors[0].startswith(f"{path}:{line}: error: "), errors[0]
        for words in expected:
            assert words in errors[0], errors[0]
    assert db.read_bytes() == before


def test_an_unknown_section_of_linking_yml_is_an_error_naming_the_known_ones(folders):
    seeds, curated = folders
    path = curated / "linking.yml"
    text = path.read_text(encoding="utf-8")
    text += "\nsynonym:\n  ship: [boat]\n"
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", "--seeds", seeds, "--curated", curated)
    assert result.exit_code == 1
    line = text.splitlines().index("synonym:") + 1
    assert (f"{path}:{line}: error: synonym: unknown field (known: compatible, counts, kinds, means, place_words, synonyms)"
            in result.output), result.output


# --- {source, text} keys: one rule in links.yml, taxonomy.yml and places.yml -----------------------------

def _key_in(name: str, text: str, source: str, words: str) -> tuple[str, int]:
    """The file's text with one key's words replaced, and the line of the entry that holds the key."""
    if name == "links.yml":
        old = "text: \"held a video conference on December 15, 2021\""
        new = f"text: \"{words}\""
        entry = text.rindex("\n  - mentions:", 0, text.index(old)) + 1
    elif name == "taxonomy.yml":
        old = 'text: "SEO holds 18th Meeting of Prosecutors General"'
        new = f'text: "{words}"'
        entry = text.rindex("\n  - source:", 0, text.index(old)) + 1
    else:
        old = 'text: "In conjunction with the SCO annual foreign ministerial meeting, Wang and Lavrov take part in formal talks"'
        new = f'text: "{words}"'
        entry = text.rindex("\n- id:", 0, text.index(old)) + 1
    assert old in text
    return text.replace(old, new, 1), text.count("\n", 0, entry) + 1


@pytest.mark.parametrize("name", ["links.yml", "taxonomy.yml", "places.yml"])
def test_a_key_that_names_no_mention_fails_the_build_in_every_file(folders, tmp_path, name):
    seeds, curated = folders
    path = curated / name
    text, line = _key_in(name, path.read_text(encoding="utf-8"), "", "words that are in no entry")
    path.write_text(text, encoding="utf-8")
    result = invoke("build", "--seeds", seeds, "--curated", curated, "--db", tmp_path / "events.db")
    assert result.exit_code == 1, result.output
    assert re.search(rf"^{re.escape(str(path))}:{line}: error: no mention of '[\w-]+' contains 'words that are in no entry'",
                     result.output, re.M), result.output
    assert not (tmp_path / "events.db").exists()


def test_a_links_key_that_names_several_mentions_fails_saying_where_they_are(folders, tmp_path):
    seeds, curated = folders
    path = curated / "links.yml"
    # "Russia" is in many entries of the MEMRI dispatch: a decision must name one.
    text, line = _key_in("links.yml", path.read_text(encoding="utf-8"), "", "Russia")
    path.write_text(text, encoding="utf-8")
    result = invoke("build", "--seeds", seeds, "--curated", curated, "--db", tmp_path / "events.db")
    assert result.exit_code == 1, result.output
    found = re.search(rf"^{re.escape(str(path))}:{line}: error: (\d+) mentions of 'memri-sd-9684' contain 'Russia' "
                      r"\(at lines ([\d, ]+) of the document\)", result.output, re.M)
    assert found, result.output
    assert int(found.group(1)) == len(found.group(2).split(", ")) > 1


def test_an_override_applies_to_every_mention_its_key_names(folders, tmp_path):
    """Overrides and places name events, not one mention: a key naming several applies to each."""
    seeds, curated = folders
    path = curated / "taxonomy.yml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - source: cc-2021-sep-dec\n    text: \"Wang Yi\"\n    cameo: \"14\"\n"
        "    why: \"A test override whose words several entries share.\"\n"), encoding="utf-8")
    db = tmp_path / "events.db"
    result = invoke("build", "--seeds", seeds, "--curated", curated, "--db", db)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    named = conn.execute("""select distinct e.id, e.cameo_root from events e join event_sources s on s.event_id = e.id
                            where s.source_id = 'cc-2021-sep-dec' and instr(s.excerpt, 'Wang Yi') > 0""").fetchall()
    assert len(named) >= 2
    assert {row["cameo_root"] for row in named} == {"14"}
    assert event_named(conn, "cc-2021-sep-dec", "Chinese FM Wang Yi pens article")["cameo_root"] == "14"
