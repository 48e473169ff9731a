"""The benchmark's corpus generator (and what the loader makes of its corpus). No timing is asserted
here: speed and memory are measured by `make bench`."""
from __future__ import annotations

import importlib.util
import sqlite3

import pytest

from conftest import ROOT, run_build

spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)

REPORTS = 400
ENTRIES = (10, 40)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    summary = generate.generate(REPORTS, out, seed=11, entries=ENTRIES)
    return out, summary


def test_the_generator_is_deterministic(corpus, tmp_path):
    out, summary = corpus
    again = generate.generate(REPORTS, tmp_path / "again", seed=11, entries=ENTRIES)
    other = generate.generate(REPORTS, tmp_path / "other", seed=12, entries=ENTRIES)
    assert again["sha256"] == summary["sha256"]
    assert other["sha256"] != summary["sha256"]
    assert sorted(p.name for p in (out / "seeds").iterdir()) == sorted(p.name for p in (tmp_path / "again" / "seeds").iterdir())


def test_the_loader_builds_every_generated_report_without_warnings(corpus, tmp_path):
    out, summary = corpus
    db = tmp_path / "events.db"
    result = run_build(out / "seeds", db, "--quiet", curated=out / "curated")
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from event_sources").fetchone()[0] == REPORTS
    assert conn.execute("select count(*) from build_problems").fetchone()[0] == 0
    formats = {row[0] for row in conn.execute("select distinct format from sources")}
    assert formats == {"chronology", "timeline", "article"}
    methods = {row[0] for row in conn.execute("select distinct date_method from events")}
    assert {"explicit", "coverage", "relative"} <= methods
    assert conn.execute("select count(*) from event_actors").fetchone()[0] > 0
    assert conn.execute("select count(*) from statements").fetchone()[0] > 0
