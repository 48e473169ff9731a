"""The published site through Datasette's own client: the bare `datasette serve events.db` (the project's
plugin serving the metadata the build embedded), `make serve`'s flags, and configuration-directory mode."""
import csv
import io
import json
import re
import shlex
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlencode, urlparse

import markupsafe
import pytest
from markupsafe import escape

from conftest import CC_2021, METADATA, ROOT, SEEDS, SETTINGS, datasette_client, run_build

QUERIES = METADATA["databases"]["events"]["queries"]
TABLES = METADATA["databases"]["events"]["tables"]
# A sample value for each canned-query parameter name, so every query can be asked for rows.
PARAM_SAMPLES = {
    "from": "2021-11-01", "to": "2021-11-30", "q": "patrol", "forum": "SCO",
    "actor": "sergey-lavrov", "actor_id": "sergey-lavrov", "type": "person", "start": "2021-01-01", "end": "2021-12-31",
}
QUERY_SAMPLES = {"search_statements": {"q": "partnership"}}
# Queries the seed data leaves empty, and why (every other query must return rows).
EMPTY_ON_SEEDS: dict[str, str] = {}


@pytest.fixture(scope="module")
def bare(seed_db):
    """`datasette serve events.db`: no --metadata, no settings; only what the database carries."""
    return datasette_client(immutables=[str(seed_db)])


def query_url(name: str, fmt: str = "json", **extra) -> str:
    samples = {**PARAM_SAMPLES, **QUERY_SAMPLES.get(name, {})}
    params = {p: samples[p] for p in QUERIES[name].get("params", [])}
    return f"/events/{name}.{fmt}?" + urlencode({**params, **extra})


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"])


