"""Dates: honest bounds for every event, with the evidence that gives them.

Small chronologies written here show each rule on its own; the seed database shows them together.
Cross-source dating is shown both ways: on the seeds, where the linker joins reports of one event
from several sources, and on events built here from plain dataclasses with the links given by hand
(`events_of`), as the linking stage hands them over, so each rule is seen apart from the linker's.
"""
import re
import shutil
import sqlite3
import statistics
from datetime import date

import pytest
import yaml
from click.testing import CliRunner

from conftest import CURATED, SEEDS, served_client
from loader.cli import cli
from loader.database import BuildData, write_database
from loader.enrich.curated_dates import load_curated_dates
from loader.enrich.dates import date_document, date_events
from loader.enrich.events import events_from_mentions
from loader.model import Document, SourceInfo
from loader.parse import chronology, timeline

HEADER_2021 = "China - Russia\n\nChronology from Sep 2021 to Dec 2021\n\n"
HEADER_2020 = "China - Russia\n\nChronology from Sep 2020 to Dec 2020\n\n"
DATES_YML = CURATED / "dates.yml"


def dated(text, source_id="chrono", fmt="chronology", curated=None):
    """Parse a document written in a test and date it on its own (the per-document stage)."""
    module = {"chronology": chronology, "timeline": timeline}[fmt]
    parsed = module.parse(text, f"{source_id}.txt")
    for mention in parsed.mentions:
        mention.source_id = source_id
    info = SourceInfo(id=source_id, file=f"{source_id}.txt", format=fmt)
    return date_document(parsed.mentions, info, parsed.header, curated)


def events_of(*docs, links=()):
    """Events as the build makes them (one per mention), then the linked ones merged, then dated.

    `links` are pairs of (source_id, position) that report the same event.
    """
    events = [e for doc in docs for e in events_from_mentions([entry.mention for entry in doc.entries])]
    by_key = {(e.mentions[0].source_id, e.mentions[0].position): e for e in events}
    for a, b in links:
        first, second = by_key[a], by_key[b]
        first.mentions = (*first.mentions, *second.mentions)
        events.remove(second)
        by_key[b] = first
    problems = date_events(events, list(docs))
    return by_key, problems


def bounds(event):
    return (event.date.earliest, event.date.latest)


def seed_rows(conn, source_id):
    return conn.execute(
        """select e.*, es.position, es.reported_date, es.own_earliest, es.own_latest, es.own_method, es.own_role
           from events e join event_sources es on es.event_id = e.id
           where es.source_id = ? and es.reference_of is null order by es.position""", (source_id,)).fetchall()


# --- back-references -----------------------------------------------------------------------------

BACK_REFERENCES = HEADER_2020 + (
    ": Two Russian Tu-95s and four Chinese H-6K bombers conduct a second joint patrol in the Sea of Japan. "
    "On July 23, 2019, long-range bombers of the two militaries conducted their first joint patrols.\n\n"
    ": Chinese DM Wei Fenghe and Russian counterpart Sergey Shoygu sign a protocol to extend an agreement. "
    "The original document, inked on Oct. 13, 2009, was set to expire on Dec. 16, 2020.\n"
)


def test_a_date_inside_a_stripped_entry_is_a_back_reference_not_the_entry_date():
    doc = dated(BACK_REFERENCES)
    by_key, _ = events_of(doc)
    for event in by_key.values():
        assert bounds(event) == ("2020-09-01", "2020-12-31")
        assert event.date.method == "coverage" and event.date.precision == "window"


def test_the_seed_back_references_do_not_date_their_entries(conn):
    rows = {r["position"]: r for r in seed_rows(conn, "cc-2020-sep-dec")}
    patrol, protocol = rows[3], rows[5]
    assert "On July 23, 2019" in patrol["description"] and "inked on Oct. 13, 2009" in protocol["description"]
    assert bounds_of(patrol) == ("2020-12-22", "2020-12-22") and patrol["date_method"] == "curated"
    # its day is the curated signing (15 December), not a day read off the text (Oct. 13, 2009; Dec. 16, 2020)
    assert bounds_of(protocol) == ("2020-12-15", "2020-12-15") and protocol["date_method"] == "curated"


def bounds_of(row):
    return (row["date_earliest"], row["date_latest"])


# --- order ---------------------------------------------------------------------------------------

