"""Properties of every parser and of date propagation, over arbitrary and document-like text (hypothesis).

  - arbitrary text never crashes a parser or format detection;
  - every offset points at its excerpt, and every line number is the line the excerpt starts on;
  - date bounds never invert (earliest <= latest <= end);
  - parsing is deterministic.

By default the examples are derandomized and few (quick, and the same on every run and in CI).
For a longer random search: HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/test_properties.py
"""
from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from loader.enrich.dates import date_document, month_of
from loader.model import DateBounds, SourceInfo
from loader.parse import article, chronology, detect_format, timeline
from loader.parse.datetext import DATE_LABEL, bounds_from_label
from loader.parse.text import paragraphs, sentences

settings.register_profile("quick", max_examples=60, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Sep", "Oct.", "Nov.", "Dec.",
          "January", "February", "December"]

date_label = st.builds(
    lambda m, d, rest, y: f"{m} {d}{rest}, {y}",
    st.sampled_from(MONTHS), st.integers(0, 40),
    st.one_of(st.just(""), st.builds(lambda d: f"-{d}", st.integers(0, 40)),
              st.builds(lambda m, d: f"-{m} {d}", st.sampled_from(MONTHS), st.integers(0, 40))),
    st.sampled_from(["0000", "0001", "1999", "2020", "2021", "2024", "9999"]),
)

# Pieces of real documents: headers, entry labels, timeline items, cues, abbreviations, odd whitespace.
piece = st.one_of(
    st.sampled_from([
        "China - Russia", "Chronology from Sep 2021 to Dec 2021", "Chronology from Dec 2021 to Sep 2021",
        "Chronology from Smarch 2021 to Dec 2021", ": ", ":", "Date Range", "Political/Economic: On ", "Military: On ",
        "Tech: On ", ", ", ". ", "? ", "! ", "… ", "Dec.", "U.S.", "Mr.", "Putin", "Xi Jinping", "on Monday",
        "last week", "last month", "last year", "In October", "on November 19", "will hold a summit",
        "[1]", "Photo:", " ", "\t", "\n", "\n\n", "\r\n", "\r\n\r\n", "\n \n", "\u00a0", "\n\u00a0\n", "\u2028",
        "\ufeff", "“", "”", "’", "(", ")", "Special Dispatch No. 9684",
        "Russia and China held talks on security and trade with many officials present",
    ]),
    date_label,
    st.text(max_size=12),
)
documentish = st.lists(piece, max_size=40).map("".join)

# Well-formed documents, so that the parsers' main paths (not only their rejections) are exercised.
word = st.one_of(st.sampled_from(["Putin", "Xi", "Lavrov", "talks", "U.S.", "Dec.", "joint", "patrol", "“color”",
                                  "Moscow", "China’s", "on", "Monday", "(SCO)", "5-6", "—", "mr.", "Beijing"]),
                 st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8))
body = st.builds(lambda first, rest: first + "".join(sep + w for sep, w in rest), word,
                 st.lists(st.tuples(st.sampled_from([" ", "  ", "\n", ", ", ". ", "\u00a0", "\r\n", ": "]), word),
                          max_size=12))
blank = st.sampled_from(["\n\n", "\r\n\r\n", "\n \n", "\n\n\n", "\n\u00a0\n", "\n\t\n  "])
coverage_line = st.builds(lambda a, b: f"Chronology from {a} to {b}",
                          st.sampled_from(["Sep 2021", "Jan 2020", "Dec 2021", "Feb 2024", "Smarch 2021"]),
                          st.sampled_from(["Dec 2021", "Sep 2021", "Mar 2020", "Feb 2024"]))
chronology_entry = st.tuples(st.one_of(st.just(""), date_label), st.sampled_from([": ", ":", " : ", ":\t"]), body)
chronology_doc = st.builds(
    lambda parties, cover, sep, entries: sep.join([p for p in (parties, cover) if p] + [label + c + b for label, c, b in entries]),
    st.sampled_from(["China - Russia", "", "Japan – Korea"]), coverage_line, blank, st.lists(chronology_entry, max_size=8))
timeline_item = st.tuples(st.sampled_from(["Political", "Military", "Political/Economic", "Tech", "Energy / Trade"]),
                          date_label, st.sampled_from([", ", " ", ",\u00a0"]), body)
timeline_doc = st.builds(
    lambda intro, sep, items: sep.join([intro] + [f"{c}: On {d}{s}{b}" for c, d, s, b in items]),
    body, blank, st.lists(timeline_item, max_size=8))
