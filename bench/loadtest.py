"""Bounded load test of the published site, on loopback only.

Starts the site on 127.0.0.1 as `make serve` does (`datasette serve --immutable DB` with metadata.yml
and settings.json, one worker process per core: loader/site/server.py), sends a fixed number of mixed
requests (table, row, search, facet and canned-query pages, HTML and JSON) at each concurrency level with an asyncio httpx client, stops the server, and
reports requests/s, p50/p99 latency, errors and 5xx. Exits 1 when any request failed or answered
>= 400, or when a p99 target is missed.

    python bench/loadtest.py --db events.db --requests 2000 --concurrency 16,64 --p99-target 16=1.0

With --hostile N, N more clients send hostile requests the whole time each level runs (the runaway
search of issue 15, a 30 KB search; the costliest search the site accepts; a query asking for a
400 MB blob), so the figures say what ordinary pages get while
someone attacks the site. Their answers are counted apart (they are meant to be refused: 400).

The request mix is drawn from the database itself (event ids, months, source ids), so the same
command works on a bigger database (e.g. the 1M-event benchmark site: `make loadtest DB=...`).
Every run is bounded: --requests per level, and --max-seconds per level as a safety stop.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the bench package
from bench.site import HOST, Server, ServerFailed, datasette_serve, free_port  # noqa: E402
SEARCH_TERMS = ["patrol", "Putin", "Xi Jinping", "summit", "energy", "military exercise", "Ukraine", "sanctions"]


@dataclass
class Level:
    concurrency: int
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # transport errors and timeouts, plus every status >= 400
    server_errors: int = 0  # status >= 500
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    by_path: dict[str, list[float]] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def summary(self) -> dict:
        ordered = sorted(self.latencies)
        return {
            "concurrency": self.concurrency,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else None,
            "p50_ms": round(percentile(ordered, 50) * 1000, 1),
            "p99_ms": round(percentile(ordered, 99) * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
            "errors": self.errors,
            "5xx": self.server_errors,
            "statuses": dict(sorted(self.statuses.items())),
        }


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil(n * pct / 100), at least 1
    return ordered[int(rank) - 1]


def request_mix(db: Path, seed: int = 0) -> list[str]:
    """Paths to request, drawn deterministically from the database: tables, rows, search, facets, canned queries."""
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    name = "events"  # the name metadata.yml (and its canned queries) describe; see served_as()
    try:
        ids = [r[0] for r in conn.execute("select id from events order by id")]
        months = [r[0] for r in conn.execute("select distinct month from events where month is not null order by 1")]
        sources = [r[0] for r in conn.execute("select id from sources order by id")]
        actors = [r[0] for r in conn.execute("select id from actors order by id")]
    finally:
        conn.close()
    if not ids:
        raise SystemExit(f"{db}: no events to request")
    rng = random.Random(seed)
    paths = [
        f"/{name}/events",
        f"/{name}/events.json?_size=50&_sort=date_earliest",
        f"/{name}/sources",
        f"/{name}/actors",
        f"/{name}/timeline",
        f"/{name}/events?_facet=category&_facet=date_method&_facet=month",
        f"/{name}/events.json?_facet=first_source&_facet=date_precision",
        f"/{name}/event_sources?_facet=source_id",
        f"/{name}/event_actors?_facet=actor_id&_facet=role",
    ]
    for term in SEARCH_TERMS:
        paths.append(f"/{name}/events?_search={quote(term)}")
        paths.append(f"/{name}/search?" + urlencode({"q": term}))
        paths.append(f"/{name}/search.json?" + urlencode({"q": term, "_shape": "objects"}))
    for event_id in rng.sample(ids, min(20, len(ids))):
        paths.append(f"/{name}/events/{event_id}")
    for month in rng.sample(months, min(6, len(months))):
        paths.append(f"/{name}/timeline?from={month}-01&to={month}-28")
        paths.append(f"/{name}/events?month={month}")
    paths.append(f"/{name}/timeline.json?from=&to=&_shape=objects")
    for source in sources[:5]:
        paths.append(f"/{name}/event_sources?source_id={quote(source)}")
    for actor in actors[:5]:
        paths.append(f"/{name}/event_actors?actor_id={quote(actor)}")
    rng.shuffle(paths)
    return paths


def served_as(db: Path, folder: Path) -> Path:
    """The path to serve: Datasette names a database after its file, and metadata.yml describes `events`,
    so another file (e.g. bench-1m.db) is served through a symlink named events.db."""
    if db.name == "events.db":
        return db
    link = folder / "events.db"
    link.symlink_to(db.resolve())
    return link


def peak_rss_mb(pid: int) -> float | None:
    """The server's peak resident memory in MB: the sum of each process's peak (Linux VmHWM) over the
    server and every process under it (its workers), an upper bound of what they held at once; None
    where /proc has no such figure."""
    peaks = [_vm_hwm_kb(process) for process in [pid, *descendants(pid)]]
    known = [peak for peak in peaks if peak is not None]
    return sum(known) / 1024 if known else None


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (Linux /proc/PID/task/TID/children), children before grandchildren."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop(0)
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            queue += children
    return found


HOSTILE_PATHS = [
    "/events/search.json?" + urlencode({"q": "Putin " * 5000}),  # the runaway search: refused by length
    "/events/search.json?" + urlencode({"q": "the " * 32}),  # the costliest search accepted
    "/events.json?" + urlencode({"sql": "select length(hex(zeroblob(400000000)))"}),  # a 400 MB blob, 800 MB of hex
]


HOSTILE_PATHS_SHORT = ["30 KB search", "32 times 'the'", "hex(zeroblob(400000000))"]


async def timed_get(client: httpx.AsyncClient, path: str) -> tuple[int | None, float, Exception | None]:
    """One request read to its end: its status (None when the request itself failed), seconds, error."""
    started = time.perf_counter()
    try:
        response = await client.get(path)
        await response.aread()
        return response.status_code, time.perf_counter() - started, None
    except httpx.HTTPError as error:
        return None, time.perf_counter() - started, error


async def hostile_load(base: str, clients: int, stop_event: asyncio.Event, timeout: float, statuses: dict) -> None:
    """`clients` loops over HOSTILE_PATHS until stop_event is set; statuses per path kind counted."""
    if not clients:
        return
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as client:
        async def loop(offset: int):
            index = offset
            while not stop_event.is_set():
                path = HOSTILE_PATHS[index % len(HOSTILE_PATHS)]
                index += 1
                status, elapsed, _ = await timed_get(client, path)
                status = status or 0
                kind = path.split("?")[0] + f" #{HOSTILE_PATHS.index(path)}"
                seen = statuses.setdefault(kind, {"statuses": {}, "max_ms": 0.0})
                seen["statuses"][status] = seen["statuses"].get(status, 0) + 1
                seen["max_ms"] = max(seen["max_ms"], round(elapsed * 1000, 1))
        await asyncio.gather(*(loop(i) for i in range(clients)))


async def run_level(base: str, paths: list[str], concurrency: int, requests: int, max_seconds: float,
                    timeout: float, hostile: int = 0) -> Level:
    stop_event, seen = asyncio.Event(), {}
    attacks = asyncio.create_task(hostile_load(base, hostile, stop_event, timeout, seen))
    try:
        level = await ordinary_level(base, paths, concurrency, requests, max_seconds, timeout)
    finally:
        stop_event.set()
        await attacks
    level.hostile = seen
    return level


async def ordinary_level(base: str, paths: list[str], concurrency: int, requests: int, max_seconds: float,
                         timeout: float) -> Level:
    level = Level(concurrency)
    next_index = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    deadline = time.monotonic() + max_seconds

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        async def worker():
            nonlocal next_index
            while next_index < requests and time.monotonic() < deadline:
                path = paths[next_index % len(paths)]
                next_index += 1
                status, elapsed, error = await timed_get(client, path)
                if error is not None and len(level.error_samples) < 5:
                    level.error_samples.append(f"{path}: {type(error).__name__}: {error}")
                level.latencies.append(elapsed)
                level.by_path.setdefault(path, []).append(elapsed)
                level.statuses[status or 0] = level.statuses.get(status or 0, 0) + 1
                if status is None or status >= 400:
                    level.errors += 1
                    if status is not None and len(level.error_samples) < 5:
                        level.error_samples.append(f"{path}: HTTP {status}")
                if status is not None and status >= 500:
                    level.server_errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        level.seconds = time.perf_counter() - started
    return level


def parse_targets(values: list[str]) -> dict[int, float]:
    targets = {}
    for value in values:
        concurrency, _, seconds = value.partition("=")
        targets[int(concurrency)] = float(seconds)
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "events.db", help="database to serve (default: events.db)")
    parser.add_argument("--metadata", type=Path, default=ROOT / "metadata.yml")
    parser.add_argument("--settings", type=Path, default=ROOT / "settings.json")
    parser.add_argument("--requests", type=int, default=2000, help="requests per concurrency level (default 2000)")
    parser.add_argument("--concurrency", default="16,64", help="comma-separated levels (default 16,64)")
    parser.add_argument("--max-seconds", type=float, default=120, help="safety stop per level (default 120)")
    parser.add_argument("--timeout", type=float, default=30, help="per-request timeout in seconds (default 30)")
    parser.add_argument("--p99-target", action="append", default=None, metavar="C=SECONDS",
                        help="fail when p99 at concurrency C exceeds SECONDS (default 16=1.0)")
    parser.add_argument("--slowest", type=int, default=3, help="list the N paths with the highest mean latency")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--hostile", type=int, default=0, metavar="N",
                        help="N more clients sending hostile requests while each level runs (default 0)")
    parser.add_argument("--memory-target", type=float, default=None, metavar="MB",
                        help="fail when the server's peak RSS exceeds MB")
    args = parser.parse_args(argv)

    if not args.db.is_file():
        print(f"{args.db}: error: no such database (build it with `make db`)", file=sys.stderr)
        return 1
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    targets = parse_targets(args.p99_target if args.p99_target is not None else ["16=1.0"])
    paths = request_mix(args.db)
    port = free_port()
    folder = tempfile.TemporaryDirectory(prefix="loadtest-")
    command = datasette_serve(served_as(args.db, Path(folder.name)), port, args.metadata, args.settings)
    results = []
    try:
        with Server(command, port, Path(folder.name) / "datasette.log", wait_s=30) as server:
            for path in paths:  # warm-up, not counted: one request per distinct path
                httpx.get(server.base + path, timeout=args.timeout)
            for concurrency in levels:
                level = asyncio.run(run_level(server.base, paths, concurrency, args.requests, args.max_seconds,
                                              args.timeout, args.hostile))
                results.append(level)
            peak = peak_rss_mb(server.process.pid)
            processes = 1 + len(descendants(server.process.pid))
    except ServerFailed as error:
        print(f"datasette: {error}", file=sys.stderr)
        return 1
    finally:
        folder.cleanup()

    print(f"load test: {args.db} ({args.db.stat().st_size / 1e6:.1f} MB), {len(paths)} distinct paths, "
          f"{args.requests} requests per level, served as `make serve` serves it on {HOST}, {os.cpu_count()} cores")
    if args.hostile:
        print(f"with {args.hostile} hostile clients throughout (not counted below): " + "; ".join(HOSTILE_PATHS_SHORT))
    if peak is not None:
        print(f"server peak RSS: {peak:.0f} MB, summed over its {processes} processes")
    failed = False
    if args.memory_target is not None and (peak is None or peak > args.memory_target):
        print(f"server peak RSS over the target of {args.memory_target:g} MB")
        failed = True
    print(f"{'conns':>5} {'requests':>8} {'seconds':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
          f"{'errors':>6} {'5xx':>4}")
    for level in results:
        s = level.summary()
        print(f"{s['concurrency']:>5} {s['requests']:>8} {s['seconds']:>7} {s['requests_per_second']:>7} "
              f"{s['p50_ms']:>7} {s['p99_ms']:>7} {s['max_ms']:>7} {s['errors']:>6} {s['5xx']:>4}")
        for sample in level.error_samples:
            print(f"      e.g. {sample}")
        for kind, seen in sorted(getattr(level, "hostile", {}).items()):
            print(f"      hostile {kind}: statuses {seen['statuses']}, slowest {seen['max_ms']} ms")
        slowest = sorted(level.by_path.items(), key=lambda item: -sum(item[1]) / len(item[1]))[:args.slowest]
        for path, times in slowest:
            print(f"      slow: {sum(times) / len(times) * 1000:7.1f} ms mean  {path}")
        if level.errors or level.server_errors or level.requests < args.requests:
            failed = True
        target = targets.get(level.concurrency)
        if target is not None and s["p99_ms"] > target * 1000:
            print(f"      p99 {s['p99_ms']} ms is over the target of {target * 1000:.0f} ms")
            failed = True
    if args.json:
        args.json.write_text(json.dumps([level.summary() for level in results], indent=2) + "\n", encoding="utf-8")
    met = "".join(f", p99 under {t:g} s at {c}" for c, t in targets.items() if c in levels)
    print("FAILED: see above" if failed else f"ok: no errors, no 5xx{met}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
