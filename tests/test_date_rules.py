"""Dates a text gives, sources that disagree, curated dates that contradict a source, precision.

The documents in tests/documents/dates/ are written for these tests, in our own words, about real events of
2019 the seeds never mention, in the seeds' stripped layout, with no registry entry and no curation:

  chronology-2019-may-aug.txt  five stripped entries, newest first. Three print the day of their own
                               event in their text (the SCO foreign ministers in Bishkek on May 21-22,
                               the Bishkek Declaration of June 14); the CICA summit prints none and is
                               narrowed by order; the first joint air patrol prints none.
  chronology-2019-sep-dec.txt  two stripped entries, each with the day of its own event in its text
                               (the Power of Siberia launch on Dec. 2, the Sochi speech on Oct. 3) and a
                               back-reference: "On July 23, 2019, long-range bombers ... had flown their
                               first joint air patrol", which dates the patrol entry of the other
                               chronology; "On June 5, 2019, Huawei and ... MTS had signed ... a deal".
  timeline-2019.txt            a timeline that dates the Huawei-MTS deal June 6, a day after the other
                               report: the disagreement (a secondary source a day late, as happens).
"""
import hashlib
import re
import shutil
import sqlite3
from datetime import date

import pytest
from click.testing import CliRunner

from conftest import CURATED, ROOT, SEEDS, build_documents, built, event_named, run_build, served_client
from loader.cli import cli
from loader.enrich.dates import TOLERANCE_DAYS, precision_of, read_text_dates
from loader.model import Mention
from loader.parse.datetext import dates_in_text

DOCUMENTS = ROOT / "tests" / "documents" / "dates"
MAY_AUG, SEP_DEC, TIMELINE = "chronology-2019-may-aug", "chronology-2019-sep-dec", "timeline-2019"


# --- precision_of at every boundary ---------------------------------------------------------------

@pytest.mark.parametrize("width, precision", [
    (1, "day"), (2, "days"), (6, "days"), (7, "week"), (13, "week"), (14, "month"), (31, "month"),
    (32, "window"), (123, "window"),
])
def test_precision_of_each_width_at_its_boundaries(width, precision):
    start = date(2021, 1, 1)
    end = date.fromordinal(start.toordinal() + width - 1)
    assert precision_of(start.isoformat(), end.isoformat()) == precision


def test_precision_of_unknown_bounds_is_none():
    assert precision_of(None, "2021-01-01") is None and precision_of("2021-01-01", None) is None


# --- reading the dates a text gives ---------------------------------------------------------------

WINDOW = ("2020-09-01", "2020-12-31")


def relations(text, window=WINDOW):
    mention = Mention("s", 1, 0, len(text), text, 1)
    return [(r.date.text, r.date.first.isoformat(), r.relation) for r in read_text_dates(mention, window)]


def test_calendar_forms_and_the_year_from_the_coverage_window():
    found = dates_in_text("on Nov. 5, December 6, 16-17 November, Nov. 30-Dec. 2, Oct. 13, 2009 and Dec 2020", WINDOW)
    assert [(d.text, d.first.isoformat(), d.last.isoformat(), d.year_printed) for d in found] == [
        ("Nov. 5", "2020-11-05", "2020-11-05", False), ("December 6", "2020-12-06", "2020-12-06", False),
        ("16-17 November", "2020-11-16", "2020-11-17", False), ("Nov. 30-Dec. 2", "2020-11-30", "2020-12-02", False),
        ("Oct. 13, 2009", "2009-10-13", "2009-10-13", True)]  # "Dec 2020" is a month, not a day
    assert dates_in_text("on July 4", WINDOW) == []  # outside the window in every year: no year is guessed
    assert dates_in_text("on July 4", ("2020-01-01", "2021-12-31")) == []  # in two years of the window: ambiguous


