"""Building events.db through the CLI: what the database holds and how bad input is handled."""
import hashlib
import sqlite3

from conftest import CC_2021, SEEDS, run_build

EXPECTED_TABLES = {"sources", "events", "actors", "event_sources", "event_actors", "build_problems"}


def test_every_seed_entry_is_reported_with_its_source(conn):
    entries = dict(conn.execute("select source_id, count(*) from event_sources where reference_of is null group by source_id"))
    assert entries["cc-2021-sep-dec"] == 39
    assert entries["cc-2020-sep-dec"] == 36
    # One dated earlier event read inside an entry ("On July 23, 2019, ... their first joint patrols").
    assert [tuple(r) for r in conn.execute(
        "select source_id, reference_of, reported_date from event_sources where reference_of is not null")] == [("cc-2020-sep-dec", 3, "July 23, 2019")]
    counts = dict(conn.execute("select source_id, count(*) from event_sources group by source_id"))
    assert counts["cc-2020-sep-dec"] == 37
    assert counts["overwatch-2020-2022"] == 29
    assert counts["memri-sd-9684"] >= 1 and counts["scmp-3253354"] >= 1
    assert dict(conn.execute("select id, event_count from sources")) == counts
    linked = conn.execute("select count(distinct event_id) from event_sources").fetchone()[0]
    assert linked == conn.execute("select count(*) from events").fetchone()[0]


def test_an_actors_event_count_is_the_number_of_events_it_takes_part_in(conn):
    counts = dict(conn.execute("select actor_id, count(distinct event_id) from event_actors group by actor_id"))
    assert counts["china"] > 50 and counts["russia"] > 50
    assert dict(conn.execute("select id, event_count from actors where event_count > 0")) == counts
    assert conn.execute("select count(*) from actors where event_count = 0").fetchone()[0] > 0  # listed, never named


def test_every_stored_excerpt_equals_the_source_text_at_its_offsets(conn):
    rows = conn.execute(
        """select es.excerpt, substr(s.text, es.start_offset + 1, es.end_offset - es.start_offset) as span
           from event_sources es join sources s on s.id = es.source_id"""
    ).fetchall()
    assert rows and all(row["excerpt"] == row["span"] for row in rows)


def test_reports_are_stored_in_the_order_of_their_events_by_date_then_in_the_events_own_order(conn):
    rows = conn.execute(
        """select e.rowid as event_row, e.date_earliest, es.source_id, es.position
           from event_sources es join events e on e.id = es.event_id order by es.rowid""").fetchall()
    event_rows = [row["event_row"] for row in rows]
    assert event_rows == sorted(event_rows)  # every report of an event together, events as the events table has them
    days = [row["date_earliest"] or "9999" for row in conn.execute("select date_earliest from events order by rowid")]
    assert days == sorted(days)
    firsts = dict(conn.execute("select id, first_source || ' ' || first_position from events"))
    leading = {}
    for row in conn.execute("select event_id, source_id, position from event_sources order by rowid"):
        leading.setdefault(row["event_id"], f"{row['source_id']} {row['position']}")
    assert leading == firsts  # the report that speaks for the event comes first


