"""bench/window.py: how many reports a linker sweeping the dates in order would hold at once, read from a
built database (the streaming build of issue 14 sizes its window by it)."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from bench.window import held_at_once
from conftest import ROOT

# (source, position, own bounds, printed date, event)
REPORTS = [
    ("tass", 1, "2024-05-01", "2024-05-01", None, "e1"),
    ("xinhua", 4, None, None, "2024-05-02", "e1"),  # only a printed date: that is its day
    ("tass", 2, "2024-05-20", "2024-06-20", None, "e2"),  # a month's window
    ("xinhua", 5, "2024-06-25", "2024-06-25", None, "e3"),
    ("rg", 1, "2024-06-26", "2024-06-26", None, "e4"),
]


def database(path, candidate: bool = True):
    conn = sqlite3.connect(path)
    conn.execute("create table event_sources (source_id, position, own_earliest, own_latest, reported_earliest, "
                 "reported_latest, event_id)")
    conn.executemany("insert into event_sources values (?, ?, ?, ?, ?, ?, ?)",
                     [(s, p, a, b, printed, printed, e) for s, p, a, b, printed, e in REPORTS])
    for table in ("event_links", "link_candidates"):
        conn.execute(f"create table {table} (source_a, position_a, source_b, position_b)")
    conn.execute("insert into event_links values ('tass', 1, 'xinhua', 4)")
    if candidate:  # the month-long report and the last one: a pair the linker scored and kept
        conn.execute("insert into link_candidates values ('rg', 1, 'tass', 2)")
    conn.commit()
    conn.close()
    return path


def test_a_report_is_held_until_nothing_later_can_join_what_it_is_linked_to(tmp_path):
    found = held_at_once(database(tmp_path / "linked.db"), slack=2)
    assert found["reports"] == 5 and found["undated"] == 0 and found["pairs"] == 2
    assert found["components"] == 3 and found["largest_component"] == 2
    assert found["widest_component_days"] == 38  # May 20 to June 26
    # The window report stays held to June 28, through the other two's days: three at once on June 26.
    assert (found["held_peak"], found["held_peak_day"]) == (3, "2024-06-26")
    apart = held_at_once(database(tmp_path / "apart.db", candidate=False), slack=2)
    assert apart["components"] == 4 and apart["held_peak"] == 2  # let go on June 22 without the pair


def test_the_command_prints_the_figures_as_json_and_refuses_a_missing_or_foreign_file(tmp_path):
    db = database(tmp_path / "events.db")
    result = subprocess.run([sys.executable, "-m", "bench.window", str(db), "--slack", "2"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == held_at_once(db, slack=2)
    missing = subprocess.run([sys.executable, "-m", "bench.window", str(tmp_path / "nope.db")], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    foreign = subprocess.run([sys.executable, "-m", "bench.window", str(other)], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert foreign.returncode == 2 and "not a database" in foreign.stderr and "Traceback" not in foreign.stderr
