"""`loader build --workers N`: the documents are parsed, dated and read on N processes, and the database
is the same, row for row in every table, whatever N is."""
from __future__ import annotations

import importlib.util
import os
import shutil
import sqlite3

import pytest

from conftest import ROOT, SEEDS, run_build
from loader import spill
from loader.enrich import link
from loader.enrich.dating.propagate import DocumentDatesInPart
from loader.workers import forked, spooled

spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)


def contents(db) -> dict:
    """Every table's rows in rowid order (FTS shadow tables and _metadata included), and the schema."""
    conn = sqlite3.connect(db)
    try:
        schema = sorted(conn.execute("select type, name, tbl_name, sql from sqlite_master"), key=repr)
        tables = conn.execute("select name, sql like '%without rowid%' from sqlite_master where type = 'table' "
                              "and sql not like 'create virtual table%' order by name").fetchall()
        # a WITHOUT ROWID table (FTS5's) is read in primary-key order
        rows = {table: conn.execute(f"select * from [{table}]" + ("" if keyed else " order by rowid")).fetchall()
                for table, keyed in tables}
    finally:
        conn.close()
    return {"schema": schema, **rows}


def built(seeds, db, workers, curated=None):
    extra = {"curated": curated} if curated else {}
    result = run_build(seeds, db, "--quiet", "--workers", str(workers), **extra)
    assert result.exit_code == 0, result.output
    return contents(db)


def assert_same(one: dict, other: dict) -> None:
    assert one.keys() == other.keys()
    for table in one:
        assert one[table] == other[table], f"{table} differs"


def test_the_seeds_build_the_same_database_on_one_worker_and_on_two(tmp_path):
    one = built(SEEDS, tmp_path / "one.db", 1)
    two = built(SEEDS, tmp_path / "two.db", 2)
    assert {"events", "event_sources", "event_actors", "statements", "_metadata", "events_fts_data"} <= one.keys()
    assert one["events"] and one["_metadata"]
    assert_same(one, two)


def test_the_linker_reads_a_report_with_the_actors_the_main_process_settled(tmp_path):
    """Two chronologies report one event; the second spells the person the first discovers another way.
    A worker reads the second against its starting dictionary (a new person), the main process settles
    it (the first's person, fuzzy): the linker must see the settled actors, so the link between the
    two reports scores its actors as on one worker. (Constructed lines, to test the rule: the name is
    real, the visit is not claimed as an event.)"""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, spelling in (("kz-a", "Bektenov"), ("kz-b", "Bektenof")):
        (seeds / f"{name}.txt").write_text(
            "China - Russia\n\nChronology from Jan 2025 to Feb 2025\n\n"
            f": Kazakh Prime Minister Olzhas {spelling} visits Beijing for talks on rail freight with Li Qiang.\n",
            encoding="utf-8")
    one = built(seeds, tmp_path / "one.db", 1)
    pairs = [row for table in ("event_links", "link_candidates") for row in one[table]]
    assert pairs, "the two reports are compared"
    assert_same(one, built(seeds, tmp_path / "two.db", 2))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A generated corpus of many small documents, where persons named after a title and in no curated
    file are discovered: a later document's reading depends on what an earlier one discovered."""
    out = tmp_path_factory.mktemp("corpus")
    generate.generate(600, out, seed=5, entries=(10, 40))
    return out


def test_a_generated_corpus_builds_the_same_database_on_one_two_and_three_workers(corpus, tmp_path):
    one = built(corpus / "seeds", tmp_path / "one.db", 1, corpus / "curated")
    assert any("to review" in (row[8] or "") for row in one["actors"])  # discovered persons: the hard case
    for workers in (2, 3):
        assert_same(one, built(corpus / "seeds", tmp_path / f"w{workers}.db", workers, corpus / "curated"))


