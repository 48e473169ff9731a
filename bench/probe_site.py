"""Hostile requests against the served site, on loopback only: malformed query-string parameters on
every kind of page and methods other than GET. Reports which answer 5xx (Datasette 0.65.5 answers some
malformed parameters with a 500 of its own) and checks that the database file is unchanged after.

    python bench/probe_site.py --db events.db

Bounded: one request per (page, parameter, value) and per (page, method); about 8,000 requests.
This is a probe that reports, not a gate: it exits 1 only if the database changed or the server died.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

import httpx

from loadtest import ROOT, served_as  # bench/loadtest.py, which puts the project on sys.path
from bench.site import Server, ServerFailed, datasette_serve, free_port

PAGES = ["/events/events", "/events/events.json", "/events/events.csv", "/events/sources", "/events/event_sources.json",
         "/events/timeline", "/events/timeline.json", "/events/search", "/events"]
PARAMETERS = ["_sort", "_sort_desc", "_facet", "_facet_array", "_facet_date", "_size", "_next", "_search", "_where",
              "summary__exact", "id__in", "month__gte", "_col", "_nocol", "_labels", "_shape", "_json", "_timelimit",
              "_trace", "_search_summary", "_fts_table", "_through", "_stream", "_dl", "_nl", "_sort_by_desc", "q",
              "from", "to", "sql", "_hash", "_context", "date_earliest__date", "_hide_sql", "_facet_size", "_extra",
              "category__notblank", "_nofacet", "_nosuggest", "_nofacets", "_nosort"]
VALUES = ["nonexistent", "", "-1", "0", "99999999999999999999", "\x00", "'", '"', "%", "*", "[", "a,b", "1.5", "\xff",
          "[1,2", "{}", "summary", "id", "rowid", "<script>alert(1)</script>"]
METHODS = ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "events.db")
    parser.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")
    parser.add_argument("--settings", type=Path, default=ROOT / "settings.json")
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"{args.db}: error: no such database (build it with `make db`)", file=sys.stderr)
        return 1
    before = sha256(args.db)
    port = free_port()
    folder = tempfile.TemporaryDirectory(prefix="probe-")
    log = Path(folder.name) / "datasette.log"
    command = datasette_serve(served_as(args.db, Path(folder.name)), port, args.metadata, args.settings)
    statuses: Counter = Counter()
    five_hundreds: dict[str, set] = defaultdict(set)
    reflected = []
    try:
        with Server(command, port, log, wait_s=30) as server, httpx.Client(base_url=server.base, timeout=30) as client:
            for page in PAGES:
                for name in PARAMETERS:
                    for value in VALUES:
                        response = client.get(page + "?" + urlencode({name: value}))
                        statuses[response.status_code] += 1
                        if response.status_code >= 500:
                            five_hundreds[name].add(page)
                        if value.startswith("<script>") and value in response.text \
                                and "html" in response.headers.get("content-type", ""):
                            reflected.append(f"{page}?{name}=")
                for method in METHODS:
                    response = client.request(method, page, data={"q": "x"} if method != "HEAD" else None)
                    statuses[response.status_code] += 1
                    if response.status_code >= 500:
                        five_hundreds[method].add(page)
            alive = server.process.poll() is None
            tracebacks = log.read_text(encoding="utf-8", errors="replace").count("Traceback")
    except ServerFailed as error:
        print(f"datasette: {error}", file=sys.stderr)
        return 1
    finally:
        folder.cleanup()
    unchanged = sha256(args.db) == before
    total = sum(statuses.values())
    print(f"probe: {args.db}, {total} requests; statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    print(f"5xx: {sum(v for k, v in statuses.items() if k >= 500)} of {total}, from:")
    for name, pages in sorted(five_hundreds.items()):
        print(f"  {name}: {', '.join(sorted(pages))}")
    print(f"tracebacks in the server's log (not sent to clients): {tracebacks}")
    print(f"unescaped <script> reflected in HTML: {len(reflected)}" + (f" {reflected}" if reflected else ""))
    print(f"server still up at the end: {alive}; database unchanged (sha256): {unchanged}")
    return 0 if unchanged and alive and not reflected else 1


if __name__ == "__main__":
    sys.exit(main())