NEWEST_FIRST = HEADER_2021 + """Dec. 15, 2021: Putin holds talks, via videoconference, with Xi Jinping.

: Xi and Putin send congratulatory messages to the 3rd Sino-Russian energy forum.

: Russian, Indian, and Chinese foreign ministers hold their 18th meeting via videoconference.

Nov. 19, 2021: Two Russian Tu-95MC and two Chinese H-6K strategic bombers conduct their third joint air patrol.

: Russia and China sign contract for the joint development of a heavy helicopter.

Oct. 14, 2021: Russian and Chinese navies conduct Maritime Interaction 2021.

: Shanghai Cooperation Organization finance ministers hold fourth meeting.
"""


def oldest_first(text):
    head, body = text.split("Dec 2021\n\n", 1)
    return head + "Dec 2021\n\n" + "\n\n".join(reversed(body.strip().split("\n\n"))) + "\n"


def test_order_propagation_narrows_an_undated_entry_between_two_dated_ones():
    by_key, _ = events_of(dated(NEWEST_FIRST))
    energy, ric, helicopter, finance = (by_key[("chrono", p)] for p in (2, 3, 5, 7))
    assert bounds(energy) == bounds(ric) == ("2021-11-19", "2021-12-15")
    assert bounds(helicopter) == ("2021-10-14", "2021-11-19")
    assert bounds(finance) == ("2021-09-01", "2021-10-14")  # only the coverage start below it
    assert {energy.date.method, helicopter.date.method, finance.date.method} == {"order"}
    # The evidence names the anchors on either side and how the direction was established.
    assert "entry 1 “Putin holds talks" in energy.date.evidence and "(2021-12-15, printed)" in energy.date.evidence
    assert "entry 4 “Two Russian Tu-95MC" in energy.date.evidence and "2021-11-19" in energy.date.evidence
    assert "the list runs newest first, as its printed dates show" in energy.date.evidence
    assert "the coverage window starts 2021-09-01" in finance.date.evidence
    assert by_key[("chrono", 1)].date.method == "explicit"


def test_the_direction_of_the_list_is_read_from_its_dated_entries_not_assumed():
    doc = dated(oldest_first(NEWEST_FIRST))
    by_key, _ = events_of(doc)
    helicopter = next(e for e in by_key.values() if "heavy helicopter" in e.summary)
    assert bounds(helicopter) == ("2021-10-14", "2021-11-19")
    assert "oldest first" in helicopter.date.evidence and doc.direction == "oldest first"


def test_with_no_dated_entries_to_tell_the_direction_newest_first_is_assumed_and_said():
    doc = dated(HEADER_2021 + "Nov. 19, 2021: A joint air patrol over the Sea of Japan.\n\n: Lavrov visits Beijing.\n")
    by_key, _ = events_of(doc)
    assert bounds(by_key[("chrono", 2)]) == ("2021-09-01", "2021-11-19")
    assert "assumed newest first" in by_key[("chrono", 2)].date.evidence


def test_a_printed_date_out_of_the_list_order_is_reported_and_bounds_nothing():
    text = NEWEST_FIRST.replace(": Xi and Putin send", "Sept. 5, 2021: Xi and Putin send")
    doc = dated(text)
    by_key, _ = events_of(doc)
    assert bounds(by_key[("chrono", 2)]) == ("2021-09-05", "2021-09-05")  # kept as printed
    assert bounds(by_key[("chrono", 3)]) == ("2021-11-19", "2021-12-15")  # not dragged to September
    [warning] = [p for p in doc.problems if "out of the list's order" in p.message]
    assert (warning.file, warning.line, warning.severity) == ("chrono.txt", 7, "warning")


def test_two_neighbours_on_the_same_day_fix_the_entry_between_them_and_say_so():
    text = HEADER_2021 + ("Nov. 19, 2021: The bombers take off.\n\n: Japan scrambles fighters.\n\n"
                          "Nov. 19, 2021: The bombers enter the KADIZ.\n\nOct. 1, 2021: Earlier.\n")
    by_key, _ = events_of(dated(text))
    middle = by_key[("chrono", 2)]
    assert bounds(middle) == ("2021-11-19", "2021-11-19") and middle.date.method == "order"
    assert "entry 1" in middle.date.evidence and "entry 3" in middle.date.evidence