def links_in(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.links


def test_the_database_embeds_metadata_yml(conn):
    embedded = json.loads(conn.execute("select value from _metadata where key = 'metadata'").fetchone()[0])
    assert embedded == METADATA


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_canned_query_answers_ok_with_rows_on_the_bare_command(bare, name):
    for param in QUERIES[name].get("params", []):
        assert param in PARAM_SAMPLES, f"add a sample value for parameter {param!r} of {name!r} to PARAM_SAMPLES"
    response = bare(query_url(name, _shape="objects"))
    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True
    if name in EMPTY_ON_SEEDS:
        assert data["rows"] == [] and data["columns"]
        return
    assert data["rows"], name
    download = bare(query_url(name, "csv"))
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/plain")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == len(data["rows"]) and set(rows[0]) == set(data["rows"][0])


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_canned_query_says_what_it_does_and_what_each_parameter_means(name):
    query = QUERIES[name]
    assert query.get("title") and (query.get("description_html") or query.get("description"))
    assert not (query.get("description_html") and query.get("description")), f"{name} is described twice"
    for param in query.get("params", []):
        assert f"<strong>{param}</strong>" in query.get("description_html", ""), (name, param)


@pytest.mark.parametrize("site", ["bare", "served"])
def test_the_database_page_titles_each_query_link_with_its_first_paragraph(site, request):
    page = request.getfixturevalue(site)("/events").text
    timeline = re.search(r'<a href="/events/timeline" title="([^"]*)">', page)
    assert timeline and timeline.group(1) == "Events whose date bounds overlap a period, in date order."
    forum = re.search(r'<a href="/events/events_by_forum" title="([^"]*)">', page).group(1)
    assert forum == "Events the sources place in a multilateral forum, grouped by forum, in date order."
    corroborated = re.search(r'<a href="/events/corroborated_events" title="([^"]*)">', page).group(1)
    assert corroborated == QUERIES["corroborated_events"]["description"]  # a plain description stays as written


def test_the_bare_command_shows_the_whole_site(bare):
    home = bare("/")
    assert home.status_code == 200
    assert "<title>China–Russia Relations Events" in home.text
    database = bare("/events.json").json()
    hidden = {t["name"] for t in database["tables"] if t["hidden"]}
    assert {"_metadata", "events_fts", "sources_fts", "statements_fts"} <= hidden
    page = bare("/events/events")
    assert TABLES["events"]["columns"]["cameo_root"].split(":")[0] in page.text  # column descriptions
    data = bare("/events/events.json?_size=0").json()
    assert set(TABLES["events"]["facets"]) <= set(data["facet_results"])
    assert "sorted by date_earliest" in data["human_description_en"]
    assert bare("/events/timeline.json?from=&to=").json()["ok"] is True
    labels = {r["label"] for r in data["facet_results"]["cameo_root"]["results"]}
    assert {"Consult", "Engage in material cooperation"} <= labels  # codes shown with their labels


def test_the_bare_command_uses_the_metadata_in_the_file_not_a_file_on_disk(tmp_path):
    """Embedded at build time: a database built elsewhere and served from a folder with no
    metadata.yml still describes itself."""
    project = tmp_path / "project"
    shutil.copytree(SEEDS, project / "seeds")
    shutil.copy(ROOT / "metadata.yml", project / "metadata.yml")
    assert run_build(project / "seeds", project / "events.db").exit_code == 0
    moved = tmp_path / "elsewhere" / "chronology.db"  # another name: another database name too
    moved.parent.mkdir()
    shutil.move(project / "events.db", moved)
    shutil.rmtree(project)
    get = datasette_client(immutables=[str(moved)])
    assert get("/chronology/events_per_month.json").json()["ok"] is True
    assert "cameo_root" in get("/chronology/events.json?_size=0").json()["facet_results"]


def test_metadata_given_on_the_command_line_wins_key_by_key(seed_db):
    metadata = json.loads(json.dumps(METADATA))
    metadata["title"] = "Local title"
    metadata["databases"]["events"]["queries"]["search"]["title"] = "Local search"
    del metadata["databases"]["events"]["queries"]["events_by_forum"]
    get = datasette_client(immutables=[str(seed_db)], metadata=metadata)
    assert "<title>Local title" in get("/").text
    assert "<h1" in get("/events/search?q=patrol").text and "Local search" in get("/events/search?q=patrol").text
    assert get("/events/events_by_forum.json?forum=SCO").json()["ok"] is True  # still served, from the database
    names = [q["name"] for q in get("/events.json").json()["queries"]]
    assert len(names) == len(set(names)) == len(QUERIES)


def test_local_metadata_that_sets_one_key_of_a_table_keeps_the_embedded_rest(seed_db):
    """The plugin hands Datasette only what the local metadata does not set: a table description given
    locally replaces that one key; the embedded facets and title of the same table stay, page after page,
    and another server of the same file without local metadata still shows the embedded description."""
    local = {"databases": {"events": {"tables": {"events": {"description_html": "<p>Local events description</p>"}}}}}
    get = datasette_client(immutables=[str(seed_db)], metadata=local)
    for _ in range(2):  # the merge must not leak into what the next request sees
        page = get("/events/events")
        assert "Local events description" in page.text
        facets = get("/events/events.json?_size=0").json()["facet_results"]
        assert set(METADATA["databases"]["events"]["tables"]["events"]["facets"]) <= set(facets)
    embedded_description = METADATA["databases"]["events"]["tables"]["events"]["description_html"]
    plain = datasette_client(immutables=[str(seed_db)])
    assert "Local events description" not in plain("/events/events").text
    assert plain.datasette.table_metadata("events", "events")["description_html"] == embedded_description


def test_configuration_directory_mode_serves_immutable_with_inspect_data_and_settings(seed_db, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(seed_db, site / "events.db")
    shutil.copy(ROOT / "metadata.yml", site / "metadata.yml")
    shutil.copy(ROOT / "settings.json", site / "settings.json")
    subprocess.run([sys.executable, "-m", "datasette", "inspect", "events.db", "--inspect-file", "inspect-data.json"],
                   cwd=site, check=True, capture_output=True)
    get = datasette_client(config_dir=site)
    datasette = get.datasette
    assert datasette.databases["events"].is_mutable is False
    assert datasette.setting("suggest_facets") is False
    assert datasette.setting("facet_time_limit_ms") == SETTINGS["facet_time_limit_ms"]
    assert get("/events/events_per_month.json").json()["ok"] is True
    assert "event-report" in get("/events/events/ea49ad72ebaa").text


def settings_given(words: list[str]) -> dict:
    """The `--setting NAME VALUE` pairs among a command's words, each value read as JSON (as the
    settings file spells it); a name given twice fails."""
    given = {}
    for index, word in enumerate(words):
        if word == "--setting":
            name, value = words[index + 1], words[index + 2]
            assert name not in given, f"--setting {name} given twice"
            given[name] = json.loads(value)
    return given


def test_serving_settings_live_in_settings_json():
    assert SETTINGS["suggest_facets"] is False
    assert 0 < SETTINGS["facet_time_limit_ms"] < SETTINGS["sql_time_limit_ms"]
    assert SETTINGS["max_csv_mb"] == 0  # a full CSV of the events table downloads whole (streamed)


def test_make_serve_runs_datasette_immutable_with_every_setting_of_settings_json_once(seed_db):
    """What `make serve` would run (`make -n`), and what `make settings` prints for `datasette package`."""
    dry = subprocess.run(["make", "--no-print-directory", "-n", "serve", f"DB={seed_db}", "PORT=8999"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    serve = next(shlex.split(line) for line in dry.replace("\\\n", " ").splitlines() if " serve --immutable " in line)
    assert serve[0].endswith("python") and serve[1:3] == ["-m", "loader.site.server"]  # datasette serve, on every core
    assert serve[3:6] == ["serve", "--immutable", str(seed_db)]
    assert "--inspect-file" in serve and serve[serve.index("--metadata") + 1] == "metadata.yml"
    assert settings_given(serve) == SETTINGS
    printed = subprocess.run(["make", "--no-print-directory", "settings"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert settings_given(shlex.split(printed)) == SETTINGS


# One row per document, actor, place or build warning: small however many events there are.
UNINDEXED_SMALL_TABLES = {"sources", "actors", "places", "build_problems"}


def test_every_faceted_column_of_a_table_has_an_index(conn):
    for table, config in TABLES.items():
        if table in UNINDEXED_SMALL_TABLES or not config.get("facets") or conn.execute(
                "select type from sqlite_master where name = ?", (table,)).fetchone()[0] != "table":
            continue
        leading = {conn.execute(f"pragma index_info([{index['name']}])").fetchone()["name"]
                   for index in conn.execute(f"pragma index_list([{table}])")}
        for column in config["facets"]:
            assert column in leading, f"facet {table}.{column} has no index"


def test_search_highlights_matches_as_marks_in_html_and_keeps_markers_in_data(served):
    html = served("/events/search?q=patrol").text
    assert html.count("<mark>patrol</mark>") >= 2
    assert "**patrol**" not in html.split("<table", 1)[1]
    data = served("/events/search.json?q=patrol&_shape=objects").json()
    assert all("**" in row["snippet"] for row in data["rows"])
    statements = served("/events/search_statements?q=partnership").text
    assert "<mark>partnership</mark>" in statements
    event_id = data["rows"][0]["id"]
    assert f'<a href="/events/events/{event_id}">{event_id}</a>' in html  # ids link to the event page


def test_every_event_and_statement_id_of_a_query_page_links_to_its_page(served, conn):
    """The links are made once for the page, cell by cell in row order: every row's id, and only ids."""
    html = served("/events/timeline").text
    ids = [row[0] for row in conn.execute("select id from events order by date_earliest, date_latest, first_source, "
                                          "first_position")]
    assert re.findall(r'<td class="col-id"><a href="/events/events/(\w+)">\1</a></td>', html) == ids
    sql = ("select id as statement_id, event_id, speaker_id as id from statements "
           "where event_id is not null and speaker_id is not null order by id limit 3")
    rows = served("/events.json?" + urlencode({"sql": sql, "_shape": "array"})).json()
    page = served("/events?" + urlencode({"sql": sql})).text
    for row in rows:
        statement, event = row["statement_id"], row["event_id"]
        assert f'<td class="col-statement_id"><a href="/events/statements/{statement}">{statement}</a></td>' in page
        assert f'<td class="col-event_id"><a href="/events/events/{event}">{event}</a></td>' in page
        assert f'<td class="col-id">{row["id"]}</td>' in page  # an actor id is no event id: left as it is


def test_markup_in_the_data_is_escaped_never_rendered(tmp_path, seeds_copy):
    path = seeds_copy / CC_2021
    hostile = ": Hostile <script>alert(1)</script> **<b>bold</b>** joint patrol <img src=x onerror=alert(2)>.\n"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + hostile, encoding="utf-8")
    shutil.copy(ROOT / "metadata.yml", seeds_copy.parent / "metadata.yml")  # beside seeds/, as in the project
    db = tmp_path / "events.db"
    assert run_build(seeds_copy, db).exit_code == 0
    get = datasette_client(immutables=[str(db)])
    html = get("/events/search?q=hostile").text
    body = html.split("<table", 1)[1]
    assert "<script>alert(1)" not in body and "<b>bold</b>" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<mark>Hostile</mark>" in body
    event_id = get("/events/search.json?q=hostile&_shape=objects").json()["rows"][0]["id"]
    page = get(f"/events/events/{event_id}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_event_page_shows_dates_evidence_actors_and_every_report_side_by_side(served, conn):
    event_id = "ea49ad72ebaa"  # Putin–Xi video summit of 2021-12-15, reported by three sources
    html = served(f"/events/events/{event_id}").text
    reports = conn.execute("select * from event_sources where event_id = ?", (event_id,)).fetchall()
    assert len(reports) == 3
    assert html.count('class="event-report"') == 3
    for report in reports:
        assert f'<blockquote class="excerpt">{escape(report["excerpt"])}</blockquote>' in html
        assert f'href="/events/sources/{report["source_id"]}"' in html
    event = conn.execute("select * from events where id = ?", (event_id,)).fetchone()
    assert markupsafe.escape(event["date_evidence"]) in html and "2021-12-15" in html
    assert "Vladimir Putin" in html and "Xi Jinping" in html and 'href="/events/actors/vladimir-putin"' in html
    assert "CAMEO 04" in html and "Consult" in html and "video" in html
    assert "no place named in the sources" in html
    placed = served("/events/events/" + conn.execute(
        "select event_id from event_places where place_id = 'rome'").fetchone()[0]).text
    assert 'href="/events/places/rome"' in placed and "Italy" in placed


def test_the_event_page_says_what_each_disagreeing_source_says_and_how_it_got_it(served, conn):
    """The space weather centre: a curated official record (cc-2021-sep-dec entry 17) says 16 November,
    the Overwatch timeline prints 17 November; the page lists each source's own date and its method."""
    for event in conn.execute("select * from events where source_count > 1"):
        html = served(f"/events/events/{event['id']}").text
        items = [" ".join(re.sub(r"<[^>]+>", "", item).split())
                 for item in re.findall(r'<li class="date-report">(.*?)</li>', html, re.S)]
        reports = conn.execute("select * from event_sources where event_id = ?", (event["id"],)).fetchall()
        if not event["date_conflict"]:
            assert items == []
            continue
        assert len(items) == len(reports)
        for report in reports:
            own = report["own_earliest"] if report["own_earliest"] == report["own_latest"] else \
                f"{report['own_earliest']} to {report['own_latest']}"
            assert any(f"(entry {report['position']}): {own} ({report['own_method']})" in item
                       and str(escape(report["own_evidence"])) in html for item in items), (items, dict(report))
    centre = conn.execute("select event_id from event_sources where source_id = 'cc-2021-sep-dec' and position = 17").fetchone()[0]
    html = " ".join(re.sub(r"<[^>]+>", "", served(f"/events/events/{centre}").text).split())
    assert "(entry 17): 2021-11-16 (curated) · prints no date for it" in html
    assert "(entry 21): 2021-11-17 (explicit) · says “November 17, 2021” (2021-11-17)" in html


def test_events_per_month_accounts_for_every_event(served, conn):
    rows = served("/events/events_per_month.json?_shape=objects&_size=max").json()["rows"]
    series = {}
    for row in rows:
        series.setdefault(row["certainty"], []).append(row)
    assert set(series) == {"certainly in the month", "bounds overlap the month", "no single month"}
    certain = sum(r["events"] for r in series["certainly in the month"])
    unplaced = sum(r["events"] for r in series["no single month"])
    total = conn.execute("select count(*) from events").fetchone()[0]
    assert certain + unplaced == total  # nothing left out
    assert certain == conn.execute("select count(*) from events where month is not null").fetchone()[0]
    assert unplaced == conn.execute("select count(*) from events where month is null").fetchone()[0] > 0
    assert {r["month"] for r in series["no single month"]} == {"no single month"}
    months = sorted({r["month"] for r in series["certainly in the month"]})
    first, last = months[0], months[-1]
    assert (first, last) == tuple(conn.execute(
        "select substr(min(date_earliest), 1, 7), substr(max(max(date_latest, coalesce(date_end, date_latest))), 1, 7) "
        "from events").fetchone())
    expected = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
    assert len(months) == expected  # every month, empty ones as 0: the chart does not hide gaps
    november = {r["category"]: r["events"] for r in series["certainly in the month"] if r["month"] == "2021-11"}
    assert november["military"] == conn.execute(
        "select count(*) from events where month = '2021-11' and category = 'military'").fetchone()[0]
    # The second series: per month, the events no month holds whose bounds overlap it, in every category.
    overlapping = 0
    for month in months:
        overlap = sum(r["events"] for r in series["bounds overlap the month"] if r["month"] == month)
        assert overlap == conn.execute(
            "select count(*) from events where month is null and date_earliest <= ? || '-31' "
            "and max(date_latest, coalesce(date_end, date_latest)) >= ? || '-01'", (month, month)).fetchone()[0], month
        overlapping += overlap
    assert overlapping > 0
    by_kind = served("/events/events_per_month_by_kind.json?_shape=objects&_size=max").json()["rows"]
    for certainty in series:
        assert sum(r["events"] for r in by_kind if r["certainty"] == certainty) == \
            sum(r["events"] for r in series[certainty]), certainty


@pytest.mark.parametrize("name", [n for n, q in QUERIES.items() if q.get("fragment")])
def test_chart_presets_are_datasette_vega_fragments_over_the_query_columns(served, name):
    state = {k[2:]: v[0] for k, v in parse_qs(QUERIES[name]["fragment"]).items()}
    assert all(key.startswith("g.") for key in parse_qs(QUERIES[name]["fragment"]))
    assert state["mark"] == "bar" and state["color_column"]  # a stacked bar chart
    columns = served(f"/events/{name}.json").json()["columns"]
    assert {state["x_column"], state["y_column"], state["color_column"]} <= set(columns)
    assert f'/events/{name}#{QUERIES[name]["fragment"]}' in served("/events").text.replace("&amp;", "&")


def test_events_by_forum_filters_and_an_empty_box_lists_every_forum(served, conn):
    sco = served("/events/events_by_forum.json?forum=SCO&_shape=objects").json()["rows"]
    assert sco and {r["forum"] for r in sco} == {"SCO"}
    every = served("/events/events_by_forum.json?forum=&_shape=objects").json()["rows"]
    assert len(every) == conn.execute("select count(*) from events where forum is not null").fetchone()[0]
    nato = served("/events/events_by_forum.json?forum=NATO").json()
    assert nato["ok"] is True and nato["rows"] == []


def test_the_home_page_reaches_the_four_tasks_in_one_click(bare, conn):
    home = bare("/").text
    links = {unquote(link) for link in links_in(home)}
    chart = next(link for link in links if link.startswith("/events/events_per_month#"))
    assert "g.mark=bar" in chart and "g.color_column=certainty" in chart  # opens on certain vs possible
    assert "/events/event_map" in links
    assert "/events/search?q=patrol" in links and 'action="/events/search"' in home
    lavrov = next(link for link in links if link.startswith("/events/actor_events?actor=Lavrov"))
    rows = bare(urlparse(lavrov).path + ".json?" + urlparse(lavrov).query + "&_shape=objects&_size=max").json()["rows"]
    expected = {r[0] for r in conn.execute("select event_id from event_actors where actor_id = 'sergey-lavrov'")}
    assert {r["event_id"] for r in rows} == expected and len(expected) >= 10
    for link in links_in(home):
        if link.startswith("/"):
            assert bare(link.split("#")[0]).status_code == 200, link


def test_the_map_view_feeds_datasette_cluster_map(served):
    page = served("/events/event_map").text
    assert "datasette-cluster-map.js" in page and 'DATASETTE_CLUSTER_MAP_LATITUDE_COLUMN = "latitude"' in page
    unplaced = served("/events/events.json?place_count=0&_size=0").json()["filtered_table_rows_count"]
    assert unplaced > 0 and "/events/events?place_count=0" in page


# The canned queries the README promises by name (its "Canned queries" list): the site must serve
# exactly these, so deleting one from metadata.yml (or adding one the README does not explain) fails.
PROMISED_QUERIES = {
    "timeline", "search", "search_statements", "events_per_month", "events_per_month_by_kind", "events_by_forum",
    "corroborated_events", "sources_that_disagree", "actor_events", "who_meets_whom", "events_between",
}


def readme_query_names() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = readme[readme.index("- **Canned queries**"):readme.index("- **SQL in the browser**")]
    return set(re.findall(r"`([a-z_]+)`", listed))


def test_the_site_serves_exactly_the_canned_queries_the_readme_promises(served, bare):
    assert readme_query_names() == PROMISED_QUERIES
    assert set(QUERIES) == PROMISED_QUERIES
    for get in (served, bare):  # with metadata.yml on the command line, and from the database alone
        assert {q["name"] for q in get("/events.json").json()["queries"]} == PROMISED_QUERIES


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.parametrize("name", list(QUERIES))
def test_a_canned_query_page_is_titled_by_its_title_not_its_sql(served, bare, name):
    for get in (served, bare):
        title = title_of(get(query_url(name, "html").replace(".html?", "?")).text)
        assert title == f"{escape(QUERIES[name]['title'])} · events", name


def test_table_row_and_database_pages_are_titled_in_words(served, conn):
    count = conn.execute("select count(*) from events").fetchone()[0]
    assert title_of(served("/events/events").text) == f"events: {count} rows sorted by date_earliest · events"
    assert title_of(served("/events/actors/vladimir-putin").text) == "Vladimir Putin · actors"
    assert title_of(served("/events/sources/scmp-3253354").text).endswith(" · sources")
    assert title_of(served("/events/event_sources/scmp-3253354,1").text) == "scmp-3253354, 1 · event_sources"  # no label column
    assert title_of(served("/events").text) == "events: tables, views and queries"
    assert title_of(served("/events?" + urlencode({"sql": "select 1"})).text) == "SQL query · events"
    event = conn.execute("select id, summary from events where summary_method = 'derived' order by id").fetchone()
    assert title_of(served(f"/events/events/{event['id']}").text) == str(escape(event["summary"]))


def header_columns(html: str) -> list[str]:
    return re.findall(r'<th [^>]*data-column="([^"]+)"', html)


def test_the_events_table_shows_a_compact_row_and_every_column_one_click_away(served, conn):
    columns = [row[1] for row in conn.execute("pragma table_info(events)")]
    compact = TABLES["events"]["compact_columns"]
    assert {"summary", "date_earliest", "date_latest", "cameo_root", "first_source", "place_count"} <= set(compact)
    assert header_columns(served("/events/events").text) == [c for c in columns if c in compact]
    assert header_columns(served("/events/events?_columns=all").text) == columns
    assert header_columns(served("/events/events?_col=month").text) == ["id", "month"]  # Datasette's own choice wins
    assert "date_evidence" in served("/events/events.json?_size=1&_shape=objects").json()["rows"][0]  # data whole
    assert len(served("/events/events.csv?_size=1").text.splitlines()[0].split(",")) == len(columns)


def test_long_cells_are_cut_short_in_lists_and_whole_on_the_event_page(served, conn):
    from loader.enrich.events import SUMMARY_LIMIT
    limit = SETTINGS["truncate_cells_html"]
    assert limit > SUMMARY_LIMIT + 1  # a summary is never cut in a list
    event = conn.execute("select id, description from events order by length(description) desc").fetchone()
    assert len(event["description"]) > limit
    listed = served(f"/events/events?_columns=all&id={event['id']}").text
    assert str(escape(event["description"][:limit])) + "…" in listed
    assert str(escape(event["description"])) not in listed
    assert str(escape(event["description"])) in served(f"/events/events/{event['id']}").text