def test_sources_hold_the_documents_byte_for_byte(conn):
    for row in conn.execute("select file, sha256, text from sources"):
        raw = (SEEDS / row["file"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == row["sha256"]
        assert raw.decode("utf-8") == row["text"]


def test_a_stripped_chronology_entry_is_bounded_within_its_coverage_window_never_by_a_made_up_day(conn):
    rows = conn.execute(
        """select e.*, s.coverage_start, s.coverage_end from events e
           join event_sources es on es.event_id = e.id join sources s on s.id = es.source_id
           where s.format = 'chronology' and es.reported_date is null"""
    ).fetchall()
    assert len(rows) == 39 + 36
    for row in rows:
        assert row["coverage_start"] <= row["date_earliest"] <= row["date_latest"] <= row["coverage_end"], dict(row)
        assert row["date_method"] in {"coverage", "order", "cross-source", "cue", "curated"}
        assert row["date_evidence"]
        if row["date_earliest"] == row["date_latest"]:  # a single day needs evidence that fixes it
            assert row["date_method"] in {"cue", "curated", "cross-source"}, dict(row)
        if row["month"] is not None:  # the month facet never guesses
            assert row["date_earliest"][:7] == row["date_latest"][:7] == row["month"]
    assert any(r["date_earliest"][:7] != r["date_latest"][:7] and r["month"] is None for r in rows)


def test_dated_events_carry_their_day_and_month(conn):
    row = conn.execute("select * from events where summary like 'China and Russia offered their support to Syrian%'").fetchone()
    assert (row["date_earliest"], row["date_latest"], row["month"], row["date_method"]) == (
        "2021-07-26", "2021-07-26", "2021-07", "explicit")
    assert row["category"] == "political" and row["categories"] == '["political", "economic"]'


def test_the_schema_has_its_tables_foreign_keys_and_full_text_search(conn):
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert EXPECTED_TABLES <= tables
    assert {"events_fts", "sources_fts"} <= tables
    assert "porter" in conn.execute("select sql from sqlite_master where name = 'events_fts'").fetchone()[0]
    fks = {(r["table"], r["from"]) for r in conn.execute("select * from pragma_foreign_key_list('event_sources')")}
    assert fks == {("events", "event_id"), ("sources", "source_id")}
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    assert conn.execute("select count(*) from timeline").fetchone()[0] == conn.execute("select count(*) from events").fetchone()[0]


def test_a_search_for_patrol_finds_the_joint_air_patrols(conn):
    hits = [r[0] for r in conn.execute(
        "select e.summary from events_fts join events e on e.rowid = events_fts.rowid where events_fts match 'patrol'")]
    assert any("second joint patrol" in h for h in hits)  # December 2020
    assert any("third joint air patrol" in h for h in hits)  # November 2021


def test_two_builds_of_the_same_input_are_identical(seed_db, tmp_path):
    again = tmp_path / "again.db"
    assert run_build(SEEDS, again).exit_code == 0
    first, second = sqlite3.connect(seed_db), sqlite3.connect(again)
    assert list(first.iterdump()) == list(second.iterdump())


def test_the_build_prints_a_summary(tmp_path):
    result = run_build(SEEDS, tmp_path / "e.db")
    assert result.exit_code == 0
    assert "5 documents" in result.output and "events" in result.output and "warnings" in result.output


def test_an_unlisted_document_loads_with_a_warning(seeds_copy, tmp_path):
    (seeds_copy / "new-chronology.txt").write_text(
        "China - Russia\n\nChronology from Jan 2022 to Apr 2022\n\nFeb. 4, 2022: Putin and Xi meet in Beijing.\n\n: Lavrov visits.\n",
        encoding="utf-8")
    db = tmp_path / "e.db"
    result = run_build(seeds_copy, db)
    assert result.exit_code == 0, result.output
    assert "new-chronology.txt: warning: not listed in sources.yml" in result.output
    conn = sqlite3.connect(db)
    source = conn.execute("select id, registered, format, coverage_start, coverage_end from sources where file = 'new-chronology.txt'").fetchone()
    assert source == ("new-chronology", 0, "chronology", "2022-01-01", "2022-04-30")
    dates = conn.execute("select date_earliest, date_latest from events where first_source = 'new-chronology' order by first_position").fetchall()
    # One printed date cannot tell which way the list runs: newest first is assumed (and the evidence
    # says so), so the stripped entry listed below Feb. 4 is bounded by it and by the coverage start.
    assert dates == [("2022-02-04", "2022-02-04"), ("2022-01-01", "2022-02-04")]
    evidence = conn.execute("select date_evidence from events where first_source = 'new-chronology' and first_position = 2").fetchone()[0]
    assert "assumed newest first" in evidence


def test_a_bad_document_fails_the_build_naming_the_file_and_leaves_the_database_untouched(seeds_copy, tmp_path):
    db = tmp_path / "events.db"
    assert run_build(seeds_copy, db).exit_code == 0
    before = db.read_bytes()
    (seeds_copy / "broken.txt").write_bytes(b"caf\xe9 au lait\n")
    result = run_build(seeds_copy, db)
    assert result.exit_code == 1
    assert "broken.txt:1: error: not UTF-8" in result.output
    assert "Traceback" not in result.output
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_keep_going_skips_a_bad_document_with_a_warning(seeds_copy, tmp_path):
    (seeds_copy / "empty.txt").write_text("", encoding="utf-8")
    result = run_build(seeds_copy, tmp_path / "e.db", "--keep-going")
    assert result.exit_code == 0
    assert "empty.txt: warning: empty document (skipped: --keep-going)" in result.output


def test_malformed_registry_yaml_names_the_file_and_line(seeds_copy, tmp_path):
    registry = seeds_copy / "sources.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + "\n- id: [unclosed\n", encoding="utf-8")
    result = run_build(seeds_copy, tmp_path / "e.db")
    assert result.exit_code == 1
    assert "sources.yml:" in result.output and "malformed YAML" in result.output
    assert not (tmp_path / "e.db").exists()


def test_a_chronology_with_no_entries_is_an_error(seeds_copy, tmp_path):
    (seeds_copy / CC_2021).write_text("China - Russia\n\nChronology from Sep 2021 to Dec 2021\n\nDate Range", encoding="utf-8")
    result = run_build(seeds_copy, tmp_path / "e.db")
    assert result.exit_code == 1
    assert f"{CC_2021}: error: chronology has no entries" in result.output