def test_each_relation_a_date_can_have_to_the_entry():
    assert relations("The two presidents hold talks on Nov. 5 in the Kremlin.") == [("Nov. 5", "2020-11-05", "on")]
    assert relations("The ministry, responding to a statement of Oct. 3, protests.") == [("Oct. 3", "2020-10-03", "after")]
    assert relations("Envoys meet ahead of the summit on Dec. 2.") == [("Dec. 2", "2020-12-02", "before")]
    assert relations("Bombers fly a second patrol. On July 23, 2019, the two air forces flew their first.") == [
        ("July 23, 2019", "2019-07-23", "back-reference")]
    assert relations("A protocol is signed. The original document, inked on Oct. 13, 2009, was set to expire "
                     "on Dec. 16, 2020.") == [("Oct. 13, 2009", "2009-10-13", "neither"),
                                              ("Dec. 16, 2020", "2020-12-16", "neither")]
    assert relations("The Duma ratifies a protocol extending, until Dec. 16, 2030, a deal.") == [
        ("Dec. 16, 2030", "2030-12-16", "neither")]


# --- the test documents, through the CLI and the database ----------------------------------------

@pytest.fixture(scope="module")
def documents_db(tmp_path_factory):
    """The three test documents alone (no sources.yml), with the curated actors but no curated dates or links."""
    root = tmp_path_factory.mktemp("documents")
    seeds, curated = root / "seeds", root / "curated"
    db = build_documents(DOCUMENTS, root)
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    yield connection, seeds, curated
    connection.close()


def rows_of(conn, source):
    return {r["position"]: r for r in conn.execute(
        """select events.*, es.position, es.reference_of, es.reported_date, es.reported_earliest, es.excerpt,
                  es.start_offset, es.end_offset
           from events join event_sources es on es.event_id = events.id where es.source_id = ?""", (source,))}


def test_the_documents_load_with_no_registry_entry(documents_db):
    conn, seeds, _ = documents_db
    assert not (seeds / "sources.yml").exists()
    assert dict(conn.execute("select id, registered from sources")) == {MAY_AUG: 0, SEP_DEC: 0, TIMELINE: 0}
    assert dict(conn.execute("select id, format from sources")) == {MAY_AUG: "chronology", SEP_DEC: "chronology",
                                                                    TIMELINE: "timeline"}


# The day each entry's own text gives its event, as a reader of the entry would say.
OWN_DAYS = {(MAY_AUG, 3): "2019-06-14", (MAY_AUG, 5): "2019-05-21", (SEP_DEC, 1): "2019-12-02", (SEP_DEC, 2): "2019-10-03"}


def test_an_entry_whose_text_dates_its_event_is_bounded_within_a_few_days_of_that_date(documents_db):
    conn = documents_db[0]
    for (source, position), day in OWN_DAYS.items():
        row = rows_of(conn, source)[position]
        for bound in (row["date_earliest"], row["date_latest"]):
            assert abs((date.fromisoformat(bound) - date.fromisoformat(day)).days) <= 3, (source, position, dict(row))
        assert "printed in the entry's text" in row["date_evidence"]
    may = rows_of(conn, MAY_AUG)[5]
    assert (may["date_earliest"], may["date_latest"], may["date_end"], may["date_method"]) == (
        "2019-05-21", "2019-05-21", "2019-05-22", "in-text")  # "on May 21-22": a two-day meeting


def test_order_narrows_the_neighbours_of_an_entry_its_text_dates(documents_db):
    conn = documents_db[0]
    cica = rows_of(conn, MAY_AUG)[2]  # prints no date; listed between the patrol (Jul 23) and Bishkek (Jun 14)
    assert (cica["date_earliest"], cica["date_latest"], cica["date_method"]) == ("2019-06-14", "2019-07-23", "order")
    assert "listed above entry 3" in cica["date_evidence"] and "printed in its text" in cica["date_evidence"]


def test_a_back_reference_is_a_report_of_its_own_and_dates_the_other_documents_entry(documents_db):
    conn = documents_db[0]
    patrol = rows_of(conn, MAY_AUG)[1]
    assert (patrol["date_earliest"], patrol["date_latest"], patrol["date_method"]) == ("2019-07-23", "2019-07-23",
                                                                                      "cross-source")
    [reference] = [r for r in rows_of(conn, SEP_DEC).values() if r["id"] == patrol["id"]]
    assert reference["reference_of"] == 2 and reference["reported_date"] == "July 23, 2019"
    assert reference["excerpt"].startswith("On July 23, 2019, long-range bombers") and reference["excerpt"].endswith("Sea.")
    text = conn.execute("select text from sources where id = ?", (SEP_DEC,)).fetchone()[0]
    assert text[reference["start_offset"]:reference["end_offset"]] == reference["excerpt"]
    # The entry it was read from keeps its own day; the back-reference is recorded in its evidence.
    speech = rows_of(conn, SEP_DEC)[2]
    assert speech["date_earliest"] == "2019-10-03" and "'July 23, 2019' (2019-07-23): back-reference" in speech["date_evidence"]


