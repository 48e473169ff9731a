"""Actors: the curated dictionary, how events link to it, and the report on names it does not know.

Everything goes through the public faces: the CLI build, the database it writes, and Datasette.
"""
import sqlite3

import pytest
import yaml

from conftest import ROOT, SEEDS, built, event_id, run_build


def links(conn, event_id: str) -> dict:
    """actor id -> event_actors row, for one event."""
    return {r["actor_id"]: r for r in conn.execute("select * from event_actors where event_id = ?", (event_id,))}


# --- Spellings and source errors resolve to one actor --------------------------------------------

def test_the_shoygu_spelling_joins_shoigu(conn):
    shoygu = links(conn, event_id(conn, "cc-2020-sep-dec", "Russian DM Shoygu briefed Putin"))
    shoigu = links(conn, event_id(conn, "cc-2021-sep-dec", "Russian Defense Minister Sergei Shoigu"))
    sergey = links(conn, event_id(conn, "cc-2020-sep-dec", "Russian counterpart Sergey Shoygu"))
    assert shoygu["sergei-shoigu"]["matched_text"] == "Shoygu"
    assert shoigu["sergei-shoigu"]["matched_text"] == "Sergei Shoigu"
    assert sergey["sergei-shoigu"]["matched_text"] == "Sergey Shoygu"
    assert conn.execute("select count(*) from actors where name like '%Sho_gu%'").fetchone()[0] == 1


def test_sergei_and_sergey_lavrov_are_one_actor(conn):
    texts = {r[0] for r in conn.execute("select matched_text from event_actors where actor_id = 'sergey-lavrov'")}
    assert {"Sergey Lavrov", "Lavrov"} <= texts
    # The timeline's one "Sergei Lavrov" is in an item now linked to the chronology's entry of that call,
    # whose "Lavrov" the event keeps: its spelling is read through the dictionary the build uses.
    from loader.enrich.actors import load_actors
    from loader.model import Mention
    text = "Russian Foreign Minister Sergei Lavrov agreed to oppose the moves of a third country."
    reading = load_actors(ROOT / "curated" / "actors.yml").read(Mention("t", 1, 0, len(text), text, 1))
    assert {(m.actor_id, m.matched) for m in reading.matches} >= {("sergey-lavrov", "Sergei Lavrov")}


def test_seo_in_the_2020_chronology_is_the_sco(conn):
    row = links(conn, event_id(conn, "cc-2020-sep-dec", "SEO holds 18th Meeting of Prosecutors General"))["sco"]
    assert row["matched_text"] == "SEO" and row["link_method"] == "alias"
    notes = conn.execute("select notes from actors where id = 'sco'").fetchone()[0]
    assert "SEO" in notes and "source error" in notes


def test_lin_wang_in_the_timeline_is_wang_yi(conn):
    # The item is linked to the chronology's entry of the same call, whose "Wang" the event keeps: the
    # timeline's spelling is read through the dictionary the build uses, and the event holds Wang Yi.
    from loader.enrich.actors import load_actors
    from loader.model import Mention
    found = links(conn, event_id(conn, "overwatch-2020-2022", "Chinese Foreign Minister Lin Wang"))
    assert "wang-yi" in found
    text = "On December 24, 2020, Chinese Foreign Minister Lin Wang and his counterpart agreed to talk again."
    reading = load_actors(ROOT / "curated" / "actors.yml").read(Mention("t", 1, 0, len(text), text, 1))
    assert ("wang-yi", "Lin Wang") in {(m.actor_id, m.matched) for m in reading.matches}
    assert "Lin Wang" in conn.execute("select notes from actors where id = 'wang-yi'").fetchone()[0]


def test_titles_around_names_do_not_hide_them(conn):
    denisov = links(conn, event_id(conn, "cc-2020-sep-dec", "Russian Ambassador to China Denisov says"))
    assert denisov["andrey-denisov"]["matched_text"] == "Denisov"
    wang = links(conn, event_id(conn, "cc-2021-sep-dec", "Chinese FM Wang Yi pens article"))
    assert wang["wang-yi"]["matched_text"] == "Wang Yi" and wang["china"]["matched_text"] == "Chinese"


