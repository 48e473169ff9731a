"""The benchmark's targets, and whether one run meets each (bench/run.py records the verdicts)."""
from __future__ import annotations

# Issue 14's "done when", bar for bar (the build ratios at 100k and 1M, the site at 1M; each run says which
# hold at its own size), and the goal for build / limit recorded beside its bar.
TARGETS = {
    "ratio_limit": ("end-to-end build / limit (insert + FTS)", "<=", 5.0),
    "ratio_limit_goal": ("end-to-end build / limit, the goal", "<=", 2.0),
    "ratio_byhand": ("end-to-end build / by-hand sqlite-utils route", "<=", 1.0),
    "peak_rss_mb": ("peak memory of the build (its largest process's RSS, or its processes' summed PSS "
                    "where larger), MB", "<", 300.0),
    "table": ("events table page p95, ms", "<", 100.0),
    "search_rare": ("rare-word search p95, ms", "<", 100.0),
    "search_common": ("common-word search p95, ms", "<", 500.0),
    "canned": ("slowest canned query p95, ms", "<", 300.0),
    "facets": ("slowest facet page p95, ms", "<", 1000.0),
    "link_precision": ("link precision on the generated corpus", ">=", 0.98),
}


def peak_memory(run: dict) -> float:
    """The build's peak memory: wait4's peak RSS of its largest process, or the sampled peak of the
    summed PSS of all its processes (bench/measure.py's TreeMemory) where that is larger. Runs recorded
    before the sum was measured have only the first."""
    return max(run["peak_rss_mb"], run.get("peak_tree_pss_mb") or 0)


def judge(run: dict, smallest: dict | None) -> dict:
    site = run.get("site", {}).get("bench", {}).get("endpoints", {})
    measured = {"ratio_limit": run["ratio_limit"], "ratio_limit_goal": run["ratio_limit"], "ratio_byhand": run["ratio_byhand"],
                "peak_rss_mb": peak_memory(run)}
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
        growth = round(peak_memory(run) / peak_memory(smallest), 4)
        verdicts["rss_flat"] = {
            "target": f"peak memory flat as N grows (x{run['mentions'] // smallest['mentions']} reports: growth <= 1.25x)",
            "measured": round(growth, 2), "holds": growth <= 1.25}
    return verdicts
