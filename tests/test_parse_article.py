"""Articles and dispatches: dated sentences become events, relative dates read against the document's date."""
from loader.parse import article, detect_format

from conftest import MEMRI, SCMP, seed_text


def test_the_memri_dispatch_reports_the_dec_15_2021_video_summit_first():
    parsed = article.parse(seed_text(MEMRI))
    main = parsed.mentions[0]
    assert parsed.header["published"] == "2021-12-17"
    assert "held a video conference on December 15, 2021" in main.excerpt
    assert (main.date.earliest, main.date.latest, main.date.method) == ("2021-12-15", "2021-12-15", "explicit")


def test_the_dispatch_dateline_and_footnotes_are_not_events():
    excerpts = [m.excerpt for m in article.parse(seed_text(MEMRI)).mentions]
    assert not any(e.startswith(("December 17, 2021", "[1]")) for e in excerpts)


def test_a_day_without_a_year_resolves_against_the_document_date():
    mentions = article.parse(seed_text(MEMRI)).mentions
    patrol = next(m for m in mentions if "joint patrols" in m.excerpt)
    assert (patrol.reported_date, patrol.date.earliest, patrol.date.method) == ("on November 19", "2021-11-19", "relative")
    assert "2021-12-17" in patrol.date.evidence


def test_the_scmp_monday_meeting_is_the_26_february_2024():
    mentions = article.parse(seed_text(SCMP), published="2024-02-26").mentions
    meeting = mentions[0]
    assert meeting.excerpt.startswith("Sun Weidong, China’s foreign vice-minister, was hosted by")
    assert (meeting.date.earliest, meeting.date.latest, meeting.date.method) == ("2024-02-26", "2024-02-26", "relative")


def test_last_month_and_a_bare_month_are_month_bounds_before_the_document_date():
    mentions = article.parse(seed_text(SCMP), published="2024-02-26").mentions
    ma = next(m for m in mentions if m.excerpt.startswith("Last month, Ma Zhaoxu"))
    kim = next(m for m in mentions if "Kim Jong-un" in m.excerpt)
    assert (ma.date.earliest, ma.date.latest, ma.date.precision) == ("2024-01-01", "2024-01-31", "month")
    assert (kim.date.earliest, kim.date.latest) == ("2023-09-01", "2023-09-30")


def test_a_plan_in_a_future_clause_is_not_an_event():
    mentions = article.parse(seed_text(SCMP), published="2024-02-26").mentions
    assert not any("leaders’ summit in Kazan" in m.excerpt for m in mentions)


def test_without_a_publication_day_only_fully_dated_sentences_are_read():
    text = "Putin and Xi met on Monday in Moscow for long talks.\n\nThey had met before on December 15, 2021 by video link."
    parsed = article.parse(text, "x.txt")
    assert [m.date.earliest for m in parsed.mentions] == ["2021-12-15"]
    assert any("no publication day" in p.message for p in parsed.problems)


def test_every_offset_points_at_its_excerpt():
    for name, published in ((MEMRI, None), (SCMP, "2024-02-26")):
        text = seed_text(name)
        for mention in article.parse(text, published=published).mentions:
            assert text[mention.start : mention.end] == mention.excerpt


def test_articles_are_detected_as_prose():
    assert detect_format(seed_text(MEMRI)) == "article"
    assert detect_format(seed_text(SCMP)) == "article"


def test_the_eve_of_the_summit_is_the_day_before_the_documents_lead_event():
    mentions = article.parse(seed_text(MEMRI)).mentions
    blinken = next(m for m in mentions if "Blinken" in m.excerpt)
    assert (blinken.date.earliest, blinken.date.method) == ("2021-12-14", "relative")
    assert "lead event, 2021-12-15" in blinken.date.evidence


# A sentence that opens with a word of sequence continues the dated narrative before it (issue 12).
NARRATIVE = """May 20, 2019 Harbour Notes No. 7

A review of the spring at sea, written for this test.

In March, the Ruritanian and Freedonian navies held a drill off Port Amber for a week. Then four ships of each navy sailed through the Amber Strait for the first time, the harbour master said. On April 2, the two admirals met in Lakeside to review the season.

Then the harbour will reopen to all shipping before the summer season begins.

Then the fleets went home, and nothing more was heard of them that year.
"""


def test_a_sentence_opening_with_then_is_the_next_event_of_its_dated_narrative():
    mentions = article.parse(NARRATIVE).mentions
    passage = next(m for m in mentions if "Amber Strait" in m.excerpt)
    assert passage.excerpt.startswith("Then four ships of each navy sailed through the Amber Strait")
    assert passage.reported_date == "Then"
    # on or after the drill's month begins, on or before the paragraph's next dated sentence
    assert (passage.date.earliest, passage.date.latest, passage.date.method) == ("2019-03-01", "2019-04-02", "relative")
    assert "continues the narrative" in passage.date.evidence and "2019-04-02" in passage.date.evidence
    assert [m.position for m in mentions] == list(range(1, len(mentions) + 1))


def test_then_with_no_dated_sentence_before_it_in_its_paragraph_or_about_the_future_is_not_an_event():
    excerpts = [m.excerpt for m in article.parse(NARRATIVE).mentions]
    assert not any("harbour will reopen" in e for e in excerpts)  # a plan, and nothing dated before it
    assert not any("fleets went home" in e for e in excerpts)  # its paragraph has no dated narrative


def test_the_memris_passage_through_the_tsugaru_strait_is_read_as_a_report():
    mentions = article.parse(seed_text(MEMRI)).mentions
    passage = next(m for m in mentions if "Tsugaru Strait" in m.excerpt)
    assert passage.excerpt.startswith("Then five Chinese and five Russian ships")
    assert (passage.date.earliest, passage.date.latest) == ("2021-10-01", "2021-11-19")
