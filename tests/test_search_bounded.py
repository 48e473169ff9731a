"""A search of a common word costs no more than a rarer one: the events table's `?_search=` reads at
most loader.site.SEARCH_LIMIT matches from the full-text index (the first in date order), and the
canned `search` ranks only the latest 5,000 matches. Below the limit, both list exactly what an
unbounded search lists."""
import urllib.parse

import pytest

import loader.site

UNBOUNDED = ("select id from events where rowid in (select rowid from events_fts where events_fts match "
             "escape_fts(:q)) order by date_earliest, id")


def table_search(served, word: str, *extra: str) -> dict:
    return served("/events/events.json?" + urllib.parse.urlencode({"_search": word, "_size": "max"}) + "".join(extra)).json()


def unbounded(served, word: str) -> list[str]:
    data = served("/events.json?" + urllib.parse.urlencode({"sql": UNBOUNDED, "q": word})).json()
    return [row[0] for row in data["rows"]]


@pytest.mark.parametrize("word", ["russian", "patrol", "also", "Maritime Interaction"])
def test_a_table_search_below_the_limit_finds_every_match(served, word):
    data = table_search(served, word)
    assert sorted(row[0] for row in data["rows"]) == sorted(unbounded(served, word))
    assert data["filtered_table_rows_count"] == len(unbounded(served, word)) > 0


def test_a_table_search_above_the_limit_lists_the_first_matches_in_date_order(served, monkeypatch):
    monkeypatch.setattr(loader.site, "SEARCH_LIMIT", 10)
    everything = served("/events.json?" + urllib.parse.urlencode({
        "sql": "select events.id from events_fts join events on events.rowid = events_fts.rowid "
               "where events_fts match escape_fts(:q) order by events_fts.rowid", "q": "russian"})).json()
    first = [row[0] for row in everything["rows"]][:10]
    assert len(everything["rows"]) > 10
    data = table_search(served, "russian", "&_facet=cameo_root")
    assert sorted(row[0] for row in data["rows"]) == sorted(first)
    assert data["filtered_table_rows_count"] == 10
    assert sum(f["count"] for f in data["facet_results"]["cameo_root"]["results"]) == 10
    assert "the first 10 matches at most" in data["human_description_en"]


def test_the_search_box_shows_the_word_and_a_new_search_replaces_the_old(served):
    page = served("/events/events?_search=patrol")
    assert page.status_code == 200 and 'value="patrol"' in page.text
    # the page's own form sends the search it shows back with the box's new word: the box wins
    again = served("/events/events.json?_search=Maritime+Interaction&_bounded_search=patrol&_size=max").json()
    assert sorted(row[0] for row in again["rows"]) == sorted(unbounded(served, "Maritime Interaction"))
    cleared = served("/events/events.json?_search=&_bounded_search=patrol&_size=0").json()
    assert cleared["filtered_table_rows_count"] == served("/events/events.json?_size=0").json()["filtered_table_rows_count"]



def test_a_search_for_a_word_with_accents_finds_it(served):
    """The renamed parameter keeps the request's own bytes: UTF-8 words arrive whole."""
    data = table_search(served, "Phúc")
    assert data["rows"] and sorted(row[0] for row in data["rows"]) == sorted(unbounded(served, "Phúc"))
    assert any("Phúc" in row[1] for row in data["rows"])