def test_sources_that_disagree_give_the_hull_of_their_days_and_a_conflict(documents_db):
    conn = documents_db[0]
    deal = rows_of(conn, MAY_AUG)[4]  # undated here; June 5 in one document, June 6 in the timeline
    assert (deal["date_earliest"], deal["date_latest"], deal["date_conflict"]) == ("2019-06-05", "2019-06-06", 1)
    reports = {(r["source_id"], r["reported_date"], r["reported_earliest"]) for r in conn.execute(
        "select * from event_sources where event_id = ?", (deal["id"],))}
    assert reports == {(MAY_AUG, None, None), (SEP_DEC, "June 5, 2019", "2019-06-05"), (TIMELINE, "June 6, 2019", "2019-06-06")}
    assert "sources disagree" in deal["date_evidence"] and "hull" in deal["date_evidence"]
    # Each report's own bounds, and how it got them: the undated entry has only its list's order.
    own = {r["source_id"]: (r["own_earliest"], r["own_latest"], r["own_method"]) for r in conn.execute(
        "select * from event_sources where event_id = ?", (deal["id"],))}
    assert own == {MAY_AUG: ("2019-05-21", "2019-06-14", "order"), SEP_DEC: ("2019-06-05", "2019-06-05", "explicit"),
                   TIMELINE: ("2019-06-06", "2019-06-06", "explicit")}


def test_sources_that_disagree_lists_exactly_the_events_with_a_date_conflict(documents_db):
    conn = documents_db[0]
    db = conn.execute("pragma database_list").fetchone()[2]
    rows = served_client(db)("/events/sources_that_disagree.json?_shape=objects&_size=max").json()["rows"]
    conflicts = {r[0] for r in conn.execute("select id from events where date_conflict = 1")}
    assert conflicts and {r["id"] for r in rows} == conflicts
    deal = rows_of(conn, MAY_AUG)[4]
    assert {(r["source_id"], r["own_earliest"], r["own_method"]) for r in rows if r["id"] == deal["id"]} == {
        (MAY_AUG, "2019-05-21", "order"), (SEP_DEC, "2019-06-05", "explicit"), (TIMELINE, "2019-06-06", "explicit")}
    # The first joint air patrol: the back-reference lends its day to the other chronology's entry; they agree.
    patrol = rows_of(conn, MAY_AUG)[1]
    assert patrol["id"] not in conflicts
    assert dict(conn.execute("select source_id, own_method from event_sources where event_id = ?", (patrol["id"],))) == {
        MAY_AUG: "cross-source", SEP_DEC: "explicit"}


def test_the_event_page_says_which_source_says_what(documents_db):
    conn = documents_db[0]
    deal = rows_of(conn, MAY_AUG)[4]
    db = conn.execute("pragma database_list").fetchone()[2]
    html = served_client(db)(f"/events/events/{deal['id']}").text
    assert "the sources&#39; dates disagree" in html or "the sources' dates disagree" in html
    assert "says “June 5, 2019” (2019-06-05)" in html and "says “June 6, 2019” (2019-06-06)" in html
    text = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert "(entry 4): 2019-05-21 to 2019-06-14 (order) · prints no date for it" in text
    assert "2019-06-05 (explicit) · says “June 5, 2019”" in text and "2019-06-06 (explicit) · says “June 6, 2019”" in text


def test_the_explain_command_gives_each_test_chronologys_figures(documents_db):
    _, seeds, curated = documents_db
    result = CliRunner().invoke(cli, ["dates", "--seeds", str(seeds), "--curated", str(curated)])
    assert result.exit_code == 0, result.output
    assert f"{MAY_AUG}: 3 of 5 exact (earliest = latest); width in days: median 1, largest 40" in result.output
    assert f"{SEP_DEC}: 2 of 2 exact" in result.output
    assert "ref  in entry 2" in result.output and "ref  in entry 1" in result.output


# --- a curated date that contradicts a source ------------------------------------------------------

