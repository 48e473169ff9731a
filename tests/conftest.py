"""Shared fixtures: the seed database is built once, through the CLI, as a user would build it, and
served through Datasette's own client as `make serve` serves it."""
from __future__ import annotations

import asyncio
import copy
import json
import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from datasette.app import Datasette

from loader.cli import cli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the bench package: bench/site.py starts and stops real servers
from bench.site import Server, free_port, make_serve as make_serve_command  # noqa: E402
SEEDS = ROOT / "seeds"
CURATED = ROOT / "curated"

CC_2021 = "cc-china-russia-chronology-2021-sep-dec.txt"
CC_2020 = "cc-china-russia-chronology-2020-sep-dec.txt"
MEMRI = "memri-special-dispatch-9684-russia-china-each-others-back.txt"
OVERWATCH = "overwatch-timeline-china-russia-2020-2022.txt"
SCMP = "scmp-3253354-sun-weidong-lavrov-moscow.txt"

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
SETTINGS = json.loads((ROOT / "settings.json").read_text(encoding="utf-8"))


def seed_text(name: str) -> str:
    return (SEEDS / name).read_bytes().decode("utf-8")


def run_build(seeds: Path, db: Path, *extra: str, curated: Path = CURATED):
    """Run `loader build` through Click's runner; returns the result (exit_code, output)."""
    return CliRunner().invoke(
        cli, ["build", "--seeds", str(seeds), "--db", str(db), "--curated", str(curated), *extra]
    )


def event_named(conn, source, text):
    """The one event whose report in `source` contains `text` verbatim (its events row, and that
    report's `excerpt`)."""
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    rows = cursor.execute(
        """select events.*, event_sources.excerpt from events join event_sources on event_sources.event_id = events.id
           where event_sources.source_id = ? and instr(event_sources.excerpt, ?) > 0""", (source, text)
    ).fetchall()
    assert len(rows) == 1, f"{source}: {text!r} names {len(rows)} events, not one"
    return rows[0]


def event_id(conn, source, text) -> str:
    """The id of the one event whose report in `source` contains `text` verbatim."""
    return event_named(conn, source, text)["id"]


def datasette_client(**kwargs):
    """A Datasette made with these arguments (immutables=, metadata=, settings=, config_dir=...), asked
    through its own client: `get(path)` is the response; `get.datasette` is the instance."""
    datasette = Datasette(**kwargs)

    def get(path: str):
        return asyncio.run(datasette.client.get(path))

    get.datasette = datasette
    return get


def served_client(db):
    """`db` as `make serve` serves it: immutable, with metadata.yml and settings.json (copies: Datasette
    and the plugin may change the dictionaries they are given, and METADATA is what the tests compare)."""
    return datasette_client(immutables=[str(db)], metadata=copy.deepcopy(METADATA), settings=dict(SETTINGS))


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("seed") / "events.db"
    result = run_build(SEEDS, db)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def served(seed_db):
    """The seed database as `make serve` serves it, through Datasette's client: `served(path)`."""
    return served_client(seed_db)


@pytest.fixture(scope="session")
def make_serve(seed_db, tmp_path_factory):
    """The real server: `make serve` on a copy of the seed database, on a free loopback port, for the
    whole session; (its base URL, the copy it serves)."""
    db = copy_of(seed_db, tmp_path_factory.mktemp("make-serve") / "site")
    port = free_port()
    with Server(make_serve_command(db, port), port, db.parent / "serve.log", wait_s=90, stop_s=15, group=True) as server:
        yield server.base, db


def connect(db: Path) -> sqlite3.Connection:
    """A connection to `db` whose rows read by column name."""
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    return connection


def built(seeds: Path, db: Path, *extra: str, curated: Path = CURATED) -> sqlite3.Connection:
    """Build `db` from `seeds` (the build must succeed) and connect to it."""
    result = run_build(seeds, db, *extra, curated=curated)
    assert result.exit_code == 0, result.output
    return connect(db)


def build_with_edit(curated: Path, name: str, old: str, new: str, db: Path, at: str):
    """Build the seeds into `db` with the curated file `name` edited (its first `old` replaced by `new`): the
    build's result, and the 1-based line of the edited file that reads `at`."""
    path = curated / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    line = path.read_text(encoding="utf-8").splitlines().index(at) + 1
    return run_build(SEEDS, db, curated=curated), line


def build_documents(documents: Path, root: Path, links: str | None = None) -> Path:
    """Build the documents of a test folder alone (no sources.yml) into root/events.db, with the curated
    dictionaries but no curated dates, and no curated links but `links` (a links.yml text) when given."""
    seeds, curated = root / "seeds", root / "curated"
    shutil.copytree(documents, seeds)
    shutil.copytree(CURATED, curated)
    (curated / "dates.yml").unlink()
    if links is None:
        (curated / "links.yml").unlink()
    else:
        (curated / "links.yml").write_text(links, encoding="utf-8")
    shutil.copy(ROOT / "metadata.yml", root / "metadata.yml")  # beside the seeds folder: embedded, as a build does
    db = root / "events.db"
    result = run_build(seeds, db, curated=curated)
    assert result.exit_code == 0, result.output
    return db


def copy_of(db: Path, folder: Path) -> Path:
    """A copy of `db` as events.db in a new folder (a test may change or serve it)."""
    folder.mkdir(parents=True)
    shutil.copyfile(db, folder / "events.db")
    return folder / "events.db"


@pytest.fixture
def conn(seed_db):
    with closing(connect(seed_db)) as connection:
        yield connection


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
