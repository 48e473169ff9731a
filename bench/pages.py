"""p50/p95 of some of the benchmark's site endpoints on one database, as `make bench` measures them
(bench/measure.py: `datasette serve` as `make serve` runs it, with an inspect file; one warm-up, then N
timed GETs), without building anything: to compare a page before and after a change, back to back.

    .venv/bin/python -m bench.pages DB [--metadata metadata.yml] [--only REGEX] [--requests 20] [--work DIR]

DB is served as `events` whatever its folder (name the file events.db). Endpoints are the ones
bench/measure.py's `endpoints` lists for that database (its common and rare words, its busiest month).
"""
from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

import yaml

from bench.measure import endpoints, measure, serving, words
from bench.site import ROOT


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")
    parser.add_argument("--only", default=".", help="a regular expression on endpoint names (table, canned:...)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--work", type=Path, default=None, help="where the server logs go (a temporary folder)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-pages-"))
    work.mkdir(parents=True, exist_ok=True)
    metadata = yaml.safe_load(args.metadata.read_text(encoding="utf-8"))
    bare = json.loads(json.dumps(metadata))
    bare["databases"]["events"]["tables"]["events"].pop("facets", None)
    (work / "metadata-bare.json").write_text(json.dumps(bare))
    only = re.compile(args.only)
    plan = [step for step in endpoints(metadata, words(args.db)) if only.search(step[0])]
    for label, path in (("site", args.metadata), ("bare", work / "metadata-bare.json")):
        todo = [(name, url) for name, server, url in plan if server == label]
        if not todo:
            continue
        with serving(args.db, path, work, label) as site:
            for name, url in todo:
                result = measure(site, url, args.requests, 60, 30)
                print(f"{name:40s} p50 {result['p50_ms']:7.1f}  p95 {result['p95_ms']:7.1f} ms  n {result['n']}  "
                      f"status {result['status']}  {result['bytes']:,} B", flush=True)


if __name__ == "__main__":
    main()
