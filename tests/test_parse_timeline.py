"""The dated timeline format: "Category: On Month D, YYYY, ..." paragraphs."""
import re

from loader.parse import detect_format, timeline

from conftest import OVERWATCH, seed_text


def test_the_seed_timeline_holds_29_items():
    assert len(timeline.parse(seed_text(OVERWATCH)).mentions) == 29


def test_a_compound_category_gives_both_categories():
    items = timeline.parse(seed_text(OVERWATCH)).mentions
    syria = next(m for m in items if "Bashar Al Assad" in m.excerpt)
    assert syria.categories == ["political", "economic"]
    assert syria.date.earliest == syria.date.latest == "2021-07-26"
    assert syria.reported_date == "July 26, 2021"


def test_the_introduction_and_the_closing_analysis_are_not_events():
    items = timeline.parse(seed_text(OVERWATCH)).mentions
    assert not any("Overwatch" in m.excerpt for m in items)
    assert items[0].excerpt.replace("\xa0", " ").startswith("On December 12, 2020, China and Russia designated")
    assert items[-1].excerpt.replace("\xa0", " ").startswith("On January 4, 2022, Taliban Deputy Prime Minister")


def test_every_offset_points_at_its_excerpt():
    text = seed_text(OVERWATCH)
    for item in timeline.parse(text).mentions:
        assert text[item.start : item.end] == item.excerpt
        assert re.fullmatch(r"On\s.*\d{4},\s*", item.excerpt[: item.lead])


def test_timelines_are_detected_from_their_text():
    assert detect_format(seed_text(OVERWATCH)) == "timeline"
