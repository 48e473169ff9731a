"""Where a build's memory peaks: the largest main-process RSS and summed PSS in each phase of one build.

    python -m bench.phases bench/work/corpus-1000000 [--workers 2] [--db /tmp/phases.db]

Runs `loader build` in this process (the build and its worker processes as `make bench` runs them) while
a thread samples, every `--every` seconds, the main process's VmRSS and the summed PSS of the main
process and all its descendants (the document workers, the forked scorer): the two figures `make bench`
judges the memory target on. Each sample counts towards the phase running then: the build's stages
(`--timings`' names; "NAME (after)" is the time between stage NAME and the next), and inside the links
stage its parts: scoring the pairs (where the forked scorer runs beside the main process), the outcome
links, and making the clusters; each phase is also sampled as it first begins. A peak shorter than
`--every` can be missed by the samples, so the main process's peak is also read exactly: the kernel's
high-water mark of its RSS (VmHWM), read as each phase ends and set back to the RSS of the moment
(`/proc/self/clear_refs`) as the next begins. At corpus-1000000 the samples put the links stage's
largest main RSS at 765 MB, its high-water mark at 837. A diagnostic, not a benchmark: the sampling costs
a little time, and this process's own peak (its rusage) is no longer the build's once the mark is reset.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loader import timings  # noqa: E402
from loader.enrich import link  # noqa: E402

LINK_PHASES = {"_score_candidates": "links: scoring", "outcome_links": "links: outcome links"}


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next((int(line.split()[1]) / 1024 for line in rollup if line.startswith("Pss:")), 0.0)
    except OSError:  # the process has ended
        return 0.0


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith(field + ":"))


def rss_mb() -> float:
    return _status_mb("VmRSS")


def reset_high_water_mark() -> bool:
    """Set this process's VmHWM back to its RSS now; False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _descendants(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in map(int, children.read().split()):
                    found += [child, *_descendants(child)]
    except OSError:
        pass
    return found


class Phases:
    """The phase running now, and the largest (main RSS, summed PSS) seen in each, in order of first sight."""

    def __init__(self):
        self.now = "start"
        self.peaks: dict[str, tuple[float, float]] = {}
        self.high_water: dict[str, float] = {}  # per phase, the main process's exact peak RSS (VmHWM)
        self.exact = reset_high_water_mark()  # the mark starts from the RSS of the build's start
        self._lock = threading.Lock()

    def sample(self) -> None:
        me = os.getpid()
        pss = _pss_mb(me) + sum(_pss_mb(child) for child in _descendants(me))
        with self._lock:  # the RSS read in the phase it counts towards (its high-water mark is at least that)
            most_rss, most_pss = self.peaks.get(self.now, (0.0, 0.0))
            self.peaks[self.now] = (max(most_rss, rss_mb()), max(most_pss, pss))

    def enter(self, name: str) -> None:
        """`name` runs from now on; a phase seen for the first time is sampled at once, so that every phase
        has a figure however short it is. The phase that ends takes the high-water mark reached since it
        began (a phase that runs again, the larger of its runs'), and the mark starts again from now."""
        with self._lock:
            self.close_phase()
            self.now = name
        if name not in self.peaks:
            self.sample()

    def close_phase(self) -> None:
        """Give the phase running now the high-water mark reached since it began, and reset the mark."""
        if self.exact:
            self.high_water[self.now] = max(self.high_water.get(self.now, 0.0), _status_mb("VmHWM"))
            reset_high_water_mark()

    @contextlib.contextmanager
    def within(self, name: str):
        before = self.now
        self.enter(name)
        try:
            yield
        finally:
            self.enter(before)

    def watch(self) -> None:
        """Mark each build stage, and the links stage's parts, as its phase (the loader's own functions wrapped)."""
        stage = timings.Timings.stage
        phases = self

        @contextlib.contextmanager
        def marked(self, name):
            inside_links = phases.now.startswith("links:")
            if not inside_links:
                phases.enter(name)
            with stage(self, name):
                yield
            if not inside_links:
                phases.enter(f"{name} (after)")
        timings.Timings.stage = marked
        for function, name in LINK_PHASES.items():
            setattr(link, function, self._marking(getattr(link, function), name))
        link.Clusters.groups = self._marking(link.Clusters.groups, "links: clusters")

    def _marking(self, function, name):
        def marked(*args, **kwargs):
            with self.within(name):
                return function(*args, **kwargs)
        return marked


def build_here(corpus: Path, db: Path, workers: int) -> int:
    """`loader build --quiet` of a corpus folder (seeds/, curated/) in this process: its exit code (0: built;
    a failed build has said why)."""
    from loader.cli import cli
    try:
        return cli.main(["build", "--quiet", "--seeds", str(corpus / "seeds"), "--curated", str(corpus / "curated"),
                         "--db", str(db), "--workers", str(workers)], standalone_mode=False) or 0
    except SystemExit as exit:
        return exit.code


def build_parser(doc: str, db: Path) -> argparse.ArgumentParser:
    """The arguments of a tool that builds one corpus in this process (`build_here`): the corpus folder,
    `--db` (by default `db`) and `--workers`; the tool adds its own."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder with seeds/ and curated/ (bench/work/corpus-N)")
    parser.add_argument("--db", type=Path, default=db, help="the database to build")
    parser.add_argument("--workers", type=int, default=2)
    return parser


def corpus_arguments(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The parsed arguments; a corpus folder without seeds/ is refused (exit 2)."""
    args = parser.parse_args(argv)
    if not (args.corpus / "seeds").is_dir():
        parser.error(f"{args.corpus}: no seeds/ folder")
    return args


def main(argv: list[str] | None = None) -> None:
    parser = build_parser(__doc__, Path("/tmp/phases.db"))
    parser.add_argument("--every", type=float, default=0.2, help="seconds between samples")
    args = corpus_arguments(parser, argv)
    phases = Phases()
    phases.watch()
    stop = threading.Event()

    def sampling():
        while not stop.is_set():
            phases.sample()
            stop.wait(args.every)
    sampler = threading.Thread(target=sampling, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        code = build_here(args.corpus, args.db, args.workers)
    finally:
        stop.set()
        sampler.join()
        with phases._lock:
            phases.close_phase()
    if code:
        sys.exit(code)
    print(f"built in {time.perf_counter() - started:.1f} s; largest per phase, MB (main peak: the exact high-water "
          "mark of the main process's RSS; the others sampled):")
    print(f"{'phase':<28} {'main RSS':>9} {'summed PSS':>11} {'main peak':>10}")
    for name, (rss, pss) in phases.peaks.items():
        peak = phases.high_water.get(name)
        print(f"{name:<28} {rss:9.1f} {pss:11.1f} {'-' if peak is None else f'{peak:.1f}':>10}")


if __name__ == "__main__":
    main()
