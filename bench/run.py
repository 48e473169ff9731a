"""The scale benchmark: our build against the baselines on one generated corpus, and the site's latency.

    python bench/run.py --events 10000          # what `make bench N=10000` runs

In one run, one process tree, on the same data:
  1. generate the corpus (bench/generate.py; reused when the same arguments made it before);
  2. our build, `python -m loader build --timings`, as a child process: wall time, peak RSS (from
     wait4's rusage of that child), database size, seconds per stage;
  3. the practical limit: the same final `events` rows inserted with plain sqlite3 executemany in one
     transaction, then an FTS5 index built (bench/baselines.py);
  4. by hand: `sqlite-utils insert` of the same rows from JSON lines, then `sqlite-utils enable-fts`;
  5. the site: `datasette serve -i` with an inspect file and the settings `make serve` uses, on
     127.0.0.1, a bounded loop of requests per endpoint, p50/p95, for the generated database and for
     the seed database;
and writes bench/results.json (every size measured, the latest per size) and the generated part of
bench/RESULTS.md. Ratios compare figures taken in this one run, so a busy machine slows both sides.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402

PYTHON = sys.executable
BIN = Path(PYTHON).parent
GENERATOR_VERSION = 2  # bump when generate.py changes what it writes, so cached corpora are remade

TARGETS = {  # the targets, at 1M events; each run says which hold at its own size
    "ratio_limit": ("end-to-end build / limit (insert + FTS)", "<=", 2.0),
    "ratio_byhand": ("end-to-end build / by-hand sqlite-utils route", "<", 1.0),
    "peak_rss_mb": ("peak RSS of the build, MB", "<", 300.0),
    "table": ("events table page p95, ms", "<", 50.0),
    "search_rare": ("rare-word search p95, ms", "<", 50.0),
    "search_common": ("common-word search p95, ms", "<", 500.0),
    "canned": ("slowest canned query p95, ms", "<", 100.0),
    "facets": ("slowest facet page p95, ms", "<", 1000.0),
    "link_precision": ("link precision on the generated corpus", ">=", 0.98),
}


# -- child processes -------------------------------------------------------------------------------

def run_child(cmd: list[str], log: Path, timeout: float) -> dict:
    """Run cmd to completion; wall seconds, peak RSS (MB) and exit code of that very child."""
    with log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": round(wall, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "rc": process.returncode, "output": log.read_text(errors="replace")}


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

def serve_settings() -> list[str]:
    """The --setting pairs of `make serve`, from settings.json (the one place the Makefile reads too)."""
    settings = json.loads((ROOT / "settings.json").read_text(encoding="utf-8"))
    return [arg for name, value in settings.items()
            for arg in ("--setting", name, json.dumps(value) if isinstance(value, bool) else str(value))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """`datasette serve -i DB --inspect-file ...` on 127.0.0.1, for the length of a `with` block."""

    def __init__(self, db: Path, metadata: Path, work: Path, label: str):
        self.db, self.metadata, self.work, self.label = db, metadata, work, label
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        inspect = self.work / f"inspect-{self.label}.json"
        subprocess.run([str(BIN / "datasette"), "inspect", str(self.db), "--inspect-file", str(inspect)],
                       check=True, cwd=ROOT)
        self.log = (self.work / f"datasette-{self.label}.log").open("w")
        self.process = subprocess.Popen(
            [str(BIN / "datasette"), "serve", "-i", str(self.db), "--inspect-file", str(inspect),
             "--metadata", str(self.metadata), "--host", "127.0.0.1", "--port", str(self.port), *serve_settings()],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.base + "/-/versions.json", timeout=5).read()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None:
                    raise SystemExit(f"datasette exited; see {self.log.name}") from None
                time.sleep(0.2)
        raise SystemExit("datasette did not start in 120 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def get(self, path: str, timeout: float) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as response:
                body, status = response.read(), response.status
        except urllib.error.HTTPError as error:
            body, status = error.read(), error.code
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            body, status = str(error).encode(), 0
        return status, body, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(site: Site, path: str, requests: int, budget_s: float, timeout: float) -> dict:
    """One warm-up request, then up to `requests` timed ones (fewer when they use up `budget_s`)."""
    status, body, _ = site.get(path, timeout)
    times, statuses = [], {status}
    spent = 0.0
    while len(times) < requests and spent < budget_s:
        status, body, seconds = site.get(path, timeout)
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


def missing_default_facets(site: Site, facets: list[str], timeout: float) -> list[str]:
    """The table's configured facets that a page load did not return (timed out): one JSON request."""
    status, body, _ = site.get("/events/events.json?_size=1", timeout)
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
    found.append(("facet_array:categories", "bare", "/events/events.json?_facet_array=categories&_size=0&_nosuggest=1"))
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


