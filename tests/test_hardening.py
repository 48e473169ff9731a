"""Bad input, through the command line as a user meets it: one clear message naming the file (and the
line where there is one), exit 1 where the build cannot go on (a warning and exit 0 where it can),
never a traceback, and an existing events.db left byte for byte as it was."""
from __future__ import annotations

import os
import shutil
import stat
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CC_2020, CC_2021, CURATED, OVERWATCH, ROOT, SEEDS, copy_of
from loader.cli import cli

NEW_CHRONOLOGY = "China - Russia\n\nChronology from Jan 2022 to Mar 2022\n\n{entries}\n"


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def build(seeds: Path, db: Path, curated: Path = CURATED, *extra: str):
    return invoke("build", "--seeds", seeds, "--db", db, "--curated", curated, *extra)


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if ": error: " in line]


def assert_clean_exit(result, code: int) -> None:
    """The exit code asked for, reached through sys.exit, not through an exception escaping."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of `path` that starts with `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(text):
            return number
    raise AssertionError(f"{text!r} not in {path}")


def assert_registry_edit_fails(seeds: Path, db: Path, old: str, new: str, at: str, error: str) -> None:
    """With the first `old` in sources.yml replaced by `new`, the build fails cleanly (see below) with the one
    error `sources.yml:LINE: error: <error>`, LINE being the first line of sources.yml that starts with `at`."""
    before = db.read_bytes()
    registry = seeds / "sources.yml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    line = line_of(registry, at)
    assert_fails_cleanly(build(seeds, db), db, before, f"sources.yml:{line}: error: {error}")


def build_with_chronology(seeds: Path, db: Path, name: str, entries: str) -> str:
    """Build the seeds with one more chronology, `name` (NEW_CHRONOLOGY holding `entries`); the build must
    succeed. Its output."""
    (seeds / name).write_text(NEW_CHRONOLOGY.format(entries=entries), encoding="utf-8")
    result = build(seeds, db)
    assert_clean_exit(result, 0)
    return result.output


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def append_lines(path: Path, text: str) -> int:
    """Append `text` to the file; how many lines it had before."""
    lines = line_count(path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
    return lines


@pytest.fixture
def existing_db(seed_db, tmp_path) -> Path:
    """An events.db from a good build, which a failing build must leave exactly as it is."""
    return copy_of(seed_db, tmp_path / "out")


def assert_fails_cleanly(result, db: Path, before: bytes, expected: str) -> None:
    """Exit 1, exactly one error line and it contains `expected`, the database untouched."""
    assert_clean_exit(result, 1)
    errors = error_lines(result.output)
    assert len(errors) == 1 and expected in errors[0], result.output
    assert f"{db} left unchanged" in result.output
    assert db.read_bytes() == before
    assert [p.name for p in db.parent.iterdir()] == [db.name]  # no temporary file left behind


# --- documents --------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    (b"", "empty.txt: error: empty document"),
    (b"  \n\n\t \n", "empty.txt: error: empty document"),
])
def test_an_empty_document_fails(seeds_copy, existing_db, content, message):
    before = existing_db.read_bytes()
    (seeds_copy / "empty.txt").write_bytes(content)
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before, message)


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",  # an image renamed .txt
    "China - Russia".encode("utf-16"),  # UTF-16: NUL bytes between the letters
])
def test_a_binary_document_fails(seeds_copy, existing_db, content):
    before = existing_db.read_bytes()
    (seeds_copy / "image.txt").write_bytes(content)
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         "image.txt: error: binary file, not a text document")


def test_a_non_utf8_document_names_the_line_of_the_bad_byte(seeds_copy, existing_db):
    before = existing_db.read_bytes()
    (seeds_copy / "latin1.txt").write_bytes("China - Russia\n\nChronology from Jan 2022 to Mar 2022\n\n"
                                            ": Lavrov in Bras\u00edlia.\n".encode("latin-1"))
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         "latin1.txt:5: error: not UTF-8 (byte 0xed")


def test_a_chronology_with_no_entries_fails(seeds_copy, existing_db):
    before = existing_db.read_bytes()
    (seeds_copy / "bare.txt").write_text(NEW_CHRONOLOGY.format(entries="Date Range"), encoding="utf-8")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before, "bare.txt: error: chronology has no entries")


@pytest.mark.parametrize("header, message", [
    ("Chronology from Dec 2021 to Sep 2021", "coverage ends before it starts"),
    ("Chronology from Smarch 2021 to Dec 2021", "cannot read the coverage"),
])
def test_a_chronology_header_with_an_impossible_range_fails_naming_its_line(seeds_copy, existing_db, header, message):
    before = existing_db.read_bytes()
    path = seeds_copy / CC_2021
    path.write_text(path.read_text(encoding="utf-8").replace("Chronology from Sep 2021 to Dec 2021", header),
                    encoding="utf-8")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before, f"{CC_2021}:3: error: {message}")


def test_a_registry_coverage_that_ends_before_it_starts_fails_naming_its_line(seeds_copy, existing_db):
    assert_registry_edit_fails(seeds_copy, existing_db, "coverage_end: 2020-12-31", "coverage_end: 2020-08-31",
                               "- id: cc-2020-sep-dec", "coverage of 'cc-2020-sep-dec' ends before it starts")


def test_an_impossible_calendar_date_in_the_registry_names_its_line(seeds_copy, existing_db):
    assert_registry_edit_fails(seeds_copy, existing_db, "published: 2022-01\n", "published: 2021-13-45\n",
                               "  published: 2021-13-45", "malformed YAML: impossible date '2021-13-45'")


@pytest.mark.parametrize("field, value", [("published", "'2021-02-30'"), ("coverage_start", "'2021-13'"),
                                          ("coverage_end", "'0000'")])
def test_a_registry_date_that_is_not_in_the_calendar_fails_naming_its_line(seeds_copy, existing_db, field, value):
    before = existing_db.read_bytes()
    registry = seeds_copy / "sources.yml"
    lines = line_count(registry)
    (seeds_copy / "odd.txt").write_text(NEW_CHRONOLOGY.format(entries=": An entry."), encoding="utf-8")
    registry.write_text(registry.read_text(encoding="utf-8") + f"\n- id: odd\n  file: odd.txt\n  {field}: {value}\n",
                        encoding="utf-8")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         f"sources.yml:{lines + 4}: error: {field}: {value} is not a real YYYY, YYYY-MM or YYYY-MM-DD")


def test_an_entry_dated_outside_its_chronology_window_is_a_warning_naming_its_line(seeds_copy, tmp_path):
    entries = "Feb. 4, 2022: Xi and Putin meet in Beijing.\n\nJune 1, 2023: A meeting long after the window."
    db = tmp_path / "events.db"
    output = build_with_chronology(seeds_copy, db, "window.txt", entries)
    assert "window.txt:7: warning: entry dated 'June 1, 2023' lies outside the document's coverage" in output
    stored = sqlite3.connect(db).execute(
        "select file, line, severity from build_problems where message like '%outside the document%'").fetchall()
    assert stored == [("window.txt", 7, "warning")]


def test_an_impossible_printed_date_is_a_warning_and_the_entry_is_kept_undated(seeds_copy, tmp_path):
    db = tmp_path / "events.db"
    output = build_with_chronology(seeds_copy, db, "feb30.txt", "Feb. 30, 2022: A meeting on no day.")
    assert "feb30.txt:5: warning: impossible date 'Feb. 30, 2022'" in output
    row = sqlite3.connect(db).execute(
        "select date_earliest, date_latest, date_method from events where summary like 'A meeting on no day%'").fetchone()
    assert row == ("2022-01-01", "2022-03-31", "coverage")  # bounded by the window, never the made-up day


def test_a_duplicated_document_is_skipped_with_a_warning(seeds_copy, tmp_path):
    shutil.copyfile(seeds_copy / CC_2020, seeds_copy / "copy-of-cc-2020.txt")
    db = tmp_path / "events.db"
    result = build(seeds_copy, db)
    assert_clean_exit(result, 0)
    assert f"copy-of-cc-2020.txt: warning: duplicate of {CC_2020} (same bytes); skipped" in result.output
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from sources").fetchone()[0] == 5
    assert conn.execute("select count(*) from sources where file = 'copy-of-cc-2020.txt'").fetchone()[0] == 0


@pytest.mark.parametrize("field, message", [
    ("id: cc-2021-sep-dec", "source id 'cc-2021-sep-dec' is used twice"),
    ("file: cc-china-russia-chronology-2021-sep-dec.txt", "is listed twice"),
])
def test_a_source_listed_twice_in_the_registry_fails_naming_the_second_entry(seeds_copy, existing_db, field, message):
    before = existing_db.read_bytes()
    registry = seeds_copy / "sources.yml"
    other = "id: again" if field.startswith("file") else "file: not-there.txt"
    lines = append_lines(registry, f"\n- {field}\n  {other}\n")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before, f"sources.yml:{lines + 2}: error:")
    assert message in build(seeds_copy, existing_db).output


def test_an_unknown_document_format_fails(seeds_copy, existing_db):
    before = existing_db.read_bytes()
    (seeds_copy / "list.txt").write_text("apples\n\npears\n\nplums\n", encoding="utf-8")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         "list.txt:1: error: unknown document format")


def test_an_unknown_format_in_the_registry_fails_naming_its_line(seeds_copy, existing_db):
    assert_registry_edit_fails(seeds_copy, existing_db, "format: timeline", "format: pdf", "  format: pdf",
                               "format: expected 'chronology', 'timeline' or 'article', got the text 'pdf'")


def test_a_file_that_is_not_a_document_is_ignored_with_a_warning(seeds_copy, tmp_path):
    (seeds_copy / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    result = build(seeds_copy, tmp_path / "events.db")
    assert_clean_exit(result, 0)
    assert "scan.pdf: warning: ignored: not a document" in result.output


def test_a_registry_entry_for_a_file_that_is_not_a_document_fails(seeds_copy, existing_db):
    before = existing_db.read_bytes()
    (seeds_copy / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    registry = seeds_copy / "sources.yml"
    lines = line_count(registry)
    registry.write_text(registry.read_text(encoding="utf-8") + "\n- id: scan\n  file: scan.pdf\n", encoding="utf-8")
    result = build(seeds_copy, existing_db)
    assert_fails_cleanly(result, existing_db, before, f"sources.yml:{lines + 2}: error: source 'scan' lists 'scan.pdf', "
                                                      "which is not a document file")


def test_a_document_listed_in_the_registry_but_missing_fails_naming_the_entry(seeds_copy, existing_db):
    before = existing_db.read_bytes()
    (seeds_copy / CC_2020).unlink()
    line = line_of(seeds_copy / "sources.yml", "- id: cc-2020-sep-dec")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         f"sources.yml:{line}: error: source 'cc-2020-sep-dec' lists '{CC_2020}', which is not in")


def test_a_missing_document_is_a_warning_with_keep_going(seeds_copy, tmp_path):
    (seeds_copy / CC_2020).unlink()
    result = build(seeds_copy, tmp_path / "events.db", CURATED, "--keep-going")
    assert_clean_exit(result, 0)
    assert f"warning: source 'cc-2020-sep-dec' lists '{CC_2020}', which is not in" in result.output
    assert "4 documents" in result.output


def test_a_link_decision_naming_a_missing_document_is_a_warning_with_keep_going(seeds_copy, curated_copy, tmp_path):
    links = curated_copy / "links.yml"
    links.write_text("same: []\ndifferent:\n"
                     "  - mentions:\n"
                     "      - {source: cc-2021-sep-dec, text: \"Putin holds talks, via videoconference, with Xi Jinping\"}\n"
                     "      - {source: overwatch-2020-2022, text: \"On December 15, 2021\"}\n"
                     "    reason: a decision about a document this build goes on without\n", encoding="utf-8")
    (seeds_copy / OVERWATCH).unlink()
    result = build(seeds_copy, tmp_path / "events.db", curated_copy, "--keep-going")
    assert_clean_exit(result, 0)
    assert (f"{links}:3: warning: 'different' decision names 'overwatch-2020-2022', a source not loaded; not used"
            in result.output)
    assert "4 documents" in result.output


def test_a_registry_file_that_is_a_path_fails(seeds_copy, existing_db):
    before = existing_db.read_bytes()
    registry = seeds_copy / "sources.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + "\n- id: outside\n  file: ../outside.txt\n", encoding="utf-8")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         "error: file '../outside.txt' must be a file name")


def test_a_registry_field_that_is_a_list_fails_naming_its_line(seeds_copy, existing_db):
    assert_registry_edit_fails(seeds_copy, existing_db, "author: Yu Bin", "author: [Yu Bin, Someone]",
                               "  author: [Yu Bin, Someone]", "author: expected text, got a list")


def test_a_missing_seeds_folder_fails(tmp_path):
    result = build(tmp_path / "nowhere", tmp_path / "events.db")
    assert_clean_exit(result, 1)
    assert "nowhere: error: seeds folder does not exist" in result.output


def test_crlf_line_endings_give_the_same_events(seed_db, seeds_copy, tmp_path):
    for path in seeds_copy.glob("*.txt"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    db = tmp_path / "events.db"
    assert_clean_exit(build(seeds_copy, db), 0)
    query = "select first_source, first_position, summary, date_earliest, date_latest, category from events order by 1, 2"
    assert sqlite3.connect(db).execute(query).fetchall() == sqlite3.connect(seed_db).execute(query).fetchall()


# --- curated YAML -------------------------------------------------------------------------------------

def test_malformed_curated_yaml_names_the_file_and_line(seeds_copy, curated_copy, existing_db):
    before = existing_db.read_bytes()
    lines = append_lines(curated_copy / "actors.yml",
                         "\n- id: broken\n  name: Broken\n  aliases: [unclosed\n  type: person\n")
    result = build(seeds_copy, existing_db, curated_copy)
    assert_fails_cleanly(result, existing_db, before, "actors.yml:")
    reported = int(error_lines(result.output)[0].split("actors.yml:")[1].split(":")[0])
    assert lines + 4 <= reported <= lines + 5  # the unclosed list, or the line where YAML notices it
    assert "malformed YAML" in result.output


def test_a_tab_in_curated_yaml_names_its_line(seeds_copy, curated_copy, existing_db):
    before = existing_db.read_bytes()
    lines = append_lines(curated_copy / "actors.yml", "\n- id: tabbed\n\tname: Tabbed\n")
    assert_fails_cleanly(build(seeds_copy, existing_db, curated_copy), existing_db, before,
                         f"actors.yml:{lines + 3}: error: malformed YAML")


def test_an_alias_two_actors_claim_fails_naming_the_second(seeds_copy, curated_copy, existing_db):
    before = existing_db.read_bytes()
    lines = append_lines(curated_copy / "actors.yml",
                         "\n- id: first-claimant\n  name: First Claimant\n  type: person\n  aliases: [Zorblax]\n"
                         "\n- id: second-claimant\n  name: Second Claimant\n  type: person\n  aliases: [Zorblax]\n")
    assert_fails_cleanly(build(seeds_copy, existing_db, curated_copy), existing_db, before,
                         f"actors.yml:{lines + 7}: error: alias 'Zorblax' is claimed by both 'first-claimant' and "
                         "'second-claimant'")


def test_a_curated_value_of_the_wrong_type_names_the_file_not_a_traceback(seeds_copy, curated_copy, existing_db):
    before = existing_db.read_bytes()
    actors = curated_copy / "actors.yml"
    line = append_lines(actors, "\n- id: numbered\n  name: Numbered\n  type: person\n  aliases: [1917]\n") + 5  # aliases
    assert_fails_cleanly(build(seeds_copy, existing_db, curated_copy), existing_db, before,
                         f"{actors}:{line}: error: aliases[0]: expected text, got the number 1917 (a list of names)")


def test_curated_and_document_errors_are_reported_together(seeds_copy, curated_copy, existing_db):
    before = existing_db.read_bytes()
    (curated_copy / "actors.yml").write_text("- id: a: b\n", encoding="utf-8")
    (seeds_copy / "empty.txt").write_bytes(b"")
    result = build(seeds_copy, existing_db, curated_copy)
    assert_clean_exit(result, 1)
    errors = error_lines(result.output)
    assert len(errors) == 2 and "actors.yml:1: error: malformed YAML" in errors[0] and "empty.txt" in errors[1]
    assert existing_db.read_bytes() == before


# --- the machine rather than the input --------------------------------------------------------------------

def test_a_database_path_that_cannot_be_written_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    db = tmp_path / "file" / "events.db"
    result = build(SEEDS, db)
    assert_clean_exit(result, 1)
    assert f"{tmp_path / 'file'}: error: " in result.output and "left unchanged" in result.output


# --- through a real process -------------------------------------------------------------------------------

@pytest.mark.parametrize("breakage", ["binary", "yaml", "missing"])
def test_a_real_process_prints_one_line_and_no_traceback(seeds_copy, curated_copy, tmp_path, breakage):
    if breakage == "binary":
        (seeds_copy / "image.txt").write_bytes(b"\x00\x01\x02")
    elif breakage == "yaml":
        (curated_copy / "actors.yml").write_text("- id: x\n  name: [\n", encoding="utf-8")
    else:
        (seeds_copy / CC_2021).unlink()
    process = subprocess.run(
        [sys.executable, "-m", "loader", "build", "--seeds", str(seeds_copy), "--curated", str(curated_copy),
         "--db", str(tmp_path / "events.db")],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert process.returncode == 1
    assert "Traceback" not in process.stderr + process.stdout
    assert len(error_lines(process.stderr)) == 1
    assert process.stderr.splitlines()[-1].startswith("build failed: 1 error(s)")
    assert not (tmp_path / "events.db").exists()


# --- validate ----------------------------------------------------------------------------------------------

def test_validate_passes_the_seeds_and_writes_nothing(tmp_path, monkeypatch, conn):
    events = conn.execute("select count(*) from events").fetchone()[0]
    monkeypatch.chdir(tmp_path)
    result = invoke("validate", "--seeds", SEEDS, "--curated", CURATED)
    assert list(tmp_path.iterdir()) == []
    assert_clean_exit(result, 0)
    assert result.output.strip().endswith(f"5 documents, {events} events; 0 error(s), 0 warning(s)")
    assert result.output.startswith("valid: ")


def test_validate_reports_every_problem_and_exits_1(seeds_copy, curated_copy):
    (seeds_copy / "empty.txt").write_bytes(b"")
    shutil.copyfile(seeds_copy / CC_2020, seeds_copy / "copy.txt")
    (curated_copy / "actors.yml").write_text("- id: a: b\n", encoding="utf-8")
    (curated_copy / "dates.yml").write_text("- event: x\n  date: 2021-02-30\n", encoding="utf-8")
    result = invoke("validate", "--seeds", seeds_copy, "--curated", curated_copy)
    assert_clean_exit(result, 1)
    assert "actors.yml:1: error: malformed YAML" in result.output
    assert "empty.txt: error: empty document" in result.output
    assert "copy.txt: warning: duplicate of" in result.output
    assert "dates.yml:2: error: malformed YAML: impossible date '2021-02-30'" in result.output
    assert "validate failed: " in result.output and "3 error(s), 1 warning(s)" in result.output
    quiet = invoke("validate", "--seeds", seeds_copy, "--curated", curated_copy, "--quiet")
    assert "warning" not in quiet.output.replace("1 warning(s)", "")


def test_validate_and_build_report_the_same_problems(seeds_copy, tmp_path):
    (seeds_copy / "list.txt").write_text("apples\n\npears\n", encoding="utf-8")
    (seeds_copy / "scan.pdf").write_bytes(b"%PDF")
    validated = invoke("validate", "--seeds", seeds_copy, "--curated", CURATED)
    built = build(seeds_copy, tmp_path / "events.db")
    assert sorted(error_lines(validated.output)) == sorted(error_lines(built.output)) != []
    assert "scan.pdf: warning: ignored" in validated.output
    assert validated.exit_code == built.exit_code == 1


# --- round two (issue 15): the holes an attacker finds ------------------------------------------------------

@pytest.mark.parametrize("victim", ["sources.yml", "notes.txt", "other.db", "empty"])
def test_the_build_refuses_to_replace_a_file_it_did_not_write(seeds_copy, tmp_path, victim):
    """--db pointing at the registry, at notes or at another program's SQLite file leaves it as it was."""
    if victim == "sources.yml":
        target = seeds_copy / "sources.yml"
    elif victim == "other.db":
        target = tmp_path / "other.db"
        other = sqlite3.connect(target)
        other.execute("create table events (id)")  # a look-alike table is not enough: no marker
        other.commit()
        other.close()
    else:
        target = tmp_path / victim
        target.write_text("" if victim == "empty" else "my notes\n", encoding="utf-8")
    before = target.read_bytes()
    result = build(seeds_copy, target)
    assert_clean_exit(result, 1)
    errors = error_lines(result.output)
    assert len(errors) == 1 and errors[0].startswith(f"{target}: error: not a database this loader wrote"), result.output
    assert target.read_bytes() == before


