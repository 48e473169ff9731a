"""Shared fixtures: the seed database is built once, through the CLI, as a user would build it."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from loader.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CURATED = ROOT / "curated"

CC_2021 = "cc-china-russia-chronology-2021-sep-dec.txt"
CC_2020 = "cc-china-russia-chronology-2020-sep-dec.txt"
MEMRI = "memri-special-dispatch-9684-russia-china-each-others-back.txt"
OVERWATCH = "overwatch-timeline-china-russia-2020-2022.txt"
SCMP = "scmp-3253354-sun-weidong-lavrov-moscow.txt"


def seed_text(name: str) -> str:
    return (SEEDS / name).read_bytes().decode("utf-8")


def run_build(seeds: Path, db: Path, *extra: str, curated: Path = CURATED):
    """Run `loader build` through Click's runner; returns the result (exit_code, output)."""
    return CliRunner().invoke(
        cli, ["build", "--seeds", str(seeds), "--db", str(db), "--curated", str(curated), *extra]
    )


def event_named(conn, source, text):
    """The one event whose report in `source` contains `text` verbatim."""
    rows = conn.execute(
        """select events.* from events join event_sources on event_sources.event_id = events.id
           where event_sources.source_id = ? and instr(event_sources.excerpt, ?) > 0""", (source, text)
    ).fetchall()
    assert len(rows) == 1, f"{source}: {text!r} names {len(rows)} events, not one"
    return rows[0]


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("seed") / "events.db"
    result = run_build(SEEDS, db)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def conn(seed_db):
    connection = sqlite3.connect(seed_db)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A private copy of seeds/ a test may add bad documents to."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def curated_copy(tmp_path) -> Path:
    """A private copy of curated/ a test may edit."""
    target = tmp_path / "curated"
    shutil.copytree(CURATED, target)
    return target