def test_demonyms_stand_for_their_state_and_a_ministry_for_its_body_and_state(conn):
    navies = links(conn, event_id(conn, "cc-2021-sep-dec", "Russian and Chinese navies conduct"))
    assert {"russia", "china"} <= set(navies)
    spokesman = links(conn, event_id(conn, "memri-sd-9684", "spokesman Wang Wenbin said on Tuesday"))
    assert spokesman["china-mfa"]["matched_text"] == "Chinese Foreign Ministry"
    assert spokesman["china"]["link_method"] == "country-of" and spokesman["china"]["via_actor_id"] == "china-mfa"


# --- Short names: the context decides, never the dictionary's order ---------------------------------

def test_wang_next_to_lavrov_is_wang_yi(conn):
    found = links(conn, event_id(conn, "cc-2020-sep-dec", "Wang and Lavrov discuss bilateral cooperation"))
    assert found["wang-yi"]["link_method"] == "context"
    assert "'lavrov'" in found["wang-yi"]["link_evidence"]
    assert not {"wang-wenbin", "wang-yu"} & set(found)


def test_wang_in_the_dec_31_2021_timeline_item_is_wang_yu(conn):
    event = event_id(conn, "overwatch-2020-2022", "In the meeting, Wang expressed")
    found = links(conn, event)
    assert found["wang-yu"]["match_count"] == 2  # "Wang Yu" and the "Wang" after it
    assert not {"wang-yi", "wang-wenbin"} & set(found)


AMBIGUOUS_DOC = """China - Russia

Chronology from Jan 2022 to Apr 2022

: Chinese Foreign Ministry spokesman Wang Wenbin says the talks went well.

: Wang meets the Taliban in Kabul.
"""


def test_a_short_name_with_no_cue_takes_the_full_name_earlier_in_the_document(seeds_copy, tmp_path):
    (seeds_copy / "new-chronology.txt").write_text(AMBIGUOUS_DOC, encoding="utf-8")
    db = tmp_path / "e.db"
    result = run_build(seeds_copy, db)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    found = links(conn, event_id(conn, "new-chronology", "Wang meets the Taliban"))
    assert found["wang-wenbin"]["link_method"] == "context"
    assert "earlier in the document" in found["wang-wenbin"]["link_evidence"]
    assert not {"wang-yi", "wang-yu"} & set(found)


def test_a_short_name_after_its_full_name_in_the_excerpt_outranks_cues(seeds_copy, tmp_path):
    """"Lavrov" points to Wang Yi and "spokesman" to Wang Wenbin; the full name before decides."""
    (seeds_copy / "new-chronology.txt").write_text(
        "China - Russia\n\nChronology from Jan 2022 to Apr 2022\n\n"
        ": Chinese Foreign Ministry spokesman Wang Wenbin comments on Lavrov's visit. Wang says it went well.\n",
        encoding="utf-8")
    conn = built(seeds_copy, tmp_path / "e.db")
    found = links(conn, event_id(conn, "new-chronology", "Wang says it went well"))
    assert found["wang-wenbin"]["match_count"] == 2 and "wang-yi" not in found


UNDECIDED_DOC = """China - Russia

Chronology from Jan 2022 to Apr 2022

: Wang meets the Taliban in Kabul.

: Wang and Lavrov talk about Afghanistan, the spokesman says.
"""


def test_a_short_name_nothing_decides_is_reported_not_linked(seeds_copy, tmp_path):
    """No full name earlier and no cue (first entry), or cues for two candidates (second entry)."""
    (seeds_copy / "new-chronology.txt").write_text(UNDECIDED_DOC, encoding="utf-8")
    db = tmp_path / "e.db"
    result = run_build(seeds_copy, db)
    assert result.exit_code == 0, result.output
    assert "ambiguous name 'Wang' (could be wang-yi, wang-wenbin, wang-yu) in 2 event(s)" in result.output
    assert "1 unmatched names" in result.output
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    for fragment in ("Wang meets", "Wang and Lavrov talk"):
        assert not {"wang-yi", "wang-wenbin", "wang-yu"} & set(links(conn, event_id(conn, "new-chronology", fragment)))
    row = conn.execute("select * from unmatched_names where name = 'Wang'").fetchone()
    assert (row["kind"], row["event_count"], row["example_source_id"]) == ("ambiguous", 2, "new-chronology")
    assert row["candidates"] == '["wang-yi", "wang-wenbin", "wang-yu"]'