def test_the_build_replaces_a_database_it_wrote(existing_db):
    assert sqlite3.connect(existing_db).execute("pragma application_id").fetchone()[0] != 0  # the marker it checks
    assert_clean_exit(build(SEEDS, existing_db), 0)


@pytest.mark.parametrize("folder", ["missing", "emptied"])
def test_a_missing_or_emptied_curated_folder_fails(seeds_copy, curated_copy, existing_db, folder):
    before = existing_db.read_bytes()
    if folder == "emptied":  # `rm -rf curated/*`
        for path in curated_copy.iterdir():
            path.unlink()
        curated = curated_copy
    else:  # a typo in --curated
        curated = curated_copy.parent / "curatd"
    result = build(seeds_copy, existing_db, curated)
    assert_clean_exit(result, 1)
    errors = error_lines(result.output)
    if folder == "missing":
        assert errors == [f"{curated}: error: curated folder does not exist"]
    else:
        assert {e.split(": error:")[0] for e in errors} == {str(curated / n) for n in
                                                             ("actors.yml", "linking.yml", "taxonomy.yml", "places.yml")}
    assert existing_db.read_bytes() == before
    validated = invoke("validate", "--seeds", seeds_copy, "--curated", curated)
    assert_clean_exit(validated, 1)


def test_a_required_curated_file_missing_is_named(seeds_copy, curated_copy, existing_db):
    before = existing_db.read_bytes()
    (curated_copy / "places.yml").unlink()
    assert_fails_cleanly(build(seeds_copy, existing_db, curated_copy), existing_db, before,
                         f"{curated_copy / 'places.yml'}: error: missing from the curated folder")


