"""Cross-source corroboration: one real-world event, every source that reports it, and how each link was made."""
import sqlite3

import yaml

from conftest import SEEDS, run_build


def event_with(conn, source_id, text):
    row = conn.execute(
        "select event_id from event_sources where source_id = ? and excerpt like ?", (source_id, f"%{text}%")
    ).fetchall()
    assert len(row) == 1, (source_id, text, row)
    return row[0][0]


def sources_of(conn, event_id):
    return sorted(r[0] for r in conn.execute("select source_id from event_sources where event_id = ?", (event_id,)))


def test_the_heavy_helicopter_contract_is_one_event_with_two_sources(conn):
    event = event_with(conn, "cc-2021-sep-dec", "heavy helicopter")
    assert sources_of(conn, event) == ["cc-2021-sep-dec", "overwatch-2020-2022"]
    assert conn.execute("select source_count from events where id = ?", (event,)).fetchone()[0] == 2


def test_the_dec_15_2021_summit_has_three_sources(conn):
    event = event_with(conn, "cc-2021-sep-dec", "Putin holds talks, via videoconference, with Xi Jinping")
    assert sources_of(conn, event) == ["cc-2021-sep-dec", "memri-sd-9684", "overwatch-2020-2022"]
    assert event == event_with(conn, "memri-sd-9684", "held a video conference on December 15, 2021")


def test_a_stripped_entry_takes_its_day_from_the_source_that_prints_it(conn):
    event = event_with(conn, "cc-2021-sep-dec", "heavy helicopter")
    row = conn.execute("select date_earliest, date_latest, date_method, date_evidence from events where id = ?", (event,)).fetchone()
    assert row[:3] == ("2021-11-08", "2021-11-08", "cross-source")
    assert "overwatch-2020-2022" in row[3]


def test_the_two_ma_zhaoxu_ryabkov_malley_exchanges_stay_apart(conn):
    first = event_with(conn, "cc-2021-sep-dec", "Robert Malley hold a teleconference")
    second = event_with(conn, "cc-2021-sep-dec", "Robert Malley exchange views")
    assert first != second


def test_the_december_2020_and_november_2021_joint_air_patrols_stay_apart(conn):
    assert event_with(conn, "cc-2020-sep-dec", "second joint patrol") != event_with(conn, "cc-2021-sep-dec", "third joint air patrol")


def test_the_maritime_interaction_drill_and_the_naval_patrol_that_followed_stay_apart(conn):
    drill = event_with(conn, "cc-2021-sep-dec", "navies conduct Maritime Interaction 2021")
    patrol = event_with(conn, "cc-2021-sep-dec", "first-ever joint patrol around the Japanese archipelago")
    assert drill != patrol
    # and the timeline's dated naval drill joins the drill, not the patrol
    assert drill == event_with(conn, "overwatch-2020-2022", "Naval Drills in the Sea of Japan")


def test_every_link_records_how_it_was_made_and_its_score(conn):
    rows = conn.execute("select method, score, reason from event_links").fetchall()
    assert rows and all(r[0] in {"score", "curated"} and r[1] is not None and r[2] for r in rows)
    methods = {r[0] for r in conn.execute("select link_method from event_sources")}
    assert methods <= {"first", "score", "curated", "joined"} and "first" in methods
    firsts = conn.execute("select count(*) from event_sources where link_method = 'first'").fetchone()[0]
    assert firsts == conn.execute("select count(*) from events").fetchone()[0]


def test_uncertain_pairs_wait_for_a_curator_instead_of_merging(conn):
    rows = conn.execute("select score, reason, event_a, event_b from link_candidates").fetchall()
    assert rows
    for score, reason, event_a, event_b in rows:
        assert 0.3 <= score and reason
        assert event_a != event_b  # a pair already in one event is settled


def test_an_article_date_without_a_year_resolves_to_the_documents_year(conn):
    event = event_with(conn, "memri-sd-9684", "took place only on November 16")
    assert tuple(conn.execute("select date_earliest, date_latest, date_method from events where id = ?", (event,)).fetchone()) == (
        "2021-11-16", "2021-11-16", "relative")


def test_putins_delhi_visit_and_his_video_summit_with_biden_are_separate_events(conn):
    delhi = event_with(conn, "memri-sd-9684", "on December 6 made a one-day visit to Delhi")
    biden = event_with(conn, "memri-sd-9684", "on December 7, Vladimir Putin held the second summit")
    geneva = event_with(conn, "memri-sd-9684", "In June of this year, the Russian president visited Geneva")
    dates = {e: tuple(conn.execute("select date_earliest, date_latest from events where id = ?", (e,)).fetchone()) for e in (delhi, biden, geneva)}
    assert dates == {delhi: ("2021-12-06", "2021-12-06"), biden: ("2021-12-07", "2021-12-07"), geneva: ("2021-06-01", "2021-06-30")}


def test_a_curated_not_the_same_decision_overrides_a_high_score(curated_copy, tmp_path):
    links = curated_copy / "links.yml"
    data = yaml.safe_load(links.read_text(encoding="utf-8"))
    data["different"] = [{
        "mentions": [{"source": "cc-2021-sep-dec", "text": "heavy helicopter"},
                     {"source": "overwatch-2020-2022", "text": "heavy helicopter"}],
        "reason": "test: a curator says these are two contracts",
    }]
    links.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    db = tmp_path / "e.db"
    assert run_build(SEEDS, db, curated=curated_copy).exit_code == 0
    conn = sqlite3.connect(db)
    assert event_with(conn, "cc-2021-sep-dec", "heavy helicopter") != event_with(conn, "overwatch-2020-2022", "heavy helicopter")
    reason = conn.execute("select reason from link_candidates where excerpt_a like '%heavy helicopter%' and excerpt_b like '%heavy helicopter%'").fetchone()[0]
    assert "curated 'different'" in reason


def test_a_curated_decision_naming_no_mention_fails_with_file_and_line(curated_copy, tmp_path):
    links = curated_copy / "links.yml"
    links.write_text(links.read_text(encoding="utf-8").replace(
        "held a video conference on December 15, 2021", "no such words anywhere"), encoding="utf-8")
    result = run_build(SEEDS, tmp_path / "e.db", curated=curated_copy)
    assert result.exit_code == 1
    assert "links.yml:10: error: no mention of 'memri-sd-9684' contains 'no such words anywhere'" in result.output