def test_seed_bounds_never_invert_and_never_contradict_the_order_of_the_list(conn):
    curated = yaml.safe_load(DATES_YML.read_text(encoding="utf-8"))["dates"]
    out_of_order = {(c["source"], c["position"]) for c in curated if c.get("out_of_order")}
    for source in ("cc-2021-sep-dec", "cc-2020-sep-dec"):
        rows = [r for r in seed_rows(conn, source) if (source, r["position"]) not in out_of_order]
        assert all(r["date_earliest"] <= r["date_latest"] for r in rows)
        # The list orders its own account of each entry: where another source prints another day, the
        # event holds the hull of both, and the entry's own bounds are the ones the order binds.
        own = [(r["own_earliest"], r["own_latest"]) if r["date_conflict"] else (r["date_earliest"], r["date_latest"])
               for r in rows]
        for (above, below), (a, b) in zip(zip(own, own[1:]), zip(rows, rows[1:])):  # both run newest first
            assert below[0] <= above[0], (a["position"], b["position"])
            assert below[1] <= above[1], (a["position"], b["position"])
    every = conn.execute("select count(*) from events where date_earliest > date_latest or date_method is null "
                         "or date_earliest is null or date_latest is null").fetchone()[0]
    assert every == 0


def test_no_stripped_entry_carries_a_single_day_without_evidence_that_fixes_it(conn):
    rows = conn.execute(
        """select e.* from events e join event_sources es on es.event_id = e.id join sources s on s.id = es.source_id
           where s.format = 'chronology' and es.reported_date is null and e.date_earliest = e.date_latest""").fetchall()
    assert rows  # the seeds do have entries fixed by cues and curated dates
    for row in rows:
        assert row["date_method"] in {"cue", "curated", "cross-source"}, dict(row)
        assert row["date_precision"] == "day" and row["date_evidence"]


def test_the_seed_chronologies_are_narrowed_by_order_between_their_anchors(conn):
    rows = {r["position"]: r for r in seed_rows(conn, "cc-2021-sep-dec")}
    cheng = rows[19]  # between the Troika Plus meeting in Islamabad (Nov 11) and the helicopter contract (Nov 8)
    assert "Cheng Guoping" in cheng["description"]
    assert bounds_of(cheng) == ("2021-11-08", "2021-11-11") and cheng["date_method"] == "order"
    assert "entry 18" in cheng["date_evidence"] and "entry 20" in cheng["date_evidence"]


# --- cues ----------------------------------------------------------------------------------------

def test_an_anniversary_cue_pins_the_day_and_says_what_it_assumes():
    text = HEADER_2021 + (": Putin sends telegram to Xi on the 72nd anniversary of the establishment of the PRC.\n\n"
                          ": SCO holds a forum on the 72nd anniversary of the establishment of the PRC.\n")
    by_key, _ = events_of(dated(text, curated=load_curated_dates(DATES_YML)))
    telegram, forum = by_key[("chrono", 1)], by_key[("chrono", 2)]
    assert bounds(telegram) == ("2021-10-01", "2021-10-01")
    assert (telegram.date.method, telegram.date.precision) == ("cue", "day")
    assert "1949-10-01" in telegram.date.evidence and "assumes" in telegram.date.evidence
    assert "dates.yml:" in telegram.date.evidence  # where the reference date is, with its evidence
    assert forum.date.earliest < forum.date.latest  # a forum is not a greeting sent on the day


def test_the_seed_anniversary_cues(conn):
    for source, start, day in (("cc-2021-sep-dec", "Putin sends telegram to Xi on the 72nd", "2021-10-01"),
                               ("cc-2020-sep-dec", "Putin sends congratulatory telegraph", "2020-10-01"),
                               ("cc-2020-sep-dec", "Xi Jinping and Vladimir Putin exchange", "2020-09-03")):
        row = next(r for r in seed_rows(conn, source) if r["description"].startswith(start))
        assert (bounds_of(row), row["date_method"]) == ((day, day), "cue"), dict(row)
    world_war = next(r for r in seed_rows(conn, "cc-2020-sep-dec") if "end of World War II" in r["description"])
    # China and Russia commemorate the end of the war on 3 September (not the 2 September signing): said so.
    assert "as China and Russia commemorate it, 1945-09-03, + 75 years" in world_war["date_evidence"]
    assert "assumes the message was sent on the anniversary day" in world_war["date_evidence"]
    exhibition = next(r for r in seed_rows(conn, "cc-2020-sep-dec") if "Korean War" in r["description"])
    assert exhibition["date_earliest"] < exhibition["date_latest"]  # no reference date, no message: no cue


def test_a_cue_that_contradicts_the_order_is_reported_and_not_used():
    text = HEADER_2021 + ("Dec. 15, 2021: Talks.\n\n"
                          ": Putin sends telegram to Xi on the 72nd anniversary of the establishment of the PRC.\n\n"
                          "Nov. 19, 2021: Patrol.\n")
    doc = dated(text, curated=load_curated_dates(DATES_YML))
    by_key, _ = events_of(doc)
    assert bounds(by_key[("chrono", 2)]) == ("2021-11-19", "2021-12-15")
    assert any(p.line == 7 and "anniversary cue" in p.message and p.severity == "warning" for p in doc.problems)


