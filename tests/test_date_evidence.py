"""The date evidence (how each report's and each event's bounds were found, in words): a build that writes a
database sets it aside there as it is made, each report's own as its document is read and each event's as
the dates stage makes it, and reads it back as the rows are written (database.DateEvidence). Whichever way
the build held it, each row says what the dates stage gave: an event's, a report's own bounds', and a
statement's that takes its event's date."""
from contextlib import closing
from pathlib import Path

import pytest
from conftest import CURATED, SEEDS, connect, run_build

from bench import generate

from loader.build import collect
from loader.database import SourceStore, temporary_database, write_order
from loader.enrich.dates import own_bounds


def test_each_event_row_carries_the_evidence_the_dates_stage_gave_that_event(seed_db):
    held = collect(SEEDS, CURATED)  # no database being built: each event keeps its evidence to the end
    expected = {event.id: event.date.evidence for event in held.events}
    assert held.date_evidence is None
    with closing(connect(seed_db)) as conn:
        written = dict(conn.execute("select id, date_evidence from events").fetchall())
    assert written == expected
    assert len(set(expected.values())) > 40  # events differ in it: a shift by one row would show


def test_a_build_into_a_database_holds_no_date_evidence_to_the_write(tmp_path):
    """Set aside in the write's order; the events and reports keep bounds equal but for the evidence, each
    value held once."""
    reference = collect(SEEDS, CURATED)
    with temporary_database(tmp_path / "events.db") as building:
        data = collect(SEEDS, CURATED, sources=SourceStore(building))
        assert data.date_evidence is not None
        assert all(event.date.evidence is None for event in data.events)
        assert all(m.date is None or m.date.evidence is None for event in data.events for m in event.mentions)
        assert list(data.date_evidence.of(write_order(data.events))) == [
            event.date.evidence for event in write_order(reference.events)]
        bounds = [event.date for event in data.events]
        assert len({id(b) for b in bounds}) == len(set(bounds))  # equal bounds are one object
        plain = [(b.earliest, b.latest, b.end, b.precision, b.method, b.conflict) for b in bounds]
        assert plain == [(b.earliest, b.latest, b.end, b.precision, b.method, b.conflict)
                         for b in (event.date for event in reference.events)]
        building.discard()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated corpus: most of its reports have no other, so the dates stage holds their documents in
    part and such a report's own evidence comes back from the table it was set aside in."""
    out = tmp_path_factory.mktemp("generated")
    generate.generate(600, out, seed=5, entries=(10, 40))
    return out


@pytest.mark.parametrize("corpus", ["seeds", "generated"])
def test_each_report_and_statement_row_carries_the_evidence_held_without_a_database(corpus, request, tmp_path):
    if corpus == "seeds":
        seeds, curated, db = SEEDS, CURATED, request.getfixturevalue("seed_db")
    else:
        root = request.getfixturevalue("generated")
        seeds, curated, db = root / "seeds", root / "curated", tmp_path / "generated.db"
        run_build(seeds, db, curated=curated)
    held = collect(seeds, curated)  # no database being built: the evidence stays in the bounds
    own = own_bounds(held.dates)
    reports = {key: bounds.evidence for event in held.events for key, (bounds, _role) in own(event).items()}
    statements = {(row["source_id"], row["start_offset"]): row["date_evidence"] for row in held.statements._pending}
    with closing(connect(db)) as conn:
        written_reports = {(s, p): e for s, p, e in conn.execute(
            "select source_id, position, own_evidence from event_sources")}
        written_statements = {(s, o): e for s, o, e in conn.execute(
            "select source_id, start_offset, date_evidence from statements")}
        events = dict(conn.execute("select id, date_evidence from events"))
    assert written_reports == reports
    assert written_statements == statements
    assert events == {event.id: event.date.evidence for event in held.events}
    assert all(reports.values()) and len(set(reports.values())) > 100
    if corpus == "seeds":
        assert sum(1 for row in held.statements._pending if row["event_id"]) > 20  # dated by their event
