"""The calendar the loader reads dates with (loader/parse/datetext.py, the one place for it): how many days
bounds allow, the days a partial date covers, which partial dates are real, and the window a registry
entry's month-precise coverage gives a document.
"""
import sqlite3

import pytest

from conftest import ROOT, run_build
from loader.parse.datetext import first_day, gap_days, is_real_date, last_day, width_days

TIMELINE = ROOT / "tests" / "documents" / "dates" / "timeline-2019.txt"


@pytest.mark.parametrize("earliest, latest, days", [
    ("2021-12-15", "2021-12-15", 1),  # a known day is one day, not zero
    ("2021-12-15", "2021-12-16", 2),
    ("2021-12-01", "2021-12-31", 31),
    ("2023-12-31", "2024-01-01", 2),
    ("2024-02-01", "2024-03-01", 30),  # across a leap day
    (None, "2021-12-31", None),  # an unknown bound: no width
    ("2021-12-01", None, None),
])
def test_width_days_counts_both_bounds(earliest, latest, days):
    assert width_days(earliest, latest) == days


@pytest.mark.parametrize("lo, hi, other_lo, other_hi, gap", [
    ("2019-06-05", "2019-06-05", "2019-06-06", "2019-06-06", 1),  # a day apart
    ("2019-06-06", "2019-06-06", "2019-06-01", "2019-06-05", 1),  # after the other range
    ("2019-06-01", "2019-06-10", "2019-06-10", "2019-06-12", 0),  # sharing a day: overlapping
    ("2019-12-30", "2019-12-31", "2020-01-03", "2020-01-03", 3),
])
def test_gap_days_between_two_ranges_of_days(lo, hi, other_lo, other_hi, gap):
    assert gap_days(lo, hi, other_lo, other_hi) == gap


@pytest.mark.parametrize("value, first, last", [
    ("2021", "2021-01-01", "2021-12-31"),
    ("2021-09", "2021-09-01", "2021-09-30"),
    ("2024-02", "2024-02-01", "2024-02-29"),  # a leap year
    ("2023-02", "2023-02-01", "2023-02-28"),
    ("2021-12-17", "2021-12-17", "2021-12-17"),  # a day is its own bounds
    (None, None, None),
])
def test_a_partial_date_covers_every_day_of_its_month_or_year(value, first, last):
    assert (first_day(value), last_day(value)) == (first, last)


@pytest.mark.parametrize("value, real", [
    ("2021", True), ("2021-02", True), ("2024-02-29", True),
    ("0000", False), ("2021-13", False), ("2023-02-29", False), ("2021-02-30", False),
])
def test_a_partial_date_is_real_only_when_the_calendar_has_it(value, real):
    assert is_real_date(value) is real


def test_a_registry_coverage_given_as_months_bounds_the_document_by_their_first_and_last_days(tmp_path):
    """A registry may give coverage to the month ("2019-06"): the window is that month's first to last day.
    The test timeline's December item then lies outside it, and the build says so with the window."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / TIMELINE.name).write_bytes(TIMELINE.read_bytes())
    (seeds / "sources.yml").write_text(
        f"- id: tl-2019\n  file: {TIMELINE.name}\n  format: timeline\n"
        "  coverage_start: '2019-06'\n  coverage_end: '2019-06'\n", encoding="utf-8")
    result = run_build(seeds, tmp_path / "events.db")
    assert result.exit_code == 0, result.output
    assert ("entry dated 'December 2, 2019' lies outside the document's coverage 2019-06-01 to 2019-06-30"
            in result.output)
    assert "'June 6, 2019' lies outside" not in result.output  # the month's own days are inside it
    conn = sqlite3.connect(tmp_path / "events.db")
    assert conn.execute("select coverage_start, coverage_end from sources where id = 'tl-2019'").fetchone() \
        == ("2019-06", "2019-06")  # the registry's value, as precise as it was given
