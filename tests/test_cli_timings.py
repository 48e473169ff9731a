"""`loader build --timings` and the progress bar's switches. No timing is asserted: speed is `make bench`'s."""
from __future__ import annotations

import json

from conftest import SEEDS, run_build

def test_timings_print_one_json_line_of_stage_seconds(tmp_path):
    result = run_build(SEEDS, tmp_path / "events.db", "--timings")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("timings: "))
    stages = json.loads(line[len("timings: "):])
    assert {"read", "parse", "dates", "actors", "links", "events", "statements", "write", "indexes", "fts"} <= set(stages)
    assert all(isinstance(v, float) and v >= 0 for v in stages.values())


def test_no_progress_bar_when_not_on_a_terminal(tmp_path):
    result = run_build(SEEDS, tmp_path / "events.db")  # Click's runner: not a terminal
    assert result.exit_code == 0, result.output
    assert "Reading documents" not in result.output and "Linking" not in result.output