def set_curated_day(curated, day, extra=""):
    path = curated / "dates.yml"
    text = path.read_text(encoding="utf-8")
    old = "    excerpt: \"Putin holds talks, via videoconference, with Xi Jinping.\"\n    date: 2021-12-15\n"
    assert old in text
    path.write_text(text.replace(old, old.replace("2021-12-15", day) + extra), encoding="utf-8")
    return path, text[:text.index(old)].count("\n") + 2  # the line of `date:`


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_curated_date_days_from_another_sources_printed_day_fails_the_build(tmp_path, curated_copy):
    db = tmp_path / "events.db"
    assert run_build(SEEDS, db).exit_code == 0
    before = digest(db)
    path, line = set_curated_day(curated_copy, "2021-12-20")  # its own citation and two sources say the 15th
    result = run_build(SEEDS, db, curated=curated_copy)
    assert result.exit_code == 1, result.output
    assert f"{path}:{line}: error: curated date 2021-12-20 for cc-2021-sep-dec entry 3 contradicts" in result.output
    assert "'December 15, 2021'" in result.output and "disagrees:" in result.output
    assert "Traceback" not in result.output
    assert digest(db) == before  # the existing database is untouched


def test_a_curated_date_that_says_why_it_disagrees_builds(tmp_path, curated_copy):
    set_curated_day(curated_copy, "2021-12-20", "    disagrees: a test of the rule, not a real disagreement\n")
    result = run_build(SEEDS, tmp_path / "events.db", curated=curated_copy)
    assert result.exit_code == 0, result.output


def test_a_curated_date_within_the_tolerance_builds_and_gives_the_hull(tmp_path, curated_copy):
    assert TOLERANCE_DAYS == 1
    set_curated_day(curated_copy, "2021-12-16")
    # A day off is evidence, not a gate: the linker still joins the reports, and the event holds both days.
    conn = built(SEEDS, tmp_path / "events.db", curated=curated_copy)
    event = event_named(conn, "cc-2021-sep-dec", "Putin holds talks, via videoconference, with Xi Jinping.")
    sources = {r[0] for r in conn.execute("select source_id from event_sources where event_id = ?", (event["id"],))}
    assert "memri-sd-9684" in sources
    assert (event["date_earliest"], event["date_latest"], event["date_conflict"]) == ("2021-12-15", "2021-12-16", 1)


def test_a_curated_official_day_a_day_from_a_linked_timeline_gives_the_hull_and_says_which_is_official(tmp_path):
    """The curated official record says June 5 for the deal; the timeline, linked to it by a curated
    decision, says June 6: within the tolerance, so the build goes on with the hull and a conflict."""
    seeds, curated = tmp_path / "seeds", tmp_path / "curated"
    shutil.copytree(DOCUMENTS, seeds)
    shutil.copytree(CURATED, curated)
    (curated / "dates.yml").write_text(
        "dates:\n  - source: chronology-2019-may-aug\n    position: 4\n"
        "    excerpt: \"Huawei and the Russian operator MTS agree\"\n    date: 2019-06-05\n"
        "    citation: MTS press release on the agreement with Huawei signed in Moscow, 5 June 2019 (a test fixture)\n",
        encoding="utf-8")
    (curated / "links.yml").write_text(
        "same:\n  - mentions:\n      - {source: chronology-2019-may-aug, text: \"Huawei and the Russian operator MTS agree\"}\n"
        "      - {source: timeline-2019, text: \"On June 6, 2019, Huawei\"}\n    reason: the same agreement\n",
        encoding="utf-8")
    db = tmp_path / "events.db"
    result = run_build(seeds, db, curated=curated)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    earliest, latest, conflict, evidence = conn.execute(
        """select date_earliest, date_latest, date_conflict, date_evidence from events join event_sources es
           on es.event_id = events.id where es.source_id = ? and es.position = 4""", (MAY_AUG,)).fetchone()
    assert (earliest, latest, conflict) == ("2019-06-05", "2019-06-06", 1)
    assert f"curated official record, {curated / 'dates.yml'}:5" in evidence
    assert "timeline-2019 entry 1: 2019-06-06 (explicit: 'June 6, 2019')" in evidence
    assert "the curated official record" in evidence and "better authority than" in evidence