def test_a_worker_reports_a_document_it_cannot_parse_at_its_line_and_keep_going_skips_it(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in SEEDS.iterdir():
        (seeds / path.name).write_bytes(path.read_bytes())
    (seeds / "broken.txt").write_text("China - Russia\n\nChronology from Sep 2020 to Smarch 2020\n\n"
                                      ": Wang Yi meets Lavrov in Moscow.\n", encoding="utf-8")
    stopped = run_build(seeds, tmp_path / "events.db", "--workers", "2")
    assert stopped.exit_code == 1 and "Traceback" not in stopped.output
    assert "broken.txt:3: error: cannot read the coverage" in stopped.output
    assert not (tmp_path / "events.db").exists()
    skipped = run_build(seeds, tmp_path / "events.db", "--workers", "2", "--keep-going")
    assert skipped.exit_code == 0, skipped.output
    assert "broken.txt:3: warning: cannot read the coverage" in skipped.output
    assert "(skipped: --keep-going)" in skipped.output


def test_a_forked_process_gives_its_items_in_order_and_a_failed_one_is_done_again_here():
    parent = os.getpid()

    def produce():
        yield os.getpid()
        yield from range(10_000)  # more than one pickled batch

    with forked(produce) as collect:
        items = list(collect())
    assert items[0] != parent and items[1:] == list(range(10_000)), "made in another process, in order"

    def fails_elsewhere():
        if os.getpid() != parent:
            raise RuntimeError("lost in the child")
        yield from ("done", "here")

    with forked(fails_elsewhere) as collect:
        assert list(collect()) == ["done", "here"]


def test_spooled_items_are_all_taken_at_once_and_given_back_in_order_from_disk():
    taken = []

    def produce():
        for n in range(10_000):  # more than one pickled batch
            taken.append(n)
            yield (n, str(n))

    with spooled(produce()) as collect:
        assert len(taken) == 10_000, "every item is taken before the block runs"
        assert list(collect()) == [(n, str(n)) for n in range(10_000)]
    with spooled(iter(())) as collect:
        assert list(collect()) == []


def test_a_generated_corpus_links_the_same_when_a_second_process_scores_half_the_pairs(corpus, tmp_path, monkeypatch):
    # A large corpus (link.FORK_AT mentions or more) has half its pairs (every other run of mentions in the
    # order of their starts) scored in a forked process: the same links and candidates, to the last
    # figure. Here the small corpus is forked too; and a child that fails leaves its half to the main process.
    one = built(corpus / "seeds", tmp_path / "one.db", 1, corpus / "curated")
    monkeypatch.setattr(link, "FORK_AT", 0)
    monkeypatch.setattr(link, "PART_RANKS", 7)
    forks = []

    def counted(produce):
        forks.append(produce)
        return forked(produce)

    monkeypatch.setattr(link, "forked", counted)
    assert_same(one, built(corpus / "seeds", tmp_path / "two.db", 2, corpus / "curated"))
    assert forks, "the pairs were scored in two processes"
    assert one["event_links"] and one["link_candidates"]
    parent, scored = os.getpid(), link._scored_figures

    def fails_elsewhere(*args):
        if os.getpid() != parent:
            raise RuntimeError("lost in the child")
        return scored(*args)

    monkeypatch.setattr(link, "_scored_figures", fails_elsewhere)
    assert_same(one, built(corpus / "seeds", tmp_path / "three.db", 2, corpus / "curated"))


def test_a_generated_corpus_builds_the_same_database_with_its_datings_read_back_in_part_or_whole(corpus, tmp_path,
                                                                                              monkeypatch):
    # The dates stage reads each document's dating back in part (spill.Datings.documents_in_part): the
    # entries of the reports that have others, and for the rest only what their document gives them; a
    # document another source lends a bound to is read whole again, one at a time, to carry the bound
    # through its list, and its other reports then hold what the list gives them. The database is the one
    # the whole datings give.
    seeds = tmp_path / "seeds"
    shutil.copytree(corpus / "seeds", seeds)
    # A report read alone, whose own account differs from what is printed: a back-reference, outside
    # the list's order (the bombers' ninth joint patrol, on 29-30 November 2024, and their first).
    (seeds / "patrols-2024.txt").write_text(
        "China - Russia\n\nChronology from Nov 2024 to Dec 2024\n\n"
        ": Russian and Chinese strategic bombers fly their ninth joint air patrol, over the Sea of Japan and "
        "the East China Sea. On July 23, 2019, the two air forces flew their first such patrol.\n", encoding="utf-8")
    monkeypatch.setattr(spill, "IN_PART", False)
    whole = built(seeds, tmp_path / "whole.db", 1, corpus / "curated")
    first_patrol = [row for row in whole["events"] if row[15].startswith("On July 23, 2019")]
    assert len(first_patrol) == 1 and "not part of the list's order" in first_patrol[0][7]  # its document's account
    monkeypatch.setattr(spill, "IN_PART", True)
    held, read_whole = [], []
    of, read = DocumentDatesInPart.of.__func__, spill.Datings._whole

    def held_in_part(cls, doc, keep):
        made = of(cls, doc, keep)
        held.append((len(made.entries), len(doc.entries)))
        return made

    def reading_whole(self, source_id):
        read_whole.append(source_id)
        return read(self, source_id)
    monkeypatch.setattr(DocumentDatesInPart, "of", classmethod(held_in_part))
    monkeypatch.setattr(spill.Datings, "_whole", reading_whole)
    assert_same(whole, built(seeds, tmp_path / "in-part.db", 1, corpus / "curated"))
    assert held and sum(kept for kept, _ in held) < sum(entries for _, entries in held)  # most reports have no other
    assert len(held) < len(read_whole) < 2 * len(held)  # some documents, not all, are lent to and read whole again