def csv_download(site: Site, timeout: float) -> dict:
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
    with Site(db, ROOT / "metadata.yml", work, f"{label}-site") as site:
        for name, server, path in plan:
            if server == "site":
                results["endpoints"][name] = measure(site, path, requests, budget_s, timeout)
        facets = metadata["databases"]["events"]["tables"]["events"].get("facets", [])
        results["table_facets_missing"] = missing_default_facets(site, facets, timeout)
        results["csv"] = csv_download(site, timeout=1800)
    with Site(db, bare_path, work, f"{label}-bare") as site:
        for name, server, path in plan:
            if server == "bare":
                results["endpoints"][name] = measure(site, path, requests, budget_s, timeout)
    return results


# -- report ----------------------------------------------------------------------------------------

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


def judge(run: dict, smallest: dict | None) -> dict:
    site = run.get("site", {}).get("bench", {}).get("endpoints", {})
    measured = {"ratio_limit": run["ratio_limit"], "ratio_byhand": run["ratio_byhand"],
                "peak_rss_mb": run["peak_rss_mb"]}
    if (run.get("linking") or {}).get("precision") is not None:
        measured["link_precision"] = run["linking"]["precision"]
    if site:
        measured["table"] = site["table"]["p95_ms"]
        measured["search_rare"] = site["search_rare"]["p95_ms"]
        measured["search_common"] = site["search_common"]["p95_ms"]
        measured["canned"] = max(v["p95_ms"] for k, v in site.items() if k.startswith("canned:"))
        measured["facets"] = max(v["p95_ms"] for k, v in site.items() if k.startswith("facet"))
    verdicts = {}
    for key, value in measured.items():
        label, op, bound = TARGETS[key]
        holds = value <= bound if op == "<=" else value >= bound if op == ">=" else value < bound
        verdicts[key] = {"target": f"{label} {op} {bound:g}", "measured": value, "holds": holds}
    if site:
        timed_out = sorted(k for k, v in site.items() if v.get("facets_timed_out") or v.get("status") != [200])
        timed_out += [f"table page facet {name}" for name in run["site"]["bench"].get("table_facets_missing", [])]
        verdicts["no_timeouts"] = {"target": "every endpoint answers 200 and no facet times out",
                                   "measured": timed_out or "none", "holds": not timed_out}
        csv_result = run["site"]["bench"]["csv"]
        verdicts["csv_whole"] = {
            "target": "the events CSV downloads whole (every event, once)",
            "measured": f"{csv_result['rows']} rows, {csv_result.get('distinct_ids')} distinct of {run['events']} events",
            "holds": csv_result["rows"] == csv_result.get("distinct_ids") == run["events"]}
    if smallest and smallest["mentions"] < run["mentions"]:
        growth = run["peak_rss_mb"] / smallest["peak_rss_mb"]
        verdicts["rss_flat"] = {
            "target": f"peak RSS flat as N grows (x{run['mentions'] // smallest['mentions']} reports: growth <= 1.25x)",
            "measured": round(growth, 2), "holds": growth <= 1.25}
    return verdicts


