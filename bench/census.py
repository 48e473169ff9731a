"""What a build holds when one of its stages begins: the main process's Python objects by type, who holds
its strings and ints, and how much of the room its allocator holds no object fills.

    python -m bench.census bench/work/corpus-1000000 --stage taxonomy [--workers 2] [--top 25]

Runs `loader build` in this process (its worker processes as `make bench` runs them) and, the first time
stage `--stage` begins (`--timings`' names), stops to count, then lets the build finish:

- every object the garbage collector tracks (the build's records, lists, dicts, arrays), by type, with
  `sys.getsizeof`; then each untracked object they refer to (strings, ints, floats), once each, by type,
  and the strings, ints and tuples by the type of the first object found holding them;
- pymalloc's own account (`sys._debugmallocstats`): its arenas, the bytes in objects, and the bytes in
  free blocks and unused pools, which the process holds though no object is there (freed by an earlier
  stage, kept by the allocator while any object shares its arena).

The counts are taken before the census's own lists are made, the RSS before either. A diagnostic, not a
benchmark: at a million reports the counting takes about a minute and some 200 MB of its own.
"""
from __future__ import annotations

import collections
import contextlib
import gc
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.phases import build_here, build_parser, corpus_arguments, rss_mb  # noqa: E402
from loader import timings  # noqa: E402

OWNED = ("str", "int", "tuple")  # untracked kinds whose holders are counted too
ALLOCATOR = {  # pymalloc's lines (sys._debugmallocstats), by what each one says
    "arenas": r"^\d+ arenas \* \d+ bytes/arena\s*=\s*([\d,]+)",
    "in objects": r"^# bytes in allocated blocks\s*=\s*([\d,]+)",
    "free blocks": r"^# bytes in available blocks\s*=\s*([\d,]+)",
    "unused pools": r"^\d+ unused pools \* \d+ bytes\s*=\s*([\d,]+)",
}


def allocator() -> dict[str, int]:
    """pymalloc's figures in bytes (ALLOCATOR), read from what sys._debugmallocstats writes to fd 2."""
    with tempfile.TemporaryFile() as captured:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(captured.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        captured.seek(0)
        text = captured.read().decode("utf-8", "replace")
    found = {}
    for name, pattern in ALLOCATOR.items():
        match = re.search(pattern, text, re.MULTILINE)
        if match:
            found[name] = int(match.group(1).replace(",", ""))
    return found


class Census:
    """Bytes and counts per type, of the tracked objects, their untracked referents, and who holds those."""

    def __init__(self):
        self.taken = False  # `take` has run
        self.rss_mb = 0.0
        self.tracked: collections.Counter = collections.Counter()
        self.tracked_count: collections.Counter = collections.Counter()
        self.untracked: collections.Counter = collections.Counter()
        self.untracked_count: collections.Counter = collections.Counter()
        self.owners: collections.Counter = collections.Counter()  # (kind, holder type) -> bytes
        self.owners_count: collections.Counter = collections.Counter()
        self.allocator: dict[str, int] = {}

    def take(self) -> None:
        self.taken = True
        self.rss_mb = rss_mb()
        gc.unfreeze()  # the build freezes what it keeps (build.keeping): get_objects sees only the unfrozen
        gc.collect()
        self.allocator = allocator()
        objects = gc.get_objects()
        seen = {id(o) for o in objects}
        for o in objects:
            kind = type(o).__name__
            self.tracked[kind] += sys.getsizeof(o)
            self.tracked_count[kind] += 1
        for o in objects:
            for referent in gc.get_referents(o):
                if id(referent) in seen:
                    continue
                seen.add(id(referent))
                kind, size = type(referent).__name__, sys.getsizeof(referent)
                self.untracked[kind] += size
                self.untracked_count[kind] += 1
                if kind in OWNED:
                    self.owners[(kind, type(o).__name__)] += size
                    self.owners_count[(kind, type(o).__name__)] += 1
        del objects, seen
        gc.freeze()

    def report(self, stage: str, top: int) -> str:
        lines = [f"at the start of stage {stage!r}: main RSS {self.rss_mb:.1f} MB; "
                 f"tracked objects {sum(self.tracked.values()) / 1e6:.1f} MB, "
                 f"untracked ones they hold {sum(self.untracked.values()) / 1e6:.1f} MB"]
        if self.allocator:
            lines.append("pymalloc, MB: " + ", ".join(f"{name} {value / 1e6:.1f}" for name, value in self.allocator.items()))
        for title, sizes, counts in (("tracked, by type", self.tracked, self.tracked_count),
                                     ("untracked, by type", self.untracked, self.untracked_count),
                                     ("untracked, by kind and holder", self.owners, self.owners_count)):
            lines.append(f"{title}:")
            lines.append(f"{'MB':>9} {'objects':>10}  type")
            for kind, size in sizes.most_common(top):
                name = kind if isinstance(kind, str) else f"{kind[0]} in {kind[1]}"
                lines.append(f"{size / 1e6:9.2f} {counts[kind]:10d}  {name}")
        return "\n".join(lines)


def watch(stage: str, census: Census) -> None:
    """Take `census` the first time `stage` begins."""
    original = timings.Timings.stage

    @contextlib.contextmanager
    def counted(self, name):
        if name == stage and not census.taken:
            census.take()
        with original(self, name):
            yield
    timings.Timings.stage = counted


def main(argv: list[str] | None = None) -> None:
    parser = build_parser(__doc__, Path("/tmp/census.db"))
    parser.add_argument("--stage", default="taxonomy", help="the stage at whose first start to count")
    parser.add_argument("--top", type=int, default=20, help="types shown per table")
    args = corpus_arguments(parser, argv)
    census = Census()
    watch(args.stage, census)
    code = build_here(args.corpus, args.db, args.workers)
    if code:
        sys.exit(code)
    if not census.taken:
        print(f"bench.census: error: the build has no stage {args.stage!r} (see `loader build --timings`)",
              file=sys.stderr)
        sys.exit(2)
    print(census.report(args.stage, args.top))


if __name__ == "__main__":
    main()
