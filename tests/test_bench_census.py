"""bench/census.py: what the main process holds when a stage of a build begins, by type, and the room its
allocator holds that no object fills (a diagnostic; the memory figures themselves are the benchmark's)."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT


def census(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bench.census", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def test_the_seed_build_is_counted_when_its_taxonomy_stage_begins(tmp_path):
    result = census(str(ROOT), "--stage", "taxonomy", "--db", str(tmp_path / "events.db"), "--workers", "1",
                    "--top", "500")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "events.db").exists()  # the build goes on to its end
    head = re.search(r"main RSS ([\d.]+) MB; tracked objects ([\d.]+) MB, untracked ones they hold ([\d.]+) MB",
                     result.stdout)
    assert head and all(float(figure) > 1 for figure in head.groups()), result.stdout
    allocator = dict(re.findall(r"(arenas|in objects|free blocks|unused pools) ([\d.]+)", result.stdout))
    assert set(allocator) == {"arenas", "in objects", "free blocks", "unused pools"}, result.stdout
    assert float(allocator["in objects"]) <= float(allocator["arenas"])
    rows = re.findall(r"^\s+([\d.]+)\s+(\d+)\s+(.+)$", result.stdout, re.MULTILINE)
    types = {name for _, _, name in rows}
    # The build's own records are there, held as the build holds them (each report's text read back).
    assert {"StoredMention", "Event", "DateBounds"} <= types, result.stdout
    assert any(name.startswith("str in ") for name in types)


def test_a_stage_the_build_never_begins_is_an_error_with_exit_2(tmp_path):
    result = census(str(ROOT), "--stage", "no such stage", "--db", str(tmp_path / "events.db"), "--workers", "1")
    assert result.returncode == 2 and "has no stage 'no such stage'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_without_seeds_is_refused_with_exit_2(tmp_path):
    result = census(str(tmp_path), timeout=60)
    assert result.returncode == 2 and "no seeds/ folder" in result.stderr and "Traceback" not in result.stderr
