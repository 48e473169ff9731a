"""What the scale benchmark measures (bench/run.py runs it): the corpus, our build and the two
baselines as child processes (wall time, peak RSS from wait4), link quality against the generator's
answer key, and the site's latency per endpoint on a server started by bench/site.py."""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import re
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Optional

import yaml

from bench import generate
from bench.site import ROOT, Server, datasette_serve, free_port, inspect

BENCH = ROOT / "bench"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
GENERATOR_VERSION = 2  # bump when generate.py changes what it writes, so cached corpora are remade


# -- child processes -------------------------------------------------------------------------------

def run_child(cmd: list[str], log: Path, timeout: float) -> dict:
    """Run cmd to completion; wall seconds, peak RSS (MB) and exit code of that very child, and the
    peak of the summed PSS of it and every process it started (`TreeMemory`)."""
    with log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        tree = TreeMemory(process.pid)
        tree.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
            tree.stop()
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": round(wall, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "peak_tree_pss_mb": tree.peak_mb, "rc": process.returncode, "output": log.read_text(errors="replace")}


class TreeMemory(threading.Thread):
    """The peak, over samples every `every` seconds, of the summed PSS (proportional set size: a page
    shared by n processes counts 1/n in each) of a process and all its descendants.

    wait4's peak RSS is that of one process: a build whose worker processes hold memory of their own
    (the document workers; anything forked late, whose pages stop being shared as they are touched)
    can use more in total than its largest process shows. Sampled, so a spike shorter than `every`
    can be missed: the benchmark reports both figures and judges the larger."""

    def __init__(self, pid: int, every: float = 0.5):
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb = pid, every, 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(self.every):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _tree(self.pid)))

    def stop(self) -> None:
        self._done.set()
        self.join()

    @property
    def peak_mb(self) -> Optional[float]:
        return round(self.peak_kb / 1024, 1) if self.peak_kb else None  # None: not measurable here (no /proc)


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone since the listing
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):  # gone, or not readable
        pass
    return 0


def check(result: dict, what: str) -> dict:
    if result["rc"] != 0:
        raise SystemExit(f"{what} failed (exit {result['rc']}):\n{result['output'][-3000:]}")
    return result


# -- corpus and builds -----------------------------------------------------------------------------

def corpus(events: int, seed: int, per_day: float, work: Path) -> tuple[Path, dict]:
    folder = work / f"corpus-{events}"
    stamp = folder / "generated.json"
    key = {"events": events, "seed": seed, "per_day": per_day, "version": GENERATOR_VERSION,
           "generator": generate.source_digest()}
    if stamp.exists():
        summary = json.loads(stamp.read_text())
        if summary.get("key") == key:
            return folder, summary
    started = time.perf_counter()
    summary = generate.generate(events, folder, seed=seed, per_day=per_day)
    summary["generate_s"] = round(time.perf_counter() - started, 3)
    summary["key"] = key
    stamp.write_text(json.dumps(summary, indent=1))
    return folder, summary


def our_build(seeds: Path, curated: Path, db: Path, log: Path, timeout: float) -> dict:
    db.unlink(missing_ok=True)
    result = check(run_child([PYTHON, "-m", "loader", "build", "--seeds", str(seeds), "--curated", str(curated),
                              "--db", str(db), "--quiet", "--timings"], log, timeout), "loader build")
    match = re.search(r"^timings: (\{.*\})$", result["output"], re.MULTILINE)
    result["stage_s"] = json.loads(match.group(1)) if match else {}
    return result


