"""Sources that disagree on a date: one rule, events.date_conflict, which the build sets while it dates
the events (loader/enrich/dating/combine.py), and which the table date_disagreements and the canned
query sources_that_disagree read.

The documents in tests/documents/disagree/ are written for this test, in our own words, about real
events of 2019, in the seeds' stripped layout (no printed dates in the chronologies), with no registry
entry, no curated dates, and the links below:

  chronology-2019-jun-aug.txt      Xi Jinping at the St. Petersburg forum (June 7), then the first joint
                                   air patrol (July 23): listed oldest first, but with no dated entry to
                                   tell the direction it is read as newest first.
  chronology-2019-jul-oct.txt      the same patrol, then the Valdai remarks on a missile warning system
                                   (October 3): also oldest first, read as newest first.
  timeline-2019-summer-autumn.txt  the three events with their days printed.

Dating lends each chronology entry the timeline's day. Each chronology refuses the pair it is offered
(the later day would sit below the earlier one in a newest-first list): the second refuses the patrol,
which then lends nothing anywhere, and the first refuses the forum, because of the patrol's offer it
saw. So the forum's reports keep overlapping own bounds (the first chronology's coverage window holds
June 7), yet its date is in conflict: the case a rule over the reports' own bounds alone missed, and
where the generated corpus split the two (4,673 events by that rule, 4,770 with date_conflict = 1 at
100,000 reports).
"""
import sqlite3
from contextlib import closing

import pytest

from conftest import ROOT, build_documents, connect, run_build, served_client

from bench import generate
from loader.enrich.dating import combine
from loader.enrich.dating.wording import disagreement

DOCUMENTS = ROOT / "tests" / "documents" / "disagree"
FIRST, SECOND, TIMELINE = "chronology-2019-jun-aug", "chronology-2019-jul-oct", "timeline-2019-summer-autumn"

LINKS = """\
same:
  - mentions:
      - {source: chronology-2019-jun-aug, text: "St. Petersburg International Economic Forum as the main foreign guest"}
      - {source: timeline-2019-summer-autumn, text: "Xi Jinping spoke at the St. Petersburg"}
    reason: Xi Jinping's speech at the St. Petersburg forum of June 7, 2019.
  - mentions:
      - {source: chronology-2019-jun-aug, text: "fly their first joint patrol"}
      - {source: chronology-2019-jul-oct, text: "bombers fly a joint patrol near the Korean peninsula"}
      - {source: timeline-2019-summer-autumn, text: "flew their first joint air patrol"}
    reason: The first joint air patrol of Russian and Chinese bombers, July 23, 2019.
  - mentions:
      - {source: chronology-2019-jul-oct, text: "Valdai discussion club in Sochi"}
      - {source: timeline-2019-summer-autumn, text: "told the Valdai club in Sochi"}
    reason: The Russian president's remarks at the Valdai club on October 3, 2019.
"""

# The rule sources_that_disagree used to keep for itself, over the reports' own bounds only.
OWN_BOUNDS_RULE = """
    select event_id from event_sources
    group by event_id
    having max(case when own_role = 'start' then own_earliest end) > min(own_latest)
      or max(case when own_role = 'under way' then own_earliest end) >
         max(case when own_role = 'start' then own_end end)
"""


@pytest.fixture(scope="module")
def disagree_db(tmp_path_factory):
    return build_documents(DOCUMENTS, tmp_path_factory.mktemp("disagree"), links=LINKS)


def event_of(conn: sqlite3.Connection, source: str, text: str) -> sqlite3.Row:
    return conn.execute("""select events.* from events join event_sources es on es.event_id = events.id
                           where es.source_id = ? and instr(es.excerpt, ?) > 0""", (source, text)).fetchone()


def test_an_entry_refused_for_an_offer_later_withdrawn_is_in_conflict_with_overlapping_own_bounds(disagree_db):
    with closing(connect(disagree_db)) as conn:
        forum, patrol = event_of(conn, FIRST, "St. Petersburg"), event_of(conn, FIRST, "joint patrol")
        valdai = event_of(conn, SECOND, "Valdai")
        assert (forum["date_conflict"], patrol["date_conflict"], valdai["date_conflict"]) == (1, 1, 0)
        assert "it would put entry 1" in forum["date_evidence"] and "places below it" in forum["date_evidence"]
        own = {r["source_id"]: (r["own_earliest"], r["own_latest"], r["own_method"]) for r in conn.execute(
            "select * from event_sources where event_id = ?", (forum["id"],))}
        # the chronology's window holds the timeline's day: the reports' own bounds do not disagree
        assert own == {FIRST: ("2019-06-01", "2019-08-31", "coverage"), TIMELINE: ("2019-06-07", "2019-06-07", "explicit")}
        assert {r[0] for r in conn.execute(OWN_BOUNDS_RULE)} == {patrol["id"]}  # the old rule misses the forum


def test_date_disagreements_and_sources_that_disagree_list_exactly_the_events_with_date_conflict(disagree_db):
    with closing(connect(disagree_db)) as conn:
        conflicts = {r[0] for r in conn.execute("select id from events where date_conflict = 1")}
        assert len(conflicts) == 2
        assert {r[0] for r in conn.execute("select event_id from date_disagreements")} == conflicts
    rows = served_client(disagree_db)("/events/sources_that_disagree.json?_shape=objects").json()["rows"]
    assert {r["id"] for r in rows} == conflicts
    assert all(r["date_conflict"] == 1 for r in rows)
    assert len(rows) == 5  # every report of the two events: two of the forum, three of the patrol


def test_a_disagreement_is_told_as_its_reports_stood_when_it_was_found(tmp_path, monkeypatch):
    """An event's disagreement is written in words only when its bounds are made (combine.Disagreement),
    but it tells each report's bounds as they were when the disagreement was found: a neighbour in a
    report's list may move them in a later round. On a generated corpus where that happens, the words are
    the ones written at once would have been."""
    generate.generate(3000, tmp_path / "corpus", seed=5, entries=(10, 40))
    at_once, moved, told = {}, [], []
    of, words = combine.Disagreement.of.__func__, combine.Disagreement.words

    def noted(cls, members, why=None):
        found = of(cls, members, why)
        at_once[id(found)] = (found, disagreement(members, why))
        return found

    def telling(self):
        moved.append(any((entry.lo, entry.hi) != then for (_, entry), then in zip(self.members, self.bounds)))
        text = words(self)
        told.append(text == at_once[id(self)][1])
        return text
    monkeypatch.setattr(combine.Disagreement, "of", classmethod(noted))
    monkeypatch.setattr(combine.Disagreement, "words", telling)
    corpus = tmp_path / "corpus"
    result = run_build(corpus / "seeds", tmp_path / "events.db", curated=corpus / "curated")
    assert result.exit_code == 0, result.output
    assert told and all(told)
    assert any(moved), "a report of an event in disagreement moved after it was found"
