"""bench/phases.py: the largest main-process RSS and summed PSS in each phase of one build (a diagnostic
for where the build's memory peaks; the figures themselves are the benchmark's business)."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def test_the_seed_build_reports_each_phase_it_sampled_with_both_figures(tmp_path):
    db = tmp_path / "events.db"
    result = subprocess.run([sys.executable, "-m", "bench.phases", str(ROOT), "--db", str(db), "--workers", "1",
                             "--every", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert db.exists()
    rows = re.findall(r"^(.+?)\s+(\d+\.\d)\s+(\d+\.\d)\s+(\d+\.\d)$", result.stdout, re.MULTILINE)
    phases = {name.strip(): (float(rss), float(pss), float(peak)) for name, rss, pss, peak in rows}
    # Each stage of the build, however short, and the build's first moments before any.
    assert {"start", "read", "links", "events", "dates", "write", "statements", "taxonomy"} <= set(phases), result.stdout
    assert all(rss > 10 and pss > 10 for rss, pss, _ in phases.values())
    # The exact peak of a phase is at least any RSS sampled in it, within 1 MB: the kernel counts a
    # process's pages per CPU and folds them in by batches (the two figures are read at different times).
    assert all(peak >= rss - 1.0 for rss, _, peak in phases.values()), result.stdout
    # The mark starts again with each phase: one after a higher one can show less (unreset, marks only rise).
    peaks = [peak for _, _, peak in phases.values()]
    assert any(later < earlier for earlier, later in zip(peaks, peaks[1:])), result.stdout


def test_a_folder_without_seeds_is_refused_with_exit_2(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bench.phases", str(tmp_path)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and "no seeds/ folder" in result.stderr and "Traceback" not in result.stderr
