"""Nothing lost: a build killed, terminated or failing partway leaves the previous events.db as it was.

The build runs in a real process. To stop it at a known point, the test starts it through a small
wrapper (test code, not a hook in the loader) that pauses the write stage once every row is in the
temporary database: the moment where losing the old database would hurt most.
"""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

import loader.database
from conftest import CURATED, ROOT, SEEDS, copy_of, run_build
from loader.cli import cli

PAUSED = "PAUSED-IN-WRITE"
WRAPPER = f"""
import sys, time
import loader.database as database
real = database.write_rows
def paused(db, data):
    real(db, data)
    print({PAUSED!r}, flush=True)
    time.sleep(120)
database.write_rows = paused
from loader.cli import cli
cli(sys.argv[1:], prog_name="python -m loader")
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temporaries(folder: Path) -> list[Path]:
    return sorted(folder.glob(".events.db.*.tmp"))


@pytest.fixture
def previous(seed_db, tmp_path) -> Path:
    """A good events.db from an earlier build, in a folder of its own."""
    return copy_of(seed_db, tmp_path / "site")


def start_paused_build(db: Path) -> subprocess.Popen:
    """Start `loader build` into `db` and return once it is paused inside the write stage."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, "build", "--seeds", str(SEEDS), "--curated", str(CURATED), "--db", str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, process.kill)  # never let a broken test hang the suite
    watchdog.start()
    try:
        line = process.stdout.readline()
    finally:
        watchdog.cancel()
    assert line.strip() == PAUSED, (line, process.stderr.read() if process.poll() is not None else "")
    return process


def assert_intact(db: Path, expected_sha: str, events: int) -> None:
    assert sha256(db) == expected_sha
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert conn.execute("select count(*) from events").fetchone()[0] == events
    conn.close()


def test_a_build_killed_with_sigkill_leaves_the_previous_database_intact(previous):
    before = sha256(previous)
    events = sqlite3.connect(previous).execute("select count(*) from events").fetchone()[0]
    process = start_paused_build(previous)
    [temporary] = temporaries(previous.parent)  # the new database was being written beside the old one
    assert temporary.stat().st_size > 0
    process.kill()
    assert process.wait(timeout=30) == -signal.SIGKILL
    assert_intact(previous, before, events)
    # SIGKILL gives no chance to clean up: the partial file stays under its hidden temporary name,
    # never under the database's name, and the next build replaces the database as usual.
    assert [p.name for p in previous.parent.iterdir() if not p.name.startswith(".")] == ["events.db"]
    assert run_build(SEEDS, previous).exit_code == 0
    assert_intact(previous, before, events)  # same inputs, same bytes
    assert temporaries(previous.parent) == [temporary]  # only the killed build's own file


@pytest.mark.parametrize("number, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_terminated_or_interrupted_build_cleans_up_and_says_so(previous, number, code):
    before = sha256(previous)
    process = start_paused_build(previous)
    assert len(temporaries(previous.parent)) == 1
    process.send_signal(number)
    assert process.wait(timeout=30) == code
    stderr = process.stderr.read()
    assert f"build interrupted ({signal.Signals(number).name}); {previous} left unchanged" in stderr
    assert "Traceback" not in stderr
    assert sha256(previous) == before
    assert temporaries(previous.parent) == []


def test_a_build_that_fails_while_writing_leaves_the_database_byte_identical(previous, monkeypatch):
    before = sha256(previous)
    real = loader.database.write_rows

    def full_disk(db, data):
        real(db, data)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(loader.database, "write_rows", full_disk)
    result = CliRunner().invoke(cli, ["build", "--seeds", str(SEEDS), "--curated", str(CURATED), "--db", str(previous)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert f"error: database or disk is full; {previous} left unchanged" in result.output
    assert sha256(previous) == before
    assert temporaries(previous.parent) == []


def test_an_internal_error_is_one_line_exit_2_and_leaves_the_database(previous, monkeypatch):
    before = sha256(previous)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("loader.build.events_from_clusters", broken)
    monkeypatch.delenv("LOADER_DEBUG", raising=False)
    result = CliRunner().invoke(cli, ["build", "--seeds", str(SEEDS), "--curated", str(CURATED), "--db", str(previous)])
    assert result.exit_code == 2
    assert "internal error: RuntimeError: a bug (set LOADER_DEBUG=1 for a traceback)" in result.output
    assert "Traceback" not in result.output
    assert sha256(previous) == before
    # The temporary database is open from the first document on (sources are written as they are read):
    # a failure in any later stage removes it too.
    assert temporaries(previous.parent) == []


def test_two_builds_of_the_same_inputs_are_byte_identical_files(seed_db, tmp_path):
    again = tmp_path / "again" / "events.db"
    assert run_build(SEEDS, again).exit_code == 0
    assert sha256(again) == sha256(seed_db)


def test_a_build_in_another_process_gives_the_same_bytes(seed_db, tmp_path):
    db = tmp_path / "events.db"
    process = subprocess.run(
        [sys.executable, "-m", "loader", "build", "--seeds", str(SEEDS), "--curated", str(CURATED), "--db", str(db),
         "--quiet"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert process.returncode == 0, process.stderr
    assert sha256(db) == sha256(seed_db)