# --- Roles, read off real entries ---------------------------------------------------------------

ROLES = [
    ("cc-2020-sep-dec", "BRICS holds its 12th summit by video, chaired by Putin.",
     {"vladimir-putin": "host", "russia": "host", "brics": "subject"}),
    ("cc-2020-sep-dec", "Moscow hosts the SCO’s first inter-party forum", {"russia": "host"}),
    ("cc-2020-sep-dec", "under Uzbekistan’s chairmanship", {"uzbekistan": "host", "sco": "subject"}),
    ("scmp-3253354", "was hosted by Russian Foreign Minister Sergey Lavrov",
     {"sun-weidong": "subject", "china": "subject", "sergey-lavrov": "host", "russia": "host", "ukraine": "mentioned"}),
    ("cc-2021-sep-dec", "Putin sends telegram to Xi on the 72nd anniversary",
     {"vladimir-putin": "subject", "xi-jinping": "addressee"}),
    ("cc-2021-sep-dec", "Xi sends condolences to Putin", {"xi-jinping": "subject", "vladimir-putin": "addressee"}),
    ("cc-2020-sep-dec", "Russian Ambassador to China Denisov says in a press briefing in Beijing",
     {"andrey-denisov": "subject", "china": "location", "vladimir-putin": "mentioned"}),
    ("cc-2021-sep-dec", "Russian FM Lavrov says that", {"sergey-lavrov": "subject", "taiwan": "mentioned"}),
    ("cc-2021-sep-dec", "Both criticized the US-sponsored Democracy Summit", {"united-states": "mentioned"}),
    ("cc-2021-sep-dec", "on the phone about the Iran nuclear issue", {"iran": "mentioned", "sergei-ryabkov": "addressee"}),
    ("cc-2021-sep-dec", "exchange views on the Iranian nuclear issue", {"iran": "mentioned", "robert-malley": "subject"}),
    ("memri-sd-9684", "In January, Chinese Foreign Minister Wang Yi said", {"wang-yi": "subject", "russia": "mentioned"}),
]


@pytest.mark.parametrize("source, fragment, expected", ROLES, ids=[r[1][:40] for r in ROLES])
def test_roles_where_the_text_makes_them_clear(conn, source, fragment, expected):
    found = links(conn, event_id(conn, source, fragment))
    assert {actor: found[actor]["role"] for actor in expected} == expected
    assert all(row["role_evidence"] for row in found.values())


def test_a_person_links_their_country_and_says_so(conn):
    """Russia is not named: Putin implies it. China is named ("the PRC", a participant), but as Xi's
    country it is the addressee, the stronger role."""
    found = links(conn, event_id(conn, "cc-2021-sep-dec", "Putin sends telegram to Xi on the 72nd anniversary"))
    russia = found["russia"]
    assert (russia["link_method"], russia["via_actor_id"], russia["match_count"], russia["role"]) == (
        "country-of", "vladimir-putin", 0, "subject")
    china = found["china"]
    assert (china["link_method"], china["via_actor_id"], china["match_count"], china["role"]) == (
        "country-of", "xi-jinping", 1, "addressee")


def test_every_seed_event_links_to_a_state_or_an_organization(conn):
    unlinked = conn.execute(
        """select e.summary from events e where not exists (
             select 1 from event_actors ea join actors a on a.id = ea.actor_id
             where ea.event_id = e.id and a.type in ('state', 'organization'))"""
    ).fetchall()
    assert unlinked == []