@pytest.mark.parametrize("name, taken", [("SCMP-3253354.txt", "scmp-3253354"), ("cc-2021-sep-dec.txt", "cc-2021-sep-dec")])
def test_an_unlisted_file_can_never_take_a_registered_id(seeds_copy, existing_db, tmp_path, name, taken):
    """A file named to slug to a registered id: an error naming it; the registered document keeps its id."""
    before = existing_db.read_bytes()
    (seeds_copy / name).write_text(NEW_CHRONOLOGY.format(entries="Jan. 5, 2022: Someone else's story."), encoding="utf-8")
    result = build(seeds_copy, existing_db)
    assert_fails_cleanly(result, existing_db, before, f"{name}: error: not listed in sources.yml, and its name gives "
                                                      f"the id {taken!r}, which sources.yml gives to")
    db = tmp_path / "kept.db"
    assert_clean_exit(build(seeds_copy, db, CURATED, "--keep-going"), 0)
    row = sqlite3.connect(db).execute("select file from sources where id = ?", (taken,)).fetchone()
    assert row is not None and row[0] != name  # the public URL still shows the registered document
    assert sqlite3.connect(db).execute("select count(*) from sources where file = ?", (name,)).fetchone()[0] == 0


def test_two_unlisted_files_that_give_the_same_id_fail(seeds_copy, existing_db):
    before = existing_db.read_bytes()
    (seeds_copy / "new notes.txt").write_text(NEW_CHRONOLOGY.format(entries="Jan. 5, 2022: One."), encoding="utf-8")
    (seeds_copy / "new-notes.txt").write_text(NEW_CHRONOLOGY.format(entries="Jan. 6, 2022: Two."), encoding="utf-8")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         "new-notes.txt: error: not listed in sources.yml, and its name gives the id 'new-notes', as "
                         "'new notes.txt' does")


