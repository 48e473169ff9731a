"""How much a linker that sweeps the reports in date order would hold at once, read from a built database.

    python -m bench.window bench/work/n1000000/events.db

The streaming build of issue 14 links across documents over a sliding window of dates: a report is
held from its own first day until no later report can still join what it is linked to. This measures
that bound on a database the present build wrote, so the window can be sized before it is built:

- a component is a set of reports joined by any scored pair the build kept (`event_links`,
  `link_candidates`) or by one event (`event_sources.event_id`);
- a report's days are its own bounds, what its document alone gives it (`own_earliest`..`own_latest`,
  else the date printed in it), the bounds the linker compares;
- it is held from its first day to the last day of any report of its component, plus the linker's
  DATE_SLACK (a later report that starts within it could still be compared);
- `held_peak` is the most reports held on any one day. Flat in N, it says a date-ordered linker's
  memory is bounded by the window, not the corpus.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loader.enrich.link import DATE_SLACK, union_root  # noqa: E402


def _day(iso: str | None) -> int | None:
    return dt.date.fromisoformat(iso).toordinal() if iso else None


class _Components:
    """Union-find over report numbers (the linker's `union_root`), the lower number the root."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def root(self, i: int) -> int:
        return union_root(self.parent, i)

    def join(self, i: int, j: int) -> None:
        ri, rj = self.root(i), self.root(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def held_at_once(db: Path, slack: int = DATE_SLACK) -> dict:
    """The components and the most reports a date-ordered sweep holds on one day (see the module)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        number: dict[tuple[str, int], int] = {}
        first: list[int | None] = []
        last: list[int | None] = []
        events: list[str] = []
        for source, position, earliest, latest, event in conn.execute(
                "select source_id, position, coalesce(own_earliest, reported_earliest), "
                "coalesce(own_latest, reported_latest), event_id from event_sources order by source_id, position"):
            number[(source, position)] = len(first)
            a, b = _day(earliest), _day(latest)
            first.append(a if a is not None else b)
            last.append(b if b is not None else a)
            events.append(event)
        components = _Components(len(first))
        first_of_event: dict[str, int] = {}
        for i, event in enumerate(events):
            components.join(first_of_event.setdefault(event, i), i)
        pairs = 0
        for table in ("event_links", "link_candidates"):
            for a_source, a_position, b_source, b_position in conn.execute(
                    f"select source_a, position_a, source_b, position_b from {table}"):
                i, j = number.get((a_source, a_position)), number.get((b_source, b_position))
                if i is not None and j is not None:
                    components.join(i, j)
                    pairs += 1
    finally:
        conn.close()
    start: dict[int, int] = {}
    end: dict[int, int] = {}
    size: Counter = Counter()
    dated = [i for i in range(len(first)) if first[i] is not None]
    for i in dated:
        r = components.root(i)
        size[r] += 1
        start[r] = min(start.get(r, first[i]), first[i])
        end[r] = max(end.get(r, last[i]), last[i])
    change: Counter = Counter()  # day -> reports taken on minus let go
    for i in dated:
        change[first[i]] += 1
        change[end[components.root(i)] + slack + 1] -= 1
    held = peak = 0
    peak_day = None
    for day in sorted(change):
        held += change[day]
        if held > peak:
            peak, peak_day = held, day
    widest = max(start, key=lambda r: (end[r] - start[r], -r), default=None)
    return {
        "reports": len(first), "undated": len(first) - len(dated), "pairs": pairs, "components": len(size),
        "largest_component": max(size.values(), default=0),
        "widest_component_days": end[widest] - start[widest] + 1 if widest is not None else 0,
        "slack_days": slack, "held_peak": peak,
        "held_peak_share": round(peak / len(first), 4) if first else 0.0,
        "held_peak_day": dt.date.fromordinal(peak_day).isoformat() if peak_day else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path, help="a database `loader build` wrote")
    parser.add_argument("--slack", type=int, default=DATE_SLACK,
                        help="days after a component's last day that a report stays held (the linker's DATE_SLACK)")
    args = parser.parse_args(argv)
    if not args.db.exists():
        parser.error(f"{args.db}: no such file")
    try:
        found = held_at_once(args.db, args.slack)
    except sqlite3.Error as error:
        parser.error(f"{args.db}: not a database `loader build` wrote ({error})")
    print(json.dumps(found, indent=1))


if __name__ == "__main__":
    main()
