"""Bad input loses nothing in silence: a line shaped like a timeline item or a chronology entry that the
parser cannot read (or that runs on from the line above) is reported, naming file and line, in
`build_problems` and on the command line. The documents are the tests' own (tests/documents/malformed/)."""
import shutil
import sqlite3

from conftest import ROOT, run_build

DOCUMENTS = ROOT / "tests" / "documents" / "malformed"
TIMELINE = "timeline-with-unreadable-items.txt"
CHRONOLOGY = "chronology-with-run-on-entries.txt"


def build(seeds, name, format):
    """Build the seeds plus the document `name`; its warnings, and the days of the events read from it."""
    shutil.copy(DOCUMENTS / name, seeds / name)
    registry = seeds / "sources.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + (
        f"\n- id: test-doc\n  file: {name}\n  title: A document written for the tests\n  format: {format}\n"),
        encoding="utf-8")
    db = seeds.parent / "events.db"
    result = run_build(seeds, db)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    problems = conn.execute("select file, line, severity, message from build_problems where file = ? order by line",
                            (name,)).fetchall()
    days = [row[0] for row in conn.execute("""select events.date_earliest from events join event_sources
                                              on event_sources.event_id = events.id
                                              where event_sources.source_id = 'test-doc'
                                              order by event_sources.position""")]
    conn.close()
    return result, problems, days


def test_timeline_lines_shaped_like_items_are_read_or_reported_by_file_and_line(seeds_copy):
    result, problems, days = build(seeds_copy, TIMELINE, "timeline")
    # Read: the well-formed items, the no-break space after "On" included (as real pages print it).
    assert days == ["2001-06-15", "2001-07-16", "2014-05-21", "2021-03-09"]
    # Reported: a date without its comma, no space after the colon, an item with no blank line before
    # it (inside an item, and after a paragraph that is not one), a misspelt month.
    assert [(line, severity) for _, line, severity, _ in problems] == [(9, "warning"), (11, "warning"),
                                                                       (14, "warning"), (17, "warning")]
    messages = dict((line, message) for _, line, _, message in problems)
    assert "cannot be read" in messages[9] and "September 11 2018" in messages[9]
    assert "cannot be read" in messages[11] and "Energy:On December 2, 2019" in messages[11]
    assert "read as part of the item on line 13" in messages[14]
    assert "skipped" in messages[17] and "Decembr 10, 2021" in messages[17]
    for line in (9, 11, 14, 17):  # on the command line too, as file:line
        assert f"{TIMELINE}:{line}: warning: line looks like a timeline item" in result.output


def test_chronology_lines_shaped_like_entries_are_read_or_reported_by_file_and_line(seeds_copy):
    result, problems, days = build(seeds_copy, CHRONOLOGY, "chronology")
    assert days == ["2019-06-05", "2018-09-11"]
    assert [(line, severity) for _, line, severity, _ in problems] == [(6, "warning"), (8, "warning"),
                                                                       (9, "warning")]
    messages = dict((line, message) for _, line, _, message in problems)
    assert "read as part of the entry on line 5" in messages[6] and "Jun. 5, 2019" not in messages[6]
    assert "paragraph is not a chronology entry" in messages[8]
    assert "skipped with the paragraph above it" in messages[9] and "Dec. 2, 2019" in messages[9]
    for line in (6, 8, 9):
        assert f"{CHRONOLOGY}:{line}: warning:" in result.output


def test_the_seed_documents_have_no_unreadable_item_or_entry(conn):
    # The seed timeline prints a no-break space after "On" in three of its 29 items: all are read.
    assert conn.execute("""select count(*) from build_problems
                           where message like '%looks like a timeline item%'
                              or message like '%looks like a chronology entry%'""").fetchone()[0] == 0
    assert conn.execute("select count(*) from event_sources where source_id = 'overwatch-2020-2022'").fetchone()[0] == 29