def test_a_symlink_out_of_the_seeds_folder_is_refused(seeds_copy, existing_db, tmp_path):
    secret = tmp_path / "private" / "diary.txt"
    secret.parent.mkdir()
    secret.write_text(NEW_CHRONOLOGY.format(entries="Jan. 5, 2022: A private note that must never be published."),
                      encoding="utf-8")
    (seeds_copy / "diary.txt").symlink_to(secret)
    before = existing_db.read_bytes()
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         f"diary.txt: error: links to {secret.resolve()}, outside {seeds_copy}")
    db = tmp_path / "kept.db"
    assert_clean_exit(build(seeds_copy, db, CURATED, "--keep-going"), 0)
    texts = [row[0] for row in sqlite3.connect(db).execute("select text from sources")]
    assert texts and not any("private note" in text for text in texts)


def test_a_symlink_inside_the_seeds_folder_still_reads(seeds_copy, tmp_path):
    real = seeds_copy / "sub" / "new-chronology.txt"
    real.parent.mkdir()
    real.write_text(NEW_CHRONOLOGY.format(entries="Jan. 5, 2022: A note kept in a subfolder."), encoding="utf-8")
    (seeds_copy / "new-chronology.txt").symlink_to(real)
    db = tmp_path / "events.db"
    assert_clean_exit(build(seeds_copy, db), 0)
    assert sqlite3.connect(db).execute("select count(*) from sources where id = 'new-chronology'").fetchone()[0] == 1