sentence = st.builds(lambda b, cue, end: f"{b} {cue} {b}{end}",
                     body, st.one_of(st.sampled_from(["on Monday", "last week", "last month", "last year", "In October",
                                                      "in January", "on November 19", "will meet on Friday"]),
                                     date_label.map(lambda d: "on " + d)),
                     st.sampled_from([".", "!", "?", "", ".”"]))
article_doc = st.builds(lambda dateline, sep, paras: sep.join(([dateline] if dateline else []) + [" ".join(s) for s in paras]),
                        st.one_of(st.just(""), date_label.map(lambda d: d + " Special Dispatch No. 1")), blank,
                        st.lists(st.lists(sentence, min_size=1, max_size=4), max_size=5))
any_text = st.one_of(st.text(max_size=300), documentish, chronology_doc, timeline_doc, article_doc)
published = st.one_of(st.none(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
                      st.sampled_from(["2021", "2021-12", "garbage"]))


def check_bounds(date) -> None:
    if date is None or date.earliest is None:
        return
    assert date.latest is not None
    assert date.earliest <= date.latest, date
    if date.end is not None:
        assert date.earliest <= date.end, date
    for value in (date.earliest, date.latest, date.end):
        if value is not None:
            dt.date.fromisoformat(value)  # a real day, not just a string


def check_mentions(text: str, parsed) -> None:
    positions = [m.position for m in parsed.mentions]
    assert positions == list(range(1, len(positions) + 1))
    for mention in parsed.mentions:
        assert 0 <= mention.start <= mention.end <= len(text)
        assert text[mention.start:mention.end] == mention.excerpt
        assert mention.excerpt and mention.excerpt == mention.excerpt.strip()
        assert mention.line == text.count("\n", 0, mention.start) + 1
        assert 0 <= mention.lead <= len(mention.excerpt)
        check_bounds(mention.date)
    for problem in parsed.problems:
        assert problem.severity in ("warning", "error")
        assert problem.line is None or 1 <= problem.line <= text.count("\n") + 1


@given(any_text)
def test_chronology_parser(text):
    parsed = chronology.parse(text, "x.txt")
    check_mentions(text, parsed)
    assert chronology.parse(text, "x.txt") == parsed
    start, end = parsed.header.get("coverage_start"), parsed.header.get("coverage_end")
    assert (start is None) == (end is None)
    assert start is None or start <= end


@given(chronology_doc)
def test_a_well_formed_chronology_gives_one_mention_per_entry_with_its_text(text):
    parsed = chronology.parse(text, "x.txt")
    check_mentions(text, parsed)
    if any(p.severity == "error" for p in parsed.problems):
        return  # an impossible header: the build stops with that error
    entries = [p for p in paragraphs(text)[1:] if chronology.ENTRY_LABEL.match(p.text)]
    assert len(parsed.mentions) == len(entries)
    for mention, para in zip(parsed.mentions, entries):
        label = chronology.ENTRY_LABEL.match(para.text)
        assert mention.excerpt == para.text[label.end():].rstrip()
        assert mention.line == para.line
        assert mention.reported_date == (para.text[:label.end()].rstrip(": \t") if label["y"] else None)


@given(timeline_doc)
def test_a_well_formed_timeline_gives_one_mention_per_item_keeping_its_lead(text):
    parsed = timeline.parse(text, "x.txt")
    check_mentions(text, parsed)
    items = [p for p in paragraphs(text) if timeline.ITEM.match(p.text)]
    assert len(parsed.mentions) == len(items)
    for mention, para in zip(parsed.mentions, items):
        assert para.text.endswith(mention.excerpt) and mention.excerpt.startswith("On ")
        assert mention.reported_date == timeline.ITEM.match(para.text)["date"]


@given(any_text)
def test_timeline_parser(text):
    parsed = timeline.parse(text, "x.txt")
    check_mentions(text, parsed)
    assert timeline.parse(text, "x.txt") == parsed
    for mention in parsed.mentions:
        assert mention.categories and all(c == c.lower() for c in mention.categories)


@given(any_text, published)
@example("Jan 1, 0001\n\nThey met in Moscow for talks last month.", None)  # found by the thorough profile:
@example("Dec 31, 9999\n\nThey met in Moscow for talks last year.", None)  # a crash at the calendar's edge
@example("They met in Moscow for talks on Monday and more.", "0001-01-01")
def test_article_parser(text, day):
    parsed = article.parse(text, "x.txt", published=day)
    check_mentions(text, parsed)
    assert article.parse(text, "x.txt", published=day) == parsed
    anchor = day if day and len(day) == 10 else parsed.header.get("published")
    for mention in parsed.mentions:  # an article reports what happened by its date, never after
        if anchor:
            assert mention.date.earliest <= anchor


@given(any_text)
def test_format_detection(text):
    found = detect_format(text)
    assert found in (None, "chronology", "timeline", "article")
    assert detect_format(text) == found


@given(any_text)
def test_paragraphs_and_sentences_keep_their_offsets(text):
    previous_end = 0
    for para in paragraphs(text):
        assert para.text and text[para.start:para.end] == para.text and para.start >= previous_end
        assert para.line == text.count("\n", 0, para.start) + 1
        previous_end = para.end
        inner_end = para.start
        for sentence in sentences(para):
            assert text[sentence.start:sentence.end] == sentence.text and sentence.start >= inner_end
            assert sentence.line == text.count("\n", 0, sentence.start) + 1
            inner_end = sentence.end
        # Nothing is lost between sentences: what no sentence covers is whitespace.
        covered = para.start
        for sentence in sentences(para):
            assert not text[covered:sentence.start].strip(), (text[covered:sentence.start], para.text)
            covered = sentence.end
        assert not text[covered:para.end].strip(), (text[covered:para.end], para.text)
    # ... nor between paragraphs.
    covered = 0
    for para in paragraphs(text):
        assert not text[covered:para.start].strip()
        covered = para.end
    assert not text[covered:].strip()


@given(date_label)
def test_printed_dates_never_invert(label):
    match = DATE_LABEL.fullmatch(label)
    if match:
        bounds = bounds_from_label(match)
        check_bounds(bounds)
        if bounds is not None:
            assert bounds.earliest == bounds.latest and bounds.precision == "day"


def one_calendar_month(date):
    """The month as YYYY-MM when every day the bounds allow, and the last day of the event, lie in one
    calendar month, else None: worked out from the calendar (the first day of the next month), not from
    the strings."""
    if date is None or not date.earliest or not date.latest:
        return None
    first = dt.date.fromisoformat(date.earliest)
    last = max(dt.date.fromisoformat(date.latest), dt.date.fromisoformat(date.end or date.latest))
    next_month = (first.replace(day=1) + dt.timedelta(days=31)).replace(day=1)
    return f"{first.year:04d}-{first.month:02d}" if last < next_month else None


day = st.dates(dt.date(1, 1, 1), dt.date(9999, 8, 1))


@given(day, st.integers(0, 70), st.one_of(st.none(), st.integers(0, 70)))
@example(dt.date(2021, 11, 30), 0, 2)  # "Nov. 30-Dec. 2, 2021": a known day, an end in the next month
@example(dt.date(2021, 2, 1), 27, None)  # all of February 2021
@example(dt.date(2021, 1, 31), 1, None)  # a two-day window across a month's end
def test_an_event_has_a_month_exactly_when_all_its_days_fall_in_one(earliest, width, end_after):
    latest = earliest + dt.timedelta(days=width)
    end = latest + dt.timedelta(days=end_after) if end_after is not None else None
    date = DateBounds(earliest.isoformat(), latest.isoformat(), end and end.isoformat(), "window", "test")
    days = {earliest + dt.timedelta(days=n) for n in range(((end or latest) - earliest).days + 1)}
    months = {(d.year, d.month) for d in days}
    expected = "%04d-%02d" % next(iter(months)) if len(months) == 1 else None
    assert month_of(date) == expected == one_calendar_month(date)


partial_date = st.one_of(
    st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat),
    st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)).map(lambda d: d.isoformat()[:7]),
    st.integers(1000, 9999).map(str),
)


@given(documentish, st.tuples(partial_date, partial_date).map(sorted), st.sampled_from(["chronology", "timeline", "article"]),
       st.booleans())
def test_date_propagation_gives_every_mention_bounds_that_never_invert(text, window, format, registered):
    start, end = window
    if format == "chronology":
        parsed = chronology.parse(text, "x.txt")
    elif format == "timeline":
        parsed = timeline.parse(text, "x.txt")
    else:
        parsed = article.parse(text, "x.txt", published=None)
    info = SourceInfo(id="x", file="x.txt", format=format,
                      coverage_start=start if registered else None, coverage_end=end if registered else None)
    problems = date_document(parsed.mentions, info, parsed.header).problems
    for mention in parsed.mentions:
        assert mention.date is not None and mention.date.method
        check_bounds(mention.date)
        assert month_of(mention.date) == one_calendar_month(mention.date)
        if mention.date.method == "coverage":
            assert mention.date.earliest <= mention.date.latest
    assert all(p.file == "x.txt" for p in problems)
