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
import os
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))  # run as a script: the bench package
from bench import generate  # noqa: E402
from bench.judge import judge  # noqa: E402
from bench.measure import (byhand_route, corpus, export_events, limit_route, link_quality, machine,  # noqa: E402
                           our_build, site_latency)
from bench.render import write_report  # noqa: E402
from bench.site import ServerFailed  # noqa: E402


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
    run.update({"build_s": built["wall_s"], "peak_rss_mb": built["peak_rss_mb"],
                "peak_tree_pss_mb": built["peak_tree_pss_mb"], "stage_s": built["stage_s"],
                "events_per_s": round(run["events"] / built["wall_s"]), "reports_per_s": round(args.events / built["wall_s"]),
                "db_mb": round(db.stat().st_size / 1e6, 1)})
    run["linking"] = link_quality(db, folder / generate.TRUTH_FILE)
    say(f"built {run['events']} events in {built['wall_s']} s, peak RSS {built['peak_rss_mb']} MB "
        f"(summed PSS of its processes {built['peak_tree_pss_mb']} MB); "
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
        seed_db = args.work / "seed" / "events.db"
        seed_db.parent.mkdir(parents=True, exist_ok=True)
        try:
            run["site"] = {"bench": site_latency(db, work, "bench", args.requests, args.budget, args.timeout)}
            say("site latency: seed database")
            our_build(ROOT / "seeds", ROOT / "curated", seed_db, seed_db.parent / "build.log", args.timeout)
            run["site"]["seed"] = site_latency(seed_db, seed_db.parent, "seed", args.requests, args.budget,
                                               args.timeout)
        except ServerFailed as error:
            raise SystemExit(f"datasette: {error}") from error

    results_path = BENCH / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"runs": []}
    runs = [r for r in results.get("runs", []) if r["mentions"] != args.events] + [run]
    smallest = min(runs, key=lambda r: r["mentions"])
    run["targets"] = judge(run, smallest)
    (work / "run.json").write_text(json.dumps(run, indent=1, ensure_ascii=False))
    if args.no_record:
        print(json.dumps(run, indent=1))
        return 0
    for recorded in runs:  # every run judged again from its figures: the bars are the same for all
        recorded["targets"] = judge(recorded, smallest)
    largest = max(runs, key=lambda r: r["mentions"])
    flat = {k: largest.get(k) for k in ("events", "mentions", "build_s", "limit_s", "byhand_s", "ratio_limit",
                                         "ratio_byhand", "peak_rss_mb", "peak_tree_pss_mb", "stage_s", "db_mb", "events_per_s", "linking")}
    flat["endpoints"] = {name: {"p50_ms": m["p50_ms"], "p95_ms": m["p95_ms"]}
                         for name, m in largest.get("site", {}).get("bench", {}).get("endpoints", {}).items()}
    results = {"about": "Top-level figures are the largest run's; every run is under 'runs'. See RESULTS.md.",
               **flat, "runs": sorted(runs, key=lambda r: r["mentions"])}
    write_report(results)
    say(f"build/limit {run['ratio_limit']}, build/by hand {run['ratio_byhand']}; wrote bench/results.json and bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