def laughs(levels: int = 9) -> str:
    """A `notes:` mapping whose aliases expand 9**levels times."""
    names = [chr(ord("a") + i) for i in range(levels + 1)]
    lines = [f"    {names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip(names, names[1:]):
        lines.append(f"    {name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["billion laughs", "circular alias", "3000-deep nesting", "merge key"])
def test_yaml_aliases_and_deep_nesting_are_refused_at_their_line(seeds_copy, existing_db, kind):
    registry = seeds_copy / "sources.yml"
    text = registry.read_text(encoding="utf-8")
    head = "- id: extra\n  file: extra.txt\n"
    extra = {"billion laughs": head + "  notes:\n" + laughs(),
             "circular alias": head + "  notes: &loop\n    again: *loop\n",
             "3000-deep nesting": head + "  notes: " + "[" * 3000 + "]" * 3000 + "\n",
             "merge key": "- &base\n  id: extra\n  file: extra.txt\n- <<: *base\n  id: extra-2\n"}[kind]
    registry.write_text(text.rstrip("\n") + "\n\n" + extra, encoding="utf-8")
    line = len(text.rstrip("\n").splitlines()) + 2 + {"billion laughs": 4, "circular alias": 3,
                                                       "3000-deep nesting": 2, "merge key": 3}[kind]
    before = existing_db.read_bytes()
    result = build(seeds_copy, existing_db)
    expected = "is not allowed" if kind != "3000-deep nesting" else "nested deeper than"
    assert_fails_cleanly(result, existing_db, before, f"sources.yml:{line}: error: malformed YAML: ")
    assert expected in error_lines(result.output)[0]
    validated = invoke("validate", "--seeds", seeds_copy, "--curated", CURATED)
    assert_clean_exit(validated, 1)
    assert f"sources.yml:{line}: error: malformed YAML" in validated.output


@pytest.mark.parametrize("layout", ["dash on its own line", "byte-order mark"])
def test_registry_lines_come_from_the_yaml_parser(seeds_copy, existing_db, layout):
    """An entry written as `-` on its own line, or a file opening with a BOM, still gives the right line."""
    registry = seeds_copy / "sources.yml"
    text = registry.read_text(encoding="utf-8")
    if layout == "dash on its own line":
        text = text.replace("- id: cc-2021-sep-dec\n", "-\n  id: cc-2021-sep-dec\n", 1)
    else:  # the mark right before the first entry
        text = text[text.index("- id:"):]
    bad = "- id: broken\n  file: broken.txt\n  format: pdf\n"
    text = text.rstrip("\n") + "\n\n" + bad
    registry.write_bytes(("\ufeff" if layout == "byte-order mark" else "").encode() + text.encode("utf-8"))
    line = len(text.splitlines())  # the bad entry's last line, `format: pdf`
    before = existing_db.read_bytes()
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         f"sources.yml:{line}: error: format: expected 'chronology', 'timeline' or 'article'")


@pytest.mark.parametrize("existing", [None, 0o640, 0o664])
def test_the_database_keeps_its_mode(tmp_path, existing):
    db = tmp_path / "events.db"
    umask = os.umask(0o022)
    try:
        if existing is not None:
            assert_clean_exit(build(SEEDS, db), 0)
            db.chmod(existing)
        assert_clean_exit(build(SEEDS, db), 0)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(db.stat().st_mode) == (0o644 if existing is None else existing)


def test_cr_only_line_endings_give_the_same_events(seed_db, seeds_copy, tmp_path):
    for path in seeds_copy.glob("*.txt"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    db = tmp_path / "events.db"
    result = build(seeds_copy, db)
    assert_clean_exit(result, 0)
    query = ("select source_id, position, line, start_offset, end_offset, excerpt from event_sources "
             "order by source_id, position")
    assert sqlite3.connect(db).execute(query).fetchall() == sqlite3.connect(seed_db).execute(query).fetchall()


def test_a_byte_order_mark_is_not_part_of_the_text(seed_db, seeds_copy, tmp_path):
    path = seeds_copy / "new-chronology.txt"  # unlisted: its title comes from its first line
    path.write_bytes(b"\xef\xbb\xbf" + NEW_CHRONOLOGY.format(entries="Jan. 5, 2022: Lavrov visits Brasilia.\n\n"
                                                                     ": Wang Yi visits Lima.").replace("\n", "\r\n")
                     .encode("utf-8"))
    db = tmp_path / "events.db"
    assert_clean_exit(build(seeds_copy, db), 0)
    conn = sqlite3.connect(db)
    title, text, fmt = conn.execute("select title, text, format from sources where id = 'new-chronology'").fetchone()
    assert (title, fmt) == ("China - Russia", "chronology") and "\ufeff" not in text and "\r" not in text
    rows = conn.execute("select excerpt, start_offset, end_offset, line from event_sources "
                        "where source_id = 'new-chronology' order by position").fetchall()
    assert [(excerpt, line) for excerpt, *_, line in rows] == [("Lavrov visits Brasilia.", 5), ("Wang Yi visits Lima.", 7)]
    assert all(text[start:end] == excerpt for excerpt, start, end, _ in rows)  # offsets exact against the stored text


def test_a_control_character_is_refused_naming_its_line(seeds_copy, existing_db):
    before = existing_db.read_bytes()
    (seeds_copy / "new-chronology.txt").write_text(
        NEW_CHRONOLOGY.format(entries="Jan. 5, 2022: A \x02marked\x03 entry."), encoding="utf-8")
    assert_fails_cleanly(build(seeds_copy, existing_db), existing_db, before,
                         "new-chronology.txt:5: error: control character U+0002")


@pytest.mark.parametrize("first_paragraph", [
    "Chronology from " + "to " * 200_000 + "\nx",  # 600 KB first line: about 13 minutes with the old patterns
    "China" + " " * 240_000 + "x\n\nChronology from Jan 2022 to Mar 2022",  # about 4 minutes with them
])
def test_header_detection_is_linear_in_the_first_paragraph(tmp_path, first_paragraph):
    """Not a timing: a generous bound that a linear parser meets by far and a quadratic one misses by far."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "long.txt").write_text(first_paragraph + "\n\nJan. 5, 2022: Lavrov and Wang Yi spoke by phone about "
                                    "the talks of the following week in some detail.\n", encoding="utf-8")
    process = subprocess.run(
        [sys.executable, "-m", "loader", "validate", "--seeds", str(seeds), "--curated", str(CURATED)],
        cwd=ROOT, capture_output=True, text=True, timeout=90)
    assert "Traceback" not in process.stderr
    assert "long.txt" in process.stderr
