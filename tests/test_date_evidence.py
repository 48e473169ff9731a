"""The events' date evidence (how each event's bounds were found, in words): a build that writes a database
sets it aside there once the statements are found, the last stage before the write to read it, and writes
it back with each event's row (database.DateEvidence). Whichever way the build held it, each event's row
says what the dates stage gave that event."""
from contextlib import closing

from conftest import CURATED, SEEDS, connect

from loader.build import collect
from loader.database import SourceStore, temporary_database, write_order


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
        assert list(data.date_evidence) == [event.date.evidence for event in write_order(reference.events)]
        bounds = [event.date for event in data.events]
        assert len({id(b) for b in bounds}) == len(set(bounds))  # equal bounds are one object
        plain = [(b.earliest, b.latest, b.end, b.precision, b.method, b.conflict) for b in bounds]
        assert plain == [(b.earliest, b.latest, b.end, b.precision, b.method, b.conflict)
                         for b in (event.date for event in reference.events)]
        building.discard()