# --- curated dates -------------------------------------------------------------------------------

def curated_copy(tmp_path, edit):
    folder = tmp_path / "curated"
    shutil.copytree(CURATED, folder)
    path = folder / "dates.yml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def line_of(text, needle, after=""):
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def build(seeds, db, curated):
    return CliRunner().invoke(cli, ["build", "--seeds", str(seeds), "--db", str(db), "--curated", str(curated)])


@pytest.fixture
def built(tmp_path):
    db = tmp_path / "events.db"
    assert build(SEEDS, db, CURATED).exit_code == 0
    return db


def test_a_curated_date_that_contradicts_the_order_fails_the_build_naming_the_file_and_line(tmp_path, built):
    before = built.read_bytes()
    original = DATES_YML.read_text(encoding="utf-8")
    folder = curated_copy(tmp_path, lambda t: t.replace("date: 2021-09-09", "date: 2021-12-20"))
    result = build(SEEDS, built, folder)
    assert result.exit_code == 1
    line = line_of(original, "date: 2021-09-09")
    assert f"{folder / 'dates.yml'}:{line}: error: curated date 2021-12-20 for cc-2021-sep-dec entry 37 " \
           "contradicts" in result.output
    assert "Traceback" not in result.output
    assert built.read_bytes() == before


def test_two_curated_dates_the_list_puts_in_the_wrong_order_fail_unless_marked_out_of_order(tmp_path, built):
    original = DATES_YML.read_text(encoding="utf-8")
    unmarked = re.sub(r"\n    out_of_order: >-\n(      .*\n)+", "\n", original)
    assert unmarked.count("out_of_order:") == original.count("out_of_order:") - 2
    folder = curated_copy(tmp_path, lambda _: unmarked)
    result = build(SEEDS, built, folder)
    assert result.exit_code == 1
    # One of the two is reported at its date's line, naming the other; either may be the misplaced one.
    entry_at = {line_of(unmarked, "date: 2020-11-14"): 13, line_of(unmarked, "date: 2020-11-17"): 14}
    found = re.search(r"dates\.yml:(\d+): error: curated date \S+ for cc-2020-sep-dec entry (\d+) contradicts the order",
                      result.output)
    assert found and entry_at[int(found[1])] == int(found[2]), result.output
    assert f"entry {27 - int(found[2])} " in result.output and "out_of_order" in result.output


def test_a_curated_date_whose_entry_changed_fails_the_build(tmp_path, built):
    original = DATES_YML.read_text(encoding="utf-8")
    folder = curated_copy(tmp_path, lambda t: t.replace("position: 37\n", "position: 36\n"))
    result = build(SEEDS, built, folder)
    assert result.exit_code == 1
    line = line_of(original, "- source: cc-2021-sep-dec", after="position: 35")
    assert f"dates.yml:{line}: error: cc-2021-sep-dec entry 36 no longer opens with" in result.output
    assert "now at position 37" in result.output


def test_every_curated_seed_date_is_used_labelled_and_cited(conn):
    curated = yaml.safe_load(DATES_YML.read_text(encoding="utf-8"))["dates"]
    for item in curated:
        row = next(r for r in seed_rows(conn, item["source"]) if r["position"] == item["position"])
        day = item["date"].isoformat()
        if row["date_conflict"]:  # another source prints another day: the event holds the hull of both
            assert row["date_earliest"] <= day <= row["date_latest"] and row["date_earliest"] != row["date_latest"]
        else:
            assert bounds_of(row) == (day, day) and row["date_method"] == "curated"
        assert row["description"].startswith(item["excerpt"])
        assert "dates.yml:" in row["date_evidence"]
        if not row["date_conflict"]:  # (a disagreement's evidence names the curated line and each source's day)
            assert " ".join(item["citation"].split()) in row["date_evidence"]
        assert row["date_end"] == (item["end"].isoformat() if "end" in item else None)


# --- cross-source anchors ------------------------------------------------------------------------

LIST = HEADER_2021 + """Dec. 15, 2021: Putin holds talks, via videoconference, with Xi Jinping.

Nov. 19, 2021: Two Russian Tu-95MC and two Chinese H-6K strategic bombers conduct their third joint air patrol.

: Cheng Guoping meets in Beijing with Russian Ambassador to China Andrey Denisov.

: Russia and China sign contract for the joint development of a heavy helicopter.

: Chinese Vice Foreign Minister Ma Zhaoxu speaks with Russian Deputy Foreign Minister Sergei Ryabkov.

Oct. 14, 2021: Russian and Chinese navies conduct Maritime Interaction 2021.
"""