def export_events(db: Path, jsonl: Path) -> int:
    """The final events rows, as JSON lines: the input both baselines load."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    count = 0
    with jsonl.open("w", encoding="utf-8") as out:
        for row in conn.execute("select * from events order by rowid"):
            out.write(json.dumps(dict(row), ensure_ascii=False) + "\n")
            count += 1
    conn.close()
    return count


def link_quality(db: Path, truth: Path) -> dict:
    """Link precision and recall against the generator's answer key (pairs of reports from different
    documents; see loader/linkeval.py)."""
    from loader.linkeval import judge_partition, read_truth

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = conn.execute("select source_id, position, event_id from event_sources").fetchall()
    conn.close()
    return judge_partition(rows, read_truth(truth)).as_dict()


def limit_route(jsonl: Path, db: Path, log: Path, timeout: float) -> dict:
    result = check(run_child([PYTHON, str(BENCH / "baselines.py"), "limit", str(jsonl), str(db)], log, timeout),
                   "limit baseline")
    figures = json.loads(result["output"].strip().splitlines()[-1])
    return {"limit_s": round(figures["insert_s"] + figures["fts_s"], 3), "insert_s": figures["insert_s"],
            "fts_s": figures["fts_s"], "peak_rss_mb": result["peak_rss_mb"]}


def byhand_route(jsonl: Path, db: Path, work: Path, timeout: float) -> dict:
    db.unlink(missing_ok=True)
    tool = str(BIN / "sqlite-utils")
    insert = check(run_child([tool, "insert", str(db), "events", str(jsonl), "--nl", "--pk", "id"],
                             work / "byhand-insert.log", timeout), "sqlite-utils insert")
    fts = check(run_child([tool, "enable-fts", str(db), "events", "summary", "description", "--fts5",
                           "--tokenize", "porter"], work / "byhand-fts.log", timeout), "sqlite-utils enable-fts")
    return {"byhand_s": round(insert["wall_s"] + fts["wall_s"], 3), "insert_s": insert["wall_s"],
            "fts_s": fts["wall_s"], "peak_rss_mb": max(insert["peak_rss_mb"], fts["peak_rss_mb"])}


# -- the site --------------------------------------------------------------------------------------

def serving(db: Path, metadata: Path, work: Path, label: str) -> Server:
    """`datasette serve -i DB --inspect-file ...` as `make serve` runs it, on 127.0.0.1, for a `with` block."""
    port = free_port()
    inspected = inspect(db, work / f"inspect-{label}.json")
    return Server(datasette_serve(db, port, metadata, inspect=inspected), port, work / f"datasette-{label}.log")


def fetch(site: Server, path: str, timeout: float) -> tuple[int, bytes, float]:
    """One GET: status (0 when the request itself failed), body and seconds."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(site.base + path, timeout=timeout) as response:
            body, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        body, status = str(error).encode(), 0
    return status, body, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(site: Server, path: str, requests: int, budget_s: float, timeout: float) -> dict:
    """One warm-up request, then up to `requests` timed ones (fewer when they use up `budget_s`)."""
    status, body, _ = fetch(site, path, timeout)
    times, statuses = [], {status}
    spent = 0.0
    while len(times) < requests and spent < budget_s:
        status, body, seconds = fetch(site, path, timeout)
        times.append(seconds)
        statuses.add(status)
        spent += seconds
    result = {"path": path, "n": len(times), "p50_ms": round(percentile(times, 0.50) * 1000, 1),
              "p95_ms": round(percentile(times, 0.95) * 1000, 1), "status": sorted(statuses), "bytes": len(body)}
    if path.split("?")[0].endswith(".json"):
        try:
            data = json.loads(body)
            # Datasette 0.65's JSON does not list timed-out facets: a requested facet that is missing
            # from facet_results is one that did not finish (it times out, or gives up, silently).
            asked = re.findall(r"_facet(?:_\w+)?=([\w-]+)", path)
            missing = [name for name in asked if name not in (data.get("facet_results") or {})]
            if missing or data.get("facets_timed_out"):
                result["facets_timed_out"] = missing or data["facets_timed_out"]
            if data.get("ok") is False:
                result["error"] = data.get("error")
        except ValueError:
            pass
    return result


def missing_default_facets(site: Server, facets: list[str], timeout: float) -> list[str]:
    """The table's configured facets that a page load did not return (timed out): one JSON request."""
    status, body, _ = fetch(site, "/events/events.json?_size=1", timeout)
    try:
        results = json.loads(body).get("facet_results") or {}
    except ValueError:
        return facets
    return [name for name in facets if name not in results]