def render(results: dict) -> str:
    runs = sorted(results["runs"], key=lambda r: r["mentions"])
    out = []
    add = out.append
    add("| reports (N) | events | documents | build s | events/s | peak RSS MB | db MB | limit s | by hand s "
        "| build/limit | build/by hand |")
    add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        add(f"| {r['mentions']:,} | {r['events']:,} | {r['corpus']['documents']:,} | {r['build_s']} | {r['events_per_s']:,} "
            f"| {r['peak_rss_mb']} | {r['db_mb']} | {r['limit_s']} | {r['byhand_s']} | {r['ratio_limit']} "
            f"| {r['ratio_byhand']} |")
    add("")
    add("Cross-source linking against the generator's answer key (pairs of reports from different documents):")
    add("")
    add("| reports (N) | link precision | link recall | linked pairs | pairs of one event |")
    add("|---:|---:|---:|---:|---:|")
    for r in runs:
        q = r.get("linking") or {}
        add(f"| {r['mentions']:,} | {q.get('precision', '')} | {q.get('recall', '')} | {q.get('linked_pairs', '')} "
            f"| {q.get('same_pairs', '')} |")
    add("")
    add("Seconds per stage of our build (`loader build --timings`):")
    add("")
    stages = list(dict.fromkeys(s for r in runs for s in r["stage_s"]))
    add("| reports (N) | " + " | ".join(stages) + " |")
    add("|---:|" + "---:|" * len(stages))
    for r in runs:
        add(f"| {r['mentions']:,} | " + " | ".join(str(r["stage_s"].get(s, "")) for s in stages) + " |")
    add("")
    add("Baselines in detail (seconds; peak RSS of the child in MB):")
    add("")
    add("| reports (N) | limit insert | limit FTS | limit RSS | by-hand insert | by-hand FTS | by-hand RSS |")
    add("|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        lim, hand = r["limit"], r["byhand"]
        add(f"| {r['mentions']:,} | {lim['insert_s']} | {lim['fts_s']} | {lim['peak_rss_mb']} | {hand['insert_s']} "
            f"| {hand['fts_s']} | {hand['peak_rss_mb']} |")
    for r in runs:
        if "site" not in r:
            continue
        bench, seed = r["site"]["bench"], r["site"].get("seed", {})
        add("")
        add(f"### Site latency, {r['mentions']:,} reports ({r['events']:,} events) beside the seed database")
        add("")
        add(f"Rare word `{bench['words']['rare']}` ({bench['words']['rare_events']} events), common word "
            f"`{bench['words']['common']}` (in {bench['words']['common_share']:.0%} of events); seed database: "
            f"`{seed.get('words', {}).get('rare')}` and `{seed.get('words', {}).get('common')}` "
            f"({seed.get('words', {}).get('common_share', 0):.0%}). Facets are measured one at a time on a server "
            "without the table's default facets (`/events/events.json?_facet=X&_size=0`); everything else on the "
            "site as configured.")
        add("")
        add("| endpoint | p50 ms | p95 ms | n | status | seed p50 ms | seed p95 ms |")
        add("|---|---:|---:|---:|---|---:|---:|")
        for name, m in bench["endpoints"].items():
            s = seed.get("endpoints", {}).get(name, {})
            note = " (facet timed out)" if m.get("facets_timed_out") else ""
            add(f"| {name} | {m['p50_ms']} | {m['p95_ms']} | {m['n']} | {','.join(map(str, m['status']))}{note} "
                f"| {s.get('p50_ms', '')} | {s.get('p95_ms', '')} |")
        missing = bench.get("table_facets_missing")
        if missing is not None:
            add("")
            add(f"Default facets the table page did not return (timed out): {', '.join(missing) or 'none'}.")
        c = bench["csv"]
        add("")
        add(f"Full CSV of the events table (`/events/events.csv?_stream=on`): {c['rows']:,} rows holding "
            f"{c.get('distinct_ids', 0):,} distinct events of {r['events']:,}, {c['mb']} MB in {c['s']} s "
            f"(seed: {seed.get('csv', {}).get('rows')} rows of {seed.get('csv', {}).get('distinct_ids')} distinct).")
    for r in runs:
        if "targets" not in r:
            continue
        add("")
        add(f"### Targets at {r['mentions']:,} reports ({r['events']:,} events)")
        add("")
        add("| target | measured | holds |")
        add("|---|---|---|")
        for t in r["targets"].values():
            add(f"| {t['target']} | {t['measured']} | {'yes' if t['holds'] else '**no**'} |")
    add("")
    add("Runs:")
    add("")
    for r in runs:
        m = r["machine"]
        add(f"- {r['date']}: `{r['command']}`; nproc {m['nproc']}, {m['memory_gib']} GiB, load average at start "
            f"{m['loadavg_at_start']}; Python {m['python']}, SQLite {m['sqlite']}, Datasette {m['datasette']}, "
            f"sqlite-utils {m['sqlite_utils']}; corpus {r['corpus']['documents']} documents, "
            f"{r['corpus']['bytes'] / 1e6:.1f} MB, {r['corpus']['first_day']} to {r['corpus']['last_day']}.")
    return "\n".join(out) + "\n"


def write_report(results: dict) -> None:
    (BENCH / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    path = BENCH / "RESULTS.md"
    begin, end = "<!-- BEGIN GENERATED by bench/run.py -->", "<!-- END GENERATED -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Scale benchmark\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{begin}\n{render(results)}{end}{tail}", encoding="utf-8")


# -- main ------------------------------------------------------------------------------------------

def run_date() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def build_and_baselines(args, run: dict, work: Path, say) -> dict:
    """Generate, build, export the events rows, and time the limit and by-hand routes on them."""
    say("generating the corpus")
    folder, summary = corpus(args.events, args.seed, args.per_day, args.work)
    run["corpus"] = {k: v for k, v in summary.items() if k != "key"}
    db = work / "events.db"
    say("our build: python -m loader build")
    built = our_build(folder / "seeds", folder / "curated", db, work / "build.log", args.timeout)
    jsonl = work / "events.jsonl"
    run["events"] = export_events(db, jsonl)
    run.update({"build_s": built["wall_s"], "peak_rss_mb": built["peak_rss_mb"], "stage_s": built["stage_s"],
                "events_per_s": round(run["events"] / built["wall_s"]), "reports_per_s": round(args.events / built["wall_s"]),
                "db_mb": round(db.stat().st_size / 1e6, 1)})
    run["linking"] = link_quality(db, folder / generate.TRUTH_FILE)
    say(f"built {run['events']} events in {built['wall_s']} s, peak RSS {built['peak_rss_mb']} MB; "
        f"link precision {run['linking']['precision']}, recall {run['linking']['recall']}; the limit")
    run["limit"] = limit_route(jsonl, work / "limit.db", work / "limit.log", args.timeout)
    say("by hand: sqlite-utils insert + enable-fts")
    run["byhand"] = byhand_route(jsonl, work / "byhand.db", work, args.timeout)
    run["limit_s"], run["byhand_s"] = run["limit"]["limit_s"], run["byhand"]["byhand_s"]
    run["ratio_limit"] = round(run["build_s"] / run["limit_s"], 2)
    run["ratio_byhand"] = round(run["build_s"] / run["byhand_s"], 2)
    for name in ("limit.db", "byhand.db"):
        (work / name).unlink(missing_ok=True)

    jsonl.unlink(missing_ok=True)
    return run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Scale benchmark: build, baselines, site latency, in one run.")
    parser.add_argument("--events", type=int, default=10000, help="event reports in the generated corpus")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-day", type=float, default=40.0)
    parser.add_argument("--work", type=Path, default=BENCH / "work")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per endpoint (after one warm-up)")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds of requests per endpoint at most")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds any one step may take")
    parser.add_argument("--no-site", action="store_true", help="skip the site latency part")
    parser.add_argument("--no-record", action="store_true", help="print the run; leave results.json and RESULTS.md alone")
    parser.add_argument("--site-only", action="store_true",
                        help="keep the build and baseline figures of the last run of this size; measure the site again")
    args = parser.parse_args(argv)

    work = args.work / f"n{args.events}"
    work.mkdir(parents=True, exist_ok=True)
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if os.environ.get("MAKELEVEL"):
        command = f"make bench N={args.events}" + (" BENCH_ARGS=--site-only" if args.site_only else "") + f" ({command})"
    run: dict = {"date": run_date(), "command": command,
                 "machine": machine(), "mentions": args.events}
    say = lambda message: print(f"[bench N={args.events}] {message}", file=sys.stderr, flush=True)  # noqa: E731

    if args.site_only:
        run = {**json.loads((work / "run.json").read_text()), **{k: run[k] for k in ("machine",)}}
        run["command"] += f"; site measured again at {run_date()} by: {command}"
    else:
        run = build_and_baselines(args, run, work, say)
    db = work / "events.db"

    if not args.no_site:
        say("site latency: generated database")
        run["site"] = {"bench": site_latency(db, work, "bench", args.requests, args.budget, args.timeout)}
        seed_db = args.work / "seed" / "events.db"
        seed_db.parent.mkdir(parents=True, exist_ok=True)
        say("site latency: seed database")
        our_build(ROOT / "seeds", ROOT / "curated", seed_db, seed_db.parent / "build.log", args.timeout)
        run["site"]["seed"] = site_latency(seed_db, seed_db.parent, "seed", args.requests, args.budget, args.timeout)

    results_path = BENCH / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"runs": []}
    runs = [r for r in results.get("runs", []) if r["mentions"] != args.events] + [run]
    smallest = min(runs, key=lambda r: r["mentions"])
    run["targets"] = judge(run, smallest)
    (work / "run.json").write_text(json.dumps(run, indent=1, ensure_ascii=False))
    if args.no_record:
        print(json.dumps(run, indent=1))
        return 0
    largest = max(runs, key=lambda r: r["mentions"])
    flat = {k: largest.get(k) for k in ("events", "mentions", "build_s", "limit_s", "byhand_s", "ratio_limit",
                                         "ratio_byhand", "peak_rss_mb", "stage_s", "db_mb", "events_per_s", "linking")}
    flat["endpoints"] = {name: {"p50_ms": m["p50_ms"], "p95_ms": m["p95_ms"]}
                         for name, m in largest.get("site", {}).get("bench", {}).get("endpoints", {}).items()}
    results = {"about": "Top-level figures are the largest run's; every run is under 'runs'. See RESULTS.md.",
               **flat, "runs": sorted(runs, key=lambda r: r["mentions"])}
    write_report(results)
    say(f"build/limit {run['ratio_limit']}, build/by hand {run['ratio_byhand']}; wrote bench/results.json and bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
