"""The practical limit for writing the events table: plain sqlite3, one transaction, FTS5 built after.

    python bench/baselines.py limit ROWS.jsonl OUT.db

reads the rows (the events table of a build, exported as JSON lines) into memory first, untimed,
then times two things and prints them as one JSON object on stdout:
  insert_s  create the table and insert every row with executemany, in one transaction;
  fts_s     create an FTS5 index (porter, external content, as the loader makes it) and fill it.
Nothing else runs in this process, so its peak RSS is the rows plus SQLite.
"""
from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path


def limit(rows_path: Path, db_path: Path) -> dict:
    with rows_path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    columns = list(rows[0])
    values = [tuple(row[c] for c in columns) for row in rows]
    del rows
    if db_path.exists():
        db_path.unlink()
    conn = sqlite3.connect(db_path)
    started = time.perf_counter()
    quoted = ", ".join(f"[{c}]" + (" TEXT PRIMARY KEY" if c == "id" else "") for c in columns)
    conn.execute(f"CREATE TABLE events ({quoted})")
    with conn:
        conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' for _ in columns)})", values)
    inserted = time.perf_counter()
    with conn:
        conn.execute("CREATE VIRTUAL TABLE events_fts USING fts5(summary, description, content=[events], tokenize='porter')")
        conn.execute("INSERT INTO events_fts (rowid, summary, description) SELECT rowid, summary, description FROM events")
    indexed = time.perf_counter()
    conn.close()
    return {"rows": len(values), "insert_s": round(inserted - started, 3), "fts_s": round(indexed - inserted, 3)}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "limit":
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(limit(Path(argv[1]), Path(argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