def timeline_doc(day_text):
    text = (f"Military: On {day_text}, the PRC and Russia signed a contract to develop a heavy helicopter together.\n\n"
            "Tech: On November 30, 2021, China and Russia launched a joint project in Qingdao.\n")
    return dated(text, "timeline", fmt="timeline")


def test_a_cross_source_anchor_pins_a_stripped_entry_and_narrows_its_neighbours():
    chrono, other = dated(LIST), timeline_doc("November 8, 2021")
    by_key, problems = events_of(chrono, other, links=[(("chrono", 4), ("timeline", 1))])
    helicopter, above, below = by_key[("chrono", 4)], by_key[("chrono", 3)], by_key[("chrono", 5)]
    assert problems == []
    assert bounds(helicopter) == ("2021-11-08", "2021-11-08") and helicopter.date.method == "cross-source"
    assert not helicopter.date.conflict
    assert "timeline entry 1 alone gives 2021-11-08 (explicit)" in helicopter.date.evidence
    assert "chrono entry 4 alone gives 2021-10-14 to 2021-11-19 (order)" in helicopter.date.evidence
    assert bounds(above) == ("2021-11-08", "2021-11-19") and bounds(below) == ("2021-10-14", "2021-11-08")
    assert "entry 4" in above.date.evidence and "dated by timeline" in above.date.evidence
    assert above.date.method == "order"


def test_an_anchor_travels_through_several_documents_until_nothing_changes():
    # timeline -> chrono entry 4 -> (order) chrono entry 3 -> (same event) second entry 1 -> (order) second entry 2
    second = dated(HEADER_2021 + ": Cheng Guoping and Denisov discuss counter-terrorism.\n\n"
                                 ": A forum in Harbin.\n\nSept. 20, 2021: An earlier entry.\n", "second")
    chrono, other = dated(LIST), timeline_doc("November 8, 2021")
    by_key, _ = events_of(chrono, other, second,
                          links=[(("chrono", 4), ("timeline", 1)), (("chrono", 3), ("second", 1))])
    assert bounds(by_key[("second", 1)]) == ("2021-11-08", "2021-11-19")
    assert bounds(by_key[("second", 2)]) == ("2021-09-20", "2021-11-19")  # was up to the coverage end


def test_sources_that_disagree_are_flagged_and_both_reports_kept(tmp_path):
    chrono, other = dated(LIST), timeline_doc("November 25, 2021")  # after the Nov. 19 entry listed above
    by_key, problems = events_of(chrono, other, links=[(("chrono", 4), ("timeline", 1))])
    helicopter = by_key[("chrono", 4)]
    assert problems == []
    assert helicopter.date.conflict and bounds(helicopter) == ("2021-10-14", "2021-11-25")
    assert "sources disagree" in helicopter.date.evidence
    assert bounds(by_key[("chrono", 3)]) == ("2021-10-14", "2021-11-19")  # the neighbours are not dragged along
    # Through the database: the event is flagged, each source keeps what it reported.
    documents = [Document(SourceInfo(id="chrono", file="chrono.txt", format="chronology"), LIST, "0"),
                 Document(SourceInfo(id="timeline", file="timeline.txt", format="timeline"), "", "1")]
    db = tmp_path / "e.db"
    events = list({id(e): e for e in by_key.values()}.values())
    write_database(db, BuildData(documents=documents, events=events, actors={}))
    conn = sqlite3.connect(db)
    assert conn.execute("select date_conflict from events where id = ?", (helicopter.id,)).fetchone() == (1,)
    reports = conn.execute("select source_id, reported_date, reported_earliest from event_sources where event_id = ? "
                           "order by source_id", (helicopter.id,)).fetchall()
    assert reports == [("chrono", None, None), ("timeline", "November 25, 2021", "2021-11-25")]


def write_dated(tmp_path, docs, events):
    """The events of documents dated in a test, written as the build writes them (events.db, with the
    documents' dating), and the ids sources_that_disagree lists, through Datasette's JSON."""
    documents = [Document(SourceInfo(id=d.source_id, file=d.file, format=d.format), "", str(i)) for i, d in enumerate(docs)]
    db = tmp_path / "events.db"
    write_database(db, BuildData(documents=documents, events=events, actors={}, dates=list(docs)))
    data = served_client(db)("/events/sources_that_disagree.json?_shape=objects&_size=max").json()
    assert data["ok"] is True, data
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn, data["rows"]