def test_every_person_named_in_the_seed_events_is_linked(conn):
    """Each person's spellings found in an excerpt link that event to them."""
    people = conn.execute("select id, aliases from actors where type = 'person'").fetchall()
    for event, excerpt in conn.execute("select event_id, excerpt from event_sources"):
        linked = set(links(conn, event))
        for person, aliases in people:
            if any(alias in excerpt for alias in yaml.safe_load(aliases) if " " in alias):
                assert person in linked, (person, excerpt[:80])


# --- The dictionary is checked -------------------------------------------------------------------

def test_no_two_actors_share_a_canonical_name(conn, curated_copy, tmp_path):
    assert conn.execute("select name from actors group by name having count(*) > 1").fetchall() == []
    actors = curated_copy / "actors.yml"
    line = len(actors.read_text(encoding="utf-8").splitlines()) + 2
    actors.write_text(actors.read_text(encoding="utf-8") + "\n- id: lavrov-2\n  name: Sergey Lavrov\n  type: person\n",
                      encoding="utf-8")
    result = run_build(SEEDS, tmp_path / "e.db", curated=curated_copy)
    assert result.exit_code == 1
    assert f"actors.yml:{line}: error: canonical name 'Sergey Lavrov' is shared with actor 'sergey-lavrov'" in result.output


def test_an_alias_claimed_by_two_actors_fails_the_build_with_file_and_line(curated_copy, tmp_path):
    actors = curated_copy / "actors.yml"
    line = len(actors.read_text(encoding="utf-8").splitlines()) + 2
    actors.write_text(actors.read_text(encoding="utf-8")
                      + "\n- id: another-lavrov\n  name: Another Lavrov\n  type: person\n  aliases: [Lavrov]\n",
                      encoding="utf-8")
    db = tmp_path / "e.db"
    result = run_build(SEEDS, db, curated=curated_copy)
    assert result.exit_code == 1
    assert f"actors.yml:{line}: error: alias 'Lavrov' is claimed by both 'sergey-lavrov' and 'another-lavrov'" in result.output
    assert not db.exists()


def test_a_not_actor_without_a_reason_fails_the_build_with_file_and_line(curated_copy, tmp_path):
    listed = curated_copy / "not_actors.yml"
    line = len(listed.read_text(encoding="utf-8").splitlines()) + 2
    listed.write_text(listed.read_text(encoding="utf-8") + "\n- name: Kazan\n", encoding="utf-8")
    result = run_build(SEEDS, tmp_path / "e.db", curated=curated_copy)
    assert result.exit_code == 1
    assert f"not_actors.yml:{line}: error: reason: required, but missing" in result.output


# --- The unmatched-names report -----------------------------------------------------------------

def test_the_seed_report_has_nothing_to_review_and_every_dismissed_name_says_why(conn, tmp_path):
    result = run_build(SEEDS, tmp_path / "e.db")
    assert "0 unmatched names" in result.output
    kinds = dict(conn.execute("select kind, count(*) from unmatched_names group by kind"))
    assert set(kinds) == {"not an actor"}
    assert conn.execute("select count(*) from unmatched_names where coalesce(reason, '') = ''").fetchone()[0] == 0


def test_a_name_that_is_not_an_actor_hides_the_alias_inside_it(conn):
    """"the waters of the Japan and East China Seas" names two seas, not Japan."""
    found = links(conn, event_id(conn, "memri-sd-9684", "Japan and East China Seas"))
    assert "japan" not in found
    row = conn.execute("select * from unmatched_names where name = 'Japan and East China Seas'").fetchone()
    assert row["kind"] == "not an actor" and row["event_count"] == 1


NEW_NAME_DOC = """China - Russia

Chronology from Jan 2022 to Apr 2022

: Lavrov meets US Special Envoy John Kerry in Geneva.
"""

UNTITLED_NAME_DOC = NEW_NAME_DOC.replace("US Special Envoy John Kerry", "John Kerry")


