"""The generated part of bench/RESULTS.md, and bench/results.json, from the recorded runs."""
from __future__ import annotations

import json

from bench.site import ROOT

BENCH = ROOT / "bench"


def render(results: dict) -> str:
    runs = sorted(results["runs"], key=lambda r: r["mentions"])
    out = []
    add = out.append
    add("| reports (N) | events | documents | build s | events/s | peak RSS MB | summed PSS MB | db MB | limit s "
        "| by hand s | build/limit | build/by hand |")
    add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        add(f"| {r['mentions']:,} | {r['events']:,} | {r['corpus']['documents']:,} | {r['build_s']} | {r['events_per_s']:,} "
            f"| {r['peak_rss_mb']} | {r.get('peak_tree_pss_mb') or ''} | {r['db_mb']} | {r['limit_s']} | {r['byhand_s']} "
            f"| {r['ratio_limit']} | {r['ratio_byhand']} |")
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