def test_each_source_keeps_its_own_bounds_where_sources_disagree(tmp_path):
    # The chronology's order allows Oct 14 - Nov 19; the timeline prints Nov 25: bounds that do not overlap.
    chrono, other = dated(LIST), timeline_doc("November 25, 2021")
    by_key, _ = events_of(chrono, other, links=[(("chrono", 4), ("timeline", 1))])
    helicopter = by_key[("chrono", 4)]
    conn, listed = write_dated(tmp_path, [chrono, other], list({id(e): e for e in by_key.values()}.values()))
    own = {r["source_id"]: (r["own_earliest"], r["own_latest"], r["own_method"], r["own_role"]) for r in conn.execute(
        "select * from event_sources where event_id = ?", (helicopter.id,))}
    assert own == {"chrono": ("2021-10-14", "2021-11-19", "order", "start"),
                   "timeline": ("2021-11-25", "2021-11-25", "explicit", "start")}
    assert {(r["id"], r["source_id"], r["own_earliest"], r["own_latest"], r["own_method"]) for r in listed} == {
        (helicopter.id, "chrono", "2021-10-14", "2021-11-19", "order"),
        (helicopter.id, "timeline", "2021-11-25", "2021-11-25", "explicit")}
    assert all(r["date_conflict"] == 1 for r in listed)


def test_sources_that_agree_are_not_listed_and_their_reports_share_the_events_bounds(tmp_path):
    chrono, other = dated(LIST), timeline_doc("November 8, 2021")
    by_key, _ = events_of(chrono, other, links=[(("chrono", 4), ("timeline", 1))])
    conn, listed = write_dated(tmp_path, [chrono, other], list({id(e): e for e in by_key.values()}.values()))
    assert listed == [] and not conn.execute("select count(*) from events where date_conflict = 1").fetchone()[0]
    own = dict(conn.execute("select source_id, own_method from event_sources where event_id = ?", (by_key[("chrono", 4)].id,)))
    assert own == {"chrono": "cross-source", "timeline": "explicit"}  # the chronology's day lent by the timeline


@pytest.mark.parametrize("day, conflict", [("October 15", 0), ("October 17", 0), ("October 13", 1), ("October 20", 1)])
def test_a_day_under_way_disagrees_only_outside_the_span_of_the_event(tmp_path, day, conflict):
    chrono = dated(LIST.replace("Oct. 14, 2021: Russian and Chinese navies", "Oct. 14-17, 2021: Russian and Chinese navies"))
    drills = dated(f"Military: On {day}, 2021, Russia and China held Naval Drills in the Sea of Japan.\n\n"
                   "Tech: On November 30, 2021, China and Russia launched a joint project in Qingdao.\n", "timeline", "timeline")
    by_key, _ = events_of(chrono, drills, links=[(("chrono", 6), ("timeline", 1))])
    exercise = by_key[("chrono", 6)]
    assert exercise.date.conflict == bool(conflict)
    conn, listed = write_dated(tmp_path, [chrono, drills], list({id(e): e for e in by_key.values()}.values()))
    own = {r["source_id"]: (r["own_earliest"], r["own_end"], r["own_role"]) for r in conn.execute(
        "select * from event_sources where event_id = ?", (exercise.id,))}
    assert own["chrono"] == ("2021-10-14", "2021-10-17", "start")
    assert own["timeline"][1:] == (None, "under way")
    assert {r["id"] for r in listed} == ({exercise.id} if conflict else set())
    assert conn.execute("select date_conflict from events where id = ?", (exercise.id,)).fetchone()[0] == conflict


def test_a_single_day_another_source_gives_a_multi_day_event_is_a_day_it_was_under_way():
    chrono = dated(LIST.replace("Oct. 14, 2021: Russian and Chinese navies", "Oct. 14-17, 2021: Russian and Chinese navies"))
    drills = dated("Military: On October 15, 2021, Russia and China held Naval Drills in the Sea of Japan.\n\n"
                   "Tech: On November 30, 2021, China and Russia launched a joint project in Qingdao.\n", "timeline", "timeline")
    by_key, problems = events_of(chrono, drills, links=[(("chrono", 6), ("timeline", 1))])
    exercise = by_key[("chrono", 6)]
    assert problems == [] and not exercise.date.conflict
    assert (exercise.date.earliest, exercise.date.latest, exercise.date.end) == ("2021-10-14", "2021-10-14", "2021-10-17")
    assert "timeline entry 1 reports 2021-10-15, when it was under way" in exercise.date.evidence


