"""The chronology format: header, one entry per paragraph, printed or stripped dates."""
from loader.parse import chronology, detect_format

from conftest import CC_2020, CC_2021, seed_text

PRINTED = """China - Russia

Chronology from Sep 2021 to Dec 2021

Dec. 15, 2021: Putin holds talks, via videoconference, with Xi Jinping.

Nov. 30-Dec. 2, 2021: A meeting that spans two months.

Sept. 23-25, 2021: SCO holds a three-day exercise.

: An entry whose date was stripped.

Date Range"""


def test_the_2021_seed_chronology_holds_39_entries_and_its_header():
    parsed = chronology.parse(seed_text(CC_2021))
    assert len(parsed.mentions) == 39
    assert parsed.header == {"parties": ["China", "Russia"], "coverage_start": "2021-09-01", "coverage_end": "2021-12-31"}
    assert parsed.problems == []


def test_the_2020_seed_chronology_holds_36_entries():
    parsed = chronology.parse(seed_text(CC_2020))
    assert len(parsed.mentions) == 36
    assert parsed.header["coverage_start"] == "2020-09-01"
    assert parsed.header["coverage_end"] == "2020-12-31"


def test_every_offset_points_at_its_excerpt():
    for name in (CC_2021, CC_2020):
        text = seed_text(name)
        for mention in chronology.parse(text).mentions:
            assert text[mention.start : mention.end] == mention.excerpt
            assert not mention.excerpt.startswith(":")


def test_trailing_date_range_boilerplate_is_not_an_event():
    parsed = chronology.parse(seed_text(CC_2021))
    assert all("Date Range" not in m.excerpt for m in parsed.mentions)
    assert parsed.mentions[-1].excerpt.startswith("Shanghai Cooperation Organization finance ministers")


def test_stripped_entries_carry_no_date_from_the_parser():
    assert all(m.date is None and m.reported_date is None for m in chronology.parse(seed_text(CC_2021)).mentions)


def test_printed_dates_as_published_chronologies_print_them():
    parsed = chronology.parse(PRINTED)
    single, across_months, days, stripped = parsed.mentions
    assert (single.reported_date, single.date.earliest, single.date.latest, single.date.end) == (
        "Dec. 15, 2021", "2021-12-15", "2021-12-15", None)
    assert (across_months.date.earliest, across_months.date.end) == ("2021-11-30", "2021-12-02")
    assert (days.date.earliest, days.date.latest, days.date.end) == ("2021-09-23", "2021-09-23", "2021-09-25")
    assert single.excerpt == "Putin holds talks, via videoconference, with Xi Jinping."
    assert stripped.date is None
    assert all(m.date.method == "explicit" for m in (single, across_months, days))
    assert [m.position for m in parsed.mentions] == [1, 2, 3, 4]


def test_a_paragraph_that_is_not_an_entry_is_reported_with_its_line():
    text = PRINTED.replace("Date Range", "Something else entirely")
    problems = chronology.parse(text, "x.txt").problems
    assert [(p.file, p.line, p.severity) for p in problems] == [("x.txt", 13, "warning")]


def test_a_chronology_without_its_coverage_header_is_an_error():
    problems = chronology.parse("China - Russia\n\n: An entry.\n", "x.txt").problems
    assert any(p.severity == "error" and "header" in p.message for p in problems)


def test_an_impossible_coverage_range_is_an_error():
    text = PRINTED.replace("from Sep 2021 to Dec 2021", "from Dec 2021 to Sep 2021")
    problems = chronology.parse(text, "x.txt").problems
    assert any(p.severity == "error" and p.line == 3 for p in problems)


def test_chronologies_are_detected_from_their_text():
    assert detect_format(seed_text(CC_2021)) == "chronology"
    assert detect_format(PRINTED) == "chronology"