def words(db: Path) -> dict:
    """A rare word (in 3-10 events) and the word found in the most events, from the FTS index itself."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    events = conn.execute("select count(*) from events").fetchone()[0]
    conn.execute("create virtual table temp.vocab using fts5vocab(main, events_fts, row)")
    rows = conn.execute("select term, doc from temp.vocab where term glob '[a-z][a-z][a-z][a-z]*' "
                        "and term not glob '*[0-9]*'").fetchall()
    rare = min((r for r in rows if 3 <= r[1] <= 10), key=lambda r: (abs(r[1] - 5), r[0]), default=rows[0])
    common = max(rows, key=lambda r: (r[1], r[0]))
    month = conn.execute("select month from events where month is not null group by month "
                         "order by count(*) desc, month limit 1").fetchone()
    conn.close()
    return {"rare": rare[0], "rare_events": rare[1], "common": common[0], "common_events": common[1],
            "common_share": round(common[1] / events, 3), "month": month[0] if month else "2021-11"}


def endpoints(metadata: dict, vocab: dict) -> list[tuple[str, str, str]]:
    """(name, server, path): server 'site' is the site as configured; 'bare' has no default facets, so
    each facet is measured on its own."""
    month = vocab["month"]
    year, number = int(month[:4]), int(month[5:7])
    last = (dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
    values = {"from": f"{month}-01", "to": last, "q": vocab["common"]}
    table = metadata["databases"]["events"]["tables"]["events"]
    found = [("table", "site", "/events/events"),
             ("search_rare", "site", f"/events/events?_search={urllib.parse.quote(vocab['rare'])}"),
             ("search_common", "site", f"/events/events?_search={urllib.parse.quote(vocab['common'])}")]
    for facet in table.get("facets", []):
        found.append((f"facet:{facet}", "bare", f"/events/events.json?_facet={facet}&_size=0&_nosuggest=1"))
    found.append(("facet_date:date_earliest", "bare", "/events/events.json?_facet_date=date_earliest&_size=0&_nosuggest=1"))
    # every category of an event: a facet on the link table event_categories (the JSON-array facet on
    # events.categories it replaces timed out at 100,000 events)
    found.append(("facet:event_categories.category", "bare",
                  "/events/event_categories.json?_facet=category&_size=0&_nosuggest=1"))
    for name, query in metadata["databases"]["events"].get("queries", {}).items():
        params = query.get("params") or []
        if params:
            args = urllib.parse.urlencode({p: values.get(p, "") for p in params})
            found.append((f"canned:{name}", "site", f"/events/{name}?{args}"))
            if "q" in params:
                found.append((f"canned:{name}(rare)", "site", f"/events/{name}?q={urllib.parse.quote(vocab['rare'])}"))
            if {"from", "to"} & set(params):
                found.append((f"canned:{name}(no dates)", "site", f"/events/{name}"))
        else:
            found.append((f"canned:{name}", "site", f"/events/{name}"))
    return found


def csv_download(site: Server, timeout: float) -> dict:
    """The whole events table as CSV, streamed: does every event arrive, once?"""
    import csv
    import io

    started = time.perf_counter()
    rows, size, ids = 0, 0, set()
    try:
        with urllib.request.urlopen(site.base + "/events/events.csv?_stream=on", timeout=timeout) as response:
            counter = _Counting(io.TextIOWrapper(response, encoding="utf-8", newline=""))
            reader = csv.reader(counter)
            column = next(reader).index("id")
            for row in reader:
                rows += 1
                ids.add(row[column])
            size = counter.size
        status = 200
    except urllib.error.HTTPError as error:
        status = error.code
    return {"rows": rows, "distinct_ids": len(ids), "mb": round(size / 1e6, 1),
            "s": round(time.perf_counter() - started, 2), "status": status}


class _Counting:
    def __init__(self, stream):
        self.stream, self.size = stream, 0

    def __iter__(self):
        for line in self.stream:
            self.size += len(line.encode("utf-8"))
            yield line


def site_latency(db: Path, work: Path, label: str, requests: int, budget_s: float, timeout: float) -> dict:
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    bare = json.loads(json.dumps(metadata))
    bare["databases"]["events"]["tables"]["events"].pop("facets", None)
    bare_path = work / "metadata-bare.json"
    bare_path.write_text(json.dumps(bare))
    vocab = words(db)
    results: dict = {"words": vocab, "endpoints": {}}
    plan = endpoints(metadata, vocab)
    with serving(db, ROOT / "metadata.yml", work, f"{label}-site") as site:
        for name, server, path in plan:
            if server == "site":
                results["endpoints"][name] = measure(site, path, requests, budget_s, timeout)
        facets = metadata["databases"]["events"]["tables"]["events"].get("facets", [])
        results["table_facets_missing"] = missing_default_facets(site, facets, timeout)
        results["csv"] = csv_download(site, timeout=1800)
    with serving(db, bare_path, work, f"{label}-bare") as site:
        for name, server, path in plan:
            if server == "bare":
                results["endpoints"][name] = measure(site, path, requests, budget_s, timeout)
    return results


# -- the machine -----------------------------------------------------------------------------------

def machine() -> dict:
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), 0)
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    import datasette
    import sqlite_utils  # noqa: F401
    from importlib.metadata import version
    return {"nproc": int(nproc or os.cpu_count()), "memory_gib": round(memory / 1024 / 1024, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "datasette": datasette.__version__, "sqlite_utils": version("sqlite-utils"),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}