def test_a_name_with_no_title_and_no_entry_is_reported_unknown(seeds_copy, tmp_path):
    (seeds_copy / "new-chronology.txt").write_text(UNTITLED_NAME_DOC, encoding="utf-8")
    db = tmp_path / "e.db"
    result = run_build(seeds_copy, db)
    assert result.exit_code == 0, result.output
    assert "unknown name 'John Kerry' in 1 event(s)" in result.output and "1 unmatched names" in result.output
    conn = sqlite3.connect(db)
    row = conn.execute("select kind, example_source_id, example_line from unmatched_names where name = 'John Kerry'").fetchone()
    assert row == ("unknown", "new-chronology", 5)
    assert conn.execute("select count(*) from actors where name = 'John Kerry'").fetchone()[0] == 0


TWICE_IN_ONE_EVENT_DOC = NEW_NAME_DOC.replace(
    ": Lavrov meets US Special Envoy John Kerry in Geneva.\n",
    ": Lavrov meets John Kerry in Geneva; John Kerry then flies to Vienna.\n\n"
    ": Lavrov and John Kerry speak by telephone about the Iran talks.\n")


def test_a_name_counts_its_occurrences_and_the_distinct_events_they_are_in(seeds_copy, tmp_path):
    """Three occurrences of one unknown name, two of them in one event: count 3, event_count 2."""
    (seeds_copy / "new-chronology.txt").write_text(TWICE_IN_ONE_EVENT_DOC, encoding="utf-8")
    conn = built(seeds_copy, tmp_path / "e.db")
    row = conn.execute("select kind, count, event_count, example_line from unmatched_names where name = 'John Kerry'").fetchone()
    assert tuple(row) == ("unknown", 3, 2, 5)


ACCENTED_NAMES_DOC = NEW_NAME_DOC.replace("US Special Envoy John Kerry in Geneva",
                                          "Émile Zérkov at the Élysée Palace, über-secret, with Ōtsu-Zérkov’s aide")


def test_a_name_that_starts_with_a_letter_outside_ascii_is_reported_like_any_other(seeds_copy, tmp_path):
    """A capital letter outside A-Z starts a name ("Émile", "Élysée"); a lower-case one does not ("über")."""
    (seeds_copy / "new-chronology.txt").write_text(ACCENTED_NAMES_DOC, encoding="utf-8")
    conn = built(seeds_copy, tmp_path / "e.db")
    names = {r[0]: r[1] for r in conn.execute("select name, kind from unmatched_names where example_source_id = 'new-chronology'")}
    assert names == {"Émile Zérkov": "unknown", "Élysée Palace": "unknown", "Ōtsu-Zérkov": "unknown"}


def test_a_curator_adds_an_alias_rebuilds_and_the_event_is_linked(seeds_copy, curated_copy, tmp_path):
    """A name after a title is discovered (linked, listed for review); the curated entry then wins."""
    (seeds_copy / "new-chronology.txt").write_text(NEW_NAME_DOC, encoding="utf-8")
    db = tmp_path / "e.db"
    before = run_build(seeds_copy, db, curated=curated_copy)
    assert before.exit_code == 0, before.output
    assert "discovered name 'John Kerry' (could be john-kerry) in 1 event(s)" in before.output
    assert "1 unmatched names" in before.output
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = conn.execute("select kind, example_source_id, example_line from unmatched_names where name = 'John Kerry'").fetchone()
    assert tuple(row) == ("discovered", "new-chronology", 5)
    kerry = links(conn, event_id(conn, "new-chronology", "John Kerry"))["john-kerry"]
    assert (kerry["link_method"], kerry["actor_type"]) == ("discovered", "person")
    assert "US Special Envoy" in kerry["link_evidence"]
    actor = conn.execute("select * from actors where id = 'john-kerry'").fetchone()
    assert (actor["type"], actor["country"]) == ("person", "united-states")
    conn.close()

    actors = curated_copy / "actors.yml"
    actors.write_text(actors.read_text(encoding="utf-8") + (
        "\n- id: john-kerry\n  name: John Kerry\n  type: person\n  country: united-states\n"
        "  aliases: [John Kerry, Kerry]\n"), encoding="utf-8")
    after = run_build(seeds_copy, db, curated=curated_copy)
    assert after.exit_code == 0, after.output
    assert "0 unmatched names" in after.output
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    found = links(conn, event_id(conn, "new-chronology", "John Kerry"))
    assert found["john-kerry"]["role"] == "addressee" and found["sergey-lavrov"]["role"] == "subject"
    assert found["john-kerry"]["link_method"] == "alias"
    assert conn.execute("select count(*) from unmatched_names where name = 'John Kerry'").fetchone()[0] == 0