def test_the_linkers_seed_links_date_entries_across_sources(conn):
    rows = {r["position"]: r for r in seed_rows(conn, "cc-2021-sep-dec")}
    helicopter = rows[20]
    assert bounds_of(helicopter) == ("2021-11-08", "2021-11-08") and helicopter["date_method"] == "cross-source"
    assert bounds_of(rows[19]) == ("2021-11-08", "2021-11-11")  # listed above it, below the Nov 11 meeting
    assert "dated by overwatch-2020-2022" in rows[19]["date_evidence"]
    assert rows[25]["date_method"] == "curated"  # the drill: curated, and the timeline's Oct 15 falls inside it
    # Where the timeline prints a day or two off the curated day, the event holds the hull of both
    # (tests/test_linking.py checks each); no other seed event has sources that disagree.
    conflicts = {tuple(r) for r in conn.execute(
        "select date_earliest, date_latest from events where date_conflict = 1 order by date_earliest")}
    assert conflicts == {("2020-12-22", "2020-12-24"), ("2020-12-28", "2020-12-29"), ("2021-11-16", "2021-11-17"),
                         ("2021-11-23", "2021-11-24")}


def test_a_curated_date_that_contradicts_another_source_is_an_error_naming_the_file_and_line(tmp_path):
    path = tmp_path / "dates.yml"
    path.write_text("dates:\n  - source: chrono\n    position: 4\n    excerpt: Russia and China sign contract\n"
                    "    date: 2021-11-10\n    citation: a test\n", encoding="utf-8")
    chrono, other = dated(LIST, curated=load_curated_dates(path)), timeline_doc("November 8, 2021")
    _, problems = events_of(chrono, other, links=[(("chrono", 4), ("timeline", 1))])
    [error] = problems
    assert (error.file, error.line, error.severity) == (str(path), 5, "error")
    assert ("contradicts timeline entry 1: 2021-11-08 (explicit: 'November 8, 2021'), which reports the same event "
            "(2 days apart; the tolerance is 1)") in error.message


def test_a_curated_date_linked_with_the_other_source_is_left_to_the_events_dates(conn):
    """The space weather centre: curated 16 November (cc-2021-sep-dec entry 17), 17 November in the
    Overwatch timeline (entry 21). The linker put them in one event, whose bounds span both days
    (date_conflict); the curated-date check judges only sources not already in the entry's event, so no
    problem says they read as one event "but were not linked"."""
    events = {r[0] for r in conn.execute("select event_id from event_sources where (source_id, position) in "
                                         "(values ('cc-2021-sep-dec', 17), ('overwatch-2020-2022', 21))")}
    assert len(events) == 1
    assert conn.execute("select count(*) from build_problems where message like '%cc-2021-sep-dec entry 17%'"
                        ).fetchone()[0] == 0


# --- explain and Datasette ------------------------------------------------------------------------

def test_the_explain_command_prints_every_entry_and_the_figures_per_chronology(conn):
    result = CliRunner().invoke(cli, ["dates", "--seeds", str(SEEDS), "--curated", str(CURATED)])
    assert result.exit_code == 0, result.output
    for source, count in (("cc-2021-sep-dec", 39), ("cc-2020-sep-dec", 36)):
        # The database's account of each entry: its own bounds (the event's, unless its sources disagree).
        widths = [(date.fromisoformat(r["own_latest"]) - date.fromisoformat(r["own_earliest"])).days + 1
                  for r in seed_rows(conn, source)]
        exact, median = sum(1 for w in widths if w == 1), statistics.median(widths)
        expected = (f"{source}: {exact} of {count} exact (earliest = latest); width in days: "
                    f"median {median:g}, largest {max(widths)}")
        assert expected in result.output
        section = result.output.split(f"{source} (")[1].split("\n\n")[0]
        assert len(re.findall(r"^ +\d+  line \d+", section, re.M)) == count
    assert "listed newest first" in result.output and "curated (" in result.output


def test_the_explain_command_reports_bad_input_without_a_traceback(tmp_path):
    folder = curated_copy(tmp_path, lambda t: t + "\n  - [unclosed\n")
    result = CliRunner().invoke(cli, ["dates", "--seeds", str(SEEDS), "--curated", str(folder)])
    assert result.exit_code == 1 and "dates.yml:" in result.output and "Traceback" not in result.output


@pytest.fixture(scope="module")
def get(served):
    return lambda path: served(path).json()


