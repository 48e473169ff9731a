"""Kill real builds with SIGKILL at random moments and check the previous events.db every time.

    python bench/kill_builds.py --runs 50

Each run copies a good events.db into a fresh folder, starts `python -m loader build` into it, sends
SIGKILL after a random delay (seeded: the same delays every time) up to about one build's duration,
and checks that events.db is then either byte-identical to the previous one (killed before the
rename) or a complete new build (killed after it), passes `pragma integrity_check` and holds every
event. Reports where the kills landed: before the temporary file existed, while it was being
written (a leftover .events.db.*.tmp), or after the build had finished.
The deterministic version of this check is tests/test_interrupted_build.py.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_command(db: Path) -> list[str]:
    return [sys.executable, "-m", "loader", "build", "--seeds", str(ROOT / "seeds"), "--curated", str(ROOT / "curated"),
            "--db", str(db), "--quiet"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kill-builds-") as folder:
        reference = Path(folder) / "reference" / "events.db"
        started = time.monotonic()
        subprocess.run(build_command(reference), cwd=ROOT, check=True, capture_output=True)
        duration = time.monotonic() - started
        good = sha256(reference)
        events = sqlite3.connect(reference).execute("select count(*) from events").fetchone()[0]
        landed: Counter = Counter()
        failures = []
        for run in range(args.runs):
            site = Path(folder) / f"run{run}"
            site.mkdir()
            db = site / "events.db"
            shutil.copyfile(reference, db)
            # Tell the old file from a fresh build: same rows, a different application_id in the header.
            conn = sqlite3.connect(db)
            conn.execute("pragma application_id = 1")
            conn.close()
            previous = sha256(db)
            delay = rng.uniform(0, duration * 1.2)
            process = subprocess.Popen(build_command(db), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            code = process.wait()
            leftovers = list(site.glob(".events.db.*.tmp"))
            now = sha256(db)
            if code == 0:
                where = "after the build finished"
            elif leftovers:
                where = "while the temporary database was written"
            elif now == previous:
                where = "before the temporary database existed"
            else:
                where = "after the rename, before exit"
            landed[where] += 1
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            ok = conn.execute("pragma integrity_check").fetchone()[0] == "ok" \
                and conn.execute("select count(*) from events").fetchone()[0] == events
            conn.close()
            if not ok or now not in (previous, good):
                failures.append(f"run {run}: killed after {delay:.3f} s ({where}): database damaged")
            shutil.rmtree(site)
    print(f"kill_builds: {args.runs} builds killed with SIGKILL after 0..{duration * 1.2:.2f} s "
          f"(one build takes {duration:.2f} s here)")
    for where, count in landed.most_common():
        print(f"  {count:4d} killed {where}")
    print(f"events.db intact and opening (previous or complete new file) after {args.runs - len(failures)} "
          f"of {args.runs} kills")
    for failure in failures:
        print("  " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