# --- In Datasette --------------------------------------------------------------------------------

def test_events_of_an_actor_by_id_name_or_any_spelling(served):
    for actor in ("sergei-shoigu", "Sergei Shoigu", "shoygu"):
        data = served(f"/events/actor_events.json?actor={actor}&_shape=objects").json()
        assert data["ok"] is True
        assert {r["actor_id"] for r in data["rows"]} == {"sergei-shoigu"}
        assert {"Shoygu", "Sergey Shoygu", "Sergei Shoigu"} <= {r["matched_text"] for r in data["rows"]}
    assert served("/events/actor_events.json?actor=&_shape=objects").json()["rows"] == []


def test_who_meets_whom_counts_shared_events(served):
    people = served("/events/who_meets_whom.json?type=person&_shape=objects").json()
    assert people["ok"] is True and people["rows"]
    pairs = {(r["actor_1_id"], r["actor_2_id"]): r["events"] for r in people["rows"]}
    assert pairs[("sergei-shoigu", "wei-fenghe")] == 2
    assert pairs[("sergey-lavrov", "wang-yi")] >= 5
    everyone = served("/events/who_meets_whom.json?type=&_shape=objects").json()
    assert everyone["ok"] is True and everyone["rows"][0]["actor_1_id"] == "china"


def test_events_facet_by_country_and_by_actor_with_names(served):
    data = served("/events/event_actors.json?actor_type=state&_facet=actor_id&_shape=objects").json()
    facets = {f["value"]: f for f in data["facet_results"]["actor_id"]["results"]}
    assert facets["china"]["label"] == "China" and facets["russia"]["count"] >= 100
    roles = {f["value"] for f in served("/events/event_actors.json?_facet=role&_shape=objects").json()["facet_results"]["role"]["results"]}
    assert {"host", "subject", "addressee", "participant", "location", "mentioned"} <= roles


def test_an_actors_page_links_to_its_events(served):
    page = served("/events/actors/sergei-shoigu")
    assert page.status_code == 200
    assert "/events/event_actors?actor_id=sergei-shoigu" in page.text


# --- Whole words only (issue 18: names inside longer words) ----------------------------------------

LONGER_WORDS_DOC = """China - Russia

Chronology from Aug 2022 to Dec 2022

: Indiana Governor Eric Holcomb arrives in Taipei for a visit.

: Xinhua reports that Chinese and Russian warships have ended the Joint Sea-2022 exercise.

: Russia’s Ambassador to China Igor Morgulov visits Xi’an.
"""


def test_a_known_name_inside_a_longer_word_links_no_one(seeds_copy, tmp_path):
    """"Xinhua" holds "Xi", "Indiana" holds "India", "Xi’an" holds "Xi": none of them names the actor.
    One definition of a word boundary (loader/enrich/phrases.py) decides it for every name list."""
    (seeds_copy / "longer-words.txt").write_text(LONGER_WORDS_DOC, encoding="utf-8")
    conn = built(seeds_copy, tmp_path / "e.db")
    for fragment in ("Indiana Governor", "Xinhua reports", "visits Xi’an"):
        found = links(conn, event_id(conn, "longer-words", fragment))
        assert not {"xi-jinping", "india"} & set(found), (fragment, sorted(found))
    assert "morgulov" in "".join(links(conn, event_id(conn, "longer-words", "visits Xi’an")))
    unknown = {r[0] for r in conn.execute("select name from unmatched_names where kind = 'unknown'")}
    assert {"Xinhua"} <= unknown
    indiana = links(conn, event_id(conn, "longer-words", "Indiana Governor"))
    assert indiana["eric-holcomb"]["link_method"] == "discovered"