def test_sources_that_disagree_lists_exactly_the_events_with_a_date_conflict(get, conn):
    rows = get("/events/sources_that_disagree.json?_shape=objects&_size=max")["rows"]
    conflicts = {r[0] for r in conn.execute("select id from events where date_conflict = 1")}
    assert conflicts and {r["id"] for r in rows} == conflicts
    # Every report of such an event is listed, with its own date and how it was obtained.
    reports = conn.execute("select count(*) from event_sources join events on events.id = event_id "
                           "where date_conflict = 1").fetchone()[0]
    assert len(rows) == reports and all(r["own_earliest"] and r["own_method"] for r in rows)
    # The space weather centre: a curated official record says 16 November, the Overwatch timeline 17 November.
    [centre] = {r["id"] for r in rows if r["excerpt"].startswith("China-Russia Consortium Global Space Weather")}
    reports = {(r["source_id"], r["position"]): r for r in rows if r["id"] == centre}
    assert set(reports) == {("cc-2021-sep-dec", 17), ("overwatch-2020-2022", 21)}
    cc, overwatch = reports[("cc-2021-sep-dec", 17)], reports[("overwatch-2020-2022", 21)]
    assert (cc["date_earliest"], cc["date_latest"], cc["date_conflict"]) == ("2021-11-16", "2021-11-17", 1)
    assert (cc["own_earliest"], cc["own_latest"], cc["own_method"], cc["reported_date"]) == (
        "2021-11-16", "2021-11-16", "curated", None)
    assert "dates.yml:" in cc["own_evidence"]
    assert (overwatch["own_earliest"], overwatch["own_latest"], overwatch["own_method"], overwatch["reported_date"]) == (
        "2021-11-17", "2021-11-17", "explicit", "November 17, 2021")


def test_every_report_records_its_own_bounds(conn):
    # A report alone, or one whose sources agree, has the event's bounds (a start) or a day inside its span
    # (a day it was under way); where they disagree, its own, inside the event's hull.
    rows = conn.execute("""select e.id, e.date_earliest, e.date_latest, e.date_end, e.date_conflict, es.source_id,
                                  es.position, es.own_earliest, es.own_latest, es.own_end, es.own_method, es.own_role
                           from events e join event_sources es on es.event_id = e.id""").fetchall()
    assert all(r["own_method"] for r in rows)
    for r in rows:
        last = max(r["date_latest"], r["date_end"] or r["date_latest"])
        if r["own_role"] == "under way":
            assert r["own_earliest"] <= last and r["own_latest"] >= r["date_earliest"], dict(r)
        elif r["date_conflict"]:
            assert r["date_earliest"] <= r["own_earliest"] and r["own_latest"] <= r["date_latest"], dict(r)
        else:
            assert (r["own_earliest"], r["own_latest"]) == (r["date_earliest"], r["date_latest"]), dict(r)
    single = conn.execute("""select count(*) from events e join event_sources es on es.event_id = e.id
                             where e.source_count = 1 and es.own_method != e.date_method""").fetchone()[0]
    assert single == 0
    # The naval exercise of 14-17 October 2021: the timeline's October 15 and MEMRI's "in October" are days
    # it was under way, not a disagreement.
    drill = {(r["source_id"], r["position"]): r for r in rows if (r["source_id"], r["position"]) == ("cc-2021-sep-dec", 25)}
    [drill] = drill.values()
    under_way = {(r["source_id"], r["own_earliest"], r["own_latest"]) for r in rows
                 if r["id"] == drill["id"] and r["own_role"] == "under way"}
    assert under_way == {("overwatch-2020-2022", "2021-10-15", "2021-10-15"), ("memri-sd-9684", "2021-10-01", "2021-10-31")}
    assert (drill["own_earliest"], drill["own_end"], drill["own_method"], drill["date_conflict"]) == (
        "2021-10-14", "2021-10-17", "curated", 0)


def test_events_between_two_dates_tells_certainly_in_from_possibly_in(served, conn):
    # The first half of October 2021 cuts through Maritime Interaction 2021 (14-17 October): possibly in.
    start, end = "2021-10-01", "2021-10-15"
    data = served(f"/events/events_between.json?from={start}&to={end}&_shape=objects&_size=max").json()
    assert data["ok"] is True
    rows = data["rows"]
    overlapping = conn.execute("select count(*) from events where max(date_latest, coalesce(date_end, date_latest)) >= ? "
                               "and date_earliest <= ?", (start, end)).fetchone()[0]
    assert len(rows) == overlapping
    for row in rows:
        last = max(row["date_latest"], row["date_end"] or row["date_latest"])
        within = start <= row["date_earliest"] and last <= end
        assert row["certainty"] == ("certainly in" if within else "possibly in"), row
    assert {r["certainty"] for r in rows} == {"certainly in", "possibly in"}
    everything = served("/events/events_between.json?from=&to=&_shape=objects&_size=max").json()["rows"]
    assert len(everything) == conn.execute("select count(*) from events").fetchone()[0]
    assert {r["certainty"] for r in everything} == {"certainly in"}
